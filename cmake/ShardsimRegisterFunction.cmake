# The registration functions named by REGISTER in shardsim_add_cli, shardsim_add_strategy_property
# and shardsim_add_strategy_fuzzer: how generated sources declare and call them.
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


# For a generated source (shardsim_add_cli, shardsim_add_strategy_fuzzer): C++ text defining
# `absl::Status <c_function>(shardsim::consumer::StrategyRegistry& registry)`, which registers
# the built-in catalogue first (CATALOGUE) and then calls each REGISTER function in order; the
# first error stops it and comes back with the function's name in front of its message.
function(_shardsim_registration_source c_function out_code)
  cmake_parse_arguments(arg "CATALOGUE" "" "REGISTER" ${ARGN})
  set(includes "#include <string>\n\n#include \"absl/status/status.h\"\n")
  set(declarations "")
  set(calls "")
  if(arg_CATALOGUE)
    string(APPEND includes "#include \"catalogue/catalogue.h\"\n")
    string(APPEND calls "  shardsim::catalogue::RegisterCatalogue(registry);\n")
  endif()
  string(APPEND includes "#include \"consumer/strategy_registry.h\"\n")
  foreach(function IN LISTS arg_REGISTER)
    _shardsim_register_code("${function}" declaration call)
    string(APPEND declarations "${declaration}\n")
    string(APPEND calls "  if (const absl::Status s = ${call}(registry); !s.ok()) {\n"
                        "    return absl::Status(s.code(), \"${function}: \" + std::string(s.message()));\n"
                        "  }\n")
  endforeach()
  set(${out_code}
"${includes}
${declarations}
absl::Status ${c_function}(shardsim::consumer::StrategyRegistry& registry) {
${calls}  return absl::OkStatus();
}
" PARENT_SCOPE)
endfunction()
