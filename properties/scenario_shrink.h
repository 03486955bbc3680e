// Structural shrinking: smaller scenarios made by editing a failing Scenario value itself, for
// when RapidCheck's shrink tree is exhausted.
//
// The tree only shrinks the generator's random choices, and a choice that shapes every later
// one (how many records, where each lands) often cannot move without losing the failure, so
// the tree stops with records the failure does not need. The moves here delete and simplify
// the value instead, in a fixed order: each reshard, crash and competing reader on its own;
// the puts in chunks, ddmin style (all of them, halves, quarters, ... then one at a time);
// when processing is slow, the same chunks again with every remaining record processed as long
// as a generated case may (kMaxProcessingTimePerRecord), and again with each processed for
// kMaxShrunkProcessingTimePerRecord, longer than an iterator lives: a slow consumer's stall,
// which expires its iterators, needs the time, not the records; fewer shards; no processing
// time; no throttling limits; a fixed bucket profile; no rerun.
//
// Contract of every candidate (one move applied to the scenario):
//   - Nothing else moves: a deleted put, reshard, crash or reader leaves the others at their
//     absolute times, so the buckets a deletion does not touch keep their records.
//   - It names only shards that exist: a stream loses its highest-numbered shards only when no
//     reshard or reader names them, and reshards are not deleted when anything names a child
//     shard (children are numbered in the order they are made). Records are routed by their
//     partition keys' hashes, so with fewer shards they land on the shards that remain.
//   - Its liveness budget is never below DeriveLivenessBudget of the candidate (a budget too
//     short for a correct loop would make a false witness), nor below the failing scenario's
//     own; its event bound likewise (DeriveEventBound). Larger bounds only give a correct loop
//     more room.
// Whether a candidate is taken is the caller's to judge (the check engine takes the first that
// fails the same property). After a taken move the next candidates start where that move was
// and wrap around, so shrinking ends when one whole round of moves is refused. Deterministic:
// the candidates depend on the scenario and the strategy only.
#ifndef SHARDSIM_PROPERTIES_SCENARIO_SHRINK_H_
#define SHARDSIM_PROPERTIES_SCENARIO_SHRINK_H_

#include <rapidcheck.h>

#include "consumer/strategy.h"
#include "properties/scenario.h"

namespace shardsim::properties {

// The longest a shrunk witness processes one record: twice an iterator's five minutes, so that
// one record's processing can stand for a stall of several (a consumer that stops that long
// must still recover; liveness budgets are derived from it).
inline constexpr Duration kMaxShrunkProcessingTimePerRecord = Duration::Micros(600'000'000);

// `scenario` with the structural candidates as its shrinks, and theirs as theirs. The rerun
// after exit is dropped only when `strategy` has no rerun interval (a batch job that is never
// started again would leave records unread: a false witness).
rc::Shrinkable<Scenario> StructuralShrinks(Scenario scenario,
                                           const consumer::StrategyInfo& strategy);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_SHRINK_H_
