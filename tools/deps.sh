#!/usr/bin/env bash
# deps.sh - the one list of what trapeze needs from Debian, and how to get it.
#
#   tools/deps.sh list      print the package names, one per line
#   tools/deps.sh missing   print the packages not installed (exit 0)
#   tools/deps.sh install   install what is missing (apt-get; via sudo when not root)
#
# `make run`, `make test` and `make bench` call `install`, so a fresh Debian 12
# machine needs nothing but `make` and `git` to start.
set -euo pipefail

# Package            why
PACKAGES=(
  build-essential    # gcc, make, libc headers for host code
  gcc-multilib       # gcc -m32: guest kernels and the native side of the differential tests
  binutils           # as, objdump: the disassembler is checked against objdump
  cmake              # the build (>= 3.25: Debian 12 has 3.25.1)
  pkg-config         # finds Criterion and libseccomp
  libcriterion-dev   # the unit-test framework
  qemu-system-x86    # the reference machine: every guest must also boot on it
  gdb                # the --gdb remote stub is tested with a real gdb
  graphviz           # slides and the page-table pictures (DOT)
  pandoc             # slides
  jq                 # OCI configs for the container benchmark
  libseccomp-dev     # chapter 6: the seccomp filter
  busybox-static     # chapter 6: the container root filesystem
  runc               # chapter 6: reference runtime for the benchmark
  crun               # chapter 6: reference runtime for the benchmark
  iproute2           # chapter 6: network namespace tests
  time               # make bench: peak resident memory (/usr/bin/time)
)

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing() {
  local p
  for p in "${PACKAGES[@]}"; do
    installed "$p" || echo "$p"
  done
}

install_missing() {
  local todo
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "deps.sh: this system has no apt-get; install these by hand (Debian names):" >&2
    printf '    %s\n' "${PACKAGES[@]}" >&2
    exit 1
  fi
  mapfile -t todo < <(missing)
  [ ${#todo[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null || [ -t 0 ]; then
      sudo=(sudo)
    else
      echo "deps.sh: missing packages and no root or sudo; run:" >&2
      echo "    sudo apt-get install ${todo[*]}" >&2
      exit 1
    fi
  fi
  echo "deps.sh: installing ${todo[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${todo[@]}"
  mapfile -t todo < <(missing)
  if [ ${#todo[@]} -ne 0 ]; then
    echo "deps.sh: still missing after apt-get: ${todo[*]}" >&2
    exit 1
  fi
}

case "${1:-}" in
  list)    printf '%s\n' "${PACKAGES[@]}" ;;
  missing) missing ;;
  install) install_missing ;;
  *) echo "usage: tools/deps.sh list|missing|install" >&2; exit 2 ;;
esac
