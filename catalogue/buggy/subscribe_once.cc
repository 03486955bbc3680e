// Buggy: an enhanced fan-out worker (catalogue/fan_out_worker.h) that subscribes to each shard
// once and reads the subscription to its end, as if it were endless; it never renews it. A
// subscription lasts five minutes, so every shard goes quiet five minutes after the worker
// started (or after its last restart), and the records put after that are never read.
// Seen in: aws/aws-sdk-js-v3#2418 and aws/aws-sdk-js-v3#3818 (the SDK's SubscribeToShard
// snippet: one subscription read to its end), localstack/localstack#5830 ("On AWS, Kinesis
// streams messages for 5 minutes, then upstream closes the request"), and
// awslabs/amazon-kinesis-client#463 ("KCL 2.0 stops consuming from some shards").
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

class SubscribeOnceSteps : public FanOutSteps {
  // The bug: the end of a subscription is taken for the end of the shard's data.
  std::optional<StartingPosition> Resubscribe(const ShardProgress&) override {
    return std::nullopt;
  }
};

sim::Task<void> SubscribeOnce(ConsumerContext& ctx) {
  SubscribeOnceSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo SubscribeOnceStrategy() {
  return StrategyInfo{.name = "subscribe-once",
                      .description =
                          "enhanced fan-out worker that reads one subscription per shard and "
                          "never renews it, so every shard goes quiet after five minutes",
                      .expected = Violates(Property::kNoMissedRecords),
                      .provenance = {"https://github.com/aws/aws-sdk-js-v3/issues/2418",
                                     "https://github.com/aws/aws-sdk-js-v3/pull/3818",
                                     "https://github.com/localstack/localstack/issues/5830",
                                     "https://github.com/awslabs/amazon-kinesis-client/issues/463"},
                      .params = FanOutWorkerParams(),
                      .run = SubscribeOnce,
                      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
