// Correct: a batch job that reads every shard (parents before children, in shard-id order)
// from its checkpoint, processing each page before checking MillisBehindLatest, and stops a
// shard only when MillisBehindLatest == 0 after processing that page ("caught up") or when
// NextShardIterator is absent (the end of a closed shard). It checkpoints after every page.
// This is the loop the AWS documentation describes: keep calling GetRecords, treating empty
// pages as normal, and use MillisBehindLatest to know when you are at the tip.
#include "catalogue/batch_drain.h"

namespace shardsim::catalogue {
namespace {

sim::Task<void> DrainUntilCaughtUp(ConsumerContext& ctx) {
  // The skeleton's own stop rule. A shard that could not be drained ends this run: reading on
  // would read its children before it (out of order per key); the next run starts again from
  // the checkpoints.
  return DrainEveryShard(ctx, {.limit = static_cast<int>(ctx.param("limit")),
                               .poll_interval = Duration::Millis(ctx.param("poll_interval_ms")),
                               .throttle_backoff = Duration::Millis(ctx.param("backoff_ms")),
                               .stop = {},
                               .end_run_at_undrained_shard = true});
}

}  // namespace

StrategyInfo DrainUntilCaughtUpStrategy() {
  return StrategyInfo{
      .name = "drain-until-caught-up",
      .description =
          "batch read of every shard until MillisBehindLatest == 0 after processing "
          "the page, or the shard's end",
      .expected = {},
      .provenance = {"https://docs.aws.amazon.com/streams/latest/dev/"
                     "troubleshooting-consumers.html#getrecords-returns-empty",
                     "https://docs.aws.amazon.com/kinesis/latest/APIReference/"
                     "API_GetRecords.html (MillisBehindLatest)"},
      .params = {{"limit", 1000, 1, 10'000, "GetRecords Limit"},
                 {"poll_interval_ms", 250, 0, 60'000, "sleep between GetRecords calls"},
                 {"backoff_ms", 1000, 1, 60'000, "sleep after a throttled call"}},
      .run = DrainUntilCaughtUp,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::catalogue
