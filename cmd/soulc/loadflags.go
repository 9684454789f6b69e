package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/compiler/source"
)

// loadFlags are the flags every command that reads SOULs shares.
type loadFlags struct {
	from    string
	maxSize string
}

func (f *loadFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.from, "from", "auto", "input form: auto, folder, yaml, json, markdown")
	fs.StringVar(&f.maxSize, "max-size", "8MiB", "largest input file accepted (e.g. 512KiB, 8MiB, 1000000)")
}

func (f *loadFlags) options(e *env) (load.Options, error) {
	form, err := load.ParseForm(f.from)
	if err != nil {
		return load.Options{}, usageErr("--from: %v", err)
	}
	n, err := parseSize(f.maxSize)
	if err != nil {
		return load.Options{}, usageErr("--max-size: %v", err)
	}
	return load.Options{From: form, MaxBytes: n, Stdin: e.stdin}, nil
}

func parseSize(s string) (int64, error) {
	if s == "" {
		return source.DefaultMaxBytes, nil
	}
	mult := int64(1)
	u := strings.ToLower(strings.TrimSpace(s))
	for _, suf := range []struct {
		s string
		m int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1000}, {"mb", 1000 * 1000}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if strings.HasSuffix(u, suf.s) {
			mult, u = suf.m, strings.TrimSpace(strings.TrimSuffix(u, suf.s))
			break
		}
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size like 8MiB", s)
	}
	return n * mult, nil
}

// loadOne loads a single SOUL.
func loadOne(e *env, f *loadFlags, path string) (*ir.Soul, error) {
	opt, err := f.options(e)
	if err != nil {
		return nil, err
	}
	return load.Load(path, opt)
}
