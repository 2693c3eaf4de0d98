# TrapezeTest.cmake - register a Criterion test executable with CTest.
#
#   trapeze_add_test(NAME test-cpu LABEL emulator
#                    SOURCES a.c b.c  LIBS trapeze_emulator)
#
# Each executable becomes one CTest test carrying the chapter's label, so
# `ctest -L emulator` runs one chapter.  Criterion prints one line per test
# (--verbose) and a final "Synthesis:" line that tools/test-summary.sh adds up.
#
# BOTH_ENGINES registers the executable a second time as <name>-jit, run with
# TRAPEZE_ENGINE=jit, for suites whose CPU can run on the interpreter or on
# the translator (tests/emulator/engine.h): the same tests, on both.
function(trapeze_add_test)
  cmake_parse_arguments(T "BOTH_ENGINES" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE PkgConfig::CRITERION ${T_LIBS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_test(NAME ${T_NAME}
           COMMAND ${T_NAME} --verbose=1 --jobs=2 ${T_ARGS})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT})
  if(T_BOTH_ENGINES)
    add_test(NAME ${T_NAME}-jit
             COMMAND ${T_NAME} --verbose=1 --jobs=2 ${T_ARGS})
    set_tests_properties(${T_NAME}-jit PROPERTIES LABELS "${T_LABEL};jit" TIMEOUT ${T_TIMEOUT}
                         ENVIRONMENT TRAPEZE_ENGINE=jit)
  endif()
endfunction()
