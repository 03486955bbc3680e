// Buggy: a consumer that resumes every shard AFTER_SEQUENCE_NUMBER of its stored checkpoint and
// never lets go of it. If the consumer was down for longer than the retention period, records
// after that checkpoint have expired and it lies below the trim horizon; Kinesis has been seen
// to answer such an iterator with empty pages whose MillisBehindLatest stays at exactly the
// retention period (or to refuse it with InvalidArgumentException). The loop treats those pages
// as an idle shard, or retries the refused request, forever; the records that arrive later are
// never read. The fix: on that sign, start again from TRIM_HORIZON.
// Its checkpoint store works as kinesis-consumer's DynamoDB store does: checkpoints are kept in
// memory and written every minute, so a crash loses up to a minute of them (at-least-once, and
// why the stored checkpoint can be older than the records processed). A child shard starts once
// its parents are finished (harlow/kinesis-consumer#155).
// Seen in: harlow/kinesis-consumer#125 (after more than 24 h down, "it continues to read 0
// records with MillisBehindLatest remaining at 86400000").
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

constexpr int64_t kShardSyncIntervalMs = 30'000;
constexpr int64_t kCheckpointFlushIntervalMs = 60'000;

// Checkpoints set since the last flush, by shard.
struct CheckpointBuffer {
  std::map<std::string, std::string> pending;
};

sim::Task<void> FlushCheckpoints(ConsumerContext& ctx, std::shared_ptr<CheckpointBuffer> buffer) {
  for (;;) {
    co_await ctx.Sleep(Duration::Millis(kCheckpointFlushIntervalMs));
    for (const auto& [shard_id, sequence_number] : buffer->pending) {
      ctx.app.Checkpoint(shard_id, sequence_number);
    }
    buffer->pending.clear();
  }
}

// AFTER `sequence_number`, TRIM_HORIZON without one; retried until it is granted.
sim::Task<std::string> ShardIterator(ConsumerContext& ctx, const std::string& shard_id,
                                     const std::optional<std::string>& sequence_number) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                  std::nullopt, std::nullopt};
  if (sequence_number.has_value()) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = sequence_number;
  }
  for (;;) {
    if (std::optional<std::string> iterator = co_await GetIteratorWithRetry(ctx, request)) {
      co_return *iterator;
    }
    // The bug, when refused: the same request again.
    co_await ctx.Sleep(Duration::Millis(ctx.param("scan_interval_ms")));
  }
}

sim::Task<void> ScanShard(ConsumerContext& ctx, std::shared_ptr<CheckpointBuffer> buffer,
                          std::string shard_id) {
  std::optional<std::string> last_sequence;
  if (const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
    if (checkpoint->shard_end) co_return;
    last_sequence = checkpoint->sequence_number;
  }
  std::string iterator = co_await ShardIterator(ctx, shard_id, last_sequence);
  for (;;) {
    auto page = co_await ctx.kinesis.GetRecords({iterator, std::nullopt, std::nullopt});
    if (!page.ok()) {
      iterator = co_await ShardIterator(ctx, shard_id, last_sequence);
    } else {
      // The bug: an empty page with MillisBehindLatest at the retention period reads as idle.
      for (const Record& record : page->Records) {
        co_await ctx.app.Process(shard_id, record);
        buffer->pending[shard_id] = record.SequenceNumber;
        last_sequence = record.SequenceNumber;
      }
      if (!page->NextShardIterator.has_value()) {
        buffer->pending.erase(shard_id);
        ctx.app.CheckpointShardEnd(shard_id);
        ctx.app.DeclareShardEnd(shard_id);
        co_return;
      }
      iterator = *page->NextShardIterator;
    }
    co_await ctx.Sleep(Duration::Millis(ctx.param("scan_interval_ms")));
  }
}

sim::Task<void> StuckBelowTrimHorizon(ConsumerContext& ctx) {
  auto buffer = std::make_shared<CheckpointBuffer>();
  ctx.Spawn("checkpoint-flush", FlushCheckpoints(ctx, buffer));
  std::set<std::string> started;
  for (;;) {
    if (const ShardList shards = co_await ListShardsWithRetry(ctx)) {
      for (const Shard& shard : *shards) {
        if (started.contains(shard.ShardId) || !ParentsFinished(ctx, shard, *shards)) continue;
        started.insert(shard.ShardId);
        ctx.Spawn(absl::StrCat("scan-", shard.ShardId), ScanShard(ctx, buffer, shard.ShardId));
      }
    }
    co_await ctx.Sleep(Duration::Millis(kShardSyncIntervalMs));
  }
}

}  // namespace

StrategyInfo StuckBelowTrimHorizonStrategy() {
  return StrategyInfo{.name = "stuck-below-trim-horizon",
                      .description =
                          "resumes AFTER a checkpoint that has fallen below the trim horizon and "
                          "keeps reading its empty pages (or retrying) forever",
                      .expected = Violates(Property::kNoMissedRecords),
                      .provenance = {"https://github.com/harlow/kinesis-consumer/issues/125"},
                      .params = {ScanIntervalParam()},
                      .run = StuckBelowTrimHorizon};
}

}  // namespace shardsim::catalogue
