#!/bin/sh
# bench.sh BOX_BENCH TRAPEZE_BOX ROOTFS [RUNS]
#
# Start-to-exit latency of /bin/true in a box with every namespace (user, pid,
# mount, uts, ipc, net, cgroup) and a 64 MiB memory limit: trapeze-box against
# runc and crun running the same rootfs with an equivalent OCI config written
# here (same namespaces and identity uid/gid map, same memory limit, same kept
# capabilities, no_new_privs, rlimits, and the deny list of seccomp_filter.c).
# Prints, tab-separated, for the bench harness:
#   BENCH <name> <ours> <reference> ms <reference name>
set -eu
bench=$1
box=$2
rootfs=$(realpath "$3")
runs=${4:-30}
memory=67108864           # 64 MiB, the --memory given to trapeze-box

work=$(mktemp -d /tmp/trapeze-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

caps='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETUID","CAP_SETGID","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"'
denied='"init_module","finit_module","delete_module","kexec_load","kexec_file_load","bpf","add_key","request_key","keyctl","open_by_handle_at","name_to_handle_at","ptrace","process_vm_readv","process_vm_writev","kcmp","userfaultfd","perf_event_open","mount","umount2","pivot_root","open_tree","move_mount","fsopen","fsconfig","fsmount","fspick","mount_setattr","setns","reboot","swapon","swapoff","acct","syslog","iopl","ioperm","settimeofday","clock_settime","clock_adjtime","quotactl","lookup_dcookie"'

# The OCI runtime spec's config.json (opencontainers/runtime-spec config.md,
# config-linux.md), written with printf so that nothing else is needed.
mkdir -p "$work/bundle"
printf '%s\n' "{
  \"ociVersion\": \"1.0.2\",
  \"process\": {
    \"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},
    \"args\": [\"/bin/true\"], \"cwd\": \"/\",
    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"HOME=/root\"],
    \"capabilities\": {\"bounding\": [$caps], \"effective\": [$caps], \"permitted\": [$caps], \"inheritable\": [$caps]},
    \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"hard\": 0, \"soft\": 0},
                 {\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024},
                 {\"type\": \"RLIMIT_MEMLOCK\", \"hard\": 65536, \"soft\": 65536}],
    \"noNewPrivileges\": true
  },
  \"root\": {\"path\": \"$rootfs\", \"readonly\": false},
  \"hostname\": \"trapeze-box\",
  \"mounts\": [
    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\", \"options\": [\"nosuid\", \"nodev\", \"noexec\"]},
    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"noexec\", \"mode=755\", \"size=64k\"]},
    {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"]}
  ],
  \"linux\": {
    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 4294967295}],
    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 4294967295}],
    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},
                   {\"type\": \"mount\"}, {\"type\": \"user\"}, {\"type\": \"cgroup\"}],
    \"resources\": {\"memory\": {\"limit\": $memory}},
    \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\",
                \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
                \"syscalls\": [{\"names\": [$denied], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}
  }
}" > "$work/bundle/config.json"

# One OCI runtime: a wrapper script giving each run a fresh container id.
oci_wrapper() {
    name=$1
    cat > "$work/$name.sh" <<SCRIPT
#!/bin/sh
exec $name --root "$work/$name-state" run --bundle "$work/bundle" "bench-\$\$" </dev/null
SCRIPT
    chmod +x "$work/$name.sh"
}

# Time an OCI runtime's wrapper.  On a hybrid machine (v1 controllers and a
# v2 mount at /sys/fs/cgroup/unified) crun refuses to run ("cgroups in hybrid
# mode not supported") when the v2 mount holds any controller, which it does
# here (hugetlb).  So both OCI runtimes are timed in a private mount namespace
# where that v2 mount is hidden: they then see the v1 hierarchies trapeze-box
# uses, and the host is left as it is.  The unshare happens once, outside the
# timed runs.
oci_bench() {
    if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && command -v unshare >/dev/null; then
        unshare --mount --propagation private sh -c \
            'umount /sys/fs/cgroup/unified && exec "$@"' sh "$bench" "$runs" "$1"
    else
        "$bench" "$runs" "$1"
    fi
}

if ! ours=$("$bench" "$runs" "$box" run --memory $memory "$rootfs" -- /bin/true 2>"$work/box.err"); then
    echo "trapeze-box: cannot run the benchmark box here, so no figures:"
    sed 's/^/    /' "$work/box.err" | head -5
    exit 0
fi
echo "trapeze-box: median of $runs runs of /bin/true: $ours ms"

for ref in runc crun; do
    if ! command -v $ref >/dev/null 2>&1; then
        echo "$ref: not installed (sudo apt-get install $ref); no comparison"
        continue
    fi
    oci_wrapper $ref
    if ! theirs=$(oci_bench "$work/$ref.sh" 2>"$work/$ref.err"); then
        echo "$ref: could not run the bundle here, so no comparison:"
        sed 's/^/    /' "$work/$ref.err" | head -5
        continue
    fi
    echo "$ref: median of $runs runs of /bin/true: $theirs ms"
    printf 'BENCH\tbox-start-to-exit-vs-%s\t%s\t%s\tms\t%s\n' "$ref" "$ours" "$theirs" "$ref"
    awk -v a="$ours" -v b="$theirs" -v r="$ref" \
        'BEGIN { printf "ratio trapeze-box / %s = %.3f (%s)\n", r, a / b, a < b ? "faster" : "slower" }'
done
