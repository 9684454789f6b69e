package build

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/emit"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/pipeline"
	"github.com/soulc/soulc/targets"
)

// Options tune Prepare.
type Options struct {
	// TargetsDir, when set, replaces the config's targets_dir (a flag beats
	// the file). It is used as given (relative to the current folder).
	TargetsDir string
	// Jobs bounds parallel loads and compiles; 0 means runtime.GOMAXPROCS(0).
	Jobs int
	// Version is the soulc version recorded in the lock.
	Version string
}

// File is one planned output file.
type File struct {
	// Path is slash-separated and relative to the config's folder; it is
	// what messages and the lock show. Abs is where it is written.
	Path string
	Abs  string
	Data []byte
	// Outputs are the lock entries for this file (several for a merged
	// Shared format), sorted by SOUL slug.
	Outputs []LockOutput
}

// Plan is everything a build would write, computed in memory and checked.
type Plan struct {
	Config *Config
	// OutDir is the absolute output folder.
	OutDir string
	// Files is sorted by Path.
	Files []File
	// LockPath is where the lock goes (next to the config); Lock its bytes.
	LockPath string
	LockRel  string
	Lock     []byte
	// Warnings are the emitters' notes (size limits, safety rewrites), in
	// input order, each prefixed with "slug → target".
	Warnings []string
	// Compiles is the number of SOUL × target × budget compiles done.
	Compiles int
}

// Errors is every compile failure of a plan, in input order.
type Errors []error

func (e Errors) Error() string {
	if len(e) == 1 {
		return e[0].Error()
	}
	return fmt.Sprintf("%v (and %d more failures)", e[0], len(e)-1)
}

func (e Errors) Unwrap() []error { return e }

type job struct {
	soul   int
	target int
	budget Budget
}

type jobResult struct {
	res  *compile.Result
	outs []emit.Output
	err  error
}

type planned struct {
	path   string // relative to the config folder
	format emit.Format
	data   []byte
	entry  LockOutput
}

