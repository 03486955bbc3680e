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
#include <algorithm>
#include <map>

#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

struct ShardReader {
  std::optional<std::string> iterator;
  std::optional<std::string> last_processed;
  bool finished = false;
};

// The bug: AT the record already processed, where AFTER is meant. TRIM_HORIZON when there is
// none, or when that record has expired (AT an expired record is below the trim horizon).
sim::Task<std::optional<std::string>> IteratorAt(
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

// One GetRecords on the shard; true when this call reached the shard's end.
sim::Task<bool> ReadOnce(ConsumerContext& ctx, const std::string& shard_id, ShardReader& reader) {
  if (!reader.iterator.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return false;
    }
    if (checkpoint.has_value()) reader.last_processed = checkpoint->sequence_number;
    reader.iterator = co_await IteratorAt(ctx, shard_id, reader.last_processed);
    if (!reader.iterator.has_value()) co_return false;  // try again next round
  }
  auto page = co_await ctx.kinesis.GetRecords({*reader.iterator, std::nullopt, std::nullopt});
  if (page.Is(ErrorCode::kExpiredIterator)) {
    reader.iterator = co_await IteratorAt(ctx, shard_id, reader.last_processed);
    co_return false;
  }
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return false;
  if (!page.ok()) {
    reader.iterator.reset();
    co_return false;
  }
  for (const Record& record : page->Records) {
    co_await ctx.app.Process(shard_id, record);
    reader.last_processed = record.SequenceNumber;
  }
  if (!page->Records.empty()) ctx.app.Checkpoint(shard_id, *reader.last_processed);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.iterator = page->NextShardIterator;
  co_return false;
}

sim::Task<void> ResumeAtSequenceNumber(ConsumerContext& ctx) {
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

StrategyInfo ResumeAtSequenceNumberStrategy() {
  return StrategyInfo{
      .name = "resume-at-sequence-number",
      .description = "KCL-style worker that resumes AT_SEQUENCE_NUMBER of the last processed "
                     "record (after a restart or an expired iterator) and processes it again",
      .expected = Violates(Property::kNoDuplicates),
      .provenance = {"https://github.com/awslabs/amazon-kinesis-client/pull/1014",
                     "https://github.com/awslabs/amazon-kinesis-client/issues/425"},
      .params = {{.name = "idle_time_between_reads_ms",
                  .default_value = 1'500,
                  .min_value = 0,
                  .max_value = 300'000,
                  .description = "sleep between rounds of reads (KCL idleTimeBetweenReadsInMillis)",
                  // Generated cases poll less often: a poller pays for every second of
                  // a run, and most generated seconds are idle.
                  .generate_min = 5'000,
                  .generate_max = 10'000}},
      .run = ResumeAtSequenceNumber};
}

}  // namespace shardsim::catalogue
