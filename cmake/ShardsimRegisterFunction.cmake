# The registration functions named by REGISTER in shardsim_add_cli and
# shardsim_add_strategy_property: how generated sources declare and call them.
include_guard(GLOBAL)

# For a generated source: the declaration of `function` (a name, possibly namespaced) and the
# expression that calls RegisterOnce with it.
function(_shardsim_register_code function out_declaration out_call)
  if(NOT function MATCHES "^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "shardsim: REGISTER '${function}' is not a C++ function name")
  endif()
  string(REGEX REPLACE "::[^:]*$" "" namespace "${function}")
  string(REGEX REPLACE "^.*::" "" name "${function}")
  set(declaration "absl::Status ${name}(shardsim::consumer::StrategyRegistry& registry);")
  if(NOT namespace STREQUAL function)
    set(declaration "namespace ${namespace} { ${declaration} }")
  endif()
  set(${out_declaration} "${declaration}" PARENT_SCOPE)
  set(${out_call} "::${function}" PARENT_SCOPE)
endfunction()

