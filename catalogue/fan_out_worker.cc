#include "catalogue/fan_out_worker.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/shard_id_map.h"

namespace shardsim::catalogue {

namespace {

// The stream consumer every run of the worker registers, or finds registered (KCL names it
// after the application).
constexpr char kConsumerName[] = "fan-out-worker";

// What the worker's shard readers share; it lives in the worker's frame, which outlives them (a
// crash kills the spawned readers first).
struct Worker {
  ConsumerContext& ctx;
  FanOutSteps& steps;
  std::string consumer_arn;
  // Shards that have (or had) a reader; a ShardIdMap, as every shard sync asks about every
  // listed shard (a std::set's compares of ids were 0.5% of a kcl-worker run, measured).
  model::ShardIdMap<bool> started;
  // Shards whose reader has not returned (their records may yet be processed here). Erased
  // where a reader returns, not by a destructor: at a crash the worker's frame may go first.
  std::set<std::string> running;
};

enum class SubscriptionEnd { kCompleted, kFailed, kShardEnd };

sim::Task<void> ReadShard(Worker& worker, std::string shard_id, std::vector<std::string> parents);

void StartReader(Worker& worker, const std::string& shard_id, std::vector<std::string> parents) {
  const std::optional<Checkpoint> checkpoint = worker.ctx.app.ReadCheckpoint(shard_id);
  if (checkpoint.has_value() && checkpoint->shard_end) return;  // finished before a restart
  bool& started = worker.started[shard_id];
  if (started) return;
  started = true;
  worker.running.insert(shard_id);
  worker.ctx.Spawn(absl::StrCat("shard-reader:", shard_id),
                   ReadShard(worker, shard_id, std::move(parents)));
}

// Processes an event's records, noting the last one processed.
sim::Task<void> ProcessRecords(Worker& worker, const std::string& shard_id, ShardProgress& progress,
                               const SubscribeToShardEvent& event) {
  for (const Record& record : event.Records) {
    co_await worker.ctx.app.Process(shard_id, record);
    progress.last_processed = record.SequenceNumber;
  }
}

// What follows an event's records: SHARD_END and the children at the shard's end (true),
// else the continuation checkpointed when it moved. Not a coroutine: most events bring no
// record, and a frame per event showed in profiles.
bool FinishEvent(Worker& worker, const std::string& shard_id, ShardProgress& progress,
                 const SubscribeToShardEvent& event) {
  ConsumerContext& ctx = worker.ctx;
  if (!event.ContinuationSequenceNumber.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    for (const model::ChildShard& child : worker.steps.ChildrenToStart(event)) {
      StartReader(worker, child.ShardId, child.ParentShards);
    }
    return true;
  }
  if (progress.continuation != event.ContinuationSequenceNumber) {
    progress.continuation = event.ContinuationSequenceNumber;
    ctx.app.Checkpoint(shard_id, *progress.continuation);
  }
  const bool caught_up = worker.steps.CaughtUp(event);
  if (caught_up && !progress.caught_up) ctx.app.DeclareCaughtUp(shard_id);
  progress.caught_up = caught_up;
  return false;
}

sim::Task<SubscriptionEnd> ReadSubscription(Worker& worker, const std::string& shard_id,
                                            EventStream& events, ShardProgress& progress) {
  for (int i = 0; i < kMaxEventsPerSubscription; ++i) {
    auto event = co_await events.Next();
    if (!event.ok()) co_return SubscriptionEnd::kFailed;
    if (!event->has_value()) co_return SubscriptionEnd::kCompleted;
    const SubscribeToShardEvent& e = **event;
    if (!e.Records.empty()) co_await ProcessRecords(worker, shard_id, progress, e);
    if (FinishEvent(worker, shard_id, progress, e)) co_return SubscriptionEnd::kShardEnd;
  }
  co_return SubscriptionEnd::kCompleted;
}

sim::Task<void> ReadShard(Worker& worker, std::string shard_id, std::vector<std::string> parents) {
  ConsumerContext& ctx = worker.ctx;
  const Duration backoff = Duration::Millis(ctx.param("resubscribe_backoff_ms"));
  co_await BlockOnParents(ctx, parents, worker.running);
  ShardProgress progress{.first = PositionAfterCheckpoint(ctx, shard_id)};
  std::optional<StartingPosition> position = progress.first;
  while (position.has_value()) {
    Subscribed subscribed =
        co_await SubscribeWithRetry(ctx, worker.consumer_arn, shard_id, *position, backoff);
    if (std::holds_alternative<ShardGone>(subscribed)) break;  // expired with its records
    if (std::holds_alternative<NotSubscribed>(subscribed)) {
      co_await ctx.Sleep(backoff);
      continue;
    }
    if (!progress.continuation.has_value()) progress.first = *position;  // TRIM_HORIZON fallback
    const SubscriptionEnd end =
        co_await ReadSubscription(worker, shard_id, std::get<EventStream>(subscribed), progress);
    if (end == SubscriptionEnd::kShardEnd) break;
    if (end == SubscriptionEnd::kFailed) co_await ctx.Sleep(backoff);
    position = worker.steps.Resubscribe(progress);
  }
  worker.running.erase(shard_id);
}

}  // namespace

std::optional<StartingPosition> FanOutSteps::Resubscribe(const ShardProgress& progress) {
  if (!progress.continuation.has_value()) return progress.first;
  return After(*progress.continuation);
}

bool FanOutSteps::CaughtUp(const SubscribeToShardEvent& event) {
  return event.Records.empty() && event.MillisBehindLatest == 0;
}

std::vector<model::ChildShard> FanOutSteps::ChildrenToStart(const SubscribeToShardEvent& last) {
  return last.ChildShards;
}

sim::Task<void> FanOutEveryShard(ConsumerContext& ctx, FanOutSteps& steps) {
  Worker worker{ctx, steps, "", {}, {}};
  const Duration sync_interval = Duration::Millis(ctx.param("shard_sync_interval_ms"));
  for (;;) {
    std::optional<std::string> arn = co_await EnsureStreamConsumer(ctx, kConsumerName);
    if (arn.has_value()) {
      worker.consumer_arn = *std::move(arn);
      break;
    }
    co_await ctx.Sleep(sync_interval);
  }
  for (bool listed = false; !listed || steps.SyncsShards();) {
    if (const ShardList shards = co_await ListShardsWithRetry(ctx)) {
      listed = true;
      for (const Shard& shard : *shards) {
        if (worker.started.contains(shard.ShardId)) continue;  // as StartReader would
        std::vector<std::string> parents;
        if (shard.ParentShardId.has_value()) parents.push_back(*shard.ParentShardId);
        if (shard.AdjacentParentShardId.has_value()) {
          parents.push_back(*shard.AdjacentParentShardId);
        }
        StartReader(worker, shard.ShardId, std::move(parents));
      }
    }
    co_await ctx.Sleep(sync_interval);
  }
  while (true) co_await ctx.Sleep(Duration::Hours(1));  // the readers go on
}

std::vector<consumer::ParamSpec> FanOutWorkerParams() {
  return {{"shard_sync_interval_ms", 60'000, 1'000, 3'600'000,
           "how often the worker lists the shards", 10'000, 60'000},
          {"parent_shard_poll_interval_ms", 10'000, 100, 600'000,
           "how often a blocked child checks its parents' checkpoints", 1'000, 10'000},
          {"resubscribe_backoff_ms", 5'000, 5'000, 60'000,
           "wait after a failed subscription or ResourceInUseException (AWS refuses a "
           "subscription within 5 s of the last)",
           5'000, 10'000}};
}

}  // namespace shardsim::catalogue
