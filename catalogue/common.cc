#include "catalogue/common.h"

#include <algorithm>
#include <utility>

namespace shardsim::catalogue {

sim::Task<ShardList> ListShardsWithRetry(ConsumerContext& ctx, int attempts,
                                         Duration retry_interval) {
  for (int i = 0; i < attempts; ++i) {
    auto listed = co_await ctx.kinesis.ListShardsShared(ctx.stream_name);
    if (listed.ok()) {
      const std::shared_ptr<const model::ListShardsResponse>& response = *listed;
      co_return ShardList(response, &response->Shards);  // aliasing: owns the whole response
    }
    co_await ctx.Sleep(retry_interval);
  }
  co_return nullptr;
}

sim::Task<std::optional<std::string>> GetIteratorWithRetry(ConsumerContext& ctx,
                                                           GetShardIteratorRequest request,
                                                           int attempts) {
  for (int i = 0; i < attempts; ++i) {
    auto it = co_await ctx.kinesis.GetShardIterator(request);
    if (it.ok()) co_return it->ShardIterator;
    if (!it.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return std::nullopt;
    co_await ctx.Sleep(Duration::Seconds(1));
  }
  co_return std::nullopt;
}

sim::Task<std::optional<std::string>> IteratorFromCheckpoint(ConsumerContext& ctx,
                                                             const std::string& shard_id,
                                                             ShardIteratorType fallback,
                                                             int attempts) {
  const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
  if (checkpoint.has_value() && checkpoint->shard_end) co_return std::nullopt;
  GetShardIteratorRequest request{ctx.stream_name, shard_id, fallback, std::nullopt, std::nullopt};
  if (!checkpoint.has_value()) co_return co_await GetIteratorWithRetry(ctx, request, attempts);
  request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
  request.StartingSequenceNumber = checkpoint->sequence_number;
  for (int i = 0; i < attempts; ++i) {
    auto it = co_await ctx.kinesis.GetShardIterator(request);
    if (it.ok()) co_return it->ShardIterator;
    if (it.Is(ErrorCode::kInvalidArgument)) {
      // The checkpoint lies below the trim horizon: every record after it that still exists
      // is at the horizon (as KCL and Lambda's poller do).
      co_return co_await GetIteratorWithRetry(
          ctx,
          {ctx.stream_name, shard_id, ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt},
          attempts - i);
    }
    if (!it.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return std::nullopt;
    co_await ctx.Sleep(Duration::Seconds(1));
  }
  co_return std::nullopt;
}

bool ParentsFinished(const ConsumerContext& ctx, const Shard& shard,
                     const std::vector<Shard>& listed, const std::set<std::string>& busy) {
  for (const std::optional<std::string>& parent :
       {shard.ParentShardId, shard.AdjacentParentShardId}) {
    if (!parent.has_value()) continue;
    const Checkpoint* checkpoint = ctx.app.FindCheckpoint(*parent);
    if (checkpoint != nullptr && checkpoint->shard_end) continue;
    const bool is_listed = std::any_of(listed.begin(), listed.end(),
                                       [&](const Shard& s) { return s.ShardId == *parent; });
    if (is_listed || busy.contains(*parent)) return false;
  }
  return true;
}

sim::Task<void> BlockOnParents(ConsumerContext& ctx, const std::vector<std::string>& parents,
                               const std::set<std::string>& busy) {
  while (true) {
    std::vector<std::string> waiting;
    for (const std::string& parent : parents) {
      const Checkpoint* checkpoint = ctx.app.FindCheckpoint(parent);
      if (checkpoint == nullptr || !checkpoint->shard_end) waiting.push_back(parent);
    }
    if (waiting.empty()) co_return;
    if (const ShardList shards = co_await ListShardsWithRetry(ctx)) {
      std::erase_if(waiting, [&](const std::string& parent) {
        return !busy.contains(parent) &&
               std::none_of(shards->begin(), shards->end(),
                            [&](const Shard& s) { return s.ShardId == parent; });
      });
      if (waiting.empty()) co_return;
    }
    co_await ctx.Sleep(Duration::Millis(ctx.param("parent_shard_poll_interval_ms")));
  }
}

sim::Task<void> StartShardsWhoseParentsFinished(ConsumerContext& ctx,
                                                const std::set<std::string>& busy,
                                                std::function<void(const std::string&)> start) {
  ShardList shards;
  while (shards == nullptr) {
    shards = co_await ListShardsWithRetry(ctx);
    if (shards == nullptr) co_await ctx.Sleep(Duration::Millis(ctx.param("retry_backoff_ms")));
  }
  for (const Shard& shard : *shards) {
    if (ParentsFinished(ctx, shard, *shards, busy)) start(shard.ShardId);
  }
}

Record TakeForProcessing(Record& record) {
  return Record{record.SequenceNumber, record.ApproximateArrivalTimestamp, std::move(record.Data),
                record.PartitionKey};
}

consumer::ParamSpec PollIntervalParam() {
  return {.name = "poll_interval_ms",
          .default_value = 1'000,
          .min_value = 0,
          .max_value = 300'000,
          .description = "sleep between rounds of reads",
          .generate_min = 5'000,
          .generate_max = 10'000};
}

consumer::ParamSpec KclIdleTimeBetweenReadsParam() {
  return {.name = "idle_time_between_reads_ms",
          .default_value = 1'500,
          .min_value = 0,
          .max_value = 300'000,
          .description = "sleep between rounds of reads (KCL idleTimeBetweenReadsInMillis)",
          .generate_min = 5'000,
          .generate_max = 10'000};
}

consumer::ParamSpec ScanIntervalParam() {
  return {.name = "scan_interval_ms",
          .default_value = 250,
          .min_value = 0,
          .max_value = 300'000,
          .description = "sleep between GetRecords calls on a shard (WithScanInterval)",
          .generate_min = 10'000,
          .generate_max = 10'000};
}

}  // namespace shardsim::catalogue
