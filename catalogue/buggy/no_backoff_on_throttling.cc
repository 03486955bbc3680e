// Buggy: a loop over every shard (parents before children, checkpoint after processing) that
// retries a throttled GetRecords at once, with no sleep. ProvisionedThroughputExceededException
// means the shard's read budget (5 calls and 2 MiB per second, shared by every application
// reading it) is spent; calling again immediately spends more of it, so a competing reader or
// a burst turns the loop into a hot loop that keeps the shard throttled for everyone.
// Seen in: remind101/kinesumer#26 (its shard worker did not limit how often it called
// GetRecords; once throttled, the same request was retried over and over and the shard looked
// deadlocked; remind101/kinesumer#27 limited the calls to 5 per second). This loop does pause
// between successful reads; it lacks the pause where it matters most, after a throttled call.
#include <algorithm>
#include <map>

#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

struct ShardReader {
  std::optional<std::string> iterator;
  bool finished = false;
};

// One GetRecords on the shard; true when this call reached the shard's end.
sim::Task<bool> ReadOnce(ConsumerContext& ctx, const std::string& shard_id, ShardReader& reader) {
  if (!reader.iterator.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return false;
    }
    reader.iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
    if (!reader.iterator.has_value()) co_return false;  // try again next round
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  while (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {  // the bug: no back-off
    page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  }
  if (!page.ok()) {
    reader.iterator.reset();  // expired or invalid: a new one AFTER the checkpoint
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

sim::Task<void> NoBackoffOnThrottling(ConsumerContext& ctx) {
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

StrategyInfo NoBackoffOnThrottlingStrategy() {
  return StrategyInfo{
      .name = "no-backoff-on-throttling",
      .description = "retries a throttled GetRecords at once, in a hot loop",
      .expected = Violates(Property::kBoundedCallRate),
      .provenance = {"https://github.com/remind101/kinesumer/issues/26",
                     "https://github.com/remind101/kinesumer/pull/27"},
      .params = {{.name = "poll_interval_ms",
                  .default_value = 1'000,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = NoBackoffOnThrottling};
}

}  // namespace shardsim::catalogue
