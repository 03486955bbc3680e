// Correct: a KCL-style worker. A shard sync lists the shards and starts one shard consumer per
// shard. Each shard consumer first blocks until every parent's checkpoint is SHARD_END (a
// parent that is no longer listed has expired and is not waited for, unless this worker still
// holds its lease: its shard consumer may be processing records it read before they expired),
// then starts AFTER its
// checkpoint (or at TRIM_HORIZON) and loops: sleep the idle time, GetRecords(10,000), hand the
// batch to the processor, checkpoint after processing. ExpiredIterator: a new iterator AFTER
// the last sequence number processed. Throttling: back off and retry. At the shard's end it
// checkpoints SHARD_END and starts the children it was told about (ChildShards), which block
// on their parents in turn. The worker never returns. (Optionally, after an empty page at the
// tip it idles longer: `caught_up_idle_time_ms`, off by default.)
//   awslabs/amazon-kinesis-client: retrieval/polling/PollingConfig (maxRecords 10,000,
//   idleTimeBetweenReadsInMillis 1,500), retrieval/polling/PrefetchRecordsPublisher
//   (ExpiredIteratorException -> restart AFTER the last sequence number), lifecycle/
//   BlockOnParentShardTask (parentShardPollIntervalMillis 10,000), lifecycle/ShutdownTask
//   (SHARD_END checkpoint, child leases from ChildShards).
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"
#include "model/shard_id_map.h"

namespace shardsim::catalogue {
namespace {

// What the worker's shard consumers share; it lives in the worker's frame, which outlives them
// (a crash kills the spawned consumers first).
struct Worker {
  ConsumerContext& ctx;
  // Shards that have (or had) a shard consumer; a ShardIdMap, as every shard sync asks about every
  // listed shard (a std::set's compares of ids were 0.5% of a kcl-worker run, measured).
  model::ShardIdMap<bool> started;
  // Shards whose shard consumer has not returned (held leases). Erased where a consumer
  // returns, not by a destructor: at a crash the worker's frame may go before its consumers'.
  std::set<std::string> running;
};

sim::Task<void> ShardConsumer(Worker& worker, std::string shard_id,
                              std::vector<std::string> parents);

void StartShardConsumer(Worker& worker, const std::string& shard_id,
                        std::vector<std::string> parents) {
  const std::optional<Checkpoint> checkpoint = worker.ctx.app.ReadCheckpoint(shard_id);
  if (checkpoint.has_value() && checkpoint->shard_end) return;  // finished before a restart
  bool& started = worker.started[shard_id];
  if (started) return;
  started = true;
  worker.running.insert(shard_id);
  worker.ctx.Spawn(absl::StrCat("shard-consumer:", shard_id),
                   ShardConsumer(worker, shard_id, std::move(parents)));
}

// AFTER `sequence_number` (TRIM_HORIZON when there is none or it has been trimmed).
sim::Task<model::Outcome<model::GetShardIteratorResponse>> IteratorAfter(
    ConsumerContext& ctx, const std::string& shard_id, std::optional<std::string> sequence_number) {
  GetShardIteratorRequest request{ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON,
                                  std::nullopt, std::nullopt};
  if (sequence_number.has_value()) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = sequence_number;
  }
  auto iterator = co_await ctx.kinesis.GetShardIterator(request);
  if (iterator.Is(ErrorCode::kInvalidArgument) && sequence_number.has_value()) {
    iterator = co_await ctx.kinesis.GetShardIterator(
        {ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt});
  }
  co_return iterator;
}

sim::Task<void> ShardConsumer(Worker& worker, std::string shard_id,
                              std::vector<std::string> parents) {
  ConsumerContext& ctx = worker.ctx;
  co_await BlockOnParents(ctx, parents, worker.running);
  std::optional<std::string> last_sequence_number;
  if (const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id)) {
    last_sequence_number = checkpoint->sequence_number;
  }
  std::optional<std::string> iterator;
  bool caught_up = false;
  bool idle_at_tip = false;
  // Looked up once: a parameter lookup per read showed in profiles.
  const int64_t caught_up_ms = ctx.param("caught_up_idle_time_ms");
  const int64_t idle_ms = ctx.param("idle_time_between_reads_ms");
  const int max_records = static_cast<int>(ctx.param("max_records"));
  const Duration throttle_backoff = Duration::Millis(ctx.param("throttle_backoff_ms"));
  while (true) {
    co_await ctx.Sleep(Duration::Millis(idle_at_tip && caught_up_ms > 0 ? caught_up_ms : idle_ms));
    idle_at_tip = false;
    if (!iterator.has_value()) {
      auto fresh = co_await IteratorAfter(ctx, shard_id, last_sequence_number);
      if (fresh.Is(ErrorCode::kResourceNotFound)) {  // expired with its records before this read
        worker.running.erase(shard_id);              // its children are not blocked on it
        co_return;
      }
      if (!fresh.ok()) continue;
      iterator = std::move(fresh->ShardIterator);
    }
    auto page = co_await ctx.kinesis.GetRecords({*iterator, max_records, std::nullopt});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      co_await ctx.Sleep(throttle_backoff);
      continue;
    }
    if (page.Is(ErrorCode::kResourceNotFound)) {  // expired with its records
      worker.running.erase(shard_id);
      co_return;
    }
    if (!page.ok()) {  // ExpiredIterator, or anything else: restart after the last record
      iterator.reset();
      continue;
    }
    for (Record& record : page->Records) {
      co_await ctx.app.Process(shard_id, TakeForProcessing(record));
    }
    if (!page->Records.empty()) {
      last_sequence_number = page->Records.back().SequenceNumber;
      ctx.app.Checkpoint(shard_id, *last_sequence_number);
    }
    if (!page->NextShardIterator.has_value()) {
      ctx.app.CheckpointShardEnd(shard_id);
      ctx.app.DeclareShardEnd(shard_id);
      worker.running.erase(shard_id);
      for (const ChildShard& child : page->ChildShards) {
        StartShardConsumer(worker, child.ShardId, child.ParentShards);
      }
      co_return;
    }
    iterator = std::move(page->NextShardIterator);
    if (page->MillisBehindLatest == 0 && !caught_up) ctx.app.DeclareCaughtUp(shard_id);
    caught_up = page->MillisBehindLatest == 0;
    idle_at_tip = caught_up && page->Records.empty();
  }
}

