// Buggy: a batch job that keeps calling GetRecords through empty pages, but only up to `n` in a
// row; then it gives up on the shard and declares it caught up. Capping the attempts looks safe
// (it guards against looping forever), yet the number of empty pages between two records is
// unbounded: about one per bucket of idle time, so a one-day gap costs hundreds of calls. Any
// fixed `n` is wrong after a long enough gap; only MillisBehindLatest == 0 says "caught up".
// Seen in: apache/pinot#15563 (keeps calling GetRecords until it gets records or the shard's
// end, with the number of attempts capped).
#include "catalogue/batch_drain.h"

namespace shardsim::catalogue {
namespace {

// The bug: n empty pages in a row prove nothing. (It never asks MillisBehindLatest.)
Stop CaughtUpAfterNEmptyPages(const ConsumerContext& ctx, const PageSeen& seen) {
  return seen.empty_pages_in_a_row == ctx.param("n") ? Stop::kCaughtUp : Stop::kReadOn;
}

sim::Task<void> StopAfterNEmptyPages(ConsumerContext& ctx) {
  return DrainEveryShard(
      ctx, {.stop = {.before_processing = CaughtUpAfterNEmptyPages, .after_processing = ReadOn}});
}

}  // namespace

StrategyInfo StopAfterNEmptyPagesStrategy() {
  return StrategyInfo{
      .name = "stop-after-n-empty-pages",
      .description =
          "batch read of every shard that gives a shard up after n empty pages in a "
          "row, declaring it caught up",
      .expected = Violates(Property::kNoFalseCaughtUp),
      .provenance = {"https://github.com/apache/pinot/pull/15563"},
      .params = {{.name = "n",
                  .default_value = 5,
                  .min_value = 1,
                  .max_value = 100'000,
                  .description = "empty pages in a row after which the shard is given up",
                  .generate_min = 1,
                  .generate_max = 50}},
      .run = StopAfterNEmptyPages,
      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::catalogue
