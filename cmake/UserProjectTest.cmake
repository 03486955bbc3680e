# The user project test, run as a script:
#
#   cmake -DSHARDSIM_SOURCE_DIR=<repo> -DSHARDSIM_BUILD_DIR=<built tree> \
#         [-DSHARDSIM_CONFIG=Release] [-DSHARDSIM_WORK_DIR=<scratch>] -P cmake/UserProjectTest.cmake
#
# What a new user does after reading the README: installs the built tree into a fresh prefix,
# makes a project from the README's step-5 CMake block (copied out of README.md, so the README
# cannot drift) and tests/user_project/my_loops.cc (one correct loop, one buggy), builds it
# against the prefix, and then
#   1. runs its ctest twice: both loops meet their expected verdicts, the same bytes each time;
#   2. checks both loops with its own command: pass (exit 0), and the buggy one fails (exit 1);
#   3. pastes every replay line the reports print (the check's, with and without --long-gaps
#      and --profile, and ctest's) into a shell and compares the trace hashes;
#   4. runs a two-shard campaign of each loop, and one of `check --all`, and merges each: the
#      same exit status, text and JSON as the one-shard run.
# Fails (FATAL_ERROR) at the first step that goes wrong. The generator, compiler and build type
# default to those of the built tree.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/ShardsimInstallTestSteps.cmake")
shardsim_install_test_setup(UserProjectTest user-project)
set(_prefix "${SHARDSIM_WORK_DIR}/prefix")
set(_project "${SHARDSIM_WORK_DIR}/my_loops")
set(_build "${_project}/build")
file(REMOVE_RECURSE "${SHARDSIM_WORK_DIR}")
file(MAKE_DIRECTORY "${_project}")

# 0. Install, and make the project from the README.
shardsim_install_test_install("${_prefix}")
file(READ "${SHARDSIM_SOURCE_DIR}/README.md" _readme)
string(FIND "${_readme}" "**5. Test your own loop.**" _step5)
if(_step5 LESS 0)
  fail("README.md has no step '5. Test your own loop.'")
endif()
string(SUBSTRING "${_readme}" ${_step5} -1 _readme)
string(FIND "${_readme}" "```cmake\n" _begin)
if(_begin LESS 0)
  fail("README.md's step 5 has no ```cmake block")
endif()
math(EXPR _begin "${_begin} + 9")
string(SUBSTRING "${_readme}" ${_begin} -1 _readme)
string(FIND "${_readme}" "```" _end)
string(SUBSTRING "${_readme}" 0 ${_end} _snippet)
file(WRITE "${_project}/CMakeLists.txt" "${_snippet}")
file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/tests/user_project/my_loops.cc" "${_project}/my_loops.cc")

shardsim_install_test_build(_cli "the README's project" "${_project}" "${_build}" "${_prefix}"
                            my-shardsim)
get_filename_component(_cli_dir "${_cli}" DIRECTORY)

