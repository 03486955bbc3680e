// Buggy: a reader that drains each shard until MillisBehindLatest == 0, as the documentation
// suggests, but tests it before handing the page's records on. The page that reports 0 is the
// one that reached the tip, so it usually carries the newest records: they are dropped, and the
// shard is declared caught up without them.
// Seen in: MaterializeInc/materialize#2288 ("I was mistakenly breaking on
// millis_behind_latest == 0 before grabbing any records off of the response -- effectively
// dropping those records on the floor"). The correct order is drain-until-caught-up.
#include "catalogue/batch_drain.h"

namespace shardsim::catalogue {
namespace {

sim::Task<void> BreakOnZeroLagBeforeProcessing(ConsumerContext& ctx) {
  // The bug: the documented rule, checked before the page is processed instead of after.
  return DrainEveryShard(
      ctx, {.stop = {.before_processing = CaughtUpAtZeroLag, .after_processing = ReadOn}});
}

}  // namespace

StrategyInfo BreakOnZeroLagBeforeProcessingStrategy() {
  return StrategyInfo{.name = "break-on-zero-lag-before-processing",
                      .description =
                          "batch read that stops a shard when MillisBehindLatest == 0, before "
                          "processing that page's records",
                      .expected = Violates(Property::kNoFalseCaughtUp),
                      .provenance = {"https://github.com/MaterializeInc/materialize/pull/2288"},
                      .params = {},
                      .run = BreakOnZeroLagBeforeProcessing,
                      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::catalogue
