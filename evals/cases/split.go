package cases

import (
	"regexp"
	"sort"
	"strings"

	"github.com/soulc/soulc/compiler/ir"
)

// How a scenario was split into situation and response, for statistics
// and for the lead's report.
const (
	SplitActor    = "actor"    // a sentence whose subject is the practitioner
	SplitCue      = "cue"      // a cue such as "Instead", "The fix is"
	SplitTitle    = "title"    // the scenario opens with the expert acting; the title is the situation
	SplitFallback = "fallback" // no cue: the first sentence(s) are taken as the situation
)

// genericRoles name the practitioner in any SOUL ("The expert reframes…").
var genericRoles = []string{"expert", "practitioner", "specialist", "professional", "veteran", "master", "pro", "senior", "adept", "consultant", "clinician"}

// agentSuffix matches nouns that name a person by what they do
// ("calendarist", "thinker", "counselor"); with a definite article and a
// verb they are taken as the practitioner unless listed in otherPeople.
var agentSuffix = regexp.MustCompile(`^[a-z-]{3,}(?:er|or|ist|ian)$`)

// otherPeople are the people a practitioner deals with, never the
// practitioner ("The manager wants…", "The buyer insists…").
var otherPeople = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`customer user owner manager buyer seller founder partner mother father
		sister brother daughter member player tenant landlord reporter leader officer employer worker
		driver teacher neighbour neighbor director supervisor boss colleague coworker competitor rival
		opponent attacker defender interviewer interviewer caller viewer reader listener visitor
		passenger rider shopper borrower lender investor donor volunteer sponsor organizer organiser
		promoter publisher editor producer writer author other stranger beginner amateur junior
		novice outsider newcomer doctor lawyer surgeon nurse engineer designer developer tester
		auditor inspector regulator prosecutor defender commander soldier officer ruler emperor
		predecessor successor peer counterpart character villain hero narrator protagonist
		computer controller compressor sensor monitor indicator router server container filter
		transformer motor generator factor error behavior behaviour color colour humor humour
		meter center centre layer paper water weather winter summer number letter matter order
		border corner cluster answer chapter power tower finger shoulder ladder powder marker
		counter register voucher charter quarter fever cancer tumor donor either neither never
		higher other rather whether after under over later earlier better together further however
		whatever prior anger danger shortlist list supplier provider contractor holder ever lower
		upper inner outer latter former longer shorter bigger smaller faster slower closer deeper
		wider stronger weaker harder easier greater lesser fewer larger ledger trigger barrier
		carrier sticker poster flyer folder binder buffer timer printer scanner trailer razor
		mirror error sector vector factor mentor tutor visitor vendor suitor sailor tailor senator
		governor mayor pastor priest rector proctor major minor motor donor decor floor door`) {
		otherPeople[w] = true
	}
}

// roleNouns returns the words a SOUL's scenarios use for its practitioner:
// the head noun of the title, of any parenthesised part and of each alias,
// the last word of the slug, and the generic ones.
func roleNouns(s *ir.Soul) []string {
	set := map[string]bool{}
	add := func(phrase string) {
		f := strings.FieldsFunc(strings.ToLower(phrase), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r == '-')
		})
		if len(f) > 0 && len(f[len(f)-1]) > 2 && !strings.HasSuffix(f[len(f)-1], "ing") {
			set[f[len(f)-1]] = true // a gerund ("signing") names an activity, not a person
		}
	}
	title := s.Title
	if title == "" {
		title = s.Meta.Title
	}
	if i := strings.Index(title, "("); i >= 0 {
		if j := strings.Index(title[i:], ")"); j > 0 {
			add(title[i+1 : i+j])
		}
		title = title[:i]
	}
	for _, part := range strings.FieldsFunc(title, func(r rune) bool { return r == '/' || r == ',' || r == '&' }) {
		add(part)
	}
	for _, a := range s.Meta.Aliases {
		add(a)
	}
	add(strings.ReplaceAll(s.Slug, "-", " "))
	for _, g := range genericRoles {
		set[g] = true
	}
	var out []string
	for w := range set {
		if !notRoles[w] {
			out = append(out, w)
		}
	}
	return out
}

