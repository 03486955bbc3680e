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
// loop.
#include <algorithm>
#include <map>

#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

struct ShardReader {
  std::optional<std::string> iterator;
  std::optional<std::string> next_sequence_number;  // AFTER this; unset until a record is read
  bool finished = false;
};

// The bug: without a sequence number the start position, LATEST, is reused.
sim::Task<std::optional<std::string>> MakeShardIterator(ConsumerContext& ctx,
                                                        const std::string& shard_id,
                                                        const ShardReader& reader) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::LATEST,
                                  std::nullopt, std::nullopt};
  if (reader.next_sequence_number.has_value()) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = reader.next_sequence_number;
  }
  co_return co_await GetIteratorWithRetry(ctx, request);
}

// One GetRecords on the shard; true when this call reached the shard's end.
sim::Task<bool> ReadOnce(ConsumerContext& ctx, const std::string& shard_id, ShardReader& reader) {
  if (!reader.iterator.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return false;
    }
    if (checkpoint.has_value()) reader.next_sequence_number = checkpoint->sequence_number;
    reader.iterator = co_await IteratorFromCheckpoint(ctx, shard_id);
    if (!reader.iterator.has_value()) co_return false;  // try again next round
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  if (page.Is(ErrorCode::kExpiredIterator)) {
    reader.iterator = co_await MakeShardIterator(ctx, shard_id, reader);
    co_return false;
  }
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return false;
  if (!page.ok()) {
    reader.iterator.reset();
    co_return false;
  }
  for (const Record& record : page->Records) {
    co_await ctx.app.Process(shard_id, record);
    reader.next_sequence_number = record.SequenceNumber;
  }
  if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, *reader.next_sequence_number);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.iterator = page->NextShardIterator;
  co_return false;
}

sim::Task<void> ExpiredIteratorFromLatest(ConsumerContext& ctx) {
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

StrategyInfo ExpiredIteratorFromLatestStrategy() {
  return StrategyInfo{
      .name = "expired-iterator-from-latest",
      .description = "polls every shard in turn; replaces an expired iterator from LATEST when it "
                     "has read nothing from that shard yet",
      .expected = Violates(Property::kNoMissedRecords),
      .provenance = {"https://github.com/tenzir/tenzir/pull/6188"},
      .params = {{.name = "poll_interval_ms",
                  .default_value = 1'000,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = ExpiredIteratorFromLatest};
}

}  // namespace shardsim::catalogue
