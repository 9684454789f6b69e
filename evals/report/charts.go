package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/soulc/soulc/evals/results"
)

// The charts are plain SVG laid out here and drawn by the HTML template, so
// every label goes through html/template's escaping.

// Colour classes (the CSS gives the colours; every mark also has text).
const (
	clsPersona  = "persona"
	clsBaseline = "baseline"
	clsGood     = "good"
	clsBad      = "bad"
	clsNeutral  = "neutral"
)

// intervalChart is a horizontal chart: one row per item, a bar from the
// reference value (0) to the estimate, a whisker for its 95% interval, and
// the numbers as text.
type intervalChart struct {
	ID, Title, Desc string
	Width, Height   float64
	PlotX, PlotW    float64
	PlotTop, PlotB  float64 // y of the plot area's top and bottom
	Ticks           []tick
	Refs            []refLine
	Rows            []intervalRow
	Legend          []legendItem
	Empty           string // shown instead when there are no rows
}

type tick struct {
	X     float64
	Label string
}

type refLine struct {
	X     float64
	Label string
	Class string
}

type intervalRow struct {
	Y, H            float64 // bar top and height
	Mid             float64 // y of the whisker
	BarX, BarW      float64
	LoX, HiX        float64
	Label, Full     string
	Value           string
	Class           string
	TextY           float64
	LabelX, ValueX  float64
	CapTop, CapBott float64
}

type legendItem struct {
	Class, Label string
	X            float64
}

const (
	chartW      = 700.0
	labelW      = 170.0
	valueW      = 240.0
	rowH        = 28.0
	chartTop    = 16.0
	chartBottom = 60.0
)

// scale maps a domain value to x.
type scale struct{ lo, hi, x0, w float64 }

func (s scale) x(v float64) float64 {
	if math.IsNaN(v) {
		v = s.lo
	}
	v = math.Max(s.lo, math.Min(s.hi, v))
	return s.x0 + (v-s.lo)/(s.hi-s.lo)*s.w
}

type rowData struct {
	label, value, class string
	est, lo, hi         float64
}

func buildIntervalChart(ch *intervalChart, sc scale, zero float64, ticks []float64, tickFmt func(float64) string, rows []rowData) *intervalChart {
	for _, t := range ticks {
		ch.Ticks = append(ch.Ticks, tick{X: sc.x(t), Label: tickFmt(t)})
	}
	y := chartTop
	for _, r := range rows {
		bar := rowH * 0.6
		row := intervalRow{
			Y: y + (rowH-bar)/2, H: bar, Mid: y + rowH/2,
			LoX: sc.x(r.lo), HiX: sc.x(r.hi),
			Label: shortLabel(r.label, 22), Full: r.label, Value: r.value, Class: r.class,
			TextY: y + rowH/2 + 4, LabelX: labelW - 8, ValueX: ch.PlotX + ch.PlotW + 8,
			CapTop: y + rowH/2 - 6, CapBott: y + rowH/2 + 6,
		}
		a, b := sc.x(zero), sc.x(r.est)
		row.BarX, row.BarW = math.Min(a, b), math.Max(math.Abs(b-a), 1)
		ch.Rows = append(ch.Rows, row)
		y += rowH
	}
	ch.PlotB = y
	ch.Height = y + chartBottom
	return ch
}

func shortLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func rateTicks() []float64 { return []float64{0, 0.25, 0.5, 0.75, 1} }

// conditionChart: pooled pass rate per condition with Wilson whiskers and
// the cell threshold.
func conditionChart(sum *results.Summary) *intervalChart {
	ch := &intervalChart{ID: "chart-conditions", Title: "Pass rate by condition",
		Desc:  "Pooled pass rate of all cases under each condition; the whisker is the Wilson 95% interval; the dashed line is the cell pass threshold.",
		Width: chartW, PlotX: labelW, PlotW: chartW - labelW - valueW, PlotTop: chartTop}
	if len(sum.Conditions) == 0 {
		ch.Empty = "No conditions in this run."
		return ch
	}
	sc := scale{0, 1, ch.PlotX, ch.PlotW}
	var rows []rowData
	for _, c := range sum.Conditions {
		cls := clsPersona
		if c.Condition.Kind == "baseline" {
			cls = clsBaseline
		}
		rows = append(rows, rowData{label: c.Condition.Name, class: cls, est: c.Rate, lo: c.Lo, hi: c.Hi,
			value: fmt.Sprintf("%s %s (%d/%d)", pct(c.Rate), interval(c.Lo, c.Hi), c.Passes, c.Scored)})
	}
	buildIntervalChart(ch, sc, 0, rateTicks(), pct, rows)
	if t := sum.Config.Threshold; t > 0 {
		ch.Refs = append(ch.Refs, refLine{X: sc.x(t), Label: "threshold " + pct(t), Class: "threshold"})
	}
	ch.Legend = []legendItem{{clsPersona, "persona", 0}, {clsBaseline, "baseline", 0}}
	return ch
}

