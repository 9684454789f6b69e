#!/usr/bin/env bash
# Compares compiling the whole atlas for every built-in target (cold, one
# run) with the reference: tokenizing the corpus once per exact encoding
# with tiktoken-go. Prints both and the ratio. Needs ../shared/atlas.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test ./compiler/compile -run '^$' -bench 'CompileAtlas|TokenizeAtlasTiktoken' -benchtime 1x -count 1)
echo "$out" | grep -E '^Benchmark'
compile=$(echo "$out" | awk '/^BenchmarkCompileAtlas/ {print $3}')
ref=$(echo "$out" | awk '/^BenchmarkTokenizeAtlasTiktoken/ {print $3}')
awk -v c="$compile" -v r="$ref" 'BEGIN {
  printf "compile atlas × all targets: %.2f s\n", c/1e9
  printf "tiktoken-go, atlas once per encoding: %.2f s\n", r/1e9
  printf "ratio (compile / reference): %.2f\n", c/r
}'
