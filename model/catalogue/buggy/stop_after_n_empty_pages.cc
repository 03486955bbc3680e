// Buggy: a batch job that keeps calling GetRecords through empty pages, but only up to `n` in a
// row; then it gives up on the shard and declares it caught up. Capping the attempts looks safe
// (it guards against looping forever), yet the number of empty pages between two records is
// unbounded: about one per bucket of idle time, so a one-day gap costs hundreds of calls. Any
// fixed `n` is wrong after a long enough gap; only MillisBehindLatest == 0 says "caught up".
// Seen in: apache/pinot#15563 (keeps calling GetRecords until it gets records or the shard's
// end, with the number of attempts capped).
#include "model/catalogue/common.h"

namespace shardsim::model::catalogue {
namespace {

constexpr int64_t kPollIntervalMs = 250;

sim::Task<void> ReadShard(ConsumerContext& ctx, const std::string& shard_id) {
  const int64_t max_empty_pages = ctx.param("n");
  int64_t empty_pages = 0;
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
    empty_pages = page->Records.empty() ? empty_pages + 1 : 0;
    if (empty_pages == max_empty_pages) {  // the bug: n empty pages prove nothing
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

sim::Task<void> StopAfterNEmptyPages(ConsumerContext& ctx) {
  const std::optional<std::vector<Shard>> shards = co_await ListShardsWithRetry(ctx);
  if (!shards.has_value()) co_return;
  for (const Shard& shard : *shards) co_await ReadShard(ctx, shard.ShardId);
}

}  // namespace

StrategyInfo StopAfterNEmptyPagesStrategy() {
  return StrategyInfo{
      .name = "stop-after-n-empty-pages",
      .description = "batch read of every shard that gives a shard up after n empty pages in a "
                     "row, declaring it caught up",
      .expected = {Property::kNoFalseCaughtUp},
      .provenance = {"https://github.com/apache/pinot/pull/15563"},
      .params = {{.name = "n",
                  .default_value = 5,
                  .min_value = 1,
                  .max_value = 100'000,
                  .description = "empty pages in a row after which the shard is given up",
                  .generate_min = 1,
                  .generate_max = 50}},
      .run = StopAfterNEmptyPages,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::model::catalogue
