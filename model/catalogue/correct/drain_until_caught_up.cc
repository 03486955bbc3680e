// Correct: a batch job that reads every shard (parents before children, in shard-id order)
// from its checkpoint, processing each page before checking MillisBehindLatest, and stops a
// shard only when MillisBehindLatest == 0 after processing that page ("caught up") or when
// NextShardIterator is absent (the end of a closed shard). It checkpoints after every page.
// This is the loop the AWS documentation describes: keep calling GetRecords, treating empty
// pages as normal, and use MillisBehindLatest to know when you are at the tip.
#include "model/catalogue/common.h"

namespace shardsim::model::catalogue {
namespace {

// True when the shard was drained: caught up, or read to its end (now or by an earlier run).
sim::Task<bool> DrainShard(ConsumerContext& ctx, const std::string& shard_id) {
  const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
  if (checkpoint.has_value() && checkpoint->shard_end) co_return true;
  std::optional<std::string> iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
  while (iterator.has_value()) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, ctx.param("limit"), std::nullopt});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(Duration::Millis(ctx.param("backoff_ms")));
      continue;
    }
    if (page.Is(ErrorCode::kExpiredIterator)) {
      iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
      continue;
    }
    if (!page.ok()) co_return false;
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return true;
    }
    if (page->MillisBehindLatest == 0) {
      ctx.app.DeclareCaughtUp(shard_id);
      co_return true;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
  }
  co_return false;  // no iterator (throttled too long, or the shard is gone)
}

sim::Task<void> DrainUntilCaughtUp(ConsumerContext& ctx) {
  const std::optional<std::vector<Shard>> shards = co_await ListShardsWithRetry(ctx);
  if (!shards.has_value()) co_return;
  // Shards come in id order, parents before children. A shard that could not be drained ends
  // this run: reading on would read its children before it (out of order per key); the next
  // run starts again from the checkpoints.
  for (const Shard& shard : *shards) {
    if (!co_await DrainShard(ctx, shard.ShardId)) co_return;
  }
}

}  // namespace

StrategyInfo DrainUntilCaughtUpStrategy() {
  return StrategyInfo{
      .name = "drain-until-caught-up",
      .description = "batch read of every shard until MillisBehindLatest == 0 after processing "
                     "the page, or the shard's end",
      .expected = {},
      .provenance = {"https://docs.aws.amazon.com/streams/latest/dev/"
                     "troubleshooting-consumers.html#getrecords-returns-empty",
                     "https://docs.aws.amazon.com/kinesis/latest/APIReference/"
                     "API_GetRecords.html (MillisBehindLatest)"},
      .params = {{"limit", 1000, 1, 10'000, "GetRecords Limit"},
                 {"poll_interval_ms", 250, 0, 60'000, "sleep between GetRecords calls"},
                 {"backoff_ms", 1000, 1, 60'000, "sleep after a throttled call"}},
      .run = DrainUntilCaughtUp,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::model::catalogue
