// Shared pieces of the shardsim command: input errors, strategy and profile lookup, output.
#ifndef SHARDSIM_CLI_COMMON_H_
#define SHARDSIM_CLI_COMMON_H_

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "consumer/strategy_registry.h"
#include "model/stream_options.h"
#include "properties/property.h"
#include "sim/strings.h"

namespace shardsim::cli {

// A usage or input error: printed as one line, exit status 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitPropertyFailed = 1;
inline constexpr int kExitInputError = 2;

// The name the command was built as ("shardsim", or a user's shardsim_add_cli name): replay
// lines name it, so they work when pasted.
const std::string& ProgramName();
void SetProgramName(std::string name);

const consumer::StrategyInfo& FindStrategy(const std::string& name);
model::BucketProfile ParseProfile(const std::string& text);

// Writes text to stdout exactly (no locale, no added newline).
void Print(std::string_view text);
void PrintJson(const nlohmann::json& value);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_COMMON_H_
