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

# marginal A B N: (B - A) / (N - 1), two decimals: what one more iteration
# adds, from a run of 1 iteration (A) and one of N (B).  Boot and report,
# the same in both runs, cancel out.
marginal() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f\n", (b - a) / (n - 1) }'; }

# marginal_ns_per_iter RUNS N CMD...: host ns one more iteration costs.
# Times `CMD iters=1` and `CMD iters=N` RUNS times each (the median of
# each), and prints (t(N) - t(1)) / (N - 1), one decimal.  When start-up
# noise is larger than the whole loop the difference can come out
# negative: then it prints 0.0, and on stderr a note to raise N.
marginal_ns_per_iter() {
  local runs=$1 n=$2 t1 tn
  shift 2
  t1=$(median_ms "$runs" "$@" iters=1)
  tn=$(median_ms "$runs" "$@" iters="$n")
  awk -v a="$t1" -v b="$tn" -v n="$n" -v what="$*" 'BEGIN {
      ns = (b - a) * 1e6 / (n - 1)
      if (ns < 0) {
          printf "note: %s: %d iterations took less than 1 (%.3f ms < %.3f ms): noise; " \
                 "0 printed, raise the iteration count\n", what, n, b, a > "/dev/stderr"
          ns = 0
      }
      printf "%.1f\n", ns
  }'
}
