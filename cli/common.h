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

// The command as the user ran it, for every command line printed to be pasted (replay lines,
// `merge` and `list` hints): argv[0] as typed ("./build/my-shardsim", "build/cli/shardsim", or
// "shardsim" when found on PATH), shell-quoted when it needs it, so the line works from the
// folder it was run in. Errors name the command by its built name instead (Program::name).
const std::string& ProgramName();
void SetProgramName(std::string name);

// What ProgramName() is for a command run as `argv0` and built as `built_name`: argv0, quoted
// for a POSIX shell when it holds anything but [A-Za-z0-9_./+,:@%=-]; built_name when argv0 is
// null or empty.
std::string CommandAsRun(const char* argv0, const std::string& built_name);

const consumer::StrategyInfo& FindStrategy(const std::string& name);
model::BucketProfile ParseProfile(const std::string& text);

// Writes text to stdout exactly (no locale, no added newline).
void Print(std::string_view text);
void PrintJson(const nlohmann::json& value);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_COMMON_H_
