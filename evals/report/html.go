package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/soulc/soulc/evals/results"
)

// HTML writes report.html: one self-contained page (inline CSS and SVG, no
// scripts, no external resources; a Content-Security-Policy forbids any)
// with the gate headline, the judge calibration, four charts (pass rate by
// condition, lift by budget, budget curve, variant drop), the per-case
// table, and example answers with the judge's criteria and quoted evidence
// for cells that are not PASS. Everything from the run, above all the
// model's answers, is escaped by html/template.
func HTML(w io.Writer, sum *results.Summary, records RecordSource) error {
	if sum == nil {
		return fmt.Errorf("report: nil summary")
	}
	details, err := collect(sum, records)
	if err != nil {
		return fmt.Errorf("report: reading records: %w", err)
	}
	page := htmlPage{Sum: sum, Cal: &sum.Calibration, Ungraded: ungradedRun(sum),
		CalLine:   calibrationCounts(&sum.Calibration),
		Charts:    []*intervalChart{conditionChart(sum), liftChart(sum)},
		Curve:     curveChartOf(sum),
		DropChart: dropChart(sum),
	}
	page.Title = "soulc eval"
	if sum.Config.Target != "" {
		page.Title += ": " + sum.Config.Target
	}
	for _, c := range sortedCells(sum.Cells) {
		page.Counts.add(c.Verdict)
		row := htmlCell{Cell: c, Name: testName(c), Class: verdictClass(c.Verdict), Verdict: c.Verdict, Variant: c.Variant}
		if row.Variant == "" {
			row.Variant = "original"
		}
		switch c.Verdict {
		case verdictInconclusive:
			row.Settle = settleText(c.SamplesToSettle)
		case verdictUngraded:
			row.Settle = ungradedMessage
		}
		if len(page.Cells) < maxHTMLRows {
			page.Cells = append(page.Cells, row)
		} else {
			page.RowsCut++
		}
		d := details[keyOfCell(c)]
		if d == nil || !d.wantDetail {
			continue
		}
		ex := htmlExample{Cell: row, Rate: rateText(c, sum.Config.Threshold), Notes: d.notes, More: d.moreNotes,
			Open: len(page.Examples) < openExamples}
		for _, s := range d.examples() {
			hs := htmlSample{sampleInfo: s, Class: statusClass(s.Status)}
			for _, cr := range s.Criteria {
				hs.Criteria = append(hs.Criteria, htmlCriterion{Criterion: cr, Failing: failing(cr)})
			}
			ex.Samples = append(ex.Samples, hs)
		}
		page.Examples = append(page.Examples, ex)
	}
	if n := page.Counts.Fail + page.Counts.Inconclusive + page.Counts.Other; n > len(page.Examples) {
		page.ExamplesCut = n - len(page.Examples)
	}
	return pageTmpl.Execute(w, &page)
}

type htmlPage struct {
	Title       string
	Sum         *results.Summary
	Cal         *results.Calibration
	CalLine     string
	Charts      []*intervalChart
	Curve       *curveChart
	DropChart   *intervalChart
	Counts      verdictCounts
	Ungraded    bool // --judge-model none
	Cells       []htmlCell
	Examples    []htmlExample
	ExamplesCut int
	RowsCut     int
}

// maxHTMLRows bounds the case table so a huge run still opens in a browser;
// the worst rows are kept.
var maxHTMLRows = 5000

type verdictCounts struct{ Pass, Fail, Inconclusive, Ungraded, Other int }

func (v *verdictCounts) add(verdict string) {
	switch verdict {
	case verdictPass:
		v.Pass++
	case verdictFail:
		v.Fail++
	case verdictInconclusive:
		v.Inconclusive++
	case verdictUngraded:
		v.Ungraded++
	default:
		v.Other++
	}
}

type htmlCell struct {
	*results.Cell
	Name, Class, Verdict, Variant, Settle string
}

// openExamples is how many example blocks start expanded (worst first).
const openExamples = 10

type htmlExample struct {
	Open    bool
	Cell    htmlCell
	Rate    string
	Notes   []string
	More    int
	Samples []htmlSample
}

type htmlSample struct {
	sampleInfo
	Class    string
	Criteria []htmlCriterion
}

