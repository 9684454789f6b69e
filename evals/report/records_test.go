package report

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/soulc/soulc/evals/results"
)

func writeJSONL(t *testing.T, recs []results.Record, tail string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteString(tail)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readAll(src RecordSource) ([]results.Record, error) {
	var out []results.Record
	err := src(func(r results.Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Records survive a write/read round trip, and the source can be read twice.
func TestReadRecordsRoundTrip(t *testing.T) {
	_, recs := fixture()
	path := writeJSONL(t, recs, "\n\n") // blank lines are ignored
	src := ReadRecords(path)
	for range 2 {
		got, err := readAll(src)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs) {
			t.Fatalf("%d records, want %d", len(got), len(recs))
		}
		// The NUL in the hostile answer is valid JSON (\u0000) and survives.
		if !reflect.DeepEqual(got[20], recs[20]) {
			t.Errorf("record 20 changed:\n got %+v\nwant %+v", got[20], recs[20])
		}
	}
}

// A run killed mid-write leaves half a line at the end: it is skipped.
func TestReadRecordsSkipsTruncatedLastLine(t *testing.T) {
	_, recs := fixture()
	full, _ := json.Marshal(recs[0])
	path := writeJSONL(t, recs[:3], string(full[:len(full)/2]))
	got, err := readAll(ReadRecords(path))
	if err != nil {
		t.Fatalf("truncated last line is fatal: %v", err)
	}
	if len(got) != 3 {
		t.Errorf("%d records, want 3", len(got))
	}
}

// Garbage before the last line is corruption, not a killed run.
func TestReadRecordsRejectsCorruptMiddleLine(t *testing.T) {
	_, recs := fixture()
	path := writeJSONL(t, recs[:1], "{not json\n")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	line, _ := json.Marshal(recs[1])
	f.Write(append(line, '\n'))
	f.Close()
	_, err := readAll(ReadRecords(path))
	if err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("corrupt line 2: err = %v", err)
	}
}

// A record far larger than bufio.Scanner's default 64 KiB token is read.
func TestReadRecordsLongLine(t *testing.T) {
	_, recs := fixture()
	big := recs[0]
	big.Answer = strings.Repeat("long answer ", 300_000) // 3.6 MB
	big.Messages = []results.Message{{Role: "system", Content: strings.Repeat("persona ", 100_000)}}
	path := writeJSONL(t, []results.Record{big, recs[1]}, "")
	got, err := readAll(ReadRecords(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Answer != big.Answer {
		t.Errorf("long record not read back")
	}
}

func TestReadRecordsStopsOnYieldError(t *testing.T) {
	_, recs := fixture()
	path := writeJSONL(t, recs, "")
	stop := errors.New("stop")
	n := 0
	err := ReadRecords(path)(func(results.Record) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("err = %v after %d records", err, n)
	}
	if _, err := readAll(ReadRecords(filepath.Join(t.TempDir(), "missing.jsonl"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// results.json round-trips, is byte-stable, and has [] rather than null.
func TestWriteSummaryStableRoundTrip(t *testing.T) {
	sum, _ := fixture()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if err := WriteSummary(a, sum); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSummary(a)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sum) {
		t.Errorf("summary changed in a round trip")
	}
	if err := WriteSummary(b, back); err != nil {
		t.Fatal(err)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if string(ab) != string(bb) {
		t.Errorf("results.json is not stable")
	}
	if !strings.HasPrefix(string(ab), "{\n  \"schema\": 1,\n  \"soulc_version\"") || !strings.HasSuffix(string(ab), "}\n") {
		t.Errorf("not indented as expected:\n%.80s", ab)
	}

	empty := filepath.Join(dir, "empty.json")
	if err := WriteSummary(empty, &results.Summary{Schema: 1}); err != nil {
		t.Fatal(err)
	}
	eb, _ := os.ReadFile(empty)
	if strings.Contains(string(eb), "null") {
		t.Errorf("null in an empty summary:\n%s", eb)
	}
	// A newer soulc's extra fields are ignored, not an error.
	newer := filepath.Join(dir, "newer.json")
	os.WriteFile(newer, []byte(`{"schema": 2, "future_field": {"x": 1}, "cells": []}`), 0o644)
	if s, err := ReadSummary(newer); err != nil || s.Schema != 2 {
		t.Errorf("newer summary: %v", err)
	}
}

// WriteAll leaves the three reports and nothing else; when a report fails
// it leaves no partial file behind.
func TestWriteAll(t *testing.T) {
	sum, recs := fixture()
	recPath := writeJSONL(t, recs, `{"schema":1,"kind":"sam`) // killed mid-write
	dir := filepath.Join(t.TempDir(), "out")
	if err := WriteAll(dir, sum, recPath); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "junit.xml,report.html,summary.md" {
		t.Errorf("dir holds %v", names)
	}
	j, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if string(j) != string(renderJUnit(t)) {
		t.Errorf("junit.xml from the file differs from the one from memory")
	}
	h, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	if string(h) != renderHTML(t) {
		t.Errorf("report.html from the file differs from the one from memory")
	}

	// A corrupt records file: the error is returned, no temp file is left,
	// and the earlier reports are untouched.
	bad := writeJSONL(t, recs[:1], "garbage\n"+string(mustJSON(recs[1]))+"\n")
	if err := WriteAll(dir, sum, bad); err == nil {
		t.Fatal("WriteAll with a corrupt records file succeeded")
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("after a failed write the dir holds %d entries", len(entries))
	}
	j2, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if string(j2) != string(j) {
		t.Errorf("a failed write changed junit.xml")
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
