// Small building blocks the catalogue's loops share, each what a production loop would write
// itself (listing shards with retries, an iterator from a checkpoint, a back-off sleep), and
// the names every entry uses unqualified. Internal to the catalogue; user strategies may copy
// them.
#ifndef SHARDSIM_CATALOGUE_COMMON_H_
#define SHARDSIM_CATALOGUE_COMMON_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consumer/strategy.h"
#include "model/client.h"
#include "properties/property.h"

namespace shardsim::catalogue {

using consumer::Checkpoint;
using consumer::ConsumerContext;
using consumer::StrategyInfo;
using model::ChildShard;
using model::Duration;
using model::ErrorCode;
using model::GetShardIteratorRequest;
using model::Instant;
using model::Record;
using model::Shard;
using model::ShardIteratorType;
using properties::Property;
using properties::Violates;

// A stream's shards as ListShards answered, shared with the model's answer (no copy); nullptr
// when listing failed.
using ShardList = std::shared_ptr<const std::vector<Shard>>;

// ListShards, retried every `retry_interval` on errors, at most `attempts` times.
sim::Task<ShardList> ListShardsWithRetry(ConsumerContext& ctx, int attempts = 10,
                                         Duration retry_interval = Duration::Seconds(1));

// An iterator for `shard_id`: AFTER_SEQUENCE_NUMBER of the checkpoint when there is one,
// otherwise `fallback` (TRIM_HORIZON by default). A checkpoint below the trim horizon (the
// request answered InvalidArgumentException after a long outage) falls back to TRIM_HORIZON,
// as KCL and Lambda's Kinesis poller do: every record after it that still exists is at the
// horizon. Retries throttling; nullopt on other errors or after `attempts` tries. A SHARD_END
// checkpoint yields nullopt (nothing left to read).
sim::Task<std::optional<std::string>> IteratorFromCheckpoint(
    ConsumerContext& ctx, const std::string& shard_id,
    ShardIteratorType fallback = ShardIteratorType::TRIM_HORIZON, int attempts = 10);

// The same request as GetShardIterator, retrying throttling up to `attempts` times.
sim::Task<std::optional<std::string>> GetIteratorWithRetry(ConsumerContext& ctx,
                                                           GetShardIteratorRequest request,
                                                           int attempts = 10);

// True when every parent of `shard` has a SHARD_END checkpoint or is gone: no longer `listed`
// (it expired) and not in `busy` (shards this loop is still reading, whose records it may yet
// process). KCL blocks a child until then.
bool ParentsFinished(const ConsumerContext& ctx, const Shard& shard,
                     const std::vector<Shard>& listed, const std::set<std::string>& busy = {});

// KCL's BlockOnParentShardTask: waits (`parent_shard_poll_interval_ms` of the strategy's
// parameters apart) until every parent has a SHARD_END checkpoint. A parent no longer listed has
// expired and is not waited for, unless it is in `busy` (still being read here: its records may
// yet be processed, and reading a child before them breaks their order).
sim::Task<void> BlockOnParents(ConsumerContext& ctx, const std::vector<std::string>& parents,
                               const std::set<std::string>& busy);

// Lists the shards (retrying every `retry_backoff_ms` of the strategy's parameters until it
// can) and calls `start` with every shard whose parents are finished (ParentsFinished with
// `busy`): what a loop does when a shard it read has expired mid-read, to go on with children.
sim::Task<void> StartShardsWhoseParentsFinished(ConsumerContext& ctx,
                                                const std::set<std::string>& busy,
                                                std::function<void(const std::string&)> start);

// A copy of `record` for Application::Process that takes its data instead of copying it: a loop
// done with a page's data hands it on, and keeps the sequence numbers it checkpoints. Measured:
// copying the data (up to 256 KiB a record) was 1.3% of a polling run's instructions.
Record TakeForProcessing(Record& record);

// The sleep parameters the catalogue's loops share, with the ranges generated cases draw from:
// less often than their defaults, since a poller pays for every second of a run and most
// generated seconds are idle.
// `poll_interval_ms`: the sleep between rounds of reads of a loop that polls every shard in turn.
consumer::ParamSpec PollIntervalParam();
// `idle_time_between_reads_ms`: KCL's idleTimeBetweenReadsInMillis.
consumer::ParamSpec KclIdleTimeBetweenReadsParam();
// `scan_interval_ms`: harlow/kinesis-consumer's WithScanInterval, between GetRecords calls on
// a shard.
consumer::ParamSpec ScanIntervalParam();

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_COMMON_H_
