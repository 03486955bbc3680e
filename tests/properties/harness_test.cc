#include "properties/harness.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"

namespace shardsim::properties {
namespace {

using consumer::ConsumerContext;
using model::ErrorCode;
using model::Record;

// A strategy defined in the test, registered in a private registry: a batch job that resumes
// one shard after its checkpoint and stops at the first empty page, declaring the shard
// caught up.
sim::Task<void> StopOnFirstEmptyPage(ConsumerContext& ctx) {
  const std::string shard = "shardId-000000000000";
  std::optional<std::string> iterator = co_await catalogue::IteratorFromCheckpoint(ctx, shard);
  while (iterator) {
    auto page = co_await ctx.kinesis.GetRecords({*iterator, std::nullopt, std::nullopt});
    if (!page.ok()) co_return;
    if (page->Records.empty()) {
      ctx.app.DeclareCaughtUp(shard);
      co_return;
    }
    for (const Record& r : page->Records) co_await ctx.app.Process(shard, r);
    ctx.app.Checkpoint(shard, page->Records.back().SequenceNumber);
    iterator = page->NextShardIterator;
  }
}

Scenario IdleGapScenario(const std::string& strategy) {
  Scenario s;
  s.name = "idle-gap-of-a-day";
  s.strategy = strategy;
  s.stream.buckets = model::BucketProfile::Observed();
  s.puts = {{Duration::Seconds(100), "1", "a"},
            {Duration::Seconds(117), "2", "b"},
            {Duration::Hours(24), "3", "c"}};
  s.rerun_after_exit = Duration::Minutes(10);
  return s;
}

TEST(Harness, TheCorrectDrainLoopPassesAnIdleDay) {
  auto report = RunScenario(IdleGapScenario("drain-until-caught-up"), {.keep_trace = true});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed()) << report->Summary() << "\n" << report->trace_text.substr(0, 4000);
  EXPECT_EQ(report->stats.records_put, 3u);
  EXPECT_EQ(report->stats.records_processed, 3u);
  EXPECT_GT(report->stats.empty_pages, 300u);
  std::printf("%s\n", report->Summary().c_str());
}

TEST(Harness, StoppingOnTheFirstEmptyPageIsAFalseCaughtUp) {
  consumer::StrategyRegistry registry;
  ASSERT_TRUE(
      registry
          .Register({.name = "stop-on-first-empty",
                     .description = "test loop",
                     .expected = properties::Violates(properties::Property::kNoFalseCaughtUp),
                     .provenance = {},
                     .params = {},
                     .run = StopOnFirstEmptyPage})
          .ok());
  auto report = RunScenario(IdleGapScenario("stop-on-first-empty"), {.keep_trace = true}, registry);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->passed());
  EXPECT_EQ(report->violation->property, properties::Property::kNoFalseCaughtUp)
      << report->Summary();
  std::printf("%s\n", report->Summary().c_str());
}

TEST(Harness, TheSameScenarioGivesTheSameTraceHash) {
  auto a = RunScenario(IdleGapScenario("drain-until-caught-up"));
  auto b = RunScenario(IdleGapScenario("drain-until-caught-up"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->trace_hash, b->trace_hash);
}

TEST(Harness, ARecordPutAtTheInstantOfAReadButAfterItDoesNotMakeCaughtUpFalse) {
  // The read at 1.56 s runs between the two puts of that instant: it rightly answers
  // MillisBehindLatest 0, and "b" is read on the next poll.
  Scenario s;
  s.name = "a-put-at-the-instant-of-a-read";
  s.strategy = "kcl-worker";
  s.stream.buckets = model::BucketProfile::Fixed(Duration::Seconds(60));
  s.processing_time_per_record = Duration::Seconds(1);
  s.puts = {{Duration::Millis(1'560), "k", "a"}, {Duration::Millis(1'560), "k", "b"}};
  auto report = RunScenario(s);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed()) << report->Summary();
}

TEST(Harness, AnUnknownStrategyIsAnInvalidArgument) {
  auto report = RunScenario(IdleGapScenario("no-such-loop"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().message(), "unknown strategy 'no-such-loop' (see `shardsim list`)");
}

TEST(Harness, AnUnknownStrategysErrorTellsTheUserToListWithTheCommandTheyRan) {
  auto report = RunScenario(IdleGapScenario("no-such-loop"), {.program = "./build/my-shardsim"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().message(),
            "unknown strategy 'no-such-loop' (see `./build/my-shardsim list`)");
}

}  // namespace
}  // namespace shardsim::properties
