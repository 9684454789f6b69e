package cases

import (
	"regexp"
	"strings"
)

// The deterministic input frame: the situation as its owner would bring it
// to an expert. It never contains a response unit (the test over the atlas
// checks that input and reference share no sentence).
const (
	inputOpen  = "I'm dealing with this:"
	inputClose = "What should I do?"
)

// ownership rewrites that make a narrated situation sound like the person
// in it ("the team is ready to ship" → "our team is ready to ship").
var ownership = strings.NewReplacer(
	"the team ", "our team ", "The team ", "Our team ",
	"the team's ", "our team's ", "The team's ", "Our team's ",
	"the company ", "our company ", "The company ", "Our company ",
	"the lab ", "our lab ", "The lab ", "Our lab ",
	"the startup ", "our startup ", "The startup ", "Our startup ",
	"the department ", "our department ", "The department ", "Our department ",
)

// input frames the situation units as a first-person request for advice.
func (c *classifier) input(situation []string) string {
	body := c.situationText(situation)
	return inputOpen + " " + body + " " + inputClose
}

// situationText is the situation as one paragraph, with the practitioner
// mentioned in object position turned into "you" ("reports to the
// zoologist" → "reports to you"): the person is talking to the expert.
func (c *classifier) situationText(situation []string) string {
	var parts []string
	for _, u := range situation {
		u = ownership.Replace(u)
		u = c.addressed(u)
		parts = append(parts, strings.TrimSpace(u))
	}
	return strings.Join(parts, " ")
}

var objectRole = regexp.MustCompile(`\b(to|from|with|asks|ask|tells|calls|hires|brings|for|by|consults) the (expert|practitioner)('s)?\b`)

func (c *classifier) addressed(u string) string {
	return objectRole.ReplaceAllStringFunc(u, func(m string) string {
		sub := objectRole.FindStringSubmatch(m)
		if sub[3] != "" {
			return sub[1] + " your"
		}
		return sub[1] + " you"
	})
}
