// The durable key-value table (consumer::KeyValueStore): it survives crashes like the
// checkpoints, and the judge holds every read to the last acknowledged write (durable_state).
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "properties/harness.h"
#include "properties/judge.h"
#include "sim/check.h"

namespace shardsim::properties {
namespace {

using consumer::ConsumerContext;
using model::Record;
using model::ShardIteratorType;

constexpr char kShard[] = "shardId-000000000000";

// Keeps its position where a production loop keeps it in DynamoDB: under "offset/<shard>" in
// the durable table (never in the checkpoint store), and resumes after it on every start.
sim::Task<void> OffsetsInTheTable(ConsumerContext& ctx) {
  const std::string key = absl::StrCat("offset/", kShard);
  model::GetShardIteratorRequest request{.StreamName = ctx.stream_name,
                                         .ShardId = kShard,
                                         .ShardIteratorType = ShardIteratorType::TRIM_HORIZON};
  if (const std::optional<std::string> offset = ctx.app.StoreRead(key)) {
    request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    request.StartingSequenceNumber = *offset;
  }
  auto started = co_await ctx.kinesis.GetShardIterator(request);
  if (!started.ok()) co_return;
  std::optional<std::string> iterator = started->ShardIterator;
  for (int polls = 0; iterator && polls < 100'000; ++polls) {
    auto page = co_await ctx.kinesis.GetRecords({.ShardIterator = *iterator, .Limit = 1000});
    if (!page.ok()) co_return;
    for (const Record& r : page->Records) {
      co_await ctx.app.Process(kShard, r);
      ctx.app.StoreWrite(key, r.SequenceNumber);
    }
    iterator = page->NextShardIterator;
    co_await ctx.Sleep(Duration::Seconds(1));
  }
}

consumer::StrategyRegistry RegistryWithTheTableLoop() {
  consumer::StrategyRegistry registry;
  const absl::Status status = registry.Register(
      {.name = "offsets-in-the-table", .description = "test loop", .run = OffsetsInTheTable});
  SHARDSIM_CHECK(status.ok(), "the test loop registers");
  return registry;
}

Scenario CrashBetweenRecords() {
  Scenario s;
  s.name = "crash-between-records";
  s.strategy = "offsets-in-the-table";
  s.stream.buckets = model::BucketProfile::Fixed(Duration::Seconds(30));
  s.puts = {{Duration::Seconds(10), "1", "a"},
            {Duration::Seconds(40), "2", "b"},
            {Duration::Seconds(200), "3", "c"}};
  s.crashes = {{Duration::Seconds(120), Duration::Seconds(30)}};
  return s;
}

TEST(DurableStore, ALoopResumesFromTheOffsetItWroteBeforeTheCrash) {
  const consumer::StrategyRegistry registry = RegistryWithTheTableLoop();
  const absl::StatusOr<RunReport> report =
      RunScenario(CrashBetweenRecords(), RunOptions{.keep_trace = true}, registry);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed()) << report->Summary() << "\n" << report->trace_text;
  EXPECT_EQ(report->stats.crashes, 1u);
  // The restart found the offset of record "b", written before the crash.
  const size_t restart = report->trace_text.find("consumer#1 process.spawn");
  ASSERT_NE(restart, std::string::npos) << report->trace_text;
  EXPECT_NE(
      report->trace_text.find("store.read key=\"offset/shardId-000000000000\" found=true", restart),
      std::string::npos)
      << report->trace_text;
  EXPECT_EQ(report->trace_text.find("key=\"2\"", report->trace_text.find("process", restart)),
            std::string::npos)
      << "record b was processed again after the restart\n"
      << report->trace_text;
}

TEST(DurableStore, KeyValueStoreKeepsTheLastWriteAndForgetsAnErasedKey) {
  consumer::KeyValueStore table;
  EXPECT_EQ(table.Read("k"), std::nullopt);
  table.Write("k", "1");
  table.Write("k", "2");
  EXPECT_EQ(table.Read("k"), "2");
  table.Erase("k");
  EXPECT_EQ(table.Read("k"), std::nullopt);
  table.Erase("never-written");
  EXPECT_TRUE(table.all().empty());
}

class JudgeOfTheTable : public testing::Test {
 protected:
  sim::Simulation sim_{sim::Simulation::Options{}};
  Judge judge_{sim_, 25, Duration::Hours(24)};
};

TEST_F(JudgeOfTheTable, AReadOfTheLastAcknowledgedWriteIsNoViolation) {
  judge_.OnStoreWrite("offset", std::string("41"));
  judge_.OnStoreWrite("offset", std::string("42"));
  judge_.OnStoreRead("offset", std::string("42"));
  judge_.OnStoreWrite("window", std::nullopt);
  judge_.OnStoreRead("window", std::nullopt);
  EXPECT_FALSE(judge_.violation().has_value());
}

TEST_F(JudgeOfTheTable, AReadOfAnOlderValueViolatesDurableState) {
  judge_.OnStoreWrite("offset", std::string("41"));
  judge_.OnStoreWrite("offset", std::string("42"));
  judge_.OnStoreRead("offset", std::string("41"));
  ASSERT_TRUE(judge_.violation().has_value());
  EXPECT_EQ(judge_.violation()->property, Property::kDurableState);
  EXPECT_NE(judge_.violation()->message.find("\"41\""), std::string::npos);
  EXPECT_NE(judge_.violation()->message.find("\"42\""), std::string::npos);
}

TEST_F(JudgeOfTheTable, AnAcknowledgedWriteThatReadsAsMissingViolatesDurableState) {
  judge_.OnStoreWrite("seen/49", std::string("1"));
  judge_.OnStoreRead("seen/49", std::nullopt);
  ASSERT_TRUE(judge_.violation().has_value());
  EXPECT_EQ(judge_.violation()->property, Property::kDurableState);
  EXPECT_NE(judge_.violation()->message.find("nothing"), std::string::npos);
}

TEST_F(JudgeOfTheTable, AnErasedKeyThatStillReadsViolatesDurableState) {
  judge_.OnStoreWrite("seen/49", std::string("1"));
  judge_.OnStoreWrite("seen/49", std::nullopt);
  judge_.OnStoreRead("seen/49", std::string("1"));
  ASSERT_TRUE(judge_.violation().has_value());
  EXPECT_EQ(judge_.violation()->property, Property::kDurableState);
}

}  // namespace
}  // namespace shardsim::properties
