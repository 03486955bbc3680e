// Buggy: a consumer that lists the stream's shards at start-up and every 30 s and starts
// scanning every shard it has not seen yet at once, each in its own process, parents and
// children alike. Each scan resumes AFTER its checkpoint (TRIM_HORIZON without one), processes
// and checkpoints record by record, and replaces its iterator after any error. Records of one
// partition key move from a parent to a child at a split or merge; a child read while its parent
// still has unread records hands that key's newer records on before its older ones.
// Seen in: harlow/kinesis-consumer#155 ("upon the initial (and subsequent) listShards call, all
// visible shards immediately begin processing"; the pull request that made children wait),
// with the initial position set to TRIM_HORIZON.
#include <set>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

constexpr int64_t kShardSyncIntervalMs = 30'000;

sim::Task<std::optional<std::string>> ShardIterator(
    ConsumerContext& ctx, const std::string& shard_id,
    const std::optional<std::string>& last_sequence) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                  std::nullopt, std::nullopt};
  if (last_sequence.has_value()) {
    GetShardIteratorRequest after = request;
    after.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    after.StartingSequenceNumber = last_sequence;
    auto it = co_await ctx.kinesis.GetShardIterator(after);
    if (it.ok()) co_return it->ShardIterator;
    // Below the trim horizon (InvalidArgumentException): what is left is at the horizon. This
    // loop's one bug is the order of parents and children, not this.
    if (!it.Is(ErrorCode::kInvalidArgument)) co_return co_await GetIteratorWithRetry(ctx, after);
  }
  co_return co_await GetIteratorWithRetry(ctx, request);
}

sim::Task<void> ScanShard(ConsumerContext& ctx, std::string shard_id) {
  std::optional<std::string> last_sequence;
  if (const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
    if (checkpoint->shard_end) co_return;
    last_sequence = checkpoint->sequence_number;
  }
  std::optional<std::string> iterator = co_await ShardIterator(ctx, shard_id, last_sequence);
  for (;;) {
    if (!iterator.has_value()) {
      iterator = co_await ShardIterator(ctx, shard_id, last_sequence);
    } else if (auto page = co_await ctx.kinesis.GetRecords({*iterator, std::nullopt, std::nullopt});
               !page.ok()) {
      iterator = co_await ShardIterator(ctx, shard_id, last_sequence);
    } else {
      for (const Record& record : page->Records) {
        co_await ctx.app.Process(shard_id, record);
        ctx.app.Checkpoint(shard_id, record.SequenceNumber);
        last_sequence = record.SequenceNumber;
      }
      if (!page->NextShardIterator.has_value()) {
        ctx.app.CheckpointShardEnd(shard_id);
        ctx.app.DeclareShardEnd(shard_id);
        co_return;
      }
      iterator = page->NextShardIterator;
    }
    co_await ctx.Sleep(Duration::Millis(ctx.param("scan_interval_ms")));
  }
}

sim::Task<void> ChildrenBeforeParents(ConsumerContext& ctx) {
  std::set<std::string> started;
  for (;;) {
    if (const ShardList shards = co_await ListShardsWithRetry(ctx)) {
      for (const Shard& shard : *shards) {
        if (!started.insert(shard.ShardId).second) continue;
        // The bug: a child starts at once, whether or not its parents are finished.
        ctx.Spawn(absl::StrCat("scan-", shard.ShardId), ScanShard(ctx, shard.ShardId));
      }
    }
    co_await ctx.Sleep(Duration::Millis(kShardSyncIntervalMs));
  }
}

}  // namespace

StrategyInfo ChildrenBeforeParentsStrategy() {
  return StrategyInfo{
      .name = "children-before-parents",
      .description =
          "scans every listed shard at once, starting children before their parents "
          "are finished",
      .expected = Violates(Property::kLineageOrder),
      .provenance = {"https://github.com/harlow/kinesis-consumer/pull/155"},
      .params = {ScanIntervalParam()},
      .run = ChildrenBeforeParents};
}

}  // namespace shardsim::catalogue
