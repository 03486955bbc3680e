// A batch job's reader, as the AWS documentation describes it: list the shards, then read each
// in shard-id order (parents before children) from its checkpoint, page after page, processing
// each page and checkpointing after it, treating empty pages as normal, until MillisBehindLatest
// is 0 after processing a page ("caught up") or NextShardIterator is absent (the end of a closed
// shard: SHARD_END is checkpointed and declared). Throttled calls are retried after a back-off;
// an expired iterator is replaced AFTER the checkpoint.
//
// Its customisation point is the stop rule: when a shard counts as done. The correct entry
// (drain-until-caught-up) keeps the default rules; each buggy batch entry replaces them with the
// rule the code it cites used, and nothing else.
#ifndef SHARDSIM_CATALOGUE_BATCH_DRAIN_H_
#define SHARDSIM_CATALOGUE_BATCH_DRAIN_H_

#include <cstdint>
#include <optional>

#include "catalogue/common.h"

namespace shardsim::catalogue {

// What a stop rule decides: read on, or stop the shard declaring it caught up or ended. A
// declaration is all that happens: no checkpoint is written for it.
enum class Stop { kReadOn, kCaughtUp, kShardEnd };

// What a stop rule sees: the page just read, and how many empty pages in a row the shard has
// returned, this one included.
struct PageSeen {
  const model::GetRecordsResponse& page;
  int64_t empty_pages_in_a_row;
};

using StopRule = Stop (*)(const ConsumerContext& ctx, const PageSeen& seen);

Stop ReadOn(const ConsumerContext& ctx, const PageSeen& seen);
// The documented rule: MillisBehindLatest == 0 once the page has been processed.
Stop CaughtUpAtZeroLag(const ConsumerContext& ctx, const PageSeen& seen);

struct StopRules {
  StopRule before_processing = ReadOn;  // looks at a page before its records are handed on
  // Looks at a page once it is processed and checkpointed, on a shard that has not ended.
  StopRule after_processing = CaughtUpAtZeroLag;
};

struct BatchDrainOptions {
  std::optional<int> limit;  // GetRecords Limit; absent: the service's default
  Duration poll_interval = Duration::Millis(250);    // between two GetRecords on a shard
  Duration throttle_backoff = Duration::Seconds(1);  // after a throttled call
  StopRules stop;
  // A shard that could not be drained (an error other than throttling or expiry, or no
  // iterator) ends the run instead of moving on to the next shard, which may be its child.
  bool end_run_at_undrained_shard = false;
};

// One run of the batch job over every shard.
sim::Task<void> DrainEveryShard(ConsumerContext& ctx, BatchDrainOptions options);

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_BATCH_DRAIN_H_