// notRoles are head nouns that name a field, not a person ("AI safety").
var notRoles = map[string]bool{"and": true, "the": true, "safety": true, "care": true, "work": true, "science": true, "design": true, "management": true, "health": true}

// situational verbs describe what happens to the practitioner, not what
// they do about it ("The analyst is handed a dashboard").
var situational = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "'s": true, "has": true, "have": true,
	"had": true, "gets": true, "get": true, "got": true, "receives": true, "receive": true,
	"faces": true, "face": true, "inherits": true, "inherit": true, "joins": true, "join": true,
	"arrives": true, "arrive": true, "wants": true, "want": true, "needs": true, "need": true,
	"must": true, "hears": true, "hear": true, "comes": true, "come": true, "walks": true,
	"feels": true, "feel": true, "says": true, "say": true, "tells": true, "asks": true,
	"insists": true, "complains": true, "worries": true, "hopes": true, "believes": true,
	"thinks": true, "knows": true, "wonders": true, "seems": true, "looks": true, "keeps": true,
	"pushes": true, "starts": true, "begins": true, "would": true, "could": true, "might": true,
	"may": true, "will": true, "can": true, "should": true, "did": true, "does": true,
	"doesn't": true, "didn't": true, "isn't": true, "wasn't": true, "hasn't": true, "finds": true,
}

// classifier holds a SOUL's compiled patterns.
type classifier struct {
	acronyms   map[string]bool // the title's initials and acronym aliases
	possessive *regexp.Regexp  // "The expert's reaction is…"
	roles      map[string]bool
	actor      *regexp.Regexp // "[Lead, ]the <role> <verb> …"
	mention    *regexp.Regexp // any mention of the practitioner
}

func newClassifier(s *ir.Soul) *classifier {
	nouns := roleNouns(s)
	set := map[string]bool{}
	for _, n := range nouns {
		set[n] = true
	}
	roles := strings.Join(quoteAll(nouns), "|")
	acr := map[string]bool{}
	for _, t := range append([]string{s.Title, s.Meta.Title}, s.Meta.Aliases...) {
		if i := initials(t); len(i) >= 2 {
			acr[i] = true
		}
		for _, w := range strings.Fields(t) {
			if isAcronym(w) {
				acr[w] = true
			}
		}
	}
	return &classifier{
		acronyms:   acr,
		roles:      set,
		actor:      regexp.MustCompile(`^(?P<subj>(?:[Tt]he|[Tt]his|[Oo]ur)(?: [a-z-]+){0,3}? (?:` + roles + `|[a-z-]{3,}(?:er|or|ist|ian)|[A-Z]{2,5})|I|We|You|They|He|She|we|you|they|he|she)(?P<rest> .*)$`),
		possessive: regexp.MustCompile(`^(?:[^;:"“]{1,100}?, )?[Tt]he (?:[a-z-]+ )?(?:` + roles + `)['’]s (?:[a-z-]+ )?(?:reaction|response|move|answer|read|reading|instinct|approach|plan|call|diagnosis|verdict|question|first)\b`),
		mention:    regexp.MustCompile(`(?i)\b(?:the|a|an|this|our)(?: [a-z-]+)? (?:` + roles + `)\b`),
	}
}

func quoteAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = regexp.QuoteMeta(w)
	}
	// Longest first so "researcher" wins over a prefix.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (len(out[j]) > len(out[j-1]) || len(out[j]) == len(out[j-1]) && out[j] < out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// actorClause is a unit whose subject is the practitioner.
type actorClause struct {
	lead, subject, pred string
	plural              bool // the verb is in base form (I, we, you, they)
}

// matchActor reports whether u has the practitioner as its subject doing
// something; mentioned says whether an earlier unit named the practitioner,
// which is what lets "They…" refer to them.
func (c *classifier) matchActor(u string, mentioned bool) (actorClause, bool) {
	for _, st := range leadStarts(u) {
		if a, ok := c.matchAt(u, st, mentioned); ok {
			return a, true
		}
	}
	return actorClause{}, false
}

