// Structural mutation: scenarios near a given one, for a coverage-guided fuzzer
// (fuzz/strategy_fuzzer.cc) that keeps a scenario reaching a new domain situation and mutates
// it further, where a byte-level mutation of its encoding would mostly make it unreadable.
//
// One mutation is one edit drawn from a seed: add, delete, move or repeat (in the same
// millisecond) a put; open an idle gap before a put (every later put, reshard, crash and reader
// moves with it); add, delete or move a crash, or add one down past the retention period (the
// producer going on after the restart, with records that put a checkpoint below the trim
// horizon); add a split or merge (half the time between records of its parents' keys) or delete
// one; add or delete a competing reader; change the processing time, or make a slow page (a
// same-millisecond run of records each processed for about a minute, which outlasts an
// iterator, and a record put while it is processed); change the number of shards. Crossing over
// takes one scenario's puts up to a time and the other's after it, with the first one's faults.
//
// Contract of every scenario returned:
//   - Deterministic in (scenario, strategy, seed); nothing reads a clock.
//   - Valid as the generator's are: puts in time order, times at or after the start, shard
//     names only from the stream's shards (a reshard naming a shard that does not exist, or not
//     yet, is a no-op in the harness), the strategy and its parameters kept.
//   - Its liveness budget and event bound derived again (DeriveLivenessBudget,
//     DeriveEventBound), as the generator derives them: a budget carried over from a smaller
//     scenario would make a false witness.
//   - Affordable: within `bounds`, or within the scenario's own envelope (EnvelopeOf) when it
//     came in larger than `bounds` (a generated case may be; its mutations may not grow it).
//     An edit that would leave that is drawn again, and after kMaxMutationAttempts the scenario
//     is returned unchanged.
#ifndef SHARDSIM_PROPERTIES_SCENARIO_MUTATE_H_
#define SHARDSIM_PROPERTIES_SCENARIO_MUTATE_H_

#include <cstdint>

#include "consumer/strategy.h"
#include "properties/scenario.h"

namespace shardsim::properties {

inline constexpr int kMaxMutationAttempts = 8;

// The envelope of a mutated scenario: what one fuzzer execution may cost. A correct loop's
// cost follows the virtual time it runs (it polls an idle shard too), so the bounds are on the
// run's horizon and its event bound (about 20 events per virtual second and shard).
struct MutationBounds {
  int max_puts = 300;
  int max_shards = 8;
  int max_reshards = 6;
  int max_crashes = 6;
  int max_readers = 3;
  // Long enough for a downtime past the 24 h retention period.
  Duration max_safety_phase = Duration::Hours(36);
  // Buckets of the narrowest width from the start to the end of the safety phase (the walk a
  // restarted consumer may have to make on every shard).
  int64_t max_walk_buckets = 30'000;
  // DeriveEventBound's 20 events per second and shard, over the time the consumer runs (a
  // downtime costs no calls), and the competing readers' polls: about 4.6 shard-days.
  uint64_t max_event_bound = 8'000'000;
};

bool IsAffordable(const Scenario& scenario, const MutationBounds& bounds = {});
// `bounds`, each raised to what `scenario` itself has.
MutationBounds EnvelopeOf(const Scenario& scenario, const MutationBounds& bounds = {});

// One edit of `scenario`, drawn from `seed` (see the contract above).
Scenario MutateScenario(const Scenario& scenario, const consumer::StrategyInfo& strategy,
                        uint64_t seed, const MutationBounds& bounds = {});

// `first`'s stream, faults and strategy with `first`'s puts before a time drawn from `seed` and
// `second`'s after it; `first` unchanged when that is not affordable.
Scenario CrossOverScenarios(const Scenario& first, const Scenario& second,
                            const consumer::StrategyInfo& strategy, uint64_t seed,
                            const MutationBounds& bounds = {});

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_MUTATE_H_
