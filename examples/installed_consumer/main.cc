// A user's own consumer loop, tested with an installed shardsim without changing shardsim.
//
// The loop below is the kind of code a team runs in production (ported from a boto3 loop:
// see docs/porting.md). main registers it with the process-wide registry, which holds nothing
// else (this project does not link the built-in catalogue), judges it on a scenario with a
// day-long idle gap, which is where loops that stop on an empty page lose data on real Kinesis,
// and then runs the property check (1,000 generated cases of seed 1, as `shardsim check`).
// The loop is a batch job: it returns once caught up, so it declares how soon its scheduler
// runs it again (rerun_interval); without one, a record put after its last run would never be
// read and the check would rightly report no_missed_records.
#include <cstdio>
#include <string>

#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/harness.h"

namespace {

using shardsim::consumer::ConsumerContext;
using shardsim::model::Record;
using shardsim::model::ShardIteratorType;
using shardsim::sim::Duration;

// Reads every shard from its checkpoint until MillisBehindLatest == 0 after processing a page,
// or the shard's end; checkpoints after each processed page; sleeps between polls.
shardsim::sim::Task<void> MyTeamLoop(ConsumerContext& ctx) {
  auto listed = co_await ctx.kinesis.ListShards({.StreamName = ctx.stream_name});
  if (!listed.ok()) co_return;
  for (const shardsim::model::Shard& shard : listed->Shards) {
    const std::string& id = shard.ShardId;
    const auto checkpoint = ctx.app.ReadCheckpoint(id);
    if (checkpoint && checkpoint->shard_end) continue;
    shardsim::model::GetShardIteratorRequest request{ctx.stream_name, id,
                                                     ShardIteratorType::TRIM_HORIZON};
    if (checkpoint) {
      request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
      request.StartingSequenceNumber = checkpoint->sequence_number;
    }
    auto started = co_await ctx.kinesis.GetShardIterator(request);
    if (!started.ok()) continue;
    std::optional<std::string> iterator = started->ShardIterator;
    while (iterator) {
      auto page = co_await ctx.kinesis.GetRecords({*iterator, 1000});
      if (page.Is(shardsim::model::ErrorCode::kProvisionedThroughputExceeded)) {
        co_await ctx.Sleep(Duration::Seconds(1));  // throttled: back off, same iterator
        continue;
      }
      if (!page.ok()) break;  // expired: the next run starts again from the checkpoint
      for (const Record& record : page->Records) co_await ctx.app.Process(id, record);
      if (!page->Records.empty()) ctx.app.Checkpoint(id, page->Records.back().SequenceNumber);
      if (!page->NextShardIterator) {
        ctx.app.CheckpointShardEnd(id);
        ctx.app.DeclareShardEnd(id);
        break;
      }
      if (page->MillisBehindLatest == 0) {
        ctx.app.DeclareCaughtUp(id);
        break;
      }
      iterator = page->NextShardIterator;
      co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
    }
  }
}

shardsim::consumer::StrategyInfo MyTeamLoopInfo() {
  return {.name = "my-team-loop",
          .description = "our production batch reader",
          .expected = {},
          .provenance = {"examples/installed_consumer/main.cc"},
          .params = {{"poll_interval_ms", 200, 0, 10'000, "between polls", 100, 250}},
          .run = MyTeamLoop,
          .rerun_interval = Duration::Minutes(15)};
}

}  // namespace

int main() {
  shardsim::consumer::StrategyRegistry& registry = shardsim::consumer::StrategyRegistry::Global();
  if (const absl::Status status = registry.Register(MyTeamLoopInfo()); !status.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  std::string registered;
  for (const shardsim::consumer::StrategyInfo* info : registry.All()) {
    registered += (registered.empty() ? "" : " ") + info->name;
  }
  std::printf("registered strategies: %s\n", registered.c_str());
  shardsim::properties::Scenario scenario;
  scenario.name = "a-day-of-silence";
  scenario.strategy = "my-team-loop";
  scenario.puts = {{Duration::Seconds(30), "order-1", "a"},
                   {Duration::Seconds(45), "order-2", "b"},
                   {Duration::Hours(24), "order-3", "c"}};
  scenario.rerun_after_exit = Duration::Minutes(15);
  const auto report = shardsim::properties::RunScenario(scenario);
  if (!report.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(report.status().message()).c_str());
    return 2;
  }
  std::printf("%s\n", report->Summary().c_str());
  if (!report->passed()) return 1;

  const shardsim::properties::CheckOptions options{.seed = 1, .cases = 1000};
  const auto check = shardsim::properties::CheckStrategy(*registry.Find("my-team-loop"), options);
  if (!check.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(check.status().message()).c_str());
    return 2;
  }
  if (check->failure) {
    std::printf("FAIL my-team-loop: %s at %s of seed 1\n", check->failure->report.Summary().c_str(),
                check->failure->origin.c_str());
    return 1;
  }
  std::printf("PASS my-team-loop: %llu generated cases (seed 1)\n",
              static_cast<unsigned long long>(check->cases_run));
  return 0;
}
