# i386-guest.cmake - toolchain file for the guest kernels (guests/).
#
# Guests are bare-metal i386 programs: no operating system below them, no C
# library, no position-independent code (they are loaded at fixed physical
# addresses by a Multiboot loader).  The host gcc builds them with -m32, which
# needs the 32-bit multilib (gcc-multilib on Debian); libgcc supplies the helpers
# gcc calls for 64-bit division (__udivdi3 and friends) on a 32-bit target.
#
# This file is only ever used by the guests' own sub-build (an ExternalProject),
# so nothing the host build sets (sanitizers, -O1 -g, coverage) reaches guest code.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR i386)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)

# The environment must not leak either: CMake would otherwise prepend $CFLAGS.
set(ENV{CFLAGS} "")
set(ENV{ASMFLAGS} "")
set(ENV{LDFLAGS} "")

# -mgeneral-regs-only: no x87/MMX/SSE code, so the emulator needs no FPU.
# -fno-tree-loop-distribute-patterns: do not turn our memset loop into a call to memset.
set(CMAKE_C_FLAGS_INIT
    "-m32 -march=i686 -ffreestanding -fno-pie -fno-stack-protector -nostdlib \
-fno-asynchronous-unwind-tables -mgeneral-regs-only -fno-tree-loop-distribute-patterns")
set(CMAKE_ASM_FLAGS_INIT "-m32 -fno-pie")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-m32 -no-pie -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=0x1000")

# Each guest links its own linker script (guests/lib/kernel.ld or a user program's);
# libgcc comes last on every link line.
execute_process(COMMAND ${CMAKE_C_COMPILER} -m32 -print-libgcc-file-name
                OUTPUT_VARIABLE GUEST_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CMAKE_C_STANDARD_LIBRARIES "${GUEST_LIBGCC}")

# The compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
