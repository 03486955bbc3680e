// The pictures of whole runs: a scenario run through the harness, and the seed article's walk
// (article_walk.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "properties/harness.h"
#include "timeline/article_walk.h"
#include "timeline/timeline.h"

namespace shardsim::timeline {

absl::StatusOr<ScenarioPicture> RenderScenarioSvg(const properties::Scenario& scenario,
                                                  const consumer::StrategyRegistry& registry) {
  TimelineInput input;
  // The records are collected once, here (a kept trace would hold them two more times).
  properties::RunOptions options;
  options.on_record = [&](const sim::TraceRecord& r) { input.records.push_back(r); };
  options.after_run = [&](const sim::Trace&, model::KinesisModel& model) {
    const sim::Instant end = input.records.empty() ? scenario.start : input.records.back().time;
    input.shards = ShardLanesOf(model, scenario.stream_name, end);
  };
  absl::StatusOr<properties::RunReport> report =
      properties::RunScenario(scenario, options, registry);
  if (!report.ok()) return report.status();
  input.title = absl::StrCat(scenario.strategy, " on scenario \"", scenario.name, "\" (seed ",
                             scenario.seed, ")");
  input.subtitle = absl::StrCat(
      report->passed() ? "PASS" : "FAIL", ": ", report->stats.records_put, " records put, ",
      report->stats.get_records_calls, " GetRecords calls, ", scenario.shard_count,
      " shard(s) at the start, buckets ", scenario.stream.buckets.ToString(), ", trace hash ",
      sim::FormatTraceHash(report->trace_hash));
  return ScenarioPicture{RenderTimelineSvg(input), report->passed()};
}

std::string RenderArticleWalkSvg() {
  ArticleWalk walk = RunArticleWalk();
  TimelineInput input;
  input.records = std::move(walk.records);
  input.shards = std::move(walk.shards);
  input.title =
      "The seed article's experiment: two records, 17 h 33 min of silence, then a call per bucket "
      "to reach '3'";
  input.subtitle =
      "Bucketed stream (observed profile): every GetRecords answers from one time bucket, so the "
      "walk crosses the silence call by call while MillisBehindLatest falls to 0";
  return RenderTimelineSvg(input);
}

}  // namespace shardsim::timeline
