#!/usr/bin/env bash
# bench.sh - run every registered benchmark and print one table.
#
#   tools/bench.sh BUILD_DIR        (make bench uses build/release)
#
# Each chapter registers benchmark scripts with trapeze_add_bench(); they print
# "BENCH name ours reference unit refname" lines.  This prints them as a table
# with ratio = ours / reference.  A slow number never fails the run: it prints.
set -uo pipefail
build=${1:?usage: bench.sh BUILD_DIR}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

shopt -s nullglob
scripts=("$build"/bench.d/*.sh)
if [ ${#scripts[@]} -eq 0 ]; then
  echo "bench.sh: no benchmarks registered in $build/bench.d" >&2
  exit 1
fi
for s in "${scripts[@]}"; do
  echo "== $(basename "$s" .sh)" >&2
  sh "$s" | tee -a "$out" | grep -v '^BENCH' >&2
done

echo
awk -F'\t' '
  BEGIN { printf "%-36s %12s %12s %8s  %-6s %s\n", "benchmark", "ours", "reference", "ratio", "unit", "against" }
  $1 == "BENCH" {
      ratio = ($4 == "-" || $4 + 0 == 0) ? "-" : sprintf("%.2f", $3 / $4)
      printf "%-36s %12s %12s %8s  %-6s %s\n", $2, $3, $4, ratio, $5, $6
  }
' "$out"
