// Buggy: a worker (one loop over every shard, parents before children) whose checkpoint is
// decoupled from processing: each page is checkpointed as soon as it is fetched, and only then
// handed on. A crash while the page is being processed loses its unprocessed records for good,
// since the restart resumes AFTER the checkpoint.
// Seen in: apache/pulsar#8192 (the Kinesis source's record processor queued records and
// checkpointed on an interval with no guarantee the queued records had been delivered; fixed
// in apache/pulsar#24501 by checkpointing only acknowledged records).
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
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return false;  // next round
  if (!page.ok()) {
    reader.iterator.reset();  // expired or invalid: a new one AFTER the checkpoint
    co_return false;
  }
  if (!page->Records.empty()) {
    ctx.app.Checkpoint(shard_id, page->Records.back().SequenceNumber);  // the bug: too early
  }
  for (const Record& record : page->Records) co_await ctx.app.Process(shard_id, record);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.iterator = page->NextShardIterator;
  co_return false;
}

sim::Task<void> CheckpointBeforeProcessing(ConsumerContext& ctx) {
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
    co_await ctx.Sleep(Duration::Millis(ctx.param("idle_time_between_reads_ms")));
  }
}

}  // namespace

StrategyInfo CheckpointBeforeProcessingStrategy() {
  return StrategyInfo{
      .name = "checkpoint-before-processing",
      .description = "checkpoints each page as soon as it is fetched, before processing it",
      .expected = Violates(Property::kCheckpointSafety),
      .provenance = {"https://github.com/apache/pulsar/issues/8192",
                     "https://github.com/apache/pulsar/pull/24501"},
      .params = {{.name = "idle_time_between_reads_ms",
                  .default_value = 1'500,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads (KCL idleTimeBetweenReadsInMillis)",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = CheckpointBeforeProcessing};
}

}  // namespace shardsim::catalogue
