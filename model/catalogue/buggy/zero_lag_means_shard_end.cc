// Buggy: a reader that takes MillisBehindLatest == 0 for the end of the shard. It processes
// the page (in the right order), then, at 0, reports the shard as finished and stops reading
// it. But 0 only means "nothing more right now": an open shard never ends, and the end of a
// closed shard is the absence of NextShardIterator. Downstream, a finished shard is one whose
// children may start and whose reader can be released.
// Seen in: quickwit-oss/quickwit#718 and its Kinesis shard consumer, which sends ShardEOF and
// exits when `millis_behind_latest == Some(0)` (eof mode).
#include "model/catalogue/common.h"

namespace shardsim::model::catalogue {
namespace {

// As quickwit's shard consumer: just over 1 s / 5, the GetRecords limit per shard.
constexpr int64_t kPollIntervalMs = 205;

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
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return;
    }
    if (page->MillisBehindLatest == 0) {  // the bug: "caught up" is not "shard end"
      ctx.app.DeclareShardEnd(shard_id);
      co_return;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(kPollIntervalMs));
  }
}

sim::Task<void> ZeroLagMeansShardEnd(ConsumerContext& ctx) {
  const std::optional<std::vector<Shard>> shards = co_await ListShardsWithRetry(ctx);
  if (!shards.has_value()) co_return;
  for (const Shard& shard : *shards) co_await ReadShard(ctx, shard.ShardId);
}

}  // namespace

StrategyInfo ZeroLagMeansShardEndStrategy() {
  return StrategyInfo{
      .name = "zero-lag-means-shard-end",
      .description = "reads each shard until MillisBehindLatest == 0 and then declares the "
                     "shard ended",
      .expected = {Property::kNoFalseShardEnd},
      .provenance = {"https://github.com/quickwit-oss/quickwit/issues/718",
                     "quickwit-oss/quickwit: quickwit-indexing/src/source/kinesis/"
                     "shard_consumer.rs (ShardEOF)"},
      .params = {},
      .run = ZeroLagMeansShardEnd,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::model::catalogue
