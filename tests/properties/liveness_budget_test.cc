// The liveness budget follows from the work a scenario implies, and a run that ends by that
// budget while the consumer is still on its way to the records is a termination verdict that
// says how far it got, not missed records.
#include "properties/liveness_budget.h"

#include <gtest/gtest.h>

#include "properties/harness.h"
#include "properties/property.h"

namespace shardsim::properties {
namespace {

using model::BucketProfile;

Scenario OneShard(BucketProfile profile) {
  Scenario s;
  s.strategy = "drain-until-caught-up";
  s.stream.buckets = profile;
  s.stream.limits = model::ShardLimits::Unlimited();
  s.puts = {{Duration::Seconds(10), "k0", "a"}, {Duration::Seconds(70), "k0", "b"}};
  return s;
}

// The time the first reference reader needs for `buckets` on every one of `shards`.
Duration ReferenceWalk(const Scenario& s, int64_t buckets, int shards) {
  return (kReferencePollInterval + (s.call_latency + kReferenceBatchPollInterval) * shards) *
         buckets;
}

TEST(SafetyPhase, ACrashWhileTheConsumerIsDownIsNotPlayedAndDoesNotStretchTheSafetyPhase) {
  Scenario s;
  s.puts = {{Duration::Seconds(10), "k", "a"}};
  // Down from 1 min to 10 h; the second crash falls in that downtime: no crash, and its restart
  // (at 2 h) brings the consumer back before the first one's.
  s.crashes = {{Duration::Minutes(1), Duration::Hours(10)},
               {Duration::Hours(1), Duration::Hours(1)}};
  EXPECT_EQ(s.LastPlayedCrashEvent(), Duration::Hours(2));
  EXPECT_EQ(s.SafetyPhaseEnd(), Duration::Hours(2) + Duration::Seconds(1));
}

TEST(SafetyPhase, CrashesOneAfterAnotherAreAllPlayed) {
  Scenario s;
  s.crashes = {{Duration::Minutes(1), Duration::Minutes(5)},
               {Duration::Hours(1), Duration::Hours(3)}};
  EXPECT_EQ(s.LastPlayedCrashEvent(), Duration::Hours(4));
  Scenario none;
  EXPECT_EQ(none.LastPlayedCrashEvent(), Duration::Zero());
}

TEST(SafetyPhase, ACrashAtTheInstantOfAnEarlierRestartIsPlayedAfterIt) {
  Scenario s;
  // The first crash's restart and the second crash at 6 min: the restart was scheduled first.
  s.crashes = {{Duration::Minutes(1), Duration::Minutes(5)},
               {Duration::Minutes(6), Duration::Minutes(30)}};
  EXPECT_EQ(s.LastPlayedCrashEvent(), Duration::Minutes(36));
}

TEST(LivenessBudget, ALongCrashDowntimeGetsABudgetForEveryBucketThatPassedMeanwhile) {
  Scenario quiet = OneShard(BucketProfile::Fixed(Duration::Seconds(60)));
  Scenario down = quiet;
  down.crashes = {{Duration::Seconds(80), Duration::Hours(30)}};
  const LivenessWork work = DeriveLivenessWork(down);
  // Past the retention period the walk starts at the trim horizon: a day of one-minute buckets.
  EXPECT_GE(work.buckets_per_shard, 24 * 60);
  EXPECT_LE(work.buckets_per_shard, 24 * 60 + 2);
  EXPECT_GE(work.budget, ReferenceWalk(down, 24 * 60, 1));
  EXPECT_GT(work.budget, DeriveLivenessBudget(quiet) + Duration::Hours(3));
}

TEST(LivenessBudget, ShardsWalkedOneAfterAnotherEachAddTheirBuckets) {
  Scenario one = OneShard(BucketProfile::Fixed(Duration::Seconds(5)));
  one.crashes = {{Duration::Seconds(80), Duration::Hours(2)}};
  Scenario eight = one;
  eight.shard_count = 8;
  eight.reshards = {
      {Duration::Seconds(30), ReshardSpec::Kind::kSplit, "shardId-000000000000", "", ""}};
  const LivenessWork w1 = DeriveLivenessWork(one);
  const LivenessWork w8 = DeriveLivenessWork(eight);
  EXPECT_EQ(w1.shards, 1);
  EXPECT_EQ(w8.shards, 10);  // eight, and the two children of the split
  EXPECT_GE(w8.walk_every_shard, ReferenceWalk(eight, w8.buckets_per_shard, 10));
  // A batch job draining ten shards of 5 s buckets to their tips, 270 ms a call: each shard
  // multiplies the time already spent by 5 / 4.73.
  EXPECT_GT(w8.sequential_growth, 1.7);
  EXPECT_GT(w8.budget, w1.budget);
}

TEST(LivenessBudget, SlowProcessingAddsTheProcessingOfEveryRecord) {
  Scenario fast = OneShard(BucketProfile::Observed());
  Scenario slow = fast;
  slow.processing_time_per_record = Duration::Seconds(60);
  for (int i = 0; i < 30; ++i) slow.puts.push_back({Duration::Seconds(100), "k1", "c"});
  fast.puts = slow.puts;
  EXPECT_EQ(DeriveLivenessWork(slow).processing, Duration::Minutes(32));
  EXPECT_GE(DeriveLivenessBudget(slow), DeriveLivenessBudget(fast) + Duration::Minutes(32));
}

TEST(LivenessBudget, ABatchJobRerunAddsTheWalkOfTheNextRun) {
  Scenario once = OneShard(BucketProfile::Fixed(Duration::Seconds(2)));
  once.shard_count = 4;
  Scenario rerun = once;
  rerun.rerun_after_exit = Duration::Minutes(10);
  // The next run starts 10 minutes on and walks 300 more buckets on each shard.
  EXPECT_GE(DeriveLivenessBudget(rerun), DeriveLivenessBudget(once) + Duration::Minutes(20));
}

TEST(EventBound, EveryPollOfACompetingReaderAddsThreeEventsOnTopOfTheClampedHorizon) {
  Scenario s = OneShard(BucketProfile::Fixed(Duration::Seconds(2)));
  s.liveness_budget = DeriveLivenessBudget(s);
  const uint64_t alone = DeriveEventBound(s);
  EXPECT_EQ(alone, 2'000'000u);  // a short run: the lower clamp
  s.competing_readers = {
      {Duration::Zero(), Duration::Hours(1), Duration::Millis(20), "shardId-000000000000"},
      {Duration::Seconds(5), Duration::Seconds(5), Duration::Millis(20), "shardId-000000000000"}};
  EXPECT_EQ(CompetingReaderEvents(s), 3u * 180'001u);  // the second never polls
  EXPECT_EQ(DeriveEventBound(s), alone + 3u * 180'001u);
}

TEST(LivenessBudget, BucketsNarrowerThanABatchJobsCallCannotBeDrainedInSequence) {
  Scenario s = OneShard(BucketProfile::Fixed(Duration::Millis(200)));
  const LivenessWork work = DeriveLivenessWork(s);
  EXPECT_GT(work.sequential_growth, kMaxSequentialGrowth);
  EXPECT_GE(work.budget, Duration::Days(365));
}

// The case 596 (fixed:1s, 2000 cases): the drain job walks ten shards of 1 s buckets one
// after another, every run from bucket 0 of each empty shard; its records are on the last.
Scenario TenShardsOfOneSecondBuckets() {
  Scenario s;
  s.name = "ten-shards-of-one-second-buckets";
  s.strategy = "drain-until-caught-up";
  s.shard_count = 6;
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(1));
  s.stream.limits = model::ShardLimits::Unlimited();
  for (int i = 0; i < 6; ++i) s.puts.push_back({Duration::Zero(), "k0", "r"});
  for (int i = 0; i < 3; ++i) s.puts.push_back({Duration::Seconds(1), "k0", "r"});
  s.reshards = {
      {Duration::Zero(), ReshardSpec::Kind::kSplit, "shardId-000000000001", "", ""},
      {Duration::Micros(534'690), ReshardSpec::Kind::kSplit, "shardId-000000000000", "", ""}};
  s.rerun_after_exit = Duration::Minutes(10);
  return s;
}

TEST(LivenessBudget, TheDrainJobReadsEveryRecordWithinTheDerivedBudget) {
  Scenario s = TenShardsOfOneSecondBuckets();
  s.liveness_budget = DeriveLivenessBudget(s);
  const absl::StatusOr<RunReport> report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed()) << report->Summary();
  EXPECT_EQ(report->stats.records_processed, 9u);
}

TEST(LivenessBudget, ABudgetThatRunsOutWhileTheConsumerReadsIsTerminationNotMissedRecords) {
  Scenario s = TenShardsOfOneSecondBuckets();
  s.liveness_budget = Duration::Minutes(86);  // what the old fixed formula gave it
  const absl::StatusOr<RunReport> report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->passed());
  EXPECT_EQ(report->violation->property, Property::kTermination) << report->Summary();
  EXPECT_NE(report->violation->message.find(
                "the run's liveness budget of 1h26m ran out while the consumer was still "
                "reading shardId-"),
            std::string::npos)
      << report->violation->message;
  // Shard by shard: the one it walks, and the one that holds the records it has not reached.
  EXPECT_NE(report->violation->message.find(
                "behind its tip; not reading shardId-000000000009 (3 records not yet processed, "
                "never read); 3 of 9 records not yet processed"),
            std::string::npos)
      << report->violation->message;
}

// A loop that reads past a record without processing it has lost it, however busy it is.
sim::Task<void> SkipTheFirstPage(consumer::ConsumerContext& ctx) {
  const std::string shard = "shardId-000000000000";
  auto it = co_await ctx.kinesis.GetShardIterator(
      {ctx.stream_name, shard, model::ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt});
  if (!it.ok()) co_return;
  std::optional<std::string> iterator = it->ShardIterator;
  bool first = true;
  while (iterator.has_value()) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, std::nullopt, std::nullopt});
    if (!page.ok()) co_return;
    if (!first) {
      for (const model::Record& r : page->Records) co_await ctx.app.Process(shard, r);
    }
    first = false;
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Seconds(5));
  }
}

TEST(LivenessBudget, ARecordReadPastIsMissedEvenWhileTheConsumerStillWalks) {
  consumer::StrategyRegistry registry;
  ASSERT_TRUE(registry
                  .Register({.name = "skip-the-first-page",
                             .description = "test loop",
                             .expected = Violates(Property::kNoMissedRecords),
                             .provenance = {},
                             .params = {},
                             .run = SkipTheFirstPage})
                  .ok());
  Scenario s;
  s.name = "a-record-read-past";
  s.strategy = "skip-the-first-page";
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(1));  // 5 s a call: never at the tip
  s.puts = {{Duration::Zero(), "k0", "a"}};
  s.liveness_budget = Duration::Minutes(30);
  const absl::StatusOr<RunReport> report = RunScenario(s, {}, registry);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->passed());
  EXPECT_EQ(report->violation->property, Property::kNoMissedRecords) << report->Summary();
}

}  // namespace
}  // namespace shardsim::properties
