#include "cli/campaign_text.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/common.h"
#include "properties/failure_report.h"
#include "properties/scenario_files.h"
#include "timeline/report.h"

namespace shardsim::cli {

namespace {

constexpr char kLongGapsSuffix[] = "+long-gaps";
constexpr char kGenerated[] = "generated";

std::string PassText(const properties::StrategyResult& r) {
  return absl::StrCat("PASS ", r.strategy, ": ", r.cases_run, " cases",
                      r.corpus_run ? absl::StrCat(" and ", r.corpus_run, " corpus scenarios") : "",
                      " (seed ", r.seed, ", shard ", r.shard_index, "/", r.shard_count,
                      ", expected ", r.expected, ")\n");
}

std::string FailHeading(const properties::StrategyResult& r) {
  return absl::StrCat("FAIL ", r.strategy, " (expected ", r.expected, ")\n");
}

std::string ReplayCaseLine(const properties::StrategyResult& r) {
  const properties::CampaignFailure& f = *r.failure;
  if (!f.case_index) return "";
  return absl::StrCat(
      "  ",
      properties::ReplayCaseCommand(ProgramName(), r.strategy, r.seed, *f.case_index,
                                    GeneratorOptionsOfProfile(r.profile)),
      "   (the case before shrinking)\n");
}

// The picture of the failing run beside its saved scenario. `merge` may run where the shard
// that found the failure did not: the scenario is written there first, so the lines it prints
// name files that exist.
std::string PictureText(const properties::CampaignFailure& f) {
  if (f.saved_scenario.empty()) return "";
  if (!std::filesystem::exists(f.saved_scenario)) {
    std::error_code ignored;  // a failure to create it shows as WriteScenarioFile's error
    std::filesystem::create_directories(std::filesystem::path(f.saved_scenario).parent_path(),
                                        ignored);
    const absl::Status written =
        properties::WriteScenarioFile(f.minimal_scenario, f.saved_scenario);
    if (!written.ok())
      return absl::StrCat("no picture: ", sim::ToString(written.message()), "\n\n");
  }
  const absl::StatusOr<std::string> picture =
      timeline::SaveFailurePicture(f.minimal_scenario, f.saved_scenario);
  return absl::StrCat(picture.ok() ? "picture of the failing run: " : "no picture: ",
                      picture.ok() ? *picture : sim::ToString(picture.status().message()), "\n\n");
}

}  // namespace

std::string ProbeText(const properties::StrategyResult& r, bool all_strategies) {
  if (!r.case_probes.has_value()) return "";
  const properties::ProbeCounts counts = r.probe_counts();
  const bool failed = r.failure.has_value();
  return all_strategies ? absl::StrCat("  ", properties::ProbeLine(counts, r.read_api(), failed))
                        : properties::ProbeTable(counts, r.read_api(), r.strategy, failed);
}

properties::GeneratorOptions GeneratorOptionsOfProfile(const std::string& profile) {
  properties::GeneratorOptions options;
  std::string rest = profile;
  if (absl::EndsWith(rest, kLongGapsSuffix)) {
    options.long_gaps = true;
    rest.resize(rest.size() - (sizeof(kLongGapsSuffix) - 1));
  }
  if (rest != kGenerated) options.profile = ParseProfile(rest);
  return options;
}

std::string StrategyResultText(const properties::StrategyResult& r,
                               const properties::RunReport& minimal_run, bool all_strategies) {
  if (!r.failure) return PassText(r) + ProbeText(r, all_strategies);
  const properties::CampaignFailure& f = *r.failure;
  const std::string report = properties::FormatFailureReport(properties::FailureReportParts{
      &f.minimal_scenario, &minimal_run, absl::StrCat(f.origin, " of seed ", r.seed),
      f.saved_scenario, ProgramName(), f.shrink_steps});
  return absl::StrCat(FailHeading(r), report, ReplayCaseLine(r), ProbeText(r, all_strategies), "\n",
                      PictureText(f));
}

std::string StrategyResultTextWithoutRun(const properties::StrategyResult& r, std::string_view why,
                                         bool all_strategies) {
  if (!r.failure) return PassText(r) + ProbeText(r, all_strategies);
  const properties::CampaignFailure& f = *r.failure;
  std::string text = absl::StrCat(
      FailHeading(r), "property ", f.property, " failed for strategy ", r.strategy, " (", f.origin,
      " of seed ", r.seed, ") at ", f.at, ": ",
      absl::StrJoin(properties::ViolationSentences(f.message, f.witness), "\n  "), "\n",
      "(no timeline of the failing run: its minimal scenario does not run here: ", std::string(why),
      "; merge with the command that checked ", r.strategy, " for the whole report)\n",
      ProbeText(r, all_strategies));
  if (!f.saved_scenario.empty()) {
    absl::StrAppend(&text, "\nminimal scenario saved to ", f.saved_scenario, "\n");
  }
  absl::StrAppend(&text, "\n");
  return text;
}

std::string CampaignClosingLine(const properties::CampaignResult& campaign) {
  if (!campaign.all_strategies) return "";
  if (campaign.is_a_shard()) {
    return campaign.a_passing_strategy_failed()
               ? "a strategy expected to pass failed: the campaign misses its expected verdicts\n"
               : absl::StrCat(
                     "no strategy expected to pass failed in this shard; whether every "
                     "strategy met its expected verdict is decided by `",
                     ProgramName(), " merge` of all the shards\n");
  }
  return campaign.all_as_expected() ? "every strategy met its expected verdict\n"
                                    : "some strategies did not meet their expected verdict\n";
}

}  // namespace shardsim::cli
