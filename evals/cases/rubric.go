package cases

import (
	"regexp"
	"strings"
)

// Rubric sizes the issue asks for: enough to grade, few enough to check.
const (
	MinRubric  = 3
	MaxRubric  = 6
	maxMustNot = 3
	maxWords   = 32 // a criterion longer than this is cut at a clause break
)

// criterion kinds, in the order they are kept when there are too many.
type critKind int

const (
	critAction     critKind = iota // what the practitioner did
	critConclusion                 // what they concluded
	critOutcome                    // what then happened: only to pad
)

type criterion struct {
	kind critKind
	text string
}

type builder struct {
	names  map[string]bool // names in the scenario, kept capitalised
	crits  []criterion
	wrong  []string
	padded bool
}

// genericCriteria pad a rubric when the response is too short to give three
// criteria of its own; each is still observable in an answer.
var genericCriteria = []string{
	"Gives a concrete next step for this specific situation, not generic advice",
	"States a clear conclusion about what is really going on",
	"Explains the reasoning behind the recommendation",
}

// criteria derives rubric and must_not candidates from a split scenario.
func (c *classifier) criteria(sp split) *builder {
	b := &builder{names: namesIn(strings.Join(append(append([]string{}, sp.situation...), sp.response...), " "))}
	for _, u := range sp.situation {
		b.wrong = append(b.wrong, wrongMoves(u)...)
	}
	for _, u := range sp.response {
		c.addUnit(b, u)
	}
	return b
}

func (c *classifier) addUnit(b *builder, u string) {
	if _, ok := c.matchActor(u, true); !ok {
		u = stripTransition(u) // "So the response splits…" reads as "The response splits…"
	}
	if wrongCueRe.MatchString(u) {
		b.wrong = append(b.wrong, wrongMoves(u)...)
		return
	}
	if t, wrong, ok := conclusion(u, b.names); ok {
		b.add(critConclusion, t)
		b.wrong = append(b.wrong, wrong...)
		return
	}
	if a, ok := c.matchActor(u, true); ok {
		b.wrong = append(b.wrong, actorWrongs(a)...)
		for _, part := range splitActions(actionCriterion(a)) {
			b.add(critAction, part)
		}
		return
	}
	if m := approachRe.FindStringSubmatch(u); m != nil {
		b.add(critAction, upperFirst(trimEndPunct(m[1])))
		return
	}
	if imperative(u) {
		b.add(critAction, upperFirst(conjugateLead(lowerFirst(trimEndPunct(u)))))
		return
	}
	b.add(critOutcome, "Recognises that "+lowerFirstExcept(trimEndPunct(u), b.names))
}

func (b *builder) add(k critKind, text string) {
	text = shorten(text, maxWords)
	if words(text) < 2 {
		return
	}
	for _, c := range b.crits {
		if normSentence(c.text) == normSentence(text) {
			return
		}
	}
	b.crits = append(b.crits, criterion{k, text})
}

var transitionRe = regexp.MustCompile(`^(?:So|Then|But|And|Now|Here|Still|Instead|Finally|Ultimately),? `)

func stripTransition(u string) string {
	if m := transitionRe.FindString(u); m != "" && words(u) > 4 {
		return upperFirst(u[len(m):])
	}
	return u
}

// imperative reports a sentence that is an instruction ("Introduce
// recoverable stressors…"): the expert's move with the subject left out.
func imperative(u string) bool {
	f := strings.Fields(u)
	if len(f) < 3 {
		return false
	}
	w := strings.ToLower(f[0])
	return f[0] != w && !stopwords[w] && baseVerbLike(w) && objectStarts[strings.ToLower(f[1])]
}

// approachRe: "The grounded move treats it as information…" → the move's verb.
var approachRe = regexp.MustCompile(`^The (?:[a-z-]+ )?(?:move|response|version|approach|play|read|reading|habit) ((?:[a-z]+s|does not|doesn't) .*)$`)

