// Package source reads input files safely: a size limit, binary detection, and
// normalisation of byte-order marks and CRLF so every later stage sees LF text.
// It also maps byte offsets back to 1-based line and column numbers.
//
// It must not import cobra, go-openai, targets or evals.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"unicode/utf8"

	"github.com/soulc/soulc/compiler/diag"
)

// DefaultMaxBytes is the default per-file size limit (8 MiB): the largest atlas
// SOUL is under 40 KiB, so this only stops mistakes and hostile input.
const DefaultMaxBytes int64 = 8 << 20

// Stdin is the path that names standard input.
const Stdin = "-"

// File is one normalised input: UTF-8, LF line endings, no BOM.
type File struct {
	Path  string
	Text  string
	Raw   []byte // the bytes as read, for hashing
	lines []int  // byte offset at which each line starts
}

// Read loads path (or stdin for "-") with a size limit. Errors are
// *diag.InputError naming the file.
func Read(path string, stdin io.Reader, maxBytes int64) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	var r io.Reader
	name := path
	if path == Stdin {
		if stdin == nil {
			return nil, diag.Errorf(diag.Pos{File: "<stdin>"}, "no standard input")
		}
		r, name = stdin, "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, diag.Errorf(diag.Pos{File: path}, "%s", describeOpenError(err))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, diag.Errorf(diag.Pos{File: path}, "is a directory")
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name}, "read: %v", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, diag.Errorf(diag.Pos{File: name}, "file is larger than the %s limit (raise it with --max-size)", humanBytes(maxBytes))
	}
	return FromBytes(name, data)
}

// FromBytes normalises data that was already read. It rejects empty, binary
// and non-UTF-8 input with a positioned error.
func FromBytes(name string, data []byte) (*File, error) {
	text := Normalize(data)
	if len(bytes.TrimSpace([]byte(text))) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name}, "file is empty")
	}
	if i := bytes.IndexByte([]byte(text), 0); i >= 0 {
		f := &File{Path: name, Text: text}
		f.index()
		p := f.Pos(i)
		return nil, diag.Errorf(p, "binary file (NUL byte); a SOUL is UTF-8 text")
	}
	if !utf8.ValidString(text) {
		f := &File{Path: name, Text: text}
		f.index()
		bad := firstInvalidUTF8(text)
		return nil, diag.Errorf(f.Pos(bad), "not valid UTF-8 text")
	}
	f := &File{Path: name, Text: text, Raw: data}
	f.index()
	return f, nil
}

// Normalize strips a UTF-8 byte-order mark and turns CRLF and lone CR into LF,
// so a Windows-saved SOUL loads exactly as its LF twin.
func Normalize(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') < 0 {
		return string(data)
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			out = append(out, '\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

func (f *File) index() {
	f.lines = []int{0}
	for i := 0; i < len(f.Text); i++ {
		if f.Text[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
}

// Pos maps a byte offset in Text to a 1-based line and column (columns count
// runes, as editors do).
func (f *File) Pos(offset int) diag.Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Text) {
		offset = len(f.Text)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > offset }) - 1
	if line < 0 {
		line = 0
	}
	col := utf8.RuneCountInString(f.Text[f.lines[line]:offset]) + 1
	return diag.Pos{File: f.Path, Line: line + 1, Col: col}
}

// LineCount is the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines) }

func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func describeOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	default:
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err.Error()
		}
		return err.Error()
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
