#include "cli/common.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace shardsim::cli {

std::string Str(absl::string_view v) { return std::string(v); }

uint64_t ParseUnsigned(std::string_view flag, const std::string& text, uint64_t min,
                       uint64_t max) {
  const std::string name(flag);
  if (text.empty()) throw InputError(absl::StrCat(name, " needs a number"));
  if (text[0] == '-') {
    throw InputError(absl::StrCat(name, " must not be negative, got '", text, "'"));
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      throw InputError(absl::StrCat(name, " must be a whole number, got '", text, "'"));
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      throw InputError(absl::StrCat(name, " is too large: '", text, "'"));
    }
    value = value * 10 + digit;
  }
  if (value < min || value > max) {
    if (max == UINT64_MAX) {
      throw InputError(absl::StrCat(name, " must be at least ", min, ", got ", text));
    }
    throw InputError(absl::StrCat(name, " must be between ", min, " and ", max, ", got ", text));
  }
  return value;
}

std::optional<uint64_t> UnsignedFromEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return ParseUnsigned(absl::StrCat("environment variable ", name), value);
}

const consumer::StrategyInfo& FindStrategy(const std::string& name) {
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(name);
  if (info == nullptr) {
    throw InputError(absl::StrCat("unknown strategy '", name,
                                  "' (shardsim list shows the strategies)"));
  }
  return *info;
}

model::BucketProfile ParseProfile(const std::string& text) {
  const absl::StatusOr<model::BucketProfile> profile = model::BucketProfile::Parse(text);
  if (!profile.ok()) throw InputError(Str(profile.status().message()));
  return *profile;
}

void Print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void PrintJson(const nlohmann::json& value) { Print(value.dump(2) + "\n"); }

}  // namespace shardsim::cli
