#include "cli/number_flags.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "sim/time.h"

namespace shardsim::cli {

namespace {

constexpr char kDigits[] = "0123456789";
constexpr char kUint64Max[] = "18446744073709551615";

// The problem with `text` as a decimal unsigned 64-bit number, or "" if there is none.
std::string DecimalProblem(const std::string& text) {
  if (text.empty()) return "needs a number";
  if (text[0] == '-') return absl::StrCat("must not be negative, got '", text, "'");
  if (text.find_first_not_of(kDigits) != std::string::npos) {
    return absl::StrCat("must be a whole number, got '", text, "'");
  }
  const std::string digits = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
  const std::string max = kUint64Max;
  if (digits.size() > max.size() || (digits.size() == max.size() && digits > max)) {
    return absl::StrCat("is too large for 64 bits: '", text, "'");
  }
  return "";
}

}  // namespace

std::string RangeText(uint64_t min, uint64_t max, uint64_t type_max) {
  return max == type_max ? absl::StrCat("at least ", min) : absl::StrCat(min, " to ", max);
}

CLI::Validator DecimalOnly(const std::string& source) {
  return CLI::Validator(
      [source](std::string& text) {
        const std::string problem = DecimalProblem(text);
        if (!problem.empty()) return problem + source;
        text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
        return std::string();
      },
      "", "DECIMAL");
}

CLI::Validator Sourced(CLI::Validator inner, const std::string& source) {
  const std::string description = inner.get_description();
  return CLI::Validator(
      [inner, source](std::string& text) {
        const std::string problem = inner(text);
        return problem.empty() ? problem : problem + source;
      },
      description);
}

CLI::Validator UnixSecondsOrRfc3339(int64_t max_seconds) {
  const CLI::Validator decimal = DecimalOnly();
  const CLI::Validator range = CLI::Range(int64_t{0}, max_seconds);
  return CLI::Validator(
      [decimal, range](std::string& text) {
        if (!text.empty() && text.find_first_not_of(kDigits) == std::string::npos) {
          std::string problem = decimal(text);
          return problem.empty() ? range(text) : problem;
        }
        const absl::StatusOr<sim::Instant> t = sim::Instant::Parse(text);
        if (!t.ok()) {
          return absl::StrCat(
              "must be an RFC 3339 time such as 2023-04-05T07:06:12Z or Unix "
              "seconds, got '",
              text, "'");
        }
        text = absl::StrCat(t->unix_seconds());
        return std::string();
      },
      "RFC 3339 or Unix seconds");
}

}  // namespace shardsim::cli