// conclusionRe: "The fix is …", "The honest report is …", "The diagnosis: …".
var conclusionRe = regexp.MustCompile(`^(?:[^;:"“]{1,100}?, )?(?:[Tt]he|[Tt]heir|[Hh]is|[Hh]er|[Mm]y|[Oo]ur) (?:[a-z-]+ )?(?:fix|remedy|conclusion|verdict|recommendation|deliverable|resolution|takeaway|upshot|intervention|solution|treatment|call|answer|step|plan|report|diagnosis|framing|decision|path|course|option|strategy|move|response|approach|finding|lesson|point|read|reading|judgment|judgement|advice|result)(?: (?:is|was|isn't|wasn't|becomes|stays)\b|:)(.*)$`)

var notButRe = regexp.MustCompile(`^(.*?)\bnot ([^,;]+?),? but (.+)$`)

// conclusion turns a conclusion sentence into "Concludes that …"; "not A but
// B" yields B as the criterion and A as a must_not.
func conclusion(u string, names map[string]bool) (string, []string, bool) {
	if !conclusionRe.MatchString(u) {
		return "", nil, false
	}
	body := trimEndPunct(u)
	if m := verdictRe.FindStringSubmatch(body); m != nil {
		return verdict(m[1], names)
	}
	if m := proposalRe.FindStringSubmatch(body); m != nil && !strings.HasPrefix(m[2], "not ") {
		return "Proposes as the " + m[1] + ": " + m[2], nil, true
	}
	var wrong []string
	if m := notButRe.FindStringSubmatch(body); m != nil && words(m[2]) <= 12 {
		wrong = append(wrong, "Concludes that "+lowerFirstExcept(strings.TrimSpace(m[1]), names)+" "+trimEndPunct(m[2]))
	}
	if strings.Contains(body, ": ") && !strings.Contains(body[:strings.Index(body, ": ")], " is") {
		body = strings.Replace(body, ": ", " is: ", 1) // "The fix: X" → "the fix is: X"
	}
	return "Concludes that " + lowerFirstExcept(body, names), wrong, true
}

// verdictRe: "The conclusion is X" states the conclusion itself.
var verdictRe = regexp.MustCompile(`^(?:[^;:"“]{1,100}?, )?[Tt]he (?:[a-z-]+ )?(?:conclusion|verdict|finding|diagnosis|answer|read|reading|judgment|judgement)(?: is|:) (.+)$`)

// proposalRe: "The fix is X" states what the expert proposes.
var proposalRe = regexp.MustCompile(`^[Tt]he ((?:[a-z-]+ )?(?:fix|remedy|recommendation|solution|treatment|intervention|plan|deliverable|step|move|answer|response)) (?:is|was) (.+)$`)

func verdict(rest string, names map[string]bool) (string, []string, bool) {
	if m := notButRe.FindStringSubmatch(rest); m != nil && strings.TrimSpace(m[1]) == "" {
		return "Concludes " + thatClause(m[3], names), []string{"Concludes " + thatClause(m[2], names)}, true
	}
	return "Concludes " + thatClause(rest, names), nil, true
}

// thatClause prefixes "that" unless x is a quotation or already a clause.
func thatClause(x string, names map[string]bool) string {
	x = strings.TrimSpace(x)
	if strings.HasPrefix(x, `"`) || strings.HasPrefix(x, "“") || strings.HasPrefix(x, "that ") {
		return x
	}
	return "that " + lowerFirstExcept(x, names)
}

// actionCriterion is the practitioner's predicate in the third person,
// without the subject ("They build X" → "Builds X").
func actionCriterion(a actorClause) string {
	pred := a.pred
	if a.plural {
		pred = toThirdPerson(pred)
	}
	return upperFirst(trimEndPunct(pred))
}

var (
	leadContrast = regexp.MustCompile(`^(?:Instead of|Rather than) (.+)$`)
	neverRe      = regexp.MustCompile(`^(?:(?:[a-z]+ly|first|then|also) )?(?:never|doesn't|does not|don't|do not|won't|will not) ([^,;:.—]+)`)
	refuseRe     = regexp.MustCompile(`^(?:(?:[a-z]+ly|first|then|also) )?(refuses|refuse|resists|resist|rejects|reject|declines|decline) (to )?([^,;:.—]+)`)
	ratherRe     = regexp.MustCompile(`\b(?:rather than|instead of) ([^,;:.—]+)`)
	temptRe      = regexp.MustCompile(`(?i)^(?:it'?s|it is) (?:tempting|easy) to (.+)$`)
	reflexRe     = regexp.MustCompile(`^The ([a-z-]+(?: [a-z-]+)?) (?:is|was|would be) to ([^;]+)`)
	wrongDoerRe  = regexp.MustCompile(`^The (?:[a-z-]+ )?(?:novice|amateur|beginner|rookie|junior|untrained [a-z]+|typical [a-z]+|average [a-z]+|naive [a-z]+|naïve [a-z]+|reactive [a-z]+|[a-z-]+ mindset) ((?:[a-z]+s|does not|doesn't) [^;]+)`)
)

