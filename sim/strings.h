// The one bridge between std::string_view and absl::string_view.
//
// Debian's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW 0, so absl::string_view is its
// own type there and neither converts implicitly to the other (nor does either build a
// std::string without a cast). Code that crosses the boundary says so with these.
#ifndef SHARDSIM_SIM_STRINGS_H_
#define SHARDSIM_SIM_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace shardsim::sim {

inline std::string ToString(std::string_view text) { return std::string(text); }
inline std::string ToString(absl::string_view text) {
  return std::string(text.data(), text.size());
}

inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}
inline std::string_view ToStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

namespace strings_internal {
inline absl::string_view Arg(std::string_view s) { return ToAbsl(s); }
inline absl::string_view Arg(const std::string& s) { return ToAbsl(s); }
inline absl::string_view Arg(const char* s) { return absl::string_view(s); }
template <typename T>
const T& Arg(const T& v) {
  return v;
}
}  // namespace strings_internal

// absl::StrCat taking std::string_view arguments too.
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(strings_internal::Arg(args)...);
}

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_STRINGS_H_
