#!/bin/sh
# mkrootfs.sh BUSYBOX OUT - build a minimal root file system for trapeze-box.
#
# Everything comes from one file, Debian's statically linked busybox: it needs
# no shared library, so the rootfs is that binary, one link per applet (busybox
# picks the applet from argv[0]), the mount points the runtime mounts on
# (proc, dev, sys, tmp) and the few files of /etc that programs look for.
set -eu
busybox=$1
out=$2

# A static binary has no program interpreter (ELF PT_INTERP): check it is one.
if ! "$busybox" true 2>/dev/null || LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
    echo "mkrootfs: $busybox is not a static busybox; install it with:" >&2
    echo "    sudo apt-get install busybox-static" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out"
cd "$out"
mkdir -p bin sbin usr/bin usr/sbin etc root proc dev sys tmp var/tmp
chmod 1777 tmp var/tmp
chmod 700 root
cp "$busybox" bin/busybox

# One symlink per applet, where busybox says it lives ("usr/bin/awk").
for applet in $(bin/busybox --list-full); do
    [ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > etc/group
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > etc/hosts
printf 'trapeze-box\n' > etc/hostname
