// Debian's Abseil is built with its own absl::string_view (not std::string_view): AV() passes a
// std::string_view to Abseil's string functions, and Cat() is absl::StrCat taking either.
#ifndef SHARDSIM_SERVER_STRINGS_H_
#define SHARDSIM_SERVER_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace shardsim::server {

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace strings_internal {
inline absl::string_view Arg(std::string_view s) { return AV(s); }
inline absl::string_view Arg(const std::string& s) { return AV(s); }
inline absl::string_view Arg(const char* s) { return absl::string_view(s); }
template <typename T>
const T& Arg(const T& v) {
  return v;
}
}  // namespace strings_internal

template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(strings_internal::Arg(args)...);
}

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_STRINGS_H_