// Prepare loads, compiles and emits everything cfg names, and checks every
// output path, without writing anything.
func Prepare(ctx context.Context, cfg *Config, opt Options) (*Plan, error) {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	version := opt.Version
	if version == "" {
		version = "dev"
	}
	p := &Plan{Config: cfg}
	p.OutDir = filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Out.S))
	base := filepath.Base(cfg.File)
	p.LockRel = strings.TrimSuffix(base, filepath.Ext(base)) + ".lock.json"
	p.LockPath = filepath.Join(cfg.Dir, p.LockRel)

	var inputs []LockInput

	// Targets: the built-ins plus the flag's or the config's folder.
	reg := targets.NewRegistry()
	tdir, tpos := opt.TargetsDir, diag.Pos{}
	if tdir == "" && cfg.TargetsDir.S != "" {
		tdir, tpos = filepath.Join(cfg.Dir, filepath.FromSlash(cfg.TargetsDir.S)), cfg.TargetsDir.Pos
	}
	if tdir != "" {
		if err := reg.LoadDir(tdir); err != nil {
			if tpos.File != "" {
				return nil, diag.Errorf(tpos, "targets_dir: %v", err)
			}
			return nil, err
		}
		in, err := targetFiles(cfg.Dir, tdir)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, in...)
	}
	tgts := make([]targets.Target, len(cfg.Targets))
	for i, ts := range cfg.Targets {
		t, err := reg.Lookup(ts.Name)
		if err != nil {
			return nil, diag.Errorf(ts.Pos, "%v", err)
		}
		tgts[i] = t
	}

	// SOULs: expand, load in parallel (results in slots).
	paths, err := expandSouls(cfg)
	if err != nil {
		return nil, err
	}
	souls := make([]*ir.Soul, len(paths))
	loadErrs := make([]error, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i, sp := range paths {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				loadErrs[i] = err
				return nil
			}
			s, err := load.Load(sp, load.Options{})
			if err != nil {
				loadErrs[i] = err
				return nil
			}
			// Manifests carry the source path: keep it relative to the
			// config so builds do not depend on where the checkout lives.
			s.Source = relSlash(cfg.Dir, s.Source)
			souls[i] = s
			return nil
		})
	}
	_ = g.Wait()
	if errs := collect(loadErrs); errs != nil {
		return nil, errs
	}
	bySlug := map[string]string{}
	for i, s := range souls {
		rel := relSlash(cfg.Dir, paths[i])
		if prev, dup := bySlug[s.Slug]; dup {
			return nil, diag.Errorf(diag.Pos{File: rel}, "slug %q is also the slug of %s: every SOUL in a build needs its own slug", s.Slug, prev)
		}
		bySlug[s.Slug] = rel
		inputs = append(inputs, LockInput{Path: rel, SHA256: s.SHA256})
	}

	// Compile every SOUL × target × budget, emitting every format.
	var js []job
	for si := range souls {
		for ti, ts := range cfg.Targets {
			bs := ts.Budgets
			if len(bs) == 0 {
				bs = cfg.Budgets
			}
			if len(bs) == 0 {
				bs = []Budget{{Label: "default"}}
			}
			for _, b := range bs {
				js = append(js, job{soul: si, target: ti, budget: b})
			}
		}
	}
	results := make([]jobResult, len(js))
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i, j := range js {
		g.Go(func() error {
			results[i] = runJob(gctx, cfg, souls[j.soul], tgts[j.target], j.budget)
			return nil
		})
	}
	_ = g.Wait()
	errs := make([]error, len(results))
	for i := range results {
		errs[i] = results[i].err
	}
	if e := collect(errs); e != nil {
		return nil, e
	}
	p.Compiles = len(js)

	// Place every output, then group by path.
	var all []planned
	for i, j := range js {
		r := results[i]
		s, t := souls[j.soul], tgts[j.target]
		for k, fv := range cfg.Formats {
			f, _ := emit.Lookup(fv.S)
			out := r.outs[k]
			for _, w := range out.Warnings {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s → %s (budget %s): %s", s.Slug, t.Name, j.budget.Label, w))
			}
			rel, err := Expand(cfg.Path.S, Fields{Slug: s.Slug, Target: t.Name, Format: f.Name, Budget: j.budget.Label, File: out.Path})
			if err != nil {
				return nil, diag.Errorf(cfg.Path.Pos, "%v (soul %s, target %s, format %s)", err, s.Slug, t.Name, f.Name)
			}
			full := path.Join(cfg.Out.S, rel)
			all = append(all, planned{path: full, format: f, data: out.Data, entry: LockOutput{
				Budget: r.res.Budget, Exact: r.res.Exact, Format: f.Name, Path: full,
				Soul: s.Slug, Target: t.Name, Tokens: r.res.Tokens,
			}})
		}
	}
	files, err := group(cfg, all)
	if err != nil {
		return nil, err
	}
	if err := p.checkPaths(files); err != nil {
		return nil, err
	}
	p.Files = files

	// The lock.
	lock := &Lock{
		Config:  LockInput{Path: base, SHA256: sha(cfg.Raw)},
		Inputs:  inputs,
		Outputs: []LockOutput{},
		Soulc:   version,
		Version: LockVersion,
	}
	sort.Slice(lock.Inputs, func(i, j int) bool { return lock.Inputs[i].Path < lock.Inputs[j].Path })
	for _, f := range files {
		lock.Outputs = append(lock.Outputs, f.Outputs...)
	}
	if p.Lock, err = lock.Marshal(); err != nil {
		return nil, err
	}
	return p, nil
}

func runJob(ctx context.Context, cfg *Config, s *ir.Soul, t targets.Target, b Budget) jobResult {
	if err := ctx.Err(); err != nil {
		return jobResult{err: err}
	}
	n, err := pipeline.ParseBudget(b.Spec, t)
	if err != nil {
		return jobResult{err: diag.Errorf(b.Pos, "%v", err)}
	}
	res, err := pipeline.Compile(s, t, n, compile.Options{})
	if err != nil {
		return jobResult{err: err}
	}
	r := jobResult{res: res}
	for _, fv := range cfg.Formats {
		out, err := pipeline.Emit(fv.S, res, s, emit.Options{})
		if err != nil {
			return jobResult{err: fmt.Errorf("%s: %s for %s: %w", s.Source, fv.S, t.Name, err)}
		}
		r.outs = append(r.outs, out)
	}
	return r
}

