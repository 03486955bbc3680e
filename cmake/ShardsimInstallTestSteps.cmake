# The steps the install tests share (InstallSmokeTest.cmake, UserProjectTest.cmake,
# StrategyFuzzerInstallTest.cmake, each run as a script with -P): reading their arguments,
# installing the built tree into a fresh prefix, and configuring a project against that prefix
# the way the built tree was configured.
include_guard(GLOBAL)

# Checks -DSHARDSIM_SOURCE_DIR and -DSHARDSIM_BUILD_DIR (made absolute); SHARDSIM_GENERATOR,
# SHARDSIM_CXX_COMPILER and SHARDSIM_CONFIG default to the built tree's CMAKE_GENERATOR,
# CMAKE_CXX_COMPILER and CMAKE_BUILD_TYPE; SHARDSIM_WORK_DIR defaults to <built tree>/<work_name>.
# `test` names the test in its messages. A macro: it sets those variables for the script.
macro(shardsim_install_test_setup test work_name)
  set(SHARDSIM_INSTALL_TEST "${test}")
  foreach(_var IN ITEMS SHARDSIM_SOURCE_DIR SHARDSIM_BUILD_DIR)
    if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
      message(FATAL_ERROR "${test}: pass -D${_var}=<path>")
    endif()
    get_filename_component(${_var} "${${_var}}" ABSOLUTE)
  endforeach()
  if(NOT EXISTS "${SHARDSIM_BUILD_DIR}/cmake_install.cmake")
    message(FATAL_ERROR "${test}: ${SHARDSIM_BUILD_DIR} is not a configured build tree")
  endif()
  foreach(_pair IN ITEMS GENERATOR:CMAKE_GENERATOR CXX_COMPILER:CMAKE_CXX_COMPILER
                         CONFIG:CMAKE_BUILD_TYPE)
    string(REPLACE ":" ";" _pair "${_pair}")
    list(GET _pair 0 _ours)
    list(GET _pair 1 _cache_key)
    if(NOT SHARDSIM_${_ours})
      file(STRINGS "${SHARDSIM_BUILD_DIR}/CMakeCache.txt" _line REGEX "^${_cache_key}:[A-Z]+=")
      string(REGEX REPLACE "^${_cache_key}:[A-Z]+=" "" SHARDSIM_${_ours} "${_line}")
    endif()
  endforeach()
  if(NOT SHARDSIM_WORK_DIR)
    set(SHARDSIM_WORK_DIR "${SHARDSIM_BUILD_DIR}/${work_name}")
  endif()
endmacro()

# Installs the built tree into `prefix`; stops the script with the output of a failed install.
function(shardsim_install_test_install prefix)
  set(args --install "${SHARDSIM_BUILD_DIR}" --prefix "${prefix}")
  if(SHARDSIM_CONFIG)
    list(APPEND args --config "${SHARDSIM_CONFIG}")
  endif()
  message(STATUS "${SHARDSIM_INSTALL_TEST}: install into ${prefix}")
  execute_process(COMMAND "${CMAKE_COMMAND}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SHARDSIM_INSTALL_TEST}: install into ${prefix} failed (${rc})\n${out}${err}")
  endif()
endfunction()

# The arguments of `cmake` that configure the project in `source` into `build` against
# `prefix` only, with the built tree's generator, compiler and build type: no package registry,
# so that a shardsim found elsewhere on the machine cannot stand in for the one just installed.
function(shardsim_install_test_configure_args out source build prefix)
  set(args -S "${source}" -B "${build}" "-DCMAKE_PREFIX_PATH=${prefix}"
           -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  if(SHARDSIM_GENERATOR)
    list(APPEND args -G "${SHARDSIM_GENERATOR}")
  endif()
  if(SHARDSIM_CXX_COMPILER)
    list(APPEND args "-DCMAKE_CXX_COMPILER=${SHARDSIM_CXX_COMPILER}")
  endif()
  if(SHARDSIM_CONFIG)
    list(APPEND args "-DCMAKE_BUILD_TYPE=${SHARDSIM_CONFIG}")
  endif()
  set(${out} "${args}" PARENT_SCOPE)
endfunction()

# fail(<what>): stops the script, naming the test.
function(fail what)
  message(FATAL_ERROR "${SHARDSIM_INSTALL_TEST}: ${what}")
endfunction()

# shardsim_install_test_readme_block(<out> <heading>): the first ```cmake block of README.md
# after the line `heading` starts, so that a test builds what the README shows.
function(shardsim_install_test_readme_block out heading)
  file(READ "${SHARDSIM_SOURCE_DIR}/README.md" readme)
  string(FIND "${readme}" "${heading}" at)
  if(at LESS 0)
    fail("README.md has no '${heading}'")
  endif()
  string(SUBSTRING "${readme}" ${at} -1 readme)
  string(FIND "${readme}" "```cmake\n" begin)
  if(begin LESS 0)
    fail("README.md has no ```cmake block after '${heading}'")
  endif()
  math(EXPR begin "${begin} + 9")
  string(SUBSTRING "${readme}" ${begin} -1 readme)
  string(FIND "${readme}" "```" end)
  string(SUBSTRING "${readme}" 0 ${end} block)
  set(${out} "${block}" PARENT_SCOPE)
endfunction()

# run(<what> <expected exit> [OUT <var>] [ERR <var>] COMMAND ...): runs the command in the
# script's project folder (its variable _project), checks its exit status and keeps its stdout
# (OUT) and stderr (ERR). The expected exit is a number, "" for any, or "crash" for any but 0
# and 2 (2: a usage error).
function(run what expected_rc)
  cmake_parse_arguments(arg "" "OUT;ERR;RC" "COMMAND" ${ARGN})
  message(STATUS "${SHARDSIM_INSTALL_TEST}: ${what}")
  execute_process(COMMAND ${arg_COMMAND} WORKING_DIRECTORY "${_project}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expected_rc STREQUAL "crash")
    set(ok TRUE)
    if(rc STREQUAL "0" OR rc STREQUAL "2")
      set(ok FALSE)
    endif()
  elseif(expected_rc STREQUAL "" OR rc STREQUAL "${expected_rc}")
    set(ok TRUE)
  else()
    set(ok FALSE)
  endif()
  if(NOT ok)
    fail("${what}: exit ${rc}, expected ${expected_rc}\n${out}${err}")
  endif()
  if(arg_OUT)
    set(${arg_OUT} "${out}" PARENT_SCOPE)
  endif()
  if(arg_ERR)
    set(${arg_ERR} "${err}" PARENT_SCOPE)
  endif()
  if(arg_RC)
    set(${arg_RC} "${rc}" PARENT_SCOPE)
  endif()
endfunction()

# Configures the project in `source` into `build` against `prefix` (see
# shardsim_install_test_configure_args), builds it, and sets `out` to the path of the built
# executable `executable`; `what` names the project in the messages.
function(shardsim_install_test_build out what source build prefix executable)
  shardsim_install_test_configure_args(configure_args "${source}" "${build}" "${prefix}")
  run("configure ${what}" 0 COMMAND "${CMAKE_COMMAND}" ${configure_args})
  run("build ${what}" 0 COMMAND "${CMAKE_COMMAND}" --build "${build}")
  file(GLOB_RECURSE found LIST_DIRECTORIES false "${build}/${executable}")
  if(NOT found)
    fail("no ${executable} in ${build}")
  endif()
  list(GET found 0 found)
  set(${out} "${found}" PARENT_SCOPE)
endfunction()
