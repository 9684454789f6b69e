package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/soulc/soulc/internal/golden"
)

// TestMain lets testscript run the soulc binary in-process: `exec soulc ...`
// runs run() with real stdin, stdout, stderr and exit code.
// `exec expect-exit N soulc ARGS...` asserts the exact exit code.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"soulc": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"expect-exit": func() {
			if len(os.Args) < 3 || os.Args[2] != "soulc" {
				fmt.Fprintln(os.Stderr, "usage: expect-exit CODE soulc ARGS...")
				os.Exit(2)
			}
			want, _ := strconv.Atoi(os.Args[1])
			got := run(context.Background(), os.Args[3:], os.Stdin, os.Stdout, os.Stderr)
			if got != want {
				fmt.Fprintf(os.Stderr, "expect-exit: soulc exited %d, want %d\n", got, want)
				os.Exit(1)
			}
			os.Exit(0)
		},
	})
}

// TestScripts runs testdata/script/*.txtar. $EXAMPLES is the repo's
// examples folder; $ATLAS is ../shared/atlas/souls, and scripts that need it
// start with [!atlas] skip.
func TestScripts(t *testing.T) {
	examples, _ := filepath.Abs("../../examples")
	atlas, _ := filepath.Abs("../../../shared/atlas/souls")
	_, atlasErr := os.Stat(atlas)
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *golden.Update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			e.Setenv("ATLAS", atlas)
			e.Setenv("NO_COLOR", "1")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "atlas":
				return atlasErr == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
