// Buggy: a batch job that takes the first empty GetRecords page for "nothing more to read" and
// stops the shard there, declaring it caught up. On Kinesis an empty page only means that the
// iterator's part of the shard holds no records; the next record may lie any number of empty
// pages further on (see the bucket model in kinesis_model.h). Code tested against emulators,
// which answer with a range scan, never sees such a page before the tip.
// Seen in: StackOverflow question 46580494 and apache/doris#67874 (loops that stop at the first
// empty page, as listed in shared/docs/kinesis-semantics.md, "Consumer bugs seen in the wild").
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
    if (page->Records.empty()) {  // the bug: an empty page is not the end of the data
      ctx.app.DeclareCaughtUp(shard_id);
      co_return;
    }
    for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
    ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      co_return;
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Millis(kPollIntervalMs));
  }
}

sim::Task<void> StopOnFirstEmptyPage(ConsumerContext& ctx) {
  const std::optional<std::vector<Shard>> shards = co_await ListShardsWithRetry(ctx);
  if (!shards.has_value()) co_return;
  for (const Shard& shard : *shards) co_await ReadShard(ctx, shard.ShardId);
}

}  // namespace

StrategyInfo StopOnFirstEmptyPageStrategy() {
  return StrategyInfo{
      .name = "stop-on-first-empty-page",
      .description = "batch read of every shard that stops a shard at its first empty page, "
                     "declaring it caught up",
      .expected = {Property::kNoFalseCaughtUp},
      .provenance = {"https://stackoverflow.com/questions/46580494",
                     "https://github.com/apache/doris/issues/67874"},
      .params = {},
      .run = StopOnFirstEmptyPage,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::model::catalogue
