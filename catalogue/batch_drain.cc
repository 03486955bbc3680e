#include "catalogue/batch_drain.h"

#include <string>
#include <utility>
#include <vector>

namespace shardsim::catalogue {
namespace {

// Ends the shard as `stop` says; false for kReadOn.
bool Declare(ConsumerContext& ctx, const std::string& shard_id, Stop stop) {
  if (stop == Stop::kCaughtUp) ctx.app.DeclareCaughtUp(shard_id);
  if (stop == Stop::kShardEnd) ctx.app.DeclareShardEnd(shard_id);
  return stop != Stop::kReadOn;
}

// True when the shard was drained: a stop rule ended it, or it was read to its end (now or by
// an earlier run).
sim::Task<bool> DrainShard(ConsumerContext& ctx, const BatchDrainOptions& options,
                           const std::string& shard_id) {
  const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
  if (checkpoint.has_value() && checkpoint->shard_end) co_return true;
  int64_t empty_pages_in_a_row = 0;
  std::optional<std::string> iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
  while (iterator.has_value()) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, options.limit, std::nullopt});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(options.throttle_backoff);
      continue;
    }
    if (page.Is(ErrorCode::kExpiredIterator)) {
      iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
      continue;
    }
    if (!page.ok()) co_return false;
    empty_pages_in_a_row = page->Records.empty() ? empty_pages_in_a_row + 1 : 0;
    const PageSeen seen{*page, empty_pages_in_a_row};
    if (Declare(ctx, shard_id, options.stop.before_processing(ctx, seen))) co_return true;
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return true;
    }
    if (Declare(ctx, shard_id, options.stop.after_processing(ctx, seen))) co_return true;
    iterator = std::move(page->NextShardIterator);
    co_await ctx.Sleep(options.poll_interval);
  }
  co_return false;  // no iterator (throttled too long, or the shard is gone)
}

}  // namespace

Stop ReadOn(const ConsumerContext&, const PageSeen&) { return Stop::kReadOn; }

Stop CaughtUpAtZeroLag(const ConsumerContext&, const PageSeen& seen) {
  return seen.page.MillisBehindLatest == 0 ? Stop::kCaughtUp : Stop::kReadOn;
}

sim::Task<void> DrainEveryShard(ConsumerContext& ctx, BatchDrainOptions options) {
  const ShardList shards = co_await ListShardsWithRetry(ctx);
  if (shards == nullptr) co_return;
  for (const Shard& shard : *shards) {
    const bool drained = co_await DrainShard(ctx, options, shard.ShardId);
    if (!drained && options.end_run_at_undrained_shard) co_return;
  }
}

}  // namespace shardsim::catalogue
