// The liveness budget a scenario implies: how long, after its safety phase, a correct consumer
// may need to read everything the scenario put.
//
// A consumer that restarts at the end of the safety phase may have to walk, on every shard, every
// bucket from the shard's start (or from the trim horizon, once the run is longer than the
// retention period) to the end of the safety phase: one GetRecords call per bucket of the
// profile's smallest width. The derivation assumes a correct consumer is at least as fast as
// either of two reference readers, and budgets for the slower of them:
//   * one that advances every shard by a bucket per round, a round being
//     `kReferencePollInterval` plus, for each shard served in turn, one call and
//     `kReferenceBatchPollInterval` (what the catalogue's per-shard pollers, round-robin readers
//     and the slowest generated poll intervals, 10 s, stay within);
//   * a batch job that drains shard after shard up to its tip (MillisBehindLatest == 0), one
//     bucket per `kReferenceBatchPollInterval` plus the call latency, while the tip of the shard
//     it is on moves on: each shard multiplies the time already spent by w / (w - pace).
// For the batch job, the run in progress at the end of the safety phase may have passed the
// records' shard already: the next run starts a rerun interval after it ends, and must drain
// every shard again (the first reader gets two rerun intervals). On top: the processing time of
// every record put, two of the widest buckets, and a fixed margin.
//
// The event bound follows the run's whole horizon (puts, crash downtimes, reruns, the liveness
// budget) as the budget follows the work (DeriveEventBound). The generator derives both for
// every case, and structural shrinking (scenario_shrink.h) for every candidate.
#ifndef SHARDSIM_PROPERTIES_LIVENESS_BUDGET_H_
#define SHARDSIM_PROPERTIES_LIVENESS_BUDGET_H_

#include <cstdint>

#include "properties/scenario.h"

namespace shardsim::properties {

inline constexpr Duration kReferencePollInterval = Duration::Micros(10'000'000);
inline constexpr Duration kReferenceBatchPollInterval = Duration::Micros(250'000);
inline constexpr Duration kLivenessMargin = Duration::Micros(3'600'000'000LL);

// What the budget is made of, for tests and for the generator's cost bounds.
struct LivenessWork {
  int shards = 1;                 // every shard the run will have had (parents and children)
  int64_t buckets_per_shard = 1;  // of the smallest width, up to the end of the safety phase
  Duration walk_every_shard;      // the first reference reader
  Duration drain_in_sequence;     // the batch job, one run from the end of the safety phase
                                  // (ten years when it can never reach the tips)
  // How much the batch job's sequential walk multiplies the time it starts at (1 when the tip
  // does not move on while it reads); above kMaxSequentialGrowth the generator gives a case
  // fewer shards.
  double sequential_growth = 1.0;
  Duration processing;
  Duration budget;
};

inline constexpr double kMaxSequentialGrowth = 8.0;

LivenessWork DeriveLivenessWork(const Scenario& scenario);
inline Duration DeriveLivenessBudget(const Scenario& scenario) {
  return DeriveLivenessWork(scenario).budget;
}

// A correct poller spends about ten events per virtual second and shard (sleep, call, answer),
// so a run of days must not end in an event bound a correct loop cannot stay under: twenty per
// second and shard (parents and children) of the horizon, from the latest put or crash through
// every downtime, a rerun interval and `scenario.liveness_budget` (so derive the budget first).
// Between 2 million and 50 million events, so that one case stays affordable; on top, what the
// competing readers spend (CompetingReaderEvents), which does not depend on the consumer and is
// bounded by whoever adds the readers (the generator's and the mutator's cost bounds).
uint64_t DeriveEventBound(const Scenario& scenario);

// A competing reader spends two events per poll (its call, its sleep) and polls at most every
// `poll_interval` from `start` to `stop`; counted with a margin, three per poll.
inline constexpr uint64_t kEventsPerCompetingReaderPoll = 3;
uint64_t CompetingReaderEvents(const Scenario& scenario);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_LIVENESS_BUDGET_H_
