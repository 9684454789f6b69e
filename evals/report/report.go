// Package report renders an eval run for people and CI: junit.xml for test
// report readers (GitHub, GitLab), summary.md for $GITHUB_STEP_SUMMARY, and a
// single self-contained report.html with charts. It only reads what
// evals/results defines (results.json and the streamed results.jsonl); it
// never prints and never computes statistics of its own.
//
// It must not import cobra, compiler/, or go-openai.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/soulc/soulc/evals/results"
)

// File names WriteAll writes.
const (
	JUnitFile    = "junit.xml"
	MarkdownFile = "summary.md"
	HTMLFile     = "report.html"
)

// RecordSource streams the records of a run to yield, in file order, without
// holding them all in memory. It stops at the first error yield returns and
// returns it. A source can be called more than once; each call starts over.
type RecordSource func(yield func(results.Record) error) error

// Records is a RecordSource over records already in memory (tests, small runs).
func Records(recs []results.Record) RecordSource {
	return func(yield func(results.Record) error) error {
		for _, r := range recs {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// maxRecordLine bounds one results.jsonl line. Records carry the messages
// sent (a full compiled persona prompt) and the answer, so lines are large.
const maxRecordLine = 64 << 20

// ReadRecords streams results.jsonl at path. Blank lines are ignored. A last
// line that does not parse is skipped: it is what a run killed mid-write
// leaves behind. A line that does not parse anywhere else is an error, as is
// a line longer than 64 MiB.
func ReadRecords(path string) RecordSource {
	return func(yield func(results.Record) error) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 256<<10), maxRecordLine)
		var (
			badLine int   // line number of a line that did not parse, pending
			badErr  error // its error
			line    int
		)
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			if badErr != nil {
				// The unparseable line was not the last one: corruption.
				return fmt.Errorf("%s:%d: %w", path, badLine, badErr)
			}
			var r results.Record
			if err := json.Unmarshal(b, &r); err != nil {
				badLine, badErr = line, err
				continue
			}
			if err := yield(r); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: line %d: %w", path, line+1, err)
		}
		// A pending badErr here was the last line: truncated by a killed run.
		return nil
	}
}

// WriteSummary writes results.json: indented, fields in struct order, empty
// lists as [] rather than null, and a final newline, so the same summary
// always gives the same bytes. The write is atomic.
func WriteSummary(path string, sum *results.Summary) error {
	if sum == nil {
		return errors.New("report: nil summary")
	}
	s := sum.WithEmptyLists()
	b, err := json.MarshalIndent(&s, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encoding summary: %w", err)
	}
	b = append(b, '\n')
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// ReadSummary reads results.json. Unknown fields (from a newer soulc) are
// ignored: the contract only ever adds fields.
func ReadSummary(path string) (*results.Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s results.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// WriteAll writes junit.xml, summary.md and report.html into dir (created if
// missing) from the summary and the records file at recordsPath, which is
// read once per report that needs it. Each file is written to a temporary
// file in dir and renamed into place, so a reader never sees half a report.
// An empty recordsPath renders without per-sample detail.
func WriteAll(dir string, sum *results.Summary, recordsPath string) error {
	if sum == nil {
		return errors.New("report: nil summary")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	recs := Records(nil)
	if recordsPath != "" {
		recs = ReadRecords(recordsPath)
	}
	if err := writeFileAtomic(filepath.Join(dir, JUnitFile), func(w io.Writer) error {
		return JUnit(w, sum, recs)
	}); err != nil {
		return fmt.Errorf("report: %s: %w", JUnitFile, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, MarkdownFile), func(w io.Writer) error {
		return Markdown(w, sum)
	}); err != nil {
		return fmt.Errorf("report: %s: %w", MarkdownFile, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, HTMLFile), func(w io.Writer) error {
		return HTML(w, sum, recs)
	}); err != nil {
		return fmt.Errorf("report: %s: %w", HTMLFile, err)
	}
	return nil
}

// writeFileAtomic writes through a buffered temp file next to path and
// renames it over path once complete; on any error the temp file is removed
// and path is untouched.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
