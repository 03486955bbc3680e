# The user project test, run as a script:
#
#   cmake -DSHARDSIM_SOURCE_DIR=<repo> -DSHARDSIM_BUILD_DIR=<built tree> \
#         [-DSHARDSIM_CONFIG=Release] [-DSHARDSIM_WORK_DIR=<scratch>] -P cmake/UserProjectTest.cmake
#
# What a new user does after reading the README: installs the built tree into a fresh prefix
# (no header of an `internal/` folder is installed but those a public header still includes),
# compiles every C++ snippet of README.md and docs/*.md against it, makes a project from the
# README's step-5 CMake block (copied out of README.md, so the README cannot drift) and
# tests/user_project/my_loops.cc (one correct loop, one buggy) with tests/user_project/corpus/,
# builds it against the prefix, and then
#   1. runs its ctest twice: both loops meet their expected verdicts and the correct one passes
#      its regression corpus, the same bytes each time; `ctest -R <loop>` selects the loop's
#      tests; a test naming two REGISTER functions passes;
#   2. checks both loops with its own command, run as the README says (build/my-shardsim):
#      pass (exit 0), and the buggy one fails (exit 1);
#   3. pastes every replay line the reports print (the check's, with and without --long-gaps
#      and --profile, and ctest's) into a shell, without the build folder on PATH, and compares
#      the trace hashes;
#   4. runs a two-shard campaign of each loop, and one of `check --all`, and merges each: the
#      same exit status, text and JSON as the one-shard run; `list` and `check --all` show the
#      user's loops only, and those of a command built with CATALOGUE the catalogue's too;
#   5. builds tests/user_project/anonymous_register, whose REGISTER function is in an anonymous
#      namespace: both CMake functions' targets fail to link, saying what is expected.
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

# 0. Install; only public headers (and the internal ones a public header includes).
shardsim_install_test_install("${_prefix}")
set(_include "${_prefix}/include/shardsim")
file(GLOB_RECURSE _installed_headers RELATIVE "${_include}" "${_include}/*.h")
set(_reachable "")
set(_todo "")
foreach(_header IN LISTS _installed_headers)
  if(NOT _header MATCHES "/internal/")
    list(APPEND _todo "${_header}")
  endif()
endforeach()
while(_todo)
  list(POP_FRONT _todo _header)
  if(NOT EXISTS "${_include}/${_header}")
    continue()  # a header of another package (absl/..., nlohmann/...)
  endif()
  file(STRINGS "${_include}/${_header}" _lines REGEX "^#include \"[^\"]*/internal/[^\"]*\"")
  foreach(_line IN LISTS _lines)
    string(REGEX REPLACE "^#include \"([^\"]*)\".*" "\\1" _included "${_line}")
    if(NOT _included IN_LIST _reachable)
      list(APPEND _reachable "${_included}")
      list(APPEND _todo "${_included}")
    endif()
  endforeach()
endwhile()
foreach(_header IN LISTS _installed_headers)
  if(_header MATCHES "/internal/" AND NOT _header IN_LIST _reachable)
    fail("the install holds the internal header ${_header}, which no public header includes")
  endif()
endforeach()
foreach(_header IN LISTS _reachable)
  if(NOT EXISTS "${_include}/${_header}")
    fail("an installed public header includes ${_header} (directly or not), which is not installed")
  endif()
endforeach()
list(JOIN _reachable ", " _reachable_text)
message(STATUS "UserProjectTest: no internal header installed but those public headers include: "
               "${_reachable_text}")

