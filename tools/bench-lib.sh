# bench-lib.sh - helpers for benchmark scripts (source it; bash).
#
# Benchmarks time whole commands with the monotonic clock, repeat them and keep
# the median, so one slow run (another process on a 2-core machine) does not
# decide the figure.

# now_ns: monotonic time in nanoseconds.
now_ns() { date +%s%N; }

# time_ms CMD...: run CMD once (output discarded), print its wall time in ms.
time_ms() {
  local t0 t1
  t0=$(now_ns)
  "$@" >/dev/null 2>&1
  t1=$(now_ns)
  awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e6 }'
}

# median_ms N CMD...: run CMD N times, print the median wall time in ms.
median_ms() {
  local n=$1 i
  shift
  for ((i = 0; i < n; i++)); do time_ms "$@"; done | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_line NAME OURS REF UNIT REFNAME: the line tools/bench.sh collects.
bench_line() {
  printf 'BENCH\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5"
}
