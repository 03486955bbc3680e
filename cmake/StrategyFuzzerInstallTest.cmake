# The strategy fuzzer install test, run as a script:
#
#   cmake -DSHARDSIM_SOURCE_DIR=<repo> -DSHARDSIM_BUILD_DIR=<built tree> \
#         [-DSHARDSIM_CONFIG=Release] [-DSHARDSIM_WORK_DIR=<scratch>] \
#         -P cmake/StrategyFuzzerInstallTest.cmake
#
# What a user who fuzzes their own loop does: installs the built tree into a fresh prefix and
# makes the README's step-5 project (its CMake block, copied out of README.md, with
# tests/user_project/my_loops.cc and its corpus) with the README's fuzzer for it (the block of
# "Fuzzing your own strategy") and tests/fuzz_user_project/CMakeLists.txt appended (the buggy
# loop claimed correct, and a second fuzzer). Builds every target against the prefix: the
# command, the ctest properties and both fuzzers (my_loops compiled a second time for them).
# Then:
#   1. the command runs (`build/my-shardsim list`);
#   2. the README's fuzzer command on my-team-loop, bounded to 150 runs from an empty corpus
#      folder: the folder is seeded with generated cases, no finding, exit 0; run twice, the
#      same coverage and corpus at the end (a fixed seed is a repeatable run);
#   3. on my-buggy-loop, whose expected verdict is the failure it has: that failure is not
#      reported;
#   4. on my-buggy-loop with --report-expected: the expected failure is reported after a
#      counted number of executions, shrunk, and saved as two scenario files next to the crash
#      input; the printed replay line, pasted into a shell, fails the same property;
#   5. on my-buggy-loop-claimed-correct (expected to pass): reported without the flag;
#   6. `my-shardsim check --corpus` of the saved finding (as run) shrinks it;
#   7. on a strategy nobody registered, or with a misspelt flag of its own: exit 2 with a
#      message naming it.
# Fails (FATAL_ERROR) at the first step that goes wrong. Needs clang (libFuzzer); the
# generator, compiler and build type default to those of the built tree.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/ShardsimInstallTestSteps.cmake")
shardsim_install_test_setup(StrategyFuzzerInstallTest strategy-fuzzer-install)
set(_prefix "${SHARDSIM_WORK_DIR}/prefix")
set(_project "${SHARDSIM_WORK_DIR}/my_loops")
set(_build "${_project}/build")
file(REMOVE_RECURSE "${SHARDSIM_WORK_DIR}")
file(MAKE_DIRECTORY "${_project}")

# 0. Install, make the project from the README, and build every target against the prefix.
shardsim_install_test_install("${_prefix}")
shardsim_install_test_readme_block(_step5 "**5. Test your own loop.**")
shardsim_install_test_readme_block(_fuzzer_block "### Fuzzing your own strategy")
file(READ "${SHARDSIM_SOURCE_DIR}/tests/fuzz_user_project/CMakeLists.txt" _more)
file(WRITE "${_project}/CMakeLists.txt" "${_step5}\n${_fuzzer_block}\n${_more}")
file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/tests/user_project/my_loops.cc" "${_project}/my_loops.cc")
file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/tests/fuzz_user_project/claimed_correct.cc"
     "${_project}/claimed_correct.cc")
file(COPY "${SHARDSIM_SOURCE_DIR}/tests/user_project/corpus" DESTINATION "${_project}")
shardsim_install_test_build(_fuzzer "the README's project with its fuzzers" "${_project}"
                            "${_build}" "${_prefix}" my_loop_fuzzer)
shardsim_install_test_build(_claimed_fuzzer "the same project" "${_project}" "${_build}"
                            "${_prefix}" claimed_correct_fuzzer)
shardsim_install_test_build(_cli "the same project" "${_project}" "${_build}" "${_prefix}"
                            my-shardsim)

# 1. The command links and runs beside the fuzzers.
run("build/my-shardsim list" 0 OUT _out COMMAND "${_cli}" list)
if(NOT _out MATCHES "my-team-loop")
  fail("my-shardsim list did not list my-team-loop:\n${_out}")
endif()

