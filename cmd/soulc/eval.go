package main

import "github.com/spf13/cobra"

// newEvalCmd is a placeholder until the command lands.
func newEvalCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "eval", Hidden: true, RunE: func(*cobra.Command, []string) error { return usageErr("soulc eval: not implemented yet") }}
}
