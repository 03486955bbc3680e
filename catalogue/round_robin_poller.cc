#include "catalogue/round_robin_poller.h"

#include <map>
#include <utility>
#include <vector>

namespace shardsim::catalogue {

sim::Task<std::optional<std::string>> PollerSteps::NewIterator(ConsumerContext& ctx,
                                                               const std::string& shard_id,
                                                               ShardReader&) {
  co_return co_await IteratorFromCheckpoint(ctx, shard_id);
}

sim::Task<void> PollerSteps::OnExpiredIterator(ConsumerContext&, const std::string&,
                                               ShardReader& reader) {
  reader.iterator.reset();
  co_return;
}

sim::Task<model::Outcome<model::GetRecordsResponse>> PollerSteps::GetPage(
    ConsumerContext& ctx, const std::string& iterator) {
  co_return co_await ctx.kinesis.GetRecords({iterator, std::nullopt, std::nullopt});
}

sim::Task<void> PollerSteps::HandOn(ConsumerContext& ctx, const std::string& shard_id,
                                    ShardReader& reader, const model::GetRecordsResponse& page) {
  for (const Record& record : page.Records) {
    co_await ctx.app.Process(shard_id, record);
    reader.last_read = record.SequenceNumber;
  }
  if (!page.Records.empty()) ctx.app.Checkpoint(shard_id, *reader.last_read);
}

sim::Task<bool> PollOnce(ConsumerContext& ctx, PollerSteps& steps, const std::string& shard_id,
                         ShardReader& reader) {
  if (!reader.iterator.has_value()) {
    const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
    if (checkpoint.has_value() && checkpoint->shard_end) {
      reader.finished = true;
      co_return false;
    }
    if (checkpoint.has_value()) reader.last_read = checkpoint->sequence_number;
    reader.iterator = co_await steps.NewIterator(ctx, shard_id, reader);
    if (!reader.iterator.has_value()) co_return false;  // try again next round
  }
  auto page = co_await steps.GetPage(ctx, *reader.iterator);
  if (page.Is(ErrorCode::kExpiredIterator)) {
    co_await steps.OnExpiredIterator(ctx, shard_id, reader);
    co_return false;
  }
  if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) co_return false;  // next round
  if (!page.ok()) {
    reader.iterator.reset();  // invalid: a new one next round
    co_return false;
  }
  co_await steps.HandOn(ctx, shard_id, reader, *page);
  if (!page->NextShardIterator.has_value()) {
    ctx.app.CheckpointShardEnd(shard_id);
    ctx.app.DeclareShardEnd(shard_id);
    reader.finished = true;
    co_return true;
  }
  reader.behind = page->MillisBehindLatest > 0;
  reader.iterator = std::move(page->NextShardIterator);
  co_return false;
}

bool AnyBehind(const std::map<std::string, ShardReader>& readers) {
  for (const auto& [shard_id, reader] : readers) {
    if (reader.behind && !reader.finished) return true;
  }
  return false;
}

sim::Task<void> PollEveryShard(ConsumerContext& ctx, PollerSteps& steps,
                               std::string round_interval_param) {
  std::map<std::string, ShardReader> readers;
  ShardList shards;
  for (;;) {
    if (shards == nullptr) shards = co_await ListShardsWithRetry(ctx);
    if (shards != nullptr) {
      bool shard_ended = false;
      for (const Shard& shard : *shards) {
        ShardReader& reader = readers[shard.ShardId];
        if (reader.finished || !ParentsFinished(ctx, shard, *shards)) continue;
        shard_ended |= co_await PollOnce(ctx, steps, shard.ShardId, reader);
      }
      if (shard_ended) shards.reset();  // list again: its children are there now
    }
    co_await ctx.Sleep(AnyBehind(readers) ? kCatchUpInterval
                                          : Duration::Millis(ctx.param(round_interval_param)));
  }
}

}  // namespace shardsim::catalogue
