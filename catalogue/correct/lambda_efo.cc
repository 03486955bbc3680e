// Correct: a Lambda event-source mapping on an enhanced fan-out consumer. The mapping registers
// its stream consumer (or finds it), lists the shards once and subscribes to every shard whose
// listed parents have all reached SHARD_END. The records of a shard's events are gathered into
// batches of at most `batch_size`; a batch goes to the function when it is full, when
// `batching_window_ms` has passed since its first record (looked at as events arrive), and when
// the subscription ends; the checkpoint moves only after the whole batch succeeded (to the last
// record's number, or, once every record of an event has been handed on, to the event's
// ContinuationSequenceNumber), so a crash mid-batch replays the batch (at least once). Every
// subscription starts AFTER the checkpoint (TRIM_HORIZON without one), 5 s after a
// ResourceInUseException. At a shard's end the last batch is handed on, SHARD_END is
// checkpointed, and each child whose parents have all reached SHARD_END is subscribed to. A
// shard that has expired (ResourceNotFoundException: a closed shard whose records all passed
// the retention period while its batch was processed) has no SHARD_END to start its children,
// so the mapping lists the shards again and subscribes to those whose parents are finished.
//   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (enhanced fan-out consumers,
//   batch size and batching window, "checkpoints to the highest sequence number of a batch only
//   when the batch is a complete success", parents before children)
//   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalogue/fan_out.h"

namespace shardsim::catalogue {
namespace {

constexpr char kConsumerName[] = "lambda-efo";

// The mapping's state; it lives in the mapping's frame, which outlives the shard readers (a
// crash kills the spawned readers first).
struct Mapping {
  ConsumerContext& ctx;
  std::string consumer_arn;
  std::set<std::string> started;  // shards that have (or had) a reader
  std::set<std::string> reading;  // shards whose reader has not returned
  // The batching parameters, looked up once: a lookup per event showed in profiles.
  size_t batch_size = static_cast<size_t>(ctx.param("batch_size"));
  Duration batching_window = Duration::Millis(ctx.param("batching_window_ms"));
};

// Records gathered for the function, and the checkpoint to write once they have succeeded.
// Emptied in place after every hand-on, so its room is reused: a subscription hands one on per
// event, and a fresh batch cost an allocation per event (measured).
struct Batch {
  std::vector<Record> records;
  std::optional<Instant> first_at;  // when its first record arrived
  std::string checkpoint;           // meaningful when has_checkpoint
  bool has_checkpoint = false;
  // The shard's stored checkpoint as this subscription's reader read it at its start or last
  // wrote it: nothing else writes the shard's checkpoint while its reader runs (a lookup per
  // event cost 4% of a run, measured).
  std::optional<std::string> stored;

