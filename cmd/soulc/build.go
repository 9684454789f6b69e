package main

import "github.com/spf13/cobra"

// newBuildCmd is a placeholder until the command lands.
func newBuildCmd(e *env) *cobra.Command {
	return &cobra.Command{Use: "build", Hidden: true, RunE: func(*cobra.Command, []string) error { return usageErr("soulc build: not implemented yet") }}
}
