// A worker that polls every shard in turn, as KCL-style and hand-written workers do: one loop
// over the listed shards (parents before children: a child waits until every listed parent has
// a SHARD_END checkpoint), one GetRecords per shard and round, then a sleep. A shard without an
// iterator gets one AFTER its checkpoint (TRIM_HORIZON without one); a page is processed record
// by record and then checkpointed; at a shard's end SHARD_END is checkpointed and declared and
// the shards are listed again, so the children are found. A throttled call waits for the next
// round; after any other error (an expired iterator included) the shard gets a new iterator
// next round.
//
// The customisation points are the virtual steps of PollerSteps; their defaults are the correct
// loop, and each buggy entry built on it overrides the one step its cited code got wrong.
#ifndef SHARDSIM_CATALOGUE_ROUND_ROBIN_POLLER_H_
#define SHARDSIM_CATALOGUE_ROUND_ROBIN_POLLER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "catalogue/common.h"

namespace shardsim::catalogue {

// What the worker keeps per shard.
struct ShardReader {
  std::optional<std::string> iterator;
  // The sequence number of the last record handed on, or of the checkpoint the reader started
  // from; unset before either.
  std::optional<std::string> last_read;
  bool finished = false;
  // The last page left the reader behind its shard's tip (MillisBehindLatest > 0).
  bool behind = false;
};

// How long a round-robin loop sleeps after a round that left some shard behind its tip,
// instead of its round interval: like the correct continuous readers (200 ms between
// polls while behind), so that a loop that sleeps seconds between rounds still catches up
// with buckets narrower than its interval, and is judged by its own bug rather than by
// never reaching the tip.
inline constexpr Duration kCatchUpInterval = Duration::Micros(200'000);

// True when some reader of `readers` is behind its tip.
bool AnyBehind(const std::map<std::string, ShardReader>& readers);

class PollerSteps {
 public:
  virtual ~PollerSteps() = default;

  // An iterator for a shard that has none: AFTER the checkpoint. nullopt: try next round.
  virtual sim::Task<std::optional<std::string>> NewIterator(ConsumerContext& ctx,
                                                            const std::string& shard_id,
                                                            ShardReader& reader);
  // After ExpiredIteratorException: drop the iterator, so that NewIterator runs next round.
  virtual sim::Task<void> OnExpiredIterator(ConsumerContext& ctx, const std::string& shard_id,
                                            ShardReader& reader);
  // One GetRecords call.
  virtual sim::Task<model::Outcome<model::GetRecordsResponse>> GetPage(ConsumerContext& ctx,
                                                                       const std::string& iterator);
  // Processes the page's records in order, then checkpoints the last one.
  virtual sim::Task<void> HandOn(ConsumerContext& ctx, const std::string& shard_id,
                                 ShardReader& reader, const model::GetRecordsResponse& page);
};

// One round's visit of a shard: at most one GetRecords. True when it reached the shard's end.
sim::Task<bool> PollOnce(ConsumerContext& ctx, PollerSteps& steps, const std::string& shard_id,
                         ShardReader& reader);

// The worker: lists the shards, polls each (PollOnce) every round, and sleeps the strategy's
// parameter `round_interval_param` (milliseconds) between rounds, or kCatchUpInterval while a
// shard is behind its tip. Runs until killed.
sim::Task<void> PollEveryShard(ConsumerContext& ctx, PollerSteps& steps,
                               std::string round_interval_param);

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_ROUND_ROBIN_POLLER_H_
