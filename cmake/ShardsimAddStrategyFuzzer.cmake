# shardsim_add_strategy_fuzzer(<name> [SOURCES <file>...] [LIBRARIES <target>...]
#                              [REGISTER <function>...] [CATALOGUE] [CLI <command>])
#
# Builds <name>, a libFuzzer executable whose inputs are scenarios (see strategy_fuzzer.cc): it
# runs a strategy on each, guided by the run's domain signal and a structural scenario mutator,
# and a finding is a verdict other than the strategy's expected one (with --report-expected or
# SHARDSIM_FUZZ_REPORT_EXPECTED=1, the expected one too), shrunk and saved as scenario files.
# REGISTER names your registration functions, `absl::Status F(shardsim::consumer::
# StrategyRegistry& registry)`, as in shardsim_add_cli; CATALOGUE also registers the built-in
# catalogue (linking shardsim::catalogue). CLI names the command a finding's replay line runs:
# your shardsim_add_cli target, defined before this call (the line gives its full path), or a
# command name; `shardsim` by default. The strategy is chosen when the fuzzer runs:
# SHARDSIM_FUZZ_STRATEGY=NAME or `--strategy=NAME`.
#
# Needs clang (libFuzzer), and nothing else of the build: in any build type, sanitized or not,
# the executable is compiled and linked with -fsanitize=fuzzer,address,undefined (UBSan without
# its vptr check, whose branches depend on where ASLR put the vtables). Each target of
# this project in LIBRARIES is compiled a second time, as <target>_shardsim_fuzz, with
# -fsanitize=fuzzer-no-link,address,undefined, so libFuzzer's coverage guidance sees the branches
# of your loop and ASan+UBSan check them, while the target itself stays as it is for your other
# executables (your shardsim_add_cli command, your tests). shardsim's own libraries are used as
# installed: from a Release install they carry no coverage instrumentation and no sanitizer
# (tests/fuzz_user_project and cmake/StrategyFuzzerInstallTest.cmake build and run exactly
# that); in shardsim's own SHARDSIM_FUZZERS build (fuzz/) they are instrumented too.
#
#   shardsim_add_strategy_fuzzer(my_loop_fuzzer LIBRARIES my_loops REGISTER RegisterMyLoops
#                                CLI my-shardsim)
#   mkdir corpus && SHARDSIM_FUZZ_STRATEGY=my-team-loop ./my_loop_fuzzer -max_total_time=600 corpus/
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ShardsimRegisterFunction.cmake")
# In the source tree the fuzzer's source is fuzz/; in an install it sits beside this file.
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/strategy_fuzzer.cc")
  set(_shardsim_strategy_fuzzer_source "${CMAKE_CURRENT_LIST_DIR}/strategy_fuzzer.cc")
else()
  set(_shardsim_strategy_fuzzer_source "${CMAKE_CURRENT_LIST_DIR}/../fuzz/strategy_fuzzer.cc")
endif()

# <library> compiled again for the fuzzer: the same sources, usage requirements and language
# settings, plus the coverage and sanitizer flags. The copy's name in `out`.
function(_shardsim_fuzz_copy_of library flags out)
  set(copy "${library}_shardsim_fuzz")
  set(${out} "${copy}" PARENT_SCOPE)
  if(TARGET ${copy})
    return()
  endif()
  get_target_property(sources ${library} SOURCES)
  get_target_property(source_dir ${library} SOURCE_DIR)
  get_target_property(binary_dir ${library} BINARY_DIR)
  set(absolute "")
  foreach(source IN LISTS sources)
    if(IS_ABSOLUTE "${source}" OR source MATCHES "^\\$<")
      list(APPEND absolute "${source}")
    elseif(EXISTS "${source_dir}/${source}")
      list(APPEND absolute "${source_dir}/${source}")
    else()
      list(APPEND absolute "${binary_dir}/${source}")
    endif()
  endforeach()
  add_library(${copy} STATIC ${absolute})
  foreach(property IN ITEMS INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS
                            COMPILE_FEATURES LINK_LIBRARIES INTERFACE_INCLUDE_DIRECTORIES
                            INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS
                            INTERFACE_COMPILE_FEATURES INTERFACE_LINK_LIBRARIES CXX_STANDARD
                            CXX_STANDARD_REQUIRED CXX_EXTENSIONS POSITION_INDEPENDENT_CODE)
    get_target_property(value ${library} ${property})
    if(NOT value STREQUAL "value-NOTFOUND")
      set_property(TARGET ${copy} PROPERTY ${property} "${value}")
    endif()
  endforeach()
  target_compile_options(${copy} PRIVATE ${flags})
endfunction()

function(shardsim_add_strategy_fuzzer name)
  cmake_parse_arguments(arg "CATALOGUE" "CLI" "SOURCES;LIBRARIES;REGISTER" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "shardsim_add_strategy_fuzzer: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "shardsim_add_strategy_fuzzer(${name}) needs clang++ (libFuzzer)")
  endif()
  if(NOT arg_REGISTER AND NOT arg_CATALOGUE)
    message(FATAL_ERROR "shardsim_add_strategy_fuzzer(${name}): give REGISTER <function> or CATALOGUE")
  endif()
  # The replay line names the command by its full path when CLI is a target defined already
  # (so that it pastes from any folder), else as given.
  if(NOT arg_CLI)
    set(cli shardsim)
  elseif(TARGET ${arg_CLI})
    set(cli "$<TARGET_FILE:${arg_CLI}>")
  else()
    set(cli "${arg_CLI}")
  endif()
  set(catalogue "")
  if(arg_CATALOGUE)
    set(catalogue CATALOGUE)
  endif()
  _shardsim_registration_source(ShardsimFuzzRegisterStrategies registration ${catalogue}
                                REGISTER ${arg_REGISTER})
  set(source "${CMAKE_CURRENT_BINARY_DIR}/${name}_register.cc")
  file(GENERATE OUTPUT "${source}" CONTENT
"// Generated by shardsim_add_strategy_fuzzer(${name}); do not edit.
${registration}
// The command a finding's replay line names.
extern const char kShardsimFuzzCli[] = \"${cli}\";
")
  # No vptr check: its cache is indexed by vtable addresses (ASLR), and its branches would make
  # the coverage, so a seed's run, differ from run to run.
  set(sanitize -fsanitize=address,undefined -fno-sanitize-recover=all -fno-sanitize=function
               -fno-sanitize=vptr)
  add_executable(${name} "${_shardsim_strategy_fuzzer_source}" "${source}" ${arg_SOURCES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${sanitize})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer ${sanitize})
  target_link_libraries(${name} PRIVATE shardsim::properties)
  foreach(library IN LISTS arg_LIBRARIES)
    set(linked ${library})
    if(TARGET ${library})
      get_target_property(aliased ${library} ALIASED_TARGET)
      get_target_property(imported ${library} IMPORTED)
      get_target_property(type ${library} TYPE)
      if(NOT aliased AND NOT imported AND NOT type STREQUAL "INTERFACE_LIBRARY")
        _shardsim_fuzz_copy_of(${library} "-fsanitize=fuzzer-no-link;${sanitize}" linked)
      endif()
    endif()
    target_link_libraries(${name} PRIVATE ${linked})
  endforeach()
  if(arg_CATALOGUE)
    target_link_libraries(${name} PRIVATE shardsim::catalogue)
  endif()
endfunction()
