// Correct: a KCL-2.x-style enhanced fan-out worker (catalogue/fan_out_worker.h, every step as its
// defaults take it). It registers its stream consumer (on ResourceInUseException it already
// exists: DescribeStreamConsumer by StreamARN and name) and waits while it is CREATING; reads
// every shard with a subscription of its own, parents before children; checkpoints each event's
// ContinuationSequenceNumber once its records are processed; subscribes again AFTER that
// continuation when a subscription's five minutes are over (5 s after a ResourceInUseException);
// at the event without a continuation checkpoints SHARD_END and starts the ChildShards; after a
// crash resumes AFTER its checkpoint (TRIM_HORIZON without one).
//   awslabs/amazon-kinesis-client: retrieval/fanout/FanOutRecordsPublisher (resubscribes
//   AFTER_SEQUENCE_NUMBER of the continuation, PR #371; no continuation at SHARD_END, PR #426),
//   retrieval/fanout/FanOutConsumerRegistration (RegisterStreamConsumer, ResourceInUse ->
//   DescribeStreamConsumer, wait for ACTIVE), lifecycle/BlockOnParentShardTask.
//   https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShardEvent.html
//   ("Use ContinuationSequenceNumber for checkpointing").
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

sim::Task<void> FanOutWorker(ConsumerContext& ctx) {
  FanOutSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo FanOutWorkerStrategy() {
  return StrategyInfo{
      .name = "fan-out-worker",
      .description =
          "KCL-2.x-style enhanced fan-out worker: a subscription per shard, checkpoint the "
          "continuation after processing, resubscribe AFTER it, children after parents",
      .expected = {},
      .provenance =
          {"https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/retrieval/fanout/FanOutRecordsPublisher.java",
           "https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/retrieval/fanout/"
           "FanOutConsumerRegistration.java",
           "https://github.com/awslabs/amazon-kinesis-client/pull/371",
           "https://github.com/awslabs/amazon-kinesis-client/pull/426",
           "https://docs.aws.amazon.com/kinesis/latest/APIReference/"
           "API_SubscribeToShardEvent.html"},
      .params = FanOutWorkerParams(),
      .run = FanOutWorker,
      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
