// A user's own consumer loop, tested with an installed shardsim without changing shardsim.
//
// The loop below is the kind of code a team runs in production (ported from a boto3 loop:
// see docs/porting.md). main registers it with the process-wide registry, which holds nothing
// else (this project does not link the built-in catalogue), judges it on two scenarios: a
// day-long idle gap, which is where loops that stop on an empty page lose data on real Kinesis,
// and a day-long downtime, after which its checkpoint lies below the trim horizon; and then
// runs the property check (1,000 generated cases of seed 1, as `shardsim check`).
// The loop is a batch job: it returns once caught up, so it declares how soon its scheduler
// runs it again (rerun_interval); without one, a record put after its last run would never be
// read and the check would rightly report no_missed_records.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/harness.h"

namespace {

using shardsim::consumer::ConsumerContext;
using shardsim::model::ErrorCode;
using shardsim::model::GetShardIteratorRequest;
using shardsim::model::Record;
using shardsim::model::Shard;
using shardsim::model::ShardIteratorType;
using shardsim::sim::Duration;

// True once the shard has been read to its end (its checkpoint says SHARD_END).
bool Finished(const ConsumerContext& ctx, const std::string& shard_id) {
  const auto checkpoint = ctx.app.ReadCheckpoint(shard_id);
  return checkpoint && checkpoint->shard_end;
}

// A child shard is read only after every parent still listed has been read to its end.
bool ParentsFinished(const ConsumerContext& ctx, const Shard& shard,
                     const std::vector<Shard>& listed) {
  for (const std::optional<std::string>& parent :
       {shard.ParentShardId, shard.AdjacentParentShardId}) {
    const bool listed_parent =
        parent && std::any_of(listed.begin(), listed.end(),
                              [&](const Shard& s) { return s.ShardId == *parent; });
    if (listed_parent && !Finished(ctx, *parent)) return false;
  }
  return true;
}

// After the checkpoint, or at TRIM_HORIZON without one, or when the checkpoint has fallen below
// the trim horizon (AFTER_SEQUENCE_NUMBER answers InvalidArgumentException after a downtime
// longer than the retention period). Throttling is retried; nullopt when the shard is gone.
shardsim::sim::Task<std::optional<std::string>> StartingIterator(ConsumerContext& ctx,
                                                                 const std::string& shard_id) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON};
  if (const auto checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = checkpoint->sequence_number;
  }
  while (true) {
    auto started = co_await ctx.kinesis.GetShardIterator(request);
    if (started.ok()) co_return started->ShardIterator;
    if (started.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(Duration::Seconds(1));
    } else if (started.Is(ErrorCode::kInvalidArgument) && request.StartingSequenceNumber) {
      request = {ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON};  // trimmed
    } else {
      co_return std::nullopt;
    }
  }
}

// Reads one shard until MillisBehindLatest == 0 after processing a page, or its end;
// checkpoints after each processed page; sleeps between polls. Throttled calls are retried
// with the same iterator, an expired iterator is replaced from the checkpoint.
shardsim::sim::Task<void> ReadShard(ConsumerContext& ctx, const std::string& shard_id) {
  std::optional<std::string> iterator = co_await StartingIterator(ctx, shard_id);
  while (iterator) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, 1000});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(Duration::Seconds(1));
      continue;
    }
    if (page.Is(ErrorCode::kExpiredIterator)) {
      iterator = co_await StartingIterator(ctx, shard_id);
      continue;
    }
    if (!page.ok()) co_return;  // the shard is gone (its records expired)
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    if (!page->Records.empty()) {
      ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    }
    if (!page->NextShardIterator) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return;
    }
    if (page->MillisBehindLatest == 0) {
      ctx.app.DeclareCaughtUp(shard_id);
      co_return;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
  }
}

// One run of the batch job: every listed shard whose parents are finished, in shard-id order
// (parents before children).
shardsim::sim::Task<void> MyTeamLoop(ConsumerContext& ctx) {
  auto listed = co_await ctx.kinesis.ListShards({.StreamName = ctx.stream_name});
  if (!listed.ok()) co_return;  // the scheduler runs the job again
  for (const Shard& shard : listed->Shards) {
    if (Finished(ctx, shard.ShardId) || !ParentsFinished(ctx, shard, listed->Shards)) continue;
    co_await ReadShard(ctx, shard.ShardId);
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

// Two orders, a day without any, then a third: a loop that stops at an empty page misses it.
shardsim::properties::Scenario ADayOfSilence() {
  shardsim::properties::Scenario scenario;
  scenario.name = "a-day-of-silence";
  scenario.strategy = "my-team-loop";
  scenario.puts = {{Duration::Seconds(30), "order-1", "a"},
                   {Duration::Seconds(45), "order-2", "b"},
                   {Duration::Hours(24), "order-3", "c"}};
  scenario.rerun_after_exit = Duration::Minutes(15);
  return scenario;
}

// The job is down for 25 hours after checkpointing an order; one order put meanwhile expires
// unread, so its checkpoint lies below the trim horizon when it restarts, and the orders put
// since must still be read.
shardsim::properties::Scenario ADayDown() {
  shardsim::properties::Scenario scenario = ADayOfSilence();
  scenario.name = "a-day-down";
  scenario.stream.buckets = shardsim::model::BucketProfile::Fixed(Duration::Minutes(1));
  scenario.puts = {{Duration::Seconds(1), "order-1", "a"},
                   {Duration::Minutes(20), "order-2", "b"},
                   {Duration::Hours(25), "order-3", "c"},
                   {Duration::Hours(26), "order-4", "d"}};
  // The second run (15 minutes after the first, which found the stream empty) reads "a", then
  // walks empty buckets to the tip: the crash falls there.
  scenario.crashes = {{Duration::Minutes(15) + Duration::Seconds(1), Duration::Hours(25)}};
  return scenario;
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
  for (const shardsim::properties::Scenario& scenario : {ADayOfSilence(), ADayDown()}) {
    const auto report = shardsim::properties::RunScenario(scenario);
    if (!report.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(report.status().message()).c_str());
      return 2;
    }
    std::printf("%s\n", report->Summary().c_str());
    if (!report->passed()) return 1;
  }

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
