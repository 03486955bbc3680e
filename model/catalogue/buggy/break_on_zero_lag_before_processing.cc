// Buggy: a reader that drains each shard until MillisBehindLatest == 0, as the documentation
// suggests, but tests it before handing the page's records on. The page that reports 0 is the
// one that reached the tip, so it usually carries the newest records: they are dropped, and the
// shard is declared caught up without them.
// Seen in: MaterializeInc/materialize#2288 ("I was mistakenly breaking on
// millis_behind_latest == 0 before grabbing any records off of the response -- effectively
// dropping those records on the floor"). The correct order is drain-until-caught-up.
#include "model/catalogue/common.h"

namespace shardsim::model::catalogue {
namespace {

constexpr int64_t kPollIntervalMs = 250;

sim::Task<void> ReadShard(ConsumerContext& ctx, const std::string& shard_id) {
  std::optional<std::string> iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
  while (iterator.has_value()) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, std::nullopt, std::nullopt});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(Duration::Seconds(1));
      continue;
    }
    if (page.Is(ErrorCode::kExpiredIterator)) {
      iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
      continue;
    }
    if (!page.ok()) co_return;
    if (page->MillisBehindLatest == 0) {  // the bug: checked before this page is processed
      ctx.app.DeclareCaughtUp(shard_id);
      co_return;
    }
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(kPollIntervalMs));
  }
}

sim::Task<void> BreakOnZeroLagBeforeProcessing(ConsumerContext& ctx) {
  const std::optional<std::vector<Shard>> shards = co_await ListShardsWithRetry(ctx);
  if (!shards.has_value()) co_return;
  for (const Shard& shard : *shards) co_await ReadShard(ctx, shard.ShardId);
}

}  // namespace

StrategyInfo BreakOnZeroLagBeforeProcessingStrategy() {
  return StrategyInfo{
      .name = "break-on-zero-lag-before-processing",
      .description = "batch read that stops a shard when MillisBehindLatest == 0, before "
                     "processing that page's records",
      .expected = {Property::kNoFalseCaughtUp},
      .provenance = {"https://github.com/MaterializeInc/materialize/pull/2288"},
      .params = {},
      .run = BreakOnZeroLagBeforeProcessing,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::model::catalogue