  void SetCheckpoint(std::string_view sequence_number) {
    checkpoint.assign(sequence_number);
    has_checkpoint = true;
  }
  // An event's continuation, taken rather than copied (the event is done with it).
  void TakeCheckpoint(std::string& sequence_number) {
    checkpoint.swap(sequence_number);
    has_checkpoint = true;
  }
  void Clear() {
    records.clear();
    first_at.reset();
    has_checkpoint = false;
  }
};

bool AtShardEnd(const ConsumerContext& ctx, const std::string& shard_id) {
  const Checkpoint* checkpoint = ctx.app.FindCheckpoint(shard_id);
  return checkpoint != nullptr && checkpoint->shard_end;
}

sim::Task<void> ReadShard(Mapping& mapping, std::string shard_id);

void StartReader(Mapping& mapping, const std::string& shard_id) {
  if (AtShardEnd(mapping.ctx, shard_id) || !mapping.started.insert(shard_id).second) return;
  mapping.reading.insert(shard_id);
  mapping.ctx.Spawn(absl::StrCat("efo-poller:", shard_id), ReadShard(mapping, shard_id));
}

// A parent a child need not wait for: at SHARD_END, or read here until it expired.
bool ParentDone(const Mapping& mapping, const std::string& parent) {
  return AtShardEnd(mapping.ctx, parent) ||
         (mapping.started.contains(parent) && !mapping.reading.contains(parent));
}

// Checkpoints the batch's checkpoint unless it is the one stored, and empties the batch.
void CommitBatch(ConsumerContext& ctx, const std::string& shard_id, Batch& batch) {
  if (batch.has_checkpoint && batch.stored != batch.checkpoint) {
    ctx.app.Checkpoint(shard_id, batch.checkpoint);
    batch.stored = batch.checkpoint;
  }
  batch.Clear();
}

// Invokes the function with the batch (none when it holds no record) and, once every record
// succeeded, checkpoints it. (An event that brings no record is committed by CommitBatch
// alone, without a coroutine frame.)
sim::Task<void> Invoke(ConsumerContext& ctx, const std::string& shard_id, Batch& batch) {
  // Moved, not copied: the batch is emptied below (a record's data may be 256 KiB).
  for (Record& record : batch.records) co_await ctx.app.Process(shard_id, std::move(record));
  CommitBatch(ctx, shard_id, batch);
}

// Adds an event's records to the batch (moving them out of the event), handing on every batch
// that fills up, and then its continuation as the checkpoint the batch will write.
sim::Task<void> Gather(const Mapping& mapping, const std::string& shard_id, Batch& batch,
                       SubscribeToShardEvent& event) {
  ConsumerContext& ctx = mapping.ctx;
  for (Record& record : event.Records) {
    if (batch.records.empty()) batch.first_at = ctx.sim.now();
    batch.SetCheckpoint(record.SequenceNumber);
    batch.records.push_back(std::move(record));
    if (batch.records.size() >= mapping.batch_size) co_await Invoke(ctx, shard_id, batch);
  }
  if (event.ContinuationSequenceNumber.has_value()) {
    batch.TakeCheckpoint(*event.ContinuationSequenceNumber);
  }
}

bool WindowOver(const Mapping& mapping, const Batch& batch) {
  return batch.first_at.has_value() &&
         mapping.ctx.sim.now() >= *batch.first_at + mapping.batching_window;
}

// The shard's last event has been handed on: SHARD_END, then the children whose parents have
// all ended.
void EndShard(Mapping& mapping, const std::string& shard_id, const SubscribeToShardEvent& last) {
  ConsumerContext& ctx = mapping.ctx;
  ctx.app.CheckpointShardEnd(shard_id);
  ctx.app.DeclareShardEnd(shard_id);
  mapping.reading.erase(shard_id);
  for (const model::ChildShard& child : last.ChildShards) {
    if (std::all_of(child.ParentShards.begin(), child.ParentShards.end(),
                    [&](const std::string& parent) { return ParentDone(mapping, parent); })) {
      StartReader(mapping, child.ShardId);
    }
  }
}

enum class SubscriptionEnd { kCompleted, kFailed, kShardEnd };

// Reads one subscription to its end, handing on the last batch.
sim::Task<SubscriptionEnd> ReadSubscription(Mapping& mapping, const std::string& shard_id,
                                            EventStream& events) {
  ConsumerContext& ctx = mapping.ctx;
  Batch batch;
  if (const Checkpoint* stored = ctx.app.FindCheckpoint(shard_id)) {
    batch.stored = stored->sequence_number;
  }
  SubscriptionEnd end = SubscriptionEnd::kCompleted;
  for (int i = 0; i < kMaxEventsPerSubscription; ++i) {
    auto event = co_await events.Next();
    if (!event.ok()) end = SubscriptionEnd::kFailed;
    if (!event.ok() || !event->has_value()) break;
    SubscribeToShardEvent& e = **event;
    if (e.Records.empty()) {  // no frame for Gather: it would only note the continuation
      if (e.ContinuationSequenceNumber.has_value()) {
        batch.TakeCheckpoint(*e.ContinuationSequenceNumber);
      }
    } else {
      co_await Gather(mapping, shard_id, batch, e);
    }
    if (!e.ContinuationSequenceNumber.has_value()) {
      co_await Invoke(ctx, shard_id, batch);
      EndShard(mapping, shard_id, e);
      co_return SubscriptionEnd::kShardEnd;
    }
    if (batch.records.empty()) {
      CommitBatch(ctx, shard_id, batch);
    } else if (WindowOver(mapping, batch)) {
      co_await Invoke(ctx, shard_id, batch);
    }
  }
  co_await Invoke(ctx, shard_id, batch);
  co_return end;
}

sim::Task<void> ReadShard(Mapping& mapping, std::string shard_id) {
  ConsumerContext& ctx = mapping.ctx;
  const Duration backoff = Duration::Millis(ctx.param("retry_backoff_ms"));
  while (!AtShardEnd(ctx, shard_id)) {
    StartingPosition position = PositionAfterCheckpoint(ctx, shard_id);
    Subscribed subscribed =
        co_await SubscribeWithRetry(ctx, mapping.consumer_arn, shard_id, position, backoff);
    if (std::holds_alternative<ShardGone>(subscribed)) {  // expired with its records
      mapping.reading.erase(shard_id);
      co_await StartShardsWhoseParentsFinished(
          ctx, mapping.reading, [&mapping](const std::string& id) { StartReader(mapping, id); });
      co_return;
    }
    if (std::holds_alternative<NotSubscribed>(subscribed)) {
      co_await ctx.Sleep(backoff);
      continue;
    }
    const SubscriptionEnd end =
        co_await ReadSubscription(mapping, shard_id, std::get<EventStream>(subscribed));
    if (end == SubscriptionEnd::kShardEnd) co_return;
    if (end == SubscriptionEnd::kFailed) co_await ctx.Sleep(backoff);
  }
}

sim::Task<void> LambdaEfo(ConsumerContext& ctx) {
  Mapping mapping{ctx, "", {}, {}};
  const Duration backoff = Duration::Millis(ctx.param("retry_backoff_ms"));
  for (;;) {
    std::optional<std::string> arn = co_await EnsureStreamConsumer(ctx, kConsumerName);
    if (arn.has_value()) {
      mapping.consumer_arn = *std::move(arn);
      break;
    }
    co_await ctx.Sleep(backoff);
  }
  co_await StartShardsWhoseParentsFinished(
      ctx, mapping.reading, [&mapping](const std::string& id) { StartReader(mapping, id); });
  // The mapping lives as long as its readers; it has nothing else to do.
  while (true) co_await ctx.Sleep(Duration::Hours(1));
}

}  // namespace

StrategyInfo LambdaEfoStrategy() {
  return StrategyInfo{
      .name = "lambda-efo",
      .description =
          "Lambda event-source style on an enhanced fan-out consumer: events' records in "
          "batches, checkpoint after the whole batch, resubscribe AFTER the checkpoint",
      .expected = {},
      .provenance = {"https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html",
                     "https://docs.aws.amazon.com/lambda/latest/dg/"
                     "services-kinesis-batchfailurereporting.html"},
      .params = {{"batch_size", 100, 1, 10'000, "records per invocation at most (BatchSize)", 1,
                  10'000},
                 {"batching_window_ms", 0, 0, 300'000,
                  "how long a batch gathers records before it is handed on "
                  "(MaximumBatchingWindowInSeconds)",
                  0, 10'000},
                 {"retry_backoff_ms", 5'000, 5'000, 60'000,
                  "wait after a failed subscription or ResourceInUseException (AWS refuses a "
                  "subscription within 5 s of the last)",
                  5'000, 10'000}},
      .run = LambdaEfo,
      .reads = consumer::ReadApi::kEnhancedFanOut};
}

}  // namespace shardsim::catalogue