// actorWrongs finds the moves the practitioner explicitly avoids.
func actorWrongs(a actorClause) []string {
	var out []string
	if m := leadContrast.FindStringSubmatch(a.lead); m != nil {
		out = append(out, contrastMove(m[1], true))
	}
	pred := a.pred
	if a.plural {
		pred = toThirdPerson(pred)
	}
	if m := neverRe.FindStringSubmatch(pred); m != nil && words(m[1]) >= 2 {
		move := strings.TrimSpace(m[1])
		if !strings.Contains(m[0], "never ") {
			move = toThirdPerson(move) // "doesn't replace" → "replaces"; "never replaces" already is
		}
		out = append(out, upperFirst(move))
	}
	if m := refuseRe.FindStringSubmatch(pred); m != nil {
		obj, _, _ := strings.Cut(m[3], " and ")
		obj, _, _ = strings.Cut(obj, " but ")
		switch {
		case words(obj) > 10:
		case m[2] != "":
			out = append(out, "Agrees to "+strings.TrimSpace(obj))
		case !strings.HasPrefix(obj, "both"):
			out = append(out, "Goes along with "+strings.TrimSpace(obj))
		}
	}
	if m := ratherRe.FindStringSubmatch(pred); m != nil && words(m[1]) >= 3 && !strings.HasSuffix(strings.Fields(m[1])[0], "ly") {
		out = append(out, contrastMove(m[1], false))
	}
	return out
}

// contrastMove phrases "rather than X" as a must_not. A gerund reads as a
// recommendation; at the start of a sentence X is a verb phrase; elsewhere
// it is usually a thing chosen instead.
func contrastMove(x string, initial bool) string {
	x = trimEndPunct(x)
	first := strings.ToLower(strings.Fields(x + " x")[0])
	switch {
	case strings.HasSuffix(first, "ing"):
		return "Recommends " + x
	case initial:
		return "Chooses to " + x
	}
	return "Chooses " + x + " instead"
}

// wrongMoves extracts must_not candidates from a sentence describing the
// tempting wrong move.
func wrongMoves(u string) []string {
	u = trimEndPunct(u)
	if m := temptRe.FindStringSubmatch(u); m != nil {
		return []string{"Gives in to the temptation to " + m[1]}
	}
	if m := reflexRe.FindStringSubmatch(u); m != nil && wrongCueRe.MatchString(u) {
		return []string{"Follows the " + m[1] + " to " + m[2]}
	}
	if m := wrongDoerRe.FindStringSubmatch(u); m != nil {
		return []string{upperFirst(m[1])}
	}
	return nil
}

// rubric returns 3–6 criteria: actions and conclusions first, outcomes only
// to reach three, generic criteria as a last resort, and merges when there
// are more than six.
func (b *builder) rubric() []string {
	var main, extra []string
	for _, c := range b.crits {
		if c.kind == critOutcome {
			extra = append(extra, c.text)
		} else {
			main = append(main, c.text)
		}
	}
	for len(main) < MinRubric && len(extra) > 0 {
		main, extra = append(main, extra[0]), extra[1:]
	}
	if len(main) < MinRubric {
		main = expand(main, MinRubric)
	}
	for i := 0; len(main) < MinRubric; i++ {
		main = append(main, genericCriteria[i])
		b.padded = true
	}
	for len(main) > MaxRubric {
		main = mergeShortest(main)
	}
	return main
}

