// Buggy: a loop over every shard it listed at start-up (parents before children, checkpoint
// after processing) that, when a shard ends, checkpoints SHARD_END and drops it, ignoring the
// ChildShards of the last page, and never lists the shards again. After a split or merge the
// records written to the children are not read until the consumer happens to restart.
// Seen in: redpanda-data/connect#2649 (the aws_kinesis input does not read shards that are
// closed when it allocates shards, losing their unread records: the same gap at a split, from
// the parent's side).
#include <algorithm>
#include <map>

#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

struct ShardReader {
  std::optional<std::string> iterator;
  bool finished = false;
};

// One GetRecords on the shard.
sim::Task<void> ReadOnce(ConsumerContext& ctx, const std::string& shard_id, ShardReader& reader) {
  if (!reader.iterator.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return;
    }
    reader.iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
    if (!reader.iterator.has_value()) co_return;  // try again next round
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return;  // next round
  if (!page.ok()) {
    reader.iterator.reset();  // expired or invalid: a new one AFTER the checkpoint
    co_return;
  }
  for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
  if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return;
  }
  reader.iterator = page->NextShardIterator;
}

sim::Task<void> IgnoreChildShards(ConsumerContext& ctx) {
  std::map<std::string, ShardReader> readers;
  std::optional<std::vector<Shard>> shards;
  while (!shards.has_value()) shards = co_await ListShardsWithRetry(ctx);
  for (;;) {  // the bug: the shards listed at start-up, forever
    for (const Shard& shard : *shards) {
      ShardReader& reader = readers[shard.ShardId];
      if (reader.finished || !ParentsFinished(ctx, shard, *shards)) continue;
      co_await ReadOnce(ctx, shard.ShardId, reader);  // its ChildShards are ignored
    }
    co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
  }
}

}  // namespace

StrategyInfo IgnoreChildShardsStrategy() {
  return StrategyInfo{
      .name = "ignore-child-shards",
      .description = "reads the shards listed at start-up and drops each at its end, never "
                     "reading the children of a split or merge",
      .expected = Violates(Property::kNoMissedRecords),
      .provenance = {"https://github.com/redpanda-data/connect/issues/2649"},
      .params = {{.name = "poll_interval_ms",
                  .default_value = 1'000,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = IgnoreChildShards};
}

}  // namespace shardsim::catalogue
