#!/usr/bin/env bash
# run.sh - chapter 2 benchmarks: the same guests bare and under the trap-and-emulate monitor.
#
#   core/bench/run.sh TRAPEZE GUEST_DIR
#
# The nanobenchmarks of Adams & Agesen (ASPLOS 2006) repeat one operation N
# times: we print the monitor's exits per iteration (from --stats; bare has
# none) and host nanoseconds per iteration, trap next to bare.  The compute
# guests hardly trap, so under the monitor they should cost what they cost
# bare: we print the time ratio trap/bare against the target of 1.10.
# Nanobenchmarks that enable paging stop under this chapter's monitor
# (status 12) and are reported as such.
set -uo pipefail
trapeze=${1:?usage: run.sh TRAPEZE GUEST_DIR}
guests=${2:?usage: run.sh TRAPEZE GUEST_DIR}
source "$(dirname "$0")/../../tools/bench-lib.sh"

runs=${TRAPEZE_BENCH_RUNS:-5}
iters=${TRAPEZE_NANO_ITERS:-100000}
target_ratio=1.10

# monitor_exits ELF ARGS: exits the monitor took, from --stats.
monitor_exits() {
  local elf=$1
  shift
  "$trapeze" run --mode trap --stats --serial /dev/null "$elf" -- "$@" 2>&1 >/dev/null |
    awk '$1 == "stats:" && $2 == "monitor" && $3 == "exits" { print $4 }'
}

# per_iter VALUE_MS: nanoseconds per iteration.
per_iter_ns() { awk -v ms="$1" -v n="$iters" 'BEGIN { printf "%.1f\n", ms * 1e6 / n }'; }

for elf in "$guests"/nano-*.elf; do
  name=$(basename "$elf" .elf)
  "$trapeze" run --mode trap --serial /dev/null "$elf" -- iters=1 >/dev/null 2>&1
  if [ $? = 12 ]; then
    echo "$name: enables paging, runs under the monitor from chapter 3"
    continue
  fi
  exits=$(monitor_exits "$elf" iters=$iters)
  bare=$(median_ms "$runs" "$trapeze" run --serial /dev/null "$elf" -- iters=$iters)
  trap=$(median_ms "$runs" "$trapeze" run --mode trap --serial /dev/null "$elf" -- iters=$iters)
  bench_line "core/$name exits per iteration" \
    "$(awk -v e="$exits" -v n="$iters" 'BEGIN { printf "%.2f\n", e / n }')" 0 exits bare
  bench_line "core/$name host ns per iteration" "$(per_iter_ns "$trap")" "$(per_iter_ns "$bare")" ns bare
done

for elf in "$guests"/bench-*.elf; do
  name=$(basename "$elf" .elf)
  bare=$(median_ms "$runs" "$trapeze" run --serial /dev/null "$elf")
  trap=$(median_ms "$runs" "$trapeze" run --mode trap --serial /dev/null "$elf")
  bench_line "core/$name time" "$trap" "$bare" ms bare
  bench_line "core/$name overhead trap/bare" \
    "$(awk -v t="$trap" -v b="$bare" 'BEGIN { printf "%.3f\n", t / b }')" "$target_ratio" ratio target
done
