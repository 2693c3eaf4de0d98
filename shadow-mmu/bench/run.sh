#!/usr/bin/env bash
# run.sh - chapter 3 benchmarks: paging guests bare and under the monitor with shadow page tables.
#
#   shadow-mmu/bench/run.sh TRAPEZE GUEST_DIR
#
# Three kinds of guest, each run bare and under --mode trap:
#
#  - The nanobenchmarks that page (Adams & Agesen, ASPLOS 2006): a page fault the
#    guest resolves, a PTE update + INVLPG, a CR3 write (a switch between two
#    address spaces, each of which finds its shadow root cached).  They are what
#    shadow paging makes expensive.  We print the monitor's exits per iteration
#    and the shadow MMU's events per iteration (hidden and true faults, page-table writes,
#    root-cache hits), all from --stats, and host ns per iteration (the table's
#    ratio column is the overhead trap/bare).  Both are marginal -- (run of N
#    iterations - run of 1) / (N - 1) -- so booting the guest does not count.
#  - The teaching OS in the build that keeps its interrupt state without
#    PUSHF/POPF (the one trap-and-emulate can run): exits and shadow events of
#    one whole run, boot to exit (it has no iterations), and its time.  Its
#    transcript under the monitor must be the one it prints bare, or its time
#    means nothing.
#  - The compute guests with paging=1: they touch a few dozen pages, so after a
#    handful of hidden faults the shadow is complete and they should cost what
#    they cost bare: we print the time ratio trap/bare against the target 1.15,
#    and say "within target" or "OVER TARGET".
#
# A guest that does not exit with status 1 (its main returned 0) is reported and
# not timed.
set -uo pipefail
trapeze=${1:?usage: run.sh TRAPEZE GUEST_DIR}
guests=${2:?usage: run.sh TRAPEZE GUEST_DIR}
source "$(dirname "$0")/../../tools/bench-lib.sh"

runs=${TRAPEZE_BENCH_RUNS:-5}
iters=${TRAPEZE_NANO_ITERS:-100000}
compute_args=(paging=1 ${TRAPEZE_COMPUTE_ITERS:+iters=$TRAPEZE_COMPUTE_ITERS})   # default: the guest's own
target_ratio=1.15
nanos=(pgfault ptemod cr-write)
os=acrobat-nopushf
computes=(crc32 sieve matmul fib strings)
ok_status=1                  # isa-debug-exit of 0: (0 << 1) | 1

# The shadow MMU counters we report, as `stats: spt <key> N` names them.
spt_keys=(hidden-faults true-faults pt-writes cache-hits cache-misses)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# trap_run TAG ELF [TRAPEZE OPTIONS...] [-- ARGS...]: run once under the monitor
# with --stats; transcript in $tmp/TAG.out, stats in $tmp/TAG.err; returns the
# exit status.
trap_run() {
  local tag=$1
  shift
  "$trapeze" run --mode trap --stats --serial "$tmp/$tag.out" "$@" >/dev/null 2>"$tmp/$tag.err"
}

# stat TAG GROUP KEY: the value of `stats: GROUP KEY N` in TAG's stats (0 if absent).
stat() {
  awk -v g="$2" -v k="$3" '$1 == "stats:" && $2 == g && $3 == k { v = $4 } END { print v + 0 }' \
    "$tmp/$1.err"
}

# ns_per_iter MODE ELF: host ns one more iteration of nanobenchmark ELF costs in
# MODE (bench-lib.sh: never negative; noise larger than the loop prints 0 and a note).
ns_per_iter() {
  marginal_ns_per_iter "$runs" "$iters" "$trapeze" run --mode "$1" --serial /dev/null "$2" --
}

# ratio A B: A / B, three decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'; }

# verdict RATIO TARGET: "within target" if RATIO <= TARGET, else "OVER TARGET".
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "within target" : "OVER TARGET" }'; }

# check_status NAME STATUS: report a guest that failed; returns non-zero then.
check_status() {
  [ "$2" = "$ok_status" ] && return 0
  echo "$1: exited with status $2 under --mode trap (expected $ok_status); not timed"
  return 1
}

# bench_nano N: exits, shadow events and host ns per iteration of nano-N.
bench_nano() {
  local elf=$guests/nano-$1.elf name=shadow/nano-$1 k
  trap_run one "$elf" -- iters=1
  check_status "$name" $? || return
  trap_run many "$elf" -- iters="$iters"
  check_status "$name" $? || return
  bench_line "$name exits per iteration" \
    "$(marginal "$(stat one monitor exits)" "$(stat many monitor exits)" "$iters")" 0 exits bare
  for k in "${spt_keys[@]}"; do
    bench_line "$name spt $k per iteration" \
      "$(marginal "$(stat one spt "$k")" "$(stat many spt "$k")" "$iters")" - events -
  done
  bench_line "$name host ns per iteration" \
    "$(ns_per_iter trap "$elf")" "$(ns_per_iter bare "$elf")" ns bare
}

# bench_os: exits and shadow events of one boot-to-exit run of the teaching OS, and its time.
bench_os() {
  local elf=$guests/$os.elf name=shadow/$os disk=() k bare trap
  local run="shadow/$os whole run (boot to exit):"
  [ -e "$guests/acrobat.img" ] && disk=(--hda "$guests/acrobat.img")
  "$trapeze" run "${disk[@]}" --serial "$tmp/os-bare.out" "$elf" >/dev/null 2>&1
  bare=$?
  if [ $bare != "$ok_status" ]; then
    echo "$name: exited with status $bare bare (expected $ok_status); not timed"
    return
  fi
  trap_run os "${disk[@]}" "$elf"
  check_status "$name" $? || return
  if ! cmp -s "$tmp/os-bare.out" "$tmp/os.out"; then
    echo "$name: transcript under --mode trap differs from bare; not timed"
    return
  fi
  bench_line "$run exits" "$(stat os monitor exits)" 0 exits bare
  for k in "${spt_keys[@]}"; do
    bench_line "$run spt $k" "$(stat os spt "$k")" - events -
  done
  bare=$(median_ms "$runs" "$trapeze" run "${disk[@]}" --serial /dev/null "$elf")
  trap=$(median_ms "$runs" "$trapeze" run --mode trap "${disk[@]}" --serial /dev/null "$elf")
  bench_line "$run time" "$trap" "$bare" ms bare
}

# bench_compute B: bench-B with paging=1, time trap against bare and the target ratio.
bench_compute() {
  local elf=$guests/bench-$1.elf name="shadow/bench-$1 paging=1" bare trap
  trap_run compute "$elf" -- iters=1 paging=1
  check_status "$name" $? || return
  if ! grep -q '^paging on' "$tmp/compute.out"; then
    echo "$name: the guest did not turn paging on (no 'paging on' line); not timed"
    return
  fi
  # The pages a compute guest touches do not depend on iters, so neither do its fills.
  bench_line "$name spt hidden-faults per run" "$(stat compute spt hidden-faults)" - events -
  bare=$(median_ms "$runs" "$trapeze" run --serial /dev/null "$elf" -- "${compute_args[@]}")
  trap=$(median_ms "$runs" "$trapeze" run --mode trap --serial /dev/null "$elf" -- "${compute_args[@]}")
  bench_line "$name time" "$trap" "$bare" ms bare
  local r
  r=$(ratio "$trap" "$bare")
  bench_line "$name overhead trap/bare" "$r" "$target_ratio" ratio \
    "target: $(verdict "$r" "$target_ratio")"
}

for n in "${nanos[@]}"; do bench_nano "$n"; done
bench_os
for b in "${computes[@]}"; do bench_compute "$b"; done
