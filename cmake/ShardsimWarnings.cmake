# shardsim_target_defaults(<target>): the language level, warnings and floating-point rules
# every shardsim target uses. Floating-point contraction is off so that the few places that use
# doubles (the random generator's real numbers) give the same bits on every build.
# SHARDSIM_WARNINGS_AS_ERRORS (the `ci` preset) makes every warning fail the build.
option(SHARDSIM_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
function(shardsim_target_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -ffp-contract=off)
  if(SHARDSIM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
