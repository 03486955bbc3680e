// Number flags of the shardsim command as CLI11 typed options: the value is converted by
// CLI11, bounds are CLI::Range, an environment default is ->envname(). What CLI11 2.1 (Debian
// 12) does not check is added here: it reads unsigned numbers with strtoull base 0, so "010"
// is octal, "0x10" hex, "-3" wraps to 2^64-3 and an overflow saturates; DecimalOnly() rejects
// all of these before the conversion, with a message naming the flag.
#ifndef SHARDSIM_CLI_NUMBER_FLAGS_H_
#define SHARDSIM_CLI_NUMBER_FLAGS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace shardsim::cli {

// Accepts decimal digits only (leading zeros dropped, so the value is read as decimal) that
// fit in 64 bits. `source` is appended to a message, say " (from $GTEST_SHARD_INDEX)".
CLI::Validator DecimalOnly(const std::string& source = "");

// `inner` with `source` appended to its message, for a flag with an environment default.
CLI::Validator Sourced(CLI::Validator inner, const std::string& source);

// Whole seconds since the Unix epoch at most `max_seconds`, or an RFC 3339 time (which may be
// before 1970); the value becomes the seconds as decimal text, for an int64_t option.
CLI::Validator UnixSecondsOrRfc3339(int64_t max_seconds);

// "N to M", or "at least N" when M is the type's largest value: the help's text for a range.
std::string RangeText(uint64_t min, uint64_t max, uint64_t type_max);

// A typed unsigned option: decimal digits within [min, max], read from $env when the flag is
// not given (an empty variable counts as unset) if `env` is not empty. A message about a
// value ends with `source`, so one read from the environment names the variable.
template <typename T, typename Value>
CLI::Option* AddNumberWithSource(CLI::App* app, const std::string& flag, Value& value,
                                 const std::string& help, T min, T max, const std::string& env,
                                 const std::string& source) {
  CLI::Option* option = app->add_option(flag, value, help);
  option->transform(DecimalOnly(source));
  if (min != 0 || max != std::numeric_limits<T>::max()) {
    CLI::Validator range = CLI::Range(min, max);
    range.description(RangeText(static_cast<uint64_t>(min), static_cast<uint64_t>(max),
                                static_cast<uint64_t>(std::numeric_limits<T>::max())));
    option->check(Sourced(range, source));
  }
  if (!env.empty()) option->envname(env);
  return option;
}

// `Value` is T or std::optional<T>.
template <typename T, typename Value>
CLI::Option* AddNumber(CLI::App* app, const std::string& flag, Value& value,
                       const std::string& help, T min, T max, const std::string& env = "") {
  return AddNumberWithSource(app, flag, value, help, min, max, env,
                             env.empty() ? "" : " (from " + flag + " or $" + env + ")");
}

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_NUMBER_FLAGS_H_