type htmlCriterion struct {
	results.Criterion
	Failing bool
}

func verdictClass(v string) string {
	switch v {
	case verdictPass:
		return "v-pass"
	case verdictFail:
		return "v-fail"
	case verdictInconclusive:
		return "v-inc"
	case verdictUngraded:
		return "v-ungraded"
	default:
		return "v-other"
	}
}

func statusClass(s string) string {
	switch s {
	case results.Pass:
		return "v-pass"
	case results.Fail:
		return "v-fail"
	default:
		return "v-inc"
	}
}

var funcs = template.FuncMap{
	"f":      func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"pct":    pct,
	"pp":     pp,
	"ivl":    interval,
	"ppivl":  ppInterval,
	"sig":    significance,
	"budget": budgetLabel,
	"sub":    func(a, b float64) float64 { return a - b },
	"add":    func(a, b float64) float64 { return a + b },
	"money":  func(x float64) string { return fmt.Sprintf("$%.4f", x) },
	"join":   strings.Join,
	"mul":    func(a, b float64) float64 { return a * b },
	"half":   func(a float64) float64 { return a / 2 },
	"score":  func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"float":  func(i int) float64 { return float64(i) },
}

var pageTmpl = template.Must(template.New("page").Funcs(funcs).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/>
<title>{{.Title}}</title>
<style>
:root{--fg:#1f2937;--muted:#6b7280;--line:#d1d5db;--bg:#fff;--pass:#15803d;--fail:#b91c1c;--inc:#b45309;--persona:#2563eb;--baseline:#6b7280}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1320px;padding:16px 24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:0 0 4px}
.banner{padding:10px 14px;border-radius:6px;margin:8px 0;border:2px solid}
.banner.ok{border-color:var(--pass);background:#f0fdf4}.banner.bad{border-color:var(--fail);background:#fef2f2}.banner.warn{border-color:var(--inc);background:#fffbeb}
.banner strong{font-size:16px}
.meta{color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
svg{display:block;max-width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"DejaVu Sans",sans-serif;fill:var(--fg)}
svg .tick{fill:var(--muted);font-size:11px}
svg .grid{stroke:#e5e7eb;stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .whisker{stroke:#111827;stroke-width:1.5}
svg .threshold{stroke:var(--inc);stroke-width:1.5;stroke-dasharray:5 3}
svg .zero{stroke:#111827;stroke-width:1.5}
svg rect.persona,svg circle.persona{fill:var(--persona)}svg rect.baseline{fill:var(--baseline)}
svg rect.good{fill:var(--pass)}svg rect.bad{fill:var(--fail)}svg rect.neutral{fill:#9ca3af}
svg .band{fill:var(--persona);fill-opacity:.18;stroke:none}
svg .curve{fill:none;stroke:var(--persona);stroke-width:2}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f9fafb;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.v-pass>td.verdict,span.verdict.v-pass{color:var(--pass);font-weight:600}
tr.v-fail>td.verdict,span.verdict.v-fail{color:var(--fail);font-weight:600}
tr.v-inc>td.verdict,tr.v-other>td.verdict,span.verdict.v-inc,span.verdict.v-other{color:var(--inc);font-weight:600}
tr.v-ungraded>td.verdict,span.verdict.v-ungraded{color:inherit;opacity:.7;font-weight:600}
tr.v-fail{background:#fef2f2}tr.v-inc{background:#fffbeb}
details.example{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:6px 10px}
details.example>summary{cursor:pointer;font-weight:600}
.sample{border-top:1px dashed var(--line);margin-top:8px;padding-top:6px}
pre.answer{white-space:pre-wrap;word-break:break-word;background:#f9fafb;border:1px solid var(--line);padding:8px;max-height:320px;overflow:auto;font-size:12px}
ul.criteria{margin:4px 0;padding-left:20px}
li.crit-fail{color:var(--fail)}li.crit-ok{color:var(--pass)}
q.evidence{color:var(--fg);background:#eef2ff}
.totals td{font-variant-numeric:tabular-nums}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{if .Sum.Gate.Met}}<div class="banner ok" id="gate" role="status"><strong>CI gate: met</strong>{{else}}<div class="banner bad" id="gate" role="alert"><strong>CI gate: NOT MET</strong>{{end}}
{{with .Sum.Gate}}{{if gt .MinPass 0.0}} · min pass rate {{pct .MinPass}}{{end}}{{if gt .MinLift 0.0}} · min lift {{pp .MinLift}}{{end}}
{{if .Reasons}}<ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{end}}{{end}}
</div>
{{if .Sum.Totals.Stopped}}<div class="banner warn" id="stopped" role="alert"><strong>Run stopped early ({{.Sum.Totals.Stopped}})</strong>: results cover only the requests made before it stopped.</div>{{end}}
{{if .Ungraded}}<div class="banner" id="calibration"><strong>No judge (--judge-model none):</strong> answers were collected, nothing was graded, so there are no pass rates, lift or calibration. See results.jsonl for the answers.</div>
{{else if .Cal.Reliable}}<div class="banner ok" id="calibration"><strong>Judge calibration: reliable.</strong> {{.CalLine}}</div>
{{else}}<div class="banner bad" id="calibration" role="alert"><strong>JUDGE CALIBRATION UNRELIABLE: do not trust the verdicts below.</strong> {{.CalLine}}</div>{{end}}
<p class="meta">{{with .Sum.Config}}Model <code>{{.Model}}</code>, judge <code>{{.JudgeModel}}</code>, {{.Samples}} samples per cell, cell pass threshold {{pct .Threshold}}{{if .Budgets}}, budgets {{join .Budgets ", "}}{{end}}{{if .Baseline}}, baseline {{.Baseline}}{{end}}{{if .Variants}}, variants {{join .Variants ", "}}{{end}}{{if .Shard}}, shard {{.Shard}}{{end}}{{end}}{{if .Sum.SoulcVersion}}, soulc {{.Sum.SoulcVersion}}{{end}}.
{{len .Sum.Cells}} cells: <span class="verdict v-pass">{{.Counts.Pass}} PASS</span>, <span class="verdict v-fail">{{.Counts.Fail}} FAIL</span>, <span class="verdict v-inc">{{.Counts.Inconclusive}} INCONCLUSIVE</span>{{if .Counts.Ungraded}}, <span class="verdict v-ungraded">{{.Counts.Ungraded}} UNGRADED</span>{{end}}{{if .Counts.Other}}, {{.Counts.Other}} with an unknown verdict{{end}}.</p>
</header>

{{if not .Ungraded}}<h2>Charts</h2>
<div class="charts">
{{range .Charts}}{{template "interval" .}}{{end}}
{{template "curve" .Curve}}
{{template "interval" .DropChart}}
</div>
{{end}}
<h2>Cases</h2>
<p class="meta">Worst first. INCONCLUSIVE: the Wilson 95% interval still straddles the threshold.</p>
<table id="cases">
<thead><tr><th scope="col">Soul</th><th scope="col">Case</th><th scope="col">Condition</th><th scope="col">Variant</th><th scope="col">Verdict</th><th scope="col">Passes</th><th scope="col">Rate</th><th scope="col">95% CI</th><th scope="col">Mean score</th><th scope="col">Unscored</th><th scope="col">Errors</th></tr></thead>
<tbody>
{{range .Cells}}<tr class="case {{.Class}}"><td>{{.Soul}}</td><td>{{.Case}}{{if .CaseTitle}}<br/><span class="meta">{{.CaseTitle}}</span>{{end}}</td><td>{{.Condition.Name}}</td><td>{{.Variant}}</td><td class="verdict">{{.Verdict}}{{if .Settle}}<br/><span class="meta">{{.Settle}}</span>{{end}}</td>{{if eq .Class "v-ungraded"}}<td class="num">-</td><td class="num">-</td><td class="num">-</td><td class="num">-</td>{{else}}<td class="num">{{.Passes}}/{{.Scored}}</td><td class="num">{{pct .Rate}}</td><td class="num">{{ivl .Lo .Hi}}</td><td class="num">{{score .MeanScore}}</td>{{end}}<td class="num">{{.Unscored}}</td><td class="num">{{.Errors}}</td></tr>
{{end}}</tbody>
</table>
{{if .RowsCut}}<p class="meta" id="rows-cut">{{.RowsCut}} more cells (the best verdicts) are not shown; see results.json.</p>{{end}}

<h2>Examples from failing and inconclusive cells</h2>
{{if not .Examples}}<p>None: every cell passed.</p>{{end}}
{{range .Examples}}<details class="example {{.Cell.Class}}"{{if .Open}} open{{end}}>
<summary>{{.Cell.Name}} · {{.Cell.Soul}} · <span class="verdict {{.Cell.Class}}">{{.Cell.Verdict}}</span>: {{.Rate}}</summary>
{{if .Notes}}<ul class="notes">{{range .Notes}}<li>{{.}}</li>{{end}}{{if .More}}<li>… and {{.More}} more</li>{{end}}</ul>{{end}}
{{if not .Samples}}<p class="meta">No sample records for this cell.</p>{{end}}
{{range .Samples}}<div class="sample {{.Class}}">
<h3>Sample {{.Sample}}: <span class="verdict {{.Class}}">{{.Status}}</span>{{if .Criteria}}, score {{score .Score}} (threshold {{score .Threshold}}){{end}}</h3>
{{if .Note}}<p class="meta">{{.Note}}</p>{{end}}
{{if .Criteria}}<ul class="criteria">{{range .Criteria}}<li class="{{if .Failing}}crit-fail{{else}}crit-ok{{end}}">{{if .Failing}}✗ fails{{else}}✓ ok{{end}}: {{if .MustNot}}<em>must not:</em> {{end}}{{.Text}}{{if .Voided}} <strong>(judge's quote not found in the answer: voided)</strong>{{else if and .MustNot .Met}} <strong>(violated)</strong>{{else if and (not .MustNot) (not .Met)}} <strong>(not met)</strong>{{end}}{{if .Evidence}}<br/>evidence: <q class="evidence">{{.Evidence}}</q>{{end}}</li>{{end}}</ul>{{end}}
{{if .Answer}}<pre class="answer">{{.Answer}}</pre>{{end}}
</div>{{end}}
</details>
{{end}}
{{if .ExamplesCut}}<p class="meta">{{.ExamplesCut}} more failing or inconclusive cells have no examples here; see results.jsonl.</p>{{end}}

<h2>Totals</h2>
{{with .Sum.Totals}}<table class="totals" id="totals"><tbody>
<tr><th scope="row">Requests</th><td>{{.Requests}} ({{.CachedRequests}} cached, {{.Attempts}} attempts)</td></tr>
<tr><th scope="row">Tokens</th><td>{{.PromptTokens}} prompt, {{.CompletionTokens}} completion</td></tr>
<tr><th scope="row">Cost</th><td>{{money .CostUSD}}</td></tr>
<tr><th scope="row">Unscored / errors</th><td>{{.Unscored}} / {{.Errors}}</td></tr>
<tr><th scope="row">Wall time</th><td>{{f .WallSeconds}} s</td></tr>
<tr><th scope="row">Stopped early</th><td>{{if .Stopped}}yes ({{.Stopped}}){{else}}no{{end}}</td></tr>
</tbody></table>{{end}}
</body>
</html>
{{define "interval"}}<figure class="chart" id="{{.ID}}-fig">
<h3>{{.Title}}</h3>
{{if .Empty}}<p class="meta">{{.Empty}}</p>{{else}}<svg id="{{.ID}}" class="chart-svg" role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc" viewBox="0 0 {{f .Width}} {{f .Height}}" width="{{f .Width}}" height="{{f .Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="{{.ID}}-title">{{.Title}}</title><desc id="{{.ID}}-desc">{{.Desc}}</desc>
{{$c := .}}{{range .Ticks}}<line class="grid" x1="{{f .X}}" x2="{{f .X}}" y1="{{f $c.PlotTop}}" y2="{{f $c.PlotB}}"/><text class="tick" x="{{f .X}}" y="{{f (add $c.PlotB 14)}}" text-anchor="middle">{{.Label}}</text>
{{end}}<line class="axis" x1="{{f .PlotX}}" x2="{{f (add .PlotX .PlotW)}}" y1="{{f .PlotB}}" y2="{{f .PlotB}}"/>
{{range .Rows}}<g class="row"><title>{{.Full}}: {{.Value}}</title>
<text x="{{f .LabelX}}" y="{{f .TextY}}" text-anchor="end">{{.Label}}</text>
<rect class="{{.Class}}" x="{{f .BarX}}" y="{{f .Y}}" width="{{f .BarW}}" height="{{f .H}}"/>
<line class="whisker" x1="{{f .LoX}}" x2="{{f .HiX}}" y1="{{f .Mid}}" y2="{{f .Mid}}"/><line class="whisker" x1="{{f .LoX}}" x2="{{f .LoX}}" y1="{{f .CapTop}}" y2="{{f .CapBott}}"/><line class="whisker" x1="{{f .HiX}}" x2="{{f .HiX}}" y1="{{f .CapTop}}" y2="{{f .CapBott}}"/>
<text x="{{f .ValueX}}" y="{{f .TextY}}">{{.Value}}</text></g>
{{end}}{{range .Refs}}<line class="{{.Class}}" x1="{{f .X}}" x2="{{f .X}}" y1="{{f (sub $c.PlotTop 6)}}" y2="{{f $c.PlotB}}"/><text class="tick" x="{{f .X}}" y="{{f (add $c.PlotB 28)}}" text-anchor="middle">{{.Label}}</text>
{{end}}{{range $i, $l := .Legend}}<rect class="{{$l.Class}}" x="{{f (add 8 (mul 140 (float $i)))}}" y="{{f (add $c.PlotB 42)}}" width="10" height="10"/><text x="{{f (add 22 (mul 140 (float $i)))}}" y="{{f (add $c.PlotB 51)}}">{{$l.Label}}</text>
{{end}}</svg>{{end}}
<figcaption>{{.Desc}}</figcaption>
</figure>
{{end}}
{{define "curve"}}<figure class="chart" id="{{.ID}}-fig">
<h3>{{.Title}}</h3>
{{if .Empty}}<p class="meta">{{.Empty}}</p>{{else}}<svg id="{{.ID}}" class="chart-svg" role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc" viewBox="0 0 {{f .Width}} {{f .Height}}" width="{{f .Width}}" height="{{f .Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="{{.ID}}-title">{{.Title}}</title><desc id="{{.ID}}-desc">{{.Desc}}</desc>
{{$c := .}}{{range .YTicks}}<line class="grid" x1="{{f $c.PlotX}}" x2="{{f (add $c.PlotX $c.PlotW)}}" y1="{{f .Y}}" y2="{{f .Y}}"/><text class="tick" x="{{f (sub $c.PlotX 6)}}" y="{{f (add .Y 4)}}" text-anchor="end">{{.Label}}</text>
{{end}}<line class="axis" x1="{{f .PlotX}}" x2="{{f .PlotX}}" y1="{{f .PlotY}}" y2="{{f (add .PlotY .PlotH)}}"/>
<polygon class="band" points="{{.Band}}"><title>95% interval</title></polygon>
<polyline class="curve" points="{{.Line}}"/>
{{if .Threshold}}<line class="threshold" x1="{{f .PlotX}}" x2="{{f (add .PlotX .PlotW)}}" y1="{{f .ThresholdY}}" y2="{{f .ThresholdY}}"/><text class="tick" x="{{f (add .PlotX .PlotW)}}" y="{{f (sub .ThresholdY 4)}}" text-anchor="end">{{.Threshold}}</text>{{end}}
{{range .Points}}<g class="point"><title>{{.Value}}</title><line class="whisker" x1="{{f .X}}" x2="{{f .X}}" y1="{{f .LoY}}" y2="{{f .HiY}}"/><circle class="persona" cx="{{f .X}}" cy="{{f .Y}}" r="5"/>
<text x="{{f .X}}" y="{{f .LabelY}}" text-anchor="middle">{{.Label}}</text><text class="tick" x="{{f .X}}" y="{{f (add .LabelY 14)}}" text-anchor="middle">{{.Tokens}}</text></g>
{{end}}<text class="tick" x="{{f (add .PlotX (half .PlotW))}}" y="{{f (sub .Height 8)}}" text-anchor="middle">persona token budget (mean prompt tokens)</text>
<text class="tick" transform="translate(14 {{f (add .PlotY (half .PlotH))}}) rotate(-90)" text-anchor="middle">pass rate</text>
</svg>{{end}}
<figcaption>{{.Desc}}</figcaption>
</figure>
{{end}}`
