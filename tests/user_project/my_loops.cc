// A user's own loops, as a team would write them against an installed shardsim: one correct
// batch reader and one with a bug seen in real code (it stops at the first empty page). The
// user project test (cmake/UserProjectTest.cmake) builds them from the README's step-5 CMake
// snippet and checks both with their own command and with ctest; corpus/ holds the scenario
// that caught an earlier version of the correct loop (see ReadEveryShard).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

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

// A child shard is read only after every parent still listed has been read to its end, so a
// key's records are processed in order across a split or merge. (A parent no longer listed has
// expired: there is nothing left to wait for.)
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

// An iterator just after the shard's checkpoint, or at TRIM_HORIZON when it has none. After a
// downtime longer than the retention period the checkpoint lies below the trim horizon and
// AFTER_SEQUENCE_NUMBER answers InvalidArgumentException: every record after the checkpoint
// that still exists is then at the horizon, so the read starts there (as KCL does). Throttled
// requests are retried; nullopt on any other error (the shard is gone).
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

// Reads one shard from its checkpoint until MillisBehindLatest == 0 after a processed page, or
// the shard's end, checkpointing after each page. A throttled call is retried after a second
// with the same iterator; an expired iterator is replaced from the checkpoint. With
// stop_on_empty_page it also stops at the first empty page: the bug, since an empty page only
// means this bucket of the shard is done.
shardsim::sim::Task<void> ReadShard(ConsumerContext& ctx, const std::string& shard_id,
                                    bool stop_on_empty_page) {
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
    if (page->MillisBehindLatest == 0 || (stop_on_empty_page && page->Records.empty())) {
      ctx.app.DeclareCaughtUp(shard_id);
      co_return;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
  }
}

// One run of the batch job: every listed shard whose parents are finished, in shard-id order
// (parents before children), from its checkpoint. An earlier version skipped a shard whenever
// GetShardIterator failed (`if (!started.ok()) continue;`): after a downtime past the
// retention period that shard was never read again, and its child could be read before it.
shardsim::sim::Task<void> ReadEveryShard(ConsumerContext& ctx, bool stop_on_empty_page) {
  auto listed = co_await ctx.kinesis.ListShards({.StreamName = ctx.stream_name});
  if (!listed.ok()) co_return;  // the scheduler runs the job again
  for (const Shard& shard : listed->Shards) {
    if (Finished(ctx, shard.ShardId) || !ParentsFinished(ctx, shard, listed->Shards)) continue;
    co_await ReadShard(ctx, shard.ShardId, stop_on_empty_page);
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
