package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/soulc/soulc/internal/atomicfile"
)

// WriteOptions tune Write.
type WriteOptions struct {
	// Force replaces files soulc did not write (not in the previous lock).
	Force bool
	// Jobs bounds parallel writes; 0 means 4 × GOMAXPROCS (writes wait on
	// fsync, not on the CPU).
	Jobs int
}

// Report says what Write did. Paths are relative to the config's folder.
type Report struct {
	Files     int      // files the build produces
	Wrote     []string // written (new or changed)
	Unchanged int      // already identical, not touched
	Removed   []string // listed by the previous lock, no longer produced
	// Kept are files the previous lock listed that are no longer produced
	// but were left in place, with the reason.
	Kept        []string
	LockWritten bool
}

// ForeignError lists existing files soulc did not write and will not
// replace without Force.
type ForeignError struct {
	Paths []string
	Lock  string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("refusing to overwrite %s: not written by soulc (not listed in %s); nothing was written; use --force to replace", strings.Join(e.Paths, ", "), e.Lock)
}

// Write writes the plan: files that changed (each to a temporary name, then
// renamed), removes outputs the previous lock listed that this build no
// longer produces, then writes the lock. Before writing anything it refuses
// (ForeignError) to replace files soulc did not write, unless Force.
func Write(ctx context.Context, p *Plan, opt WriteOptions) (*Report, error) {
	prev, err := readLock(p.LockPath)
	foreignLock := errors.Is(err, errForeignLock)
	if err != nil && !foreignLock {
		return nil, err
	}
	owned := prev.paths()
	rep := &Report{Files: len(p.Files)}

	var todo []int
	var foreign []string
	for i, f := range p.Files {
		st, err := os.Lstat(f.Abs)
		if errors.Is(err, fs.ErrNotExist) {
			todo = append(todo, i)
			continue
		}
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a folder; soulc will not replace it", f.Path)
		}
		old, err := os.ReadFile(f.Abs)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(old, f.Data) && st.Mode().IsRegular() {
			rep.Unchanged++
			continue
		}
		if _, ok := owned[f.Path]; !ok {
			foreign = append(foreign, f.Path)
		}
		todo = append(todo, i)
	}
	if foreignLock {
		foreign = append(foreign, p.LockRel)
	}
	if len(foreign) > 0 && !opt.Force {
		return nil, &ForeignError{Paths: foreign, Lock: p.LockRel}
	}

	// Outputs of the previous build that this one no longer produces.
	type staleFile struct{ rel, abs string }
	var stale []staleFile
	if prev != nil {
		now := map[string]bool{}
		for _, f := range p.Files {
			now[f.Path] = true
		}
		realOut, err := realPath(p.OutDir)
		if err != nil {
			return nil, err
		}
		var olds []string
		for pth := range owned {
			if !now[pth] {
				olds = append(olds, pth)
			}
		}
		sort.Strings(olds)
		for _, pth := range olds {
			abs, ok := p.staleAbs(pth)
			if !ok || confine(realOut, abs) != nil {
				rep.Kept = append(rep.Kept, pth+" (no longer built; outside the output folder, left in place)")
				continue
			}
			data, err := os.ReadFile(abs)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if sha(data) != owned[pth] {
				rep.Kept = append(rep.Kept, pth+" (no longer built; changed since soulc wrote it, left in place)")
				continue
			}
			stale = append(stale, staleFile{pth, abs})
		}
	}

	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = 4 * runtime.GOMAXPROCS(0)
	}
	errs := make([]error, len(todo))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for k, i := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				errs[k] = err
				return err
			}
			f := p.Files[i]
			if err := atomicfile.Write(f.Abs, f.Data, 0o644); err != nil {
				errs[k] = fmt.Errorf("write %s: %w", f.Path, err)
				return errs[k]
			}
			return nil
		})
	}
	_ = g.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, i := range todo {
		rep.Wrote = append(rep.Wrote, p.Files[i].Path)
	}

	for _, s := range stale {
		if err := os.Remove(s.abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove %s: %w", s.rel, err)
		}
		rep.Removed = append(rep.Removed, s.rel)
		removeEmptyParents(p.OutDir, filepath.Dir(s.abs))
	}

	old, err := os.ReadFile(p.LockPath)
	if err != nil || !bytes.Equal(old, p.Lock) {
		if err := atomicfile.Write(p.LockPath, p.Lock, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p.LockRel, err)
		}
		rep.LockWritten = true
	}
	return rep, nil
}

// staleAbs maps a lock path to an absolute path when it lies strictly inside
// the current output folder.
func (p *Plan) staleAbs(rel string) (string, bool) {
	c := path.Clean(rel)
	if c != rel || path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	out := p.Config.Out.S
	if out != "." && !strings.HasPrefix(c, out+"/") {
		return "", false
	}
	if c == p.LockRel || c == filepath.Base(p.Config.File) {
		return "", false
	}
	abs := filepath.Join(p.Config.Dir, filepath.FromSlash(c))
	if !within(p.OutDir, abs) || abs == p.OutDir {
		return "", false
	}
	return abs, true
}

// removeEmptyParents removes dir and its parents while they are empty,
// stopping at (and keeping) out.
func removeEmptyParents(out, dir string) {
	for within(out, dir) && dir != out {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// Problem is one way the disk differs from the plan.
type Problem struct {
	// Kind is "missing", "stale" (content differs) or "extra" (listed by
	// the lock, no longer built, still on disk).
	Kind string
	Path string
}

func (p Problem) String() string { return p.Kind + " " + p.Path }

// Check compares the plan with the disk and the lock, writing nothing. The
// problems are sorted by path, the lock last.
func Check(p *Plan) ([]Problem, error) {
	var probs []Problem
	now := map[string]bool{}
	for _, f := range p.Files {
		now[f.Path] = true
		if k := compare(f.Abs, f.Data); k != "" {
			probs = append(probs, Problem{Kind: k, Path: f.Path})
		}
	}
	prev, err := readLock(p.LockPath)
	if err != nil && !errors.Is(err, errForeignLock) {
		return nil, err
	}
	if prev != nil {
		for pth := range prev.paths() {
			if now[pth] {
				continue
			}
			if abs, ok := p.staleAbs(pth); ok {
				if _, err := os.Lstat(abs); err == nil {
					probs = append(probs, Problem{Kind: "extra", Path: pth})
				}
			}
		}
	}
	sort.Slice(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	if k := compare(p.LockPath, p.Lock); k != "" {
		probs = append(probs, Problem{Kind: k, Path: p.LockRel})
	}
	return probs, nil
}

func compare(abs string, want []byte) string {
	got, err := os.ReadFile(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "missing"
	case err != nil, !bytes.Equal(got, want):
		return "stale"
	}
	return ""
}
