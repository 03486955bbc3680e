#include "cli/common.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "properties/failure_report.h"

namespace shardsim::cli {

namespace {
std::string& ProgramNameStorage() {
  static std::string* name = new std::string("shardsim");
  return *name;
}
}  // namespace

const std::string& ProgramName() { return ProgramNameStorage(); }
void SetProgramName(std::string name) { ProgramNameStorage() = std::move(name); }

std::string CommandAsRun(const char* argv0, const std::string& built_name) {
  if (argv0 == nullptr || *argv0 == '\0') return built_name;
  return properties::ShellWord(argv0);
}

const consumer::StrategyInfo& FindStrategy(const std::string& name) {
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(name);
  if (info == nullptr) {
    throw InputError(absl::StrCat("unknown strategy '", name, "' (", ProgramName(),
                                  " list shows the strategies)"));
  }
  return *info;
}

model::BucketProfile ParseProfile(const std::string& text) {
  const absl::StatusOr<model::BucketProfile> profile = model::BucketProfile::Parse(text);
  if (!profile.ok()) throw InputError(sim::ToString(profile.status().message()));
  return *profile;
}

void Print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void PrintJson(const nlohmann::json& value) { Print(value.dump(2) + "\n"); }

}  // namespace shardsim::cli