// mergeShortest joins the adjacent pair with the fewest words, keeping the
// order of the scenario.
func mergeShortest(items []string) []string {
	best, bestLen := 0, -1
	for i := 0; i+1 < len(items); i++ {
		if n := words(items[i]) + words(items[i+1]); bestLen < 0 || n < bestLen {
			best, bestLen = i, n
		}
	}
	merged := items[best] + "; then " + lowerFirst(items[best+1])
	out := append([]string{}, items[:best]...)
	out = append(out, merged)
	return append(out, items[best+2:]...)
}

func (b *builder) mustNot() []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range b.wrong {
		w = shorten(upperFirst(trimEndPunct(w)), 25)
		k := normSentence(w)
		if words(w) < 3 || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, w)
		if len(out) == maxMustNot {
			break
		}
	}
	return out
}

// shorten cuts text longer than max words at the last clause break that
// keeps at least a third of it; text without one is kept whole rather than
// cut mid-clause.
func shorten(text string, max int) string {
	text = strings.TrimSpace(text)
	if words(text) <= max {
		return text
	}
	f := strings.Fields(text)
	limit := strings.Join(f[:max], " ")
	cut := -1
	for _, sep := range []string{"; ", ": ", " — ", " – "} {
		if i := strings.LastIndex(limit, sep); i > cut && words(limit[:max0(i)]) >= max/3 {
			cut = i
		}
	}
	if cut < 0 {
		return text
	}
	out := trimEndPunct(text[:cut])
	for _, dangling := range []string{" and", " or", " but", " then", " so"} {
		out = trimEndPunct(strings.TrimSuffix(out, dangling))
	}
	return out
}

func max0(i int) int {
	if i < 0 {
		return 0
	}
	return i
}

// objectStarts are words that follow a verb's object position; a word
// ending in -s between a comma or "and" and one of these is taken as the
// next verb of a compound action ("resists the story and designs a test").
var objectStarts = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a an it its their his her them him this that these those every each
		all no some to on for with up out back down where what whether how why which who one two three
		more less only our my your both any off in into over through`) {
		objectStarts[w] = true
	}
}

// splitActions splits a compound action into one criterion per verb, so
// each criterion checks one observable move.
func splitActions(text string) []string {
	head := text
	tail := ""
	if i := strings.IndexAny(text, ":;—"); i >= 0 {
		head, tail = text[:i], text[i:] // never split inside a list after a colon
	}
	f := strings.Fields(head)
	var parts []string
	start := 0
	for i := 1; i+1 < len(f); i++ {
		w := strings.ToLower(f[i])
		prev := f[i-1]
		joiner := strings.HasSuffix(prev, ",") || prev == "and" || prev == "then"
		if !joiner || !isVerbS(w) || !objectStarts[strings.ToLower(f[i+1])] {
			continue
		}
		end := i
		if prev == "and" || prev == "then" {
			end = i - 1
		}
		piece := strings.Join(f[start:end], " ")
		if words(piece) >= 3 && len(f)-i >= 3 {
			parts = append(parts, upperFirst(trimEndPunct(strings.TrimSuffix(strings.TrimSpace(piece), " and"))))
			start = i
		}
	}
	last := strings.Join(f[start:], " ")
	if strings.HasPrefix(tail, "—") {
		last += " "
	}
	last += tail
	parts = append(parts, upperFirst(trimEndPunct(last)))
	return parts
}

func isVerbS(w string) bool {
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") && !objectStarts[w]
}

// expand breaks criteria into finer ones until there are want of them: a
// list after a colon becomes one criterion per item ("Differentiates,
// including using leveled materials"), and a "because" clause becomes
// "Explains that …". It never invents content.
func expand(items []string, want int) []string {
	out := append([]string{}, items...)
	for i := 0; i < len(out) && len(out) < want; i++ {
		parts := verbList(out[i])
		if len(parts) < 2 {
			parts = imperativeList(out[i])
		}
		if len(parts) < 2 {
			parts = listItems(out[i])
		}
		if len(parts) < 2 {
			parts = becauseParts(out[i])
		}
		if len(parts) < 2 {
			parts = statementClause(out[i])
		}
		if len(parts) < 2 {
			continue
		}
		if room := want - len(out) + 1; len(parts) > room {
			parts = append(parts[:room-1], strings.Join(parts[room-1:], "; "))
		}
		out = append(out[:i], append(parts, out[i+1:]...)...)
		i += len(parts) - 1
	}
	return out
}

// imperativeList splits "Treats it as X: inventory A, build B, and connect
// C" into the head with its first item, then one criterion per later item
// in the third person ("Builds B", "Connects C").
func imperativeList(text string) []string {
	head, list, ok := strings.Cut(text, ": ")
	if !ok || derived(head) && !strings.HasPrefix(head, "Concludes ") || strings.ContainsAny(list, "()") {
		return nil
	}
	f := strings.Fields(list)
	var items []string
	start := 0
	for i := 1; i+1 < len(f); i++ {
		prev := f[i-1]
		afterComma := strings.HasSuffix(prev, ",") || prev == "and" && i >= 2 && strings.HasSuffix(f[i-2], ",")
		if !afterComma || f[i] == "and" || !baseVerbLike(f[i]) || !objectStarts[strings.ToLower(f[i+1])] {
			continue
		}
		end := i
		if prev == "and" {
			end = i - 1
		}
		if end-start >= 2 {
			items = append(items, trimEndPunct(strings.Join(f[start:end], " ")))
			start = i
		}
	}
	if start == 0 {
		return nil
	}
	items = append(items, trimEndPunct(strings.Join(f[start:], " ")))
	out := []string{head + ": " + items[0]}
	for _, it := range items[1:] {
		out = append(out, upperFirst(conjugateLead(it)))
	}
	return out
}

// conjugateLead puts an item's first verb in the third person.
func conjugateLead(item string) string {
	f := strings.Fields(item)
	if len(f) > 0 {
		f[0] = conjugate3(f[0])
	}
	return strings.Join(f, " ")
}

// listItems splits "Head: a, b, and c" into "Head, including a" and so on.
func listItems(text string) []string {
	head, list, ok := strings.Cut(text, ": ")
	if !ok || words(head) > 10 || strings.ContainsAny(list, `()"“;`) || derived(head) {
		return nil
	}
	list = strings.Replace(list, ", and ", ", ", 1)
	items := strings.Split(list, ", ")
	if len(items) < 2 {
		return nil
	}
	var out []string
	for _, it := range items {
		first := strings.Fields(it + " x")[0]
		if words(it) < 2 || !strings.HasSuffix(first, "ing") && words(it) > 8 {
			return nil // not a list of moves or short items
		}
		out = append(out, head+", including "+trimEndPunct(it))
	}
	return out
}

