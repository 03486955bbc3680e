// The pictures of whole runs: a scenario run through the harness, and the seed article's walk.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "model/client.h"
#include "properties/harness.h"
#include "sim/check.h"
#include "sim/simulation.h"
#include "sim/task.h"
#include "timeline/timeline.h"

namespace shardsim::timeline {

namespace {

using sim::Duration;
using sim::Instant;

Instant At(const char* rfc3339) {
  const absl::StatusOr<Instant> t = Instant::Parse(rfc3339);
  SHARDSIM_CHECK(t.ok(), "a scripted time is RFC 3339");
  return *t;
}

constexpr int kMaxWalkCalls = 10'000;

// The article's calls (cli/demo.cc prints the same walk as text): two puts, 17 h 33 min of
// silence, three empty pages a second apart, a new record, then a call every 250 ms until it
// comes back.
sim::Task<void> ArticleWalk(sim::Simulation& sim, model::KinesisClient& producer,
                            model::KinesisClient& consumer, const std::string& stream) {
  std::string last_seq;
  for (const auto& [time, data, key] : {std::tuple{"2023-04-05T07:08:10.670Z", "a", "1"},
                                        std::tuple{"2023-04-05T07:08:27.176Z", "b", "2"}}) {
    co_await sim.SleepUntil(At(time));
    const auto put = producer.PutRecordNow({stream, key, data, std::nullopt});
    SHARDSIM_CHECK(put.ok(), "the article's puts succeed");
    last_seq = put->SequenceNumber;
  }
  co_await sim.Sleep(Duration::Hours(17) + Duration::Minutes(33));
  const auto it = co_await consumer.GetShardIterator(
      {stream, "shardId-000000000000", model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, last_seq,
       std::nullopt});
  SHARDSIM_CHECK(it.ok(), "the article's iterator");
  std::string iterator = it->ShardIterator;
  for (int i = 0; i < 3; ++i) {
    co_await sim.Sleep(Duration::Seconds(1));
    const auto page = co_await consumer.GetRecords({iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok() && page->NextShardIterator, "the article's pages");
    iterator = *page->NextShardIterator;
  }
  co_await sim.Sleep(Duration::Seconds(5));
  SHARDSIM_CHECK(producer.PutRecordNow({stream, "3", "3", std::nullopt}).ok(), "put '3'");
  for (int calls = 0; calls < kMaxWalkCalls; ++calls) {
    co_await sim.Sleep(Duration::Millis(250));
    const auto page = co_await consumer.GetRecords({iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok() && page->NextShardIterator, "the walk's pages");
    if (!page->Records.empty()) co_return;
    iterator = *page->NextShardIterator;
  }
}

}  // namespace

absl::StatusOr<ScenarioPicture> RenderScenarioSvg(const properties::Scenario& scenario,
                                                  const consumer::StrategyRegistry& registry) {
  TimelineInput input;
  properties::RunOptions options{.keep_trace = true};
  options.after_run = [&](const sim::Trace& trace, model::KinesisModel& model) {
    input.records = trace.records();
    const Instant end = input.records.empty() ? scenario.start : input.records.back().time;
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
  const Instant created = At("2023-04-05T07:06:12Z");
  sim::Simulation sim(sim::Simulation::Options{.seed = 2023, .start = created});
  model::KinesisModel kinesis(2023);
  model::StreamOptions options;
  options.counter_start = 8398;  // the article's shard had issued this many counter values
  const std::string stream = "test-offsets";
  model::KinesisClient producer(sim, kinesis, "producer", Duration::Zero());
  model::KinesisClient consumer(sim, kinesis, "consumer", Duration::Zero());
  SHARDSIM_CHECK(producer.CreateStreamNow({.StreamName = stream, .ShardCount = 1}, options).ok(),
                 "create the stream");
  sim.Spawn("article", ArticleWalk(sim, producer, consumer, stream));
  const sim::RunResult result = sim.Run();
  SHARDSIM_CHECK(result.status.ok(), "the article's walk runs to its end");
  TimelineInput input;
  input.records = sim.trace().records();
  input.shards = ShardLanesOf(kinesis, stream, sim.now());
  input.title = "The seed article's experiment: two records, 17 h 33 min of silence, empty pages";
  input.subtitle =
      "Bucketed stream (observed profile): after the silence every GetRecords answers from one "
      "time bucket, so reaching the new record '3' takes a call per bucket";
  return RenderTimelineSvg(input);
}

}  // namespace shardsim::timeline
