// Correct: a Lambda event-source mapping. One poller per shard calls GetRecords about once a
// second with the batch size as Limit, hands the whole batch to the function and checkpoints
// only after the whole batch succeeded, so a crash mid-batch replays the batch (at least
// once). On an expired iterator it resumes AFTER the checkpoint; throttled or failed calls
// are retried after a back-off. At a shard's end it checkpoints SHARD_END and starts each
// child whose parents have all reached SHARD_END (the last parent of a merge starts it). At
// start it lists the shards and polls those whose listed parents are all finished; so it does
// again when a shard it polls has expired (ResourceNotFoundException: a closed shard whose
// records all passed the retention period while the batch was processed), whose children no
// SHARD_END will start.
// (Optionally, an empty batch at the tip is followed by a longer wait:
// `caught_up_poll_interval_ms`, off by default.)
//   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (polls each shard about
//   once a second, batch size, checkpoint after a successful batch, parents before children)
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

// The event-source mapping's state; it lives in the mapping's frame, which outlives the
// pollers (a crash kills the spawned pollers first).
struct Mapping {
  ConsumerContext& ctx;
  std::set<std::string> started;  // shards that have (or had) a poller
  std::set<std::string> polling;  // shards whose poller has not returned
};

bool AtShardEnd(const ConsumerContext& ctx, const std::string& shard_id) {
  const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
  return checkpoint.has_value() && checkpoint->shard_end;
}

sim::Task<void> PollShard(Mapping& mapping, std::string shard_id);

// A parent a child need not wait for: at SHARD_END, or polled here until it expired.
bool ParentDone(const Mapping& mapping, const std::string& parent) {
  return AtShardEnd(mapping.ctx, parent) ||
         (mapping.started.contains(parent) && !mapping.polling.contains(parent));
}

// AFTER the checkpoint; TRIM_HORIZON when there is none, or when it has been trimmed (what is
// left of the shard starts at the horizon).
sim::Task<model::Outcome<model::GetShardIteratorResponse>> IteratorAfterCheckpoint(
    ConsumerContext& ctx, const std::string& shard_id) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                  std::nullopt, std::nullopt};
  if (const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = checkpoint->sequence_number;
  }
  auto iterator = co_await ctx.kinesis.GetShardIterator(request);
  if (iterator.Is(ErrorCode::kInvalidArgument) && request.StartingSequenceNumber.has_value()) {
    iterator = co_await ctx.kinesis.GetShardIterator(
        {ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt});
  }
  co_return iterator;
}

void StartPoller(Mapping& mapping, const std::string& shard_id) {
  if (AtShardEnd(mapping.ctx, shard_id) || !mapping.started.insert(shard_id).second) return;
  mapping.polling.insert(shard_id);
  mapping.ctx.Spawn(absl::StrCat("poller:", shard_id), PollShard(mapping, shard_id));
}

// A shard that has expired with its records (ResourceNotFoundException): no longer polled, and
// on to the children whose parents are now all finished.
sim::Task<void> LeaveExpiredShard(Mapping& mapping, const std::string& shard_id) {
  mapping.polling.erase(shard_id);
  co_await StartShardsWhoseParentsFinished(
      mapping.ctx, mapping.polling,
      [&mapping](const std::string& id) { StartPoller(mapping, id); });
}

sim::Task<void> PollShard(Mapping& mapping, std::string shard_id) {
  ConsumerContext& ctx = mapping.ctx;
  // Looked up once: a parameter lookup per poll showed in profiles.
  const Duration poll_interval = Duration::Millis(ctx.param("poll_interval_ms"));
  const Duration retry_backoff = Duration::Millis(ctx.param("retry_backoff_ms"));
  const int batch_size = static_cast<int>(ctx.param("batch_size"));
  const int64_t caught_up_ms = ctx.param("caught_up_poll_interval_ms");
  std::optional<std::string> iterator;
  while (true) {
    if (!iterator.has_value()) {
      auto fresh = co_await IteratorAfterCheckpoint(ctx, shard_id);
      if (fresh.Is(ErrorCode::kResourceNotFound)) {  // expired with its records before this read
        co_await LeaveExpiredShard(mapping, shard_id);
        co_return;
      }
      if (!fresh.ok()) {
        co_await ctx.Sleep(retry_backoff);
        continue;
      }
      iterator = std::move(fresh->ShardIterator);
    }
    auto batch = co_await ctx.kinesis.GetRecords({*iterator, batch_size, std::nullopt});
    if (batch.Is(ErrorCode::kResourceNotFound)) {  // expired with its records
      co_await LeaveExpiredShard(mapping, shard_id);
      co_return;
    }
    if (!batch.ok()) {
      if (!batch.Is(ErrorCode::kProvisionedThroughputExceeded)) iterator.reset();
      co_await ctx.Sleep(retry_backoff);
      continue;
    }
    for (Record& record : batch->Records) {
      co_await ctx.app.Process(shard_id, TakeForProcessing(record));
    }
    if (!batch->Records.empty()) ctx.app.Checkpoint(shard_id, batch->Records.back().SequenceNumber);
    if (!batch->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      mapping.polling.erase(shard_id);
      for (const ChildShard& child : batch->ChildShards) {
        if (std::all_of(child.ParentShards.begin(), child.ParentShards.end(),
                        [&](const std::string& parent) { return ParentDone(mapping, parent); })) {
          StartPoller(mapping, child.ShardId);
        }
      }
      co_return;
    }
    iterator = std::move(batch->NextShardIterator);
    const bool idle_at_tip = batch->Records.empty() && batch->MillisBehindLatest == 0;
    co_await ctx.Sleep(idle_at_tip && caught_up_ms > 0 ? Duration::Millis(caught_up_ms)
                                                       : poll_interval);
  }
}

sim::Task<void> LambdaPoller(ConsumerContext& ctx) {
  Mapping mapping{ctx, {}, {}};
  co_await StartShardsWhoseParentsFinished(
      ctx, mapping.polling, [&mapping](const std::string& id) { StartPoller(mapping, id); });
  // The mapping lives as long as its pollers; it has nothing else to do.
  while (true) co_await ctx.Sleep(Duration::Hours(1));
}

}  // namespace

StrategyInfo LambdaPollerStrategy() {
  return StrategyInfo{
      .name = "lambda-poller",
      .description =
          "Lambda event-source style: a poller per shard about once a second, "
          "checkpoint after the whole batch, children after their parents",
      .expected = {},
      .provenance = {"https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html",
                     "https://docs.aws.amazon.com/lambda/latest/dg/"
                     "with-kinesis.html#services-kinesis-polling-and-batching"},
      .params = {{"batch_size", 100, 1, 10'000, "GetRecords Limit (BatchSize)", 1, 10'000},
                 {"poll_interval_ms", 1'000, 200, 60'000, "sleep between polls of a shard", 1'000,
                  1'000},
                 {"caught_up_poll_interval_ms", 0, 0, 600'000,
                  "wait after an empty batch at the tip (MillisBehindLatest == 0); 0: the "
                  "normal poll interval. Generated cases wait 30-60 s so that runs spanning "
                  "days of virtual time stay within the event bound",
                  30'000, 60'000},
                 {"retry_backoff_ms", 1'000, 1, 60'000, "sleep after a throttled or failed call",
                  500, 5'000}},
      .run = LambdaPoller};
}

}  // namespace shardsim::catalogue