// leadStarts are where a subject may start: the beginning, after a comma
// ("Before publishing, the zoologist…"), after ", so"/", then"/", and", or
// after an opening transition ("Going forward they…").
func leadStarts(u string) []int {
	out := []int{0}
	for t := range transitions {
		if strings.HasPrefix(u, t+" ") {
			out = append(out, len(t)+1)
		}
	}
	for i := 0; i+2 < len(u) && i <= 140; i++ {
		if u[i] != ',' || u[i+1] != ' ' {
			continue
		}
		out = append(out, i+2)
		for _, w := range []string{"so ", "then ", "and "} {
			if strings.HasPrefix(u[i+2:], w) {
				out = append(out, i+2+len(w))
			}
		}
	}
	sort.Ints(out) // shortest lead first, and deterministic
	return out
}

func (c *classifier) matchAt(u string, start int, mentioned bool) (actorClause, bool) {
	m := c.actor.FindStringSubmatch(u[start:])
	if m == nil {
		return actorClause{}, false
	}
	lead := strings.TrimSuffix(strings.TrimSpace(u[:start]), ",")
	a := actorClause{lead: lead, subject: m[1], pred: strings.TrimSpace(m[2])}
	if strings.ContainsAny(a.lead, `"“”;:`) {
		return actorClause{}, false
	}
	if noun := lastField(a.subject); otherPeople[noun] && !c.isRole(noun) {
		return actorClause{}, false
	}
	switch a.subject {
	case "we", "you", "they", "he", "she":
		if a.lead == "" {
			return actorClause{}, false // lower case only after a lead clause
		}
	}
	switch strings.ToLower(a.subject) {
	case "i", "we", "you":
		a.plural = true
	case "they", "he", "she":
		if !mentioned {
			return actorClause{}, false
		}
		a.plural = strings.ToLower(a.subject) == "they"
	}
	if acr := lastFieldRaw(a.subject); isAcronym(acr) && !c.acronyms[acr] && !mentioned {
		return actorClause{}, false // "The CFO asks…" is someone else unless the role is named so
	}
	verb := firstVerb(a.pred)
	if verb == "" || strings.HasPrefix(a.pred, "'") || nounSituational[verb] && !reacts(a) {
		return actorClause{}, false
	}
	if a.pronoun() && situational[verb] {
		return actorClause{}, false
	}
	if (len(verb) < 4 || stopwords[verb]) && !negations[verb] && !a.plural && verb != "does" && verb != "sees" && verb != "goes" {
		return actorClause{}, false // "the surgeon frames signing as…": "as" is no verb
	}
	if !a.plural && !strings.HasSuffix(verb, "s") && !irregularPast[verb] && !strings.HasSuffix(verb, "ed") && !negations[verb] {
		return actorClause{}, false // "the expert team" etc.: not a verb
	}
	return a, true
}

// negations start a move too: "The expert doesn't replace the turbo again."
var negations = map[string]bool{"doesn't": true, "didn't": true, "does": true, "did": true,
	"cannot": true, "can't": true, "won't": true, "neither": true, "refuses": true}

// reacts reports "The expert is suspicious": the practitioner's reaction,
// which starts the response, unlike "the expert is asked/brought in".
func reacts(a actorClause) bool {
	if a.pronoun() {
		return false
	}
	f := strings.Fields(strings.ToLower(a.pred))
	if len(f) < 2 || f[0] != "is" && f[0] != "was" {
		return false
	}
	w := strings.Trim(f[1], ",.;:")
	if w == "not" && len(f) > 2 {
		w = strings.Trim(f[2], ",.;:")
	}
	return !strings.HasSuffix(w, "ed") && !passiveIrregular[w] && !strings.HasSuffix(w, "ing") && w != "a" && w != "an" && w != "the" && w != "in" && w != "on" && w != "at"
}

