// Domain coverage probes (properties/probes.h): the situations a case reached, marked by the
// judge, and the steering that makes every catalogue loop reach them within a hundred cases.
#include "properties/probes.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "properties/check.h"
#include "properties/harness.h"
#include "sim/check.h"

namespace shardsim::properties {
namespace {

using model::ShardIteratorType;

constexpr char kShard[] = "shardId-000000000000";

ProbeSet ProbesOf(const Scenario& s, const consumer::StrategyRegistry& registry =
                                         consumer::StrategyRegistry::Global()) {
  const absl::StatusOr<RunReport> report = RunScenario(s, {}, registry);
  SHARDSIM_CHECK(report.ok(), "the test scenario runs");
  return report->probes;
}

std::string Names(ProbeSet set) {
  std::vector<std::string> names;
  for (const ProbeInfo& info : AllProbes()) {
    if (set.Has(info.probe)) names.emplace_back(info.name);
  }
  return absl::StrJoin(names, ", ");
}

Scenario Base(const char* strategy) {
  Scenario s;
  s.name = "probe";
  s.strategy = strategy;
  s.stream.buckets = model::BucketProfile::Fixed(Duration::Seconds(30));
  s.stream.limits = model::ShardLimits::Unlimited();
  return s;
}

TEST(Probes, EveryProbeHasAUniqueNameAndItsPlaceInTheOrder) {
  ASSERT_EQ(AllProbes().size(), static_cast<size_t>(kProbeCount));
  for (const ProbeInfo& info : AllProbes()) {
    EXPECT_EQ(&InfoOf(info.probe), &info);
    EXPECT_EQ(ParseProbe(info.name), info.probe);
    EXPECT_TRUE(info.polling || info.enhanced_fan_out) << info.name;
  }
  EXPECT_EQ(ParseProbe("no_such_probe"), std::nullopt);
}

TEST(Probes, AQuietRunOfOneRecordReachesNone) {
  Scenario s = Base("kcl-worker");
  s.puts = {{Duration::Seconds(1), "k0", "a"}};
  EXPECT_EQ(Names(ProbesOf(s)), "");
}

TEST(Probes, TwoRecordsOfOneMillisecondAreABurst) {
  Scenario s = Base("kcl-worker");
  s.puts = {{Duration::Seconds(1), "k0", "a"}, {Duration::Seconds(1), "k0", "b"}};
  EXPECT_TRUE(ProbesOf(s).Has(Probe::kSameMillisecondBurst));
  s.puts[1].at = Duration::Millis(1001);
  EXPECT_FALSE(ProbesOf(s).Has(Probe::kSameMillisecondBurst));
}

TEST(Probes, AWalkAcrossAnIdleStretchIsALongEmptyWalkWithRecordsAhead) {
  Scenario s = Base("drain-until-caught-up");
  s.stream.buckets = model::BucketProfile::Fixed(Duration::Minutes(1));
  s.puts = {{Duration::Seconds(1), "k0", "a"}, {Duration::Hours(1), "k0", "b"}};
  s.crashes = {{Duration::Seconds(30), Duration::Hours(2)}};  // back after both, far behind
  const ProbeSet probes = ProbesOf(s);
  EXPECT_TRUE(probes.Has(Probe::kLongEmptyWalk)) << Names(probes);
  EXPECT_TRUE(probes.Has(Probe::kEmptyReadWithRecordsAhead)) << Names(probes);
}

TEST(Probes, ARestartAfterTheRetentionPeriodHasItsCheckpointBelowTheTrimHorizon) {
  Scenario s = Base("kcl-worker");
  s.stream.buckets = model::BucketProfile::Fixed(Duration::Minutes(5));
  s.puts = {{Duration::Seconds(1), "k0", "a"}, {Duration::Hours(25), "k0", "b"}};
  s.crashes = {{Duration::Minutes(2), Duration::Hours(25)}};
  EXPECT_TRUE(ProbesOf(s).Has(Probe::kCheckpointBelowTrimHorizon));
  s.crashes = {{Duration::Minutes(2), Duration::Hours(1)}};
  EXPECT_FALSE(ProbesOf(s).Has(Probe::kCheckpointBelowTrimHorizon));
}

TEST(Probes, ASlowPageExpiresTheIteratorReadWithIt) {
  Scenario s = Base("kcl-worker");
  for (int i = 0; i < 7; ++i) s.puts.push_back({Duration::Seconds(1), "k0", absl::StrCat("r", i)});
  s.puts.push_back({Duration::Minutes(20), "k0", "late"});
  s.processing_time_per_record = Duration::Seconds(60);
  EXPECT_TRUE(ProbesOf(s).Has(Probe::kExpiredIterator));
}

TEST(Probes, ACrashWhileABurstIsProcessedIsInsideIt) {
  Scenario s = Base("kcl-worker");
  for (int i = 0; i < 4; ++i) s.puts.push_back({Duration::Seconds(1), "k0", absl::StrCat("r", i)});
  s.processing_time_per_record = Duration::Seconds(10);
  s.crashes = {{Duration::Seconds(25), Duration::Minutes(1)}};
  const ProbeSet probes = ProbesOf(s);
  EXPECT_TRUE(probes.Has(Probe::kCrashInsideBurst)) << Names(probes);
  EXPECT_TRUE(probes.Has(Probe::kCrashBeforeCheckpoint)) << Names(probes);
}

TEST(Probes, AThrottledReadOfAShardAnotherApplicationReadsIsMarked) {
  Scenario s = Base("kcl-worker");
  s.stream.limits = model::ShardLimits{};
  s.puts = {{Duration::Seconds(1), "k0", "a"}, {Duration::Seconds(20), "k0", "b"}};
  s.competing_readers = {{Duration::Zero(), Duration::Seconds(60), Duration::Millis(50), kShard}};
  EXPECT_TRUE(ProbesOf(s).Has(Probe::kThrottledByCompetingReader));
  s.competing_readers.clear();
  EXPECT_FALSE(ProbesOf(s).Has(Probe::kThrottledByCompetingReader));
}

TEST(Probes, AMergeOfTwoShardsWithRecordsMarksItsParentsAndChild) {
  Scenario s = Base("kcl-worker");
  s.shard_count = 2;
  s.processing_time_per_record = Duration::Seconds(20);
  // "k0" and "k1" hash to different halves of the key space: one record on each parent.
  for (int i = 0; i < 6; ++i) {
    s.puts.push_back({Duration::Seconds(10 + i), absl::StrCat("k", i % 2), absl::StrCat("r", i)});
  }
  s.puts.push_back({Duration::Seconds(60), "k0", "child"});
  s.reshards = {
      {Duration::Seconds(17), ReshardSpec::Kind::kMerge, kShard, "", "shardId-000000000001"}};
  const ProbeSet probes = ProbesOf(s);
  EXPECT_TRUE(probes.Has(Probe::kReshardWithUnreadParent)) << Names(probes);
  EXPECT_TRUE(probes.Has(Probe::kRecordsOnChildShard)) << Names(probes);
  EXPECT_TRUE(probes.Has(Probe::kMergeSecondParentUnread)) << Names(probes);
}

TEST(Probes, ASubscriptionLeftToRunItsFiveMinutesExpires) {
  Scenario s = Base("fan-out-worker");
  s.puts = {{Duration::Seconds(1), "k0", "a"}, {Duration::Minutes(12), "k0", "b"}};
  EXPECT_TRUE(ProbesOf(s).Has(Probe::kSubscriptionExpired));
}

// A loop that starts every incarnation after the first AT_TIMESTAMP of the start of the run.
sim::Task<void> RestartsAtTimestamp(consumer::ConsumerContext& ctx) {
  model::GetShardIteratorRequest request{.StreamName = ctx.stream_name,
                                         .ShardId = kShard,
                                         .ShardIteratorType = ShardIteratorType::TRIM_HORIZON};
  if (ctx.incarnation > 0) {
    request.ShardIteratorType = ShardIteratorType::AT_TIMESTAMP;
    request.Timestamp = sim::kDefaultEpoch;
  }
  auto started = co_await ctx.kinesis.GetShardIterator(request);
  if (!started.ok()) co_return;
  std::optional<std::string> iterator = started->ShardIterator;
  for (int polls = 0; iterator && polls < 1'000; ++polls) {
    auto page = co_await ctx.kinesis.GetRecords({.ShardIterator = *iterator, .Limit = 1000});
    if (!page.ok()) co_return;
    for (const model::Record& r : page->Records) co_await ctx.app.Process(kShard, r);
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Seconds(1));
  }
}

TEST(Probes, ARestartFromATimestampIsTheLoopsOwnChoice) {
  consumer::StrategyRegistry registry;
  ASSERT_TRUE(registry
                  .Register({.name = "restarts-at-timestamp",
                             .description = "test loop",
                             .run = RestartsAtTimestamp})
                  .ok());
  Scenario s = Base("restarts-at-timestamp");
  s.puts = {{Duration::Seconds(1), "k0", "a"}};
  s.crashes = {{Duration::Seconds(10), Duration::Seconds(10)}};
  EXPECT_TRUE(ProbesOf(s, registry).Has(Probe::kRestartFromTimestamp));
  EXPECT_EQ(InfoOf(Probe::kRestartFromTimestamp).kind, ProbeKind::kBehaviour);
  s.crashes.clear();
  EXPECT_FALSE(ProbesOf(s, registry).Has(Probe::kRestartFromTimestamp));
}

// Steering: with the default options, the first hundred cases of seed 1 of every correct loop
// reach every situation that applies to how it reads.
class CorrectLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(CorrectLoop, ReachesEverySituationThatAppliesWithinAHundredCases) {
  const consumer::StrategyInfo& info = *consumer::StrategyRegistry::Global().Find(GetParam());
  CheckOptions options;
  options.cases = 100;
  options.jobs = 2;
  const absl::StatusOr<CheckResult> result = CheckStrategy(info, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_FALSE(result->failure.has_value());
  ProbeCounts counts;
  for (const auto& [k, set] : result->case_probes) counts.Add(set);
  EXPECT_EQ(counts.cases, 100u);
  std::vector<std::string> never;
  for (Probe p : counts.Unreached(info.reads)) never.emplace_back(InfoOf(p).name);
  EXPECT_TRUE(never.empty()) << GetParam() << " never reached " << absl::StrJoin(never, ", ");
}

INSTANTIATE_TEST_SUITE_P(Catalogue, CorrectLoop,
                         ::testing::Values("drain-until-caught-up", "kcl-worker",
                                           "follow-every-shard", "lambda-poller", "fan-out-worker",
                                           "lambda-efo"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string name = p.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace shardsim::properties
