package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/soulc/soulc/internal/golden"
)

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "version: 1\nsouls: [a]\ntargets: [openai]\nfromats: [text]\n", `soulc.yaml:4:1: unknown key "fromats"`},
		{"unknown target key", "version: 1\nsouls: [a]\ntargets:\n  - {name: openai, budgt: 5}\n", `soulc.yaml:4:20: unknown key "budgt" in a target`},
		{"version", "version: 2\nsouls: [a]\ntargets: [openai]\n", `soulc.yaml:1:10: unsupported version "2"`},
		{"version string", "version: \"1\"\nsouls: [a]\ntargets: [openai]\n", `soulc.yaml:1:10: unsupported version`},
		{"no version", "souls: [a]\ntargets: [openai]\n", `soulc.yaml:1:1: missing "version: 1"`},
		{"no souls", "version: 1\ntargets: [openai]\n", `no souls`},
		{"no targets", "version: 1\nsouls: [a]\n", `no targets`},
		{"format", "version: 1\nsouls: [a]\ntargets: [openai]\nformats: [text, claude-agnt]\n", `soulc.yaml:4:17: unknown format "claude-agnt" (did you mean "claude-agent"?)`},
		{"dup format", "version: 1\nsouls: [a]\ntargets: [openai]\nformats: [text, text]\n", `soulc.yaml:4:17: format "text" listed twice`},
		{"budget", "version: 1\nsouls: [a]\ntargets: [openai]\nbudgets: [lots]\n", `soulc.yaml:4:11: budget "lots"`},
		{"dup key", "version: 1\nsouls: [a]\nsouls: [b]\ntargets: [openai]\n", `soulc.yaml:3:1: duplicate key "souls"`},
		{"climbing path", "version: 1\nsouls: [a]\ntargets: [openai]\npath: \"../{slug}/{file}\"\n", `soulc.yaml:4:7: path "../{slug}/{file}" climbs out of the output folder`},
		{"inner climb", "version: 1\nsouls: [a]\ntargets: [openai]\npath: \"{slug}/../../{file}\"\n", `climbs out of the output folder`},
		{"absolute path", "version: 1\nsouls: [a]\ntargets: [openai]\npath: /etc/{file}\n", `soulc.yaml:4:7: path "/etc/{file}" is absolute`},
		{"placeholder", "version: 1\nsouls: [a]\ntargets: [openai]\npath: \"{name}/{file}\"\n", `unknown placeholder {name}`},
		{"braces", "version: 1\nsouls: [a]\ntargets: [openai]\npath: \"{slug/{file}\"\n", `unbalanced`},
		{"out climbs", "version: 1\nsouls: [a]\ntargets: [openai]\nout: ../elsewhere\n", `soulc.yaml:4:6: out "../elsewhere" leaves the folder`},
		{"out absolute", "version: 1\nsouls: [a]\ntargets: [openai]\nout: /tmp/x\n", `must be relative`},
		{"alias", "version: 1\nsouls: &s [a]\ntargets: *s\n", `anchors and aliases`},
		{"budget and budgets", "version: 1\nsouls: [a]\ntargets:\n  - {name: openai, budget: 5, budgets: [6]}\n", `either budget or budgets`},
		{"dup target", "version: 1\nsouls: [a]\ntargets: [openai, openai]\n", `soulc.yaml:3:19: target "openai" listed twice`},
		{"not a mapping", "- a\n", `soulc.yaml:1:1: the config must be a YAML mapping`},
		{"bad yaml", "version: 1\nsouls: [a\n", `soulc.yaml:`},
		{"two docs", "version: 1\n---\nversion: 1\n", `only one YAML document`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("soulc.yaml", "/x", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("soulc.yaml", "/x", []byte(`version: 1
souls: [souls/*, extra/x.md]
targets:
  - openai
  - {name: claude, budget: 1_000}
  - name: gemini
    budgets: [full, default]
budgets: [default, 2000]
formats: [TEXT, agents-md]
out: ./dist/
path: "{target}/{budget}/{file}"
targets_dir: my-targets
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Souls) != 2 || c.Souls[1].S != "extra/x.md" || c.Souls[1].Pos.Line != 2 {
		t.Errorf("souls: %+v", c.Souls)
	}
	if len(c.Targets) != 3 || c.Targets[1].Budgets[0].Label != "1000" || c.Targets[2].Budgets[0].Label != "full" || c.Targets[2].Budgets[1].Label != "default" {
		t.Errorf("targets: %+v", c.Targets)
	}
	if len(c.Budgets) != 2 || c.Budgets[1].Spec != "2000" {
		t.Errorf("budgets: %+v", c.Budgets)
	}
	if c.Formats[0].S != "text" || c.Out.S != "dist" || c.TargetsDir.S != "my-targets" {
		t.Errorf("formats %+v out %q targets_dir %q", c.Formats, c.Out.S, c.TargetsDir.S)
	}
	d, err := ParseConfig("soulc.yaml", "/x", []byte("version: 1\nsouls: a\ntargets: openai\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Out.S != DefaultOut || d.Path.S != DefaultPath || d.Formats[0].S != "text" || d.Souls[0].S != "a" {
		t.Errorf("defaults: %+v", d)
	}
}

func TestStarterParses(t *testing.T) {
	for _, souls := range []string{"souls/*", "examples/ai-safety-researcher"} {
		c, err := ParseConfig("soulc.yaml", "/x", Starter(souls))
		if err != nil {
			t.Fatalf("starter for %s: %v", souls, err)
		}
		if c.Souls[0].S != souls {
			t.Errorf("souls = %q", c.Souls[0].S)
		}
	}
}

func TestExpand(t *testing.T) {
	f := Fields{Slug: "x", Target: "openai", Format: "text", Budget: "default", File: "x.txt"}
	for _, tc := range []struct{ pat, want, err string }{
		{"{slug}/{target}/{file}", "x/openai/x.txt", ""},
		{"{target}/{budget}/{format}/{file}", "openai/default/text/x.txt", ""},
		{"./a//b/../{file}", "a/x.txt", ""},
		{"../{slug}", "", "leaves the output folder"},
		{"/abs/{file}", "", "not a relative path"},
		{"{slug}/../..", "", "leaves the output folder"},
		{".", "", "leaves the output folder"},
	} {
		got, err := Expand(tc.pat, f)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %q, %v; want error %q", tc.pat, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.pat, got, err, tc.want)
		}
	}
	// A hostile value (slugs are validated by the loader, but this is the
	// last line of defence) cannot climb out either.
	if _, err := Expand("{slug}/{file}", Fields{Slug: "../..", File: "x"}); err == nil {
		t.Error("want an error for a slug of ../..")
	}
	if _, err := Expand("{file}", Fields{File: "/etc/passwd"}); err == nil {
		t.Error("want an error for an absolute file")
	}
}

// soulMD is a minimal SOUL the compiler accepts.
func soulMD(title string) string {
	return "# " + title + "\n\n## Core Mission\n\nHelp people think clearly about " + title + " problems.\n\n" +
		"## Mental Models\n\n- **First model**: always check the " + title + " basics first.\n- **Second model**: measure twice.\n"
}

// project writes files (slash paths → content) into a temp folder.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		abs := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func prepare(t *testing.T, dir string, jobs int) (*Plan, error) {
	t.Helper()
	cfg, err := LoadConfig(filepath.Join(dir, ConfigName))
	if err != nil {
		t.Fatal(err)
	}
	return Prepare(context.Background(), cfg, Options{Jobs: jobs, Version: "test"})
}

func threeSouls(config string) map[string]string {
	return map[string]string{
		"soulc.yaml":          config,
		"souls/charlie.md":    soulMD("Charlie"),
		"souls/alpha.md":      soulMD("Alpha"),
		"souls/bravo/SOUL.md": soulMD("Bravo"),
	}
}

func TestSharedMergeDeterministic(t *testing.T) {
	cfg := "version: 1\nsouls: [souls/*]\ntargets: [openai, claude]\nformats: [agents-md, crewai, text]\npath: \"{target}/{file}\"\n"
	// The same SOULs listed in another order must give the same bytes.
	cfg2 := "version: 1\nsouls: [souls/charlie.md, souls/bravo, souls/alpha.md]\ntargets: [openai, claude]\nformats: [agents-md, crewai, text]\npath: \"{target}/{file}\"\n"
	var prev []File
	for i, c := range []struct {
		cfg  string
		jobs int
	}{{cfg, 1}, {cfg, 8}, {cfg2, 3}} {
		dir := project(t, threeSouls(c.cfg))
		p, err := prepare(t, dir, c.jobs)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			prev = p.Files
			var agents []byte
			for _, f := range p.Files {
				if f.Path == "build/openai/AGENTS.md" {
					agents = f.Data
					if len(f.Outputs) != 3 {
						t.Errorf("AGENTS.md lock entries: %+v", f.Outputs)
					}
				}
			}
			a, b, c := bytes.Index(agents, []byte("soulc:begin alpha")), bytes.Index(agents, []byte("soulc:begin bravo")), bytes.Index(agents, []byte("soulc:begin charlie"))
			if a < 0 || !(a < b && b < c) {
				t.Fatalf("AGENTS.md sections not in slug order:\n%s", agents)
			}
			continue
		}
		if len(p.Files) != len(prev) {
			t.Fatalf("run %d: %d files, want %d", i, len(p.Files), len(prev))
		}
		for k := range prev {
			if p.Files[k].Path != prev[k].Path || !bytes.Equal(p.Files[k].Data, prev[k].Data) {
				t.Errorf("run %d: %s differs", i, p.Files[k].Path)
			}
		}
	}
	// Two SOULs into one file of a format that is not Shared: an error.
	dir := project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [openai]\nformats: [text]\npath: \"{target}.txt\"\n"))
	if _, err := prepare(t, dir, 0); err == nil || !strings.Contains(err.Error(), "two outputs would be written to build/openai.txt") {
		t.Fatalf("got %v", err)
	}
	// Two targets into one file: the error names the missing placeholder.
	dir = project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [openai, claude]\nformats: [agents-md]\npath: \"{file}\"\n"))
	if _, err := prepare(t, dir, 0); err == nil || !strings.Contains(err.Error(), "put {target} in path") {
		t.Fatalf("got %v", err)
	}
}

func TestSymlinkEscape(t *testing.T) {
	dir := project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [openai]\n"))
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "build", "bravo")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	_, err := prepare(t, dir, 0)
	if err == nil || !strings.Contains(err.Error(), "outside the output folder") || !strings.Contains(err.Error(), "build/bravo/openai/bravo.txt") {
		t.Fatalf("got %v", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written outside: %v", ents)
	}
	// A symlink that stays inside the output folder is fine.
	os.Remove(filepath.Join(dir, "build", "bravo"))
	os.MkdirAll(filepath.Join(dir, "build", "real"), 0o755)
	if err := os.Symlink("real", filepath.Join(dir, "build", "bravo")); err != nil {
		t.Fatal(err)
	}
	if _, err := prepare(t, dir, 0); err != nil {
		t.Fatal(err)
	}
	// The output folder itself may be a symlink (the user chose it).
	dir2 := project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [openai]\n"))
	if err := os.Symlink(outside, filepath.Join(dir2, "build")); err != nil {
		t.Fatal(err)
	}
	if _, err := prepare(t, dir2, 0); err != nil {
		t.Fatal(err)
	}
}

func TestOutputCannotReplaceConfig(t *testing.T) {
	dir := project(t, threeSouls("version: 1\nsouls: [souls/alpha.md]\ntargets: [openai]\nout: .\npath: soulc.lock.json\n"))
	if _, err := prepare(t, dir, 0); err == nil || !strings.Contains(err.Error(), "would replace soulc.lock.json") {
		t.Fatalf("got %v", err)
	}
}

func TestWriteCheckForeignStale(t *testing.T) {
	dir := project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [openai]\nformats: [text, json]\n"))
	foreign := filepath.Join(dir, "build", "alpha", "openai", "alpha.txt")
	os.MkdirAll(filepath.Dir(foreign), 0o755)
	os.WriteFile(foreign, []byte("mine\n"), 0o644)

	p, err := prepare(t, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Write(context.Background(), p, WriteOptions{})
	var fe *ForeignError
	if !errors.As(err, &fe) || len(fe.Paths) != 1 || fe.Paths[0] != "build/alpha/openai/alpha.txt" {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, LockName)); err == nil {
		t.Error("the lock was written after a refusal")
	}
	if _, err := os.Stat(filepath.Join(dir, "build", "bravo")); err == nil {
		t.Error("an output was written after a refusal")
	}
	if got, _ := os.ReadFile(foreign); string(got) != "mine\n" {
		t.Error("the foreign file was changed")
	}

	rep, err := Write(context.Background(), p, WriteOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Wrote) != 6 || !rep.LockWritten {
		t.Errorf("report: %+v", rep)
	}
	if probs, err := Check(p); err != nil || len(probs) != 0 {
		t.Fatalf("check after build: %v %v", probs, err)
	}
	// A second build writes nothing.
	rep, err = Write(context.Background(), p, WriteOptions{})
	if err != nil || len(rep.Wrote) != 0 || rep.Unchanged != 6 || rep.LockWritten {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
	// An output edited by hand is ours (in the lock): stale, then rewritten.
	os.WriteFile(foreign, []byte("edited\n"), 0o644)
	probs, _ := Check(p)
	if len(probs) != 1 || probs[0].String() != "stale build/alpha/openai/alpha.txt" {
		t.Fatalf("check: %v", probs)
	}
	if _, err := Write(context.Background(), p, WriteOptions{}); err != nil {
		t.Fatal(err)
	}

	// Drop the json format: its files are extra, then removed.
	os.WriteFile(filepath.Join(dir, ConfigName), []byte("version: 1\nsouls: [souls/*]\ntargets: [openai]\nformats: [text]\n"), 0o644)
	p2, err := prepare(t, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	probs, _ = Check(p2)
	var kinds []string
	for _, pr := range probs {
		kinds = append(kinds, pr.String())
	}
	want := "extra build/alpha/openai/alpha.manifest.json,extra build/bravo/openai/bravo.manifest.json,extra build/charlie/openai/charlie.manifest.json,stale soulc.lock.json"
	if strings.Join(kinds, ",") != want {
		t.Fatalf("check:\n%s\nwant\n%s", strings.Join(kinds, ","), want)
	}
	rep, err = Write(context.Background(), p2, WriteOptions{})
	if err != nil || len(rep.Removed) != 3 {
		t.Fatalf("removed: %+v %v", rep, err)
	}
	if probs, _ := Check(p2); len(probs) != 0 {
		t.Fatalf("check after removal: %v", probs)
	}
}

func TestLockPathsAreConfined(t *testing.T) {
	// A tampered lock that lists a file outside the output folder never
	// makes soulc remove it.
	dir := project(t, threeSouls("version: 1\nsouls: [souls/alpha.md]\ntargets: [openai]\n"))
	victim := filepath.Join(dir, "souls", "bravo", "SOUL.md")
	p, err := prepare(t, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(victim)
	lock := `{"config":{"path":"soulc.yaml","sha256":"x"},"inputs":[],"outputs":[{"budget":0,"exact":true,"format":"text","path":"souls/bravo/SOUL.md","sha256":"` + sha(data) + `","soul":"x","target":"openai","tokens":1},{"budget":0,"exact":true,"format":"text","path":"build/../souls/bravo/SOUL.md","sha256":"` + sha(data) + `","soul":"x","target":"openai","tokens":1}],"soulc":"test","version":1}`
	os.WriteFile(filepath.Join(dir, LockName), []byte(lock), 0o644)
	rep, err := Write(context.Background(), p, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 0 || len(rep.Kept) != 2 {
		t.Errorf("report: %+v", rep)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatal("a file outside the output folder was removed")
	}
}

// TestAtlasFull builds the whole Atlas (three targets × four formats) twice
// and checks the bytes and --check. It takes minutes, so it runs only with
// SOULC_ATLAS_FULL=1; cmd/soulc's build_atlas script runs a subset always.
func TestAtlasFull(t *testing.T) {
	if os.Getenv("SOULC_ATLAS_FULL") == "" {
		t.Skip("set SOULC_ATLAS_FULL=1 to build the whole atlas")
	}
	atlas, _ := filepath.Abs("../../../shared/atlas/souls")
	if _, err := os.Stat(atlas); err != nil {
		t.Skip("no atlas:", err)
	}
	dir := project(t, map[string]string{"soulc.yaml": "version: 1\nsouls: [atlas/*]\ntargets: [openai, claude, gemini]\nformats: [text, json, claude-agent, agents-md]\npath: \"{target}/{file}\"\n"})
	if err := os.Symlink(atlas, filepath.Join(dir, "atlas")); err != nil {
		t.Skip(err)
	}
	var locks [][]byte
	for run := range 2 {
		start := time.Now()
		p, err := prepare(t, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Write(context.Background(), p, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: %d compiles, %d files, %d written, %v", run, p.Compiles, rep.Files, len(rep.Wrote), time.Since(start))
		if run == 1 && len(rep.Wrote) != 0 {
			t.Errorf("second run wrote %d files", len(rep.Wrote))
		}
		probs, err := Check(p)
		if err != nil || len(probs) != 0 {
			t.Fatalf("check: %v %v", probs, err)
		}
		locks = append(locks, p.Lock)
	}
	if !bytes.Equal(locks[0], locks[1]) {
		t.Error("the two locks differ")
	}
}

func TestFindConfig(t *testing.T) {
	dir := project(t, map[string]string{"soulc.yaml": "version: 1\n", "a/b/c/x.txt": ""})
	got, err := FindConfig(filepath.Join(dir, "a", "b", "c"))
	if err != nil || got != filepath.Join(dir, "soulc.yaml") {
		t.Fatalf("got %q, %v", got, err)
	}
	// A folder named soulc.yaml is not a config.
	other := project(t, map[string]string{"soulc.yaml/x": ""})
	if got, err := FindConfig(filepath.Join(other, "soulc.yaml")); err == nil && got == filepath.Join(other, "soulc.yaml") {
		t.Fatalf("found a folder: %q", got)
	}
}

func TestCompileFailureWritesNothing(t *testing.T) {
	dir := project(t, threeSouls("version: 1\nsouls: [souls/*]\ntargets: [{name: openai, budget: 20}, claude]\n"))
	_, err := prepare(t, dir, 0)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want one error per SOUL at budget 20, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "build")); err == nil {
		t.Fatal("build folder created")
	}
}
