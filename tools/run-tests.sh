#!/usr/bin/env bash
# run-tests.sh - run CTest, show each test's verdict, end with one summary line.
#
#   tools/run-tests.sh BUILD_DIR [extra ctest arguments, e.g. -L emulator]
#
# Every suite is a Criterion executable.  Criterion prints "[PASS] suite::name",
# "[FAIL] ..." and "[SKIP] ..." per test and one "Synthesis:" line per
# executable; this script shows those lines as they come and adds them up into
#
#   N passed, N failed, N skipped
#
# An executable that died before its Synthesis line (timeout, sanitizer abort)
# counts as one failure.  The exit status is non-zero when anything failed AND
# when nothing ran at all: an empty filter must not look like success.
set -uo pipefail

build=${1:?usage: run-tests.sh BUILD_DIR [ctest args]}
shift
log="$build/test-output.log"

# -V prefixes every line of a test's output with "<test number>: ".
ctest --test-dir "$build" -V -j2 "$@" >"$log" 2>&1
ctest_status=$?

# Show what a reader needs: per-test verdicts, assertion messages, sanitizer reports.
grep -E '\[(PASS|FAIL|SKIP)\]|\[----\] |Synthesis|AddressSanitizer|runtime error|Test +#[0-9]+:' "$log" \
  | grep -v 'Criterion v' | sed -E 's/^[0-9]+: //'

awk '
  # Per-executable totals from Criterion: "[====] Synthesis: Tested: T | Passing: P | Failing: F | Crashing: C"
  /Synthesis: Tested:/ {
      n = $1; sub(":", "", n); seen[n] = 1
      for (i = 1; i <= NF; i++) {
          if ($i == "Passing:") pass += $(i + 1)
          if ($i == "Failing:") fail += $(i + 1)
      }
  }
  /\[SKIP\]/ { skip++ }
  # CTest verdict lines: "1/5 Test #3: test-cpu ....***Failed", "Passed", "***Not Run"
  # (a missing executable is a failure; a disabled test is not)
  /Test +#[0-9]+:/ {
      num = $0; sub(/.*Test +#/, "", num); sub(/:.*/, "", num)
      if ($0 !~ /Passed/ && $0 !~ /Disabled/) dead[num] = 1
  }
  END {
      for (n in dead) if (!(n in seen)) fail++
      printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
      exit (fail > 0 || pass + fail == 0) ? 1 : 0
  }
' "$log"
summary_status=$?

if [ $summary_status -ne 0 ] || [ $ctest_status -ne 0 ]; then
  echo "tests failed or none ran; full output in $log" >&2
  exit 1
fi
