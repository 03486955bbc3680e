# Install smoke test, run as a script:
#
#   cmake -DSHARDSIM_SOURCE_DIR=<repo> -DSHARDSIM_BUILD_DIR=<built tree> \
#         [-DSHARDSIM_CONFIG=Release] [-DSHARDSIM_GENERATOR=Ninja] \
#         [-DSHARDSIM_CXX_COMPILER=/usr/bin/g++] [-DSHARDSIM_WORK_DIR=<scratch>] \
#         -P cmake/InstallSmokeTest.cmake
#
# Installs the built tree into a fresh prefix, configures and builds
# examples/installed_consumer against that prefix with find_package(shardsim), runs it and
# checks what it prints. Fails (non-zero exit) at the first step that goes wrong. The scratch
# folder defaults to <built tree>/install-smoke and is wiped first. The generator, C++ compiler
# and build type default to those in the built tree's CMakeCache.txt.
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/ShardsimInstallTestSteps.cmake")
shardsim_install_test_setup(InstallSmokeTest install-smoke)

set(_prefix "${SHARDSIM_WORK_DIR}/prefix")
set(_consumer_build "${SHARDSIM_WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${SHARDSIM_WORK_DIR}")

function(run_step what)
  message(STATUS "InstallSmokeTest: ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "InstallSmokeTest: ${what} failed (${rc})")
  endif()
endfunction()

# 1. Install.
shardsim_install_test_install("${_prefix}")
if(NOT EXISTS "${_prefix}/include/shardsim/sim/time.h")
  message(FATAL_ERROR "InstallSmokeTest: include/shardsim/sim/time.h was not installed")
endif()

# 2. Configure the consumer against the prefix only: no package registry, so that a shardsim
# found elsewhere on the machine cannot stand in for the one just installed.
shardsim_install_test_configure_args(_configure_args
  "${SHARDSIM_SOURCE_DIR}/examples/installed_consumer" "${_consumer_build}" "${_prefix}")
run_step("configure examples/installed_consumer" "${CMAKE_COMMAND}" ${_configure_args})

file(STRINGS "${_consumer_build}/CMakeCache.txt" _found_dir REGEX "^shardsim_DIR:")
string(REGEX REPLACE "^shardsim_DIR:[A-Z]+=" "" _found_dir "${_found_dir}")
string(FIND "${_found_dir}" "${_prefix}/" _at)
if(NOT _at EQUAL 0)
  message(FATAL_ERROR
    "InstallSmokeTest: the consumer found shardsim in '${_found_dir}', not under ${_prefix}")
endif()

# 3. Build and run it.
set(_build_args --build "${_consumer_build}")
if(SHARDSIM_CONFIG)
  list(APPEND _build_args --config "${SHARDSIM_CONFIG}")
endif()
run_step("build examples/installed_consumer" "${CMAKE_COMMAND}" ${_build_args})

# Found by name, so that multi-config generators (which add a <config>/ folder) work too.
file(GLOB_RECURSE _exe LIST_DIRECTORIES false "${_consumer_build}/installed_consumer")
if(NOT _exe)
  message(FATAL_ERROR "InstallSmokeTest: no installed_consumer executable in ${_consumer_build}")
endif()
list(GET _exe 0 _exe)
execute_process(COMMAND "${_exe}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message(STATUS "InstallSmokeTest: installed_consumer printed:\n${_out}${_err}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "InstallSmokeTest: installed_consumer exited with ${_rc}")
endif()
if(NOT _out MATCHES "PASS my-team-loop on a-day-of-silence" OR
   NOT _out MATCHES "PASS my-team-loop on a-day-down" OR
   NOT _out MATCHES "PASS my-team-loop: 1000 generated cases \\(seed 1\\)")
  message(FATAL_ERROR "InstallSmokeTest: installed_consumer printed something unexpected")
endif()
# 4. It links only what its own strategy needs: its registry holds its strategy alone, and its
# link line names no catalogue library.
if(NOT _out MATCHES "registered strategies: my-team-loop\n")
  message(FATAL_ERROR "InstallSmokeTest: the consumer's registry holds more than its own strategy")
endif()
if(NOT EXISTS "${_prefix}/include/shardsim/catalogue/catalogue.h")
  message(FATAL_ERROR "InstallSmokeTest: the catalogue was not installed")
endif()
file(GLOB_RECURSE _link_files "${_consumer_build}/*link.txt" "${_consumer_build}/build.ninja")
set(_link_lines "")
foreach(_file IN LISTS _link_files)
  file(STRINGS "${_file}" _lines REGEX "installed_consumer")
  string(APPEND _link_lines "${_lines}")
endforeach()
if(NOT _link_lines MATCHES "shardsim_properties")
  message(FATAL_ERROR "InstallSmokeTest: no link line of installed_consumer found to inspect")
endif()
if(_link_lines MATCHES "shardsim_catalogue")
  message(FATAL_ERROR "InstallSmokeTest: installed_consumer links the catalogue")
endif()
message(STATUS "InstallSmokeTest: passed")
