package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's headless-capable browser, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed; .ci/run installs it (apt-get install chromium)")
	return ""
}

// runChromium runs one headless command against the page with a private
// profile, no network services and a time limit.
func runChromium(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
	}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, extra, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func writeSamplePage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sum, recs := fixture()
	recPath := writeJSONL(t, recs, "")
	if err := WriteAll(dir, sum, recPath); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, HTMLFile)
}

// The browser's DOM (after parsing, layout and the CSP) holds the four
// charts with their marks, the case table and the escaped answers.
func TestChromiumRendersReportDOM(t *testing.T) {
	bin := chromium(t)
	page := writeSamplePage(t)
	dom := string(runChromium(t, bin, page, "--dump-dom"))
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("no DOM dumped:\n%s", tail(dom, 500))
	}
	sum, _ := fixture()
	for _, id := range []string{"chart-conditions", "chart-lift", "chart-budget", "chart-variants"} {
		re := regexp.MustCompile(`<svg[^>]*\bid="` + id + `"`)
		if !re.MatchString(dom) {
			t.Errorf("chart %s missing from the rendered DOM", id)
		}
	}
	if n := strings.Count(dom, "<svg"); n != 4 {
		t.Errorf("%d <svg> in the DOM, want 4", n)
	}
	// Bars: one per condition, lift and drop, plus legend swatches.
	if n, min := strings.Count(dom, "<rect"), len(sum.Conditions)+len(sum.Lift)+len(sum.VariantDrop); n < min {
		t.Errorf("%d <rect> marks, want at least %d", n, min)
	}
	if n := strings.Count(dom, "<line"); n < 40 {
		t.Errorf("%d <line> marks (grid, whiskers, reference lines), want at least 40", n)
	}
	if n := strings.Count(dom, `<circle`); n != len(sum.BudgetCurve) {
		t.Errorf("%d budget points, want %d", n, len(sum.BudgetCurve))
	}
	if n := strings.Count(dom, `<tr class="case `); n != len(sum.Cells) {
		t.Errorf("%d case rows in the DOM, want %d", n, len(sum.Cells))
	}
	if strings.Contains(dom, "<script") {
		t.Errorf("a <script> element reached the DOM: the answer was not escaped")
	}
	if !strings.Contains(dom, "&lt;script&gt;alert") {
		t.Errorf("the hostile answer is not shown as text")
	}
}

// A screenshot is a real picture: the right size and not one flat colour,
// with the report's red (FAIL / gate banner) and chart blue present.
func TestChromiumScreenshot(t *testing.T) {
	bin := chromium(t)
	page := writeSamplePage(t)
	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1200,1600", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Errorf("screenshot is %dx%d, want 1200x1600", b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]int{}
	var blue, red int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			colours[[3]uint32{r, g, bl}]++
			if bl > 200 && r < 80 && g > 80 && g < 130 { // persona bars, #2563eb
				blue++
			}
			if r > 160 && g < 50 && bl < 50 { // fail / gate, #b91c1c
				red++
			}
		}
	}
	t.Logf("screenshot: %d colours, %d blue and %d red sampled pixels", len(colours), blue, red)
	if len(colours) < 50 {
		t.Errorf("screenshot has %d colours: blank or broken page", len(colours))
	}
	if blue < 500 {
		t.Errorf("only %d blue pixels: the condition chart's bars did not render", blue)
	}
	if red < 100 {
		t.Errorf("only %d red pixels: the gate banner / FAIL marks did not render", red)
	}
	if os.Getenv("SOULC_KEEP_SCREENSHOT") != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(os.Getenv("SOULC_KEEP_SCREENSHOT"), data, 0o644)
	}
}
