package main

import "github.com/spf13/cobra"

// newEvalsCmd is a placeholder until the command lands.
func newEvalsCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "evals", Hidden: true, RunE: func(*cobra.Command, []string) error { return usageErr("soulc evals: not implemented yet") }}
}
