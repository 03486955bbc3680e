// Buggy: a batch job that takes the first empty GetRecords page for "nothing more to read" and
// stops the shard there, declaring it caught up. On Kinesis an empty page only means that the
// iterator's part of the shard holds no records; the next record may lie any number of empty
// pages further on (see the bucket model in kinesis_model.h). Code tested against emulators,
// which answer with a range scan, never sees such a page before the tip.
// Seen in: StackOverflow question 46580494 and apache/doris#67874 (loops that stop at the first
// empty page, as listed in shared/docs/kinesis-semantics.md, "Consumer bugs seen in the wild").
#include "catalogue/batch_drain.h"

namespace shardsim::catalogue {
namespace {

// The bug: an empty page is taken for the end of the data. (It never asks MillisBehindLatest.)
Stop CaughtUpAtAnEmptyPage(const ConsumerContext&, const PageSeen& seen) {
  return seen.page.Records.empty() ? Stop::kCaughtUp : Stop::kReadOn;
}

sim::Task<void> StopOnFirstEmptyPage(ConsumerContext& ctx) {
  return DrainEveryShard(
      ctx, {.stop = {.before_processing = CaughtUpAtAnEmptyPage, .after_processing = ReadOn}});
}

}  // namespace

StrategyInfo StopOnFirstEmptyPageStrategy() {
  return StrategyInfo{.name = "stop-on-first-empty-page",
                      .description =
                          "batch read of every shard that stops a shard at its first empty page, "
                          "declaring it caught up",
                      .expected = Violates(Property::kNoFalseCaughtUp),
                      .provenance = {"https://stackoverflow.com/questions/46580494",
                                     "https://github.com/apache/doris/issues/67874"},
                      .params = {},
                      .run = StopOnFirstEmptyPage,
                      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::catalogue
