#include "properties/probes.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check.h"

namespace shardsim::properties {

namespace {

constexpr bool kPoll = true;
constexpr bool kSubscribe = true;

}  // namespace

const std::vector<ProbeInfo>& AllProbes() {
  static const std::vector<ProbeInfo> probes = {
      {Probe::kEmptyReadWithRecordsAhead, "empty_read_with_records_ahead",
       "an empty page or event while records lay ahead in its shard", ProbeKind::kSituation, kPoll,
       kSubscribe},
      {Probe::kLongEmptyWalk, "long_empty_walk",
       "ten or more empty pages or events in a row on a shard before a record",
       ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kFreshRecordAtBucketBoundary, "fresh_record_at_bucket_boundary",
       "a read that crossed a bucket boundary with a record that arrived less than a second "
       "before it waiting just past it",
       ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kSameMillisecondBurst, "same_millisecond_burst",
       "several records of one shard in one millisecond", ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kCrashBeforeCheckpoint, "crash_before_checkpoint",
       "a crash after a record was processed and before a checkpoint covered it",
       ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kCrashInsideBurst, "crash_inside_burst",
       "a crash between two records of one millisecond, the first processed and the second not",
       ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kCheckpointBelowTrimHorizon, "checkpoint_below_trim_horizon",
       "a restart whose checkpoint lay below the trim horizon", ProbeKind::kSituation, kPoll,
       kSubscribe},
      {Probe::kExpiredIterator, "expired_iterator",
       "a GetRecords answered ExpiredIteratorException", ProbeKind::kSituation, kPoll, !kSubscribe},
      {Probe::kThrottledByCompetingReader, "throttled_by_competing_reader",
       "a GetRecords throttled while a competing reader shared its shard", ProbeKind::kSituation,
       kPoll, !kSubscribe},
      {Probe::kReshardWithUnreadParent, "reshard_with_unread_parent",
       "a split or merge while a parent held records not yet processed", ProbeKind::kSituation,
       kPoll, kSubscribe},
      {Probe::kMergeSecondParentUnread, "merge_second_parent_unread",
       "one merge parent read to its end while the other still held records not yet processed",
       ProbeKind::kSituation, kPoll, kSubscribe},
      {Probe::kRecordsOnChildShard, "records_on_child_shard",
       "records put on a child shard of a split or merge", ProbeKind::kSituation, kPoll,
       kSubscribe},
      {Probe::kSubscriptionExpired, "subscription_expired",
       "a subscription that ran out its five minutes", ProbeKind::kSituation, !kPoll, kSubscribe},
      {Probe::kRestartFromTimestamp, "restart_from_timestamp",
       "a restarted consumer asking for a position AT_TIMESTAMP", ProbeKind::kBehaviour, kPoll,
       kSubscribe},
  };
  return probes;
}

const ProbeInfo& InfoOf(Probe probe) {
  const ProbeInfo& info = AllProbes()[static_cast<size_t>(probe)];
  SHARDSIM_CHECK(info.probe == probe, "AllProbes lists the probes in the order of Probe");
  return info;
}

std::optional<Probe> ParseProbe(std::string_view name) {
  for (const ProbeInfo& info : AllProbes()) {
    if (info.name == name) return info.probe;
  }
  return std::nullopt;
}

bool AppliesTo(Probe probe, consumer::ReadApi api) {
  const ProbeInfo& info = InfoOf(probe);
  return api == consumer::ReadApi::kPolling ? info.polling : info.enhanced_fan_out;
}

void ProbeCounts::Add(ProbeSet set) {
  ++cases;
  for (int i = 0; i < kProbeCount; ++i) {
    if (set.Has(static_cast<Probe>(i))) ++hits[i];
  }
}

std::vector<Probe> ProbeCounts::Unreached(consumer::ReadApi api) const {
  std::vector<Probe> out;
  for (const ProbeInfo& info : AllProbes()) {
    if (info.kind == ProbeKind::kSituation && AppliesTo(info.probe, api) && of(info.probe) == 0) {
      out.push_back(info.probe);
    }
  }
  return out;
}

namespace {

uint64_t ApplicableSituations(consumer::ReadApi api) {
  uint64_t n = 0;
  for (const ProbeInfo& info : AllProbes()) {
    n += info.kind == ProbeKind::kSituation && AppliesTo(info.probe, api);
  }
  return n;
}

const char* Cases(uint64_t n) { return n == 1 ? " case" : " cases"; }

}  // namespace

std::string ProbeWarnings(const ProbeCounts& counts, consumer::ReadApi api, std::string_view loop) {
  std::string out;
  for (Probe p : counts.Unreached(api)) {
    const ProbeInfo& info = InfoOf(p);
    absl::StrAppend(&out, "warning: ", std::string(loop), " never saw ",
                    std::string(info.description), " (probe ", std::string(info.name), ": 0 of ",
                    counts.cases, Cases(counts.cases), ")\n");
  }
  return out;
}

std::string ProbeTable(const ProbeCounts& counts, consumer::ReadApi api, std::string_view loop,
                       bool failed) {
  std::string out = absl::StrCat("situations reached (cases of ", counts.cases,
                                 failed ? ", up to the failing one" : "", "):\n");
  for (const ProbeInfo& info : AllProbes()) {
    if (!AppliesTo(info.probe, api)) continue;
    absl::StrAppend(
        &out,
        absl::StrFormat("  %6d  %s: %s%s\n", counts.of(info.probe), info.name, info.description,
                        info.kind == ProbeKind::kBehaviour ? " (the loop's own choice)" : ""));
  }
  return failed ? out : out + ProbeWarnings(counts, api, loop);
}

std::string ProbeLine(const ProbeCounts& counts, consumer::ReadApi api, bool failed) {
  const std::vector<Probe> unreached = counts.Unreached(api);
  const uint64_t applicable = ApplicableSituations(api);
  if (unreached.empty()) {
    return absl::StrCat("situations: all ", applicable, " reached in ", counts.cases,
                        Cases(counts.cases), "\n");
  }
  std::vector<std::string> names;
  for (Probe p : unreached) names.emplace_back(InfoOf(p).name);
  return absl::StrCat(failed ? "" : "warning: ", "situations: ", applicable - unreached.size(),
                      " of ", applicable, " reached in ", counts.cases, Cases(counts.cases),
                      "; never ", absl::StrJoin(names, ", "), "\n");
}

}  // namespace shardsim::properties
