// shardsim check: flags to CheckOptions, a progress bar, the text or JSON of the results.
#include "properties/check.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/campaign_text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "properties/campaign_result.h"
#include "properties/failure_report.h"
#include "properties/scenario_files.h"
#include "timeline/report.h"
#include "timeline/timeline.h"

namespace shardsim::cli {

namespace {

struct ShardSpec {
  uint64_t index = 0;
  uint64_t count = 1;
};

// Each of the index and the count: its flag, else GoogleTest's variable (both read by CLI11
// into the flag), else a Kubernetes Indexed Job's.
ShardSpec ResolveShard(const CheckFlags& flags) {
  const std::optional<uint64_t> index =
      flags.shard_index ? flags.shard_index : flags.job_completion_index;
  const std::optional<uint64_t> count =
      flags.shard_count ? flags.shard_count : flags.job_shard_count;
  if (!index && !count) return {};
  if (!flags.shard_index && index && !count) {
    throw InputError(
        "JOB_COMPLETION_INDEX is set: give the number of shards with "
        "--shard-count or SHARDSIM_SHARD_COUNT");
  }
  if (index.has_value() != count.has_value()) {
    throw InputError("give both the shard index and the shard count, or neither");
  }
  if (*index >= *count) {
    throw InputError(
        absl::StrCat("shard index ", *index, " must be below the shard count ", *count));
  }
  return ShardSpec{*index, *count};
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw InputError(absl::StrCat("cannot write ", path));
}

// The options of every strategy's run, and the name of the generator settings.
properties::CheckOptions OptionsOf(const CheckFlags& flags, std::string& profile_text) {
  properties::CheckOptions options;
  options.cases = flags.cases;
  options.seed = flags.seed;
  options.jobs = flags.jobs;
  const ShardSpec shard = ResolveShard(flags);
  options.shard_index = shard.index;
  options.shard_count = shard.count;
  profile_text = "generated";
  if (flags.profile) {
    options.generator.profile = ParseProfile(*flags.profile);
    profile_text = options.generator.profile->ToString();
  }
  if (flags.long_gaps) {
    options.generator.long_gaps = true;
    profile_text += "+long-gaps";
  }
  if (flags.corpus) {
    auto corpus = properties::ReadScenarioCorpus(*flags.corpus);
    if (!corpus.ok()) throw InputError(sim::ToString(corpus.status().message()));
    options.corpus = *std::move(corpus);
    options.shrink_corpus = true;
  }
  return options;
}

// The failure's picture, inline in the report row and as DIR/NAME.svg.
void AddPicture(timeline::ReportRow& row, const properties::Counterexample& c,
                const std::string& dir, const std::string& name) {
  absl::StatusOr<timeline::ScenarioPicture> picture = timeline::RenderScenarioSvg(c.minimal);
  if (!picture.ok()) throw InputError(sim::ToString(picture.status().message()));
  row.svg = picture->svg;
  row.svg_file = name + ".svg";
  const absl::Status written = timeline::WriteTextFile(dir + "/" + row.svg_file, row.svg);
  if (!written.ok()) throw InputError(sim::ToString(written.message()));
}

}  // namespace

int RunCheck(const CheckFlags& flags) {
  if (flags.strategy.has_value() == flags.all) {
    throw InputError("check needs exactly one of --strategy NAME and --all");
  }
  std::string profile_text;
  properties::CheckOptions options = OptionsOf(flags, profile_text);
  const std::vector<const consumer::StrategyInfo*> strategies =
      flags.strategy ? std::vector{&FindStrategy(*flags.strategy)}
                     : consumer::StrategyRegistry::Global().All();

  const bool show_progress = !flags.quiet && ::isatty(STDERR_FILENO) == 1;
  properties::CampaignResult campaign;
  campaign.all_strategies = flags.all;
  std::string text;
  std::vector<timeline::ReportRow> report_rows;
  for (const consumer::StrategyInfo* strategy : strategies) {
    const uint64_t mine =
        (options.cases - options.shard_index + options.shard_count - 1) / options.shard_count;
    Progress progress(show_progress, strategy->name, mine);
    options.on_progress = [&progress](uint64_t done, uint64_t failures) {
      progress.Update(done, failures);
    };
    const absl::StatusOr<properties::CheckResult> result =
        properties::CheckStrategy(*strategy, options);
    progress.Finish();
    if (!result.ok()) throw InputError(sim::ToString(result.status().message()));
    std::string saved;
    if (result->failure) {
      const properties::Counterexample& c = *result->failure;
      const absl::StatusOr<std::string> path = properties::SaveScenarioInDirectory(
          c.minimal, flags.failure_dir,
          properties::SavedScenarioStem(strategy->name, options.seed, c.case_index,
                                        options.generator));
      saved = path.ok() ? *path : "";
    }
    campaign.results.push_back(
        properties::StrategyResultOf(*strategy, *result, options, profile_text, saved));
    absl::StrAppend(
        &text, StrategyResultText(
                   campaign.results.back(),
                   result->failure ? result->failure->report : properties::RunReport{}, flags.all));
    if (flags.report_dir) {
      report_rows.push_back(timeline::ReportRowOf(campaign.results.back()));
      if (result->failure)
        AddPicture(report_rows.back(), *result->failure, *flags.report_dir,
                   properties::SavedScenarioStem(strategy->name, options.seed,
                                                 result->failure->case_index, options.generator));
    }
  }
  if (flags.report_dir) {
    const std::string page = *flags.report_dir + "/index.html";
    const absl::Status written = timeline::WriteTextFile(
        page, timeline::RenderReportHtml(absl::StrCat("shardsim check, seed ", options.seed),
                                         report_rows));
    if (!written.ok()) throw InputError(sim::ToString(written.message()));
    if (!flags.json) absl::StrAppend(&text, "report: ", page, "\n");
  }
  const std::string json = properties::CampaignResultToJson(campaign);
  if (flags.output) WriteFile(*flags.output, json);
  if (flags.json) {
    Print(json);
  } else {
    Print(text + CampaignClosingLine(campaign));
  }
  return campaign.failed_as_a_command() ? kExitPropertyFailed : kExitOk;
}

}  // namespace shardsim::cli
