// Buggy: a reader that takes MillisBehindLatest == 0 for the end of the shard. It processes
// the page (in the right order), then, at 0, reports the shard as finished and stops reading
// it. But 0 only means "nothing more right now": an open shard never ends, and the end of a
// closed shard is the absence of NextShardIterator. Downstream, a finished shard is one whose
// children may start and whose reader can be released.
// Seen in: quickwit-oss/quickwit#718 and its Kinesis shard consumer, which sends ShardEOF and
// exits when `millis_behind_latest == Some(0)` (eof mode).
#include "catalogue/batch_drain.h"

namespace shardsim::catalogue {
namespace {

// The bug: "caught up" is taken for "shard end".
Stop ShardEndAtZeroLag(const ConsumerContext&, const PageSeen& seen) {
  return seen.page.MillisBehindLatest == 0 ? Stop::kShardEnd : Stop::kReadOn;
}

sim::Task<void> ZeroLagMeansShardEnd(ConsumerContext& ctx) {
  // As quickwit's shard consumer polls: just over 1 s / 5, the GetRecords limit per shard.
  return DrainEveryShard(ctx, {.poll_interval = Duration::Millis(205),
                               .stop = {.after_processing = ShardEndAtZeroLag}});
}

}  // namespace

StrategyInfo ZeroLagMeansShardEndStrategy() {
  return StrategyInfo{.name = "zero-lag-means-shard-end",
                      .description =
                          "reads each shard until MillisBehindLatest == 0 and then declares the "
                          "shard ended",
                      .expected = Violates(Property::kNoFalseShardEnd),
                      .provenance = {"https://github.com/quickwit-oss/quickwit/issues/718",
                                     "quickwit-oss/quickwit: quickwit-indexing/src/source/kinesis/"
                                     "shard_consumer.rs (ShardEOF)"},
                      .params = {},
                      .run = ZeroLagMeansShardEnd,
                      .rerun_interval = Duration::Minutes(10)};
}

}  // namespace shardsim::catalogue
