#!/usr/bin/env bash
# demo.sh - `make run`: boot the teaching OS on the emulated PC.
#
#   tools/demo.sh BUILD_DIR
#
# Shows the serial console of the guest; the guest's own exit status comes back
# as QEMU's isa-debug-exit does it, (code << 1) | 1, so 1 means "all checks passed".
set -uo pipefail
build=${1:?usage: demo.sh BUILD_DIR}
trapeze="$build/emulator/pc/trapeze"
os="$build/guests/bin/acrobat.elf"
disk="$build/guests/bin/acrobat.img"

for f in "$trapeze" "$os"; do
  [ -e "$f" ] || { echo "demo.sh: $f is missing; did the build fail?" >&2; exit 1; }
done
hda=()
[ -e "$disk" ] && hda=(--hda "$disk")

echo "\$ trapeze run ${hda[*]} $os"
"$trapeze" run "${hda[@]}" "$os"
status=$?
if [ $status -eq 1 ]; then
  echo "(the guest exited with code 0: every self-check passed)"
  exit 0
fi
echo "(trapeze exited with status $status)"
exit $status
