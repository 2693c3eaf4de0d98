#!/usr/bin/env bash
# run.sh - chapter 2 benchmarks: the same guests bare and under the trap-and-emulate monitor.
#
#   core/bench/run.sh TRAPEZE GUEST_DIR
#
# The nanobenchmarks of Adams & Agesen (ASPLOS 2006) repeat one operation N
# times: we print the monitor's exits per iteration (from --stats; bare has
# none) and host nanoseconds per iteration, trap next to bare.  Both are
# marginal, (run of N iterations - run of 1) / (N - 1), medians of the
# times, so that starting the program and booting the guest, which dwarf a
# cheap operation, do not count (tools/bench-lib.sh).  The compute
# guests hardly trap, so under the monitor they should cost what they cost
# bare: we print the time ratio trap/bare against the target of 1.10.
# Trap runs use chapter 2's own memory map (--mmu flat), even when chapter 3
# is built: nanobenchmarks that enable paging stop there (status 12) and are
# reported as such; shadow-mmu/bench/run.sh measures them.
set -uo pipefail
trapeze=${1:?usage: run.sh TRAPEZE GUEST_DIR}
guests=${2:?usage: run.sh TRAPEZE GUEST_DIR}
source "$(dirname "$0")/../../tools/bench-lib.sh"

runs=${TRAPEZE_BENCH_RUNS:-5}
iters=${TRAPEZE_NANO_ITERS:-100000}
target_ratio=1.10
trap=(--mode trap --mmu flat)

# monitor_exits ELF ARGS: exits the monitor took, from --stats.
monitor_exits() {
  local elf=$1
  shift
  "$trapeze" run "${trap[@]}" --stats --serial /dev/null "$elf" -- "$@" 2>&1 >/dev/null |
    awk '$1 == "stats:" && $2 == "monitor" && $3 == "exits" { print $4 }'
}

# ns_per_iter ELF OPTIONS...: host ns one more iteration of ELF costs when
# run with OPTIONS.
ns_per_iter() {
  local elf=$1
  shift
  marginal_ns_per_iter "$runs" "$iters" "$trapeze" run "$@" --serial /dev/null "$elf" --
}

for elf in "$guests"/nano-*.elf; do
  name=$(basename "$elf" .elf)
  "$trapeze" run "${trap[@]}" --serial /dev/null "$elf" -- iters=1 >/dev/null 2>&1
  if [ $? = 12 ]; then
    echo "$name: enables paging, runs under the monitor from chapter 3"
    continue
  fi
  bench_line "core/$name exits per iteration" \
    "$(marginal "$(monitor_exits "$elf" iters=1)" "$(monitor_exits "$elf" iters="$iters")" "$iters")" \
    0 exits bare
  bench_line "core/$name host ns per iteration" "$(ns_per_iter "$elf" "${trap[@]}")" \
    "$(ns_per_iter "$elf" --mode bare)" ns bare
done

for elf in "$guests"/bench-*.elf; do
  name=$(basename "$elf" .elf)
  bare_ms=$(median_ms "$runs" "$trapeze" run --serial /dev/null "$elf")
  trap_ms=$(median_ms "$runs" "$trapeze" run "${trap[@]}" --serial /dev/null "$elf")
  bench_line "core/$name time" "$trap_ms" "$bare_ms" ms bare
  bench_line "core/$name overhead trap/bare" \
    "$(awk -v t="$trap_ms" -v b="$bare_ms" 'BEGIN { printf "%.3f\n", t / b }')" "$target_ratio" ratio target
done
