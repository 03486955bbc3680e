// Always-on invariant checks.
//
// SHARDSIM_CHECK(condition, message) stops the program with the file, line, failed condition
// and message when `condition` is false. It is compiled in every build type (NDEBUG does not
// remove it): a simulator whose invariants are only checked in debug builds can report
// results that are silently wrong. Use it for broken invariants only; errors a caller can
// cause are returned as absl::Status.
#ifndef SHARDSIM_SIM_CHECK_H_
#define SHARDSIM_SIM_CHECK_H_

#include <string_view>

namespace shardsim::sim::check_internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              std::string_view message);
}  // namespace shardsim::sim::check_internal

#define SHARDSIM_CHECK(condition, message)                                                   \
  do {                                                                                       \
    if (__builtin_expect(!(condition), 0)) {                                                 \
      ::shardsim::sim::check_internal::CheckFailed(__FILE__, __LINE__, #condition, message); \
    }                                                                                        \
  } while (false)

#endif  // SHARDSIM_SIM_CHECK_H_
