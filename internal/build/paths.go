package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Fields are the values substituted into a path pattern.
type Fields struct {
	Slug, Target, Format, Budget, File string
}

// Expand substitutes the placeholders of pattern and cleans the result. It
// refuses a result that is empty, absolute, or climbs out with "..": the
// returned path is slash-separated and relative to the output folder.
func Expand(pattern string, f Fields) (string, error) {
	r := strings.NewReplacer("{slug}", f.Slug, "{target}", f.Target, "{format}", f.Format, "{budget}", f.Budget, "{file}", f.File)
	p := r.Replace(pattern)
	s := filepath.ToSlash(p)
	if s == "" || path.IsAbs(s) || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("path %q gives %q, which is not a relative path inside the output folder", pattern, p)
	}
	c := path.Clean(s)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %q gives %q, which leaves the output folder", pattern, p)
	}
	return c, nil
}

// realPath resolves the symlinks of p's deepest existing ancestor (p itself
// when it exists) and joins the rest, so a path that does not exist yet can
// be compared with the folder it would be created in.
func realPath(p string) (string, error) {
	p = filepath.Clean(p)
	for q := p; ; {
		if _, err := os.Lstat(q); err == nil {
			r, err := filepath.EvalSymlinks(q)
			if err != nil {
				return "", err
			}
			rest, err := filepath.Rel(q, p)
			if err != nil {
				return "", err
			}
			return filepath.Join(r, rest), nil
		} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return "", err
		}
		parent := filepath.Dir(q)
		if parent == q {
			return p, nil
		}
		q = parent
	}
}

// within reports whether real path p is base or inside it.
func within(base, p string) bool {
	rel, err := filepath.Rel(base, p)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel))
}

// confine checks that abs (a path under outAbs) stays inside outAbs once
// symlinks are resolved: a symlinked parent folder, or a symlink in the
// file's place, that points outside is refused. realOut is realPath(outAbs).
func confine(realOut, abs string) error {
	rp, err := realPath(abs)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", abs, err)
	}
	if !within(realOut, rp) {
		return fmt.Errorf("%s resolves to %s, outside the output folder %s (through a symbolic link)", abs, rp, realOut)
	}
	return nil
}
