// A user's own loops, as a team would write them against an installed shardsim: one correct
// batch reader and one with a bug seen in real code (it stops at the first empty page). The
// user project test (tests/user_project/UserProjectTest.cmake) builds them from the README's
// step-5 CMake snippet and checks both with their own command and with ctest.
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

namespace {

using shardsim::consumer::ConsumerContext;
using shardsim::model::Record;
using shardsim::model::ShardIteratorType;
using shardsim::sim::Duration;

// Reads every shard from its checkpoint until MillisBehindLatest == 0 after a page (or the
// shard's end), checkpointing after each page. With stop_on_empty_page it also stops at the
// first empty page: the bug, since an empty page only means this bucket of the shard is done.
shardsim::sim::Task<void> ReadEveryShard(ConsumerContext& ctx, bool stop_on_empty_page) {
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
      if (page->MillisBehindLatest == 0 || (stop_on_empty_page && page->Records.empty())) {
        ctx.app.DeclareCaughtUp(id);
        break;
      }
      iterator = page->NextShardIterator;
      co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
    }
  }
}

shardsim::consumer::StrategyInfo Loop(std::string name, std::string description,
                                      std::optional<std::string> violates,
                                      bool stop_on_empty_page) {
  return {.name = std::move(name),
          .description = std::move(description),
          .expected = {violates},
          .provenance = {"tests/user_project/my_loops.cc"},
          .params = {{"poll_interval_ms", 200, 0, 10'000, "between polls", 100, 250}},
          .run = [stop_on_empty_page](
                     ConsumerContext& ctx) { return ReadEveryShard(ctx, stop_on_empty_page); },
          // A batch job: the scheduler starts it again 15 minutes after it returns.
          .rerun_interval = Duration::Minutes(15)};
}

}  // namespace

// The explicit registration both CMake functions call (REGISTER RegisterMyLoops).
absl::Status RegisterMyLoops(shardsim::consumer::StrategyRegistry& registry) {
  if (absl::Status s = registry.Register(
          Loop("my-team-loop", "our production batch reader", std::nullopt, false));
      !s.ok()) {
    return s;
  }
  return registry.Register(
      Loop("my-buggy-loop", "the old reader: stops at an empty page", "no_false_caught_up", true));
}
