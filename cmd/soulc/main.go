// Command soulc compiles SOULs (written-down ways of thinking of expert
// practitioners) into model-specific system prompts, agent-tool files and
// persona evals. This package is only the CLI: flags, config layering,
// printing diagnostics once, and choosing the exit code. The work lives in
// compiler/, targets/, templates/ and evals/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
