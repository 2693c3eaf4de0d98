# TrapezeDeps.cmake - find what the build needs, or say exactly how to install it.
#
# Every message names the Debian package, because the README promises a fresh Debian 12
# machine; tools/deps.sh holds the full list and installs it.

# Stop the configure step with the one command that fixes it.
function(trapeze_missing what package)
  message(FATAL_ERROR
    "trapeze: ${what} was not found.\n"
    "Install it with:\n"
    "    sudo apt-get install ${package}\n"
    "(or run 'make test', which installs every dependency listed in tools/deps.sh)")
endfunction()

# Criterion ships a pkg-config file but no CMake package on Debian.
function(trapeze_require_criterion)
  find_package(PkgConfig QUIET)
  if(NOT PKG_CONFIG_FOUND)
    trapeze_missing("pkg-config" "pkg-config")
  endif()
  pkg_check_modules(CRITERION QUIET IMPORTED_TARGET GLOBAL criterion)
  if(NOT CRITERION_FOUND)
    trapeze_missing("the Criterion test framework" "libcriterion-dev")
  endif()
endfunction()

# Chapter 6: libseccomp, through its pkg-config file (PkgConfig::SECCOMP).
function(trapeze_require_seccomp)
  find_package(PkgConfig QUIET)
  if(NOT PKG_CONFIG_FOUND)
    trapeze_missing("pkg-config" "libseccomp-dev pkg-config")
  endif()
  pkg_check_modules(SECCOMP QUIET IMPORTED_TARGET GLOBAL libseccomp)
  if(NOT SECCOMP_FOUND)
    trapeze_missing("libseccomp" "libseccomp-dev pkg-config")
  endif()
endfunction()

# Chapter 6: the statically linked busybox the container rootfs is made of
# (sets BUSYBOX_STATIC in the caller).  Debian's busybox-static installs it
# as /bin/busybox; the dynamic "busybox" package would not run in a rootfs.
function(trapeze_require_busybox_static)
  find_program(BUSYBOX_STATIC busybox PATHS /bin /usr/bin NO_DEFAULT_PATH)
  if(NOT BUSYBOX_STATIC)
    trapeze_missing("a static busybox" "busybox-static")
  endif()
  execute_process(COMMAND readelf -l ${BUSYBOX_STATIC}
                  OUTPUT_VARIABLE headers ERROR_QUIET)
  if(headers MATCHES "INTERP")
    trapeze_missing("a static busybox (${BUSYBOX_STATIC} is dynamic)" "busybox-static")
  endif()
  set(BUSYBOX_STATIC ${BUSYBOX_STATIC} PARENT_SCOPE)
endfunction()
