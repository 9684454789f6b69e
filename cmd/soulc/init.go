package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/internal/atomicfile"
	"github.com/soulc/soulc/internal/build"
)

type initOptions struct {
	file  string
	force bool
}

// exampleSoul is what the starter config points at in the soulc repository.
const exampleSoul = "examples/ai-safety-researcher"

func newInitCmd(e *env) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter soulc.yaml for 'soulc build'",
		Long: `Init writes a commented starter soulc.yaml in the current folder (or -f FILE).
It lists the SOULs in souls/* (or, in the soulc repository, the example SOUL),
two targets and the text format. It will not replace an existing file
without --force. See docs/build.md.`,
		Example: `  soulc init && soulc build`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(e, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", build.ConfigName, "file to write")
	f.BoolVar(&o.force, "force", false, "replace an existing file")
	return cmd
}

func runInit(e *env, o *initOptions) error {
	if o.file == "" {
		return usageErr("-f: empty file name")
	}
	if st, err := os.Stat(o.file); err == nil {
		if st.IsDir() {
			return usageErr("%s is a folder", o.file)
		}
		if !o.force {
			return usageErr("%s already exists (use --force to replace it)", o.file)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	souls := "souls/*"
	dir := filepath.Dir(o.file)
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(exampleSoul), "SOUL.md")); err == nil {
		souls = exampleSoul
	}
	if err := atomicfile.Write(o.file, build.Starter(souls), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (souls: %s); edit it, then run 'soulc build'\n", o.file, souls)
	return nil
}