// diffDomain is a symmetric-enough domain around 0 covering every interval,
// in steps of 25 percentage points.
func diffDomain(vals ...float64) (lo, hi float64, ticks []float64) {
	lo, hi = -0.25, 0.25
	for _, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	lo = math.Max(-1, math.Floor(lo*4)/4)
	hi = math.Min(1, math.Ceil(hi*4)/4)
	for t := lo; t <= hi+1e-9; t += 0.25 {
		ticks = append(ticks, math.Round(t*100)/100)
	}
	return lo, hi, ticks
}

func ppTick(v float64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%+.0f", 100*v)
}

func diffClass(sig bool, mean float64) string {
	switch {
	case !sig:
		return clsNeutral
	case mean > 0:
		return clsGood
	default:
		return clsBad
	}
}

// liftChart: lift over baseline per persona condition (budget), with its
// bootstrap interval and the zero line.
func liftChart(sum *results.Summary) *intervalChart {
	ch := &intervalChart{ID: "chart-lift", Title: "Lift over baseline by budget",
		Desc:  "Persona pass rate minus baseline pass rate in percentage points, paired by case; the whisker is the bootstrap 95% interval; a lift is significant only when the whisker does not cross the zero line.",
		Width: chartW, PlotX: labelW, PlotW: chartW - labelW - valueW, PlotTop: chartTop}
	if len(sum.Lift) == 0 {
		ch.Empty = "No lift: the run had no baseline."
		return ch
	}
	oneBaseline := true
	for _, l := range sum.Lift {
		oneBaseline = oneBaseline && l.Baseline == sum.Lift[0].Baseline
	}
	if oneBaseline {
		ch.Title = "Lift over " + sum.Lift[0].Baseline + " by budget"
	}
	var vals []float64
	var rows []rowData
	for _, l := range sum.Lift {
		vals = append(vals, l.Lo, l.Hi, l.Mean)
		label := l.Condition
		if !oneBaseline {
			label += " vs " + l.Baseline
		}
		rows = append(rows, rowData{label: label, class: diffClass(l.Significant, l.Mean), est: l.Mean, lo: l.Lo, hi: l.Hi,
			value: fmt.Sprintf("%s, %s", pp(l.Mean), significance(l.Significant))})
	}
	lo, hi, ticks := diffDomain(vals...)
	sc := scale{lo, hi, ch.PlotX, ch.PlotW}
	buildIntervalChart(ch, sc, 0, ticks, ppTick, rows)
	ch.Refs = append(ch.Refs, refLine{X: sc.x(0), Label: "no lift", Class: "zero"})
	ch.Legend = []legendItem{{clsGood, "significant gain", 0}, {clsBad, "significant loss", 0}, {clsNeutral, "not significant", 0}}
	return ch
}

// dropChart: change from the original wording to each variant.
func dropChart(sum *results.Summary) *intervalChart {
	ch := &intervalChart{ID: "chart-variants", Title: "Variant drop",
		Desc:  "Pass rate with a reworded scenario minus pass rate with the original wording, in percentage points, paired by case; negative is a drop; the whisker is the bootstrap 95% interval.",
		Width: chartW, PlotX: labelW, PlotW: chartW - labelW - valueW, PlotTop: chartTop}
	if len(sum.VariantDrop) == 0 {
		ch.Empty = "No variants in this run."
		return ch
	}
	var vals []float64
	var rows []rowData
	for _, d := range sum.VariantDrop {
		vals = append(vals, d.Lo, d.Hi, d.Mean)
		rows = append(rows, rowData{label: d.Variant + " @ " + d.Condition, class: diffClass(d.Significant, d.Mean), est: d.Mean, lo: d.Lo, hi: d.Hi,
			value: fmt.Sprintf("%s, %s (%s → %s)", pp(d.Mean), significance(d.Significant), pct(d.Original), pct(d.VariantRate))})
	}
	lo, hi, ticks := diffDomain(vals...)
	sc := scale{lo, hi, ch.PlotX, ch.PlotW}
	buildIntervalChart(ch, sc, 0, ticks, ppTick, rows)
	ch.Refs = append(ch.Refs, refLine{X: sc.x(0), Label: "no change", Class: "zero"})
	ch.Legend = []legendItem{{clsGood, "significant gain", 0}, {clsBad, "significant drop", 0}, {clsNeutral, "not significant", 0}}
	return ch
}

