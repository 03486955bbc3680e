// RapidCheck generators of scenarios for one strategy, swarm style.
//
// Each case switches a random subset of features on (several shards, resharding, crashes,
// slow processing, a competing reader, throttling limits, bursts, large records), so rare
// combinations occur. A stream gets 1-8 shards and a bucket profile (fixed, observed, range
// or dense, widths from about a second to an hour). Producer gaps are written as whole
// buckets plus a remainder biased toward bucket edges, so shrinking removes whole buckets
// before it trims milliseconds. Shrinking moves toward fewer records, fewer shards, fewer
// bucket crossings and fewer faults. Steering: besides its features, a case may have a focus
// (generators.cc, Focus) that aims at one of the rare situations of properties/probes.h;
// numbered cases take the foci in turn (focus_index).
//
// Generated scenarios stay cheap to run: the whole buckets a consumer must walk are bounded by
// `max_bucket_crossings`, and a case's virtual span by `max_span` (2 h by default). A consumer
// that polls continuously pays for every second of span (a poll a second is 7,200 calls in
// two hours), so producer gaps of days are opt-in: with `long_gaps`, half the cases have gaps
// of up to `long_gap_max_span` (14 days) with buckets of a minute or more. With a `profile`
// fixed by the user, gaps may cross the whole span at its width (log-uniformly, at most 20,000
// buckets), so `fixed:1s` cases reach idle gaps of hours. A crash downtime costs no polling, only
// the walk through the buckets that passed meanwhile, so downtimes of up to three days (past the
// retention period: checkpoints fall below the trim horizon) are in every default case, cut
// to `max_downtime_buckets` of the smallest width; the producer may pause with the consumer,
// so records also arrive after such a downtime. A case has no more shards than a batch job
// that drains them one after another can catch up with (see liveness_budget.h), and its
// liveness budget is derived from the work it implies (DeriveLivenessBudget).
#ifndef SHARDSIM_PROPERTIES_GENERATORS_H_
#define SHARDSIM_PROPERTIES_GENERATORS_H_

#include <rapidcheck.h>

#include <cstdint>
#include <optional>
#include <string>

#include "consumer/strategy_registry.h"
#include "properties/scenario.h"

namespace shardsim::properties {

// Slow processing takes from 10 ms to this long per record.
inline constexpr Duration kMaxProcessingTimePerRecord = Duration::Micros(60'000'000);

struct GeneratorOptions {
  // Every case uses this profile instead of a generated one (e.g. `dense` to see how a loop
  // fares against an emulator-like stream).
  std::optional<model::BucketProfile> profile;
  int max_shards = 8;
  int max_records = 30;
  // Whole buckets summed over all producer gaps.
  int max_bucket_crossings = 200;
  // The latest a put, reshard or fault may happen after the start.
  Duration max_span = Duration::Hours(2);
  // Buckets of the smallest width that all crash downtimes of a case may pile up (ten times
  // as many with long gaps).
  int64_t max_downtime_buckets = 5'000;
  // Case k is generated at RapidCheck size (size_offset + size_stride * k) mod 101: by default
  // the sizes grow 0, 1, 2, ... as RapidCheck's do; a run of few cases (a real client's) takes
  // a stride coprime to 101 to reach large sizes within its first cases.
  int size_offset = 0;
  uint64_t size_stride = 1;
  // No bucket narrower than this (zero: any width). A real client pays wall time for every
  // call, and one call per bucket it walks: wider buckets keep a day of silence affordable.
  Duration min_bucket_width = Duration::Zero();
  bool long_gaps = false;
  Duration long_gap_max_span = Duration::Days(14);
  // Steering: which focus the case takes (a rare situation of properties/probes.h it aims at,
  // or none). Numbered cases pass their index, so that any hundred consecutive cases aim at
  // every focus about equally often; absent, it is drawn at random.
  std::optional<uint64_t> focus_index;
};

// A partition key ("k0", "k1", ...) that lands on shard `shard` of a stream's `shard_count`
// first shards ("k0" if none of the first 1,000 does).
std::string KeyOnShard(int shard, int shard_count);

// Scenarios for `strategy` (its name, generated parameters and rerun interval filled in).
rc::Gen<Scenario> GenScenario(const consumer::StrategyInfo& strategy,
                              GeneratorOptions options = {});

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_GENERATORS_H_