# 1. ctest, twice: both loops meet their expected verdicts; the same output each time (gtest's
# timings aside).
set(ENV{SHARDSIM_FAILURE_DIR} "${_project}/ctest-failures")
unset(ENV{SHARDSIM_SEED})
unset(ENV{SHARDSIM_CASES})
set(_ctest_outputs "")
foreach(_round IN ITEMS 1 2)
  run("ctest, round ${_round}" 0 OUT _out
      COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${_build}" -V)
  string(REGEX REPLACE " *[0-9.]+ sec" "" _out "${_out}")  # ctest pads timings to a width
  string(REGEX REPLACE "\\([0-9]+ ms[^)]*\\)" "" _out "${_out}")
  string(REGEX REPLACE "Total Test time[^\n]*" "" _out "${_out}")
  list(APPEND _ctest_outputs "${_out}")
endforeach()
list(GET _ctest_outputs 0 _ctest1)
list(GET _ctest_outputs 1 _ctest2)
if(NOT _ctest1 STREQUAL _ctest2)
  file(WRITE "${SHARDSIM_WORK_DIR}/ctest-1.txt" "${_ctest1}")
  file(WRITE "${SHARDSIM_WORK_DIR}/ctest-2.txt" "${_ctest2}")
  fail("two ctest runs printed different output: compare ${SHARDSIM_WORK_DIR}/ctest-[12].txt")
endif()
foreach(_want IN ITEMS "strategy my-team-loop, seed 1, 1000 cases"
                       "PASS my-team-loop: 1000 cases (seed 1)"
                       "strategy my-buggy-loop, seed 1, 1000 cases"
                       "EXPECTED FAILURE my-buggy-loop: no_false_caught_up")
  string(FIND "${_ctest1}" "${_want}" _at)
  if(_at LESS 0)
    fail("ctest did not print '${_want}':\n${_ctest1}")
  endif()
endforeach()

# Pastes every line of `text` that starts (after spaces) with "my-shardsim replay" into a shell
# with the project's build folder on PATH, and checks the trace hash it ends with: a --scenario
# line replays the minimal scenario, whose hash the report prints; a --case line replays the
# case before shrinking, whose hash `check --output` recorded (when a result file is given).
function(paste_replay_lines what text result_json)
  string(REGEX MATCH "trace hash ([0-9a-f]+)\\):" _m "${text}")
  set(minimal_hash "${CMAKE_MATCH_1}")
  string(REGEX MATCHALL "  my-shardsim replay [^\n]*" lines "${text}")
  list(LENGTH lines count)
  if(count EQUAL 0 OR NOT minimal_hash)
    fail("${what}: no replay lines or no minimal trace hash in\n${text}")
  endif()
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^  " "" line "${line}")
    string(REGEX REPLACE "   \\(the case before shrinking\\)$" "" command "${line}")
    execute_process(COMMAND sh -c "PATH='${_cli_dir}':\"$PATH\" ${command}"
                    WORKING_DIRECTORY "${_project}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_VARIABLE err)
    if(NOT rc EQUAL 1)
      fail("${what}: '${line}' exited ${rc}, expected 1 (the failure)\n${err}")
    endif()
    string(REGEX MATCH "# trace hash ([0-9a-f]+)\n$" _m "${out}")
    set(hash "${CMAKE_MATCH_1}")
    if(command MATCHES "--scenario")
      set(want "${minimal_hash}")
    elseif(result_json)
      string(REGEX MATCH "--case ([0-9]+)" _m "${command}")
      file(READ "${result_json}" json)
      string(JSON hashes GET "${json}" results 0 case_hashes)
      string(JSON n LENGTH "${hashes}")
      math(EXPR last "${n} - 1")
      set(want "")
      foreach(i RANGE ${last})
        string(JSON k GET "${hashes}" ${i} 0)
        if(k EQUAL CMAKE_MATCH_1)
          string(JSON want GET "${hashes}" ${i} 1)
        endif()
      endforeach()
    else()
      continue()  # ctest keeps no per-case hashes; the same line from `check` is compared
    endif()
    if(NOT hash OR NOT hash STREQUAL want)
      fail("${what}: '${line}' replayed trace hash '${hash}', the report's case has '${want}'")
    endif()
    message(STATUS "UserProjectTest: pasted '${line}': trace hash ${hash}, as reported")
  endforeach()
endfunction()

# 2 and 3. The command checks both loops and its replay lines replay, under every flag that
# shapes the case space.
run("my-shardsim check --strategy my-team-loop" 0 OUT _out
    COMMAND "${_cli}" check --strategy my-team-loop --quiet)
if(NOT _out MATCHES "PASS my-team-loop: 1000 cases \\(seed 1")
  fail("my-shardsim check printed\n${_out}")
endif()
foreach(_flags IN ITEMS "" "--long-gaps" "--profile;fixed:30s" "--profile;range:1s-1h;--long-gaps")
  string(REPLACE ";" " " _shown "${_flags}")
  string(MAKE_C_IDENTIFIER "x${_shown}" _tag)
  run("my-shardsim check --strategy my-buggy-loop ${_shown}" 1 OUT _out
      COMMAND "${_cli}" check --strategy my-buggy-loop ${_flags} --quiet
              --failure-dir "${_project}/failures" --output "${_project}/buggy${_tag}.json")
  if(NOT _out MATCHES "FAIL my-buggy-loop \\(expected no_false_caught_up\\)")
    fail("my-shardsim check of my-buggy-loop printed\n${_out}")
  endif()
  if(_flags MATCHES "long-gaps" AND NOT _out MATCHES "replay --strategy [^\n]*--long-gaps")
    fail("the replay line of check ${_shown} does not say --long-gaps:\n${_out}")
  endif()
  if(_flags MATCHES "long-gaps" AND NOT _out MATCHES "saved to [^\n]*-long-gaps\\.json")
    fail("the saved file name of check ${_shown} does not record --long-gaps:\n${_out}")
  endif()
  paste_replay_lines("check ${_shown}" "${_out}" "${_project}/buggy${_tag}.json")
endforeach()
paste_replay_lines("ctest" "${_ctest1}" "")

# 4. The command knows the user's loops beside the catalogue, and a two-shard campaign of each
# loop, merged, equals one run of it.
run("my-shardsim list" 0 OUT _list COMMAND "${_cli}" list)
# Its errors name it, as its help and replay lines do.
run("my-shardsim with an unknown strategy" 2 ERR _error
    COMMAND "${_cli}" check --strategy no-such-loop)
if(NOT _error MATCHES "^my-shardsim: error: unknown strategy 'no-such-loop'")
  fail("my-shardsim's error does not start with its own name:\n${_error}")
endif()
foreach(_name IN ITEMS my-team-loop my-buggy-loop kcl-worker)
  if(NOT _list MATCHES "${_name}")
    fail("my-shardsim list does not show ${_name}:\n${_list}")
  endif()
endforeach()
foreach(_loop_rc IN ITEMS "my-team-loop;0" "my-buggy-loop;1")
  list(GET _loop_rc 0 _loop)
  list(GET _loop_rc 1 _rc)
  set(_campaign check --strategy ${_loop} --cases 200 --seed 7 --quiet
                --failure-dir "${_project}/campaign-failures")
  run("one-shard campaign of ${_loop}" ${_rc} COMMAND "${_cli}" ${_campaign}
      --output "${_project}/${_loop}-one.json")
  foreach(_i IN ITEMS 0 1)
    run("campaign of ${_loop}, shard ${_i} of 2" "" COMMAND "${_cli}" ${_campaign}
        --shard-index ${_i} --shard-count 2 --output "${_project}/${_loop}-shard-${_i}.json")
  endforeach()
  run("merge the two shards of ${_loop}" ${_rc} OUT _merged COMMAND "${_cli}" merge --json
      "${_project}/${_loop}-shard-0.json" "${_project}/${_loop}-shard-1.json")
  file(READ "${_project}/${_loop}-one.json" _one)
  if(NOT _merged STREQUAL _one)
    file(WRITE "${_project}/${_loop}-merged.json" "${_merged}")
    fail("the merged campaign of ${_loop} differs from one run: compare "
         "${_project}/${_loop}-merged.json and ${_loop}-one.json")
  endif()
  message(STATUS "UserProjectTest: ${_loop}: two shards merged equal one run")
endforeach()
# A campaign of `check --all` (the user's loops and the catalogue): the merge of two shards
# exits, prints and writes what the unsharded run did.
set(_all_campaign check --all --cases 100 --seed 7 --quiet
                  --failure-dir "${_project}/campaign-failures")
run("unsharded check --all" "" RC _all_rc OUT _all_text
    COMMAND "${_cli}" ${_all_campaign} --output "${_project}/all-one.json")
foreach(_i IN ITEMS 0 1)
  run("check --all, shard ${_i} of 2" "" COMMAND "${_cli}" ${_all_campaign}
      --shard-index ${_i} --shard-count 2 --output "${_project}/all-shard-${_i}.json")
endforeach()
run("merge the two shards of check --all" "${_all_rc}" OUT _merged_text
    COMMAND "${_cli}" merge "${_project}/all-shard-0.json" "${_project}/all-shard-1.json")
run("merge --json the two shards of check --all" "${_all_rc}" OUT _merged_json
    COMMAND "${_cli}" merge --json "${_project}/all-shard-0.json" "${_project}/all-shard-1.json")
file(READ "${_project}/all-one.json" _all_json)
if(NOT _merged_text STREQUAL _all_text OR NOT _merged_json STREQUAL _all_json)
  file(WRITE "${_project}/all-one.txt" "${_all_text}")
  file(WRITE "${_project}/all-merged.txt" "${_merged_text}")
  file(WRITE "${_project}/all-merged.json" "${_merged_json}")
  fail("the merged check --all differs from one run: compare ${_project}/all-one.txt with "
       "all-merged.txt and all-one.json with all-merged.json")
endif()
foreach(_name IN ITEMS my-team-loop my-buggy-loop kcl-worker)
  if(NOT _all_text MATCHES "${_name}")
    fail("check --all of my-shardsim does not show ${_name}:\n${_all_text}")
  endif()
endforeach()
message(STATUS "UserProjectTest: check --all (exit ${_all_rc}): two shards merged equal one run")
message(STATUS "UserProjectTest: passed")