func collect(errs []error) error {
	var out Errors
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// group merges outputs that share a path: allowed only for a Shared format
// and distinct SOULs (merged in slug order); anything else is an error
// naming both and the placeholder that would tell them apart.
func group(cfg *Config, all []planned) ([]File, error) {
	byPath := map[string][]planned{}
	var order []string
	for _, o := range all {
		if _, ok := byPath[o.path]; !ok {
			order = append(order, o.path)
		}
		byPath[o.path] = append(byPath[o.path], o)
	}
	sort.Strings(order)
	files := make([]File, 0, len(order))
	for _, pth := range order {
		parts := byPath[pth]
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].entry.Soul < parts[j].entry.Soul })
		if len(parts) == 1 {
			files = append(files, File{Path: pth, Data: parts[0].data, Outputs: []LockOutput{parts[0].entry}})
			continue
		}
		for i := 1; i < len(parts); i++ {
			a, b := parts[i-1], parts[i]
			if a.entry.Format != b.entry.Format || !a.format.Shared || a.entry.Soul == b.entry.Soul {
				return nil, diag.Errorf(cfg.Path.Pos, "two outputs would be written to %s: %s and %s; put %s in path", pth, describe(a.entry), describe(b.entry), missingPlaceholder(a.entry, b.entry))
			}
		}
		var data []byte
		for _, pt := range parts {
			if pt.format.Name == "agents-md" {
				var err error
				if data, err = emit.MergeSection(data, pt.data); err != nil {
					return nil, fmt.Errorf("%s: %w", pth, err)
				}
				continue
			}
			data = append(data, pt.data...)
		}
		f := File{Path: pth, Data: data}
		for _, pt := range parts {
			f.Outputs = append(f.Outputs, pt.entry)
		}
		files = append(files, f)
	}
	for i := range files {
		h := sha(files[i].Data)
		for k := range files[i].Outputs {
			files[i].Outputs[k].SHA256 = h
		}
	}
	return files, nil
}

func describe(o LockOutput) string {
	return fmt.Sprintf("(soul %s, target %s, budget %d, format %s)", o.Soul, o.Target, o.Budget, o.Format)
}

func missingPlaceholder(a, b LockOutput) string {
	switch {
	case a.Target != b.Target:
		return "{target}"
	case a.Format != b.Format:
		return "{format} or {file}"
	case a.Soul != b.Soul:
		return "{slug} or {file}"
	}
	return "{budget}"
}

// checkPaths refuses files that would replace soulc.yaml or the lock, a file
// that is also another's folder, and any path that resolves outside the
// output folder through a symbolic link.
func (p *Plan) checkPaths(files []File) error {
	cfg := p.Config
	realOut, err := realPath(p.OutDir)
	if err != nil {
		return fmt.Errorf("resolve output folder %s: %w", cfg.Out.S, err)
	}
	cfgBase := filepath.Base(cfg.File)
	set := map[string]bool{}
	for _, f := range files {
		set[f.Path] = true
	}
	for i := range files {
		f := &files[i]
		if f.Path == cfgBase || f.Path == p.LockRel {
			return diag.Errorf(cfg.Path.Pos, "output %s would replace %s", f.Path, f.Path)
		}
		for d := path.Dir(f.Path); d != "." && d != "/"; d = path.Dir(d) {
			if set[d] {
				return diag.Errorf(cfg.Path.Pos, "output %s needs %s to be a folder, but it is also an output", f.Path, d)
			}
		}
		f.Abs = filepath.Join(cfg.Dir, filepath.FromSlash(f.Path))
		if !within(p.OutDir, f.Abs) || f.Abs == p.OutDir {
			return diag.Errorf(cfg.Path.Pos, "output %s leaves the output folder %s", f.Path, cfg.Out.S)
		}
		if err := confine(realOut, f.Abs); err != nil {
			return diag.Errorf(cfg.Path.Pos, "output %s: %v", f.Path, err)
		}
	}
	return nil
}

// expandSouls turns the souls entries into SOUL paths (absolute), sorted
// and without duplicates. A glob keeps folders holding SOUL.md and files;
// an entry or glob that yields nothing is an error at its position.
func expandSouls(cfg *Config) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, v := range cfg.Souls {
		abs := v.S
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cfg.Dir, filepath.FromSlash(v.S))
		}
		if strings.ContainsAny(v.S, "*?[") {
			matches, err := filepath.Glob(abs)
			if err != nil {
				return nil, diag.Errorf(v.Pos, "souls: %q: %v", v.S, err)
			}
			n := 0
			for _, m := range matches {
				st, err := os.Stat(m)
				if err != nil {
					continue
				}
				if st.IsDir() {
					if _, err := os.Stat(filepath.Join(m, "SOUL.md")); err != nil {
						continue
					}
				}
				add(m)
				n++
			}
			if n == 0 {
				return nil, diag.Errorf(v.Pos, "souls: %q matches no SOUL", v.S)
			}
			continue
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, diag.Errorf(v.Pos, "souls: %q: no such file or folder", v.S)
		}
		ps, err := load.Expand([]string{abs})
		if err != nil {
			return nil, diag.Errorf(v.Pos, "souls: %q: %v", v.S, err)
		}
		for _, p := range ps {
			add(p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// targetFiles hashes the user target files so the lock records them.
func targetFiles(cfgDir, dir string) ([]LockInput, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []LockInput
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, LockInput{Path: relSlash(cfgDir, p), SHA256: sha(data)})
	}
	return out, nil
}

// relSlash is p relative to dir, slash-separated (p itself when it cannot be
// made relative).
func relSlash(dir, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	r, err := filepath.Rel(dir, abs)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}
