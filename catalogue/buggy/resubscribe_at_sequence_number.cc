// Buggy: an enhanced fan-out worker (catalogue/fan_out_worker.h) that, when a subscription's five
// minutes are over, subscribes again AT_SEQUENCE_NUMBER of the last record it processed (AFTER
// the continuation when it has processed none yet). The service sends that record again, and the
// worker processes it a second time with no crash to excuse it.
// Seen in: awslabs/amazon-kinesis-client#371 ("Use AFTER_SEQUENCE_NUMBER when reconnecting": "If
// the continuation sequence number happens to be the last record returned using
// AT_SEQUENCE_NUMBER will cause the record to be returned again"), redpanda-data/connect#4724
// (renews its subscription AT_SEQUENCE_NUMBER of the continuation).
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

class ResubscribeAtTheLastRecordSteps : public FanOutSteps {
  // The bug: AT the record already processed, where AFTER is meant.
  std::optional<StartingPosition> Resubscribe(const ShardProgress& progress) override {
    if (!progress.last_processed.has_value()) return FanOutSteps::Resubscribe(progress);
    return StartingPosition{.Type = ShardIteratorType::AT_SEQUENCE_NUMBER,
                            .SequenceNumber = progress.last_processed,
                            .Timestamp = std::nullopt};
  }
};

sim::Task<void> ResubscribeAtSequenceNumber(ConsumerContext& ctx) {
  ResubscribeAtTheLastRecordSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo ResubscribeAtSequenceNumberStrategy() {
  return StrategyInfo{.name = "resubscribe-at-sequence-number",
                      .description =
                          "enhanced fan-out worker that renews each subscription "
                          "AT_SEQUENCE_NUMBER of the last processed record and processes it again",
                      .expected = Violates(Property::kNoDuplicates),
                      .provenance = {"https://github.com/awslabs/amazon-kinesis-client/pull/371",
                                     "https://github.com/redpanda-data/connect/pull/4724"},
                      .params = FanOutWorkerParams(),
                      .run = ResubscribeAtSequenceNumber,
                      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
