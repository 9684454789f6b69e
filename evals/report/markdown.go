package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/soulc/soulc/evals/results"
)

// maxMarkdownBytes keeps summary.md under GitHub's 1 MiB step summary limit
// with room to spare; the per-case table is cut to fit. A variable so tests
// can exercise the cut.
var maxMarkdownBytes = 900 << 10

// Markdown writes summary.md, made for $GITHUB_STEP_SUMMARY: the gate
// headline and its reasons, the judge calibration (loudly when unreliable),
// lift, pooled pass rates, the budget curve, variant drops, the per-case
// table (worst first, cut with a note when it would pass the size limit) and
// the totals. Verdicts are words, never emoji.
func Markdown(w io.Writer, sum *results.Summary) error {
	if sum == nil {
		return fmt.Errorf("report: nil summary")
	}
	var head, tail strings.Builder
	writeHead(&head, sum)
	writeTotals(&tail, sum)
	bw := bufio.NewWriter(w)
	bw.WriteString(head.String())
	budget := maxMarkdownBytes - head.Len() - tail.Len()
	writeCaseTable(bw, sum, budget)
	bw.WriteString(tail.String())
	return bw.Flush()
}

// mdCell escapes text for a Markdown table cell: pipes, backslashes before
// them, newlines and HTML.
func mdCell(s string) string {
	r := strings.NewReplacer(
		`\`, `\\`,
		"|", `\|`,
		"\r\n", " ",
		"\n", " ",
		"\r", " ",
		"<", "&lt;",
		">", "&gt;",
	)
	return r.Replace(truncate(s, 200))
}

func mdRow(b io.StringWriter, cells ...string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + c + " |")
	}
	b.WriteString("\n")
}

func mdHeader(b io.StringWriter, cells ...string) {
	mdRow(b, cells...)
	sep := make([]string, len(cells))
	for i := range sep {
		sep[i] = "---"
	}
	mdRow(b, sep...)
}

func writeHead(b *strings.Builder, sum *results.Summary) {
	cfg := sum.Config
	title := "soulc eval"
	if cfg.Target != "" {
		title += ": " + mdCell(cfg.Target)
	}
	b.WriteString("# " + title + "\n\n")
	if sum.Gate.Met {
		b.WriteString("**CI gate: met.**")
	} else {
		b.WriteString("**CI gate: NOT MET.**")
	}
	var lim []string
	if sum.Gate.MinPass > 0 {
		lim = append(lim, "min pass rate "+pct(sum.Gate.MinPass))
	}
	if sum.Gate.MinLift > 0 {
		lim = append(lim, "min lift "+pp(sum.Gate.MinLift))
	}
	if len(lim) > 0 {
		b.WriteString(" (" + strings.Join(lim, ", ") + ")")
	}
	b.WriteString("\n\n")
	for _, r := range sum.Gate.Reasons {
		b.WriteString("- " + mdCell(r) + "\n")
	}
	if len(sum.Gate.Reasons) > 0 {
		b.WriteString("\n")
	}
	counts := map[string]int{}
	for _, c := range sum.Cells {
		counts[c.Verdict]++
	}
	if n := counts[verdictUngraded]; n > 0 && n == len(sum.Cells) {
		fmt.Fprintf(b, "%d cells, all UNGRADED: answers collected without a judge (--judge-model none); see results.jsonl.", n)
	} else {
		fmt.Fprintf(b, "%d cells: %d PASS, %d FAIL, %d INCONCLUSIVE", len(sum.Cells), counts[verdictPass], counts[verdictFail], counts[verdictInconclusive])
		if n > 0 {
			fmt.Fprintf(b, ", %d UNGRADED", n)
		}
		b.WriteString(".")
	}
	if other := len(sum.Cells) - counts[verdictPass] - counts[verdictFail] - counts[verdictInconclusive] - counts[verdictUngraded]; other > 0 {
		fmt.Fprintf(b, " %d with an unknown verdict.", other)
	}
	b.WriteString("\n\n")
	fmt.Fprintf(b, "Model `%s`, judge `%s`, %d samples per cell, cell pass threshold %s", mdCode(cfg.Model), mdCode(cfg.JudgeModel), cfg.Samples, pct(cfg.Threshold))
	if len(cfg.Budgets) > 0 {
		b.WriteString(", budgets " + mdCell(strings.Join(cfg.Budgets, ", ")))
	}
	if cfg.Baseline != "" {
		b.WriteString(", baseline " + mdCell(cfg.Baseline))
	}
	if len(cfg.Variants) > 0 {
		b.WriteString(", variants " + mdCell(strings.Join(cfg.Variants, ", ")))
	}
	if cfg.Shard != "" {
		b.WriteString(", shard " + mdCell(cfg.Shard))
	}
	if sum.SoulcVersion != "" {
		b.WriteString(", soulc " + mdCell(sum.SoulcVersion))
	}
	b.WriteString(".\n\n")

	if sum.Totals.Stopped != "" {
		fmt.Fprintf(b, "> [!WARNING]\n> **The run stopped early (%s).** Results cover only the requests made before it stopped.\n\n", mdCell(sum.Totals.Stopped))
	}
	cal := &sum.Calibration
	if ungradedRun(sum) {
		b.WriteString("No judge (--judge-model none): nothing was graded, so there are no pass rates, lift or calibration.\n\n")
		if len(sum.Conditions) > 0 {
			b.WriteString("## Conditions\n\n")
			mdHeader(b, "Condition", "Kind", "Prompt tokens")
			for _, c := range sum.Conditions {
				mdRow(b, mdCell(c.Condition.Name), mdCell(c.Condition.Kind), fmt.Sprint(c.Condition.Tokens))
			}
			b.WriteString("\n")
		}
		return
	} else if cal.Reliable {
		b.WriteString("Judge calibration: reliable. " + calDetail(cal) + "\n\n")
	} else {
		b.WriteString("> [!CAUTION]\n> **JUDGE CALIBRATION UNRELIABLE: do not trust the verdicts below.** " + calDetail(cal) + "\n\n")
	}

	if len(sum.Lift) > 0 {
		b.WriteString("## Lift vs baseline\n\nPersona pass rate minus baseline pass rate, paired by case, with a bootstrap 95% interval. Significant only when the interval excludes zero.\n\n")
		mdHeader(b, "Condition", "Baseline", "Lift", "95% CI", "Cases", "Significance")
		for _, l := range sum.Lift {
			mdRow(b, mdCell(l.Condition), mdCell(l.Baseline), pp(l.Mean), ppInterval(l.Lo, l.Hi), fmt.Sprint(l.Cases), significance(l.Significant))
		}
		b.WriteString("\n")
	}
	if len(sum.Conditions) > 0 {
		b.WriteString("## Pass rate by condition\n\nAll cases pooled, Wilson 95% interval.\n\n")
		mdHeader(b, "Condition", "Kind", "Prompt tokens", "Passes", "Rate", "95% CI")
		for _, c := range sum.Conditions {
			mdRow(b, mdCell(c.Condition.Name), mdCell(c.Condition.Kind), fmt.Sprint(c.Condition.Tokens), fmt.Sprintf("%d/%d", c.Passes, c.Scored), pct(c.Rate), interval(c.Lo, c.Hi))
		}
		b.WriteString("\n")
	}
	if len(sum.BudgetCurve) > 0 {
		b.WriteString("## Budget curve\n\nPooled pass rate at each persona token budget, smallest prompt first.\n\n")
		mdHeader(b, "Budget", "Mean prompt tokens", "Rate", "95% CI")
		for _, p := range sortedCurve(sum.BudgetCurve) {
			mdRow(b, budgetLabel(p.Budget), fmt.Sprintf("%.0f", p.Tokens), pct(p.Rate), interval(p.Lo, p.Hi))
		}
		b.WriteString("\n")
	}
	if len(sum.VariantDrop) > 0 {
		b.WriteString("## Variant drop\n\nChange from the original wording to each variant, paired by case (negative is a drop).\n\n")
		mdHeader(b, "Variant", "Condition", "Original", "Variant rate", "Change", "95% CI", "Significance")
		for _, d := range sum.VariantDrop {
			mdRow(b, mdCell(d.Variant), mdCell(d.Condition), pct(d.Original), pct(d.VariantRate), pp(d.Mean), ppInterval(d.Lo, d.Hi), significance(d.Significant))
		}
		b.WriteString("\n")
	}
}

func mdCode(s string) string {
	if s == "" {
		return "-"
	}
	return strings.NewReplacer("`", "'", "\n", " ", "|", `\|`).Replace(truncate(s, 200))
}

func calDetail(c *results.Calibration) string {
	s := fmt.Sprintf("Reference answers judged pass: %d/%d; other scenarios' answers judged fail: %d/%d; both must reach %s.",
		c.PositivePass, c.PositiveN, c.NegativeFail, c.NegativeN, pct(c.Threshold))
	if c.Note != "" {
		s += " Note: " + mdCell(c.Note)
	}
	return s
}

func writeCaseTable(w *bufio.Writer, sum *results.Summary, budget int) {
	if len(sum.Cells) == 0 {
		w.WriteString("## Cases\n\nNo cells.\n\n")
		return
	}
	var hdr strings.Builder
	hdr.WriteString("## Cases\n\nWorst first. INCONCLUSIVE means the 95% interval still straddles the threshold.\n\n")
	mdHeader(&hdr, "Soul", "Case", "Condition", "Variant", "Verdict", "Passes", "Rate", "95% CI", "Unscored", "Errors")
	w.WriteString(hdr.String())
	used := hdr.Len() + 300 // room for the cut note
	cells := sortedCells(sum.Cells)
	for i, c := range cells {
		var row strings.Builder
		verdict := c.Verdict
		if verdict == verdictInconclusive {
			verdict += " (" + settleText(c.SamplesToSettle) + ")"
		}
		variant := c.Variant
		if variant == "" {
			variant = "original"
		}
		kase := mdCell(c.Case)
		if c.CaseTitle != "" {
			kase += ": " + mdCell(c.CaseTitle)
		}
		if c.Verdict == verdictUngraded {
			// Nothing was graded: no rate to show.
			mdRow(&row, mdCell(c.Soul), kase, mdCell(c.Condition.Name), mdCell(variant), "UNGRADED (no judge)",
				"-", "-", "-", "-", fmt.Sprint(c.Errors))
		} else {
			mdRow(&row, mdCell(c.Soul), kase, mdCell(c.Condition.Name), mdCell(variant), mdCell(verdict),
				fmt.Sprintf("%d/%d", c.Passes, c.Scored), pct(c.Rate), interval(c.Lo, c.Hi), fmt.Sprint(c.Unscored), fmt.Sprint(c.Errors))
		}
		if used+row.Len() > budget {
			rest := map[string]int{}
			for _, r := range cells[i:] {
				rest[r.Verdict]++
			}
			ungraded := ""
			if n := rest[verdictUngraded]; n > 0 {
				ungraded = fmt.Sprintf(", %d UNGRADED", n)
			}
			fmt.Fprintf(w, "\n%d more cells not shown (%d FAIL, %d INCONCLUSIVE%s, %d PASS) to stay under GitHub's step summary size limit; see report.html or results.json.\n\n",
				len(cells)-i, rest[verdictFail], rest[verdictInconclusive], ungraded, rest[verdictPass])
			return
		}
		used += row.Len()
		w.WriteString(row.String())
	}
	w.WriteString("\n")
}

func writeTotals(b *strings.Builder, sum *results.Summary) {
	t := sum.Totals
	b.WriteString("## Totals\n\n")
	mdHeader(b, "Requests", "Attempts", "Cached", "Prompt tokens", "Completion tokens", "Cost", "Unscored", "Errors", "Wall time", "Stopped early")
	stopped := "no"
	if t.Stopped != "" {
		stopped = "yes (" + mdCell(t.Stopped) + ")"
	}
	mdRow(b, fmt.Sprint(t.Requests), fmt.Sprint(t.Attempts), fmt.Sprint(t.CachedRequests), fmt.Sprint(t.PromptTokens), fmt.Sprint(t.CompletionTokens),
		fmt.Sprintf("$%.4f", t.CostUSD), fmt.Sprint(t.Unscored), fmt.Sprint(t.Errors), fmt.Sprintf("%.1f s", t.WallSeconds), stopped)
}
