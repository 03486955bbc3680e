# Install rules and the CMake package, so that another project can say
#
#   find_package(shardsim REQUIRED)                       # every installed library
#   find_package(shardsim REQUIRED COMPONENTS sim)        # only what it names (and below)
#   target_link_libraries(app PRIVATE shardsim::sim)
#
# Each library target `shardsim_<lib>` (EXPORT_NAME `<lib>`) is installed with the public
# headers of its source folder, `<lib>/**/*.h` outside `internal/` folders, into
# `${CMAKE_INSTALL_INCLUDEDIR}/shardsim/<lib>/`, so that `#include "sim/time.h"` works the same
# in the tree and from an installed prefix. Headers under `internal/` are the libraries' own and
# are not installed, except the few that a public header still includes (listed below, each
# with the header that needs it); the user-project install test fails when an installed
# internal header is not reachable from a public one, or one that is reachable is missing. Libraries
# that do not exist in this build are skipped, and the
# package config then only offers what was installed.
#
# Included at the end of the top-level CMakeLists.txt, after every library target exists.

include(CMakePackageConfigHelpers)

option(SHARDSIM_INSTALL "Generate shardsim's install rules and CMake package"
       ${shardsim_is_top_level})
if(NOT SHARDSIM_INSTALL)
  return()
endif()

set(SHARDSIM_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/shardsim"
    CACHE STRING "Where shardsimConfig.cmake is installed, relative to the prefix")

# Libraries in dependency order: each one may depend on those before it.
set(_shardsim_installed_components "")
foreach(_lib IN ITEMS sim model server consumer properties timeline clientcheck catalogue cli)
  if(TARGET shardsim_${_lib})
    list(APPEND _shardsim_installed_components ${_lib})
  endif()
endforeach()

foreach(_lib IN LISTS _shardsim_installed_components)
  install(TARGETS shardsim_${_lib}
    EXPORT shardsimTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/shardsim)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${_lib}/"
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/shardsim/${_lib}
    FILES_MATCHING PATTERN "*.h"
    PATTERN "internal" EXCLUDE)

  # The sanitizer flags are set per directory in this build; a static library built with them
  # needs the sanitizer runtimes at link time, so the installed targets say so themselves.
  if(SHARDSIM_SANITIZE)
    target_link_options(shardsim_${_lib} INTERFACE
      "$<INSTALL_INTERFACE:-fsanitize=address,undefined>")
  endif()
endforeach()


# The GoogleTest glue for property runs, and the CMake function that uses it.
if(TARGET shardsim_gtest_property)
  install(TARGETS shardsim_gtest_property
    EXPORT shardsimTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  if(SHARDSIM_SANITIZE)
    target_link_options(shardsim_gtest_property INTERFACE
      "$<INSTALL_INTERFACE:-fsanitize=address,undefined>")
  endif()
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/ShardsimPropertyTest.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/ShardsimRegisterFunction.cmake"
    DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})
endif()

if(TARGET shardsim)
  install(TARGETS shardsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
# shardsim_add_cli: a user's own command from shardsim::cli.
if(TARGET shardsim_cli)
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/ShardsimAddCli.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/ShardsimRegisterFunction.cmake"
    DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})
endif()

# shardsim_add_strategy_fuzzer: a libFuzzer target for a user's own strategies (needs clang).
install(FILES "${PROJECT_SOURCE_DIR}/cmake/ShardsimAddStrategyFuzzer.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/ShardsimRegisterFunction.cmake"
  "${PROJECT_SOURCE_DIR}/fuzz/strategy_fuzzer.cc"
  DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})

install(EXPORT shardsimTargets
  NAMESPACE shardsim::
  FILE shardsimTargets.cmake
  DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})

# Read by shardsimConfig.cmake.in.
set(SHARDSIM_CONFIG_COMPONENTS "${_shardsim_installed_components}")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/shardsimConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/shardsimConfig.cmake"
  INSTALL_DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})
# 0.x: a minor release may break the API, so only the same 0.minor satisfies a request.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/shardsimConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/shardsimConfig.cmake"
  "${PROJECT_BINARY_DIR}/shardsimConfigVersion.cmake"
  DESTINATION ${SHARDSIM_INSTALL_CMAKEDIR})

unset(_lib)
unset(_shardsim_installed_components)
