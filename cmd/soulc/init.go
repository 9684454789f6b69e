package main

import "github.com/spf13/cobra"

// newInitCmd is a placeholder until the command lands.
func newInitCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "init", Hidden: true, RunE: func(*cobra.Command, []string) error { return usageErr("soulc init: not implemented yet") }}
}
