# The registration functions named by REGISTER in shardsim_add_cli, shardsim_add_strategy_property
# and shardsim_add_strategy_fuzzer: how generated sources declare and call them.
#
# Each function is declared in the generated source and referenced from a small function whose
# name says what is expected of it, REGISTER_<name>_must_be_defined_with_external_linkage_...:
# a REGISTER function that is not defined with external linkage (in an anonymous namespace,
# `static`, misspelt, or in a library that is not linked) is a link error, and the linker's
# "in function `REGISTER_RegisterMyLoops_must_be_defined_with_external_linkage_not_static_nor_in_
# an_anonymous_namespace()': undefined reference to `RegisterMyLoops(...)'" says why.
include_guard(GLOBAL)

# For a generated source: in `out_declaration`, the declaration of `function` (a name, possibly
# namespaced) and the function that references it; in `out_pointer`, an expression whose value
# is the address of `function` (of type
# `absl::Status (*)(shardsim::consumer::StrategyRegistry&)`).
function(_shardsim_register_code function out_declaration out_pointer)
  if(NOT function MATCHES "^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "shardsim: REGISTER '${function}' is not a C++ function name")
  endif()
  string(REGEX REPLACE "::[^:]*$" "" namespace "${function}")
  string(REGEX REPLACE "^.*::" "" name "${function}")
  set(declaration "absl::Status ${name}(shardsim::consumer::StrategyRegistry& registry);")
  if(NOT namespace STREQUAL function)
    set(declaration "namespace ${namespace} { ${declaration} }")
  endif()
  set(namespace_text "")
  if(NOT namespace STREQUAL function)
    set(namespace_text " (in namespace ${namespace})")
  endif()
  string(REPLACE "::" "_" flat "${function}")
  set(hint "REGISTER_${flat}_must_be_defined_with_external_linkage_not_static_nor_in_an_anonymous_namespace")
  set(${out_declaration}
"// REGISTER ${function}: your registration function, defined in your sources as
//   absl::Status ${name}(shardsim::consumer::StrategyRegistry& registry)
// at namespace scope${namespace_text} with external linkage: not `static`, not in an anonymous
// namespace. Otherwise the link fails with \"undefined reference to ${name}\" in the function
// below, whose name says so.
${declaration}
[[gnu::noinline]] inline auto ${hint}() { return &::${function}; }" PARENT_SCOPE)
  set(${out_pointer} "${hint}()" PARENT_SCOPE)
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
    _shardsim_register_code("${function}" declaration pointer)
    string(APPEND declarations "${declaration}\n\n")
    string(APPEND calls "  if (const absl::Status s = ${pointer}(registry); !s.ok()) {\n"
                        "    return absl::Status(s.code(), \"${function}: \" + std::string(s.message()));\n"
                        "  }\n")
  endforeach()
  set(${out_code}
"${includes}
${declarations}absl::Status ${c_function}(shardsim::consumer::StrategyRegistry& registry) {
${calls}  return absl::OkStatus();
}
" PARENT_SCOPE)
endfunction()
