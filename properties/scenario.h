// A scenario: everything one run of a consumer strategy depends on, as a plain value.
//
// A scenario names the stream (shards, bucket profile, limits, retention), what producers put
// and when, reshards, faults (consumer crashes and restarts, competing readers), the run's
// bounds and the strategy with its parameters. Times are offsets from the run's start. The
// run has a safety phase, which lasts until the last put, reshard, crash restart or competing
// read, and then a liveness phase of `liveness_budget` with no new records and no faults, in
// which a correct consumer must catch up.
#ifndef SHARDSIM_PROPERTIES_SCENARIO_H_
#define SHARDSIM_PROPERTIES_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/stream_options.h"
#include "sim/time.h"

namespace shardsim::properties {

using sim::Duration;
using sim::Instant;

struct PutSpec {
  Duration at;
  std::string partition_key;
  std::string data;
  friend bool operator==(const PutSpec&, const PutSpec&) = default;
};

struct ReshardSpec {
  enum class Kind { kSplit, kMerge };
  Duration at;
  Kind kind = Kind::kSplit;
  std::string shard_id;
  // Split: where the upper child starts (decimal); empty means the parent range's midpoint.
  std::string new_starting_hash_key;
  // Merge: the hash-adjacent shard.
  std::string adjacent_shard_id;
  friend bool operator==(const ReshardSpec&, const ReshardSpec&) = default;
};

// The consumer is destroyed mid-flight at `at` and started again `restart_after` later.
struct CrashSpec {
  Duration at;
  Duration restart_after;
  friend bool operator==(const CrashSpec&, const CrashSpec&) = default;
};

// Another application polling one shard, spending that shard's read budget.
struct CompetingReaderSpec {
  Duration start;
  Duration stop;
  Duration poll_interval;
  std::string shard_id;
  friend bool operator==(const CompetingReaderSpec&, const CompetingReaderSpec&) = default;
};

struct Scenario {
  std::string name = "unnamed";
  uint64_t seed = 1;
  Instant start = sim::kDefaultEpoch;

  std::string stream_name = "stream";
  int shard_count = 1;
  model::StreamOptions stream;
  Duration call_latency = Duration::Millis(20);
  Duration processing_time_per_record = Duration::Zero();

  std::vector<PutSpec> puts;
  std::vector<ReshardSpec> reshards;
  std::vector<CrashSpec> crashes;
  std::vector<CompetingReaderSpec> competing_readers;
  // A consumer that returns normally is started again this long after (a batch job on a
  // schedule). Absent: it stays stopped.
  std::optional<Duration> rerun_after_exit;

  Duration liveness_budget = Duration::Hours(2);
  uint64_t max_events = 2'000'000;
  // Calls a consumer may make on one shard (or to ListShards) in any one second of virtual
  // time before it is a hot loop.
  int max_calls_per_second = 25;

  std::string strategy;
  std::map<std::string, int64_t, std::less<>> params;

  // When the safety phase ends: the latest put, reshard, played crash or restart, or competing
  // read, plus 1 s.
  Duration SafetyPhaseEnd() const;
  // The latest crash or restart that changes whether the consumer runs (zero without crashes):
  // a crash that falls while the consumer is down is not played, and a restart while it runs
  // (an earlier crash's restart came first) changes nothing; neither may stretch the run.
  // Reruns after an exit depend on the consumer and are not counted.
  Duration LastPlayedCrashEvent() const;
  // Every field, by the compiler: a field added here cannot be left out of the comparison
  // (and so pass a JSON round trip that drops it).
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// A readable multi-line description (what RapidCheck prints for a counterexample).
std::string ShowScenario(const Scenario& scenario);
// RapidCheck's hook for printing values (found by argument-dependent lookup).
void showValue(const Scenario& scenario, std::ostream& os);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_H_