// curveChart is the budget curve: pass rate against budget (ordered by mean
// prompt tokens, full last), a line through the estimates and a band for
// the 95% interval.
type curveChart struct {
	ID, Title, Desc string
	Width, Height   float64
	PlotX, PlotY    float64
	PlotW, PlotH    float64
	YTicks          []yTick
	Band, Line      string // SVG points
	Points          []curvePoint
	ThresholdY      float64
	Threshold       string
	Empty           string
}

type yTick struct {
	Y     float64
	Label string
}

type curvePoint struct {
	X, Y, LoY, HiY float64
	Label, Tokens  string
	Value          string
	LabelY         float64
}

func curveChartOf(sum *results.Summary) *curveChart {
	ch := &curveChart{ID: "chart-budget", Title: "Budget curve",
		Desc:  "Pooled persona pass rate at each prompt token budget, smallest prompt first; the band is the Wilson 95% interval.",
		Width: chartW, Height: 300, PlotX: 56, PlotY: 16, PlotW: chartW - 56 - 24, PlotH: 200}
	pts := sortedCurve(sum.BudgetCurve)
	if len(pts) == 0 {
		ch.Empty = "No budget curve: the run had one budget or none."
		return ch
	}
	yOf := func(v float64) float64 {
		if math.IsNaN(v) {
			v = 0
		}
		v = math.Max(0, math.Min(1, v))
		return ch.PlotY + (1-v)*ch.PlotH
	}
	for _, t := range rateTicks() {
		ch.YTicks = append(ch.YTicks, yTick{Y: yOf(t), Label: pct(t)})
	}
	step := ch.PlotW
	if len(pts) > 1 {
		step = ch.PlotW / float64(len(pts)-1)
	}
	var upper, lower, line []string
	for i, p := range pts {
		x := ch.PlotX + float64(i)*step
		if len(pts) == 1 {
			x = ch.PlotX + ch.PlotW/2
		}
		cp := curvePoint{X: x, Y: yOf(p.Rate), LoY: yOf(p.Lo), HiY: yOf(p.Hi),
			Label: budgetLabel(p.Budget), Tokens: fmt.Sprintf("%.0f tok", p.Tokens),
			Value:  fmt.Sprintf("budget %s (%.0f prompt tokens): %s %s", budgetLabel(p.Budget), p.Tokens, pct(p.Rate), interval(p.Lo, p.Hi)),
			LabelY: ch.PlotY + ch.PlotH + 18}
		ch.Points = append(ch.Points, cp)
		upper = append(upper, fmt.Sprintf("%.1f,%.1f", x, cp.HiY))
		lower = append([]string{fmt.Sprintf("%.1f,%.1f", x, cp.LoY)}, lower...)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x, cp.Y))
	}
	if len(pts) == 1 { // a band needs width: widen a single point
		x := ch.Points[0].X
		upper = []string{fmt.Sprintf("%.1f,%.1f", x-12, ch.Points[0].HiY), fmt.Sprintf("%.1f,%.1f", x+12, ch.Points[0].HiY)}
		lower = []string{fmt.Sprintf("%.1f,%.1f", x+12, ch.Points[0].LoY), fmt.Sprintf("%.1f,%.1f", x-12, ch.Points[0].LoY)}
	}
	ch.Band = strings.Join(append(upper, lower...), " ")
	ch.Line = strings.Join(line, " ")
	if t := sum.Config.Threshold; t > 0 {
		ch.ThresholdY, ch.Threshold = yOf(t), "threshold "+pct(t)
	}
	return ch
}

// sortedCurve orders budget points smallest prompt first, full (0) last.
func sortedCurve(in []results.CurvePoint) []results.CurvePoint {
	pts := append([]results.CurvePoint(nil), in...)
	sort.SliceStable(pts, func(i, j int) bool {
		if (pts[i].Budget == 0) != (pts[j].Budget == 0) {
			return pts[j].Budget == 0
		}
		return pts[i].Tokens < pts[j].Tokens
	})
	return pts
}