var passiveIrregular = map[string]bool{"brought": true, "called": true, "given": true, "handed": true,
	"told": true, "shown": true, "sent": true, "taken": true, "caught": true, "hired": true, "paged": true,
	"being": true, "about": true, "new": true, "alone": true, "stuck": true, "left": true, "known": true}

var irregularPast = map[string]bool{"took": true, "made": true, "chose": true, "saw": true, "found": true, "built": true, "ran": true, "went": true, "wrote": true, "gave": true, "sent": true, "kept": true, "left": true, "told": true, "put": true, "set": true, "cut": true}

var transitions = map[string]bool{"So": true, "Then": true, "Now": true, "Next": true, "Instead": true,
	"Later": true, "Going forward": true, "From there": true, "After that": true, "Here": true,
	"But": true, "And": true, "First": true, "Finally": true, "Only then": true, "Eventually": true}

func lastField(s string) string {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func (c *classifier) isRole(noun string) bool { return c.roles[noun] }

func (a actorClause) pronoun() bool {
	switch strings.ToLower(a.subject) {
	case "i", "we", "you", "they", "he", "she":
		return true
	}
	return false
}

func lastFieldRaw(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// initials of a title ("Physician Assistant" → "PA"), how scenarios often
// name the practitioner.
func initials(title string) string {
	var b strings.Builder
	for _, w := range strings.Fields(title) {
		if r := w[0]; r >= 'A' && r <= 'Z' {
			b.WriteByte(r)
		}
	}
	return b.String()
}

// nounSituational are verbs that, even after "the expert", describe the
// situation rather than a move ("the analyst is handed…", "learns that…").
var nounSituational = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "has": true, "have": true, "had": true,
	"gets": true, "got": true, "receives": true, "faces": true, "inherits": true, "joins": true,
	"arrives": true, "wants": true, "needs": true, "must": true, "hears": true, "comes": true,
	"walks": true, "seems": true, "would": true, "could": true, "might": true,
	"may": true, "will": true, "can": true, "should": true, "learns": true, "becomes": true,
	"approaches": true, "encounters": true, "discovers": true, "realizes": true, "realises": true,
	"feels": true, "wonders": true, "worries": true, "hopes": true,
	"takes over": true, "starts": true, "begins": true, "gets called": true, "lands": true,
}

// firstVerb is the first word of a predicate after any adverbs, lower case.
func firstVerb(pred string) string {
	for _, w := range strings.Fields(pred) {
		lw := strings.ToLower(strings.Trim(w, ",;:"))
		if adverbs[lw] {
			continue
		}
		if strings.HasPrefix(lw, "'") { // "I'm", "they've"
			return lw
		}
		return lw
	}
	return ""
}

var cueRe = regexp.MustCompile(`^(?:Instead\b|Rather than\b|Rather,|First,|So,? (?:I|we|they|the)\b|(?:[^;:"“]{1,100}?, )?[Tt]he (?:fix|remedy|conclusion|verdict|recommendation|deliverable|resolution|takeaway|upshot|intervention|solution|treatment)\b|The (?:[a-z-]+ )?(?:move|response|version|approach|play|read|reading|habit|reframe)\b|The expert [a-z-]+ (?:is|was)\b|The (?:[a-z-]+ )?(?:call|answer|step|fix|plan|report|diagnosis|framing|decision|path|course|option|strategy) (?:is|was|isn't|wasn't)\b|The (?:[a-z-]+ )?[a-z]+:)`)

// wrongCueRe marks units that describe the tempting wrong move; they belong
// to the situation even when they mention a "move".
var wrongCueRe = regexp.MustCompile(`(?i)^(?:it'?s|it is) tempting|^the (?:temptation|instinct|reflex|old|obvious|easy|naive|naïve|tempting|default|knee-jerk|first instinct|natural|novice|amateur|beginner|rookie|junior|untrained|typical|average|common|wrong|lazy|conventional|standard|reactive|reflexive|quick|rushed|textbook|willpower|panicked|panic|instinctive|literal|surface|superficial|intuitive|usual|familiar|simple|automatic|emotional|anxious|fearful|defensive|overload|ethnocentric|shallow|generic|cheap|careless|impulsive|pull)\b|^the (?:[a-z-]+ )?(?:temptation|reflex|instinct)\b|^the (?:[a-z-]+ )?(?:failure|mistake|trap|error) (?:is to|would be|mode)\b|^the [a-z-]+ (?:failure|mistake) [a-z]+s\b`)

// isCue reports a response cue that is not a description of the wrong move.
func (c *classifier) isCue(u string) bool {
	return (cueRe.MatchString(u) || c.possessive.MatchString(u)) && !wrongCueRe.MatchString(u)
}

// unitsOf splits scenario text into units: sentences, further split at a
// semicolon or dash when the practitioner starts acting mid-sentence
// ("The department wants a map; the geographer treats it as…").
func (c *classifier) unitsOf(text string) []string {
	var out []string
	for _, s := range sentences(plain(text)) {
		out = append(out, c.splitClauses(s, len(out) > 0 && c.mentionedIn(out))...)
	}
	return out
}

var clauseBreak = regexp.MustCompile(`; | — | – |, but `)

func (c *classifier) splitClauses(s string, mentioned bool) []string {
	locs := clauseBreak.FindAllStringIndex(s, -1)
	for _, l := range locs {
		head, tail := s[:l[0]], s[l[1]:]
		if words(head) < 4 || words(tail) < 3 {
			continue
		}
		t := upperFirst(tail)
		if _, ok := c.matchActor(t, mentioned || c.mention.MatchString(head)); ok && !strings.ContainsAny(head, `"“`) {
			return []string{trimEndPunct(head) + ".", t}
		}
	}
	return []string{s}
}

func (c *classifier) mentionedIn(units []string) bool {
	for _, u := range units {
		if c.mention.MatchString(u) {
			return true
		}
	}
	return false
}

// split is one scenario divided at the point where the practitioner acts.
type split struct {
	situation, response []string
	how                 string
}

// splitUnits finds the first unit (after the first) where the practitioner
// acts or a response cue appears.
func (c *classifier) splitUnits(units []string) split {
	at, how := -1, ""
	for i, u := range units {
		mentioned := c.mentionedIn(units[:i])
		if wrongCueRe.MatchString(u) {
			continue
		}
		if a, ok := c.matchActor(u, mentioned); ok {
			if i == 0 && perceives[firstVerb(a.pred)] && len(units) > 1 {
				continue // "The inspector finds a chained exit": the scene, not the move
			}
			at, how = i, SplitActor
		} else if c.isCue(u) {
			at, how = i, SplitCue
		}
		if at >= 0 {
			break
		}
	}
	if at == 0 {
		at = c.laterSplit(units, at)
	}
	switch {
	case at > 0:
		return split{situation: units[:at], response: units[at:], how: how}
	case at == 0:
		return split{response: units, how: SplitTitle}
	case len(units) == 1:
		return split{response: units, how: SplitTitle}
	}
	k := 1
	if len(units) > 4 {
		k = 2
	}
	return split{situation: units[:k], response: units[k:], how: SplitFallback}
}

// perceives are verbs with which an opening sentence sets the scene.
var perceives = map[string]bool{"notices": true, "finds": true, "spots": true, "sees": true,
	"discovers": true, "hits": true, "hears": true, "learns": true, "realizes": true,
	"realises": true, "encounters": true, "receives": true, "gets": true, "is": true}

// laterSplit handles a scenario that opens with the practitioner in the
// situation ("Deep in fieldwork, the anthropologist learns…"): when a
// tempting wrong move is described later, the response starts at the first
// move after it. Otherwise the split stays at the start.
func (c *classifier) laterSplit(units []string, at int) int {
	for w := 1; w < len(units); w++ {
		if !wrongCueRe.MatchString(units[w]) {
			continue
		}
		for j := w + 1; j < len(units); j++ {
			if _, ok := c.matchActor(units[j], true); ok || c.isCue(units[j]) {
				return j
			}
		}
		return at
	}
	return at
}
