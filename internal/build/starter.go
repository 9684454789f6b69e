package build

import (
	"fmt"
	"strconv"
)

// Starter returns a commented soulc.yaml that builds souls (a path or glob,
// relative to the file) for two targets as plain text.
func Starter(souls string) []byte {
	return fmt.Appendf(nil, `# soulc.yaml: what 'soulc build' compiles. See docs/build.md.
# Every path here is relative to this file. Unknown keys are errors.
version: 1

# SOULs: folders holding SOUL.md, single .md/.yaml/.json files, folders of
# SOUL folders, or globs such as souls/* (a glob keeps folders with a SOUL.md).
souls:
  - %s

# Targets (see 'soulc targets'). An entry may carry its own budget(s):
#   - {name: claude, budget: 2000}
targets:
  - openai
  - claude

# Token budgets for targets without their own: "default" (the target's),
# a number of tokens, or "full" (no limit). With several, put {budget} in path.
budgets: [default]

# Output formats (see 'soulc compile --help'), e.g. text, json, claude-agent,
# cursor-rule, agents-md, copilot-agent, openai-chat.
formats:
  - text

# Output folder, and where each file goes inside it. Placeholders: {slug},
# {target}, {format}, {budget}, and {file}, the format's own file name
# (<slug>.txt, .claude/agents/<slug>.md, AGENTS.md, ...). Paths that would
# leave the output folder are refused.
out: build
path: "{slug}/{target}/{file}"

# Folder of user target YAML files (optional; --targets-dir overrides it).
# targets_dir: targets
`, strconv.Quote(souls))
}
