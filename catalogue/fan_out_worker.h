// A KCL-2.x-style enhanced fan-out worker: it registers its stream consumer (or finds the one an
// earlier run registered) and waits until it is ACTIVE, lists the shards every
// `shard_sync_interval_ms`, and reads each shard with a subscription of its own. A shard's
// reader first waits until every listed parent has a SHARD_END checkpoint, then subscribes AFTER
// its checkpoint (TRIM_HORIZON without one) and reads event by event: it processes the event's
// records, checkpoints its ContinuationSequenceNumber (which sorts after the records delivered
// and before the next, and records progress over idle stretches), and declares the shard caught
// up at an event without records and MillisBehindLatest 0. When a subscription ends (its five
// minutes) it subscribes again AFTER the last continuation; after a failure (taken over,
// ResourceInUseException) it waits `resubscribe_backoff_ms` (at least 5 s) first. The event
// without a continuation ends the shard: SHARD_END is checkpointed and declared, and the
// ChildShards it names are started (each waits for its parents in turn).
//
// The customisation points are the virtual steps of FanOutSteps; their defaults are the correct
// loop (catalogue entry fan-out-worker), and each buggy entry built on it overrides the step its
// cited code got wrong.
#ifndef SHARDSIM_CATALOGUE_FAN_OUT_WORKER_H_
#define SHARDSIM_CATALOGUE_FAN_OUT_WORKER_H_

#include <optional>
#include <string>
#include <vector>

#include "catalogue/fan_out.h"

namespace shardsim::catalogue {

// What a shard's reader knows of its progress.
struct ShardProgress {
  StartingPosition first;  // where its first subscription started
  // The last event's ContinuationSequenceNumber, and the last record handed on; unset before
  // the first of each.
  std::optional<std::string> continuation;
  std::optional<std::string> last_processed;
  bool caught_up = false;  // declared caught up, and no event has said otherwise since
};

class FanOutSteps {
 public:
  virtual ~FanOutSteps() = default;

  // Where to subscribe again once a subscription has ended (its five minutes over, or failed):
  // AFTER the last continuation, or where the first subscription started when no event came.
  // nullopt: stop reading the shard.
  virtual std::optional<StartingPosition> Resubscribe(const ShardProgress& progress);
  // Whether an event, once its records are processed, shows the shard caught up: it has no
  // records and MillisBehindLatest is 0.
  virtual bool CaughtUp(const SubscribeToShardEvent& event);
  // The shards to start at a shard's end: the last event's ChildShards.
  virtual std::vector<model::ChildShard> ChildrenToStart(const SubscribeToShardEvent& last);
  // Whether the worker lists the shards every `shard_sync_interval_ms` (as KCL's shard sync
  // does) or only until the first listing succeeds.
  virtual bool SyncsShards() { return true; }
};

// The worker: runs until killed.
sim::Task<void> FanOutEveryShard(ConsumerContext& ctx, FanOutSteps& steps);

// The worker's parameters, with the ranges generated cases draw from.
std::vector<consumer::ParamSpec> FanOutWorkerParams();

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_FAN_OUT_WORKER_H_
