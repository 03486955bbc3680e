// Buggy: an enhanced fan-out worker (catalogue/fan_out_worker.h) that subscribes to the shards
// it listed at start-up and, at a shard's last event (no ContinuationSequenceNumber), checkpoints
// SHARD_END and stops, ignoring the ChildShards the event names; it never lists the shards again.
// After a split or merge the records written to the children are not read until the worker
// happens to restart. Emulators hide it: LocalStack's events always carry empty ChildShards.
// Seen in: localstack/localstack#3886 (review: "ChildShards will be always empty? So it's not
// possible to handle resharding similar to AWS Kinesis?"), apache/flink-connector-aws#245 (an
// EFO reader that mishandles a shard's last event at every reshard), redpanda-data/connect#2649
// (shards closed while the reader runs are never read to their children).
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

class IgnoreChildShardsSteps : public FanOutSteps {
  // The bug: the children are found neither in the last event nor by listing again.
  std::vector<model::ChildShard> ChildrenToStart(const SubscribeToShardEvent&) override {
    return {};
  }
  bool SyncsShards() override { return false; }
};

sim::Task<void> FanOutIgnoreChildShards(ConsumerContext& ctx) {
  IgnoreChildShardsSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo FanOutIgnoreChildShardsStrategy() {
  return StrategyInfo{.name = "fan-out-ignore-child-shards",
                      .description =
                          "enhanced fan-out worker that subscribes to the shards listed at "
                          "start-up and drops each at its end, never reading its ChildShards",
                      .expected = Violates(Property::kNoMissedRecords),
                      .provenance = {"https://github.com/localstack/localstack/pull/3886",
                                     "https://github.com/apache/flink-connector-aws/pull/245",
                                     "https://github.com/redpanda-data/connect/issues/2649"},
                      .params = FanOutWorkerParams(),
                      .run = FanOutIgnoreChildShards,
                      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
