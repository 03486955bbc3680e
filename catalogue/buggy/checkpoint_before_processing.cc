// Buggy: a worker (one loop over every shard, parents before children) whose checkpoint is
// decoupled from processing: each page is checkpointed as soon as it is fetched, and only then
// handed on. A crash while the page is being processed loses its unprocessed records for good,
// since the restart resumes AFTER the checkpoint.
// Seen in: apache/pulsar#8192 (the Kinesis source's record processor queued records and
// checkpointed on an interval with no guarantee the queued records had been delivered; fixed
// in apache/pulsar#24501 by checkpointing only acknowledged records).
#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

class CheckpointOnFetch : public PollerSteps {
  sim::Task<void> HandOn(ConsumerContext& ctx, const std::string& shard_id, ShardReader&,
                         const model::GetRecordsResponse& page) override {
    if (!page.Records.empty()) {
      ctx.app.Checkpoint(shard_id, page.Records.back().SequenceNumber);  // the bug: too early
    }
    for (const Record& record : page.Records) co_await ctx.app.Process(shard_id, record);
  }
};

sim::Task<void> CheckpointBeforeProcessing(ConsumerContext& ctx) {
  CheckpointOnFetch steps;
  co_await PollEveryShard(ctx, steps, "idle_time_between_reads_ms");
}

}  // namespace

StrategyInfo CheckpointBeforeProcessingStrategy() {
  return StrategyInfo{
      .name = "checkpoint-before-processing",
      .description = "checkpoints each page as soon as it is fetched, before processing it",
      .expected = Violates(Property::kCheckpointSafety),
      .provenance = {"https://github.com/apache/pulsar/issues/8192",
                     "https://github.com/apache/pulsar/pull/24501"},
      .params = {KclIdleTimeBetweenReadsParam()},
      .run = CheckpointBeforeProcessing};
}

}  // namespace shardsim::catalogue
