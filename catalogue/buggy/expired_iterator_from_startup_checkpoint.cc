// Buggy: one loop that polls every shard in turn, processing and then checkpointing each page,
// and that, when GetRecords says an iterator has expired, asks again with the request it made
// at start-up: AFTER_SEQUENCE_NUMBER of the checkpoint it read when it launched (TRIM_HORIZON
// if there was none). On a consumer that has run for a while that position is far behind what
// it has processed, so everything since start-up is delivered a second time, with no crash to
// excuse it. The fix resumes AFTER the last sequence number read.
// Seen in: influxdata/telegraf#19508 (inputs.kinesis_consumer re-created an expired iterator
// from the GetShardIterator input it built at start-up; issue influxdata/telegraf#19505).
#include <algorithm>
#include <map>

#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

struct ShardReader {
  std::optional<std::string> iterator;
  // The request built at start-up from the checkpoint read then; never updated (the bug).
  std::optional<GetShardIteratorRequest> startup_request;
  bool finished = false;
};

// One GetRecords on the shard; true when this call reached the shard's end.
sim::Task<bool> ReadOnce(ConsumerContext& ctx, const std::string& shard_id, ShardReader& reader) {
  if (!reader.startup_request.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return false;
    }
    reader.startup_request = GetShardIteratorRequest{
        ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt};
    if (checkpoint.has_value()) {
      reader.startup_request->ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
      reader.startup_request->StartingSequenceNumber = checkpoint->sequence_number;
    }
  }
  if (!reader.iterator.has_value()) {
    reader.iterator = co_await GetIteratorWithRetry(ctx, *reader.startup_request);
    if (!reader.iterator.has_value()) co_return false;  // try again next round
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  if (page.Is(ErrorCode::kExpiredIterator)) {
    reader.iterator = co_await GetIteratorWithRetry(ctx, *reader.startup_request);  // the bug
    co_return false;
  }
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return false;
  if (!page.ok()) {
    reader.iterator.reset();
    co_return false;
  }
  for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
  if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.iterator = page->NextShardIterator;
  co_return false;
}

sim::Task<void> ExpiredIteratorFromStartupCheckpoint(ConsumerContext& ctx) {
  std::map<std::string, ShardReader> readers;
  std::optional<std::vector<Shard>> shards;
  for (;;) {
    if (!shards.has_value()) shards = co_await ListShardsWithRetry(ctx);
    if (shards.has_value()) {
      bool shard_ended = false;
      for (const Shard& shard : *shards) {
        ShardReader& reader = readers[shard.ShardId];
        if (reader.finished || !ParentsFinished(ctx, shard, *shards)) continue;
        shard_ended |= co_await ReadOnce(ctx, shard.ShardId, reader);
      }
      if (shard_ended) shards.reset();  // list again: its children are there now
    }
    co_await ctx.Sleep(Duration::Millis(ctx.param("poll_interval_ms")));
  }
}

}  // namespace

StrategyInfo ExpiredIteratorFromStartupCheckpointStrategy() {
  return StrategyInfo{
      .name = "expired-iterator-from-startup-checkpoint",
      .description = "polls every shard in turn; replaces an expired iterator with the request "
                     "made at start-up, from the checkpoint read then",
      .expected = Violates(Property::kNoDuplicates),
      .provenance = {"https://github.com/influxdata/telegraf/pull/19508",
                     "https://github.com/influxdata/telegraf/issues/19505"},
      .params = {{.name = "poll_interval_ms",
                  .default_value = 1'000,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = ExpiredIteratorFromStartupCheckpoint};
}

}  // namespace shardsim::catalogue