# Every C++ snippet of README.md and docs/*.md compiles as shown against the install. Each
# ```cpp block follows a line `<!-- snippet: KIND -->`: `translation-unit` is a whole source
# file; any other KIND is pasted into tests/user_project/snippets/KIND.cc at `// SNIPPET`.
set(_snippets "${SHARDSIM_WORK_DIR}/snippets")
file(MAKE_DIRECTORY "${_snippets}")
file(GLOB _docs "${SHARDSIM_SOURCE_DIR}/docs/*.md")
set(_snippet_sources "")
set(_snippet_count 0)
foreach(_doc IN ITEMS "${SHARDSIM_SOURCE_DIR}/README.md" ${_docs})
  file(RELATIVE_PATH _doc_name "${SHARDSIM_SOURCE_DIR}" "${_doc}")
  # One list element a line: `;`, `[` and `]` (list syntax in CMake) stand in as @SEMI@, @LB@
  # and @RB@ until a line is written out.
  file(READ "${_doc}" _text)
  string(REPLACE ";" "@SEMI@" _text "${_text}")
  string(REPLACE "[" "@LB@" _text "${_text}")
  string(REPLACE "]" "@RB@" _text "${_text}")
  string(REPLACE "\n" ";" _lines "${_text}")
  set(_kind "")
  set(_previous "")
  set(_in_block FALSE)
  foreach(_line IN LISTS _lines)
    if(_in_block)
      if(_line MATCHES "^```")
        set(_in_block FALSE)
        math(EXPR _snippet_count "${_snippet_count} + 1")
        string(MAKE_C_IDENTIFIER "${_doc_name}" _stem)
        set(_file "${_snippets}/${_stem}_${_snippet_count}.cc")
        if(_kind STREQUAL "translation-unit")
          file(WRITE "${_file}" "${_code}")
        else()
          set(_wrapper "${SHARDSIM_SOURCE_DIR}/tests/user_project/snippets/${_kind}.cc")
          if(NOT EXISTS "${_wrapper}")
            fail("${_doc_name}: snippet kind '${_kind}' has no tests/user_project/snippets/${_kind}.cc")
          endif()
          file(READ "${_wrapper}" _wrapped)
          string(REPLACE "// SNIPPET\n" "${_code}" _wrapped "${_wrapped}")
          file(WRITE "${_file}" "${_wrapped}")
        endif()
        list(APPEND _snippet_sources "${_file}")
      else()
        string(REPLACE "@SEMI@" ";" _line "${_line}")
        string(REPLACE "@LB@" "[" _line "${_line}")
        string(REPLACE "@RB@" "]" _line "${_line}")
        string(APPEND _code "${_line}\n")
      endif()
    elseif(_line MATCHES "^```(cpp|c\\+\\+|cc|cxx)$")
      if(NOT _previous MATCHES "^<!-- snippet: ([a-z-]+) -->$")
        fail("${_doc_name}: a ```cpp block without a '<!-- snippet: KIND -->' line before it "
             "(translation-unit, or a file of tests/user_project/snippets/): ${_previous}")
      endif()
      set(_kind "${CMAKE_MATCH_1}")
      set(_code "")
      set(_in_block TRUE)
    endif()
    set(_previous "${_line}")
  endforeach()
endforeach()
if(_snippet_count LESS 3)
  fail("found ${_snippet_count} C++ snippets in README.md and docs/*.md, expected at least 3")
