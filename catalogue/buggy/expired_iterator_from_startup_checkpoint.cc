// Buggy: one loop that polls every shard in turn, processing and then checkpointing each page,
// and that, when GetRecords says an iterator has expired, asks again with the request it made
// at start-up: AFTER_SEQUENCE_NUMBER of the checkpoint it read when it launched (TRIM_HORIZON
// if there was none). On a consumer that has run for a while that position is far behind what
// it has processed, so everything since start-up is delivered a second time, with no crash to
// excuse it. The fix resumes AFTER the last sequence number read.
// Seen in: influxdata/telegraf#19508 (inputs.kinesis_consumer re-created an expired iterator
// from the GetShardIterator input it built at start-up; issue influxdata/telegraf#19505).
#include <map>

#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

class ReplaceExpiredWithTheStartupRequest : public PollerSteps {
  // A shard's first iterator, as the correct loop gets it (AFTER the checkpoint, at the trim
  // horizon when the checkpoint lies below it), remembering the request made then.
  sim::Task<std::optional<std::string>> NewIterator(ConsumerContext& ctx,
                                                    const std::string& shard_id,
                                                    ShardReader&) override {
    StartupRequest(ctx, shard_id);
    co_return co_await IteratorFromCheckpoint(ctx, shard_id);
  }
  // The bug: the request built at start-up, never updated. Only a start-up checkpoint that has
  // since fallen below the trim horizon sends it to the horizon, as at start-up; without that
  // fallback the loop would also stick below the horizon after an outage of a day, a second
  // bug (stuck-below-trim-horizon's) that would hide this one behind no_missed_records.
  sim::Task<void> OnExpiredIterator(ConsumerContext& ctx, const std::string& shard_id,
                                    ShardReader& reader) override {
    const GetShardIteratorRequest& request = StartupRequest(ctx, shard_id);
    auto it = co_await ctx.kinesis.GetShardIterator(request);
    if (it.ok()) {
      reader.iterator = it->ShardIterator;
    } else if (it.Is(ErrorCode::kInvalidArgument)) {
      reader.iterator = co_await GetIteratorWithRetry(
          ctx,
          {ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt});
    } else {
      reader.iterator = co_await GetIteratorWithRetry(ctx, request);
    }
  }

  const GetShardIteratorRequest& StartupRequest(ConsumerContext& ctx, const std::string& shard_id) {
    auto it = startup_requests_.find(shard_id);
    if (it != startup_requests_.end()) return it->second;
    GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                    std::nullopt, std::nullopt};
    if (const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
      request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
      request.StartingSequenceNumber = checkpoint->sequence_number;
    }
    return startup_requests_.emplace(shard_id, std::move(request)).first->second;
  }

  std::map<std::string, GetShardIteratorRequest> startup_requests_;
};

sim::Task<void> ExpiredIteratorFromStartupCheckpoint(ConsumerContext& ctx) {
  ReplaceExpiredWithTheStartupRequest steps;
  co_await PollEveryShard(ctx, steps, "poll_interval_ms");
}

}  // namespace

StrategyInfo ExpiredIteratorFromStartupCheckpointStrategy() {
  return StrategyInfo{
      .name = "expired-iterator-from-startup-checkpoint",
      .description =
          "polls every shard in turn; replaces an expired iterator with the request "
          "made at start-up, from the checkpoint read then",
      .expected = Violates(Property::kNoDuplicates),
      .provenance = {"https://github.com/influxdata/telegraf/pull/19508",
                     "https://github.com/influxdata/telegraf/issues/19505"},
      .params = {PollIntervalParam()},
      .run = ExpiredIteratorFromStartupCheckpoint};
}

}  // namespace shardsim::catalogue
