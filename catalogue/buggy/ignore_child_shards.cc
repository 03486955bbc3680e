// Buggy: a loop over every shard it listed at start-up (parents before children, checkpoint
// after processing) that, when a shard ends, checkpoints SHARD_END and drops it, ignoring the
// ChildShards of the last page, and never lists the shards again. After a split or merge the
// records written to the children are not read until the consumer happens to restart.
// Seen in: redpanda-data/connect#2649 (the aws_kinesis input does not read shards that are
// closed when it allocates shards, losing their unread records: the same gap at a split, from
// the parent's side).
#include <map>

#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

sim::Task<void> IgnoreChildShards(ConsumerContext& ctx) {
  PollerSteps steps;  // every step as the correct worker takes it
  std::map<std::string, ShardReader> readers;
  ShardList shards;
  while (shards == nullptr) shards = co_await ListShardsWithRetry(ctx);
  for (;;) {  // the bug: the shards listed at start-up, forever
    for (const Shard& shard : *shards) {
      ShardReader& reader = readers[shard.ShardId];
      if (reader.finished || !ParentsFinished(ctx, shard, *shards)) continue;
      co_await PollOnce(ctx, steps, shard.ShardId, reader);  // its ChildShards are ignored
    }
    co_await ctx.Sleep(AnyBehind(readers) ? kCatchUpInterval
                                          : Duration::Millis(ctx.param("poll_interval_ms")));
  }
}

}  // namespace

StrategyInfo IgnoreChildShardsStrategy() {
  return StrategyInfo{.name = "ignore-child-shards",
                      .description =
                          "reads the shards listed at start-up and drops each at its end, never "
                          "reading the children of a split or merge",
                      .expected = Violates(Property::kNoMissedRecords),
                      .provenance = {"https://github.com/redpanda-data/connect/issues/2649"},
                      .params = {PollIntervalParam()},
                      .run = IgnoreChildShards};
}

}  // namespace shardsim::catalogue
