// Buggy: one loop that polls every shard in turn and, when GetRecords says an iterator has
// expired, asks for a new one AFTER the last sequence number it read from that shard, or, when it
// has read none yet, from its start position: LATEST. But a shard it has read nothing from is not
// one with nothing to read: its iterator expires while the loop is busy elsewhere (slow
// processing of another shard's records, back-pressure, a pause), and the records that arrived
// on it meanwhile lie before LATEST. They are skipped for good.
// Seen in: tenzir/tenzir#6188 (review of the Kinesis operators: an expired iterator is rebuilt
// from the shard's next sequence number, or, when the shard has emitted no record yet, from the
// default start "latest", skipping what arrived while it was stale). Ported with a checkpoint
// store, from which it starts, so that only the expired-iterator path differs from a correct
// loop. When more records reach that shard later, or it is closed by a split or merge, the loop
// checkpoints past the ones it skipped (their successors, or SHARD_END): the judge then reports
// the same loss as checkpoint_safety, at the moment it becomes unrecoverable
// (tests/properties/buggy_catalogue_test.cc shows it).
#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

class ReplaceExpiredFromLatest : public PollerSteps {
  // AFTER the last record read; the bug: without one, the start position, LATEST, is reused.
  sim::Task<void> OnExpiredIterator(ConsumerContext& ctx, const std::string& shard_id,
                                    ShardReader& reader) override {
    GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::LATEST,
                                    std::nullopt, std::nullopt};
    if (reader.last_read.has_value()) {
      request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
      request.StartingSequenceNumber = reader.last_read;
    }
    reader.iterator = co_await GetIteratorWithRetry(ctx, request);
  }
};

sim::Task<void> ExpiredIteratorFromLatest(ConsumerContext& ctx) {
  ReplaceExpiredFromLatest steps;
  co_await PollEveryShard(ctx, steps, "poll_interval_ms");
}

}  // namespace

StrategyInfo ExpiredIteratorFromLatestStrategy() {
  return StrategyInfo{
      .name = "expired-iterator-from-latest",
      .description =
          "polls every shard in turn; replaces an expired iterator from LATEST when it "
          "has read nothing from that shard yet",
      .expected = Violates(Property::kNoMissedRecords),
      .provenance = {"https://github.com/tenzir/tenzir/pull/6188"},
      .params = {PollIntervalParam()},
      .run = ExpiredIteratorFromLatest};
}

}  // namespace shardsim::catalogue