sim::Task<void> KclWorker(ConsumerContext& ctx) {
  Worker worker{ctx, {}, {}};
  // Looked up once: a parameter lookup per shard sync showed in profiles.
  const Duration sync_interval = Duration::Millis(ctx.param("shard_sync_interval_ms"));
  while (true) {
    if (const ShardList shards = co_await ListShardsWithRetry(ctx)) {
      for (const Shard& shard : *shards) {
        if (worker.started.contains(shard.ShardId)) continue;  // as StartShardConsumer would
        std::vector<std::string> parents;
        if (shard.ParentShardId.has_value()) parents.push_back(*shard.ParentShardId);
        if (shard.AdjacentParentShardId.has_value()) {
          parents.push_back(*shard.AdjacentParentShardId);
        }
        StartShardConsumer(worker, shard.ShardId, std::move(parents));
      }
    }
    co_await ctx.Sleep(sync_interval);
  }
}

}  // namespace

StrategyInfo KclWorkerStrategy() {
  return StrategyInfo{
      .name = "kcl-worker",
      .description =
          "KCL-style worker: a shard consumer per shard, idle time between reads, "
          "checkpoint after processing, SHARD_END, children blocked on parents",
      .expected = {},
      .provenance =
          {"https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/retrieval/polling/PollingConfig.java",
           "https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/retrieval/polling/"
           "PrefetchRecordsPublisher.java",
           "https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/lifecycle/BlockOnParentShardTask.java",
           "https://github.com/awslabs/amazon-kinesis-client/blob/master/amazon-kinesis-client/"
           "src/main/java/software/amazon/kinesis/lifecycle/ShutdownTask.java"},
      .params = {{"max_records", 10'000, 1, 10'000, "GetRecords Limit (maxRecords)", 100, 10'000},
                 {"idle_time_between_reads_ms", 1'500, 200, 60'000,
                  "sleep before every GetRecords (idleTimeBetweenReadsInMillis)", 1'000, 2'000},
                 {"caught_up_idle_time_ms", 0, 0, 600'000,
                  "idle time after an empty page at the tip (MillisBehindLatest == 0); 0: the "
                  "normal idle time. Generated cases use 30-60 s so that runs spanning days of "
                  "virtual time stay within the event bound",
                  30'000, 60'000},
                 {"parent_shard_poll_interval_ms", 10'000, 100, 600'000,
                  "how often a blocked child checks its parents' checkpoints", 1'000, 10'000},
                 {"shard_sync_interval_ms", 60'000, 1'000, 3'600'000,
                  "how often the worker lists the shards", 10'000, 60'000},
                 {"throttle_backoff_ms", 1'500, 1, 60'000, "extra sleep after throttling"}},
      .run = KclWorker};
}

}  // namespace shardsim::catalogue
