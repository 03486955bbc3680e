// Buggy: a loop that moves to NextShardIterator only when a page brings records. On an empty
// page it reports "nothing yet" and asks again later with the same iterator, and after an error
// it retries the same iterator too. An iterator lives 300 s from its issue, so the first idle
// stretch longer than that ends in ExpiredIteratorException, and the loop keeps sending the
// expired token. (It never crosses an empty bucket either: records beyond one are out of reach.)
// Seen in: redpanda-data/connect#139 (Benthos' Kinesis reader returned a timeout for an empty
// page before storing the next iterator; after about 300 s every read failed with
// ExpiredIteratorException until the checkpoint table was deleted).
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
    co_return false;
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  if (!page.ok()) co_return false;             // retried next round with the same iterator
  if (page->Records.empty()) co_return false;  // the bug: NextShardIterator is dropped
  for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
  ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.iterator = page->NextShardIterator;
  co_return false;
}

sim::Task<void> NoAdvanceOnEmptyPage(ConsumerContext& ctx) {
  std::map<std::string, ShardReader> readers;
  ShardList shards;
  for (;;) {
    if (shards == nullptr) shards = co_await ListShardsWithRetry(ctx);
    if (shards != nullptr) {
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

StrategyInfo NoAdvanceOnEmptyPageStrategy() {
  return StrategyInfo{.name = "no-advance-on-empty-page",
                      .description =
                          "keeps the same iterator when a page is empty or a call fails, so it "
                          "expires and is sent again",
                      .expected = Violates(Property::kExpiredIteratorRecovered),
                      .provenance = {"https://github.com/redpanda-data/connect/issues/139"},
                      .params = {PollIntervalParam()},
                      .run = NoAdvanceOnEmptyPage};
}

}  // namespace shardsim::catalogue
