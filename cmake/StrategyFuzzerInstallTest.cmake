# The strategy fuzzer install test, run as a script:
#
#   cmake -DSHARDSIM_SOURCE_DIR=<repo> -DSHARDSIM_BUILD_DIR=<built tree> \
#         [-DSHARDSIM_CONFIG=Release] [-DSHARDSIM_WORK_DIR=<scratch>] \
#         -P cmake/StrategyFuzzerInstallTest.cmake
#
# What a user who fuzzes their own loop does: installs the built tree into a fresh prefix,
# builds tests/fuzz_user_project (their loops, tests/user_project/my_loops.cc, in a library of
# their own, and shardsim_add_strategy_fuzzer on it) against the prefix, and runs the fuzzer:
#   1. on my-team-loop for a bounded number of runs: no finding, exit 0;
#   2. on my-buggy-loop, whose expected verdict is the failure it has: no finding either;
#   3. on my-buggy-loop-claimed-correct (the same loop, expected to pass): it reports the
#      violation with the scenario to replay, and writes the input that found it;
#   4. on a strategy nobody registered: exit 2 with a message naming it.
# Fails (FATAL_ERROR) at the first step that goes wrong. Needs clang (libFuzzer); the
# generator, compiler and build type default to those of the built tree.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/ShardsimInstallTestSteps.cmake")
shardsim_install_test_setup(StrategyFuzzerInstallTest strategy-fuzzer-install)
set(_prefix "${SHARDSIM_WORK_DIR}/prefix")
set(_project "${SHARDSIM_WORK_DIR}/my_loop_fuzzing")
set(_build "${_project}/build")
file(REMOVE_RECURSE "${SHARDSIM_WORK_DIR}")
file(MAKE_DIRECTORY "${_project}")

# 0. Install, and build the project against the prefix.
shardsim_install_test_install("${_prefix}")
foreach(_file IN ITEMS tests/fuzz_user_project/CMakeLists.txt
                       tests/fuzz_user_project/claimed_correct.cc tests/user_project/my_loops.cc)
  get_filename_component(_name "${_file}" NAME)
  file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/${_file}" "${_project}/${_name}")
endforeach()
shardsim_install_test_build(_fuzzer "the fuzzing project" "${_project}" "${_build}" "${_prefix}"
                            my_loop_fuzzer)

# Each run starts from an empty working corpus and a fixed libFuzzer seed, so it is the same
# run every time; -max_total_time only bounds a machine much slower than expected.
set(ENV{ASAN_OPTIONS} "detect_leaks=1:abort_on_error=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
unset(ENV{SHARDSIM_FUZZ_STRATEGY})
function(fuzz strategy expected_rc runs out)
  set(corpus "${_project}/corpus-${strategy}")
  set(artifacts "${_project}/artifacts-${strategy}/")
  file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
  run("fuzz ${strategy} for ${runs} runs" ${expected_rc} OUT text ERR err
      COMMAND "${_fuzzer}" -seed=1 -runs=${runs} -max_total_time=40 -timeout=20
              -artifact_prefix=${artifacts} "--strategy=${strategy}" "${corpus}")
  set(${out} "${text}${err}" PARENT_SCOPE)
endfunction()

# 1 and 2. Correct loops, and a loop failing as it is expected to, give no finding.
foreach(_loop IN ITEMS my-team-loop my-buggy-loop)
  fuzz(${_loop} 0 300 _out)
  if(NOT _out MATCHES "strategy_fuzzer: strategy ${_loop}, expected " OR
     NOT _out MATCHES "Done 300 runs")
    fail("the fuzzer on ${_loop} did not run 300 inputs clean:\n${_out}")
  endif()
  message(STATUS "StrategyFuzzerInstallTest: ${_loop}: 300 runs, no finding")
endforeach()

# 3. The loop claimed correct is caught, with the scenario to replay and the input kept.
fuzz(my-buggy-loop-claimed-correct crash 3000 _out)
if(NOT _out MATCHES "strategy_fuzzer: my-buggy-loop-claimed-correct \\(expected pass\\): [^\n]*no_false_caught_up" OR
   NOT _out MATCHES "shardsim replay --scenario FILE")
  fail("the fuzzer on my-buggy-loop-claimed-correct did not report its violation:\n${_out}")
endif()
file(GLOB _crash "${_project}/artifacts-my-buggy-loop-claimed-correct/crash-*")
if(NOT _crash)
  fail("the fuzzer on my-buggy-loop-claimed-correct kept no crash input:\n${_out}")
endif()
message(STATUS "StrategyFuzzerInstallTest: my-buggy-loop-claimed-correct: violation found")

# 4. A strategy nobody registered is a usage error.
run("fuzz an unknown strategy" 2 ERR _err COMMAND "${_fuzzer}" -runs=1 --strategy=no-such-loop)
if(NOT _err MATCHES "unknown strategy 'no-such-loop'")
  fail("the fuzzer on an unknown strategy printed\n${_err}")
endif()
message(STATUS "StrategyFuzzerInstallTest: passed")
