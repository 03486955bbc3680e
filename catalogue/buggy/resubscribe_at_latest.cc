// Buggy: an enhanced fan-out worker (catalogue/fan_out_worker.h: consumer registration, a
// subscription per shard, checkpoint of each event's continuation, parents before children)
// that, when a subscription's five minutes are over, subscribes again at LATEST instead of
// AFTER the last ContinuationSequenceNumber. Whatever the old subscription had not yet sent -
// records behind an idle stretch it was still walking, records a slow processor had not asked
// for yet, a record put during the renewal - is skipped: the renewal starts past records it has
// not processed (no_skipping_subscription; its next checkpoint would run ahead of them too).
// Seen in: apache/beam#9899 (Beam's first EFO reader: "a `resubscribe` param which will cause it
// to always subscribe from LATEST"), apache/beam#23540 (review: "Don't we have to use the
// continuationSequenceNumber to resubscribe?"), awslabs/spark-sql-kinesis-connector#91 (LATEST
// turned into AT_TIMESTAMP(now) and renewed at that position every 5 minutes).
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

class ResubscribeAtLatestSteps : public FanOutSteps {
  // The bug: the renewal starts at the shard's tip, not where the old subscription stopped.
  std::optional<StartingPosition> Resubscribe(const ShardProgress&) override {
    return StartingPosition{.Type = ShardIteratorType::LATEST};
  }
};

sim::Task<void> ResubscribeAtLatest(ConsumerContext& ctx) {
  ResubscribeAtLatestSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo ResubscribeAtLatestStrategy() {
  return StrategyInfo{.name = "resubscribe-at-latest",
                      .description =
                          "enhanced fan-out worker that renews each subscription at LATEST "
                          "when its five minutes are over, skipping what it was not yet sent",
                      .expected = Violates(Property::kNoSkippingSubscription),
                      .provenance = {"https://github.com/apache/beam/pull/9899",
                                     "https://github.com/apache/beam/pull/23540",
                                     "https://github.com/awslabs/spark-sql-kinesis-connector/"
                                     "issues/91"},
                      .params = FanOutWorkerParams(),
                      .run = ResubscribeAtLatest,
                      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