# Each run starts from an empty corpus folder and a fixed libFuzzer seed, so it is the same run
# every time; -max_total_time only bounds a machine much slower than expected.
set(ENV{ASAN_OPTIONS} "detect_leaks=1:abort_on_error=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
unset(ENV{SHARDSIM_FUZZ_STRATEGY})
unset(ENV{SHARDSIM_FUZZ_REPORT_EXPECTED})
# fuzz(<fuzzer> <strategy> <expected exit> <runs> <out> [flags...]): its stderr in `out`.
function(fuzz fuzzer strategy expected_rc runs out)
  set(corpus "${_project}/corpus-${strategy}${ARGN}")
  string(REPLACE "--" "-" corpus "${corpus}")
  set(artifacts "${corpus}-artifacts/")
  file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
  run("fuzz ${strategy} ${ARGN} for ${runs} runs" "${expected_rc}" OUT text ERR err
      COMMAND "${fuzzer}" -seed=1 -runs=${runs} -max_total_time=180 -timeout=60
              -artifact_prefix=${artifacts} "--strategy=${strategy}" ${ARGN} "${corpus}")
  set(${out} "${text}${err}" PARENT_SCOPE)
  set(artifacts "${artifacts}" PARENT_SCOPE)
endfunction()

# 2. A correct loop gives no finding, and the same seed tries the same inputs: a second run ends
# with the same coverage and corpus.
set(_done_before "")
foreach(_round IN ITEMS 1 2)
  file(REMOVE_RECURSE "${_project}/corpus-my-team-loop")
  fuzz("${_fuzzer}" my-team-loop 0 150 _out)
  if(NOT _out MATCHES "strategy_fuzzer: strategy my-team-loop, expected pass" OR
     NOT _out MATCHES "seeded [^\n]* with 18 generated cases of my-team-loop" OR
     _out MATCHES "finding after")
    fail("the fuzzer on my-team-loop did not run 150 inputs clean from its seeds:\n${_out}")
  endif()
  if(NOT _out MATCHES "\n#150[ \t]+DONE[ \t]+(cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*)")
    fail("the fuzzer on my-team-loop did not say how its 150 runs ended:\n${_out}")
  endif()
  if(_done_before AND NOT _done_before STREQUAL CMAKE_MATCH_1)
    fail("two runs of seed 1 on my-team-loop ended differently: ${_done_before}; ${CMAKE_MATCH_1}")
  endif()
  set(_done_before "${CMAKE_MATCH_1}")
endforeach()
message(STATUS "StrategyFuzzerInstallTest: my-team-loop: 150 runs twice, no finding, ${_done_before}")

# 3. A loop failing as it is expected to: its expected failure is not reported. (The same bug
# can show as another property, which is: stopping at an empty page also leaves a closed parent
# unfinished and its children unread, termination or no_missed_records.)
fuzz("${_fuzzer}" my-buggy-loop "" 300 _out)
if(NOT _out MATCHES "strategy_fuzzer: strategy my-buggy-loop, expected no_false_caught_up\n" OR
   _out MATCHES "finding after [0-9]+ executions: [^\n]*FAIL no_false_caught_up")
  fail("the fuzzer on my-buggy-loop reported its expected failure:\n${_out}")
endif()
message(STATUS "StrategyFuzzerInstallTest: my-buggy-loop: its expected failure is not a finding")

# 4. The expected failure, when asked for: counted, shrunk, saved, and the replay line pastes.
fuzz("${_fuzzer}" my-buggy-loop crash 3000 _out --report-expected)
if(NOT _out MATCHES "finding after [0-9]+ executions: my-buggy-loop \\(expected no_false_caught_up\\): FAIL no_false_caught_up" OR
   NOT _out MATCHES "shrunk in [0-9]+ steps \\([0-9]+ runs\\) from [0-9]+ records to [0-9]+" OR
   NOT _out MATCHES "\nreplay: ([^\n]*)\n")
  fail("the fuzzer on my-buggy-loop --report-expected did not report its failure:\n${_out}")
endif()
set(_replay "${CMAKE_MATCH_1}")
file(GLOB _as_run "${artifacts}finding-my-buggy-loop-*[0-9a-f].json")
file(GLOB _minimal "${artifacts}finding-my-buggy-loop-*-minimal.json")
file(GLOB _crash "${artifacts}crash-*")
if(NOT _as_run OR NOT _minimal OR NOT _crash)
  fail("the finding was not saved as scenario files beside the crash input:\n${_out}")
endif()
if(NOT _replay MATCHES "^/[^ ]*/my-shardsim replay --scenario [^ ]*-minimal.json$")
  fail("the replay line does not name the built command and the minimal scenario: ${_replay}")
endif()
run("the finding's replay line" 1 OUT _replayed COMMAND sh -c "${_replay}")
if(NOT _replayed MATCHES "FAIL no_false_caught_up")
  fail("the replay line did not fail no_false_caught_up:\n${_replayed}")
endif()
message(STATUS "StrategyFuzzerInstallTest: my-buggy-loop --report-expected: found, shrunk, replayed")

# 5. The loop claimed correct is caught without the flag.
fuzz("${_claimed_fuzzer}" my-buggy-loop-claimed-correct crash 3000 _out)
if(NOT _out MATCHES "my-buggy-loop-claimed-correct \\(expected pass\\): FAIL no_false_caught_up")
  fail("the fuzzer on my-buggy-loop-claimed-correct did not report its violation:\n${_out}")
endif()
message(STATUS "StrategyFuzzerInstallTest: my-buggy-loop-claimed-correct: violation found")

# 6. A saved finding replayed as a corpus is shrunk as a generated case is.
set(_saved "${_project}/saved-finding")
file(MAKE_DIRECTORY "${_saved}")
file(COPY ${_as_run} DESTINATION "${_saved}")
run("check --corpus of the saved finding" 1 OUT _checked
    COMMAND "${_cli}" check --strategy my-buggy-loop --cases 1 --corpus "${_saved}")
if(NOT _checked MATCHES "\\([1-9][0-9]* shrink steps\\)")
  fail("check --corpus did not shrink the saved finding:\n${_checked}")
endif()

# 7. A strategy nobody registered is a usage error.
run("fuzz an unknown strategy" 2 ERR _err COMMAND "${_fuzzer}" -runs=1 --strategy=no-such-loop)
if(NOT _err MATCHES "unknown strategy 'no-such-loop'")
  fail("the fuzzer on an unknown strategy printed\n${_err}")
endif()
run("fuzz with a misspelt flag" 2 ERR _err COMMAND "${_fuzzer}" -runs=1 --report-expect)
if(NOT _err MATCHES "unknown flag '--report-expect'")
  fail("the fuzzer with --report-expect printed\n${_err}")
endif()
message(STATUS "StrategyFuzzerInstallTest: passed")
