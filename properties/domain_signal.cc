#include "properties/domain_signal.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <string>

#include "properties/probes.h"
#include "properties/property.h"

namespace shardsim::properties {

namespace {

// Where each group of counters starts.
constexpr size_t kProbeBase = 0;
constexpr size_t kPairBase = kProbeBase + kProbeCount;                          // 14
constexpr size_t kStatsBase = kPairBase + kProbeCount * (kProbeCount - 1) / 2;  // 105
constexpr size_t kStatsCount = 14;
constexpr size_t kPropertyBase = kStatsBase + kStatsCount;  // 119
constexpr size_t kPropertyCount = std::size(kAllProperties);
constexpr size_t kShapeBase = kPropertyBase + kPropertyCount;
constexpr size_t kGapBuckets = 16;  // largest gap: < 1 min, < 2 min, ..., 2^14 min and more
constexpr size_t kShapeCount = 7 + kGapBuckets;
static_assert(kShapeBase + kShapeCount <= kDomainSignalSize);

uint8_t Capped(uint64_t value) { return static_cast<uint8_t>(std::min<uint64_t>(value, 255)); }

void Probes(ProbeSet probes, std::span<uint8_t, kDomainSignalSize> c) {
  size_t pair = kPairBase;
  for (int i = 0; i < kProbeCount; ++i) {
    const bool has_i = probes.Has(static_cast<Probe>(i));
    if (has_i) c[kProbeBase + static_cast<size_t>(i)] = 1;
    for (int j = i + 1; j < kProbeCount; ++j, ++pair) {
      if (has_i && probes.Has(static_cast<Probe>(j))) c[pair] = 1;
    }
  }
}

void Stats(const RunReport& r, std::span<uint8_t, kDomainSignalSize> c) {
  const RunStats& s = r.stats;
  const uint64_t values[kStatsCount] = {
      s.records_put,
      s.records_processed,
      s.records_put - std::min(s.records_put, s.records_processed),
      s.redeliveries,
      s.get_records_calls,
      s.empty_pages,
      s.throttled_calls,
      s.expired_iterator_errors,
      s.checkpoints,
      s.subscription_events,
      s.empty_events,
      s.crashes,
      s.restarts,
      // The events the run took, by powers of two.
      static_cast<uint64_t>(std::bit_width(r.run.events)),
  };
  for (size_t i = 0; i < kStatsCount; ++i) c[kStatsBase + i] = Capped(values[i]);
}

void Verdict(const RunReport& r, std::span<uint8_t, kDomainSignalSize> c) {
  if (!r.violation) return;
  for (size_t i = 0; i < kPropertyCount; ++i) {
    if (kAllProperties[i] == r.violation->property) c[kPropertyBase + i] = 1;
  }
}

// The largest number of records put in one millisecond.
uint64_t LargestBurst(const Scenario& s) {
  std::map<int64_t, uint64_t> per_millisecond;
  uint64_t largest = 0;
  for (const PutSpec& p : s.puts) largest = std::max(largest, ++per_millisecond[p.at.millis()]);
  return largest;
}

size_t GapBucket(const Scenario& s) {
  Duration largest = Duration::Zero();
  for (size_t i = 1; i < s.puts.size(); ++i) {
    largest = std::max(largest, s.puts[i].at - s.puts[i - 1].at);
  }
  const uint64_t minutes = static_cast<uint64_t>(largest.micros() / 60'000'000);
  return std::min<size_t>(static_cast<size_t>(std::bit_width(minutes)), kGapBuckets - 1);
}

void Shape(const Scenario& s, std::span<uint8_t, kDomainSignalSize> c) {
  uint64_t splits = 0, merges = 0, past_retention = 0;
  for (const ReshardSpec& r : s.reshards) ++(r.kind == ReshardSpec::Kind::kSplit ? splits : merges);
  for (const CrashSpec& crash : s.crashes) {
    if (crash.restart_after > s.stream.retention) ++past_retention;
  }
  const uint64_t values[7] = {s.crashes.size(),
                              past_retention,
                              splits,
                              merges,
                              s.competing_readers.size(),
                              static_cast<uint64_t>(s.shard_count),
                              LargestBurst(s)};
  for (size_t i = 0; i < 7; ++i) c[kShapeBase + i] = Capped(values[i]);
  c[kShapeBase + 7 + GapBucket(s)] = 1;
}

}  // namespace

void DomainSignal(const RunReport& report, const Scenario& scenario,
                  std::span<uint8_t, kDomainSignalSize> counters) {
  std::fill(counters.begin(), counters.end(), uint8_t{0});
  Probes(report.probes, counters);
  Stats(report, counters);
  Verdict(report, counters);
  Shape(scenario, counters);
}

}  // namespace shardsim::properties
