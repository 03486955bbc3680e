// shardsim merge: reads the result files of a campaign's shards, merges them
// (properties/campaign_result.h) and prints and exits as the unsharded `check` did
// (cli/campaign_text.h).
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/campaign_text.h"
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
  if (!result.ok())
    throw InputError(absl::StrCat(path, ": ", sim::ToString(result.status().message())));
  return {path, *std::move(result)};
}

// What the unsharded `check` printed: each failure's minimal scenario is run again for its
// timeline when this command registers the strategy.
std::string MergedText(const properties::CampaignResult& merged) {
  std::string text;
  for (const properties::StrategyResult& r : merged.results) {
    if (!r.failure) {
      absl::StrAppend(&text, StrategyResultText(r, properties::RunReport{}, merged.all_strategies));
      continue;
    }
    const absl::StatusOr<properties::RunReport> run = properties::RunScenario(
        r.failure->minimal_scenario,
        properties::RunOptions{.keep_trace = true, .program = ProgramName()});
    absl::StrAppend(
        &text, run.ok() ? StrategyResultText(r, *run, merged.all_strategies)
                        : StrategyResultTextWithoutRun(r, sim::ToString(run.status().message()),
                                                       merged.all_strategies));
  }
  return text + CampaignClosingLine(merged);
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
  return merged->failed_as_a_command() ? kExitPropertyFailed : kExitOk;
}

}  // namespace shardsim::cli
