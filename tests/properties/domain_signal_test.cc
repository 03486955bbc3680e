// The domain signal the strategy fuzzer hands libFuzzer: which counter each situation, statistic,
// verdict and shape of a run sets.
#include "properties/domain_signal.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>

#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/probes.h"

namespace shardsim::properties {
namespace {

using Counters = std::array<uint8_t, kDomainSignalSize>;

Counters SignalOf(const RunReport& report, const Scenario& scenario) {
  Counters c;
  c.fill(0xAB);  // every byte is written
  DomainSignal(report, scenario, c);
  return c;
}

std::set<size_t> SetCounters(const Counters& c) {
  std::set<size_t> set;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] != 0) set.insert(i);
  }
  return set;
}

TEST(DomainSignal, AnEmptyRunOfAnEmptyScenarioSetsOnlyItsShapeShardAndGapCounters) {
  const Counters c = SignalOf(RunReport{}, Scenario{});
  EXPECT_EQ(SetCounters(c).size(), 2u) << "one shard, the smallest gap bucket";
}

TEST(DomainSignal, EachProbeSetsItsOwnCounterAndEachPairOneMore) {
  const Counters none = SignalOf(RunReport{}, Scenario{});
  std::set<size_t> singles;
  for (int i = 0; i < kProbeCount; ++i) {
    RunReport r;
    r.probes.Mark(static_cast<Probe>(i));
    const std::set<size_t> set = SetCounters(SignalOf(r, Scenario{}));
    EXPECT_EQ(set.size(), SetCounters(none).size() + 1) << InfoOf(static_cast<Probe>(i)).name;
    for (size_t s : set) singles.insert(s);
  }
  EXPECT_EQ(singles.size(), SetCounters(none).size() + kProbeCount);
  RunReport both;
  both.probes.Mark(Probe::kCrashInsideBurst);
  both.probes.Mark(Probe::kCheckpointBelowTrimHorizon);
  EXPECT_EQ(SetCounters(SignalOf(both, Scenario{})).size(), SetCounters(none).size() + 3)
      << "the two probes and their pair";
}

TEST(DomainSignal, StatisticsAreCountsCappedAt255) {
  RunReport few, many;
  few.stats.empty_pages = 3;
  many.stats.empty_pages = 100'000;
  const std::set<size_t> before = SetCounters(SignalOf(RunReport{}, Scenario{}));
  const Counters a = SignalOf(few, Scenario{}), b = SignalOf(many, Scenario{});
  size_t index = 0;
  for (size_t i = 0; i < kDomainSignalSize; ++i) {
    if (a[i] != 0 && !before.contains(i)) index = i;
  }
  EXPECT_EQ(a[index], 3);
  EXPECT_EQ(b[index], 255);
}

TEST(DomainSignal, AViolationSetsItsPropertysCounter) {
  RunReport missed, duplicated;
  missed.violation = Violation{Property::kNoMissedRecords, {}, {}, {}};
  duplicated.violation = Violation{Property::kNoDuplicates, {}, {}, {}};
  const std::set<size_t> a = SetCounters(SignalOf(missed, Scenario{}));
  const std::set<size_t> b = SetCounters(SignalOf(duplicated, Scenario{}));
  EXPECT_EQ(a.size(), 3u);
  EXPECT_NE(a, b);
}

TEST(DomainSignal, ADowntimePastRetentionAndALongerGapAreNewSignal) {
  Scenario s;
  s.puts = {PutSpec{Duration::Zero(), "k", "a"}, PutSpec{Duration::Seconds(30), "k", "b"}};
  s.crashes = {{Duration::Seconds(5), Duration::Hours(1)}};
  const std::set<size_t> short_down = SetCounters(SignalOf(RunReport{}, s));
  s.crashes[0].restart_after = s.stream.retention + Duration::Hours(1);
  const std::set<size_t> long_down = SetCounters(SignalOf(RunReport{}, s));
  EXPECT_EQ(long_down.size(), short_down.size() + 1);
  s.puts[1].at = Duration::Hours(3);
  const std::set<size_t> long_gap = SetCounters(SignalOf(RunReport{}, s));
  EXPECT_NE(long_gap, long_down);
  EXPECT_EQ(long_gap.size(), long_down.size()) << "the gap moves to another bucket";
}

TEST(DomainSignal, AGeneratedCaseGivesTheSameSignalEveryTime) {
  const consumer::StrategyInfo& kcl = *consumer::StrategyRegistry::Global().Find("kcl-worker");
  const Scenario s = GenerateCase(kcl, 3, 40);
  const absl::StatusOr<RunReport> a = RunScenario(s), b = RunScenario(s);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(SignalOf(*a, s), SignalOf(*b, s));
  EXPECT_GT(SetCounters(SignalOf(*a, s)).size(), 5u);
}

}  // namespace
}  // namespace shardsim::properties
