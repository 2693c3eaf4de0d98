#!/usr/bin/env bash
# run.sh - chapter 1 benchmarks: the interpreter against QEMU's TCG.
#
#   emulator/bench/run.sh TRAPEZE GUEST_DIR
#
# Every compute guest (bench-*.elf) runs to completion on trapeze and on
# qemu-system-i386 -kernel, each several times; we print the median times,
# their ratio, the guest instructions retired (trapeze --stats: the guest is
# deterministic, so QEMU retires the same instructions), MIPS for both, and
# trapeze's peak resident memory against the target of guest RAM + 16 MiB.
# trapeze runs with the translator (--engine jit); the interpreter alone is
# timed once per guest for comparison (--engine interp).
# QEMU's time includes its start-up (about a tenth of a second), which is
# why the guests are sized to run for a second or so.
set -uo pipefail
trapeze=${1:?usage: run.sh TRAPEZE GUEST_DIR}
guests=${2:?usage: run.sh TRAPEZE GUEST_DIR}
source "$(dirname "$0")/../../tools/bench-lib.sh"

runs=${TRAPEZE_BENCH_RUNS:-5}
interp_runs=${TRAPEZE_BENCH_INTERP_RUNS:-1}   # the interpreter alone, for the record: ~10 s a run
ram_mib=64
qemu=(qemu-system-i386 -m ${ram_mib} -display none -monitor none -serial null -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel)
have_qemu=0
command -v qemu-system-i386 >/dev/null && have_qemu=1
[ $have_qemu = 1 ] || echo "qemu-system-i386 not found: no reference column (apt-get install qemu-system-x86)"

# instructions ELF: guest instructions retired, from --stats.
instructions() {
  "$trapeze" run --stats "$1" 2>&1 >/dev/null | awk '$1 == "stats:" && $2 == "instructions" { print $3 }'
}

# peak_rss_mib ELF: trapeze's maximum resident set in MiB.
peak_rss_mib() {
  /usr/bin/time -f '%M' "$trapeze" run --engine jit "$1" 2>&1 >/dev/null | tail -n 1 |
    awk '{ printf "%.1f\n", $1 / 1024 }'
}

for elf in "$guests"/bench-*.elf; do
  name=$(basename "$elf" .elf)
  name=${name#bench-}
  insns=$(instructions "$elf")
  ours=$(median_ms "$runs" "$trapeze" run --engine jit --serial /dev/null "$elf")
  interp=$(median_ms "$interp_runs" "$trapeze" run --engine interp --serial /dev/null "$elf")
  ref=-
  [ $have_qemu = 1 ] && ref=$(median_ms "$runs" "${qemu[@]}" "$elf")
  mips() { awk -v i="$insns" -v ms="$1" 'BEGIN { if (ms == "-" || ms == 0) print "-"; else printf "%.0f\n", i / (ms * 1000) }'; }
  echo "$name: $insns instructions"
  bench_line "emulator/$name time" "$ours" "$ref" ms qemu-tcg
  bench_line "emulator/$name MIPS" "$(mips "$ours")" "$(mips "$ref")" MIPS qemu-tcg
  bench_line "emulator/$name interpreter time" "$interp" "$ref" ms qemu-tcg
  bench_line "emulator/$name interpreter MIPS" "$(mips "$interp")" "$(mips "$ref")" MIPS qemu-tcg
  if [ -x /usr/bin/time ]; then
    bench_line "emulator/$name peak RSS" "$(peak_rss_mib "$elf")" $((ram_mib + 16)) MiB "target: RAM+16MiB"
  fi
done
