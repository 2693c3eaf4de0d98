/*
 * guests.c - every guest kernel, booted whole, against its golden transcript.
 *
 * Built twice from this one file: test-qemu (GUEST_MACHINE = MACHINE_QEMU) runs
 * the guests on the reference machine, qemu-system-i386; test-guests
 * (MACHINE_TRAPEZE) runs them on `trapeze run`.  The golden transcripts in
 * expected/ were recorded on QEMU and checked by hand against independent
 * values (CRC-32 check value, prime counts, Fibonacci numbers, ...), so a
 * passing test-guests means our emulator behaves like the reference machine.
 *
 * To re-record after changing a guest: TRAPEZE_RECORD_GOLDEN=1 ./test-qemu,
 * then review the diff of expected/ line by line.
 *
 * Benchmarks run with a small iters= so the tests stay fast; their goldens
 * hold the checksums for exactly these iteration counts.
 */
#include <criterion/criterion.h>

#include "runner.h"

#ifndef GUEST_MACHINE
#error "build with -DGUEST_MACHINE=MACHINE_QEMU or MACHINE_TRAPEZE"
#endif

#define NANO_ITERS "iters=1000"
#define ACROBAT_DISK "acrobat.img"

/* Boot a guest without a disk. */
static void expect(const char *name, const char *args)
{
    guest_expect(GUEST_MACHINE, name, args, NULL);
}

Test(GUEST_SUITE, hello) { expect("hello", ""); }

Test(GUEST_SUITE, bench_crc32) { expect("bench-crc32", "iters=3"); }
Test(GUEST_SUITE, bench_sieve) { expect("bench-sieve", "iters=2"); }
Test(GUEST_SUITE, bench_matmul) { expect("bench-matmul", "iters=3"); }
Test(GUEST_SUITE, bench_fib) { expect("bench-fib", "iters=3"); }
Test(GUEST_SUITE, bench_strings) { expect("bench-strings", "iters=20"); }

Test(GUEST_SUITE, nano_syscall) { expect("nano-syscall", NANO_ITERS); }
Test(GUEST_SUITE, nano_in) { expect("nano-in", NANO_ITERS); }
Test(GUEST_SUITE, nano_cr_write) { expect("nano-cr-write", NANO_ITERS); }
Test(GUEST_SUITE, nano_callret) { expect("nano-callret", NANO_ITERS); }
Test(GUEST_SUITE, nano_pgfault) { expect("nano-pgfault", NANO_ITERS); }
Test(GUEST_SUITE, nano_divzero) { expect("nano-divzero", NANO_ITERS); }
Test(GUEST_SUITE, nano_ptemod) { expect("nano-ptemod", NANO_ITERS); }

Test(GUEST_SUITE, sensitive_sgdt) { expect("sensitive-sgdt", ""); }
Test(GUEST_SUITE, sensitive_sidt) { expect("sensitive-sidt", ""); }
Test(GUEST_SUITE, sensitive_sldt) { expect("sensitive-sldt", ""); }
Test(GUEST_SUITE, sensitive_smsw) { expect("sensitive-smsw", ""); }
Test(GUEST_SUITE, sensitive_str) { expect("sensitive-str", ""); }
Test(GUEST_SUITE, sensitive_pushf) { expect("sensitive-pushf", ""); }
Test(GUEST_SUITE, sensitive_popf) { expect("sensitive-popf", ""); }
Test(GUEST_SUITE, sensitive_lar) { expect("sensitive-lar", ""); }
Test(GUEST_SUITE, sensitive_lsl) { expect("sensitive-lsl", ""); }
Test(GUEST_SUITE, sensitive_verr) { expect("sensitive-verr", ""); }
Test(GUEST_SUITE, sensitive_verw) { expect("sensitive-verw", ""); }
Test(GUEST_SUITE, sensitive_pushcs) { expect("sensitive-pushcs", ""); }
Test(GUEST_SUITE, sensitive_farcall) { expect("sensitive-farcall", ""); }
Test(GUEST_SUITE, sensitive_intn) { expect("sensitive-intn", ""); }
Test(GUEST_SUITE, sensitive_movcr3) { expect("sensitive-movcr3", ""); }

Test(GUEST_SUITE, acrobat) { guest_expect(GUEST_MACHINE, "acrobat", "", ACROBAT_DISK); }
Test(GUEST_SUITE, acrobat_nopushf)
{
    guest_expect(GUEST_MACHINE, "acrobat-nopushf", "", ACROBAT_DISK);
}
