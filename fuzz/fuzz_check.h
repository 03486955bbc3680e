// FUZZ_CHECK: the property a fuzz target asserts about what it decoded. A failure prints the
// property and a detail, then aborts, so libFuzzer keeps the input as a crash and prints the
// reproducer. Used only by the targets in fuzz/ (the libraries use SHARDSIM_CHECK).
#ifndef SHARDSIM_FUZZ_FUZZ_CHECK_H_
#define SHARDSIM_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace shardsim::fuzz {

[[noreturn]] inline void FuzzCheckFailed(const char* file, int line, const char* condition,
                                         std::string_view detail) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n  %.*s\n", file, line, condition,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace shardsim::fuzz

#define FUZZ_CHECK(condition, detail)                                              \
  do {                                                                             \
    if (!(condition)) {                                                            \
      ::shardsim::fuzz::FuzzCheckFailed(__FILE__, __LINE__, #condition, (detail)); \
    }                                                                              \
  } while (false)

#endif  // SHARDSIM_FUZZ_FUZZ_CHECK_H_
