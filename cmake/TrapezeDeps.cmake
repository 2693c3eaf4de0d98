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
