/* test_units.c - the runtime's pure functions, without starting a box. */
#include <criterion/criterion.h>
#include <errno.h>

#include "box.h"
#include "caps.h"
#include "cgroup.h"

Test(units, only_list_parses_to_mechanisms)
{
    unsigned mechs = 0;

    cr_assert_eq(box_mech_parse("pid,uts,seccomp", &mechs), 0);
    cr_assert_eq(mechs, BOX_PID | BOX_UTS | BOX_SECCOMP, "pid,uts,seccomp: got %#x", mechs);
    cr_assert_eq(box_mech_parse("user,pid,ipc,cgroupns,uts,net,mount,rlimits,caps,seccomp", &mechs), 0);
    cr_assert_eq(mechs, BOX_ALL, "every name: expected %#x, got %#x", BOX_ALL, mechs);
    cr_assert_eq(box_mech_parse("pid,nope", &mechs), -EINVAL, "an unknown name must be refused");
}

Test(units, kept_capabilities_are_the_documented_set)
{
    /* capabilities(7): CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6,
     * SETUID 7, NET_BIND_SERVICE 10, SYS_CHROOT 18 */
    unsigned long long expected = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x400 | 0x40000;

    cr_assert_eq(caps_kept(), expected, "expected %#llx, got %#llx", expected, (unsigned long long)caps_kept());
    cr_assert_eq(caps_kept() & (1ull << 21), 0, "CAP_SYS_ADMIN (21) must not be kept");
}

Test(units, word_lists_match_whole_words)
{
    cr_assert(cgroup_has_word("rw,cpu", ',', "cpu"), "cpu is in rw,cpu");
    cr_assert_not(cgroup_has_word("rw,cpuacct", ',', "cpu"), "cpu is not cpuacct");
    cr_assert(cgroup_has_word("cpuset cpu io memory pids", ' ', "memory"), "memory in the v2 list");
    cr_assert_not(cgroup_has_word("cpuset io", ' ', "cpu"), "cpu is not cpuset");
}