endif()
list(JOIN _snippet_sources " " _snippet_list)
file(WRITE "${_snippets}/CMakeLists.txt"
"cmake_minimum_required(VERSION 3.25)
project(readme_snippets LANGUAGES CXX)
find_package(shardsim 0.1 REQUIRED)
add_library(readme_snippets OBJECT ${_snippet_list})
target_link_libraries(readme_snippets PRIVATE shardsim::properties)
")
set(_project "${_snippets}")  # run()'s working folder
shardsim_install_test_configure_args(_args "${_snippets}" "${_snippets}/build" "${_prefix}")
run("configure the README's and docs' C++ snippets" 0 COMMAND "${CMAKE_COMMAND}" ${_args})
run("compile the ${_snippet_count} C++ snippets of README.md and docs/*.md" 0
    COMMAND "${CMAKE_COMMAND}" --build "${_snippets}/build")
message(STATUS "UserProjectTest: the ${_snippet_count} C++ snippets of README.md and docs/*.md compile")
set(_project "${SHARDSIM_WORK_DIR}/my_loops")

# Make the project from the README.
shardsim_install_test_readme_block(_snippet "**5. Test your own loop.**")
# Beside the README's command, one with the catalogue too (step 4 compares them), and a test
# that names two REGISTER functions (tests/user_project/more_loops.cc), as shardsim_add_cli can.
file(WRITE "${_project}/CMakeLists.txt" "${_snippet}
shardsim_add_cli(my-shardsim-and-catalogue LIBRARIES my_loops REGISTER RegisterMyLoops CATALOGUE)
add_library(more_loops STATIC more_loops.cc)
target_link_libraries(more_loops PUBLIC shardsim::consumer)
add_executable(two_register_tests)
target_link_libraries(two_register_tests PRIVATE my_loops more_loops GTest::gtest_main)
shardsim_add_strategy_property(TARGET two_register_tests STRATEGY my-other-loop CASES 50
                               REGISTER RegisterMyLoops RegisterMoreLoops CLI my-shardsim)
")
file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/tests/user_project/my_loops.cc" "${_project}/my_loops.cc")
file(COPY_FILE "${SHARDSIM_SOURCE_DIR}/tests/user_project/more_loops.cc"
     "${_project}/more_loops.cc")
file(COPY "${SHARDSIM_SOURCE_DIR}/tests/user_project/corpus" DESTINATION "${_project}")

shardsim_install_test_build(_cli_path "the README's project" "${_project}" "${_build}" "${_prefix}"
                            my-shardsim)
# The command as the README runs it, from the project folder: build/my-shardsim.
file(RELATIVE_PATH _cli "${_project}" "${_cli_path}")
get_filename_component(_cli_dir "${_cli_path}" DIRECTORY)

# regex_escape(<out> <text>): `text` as a regular expression that matches it literally.
function(regex_escape out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  foreach(special IN ITEMS . + * ? ( ) ^ $ |)
    string(REPLACE "${special}" "\\${special}" text "${text}")
  endforeach()
  string(REPLACE "[" "\\[" text "${text}")
  string(REPLACE "]" "\\]" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
regex_escape(_cli_regex "${_cli}")
regex_escape(_cli_path_regex "${_cli_path}")

# 1. ctest, twice: both loops meet their expected verdicts; the same output each time (gtest's
# timings aside).
set(ENV{SHARDSIM_FAILURE_DIR} "${_project}/ctest-failures")
unset(ENV{SHARDSIM_SEED})
unset(ENV{SHARDSIM_CASES})
# Each round's output in a variable of its own: a report's lines hold `;`, which a CMake list
# would split on.
foreach(_round IN ITEMS 1 2)
  run("ctest, round ${_round}" 0 OUT _out
      COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${_build}" -V)
  string(REGEX REPLACE " *[0-9.]+ sec" "" _out "${_out}")  # ctest pads timings to a width
  string(REGEX REPLACE "\\([0-9]+ ms[^)]*\\)" "" _out "${_out}")
  string(REGEX REPLACE "Total Test time[^\n]*" "" _out "${_out}")
  set(_ctest${_round} "${_out}")
endforeach()
if(NOT _ctest1 STREQUAL _ctest2)
  file(WRITE "${SHARDSIM_WORK_DIR}/ctest-1.txt" "${_ctest1}")
  file(WRITE "${SHARDSIM_WORK_DIR}/ctest-2.txt" "${_ctest2}")
  fail("two ctest runs printed different output: compare ${SHARDSIM_WORK_DIR}/ctest-[12].txt")
endif()
# `ctest -R <loop>` selects the loop's tests: its property run and its corpus.
run("ctest -N -R my-team-loop" 0 OUT _out
    COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${_build}" -N -R my-team-loop)
if(NOT _out MATCHES "Test +#[0-9]+: my-team-loop\\.MeetsItsExpectedVerdict\n" OR
   NOT _out MATCHES "Test +#[0-9]+: my-team-loop\\.PassesTheRegressionCorpus\n" OR
   NOT _out MATCHES "Total Tests: 2\n")
  fail("ctest -R my-team-loop does not select exactly the loop's two tests:\n${_out}")
endif()
foreach(_want IN ITEMS "strategy my-team-loop, seed 1, 1000 cases"
                       "PASS my-team-loop: 1000 cases (seed 1)"
                       "[       OK ] Strategy_my_team_loopProperty.PassesTheRegressionCorpus"
                       "strategy my-buggy-loop, seed 1, 1000 cases"
                       "EXPECTED FAILURE my-buggy-loop: no_false_caught_up"
                       "PASS my-other-loop: 50 cases (seed 1)")
  string(FIND "${_ctest1}" "${_want}" _at)
  if(_at LESS 0)
    fail("ctest did not print '${_want}':\n${_ctest1}")
  endif()
endforeach()

# Pastes every line of `text` that starts (after spaces) with the command the regular
# expression `command` matches, then " replay", into a shell in the folder `where`, PATH as it
# is (the build folder is not on it), and checks the trace hash it ends with: a --scenario line
# replays the minimal scenario, whose hash the report prints; a --case line replays the case
# before shrinking, whose hash `check --output` recorded (when a result file is given).
function(paste_replay_lines what text result_json command where)
  string(REGEX MATCH "trace hash ([0-9a-f]+)\\):" _m "${text}")
  set(minimal_hash "${CMAKE_MATCH_1}")
  string(REGEX MATCHALL "  ${command} replay [^\n]*" lines "${text}")
  list(LENGTH lines count)
  if(count EQUAL 0 OR NOT minimal_hash)
    fail("${what}: no replay lines naming '${command}' or no minimal trace hash in\n${text}")
  endif()
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^  " "" line "${line}")
    string(REGEX REPLACE "   \\(the case before shrinking\\)$" "" command "${line}")
    execute_process(COMMAND sh -c "${command}"
                    WORKING_DIRECTORY "${where}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
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
  paste_replay_lines("check ${_shown}" "${_out}" "${_project}/buggy${_tag}.json" "${_cli_regex}"
                     "${_project}")
endforeach()
# ctest's lines name the command and the scenario by their full paths: they paste anywhere.
paste_replay_lines("ctest" "${_ctest1}" "" "${_cli_path_regex}" "${SHARDSIM_WORK_DIR}")

# 4. The command knows the user's loops (and the one built with CATALOGUE the catalogue's
# beside them), and a two-shard campaign of each loop, merged, equals one run of it.
run("my-shardsim list" 0 OUT _list COMMAND "${_cli}" list)
if(_list MATCHES "kcl-worker")
  fail("my-shardsim list shows the catalogue, built without CATALOGUE:\n${_list}")
endif()
run("my-shardsim-and-catalogue list" 0 OUT _list_all
    COMMAND "${_cli_dir}/my-shardsim-and-catalogue" list)
foreach(_name IN ITEMS my-team-loop my-buggy-loop kcl-worker)
  if(NOT _list_all MATCHES "${_name}")
    fail("my-shardsim-and-catalogue list does not show ${_name}:\n${_list_all}")
  endif()
endforeach()
# Its demo checks the loops it registers, and does not call them the catalogue's.
foreach(_command IN ITEMS my-shardsim my-shardsim-and-catalogue)
  run("${_command} demo" 0 OUT _demo COMMAND "${_cli_dir}/${_command}" demo --cases 1 --jobs 1)
  if(NOT _demo MATCHES "2\\. Every registered loop, 1 generated scenarios each" OR
     NOT _demo MATCHES "my-team-loop")
    fail("${_command} demo does not say it checks every registered loop:\n${_demo}")
  endif()
endforeach()
# Its errors name it, as its help and replay lines do.
run("my-shardsim with an unknown strategy" 2 ERR _error
    COMMAND "${_cli}" check --strategy no-such-loop)
if(NOT _error MATCHES "^my-shardsim: error: unknown strategy 'no-such-loop'")
  fail("my-shardsim's error does not start with its own name:\n${_error}")
endif()
foreach(_name IN ITEMS my-team-loop my-buggy-loop)
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
# A campaign of `check --all` (the user's loops): the merge of two shards exits, prints and
# writes what the unsharded run did.
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
foreach(_name IN ITEMS my-team-loop my-buggy-loop)
  if(NOT _all_text MATCHES "${_name}")
    fail("check --all of my-shardsim does not show ${_name}:\n${_all_text}")
  endif()
endforeach()
if(_all_text MATCHES "kcl-worker")
  fail("check --all of my-shardsim checks the catalogue, built without CATALOGUE:\n${_all_text}")
endif()
message(STATUS "UserProjectTest: check --all (exit ${_all_rc}): two shards merged equal one run")

# 5. A REGISTER function in an anonymous namespace: each CMake function's target fails to link,
# and the error says what the function must be.
set(_project "${SHARDSIM_WORK_DIR}/anonymous_register")
file(COPY "${SHARDSIM_SOURCE_DIR}/tests/user_project/anonymous_register/"
     DESTINATION "${_project}")
shardsim_install_test_configure_args(_args "${_project}" "${_project}/build" "${_prefix}")
run("configure a project whose REGISTER function is in an anonymous namespace" 0
    COMMAND "${CMAKE_COMMAND}" ${_args})
foreach(_target IN ITEMS hidden-shardsim hidden_loop_tests)
  run("build ${_target}, whose REGISTER function is in an anonymous namespace" "" RC _rc
      OUT _out ERR _err COMMAND "${CMAKE_COMMAND}" --build "${_project}/build" --target ${_target})
  set(_hint "REGISTER_RegisterHiddenLoops_must_be_defined_with_external_linkage_not_static_nor_in_an_anonymous_namespace")
  if(_rc EQUAL 0 OR NOT "${_out}${_err}" MATCHES "${_hint}\\(\\)"
     OR NOT "${_out}${_err}" MATCHES "undefined (reference to `|symbol: )RegisterHiddenLoops\\(")
    fail("building ${_target} (exit ${_rc}) did not fail with an undefined reference to "
         "RegisterHiddenLoops in ${_hint}():\n${_out}${_err}")
  endif()
  message(STATUS "UserProjectTest: ${_target}: the link error names ${_hint}")
endforeach()
message(STATUS "UserProjectTest: passed")
