// shardsim merge: reads the result files of a campaign's shards, merges them
// (properties/campaign_result.h) and prints the campaign's result.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "properties/campaign_result.h"

namespace shardsim::cli {

namespace {

properties::NamedCampaignResult ReadResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(absl::StrCat(path, ": cannot open the file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<properties::CampaignResult> result =
      properties::CampaignResultFromJson(buffer.str());
  if (!result.ok()) throw InputError(absl::StrCat(path, ": ", sim::ToString(result.status().message())));
  return {path, *std::move(result)};
}

std::string MergedText(const properties::CampaignResult& merged) {
  std::string text;
  for (const properties::StrategyResult& r : merged.results) {
    absl::StrAppend(&text, r.failure ? "FAIL " : "PASS ", r.strategy, ": ", r.cases_run,
                    " cases, cases hash ", absl::StrFormat("%016x", r.cases_hash()));
    if (r.failure) {
      absl::StrAppend(&text, ", ", r.failure->property, " at ", r.failure->origin,
                      "; replay with ", ProgramName(), " replay --scenario ",
                      r.failure->saved_scenario);
    }
    absl::StrAppend(&text, "\n");
  }
  return text;
}

}  // namespace

int RunMerge(const MergeFlags& flags) {
  if (flags.files.empty()) throw InputError("merge needs at least one result file");
  std::vector<properties::NamedCampaignResult> shards;
  for (const std::string& path : flags.files) shards.push_back(ReadResultFile(path));
  const absl::StatusOr<properties::CampaignResult> merged =
      properties::MergeCampaignResults(shards);
  if (!merged.ok()) throw InputError(sim::ToString(merged.status().message()));
  Print(flags.json ? properties::CampaignResultToJson(*merged) : MergedText(*merged));
  return merged->any_failed() ? kExitPropertyFailed : kExitOk;
}

}  // namespace shardsim::cli
