// Buggy: a KCL-style worker (one loop over every shard, parents before children, the idle time
// between reads, checkpoint after processing, throttled calls retried on the next round) that
// asks for its iterators AT_SEQUENCE_NUMBER of the last record it processed: at start-up AT the
// checkpoint, and after ExpiredIteratorException AT the last record it handed on. That record is
// returned, and processed, once more. KCL itself starts AT the checkpoint but drops the
// checkpointed record before the processor sees it (awslabs/amazon-kinesis-client#425); its
// expired-iterator path re-read the last record until awslabs/amazon-kinesis-client#1014 moved
// it to AFTER_SEQUENCE_NUMBER. A port that copies the AT without the filter processes the
// checkpointed record again after every restart: a duplicate no crash excuses, since the
// checkpoint already covered it.
#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

class ResumeAtTheLastRecord : public PollerSteps {
  sim::Task<std::optional<std::string>> NewIterator(ConsumerContext& ctx,
                                                    const std::string& shard_id,
                                                    ShardReader& reader) override {
    co_return co_await IteratorAt(ctx, shard_id, reader.last_read);
  }
  sim::Task<void> OnExpiredIterator(ConsumerContext& ctx, const std::string& shard_id,
                                    ShardReader& reader) override {
    reader.iterator = co_await IteratorAt(ctx, shard_id, reader.last_read);
  }

  // The bug: AT the record already processed, where AFTER is meant. TRIM_HORIZON when there is
  // none, or when that record has expired (AT an expired record is below the trim horizon).
  static sim::Task<std::optional<std::string>> IteratorAt(
      ConsumerContext& ctx, const std::string& shard_id,
      const std::optional<std::string>& sequence_number) {
    GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                    std::nullopt, std::nullopt};
    if (sequence_number.has_value()) {
      GetShardIteratorRequest at = request;
      at.ShardIteratorType = ShardIteratorType::AT_SEQUENCE_NUMBER;
      at.StartingSequenceNumber = sequence_number;
      std::optional<std::string> iterator = co_await GetIteratorWithRetry(ctx, at);
      if (iterator.has_value()) co_return iterator;
    }
    co_return co_await GetIteratorWithRetry(ctx, request);
  }
};

sim::Task<void> ResumeAtSequenceNumber(ConsumerContext& ctx) {
  ResumeAtTheLastRecord steps;
  co_await PollEveryShard(ctx, steps, "idle_time_between_reads_ms");
}

}  // namespace

StrategyInfo ResumeAtSequenceNumberStrategy() {
  return StrategyInfo{.name = "resume-at-sequence-number",
                      .description =
                          "KCL-style worker that resumes AT_SEQUENCE_NUMBER of the last processed "
                          "record (after a restart or an expired iterator) and processes it again",
                      .expected = Violates(Property::kNoDuplicates),
                      .provenance = {"https://github.com/awslabs/amazon-kinesis-client/pull/1014",
                                     "https://github.com/awslabs/amazon-kinesis-client/issues/425"},
                      .params = {KclIdleTimeBetweenReadsParam()},
                      .run = ResumeAtSequenceNumber};
}

}  // namespace shardsim::catalogue