// derived reports a criterion already phrased as a conclusion or outcome.
func derived(s string) bool {
	for _, p := range []string{"Recognises ", "Concludes ", "Explains "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// verbList splits "Treats the silence as data: reads X, adds Y, and states
// Z" into the head and one criterion per verb.
func verbList(text string) []string {
	head, list, ok := strings.Cut(text, ": ")
	if !ok || derived(head) || words(head) > 12 {
		return nil
	}
	parts := splitActions(strings.ReplaceAll(list, ":", ","))
	if len(parts) < 2 {
		return nil
	}
	return append([]string{head}, parts...)
}

// becauseParts splits "Does X, because Y" into the move and its reason.
func becauseParts(text string) []string {
	for _, sep := range []string{", because ", " because ", ", so that ", ", since "} {
		if a, b, ok := strings.Cut(text, sep); ok && words(a) >= 3 && words(b) >= 4 {
			return []string{trimEndPunct(a), "Explains that " + lowerFirst(trimEndPunct(b))}
		}
	}
	return nil
}

// statementStarts begin a clause that states a fact rather than a move.
var statementStarts = map[string]bool{"the": true, "a": true, "an": true, "it": true, "this": true,
	"that": true, "these": true, "those": true, "they": true, "he": true, "she": true, "its": true,
	"their": true, "there": true, "no": true, "nothing": true, "everyone": true, "each": true}

// statementClause splits "Does X; the result is Y" into the move and
// "Recognises that the result is Y".
func statementClause(text string) []string {
	a, b, ok := strings.Cut(text, "; ")
	if !ok || words(a) < 3 || words(b) < 3 || derived(b) {
		return nil
	}
	if !statementStarts[strings.ToLower(strings.Fields(b)[0])] {
		return nil
	}
	return []string{trimEndPunct(a), "Recognises that " + trimEndPunct(b)}
}
