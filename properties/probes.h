// Domain coverage probes: named rare situations a case may reach, marked by the judge as it
// observes the run (the calls the model answered, the harness's crashes, restarts, reshards and
// competing readers, the application's processing and checkpoints).
//
// A probe says what a case contained, not whether the loop handled it: `check` prints how many
// cases reached each probe and warns about a situation no case reached ("your loop never saw
// ..."), as FoundationDB's code probes and Hypothesis's statistics do. A *situation* is
// something the scenario puts in front of the loop (the generator is tuned to reach each one);
// a *behaviour* is something only the loop decides to do (restarting from a timestamp), counted
// but never warned about. Each probe applies to loops that poll, subscribe, or both: a loop that
// subscribes never holds a GetRecords iterator that could expire.
//
// A case's probes are a ProbeSet (a bit per probe, in the order of Probe). Probe names are
// stable: results store them by name.
#ifndef SHARDSIM_PROPERTIES_PROBES_H_
#define SHARDSIM_PROPERTIES_PROBES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/strategy.h"

namespace shardsim::properties {

enum class Probe : uint8_t {
  kEmptyReadWithRecordsAhead,    // "empty_read_with_records_ahead"
  kLongEmptyWalk,                // "long_empty_walk"
  kFreshRecordAtBucketBoundary,  // "fresh_record_at_bucket_boundary"
  kSameMillisecondBurst,         // "same_millisecond_burst"
  kCrashBeforeCheckpoint,        // "crash_before_checkpoint"
  kCrashInsideBurst,             // "crash_inside_burst"
  kCheckpointBelowTrimHorizon,   // "checkpoint_below_trim_horizon"
  kExpiredIterator,              // "expired_iterator"
  kThrottledByCompetingReader,   // "throttled_by_competing_reader"
  kReshardWithUnreadParent,      // "reshard_with_unread_parent"
  kMergeSecondParentUnread,      // "merge_second_parent_unread"
  kRecordsOnChildShard,          // "records_on_child_shard"
  kSubscriptionExpired,          // "subscription_expired"
  kRestartFromTimestamp,         // "restart_from_timestamp"
};
inline constexpr int kProbeCount = 14;

enum class ProbeKind { kSituation, kBehaviour };

struct ProbeInfo {
  Probe probe;
  std::string_view name;
  // What the case contained, as a noun phrase: "an empty read while records lay ahead".
  std::string_view description;
  ProbeKind kind;
  bool polling;           // applies to loops that poll (GetRecords)
  bool enhanced_fan_out;  // applies to loops that subscribe (SubscribeToShard)
};

// Every probe, in the order of Probe.
const std::vector<ProbeInfo>& AllProbes();
const ProbeInfo& InfoOf(Probe probe);
std::optional<Probe> ParseProbe(std::string_view name);
// Whether `probe` applies to a loop that reads with `api`.
bool AppliesTo(Probe probe, consumer::ReadApi api);

// The probes one case reached.
class ProbeSet {
 public:
  ProbeSet() = default;
  explicit ProbeSet(uint32_t bits) : bits_(bits) {}
  void Mark(Probe probe) { bits_ |= Bit(probe); }
  bool Has(Probe probe) const { return (bits_ & Bit(probe)) != 0; }
  uint32_t bits() const { return bits_; }
  bool operator==(const ProbeSet&) const = default;

 private:
  static uint32_t Bit(Probe probe) { return uint32_t{1} << static_cast<int>(probe); }
  uint32_t bits_ = 0;
};

// How many of `cases` cases reached each probe (indexed by Probe).
struct ProbeCounts {
  uint64_t cases = 0;
  uint64_t hits[kProbeCount] = {};
  void Add(ProbeSet set);
  uint64_t of(Probe probe) const { return hits[static_cast<int>(probe)]; }
  // The situations that apply to `api` and no case reached, in the order of Probe.
  std::vector<Probe> Unreached(consumer::ReadApi api) const;
};

// The text `check` prints after a verdict. ProbeTable: every probe that applies to `api` with
// the number of cases that reached it, then (unless the run `failed`: its cases stop at the
// failure) ProbeWarnings, "warning: LOOP never saw ..." for each situation no case reached.
// ProbeLine, for `check --all`: "situations: all 12 reached in 1000 cases", or "warning:
// situations: 10 of 12 reached ...; never a, b" (no "warning: " after a failure).
std::string ProbeTable(const ProbeCounts& counts, consumer::ReadApi api, std::string_view loop,
                       bool failed);
std::string ProbeWarnings(const ProbeCounts& counts, consumer::ReadApi api, std::string_view loop);
std::string ProbeLine(const ProbeCounts& counts, consumer::ReadApi api, bool failed);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_PROBES_H_
