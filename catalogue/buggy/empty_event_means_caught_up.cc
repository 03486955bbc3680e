// Buggy: an enhanced fan-out worker (catalogue/fan_out_worker.h) that takes an event without
// records for "caught up" and declares the shard so, whatever MillisBehindLatest says. A
// subscription that starts behind an idle stretch walks it bucket by bucket, one event a
// second, each without records and with MillisBehindLatest shrinking, before it reaches the next
// record (kinesis_model.h); so does one whose position lies in a bucket that closed just before
// a record arrived in the next. Only MillisBehindLatest 0 says caught up.
// Seen in: no EFO report found names it (shared/docs/kinesis-semantics.md lists it among the EFO
// bugs); it is the fan-out twin of stop-on-first-empty-page (StackOverflow 46580494,
// apache/doris#67874), and emulators hide it the same way: LocalStack always sends
// MillisBehindLatest 0 and walks no idle stretch (shared/docs/wire-protocol.md, "what the peers
// get wrong").
#include "catalogue/fan_out_worker.h"

namespace shardsim::catalogue {
namespace {

class EmptyEventMeansCaughtUpSteps : public FanOutSteps {
  // The bug: MillisBehindLatest is never asked.
  bool CaughtUp(const SubscribeToShardEvent& event) override { return event.Records.empty(); }
};

sim::Task<void> EmptyEventMeansCaughtUp(ConsumerContext& ctx) {
  EmptyEventMeansCaughtUpSteps steps;
  co_await FanOutEveryShard(ctx, steps);
}

}  // namespace

StrategyInfo EmptyEventMeansCaughtUpStrategy() {
  return StrategyInfo{.name = "empty-event-means-caught-up",
                      .description =
                          "enhanced fan-out worker that declares a shard caught up at every "
                          "event without records, whatever MillisBehindLatest says",
                      .expected = Violates(Property::kNoFalseCaughtUp),
                      .provenance = {"https://stackoverflow.com/questions/46580494",
                                     "https://github.com/apache/doris/issues/67874"},
                      .params = FanOutWorkerParams(),
                      .run = EmptyEventMeansCaughtUp,
                      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
