#include "properties/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "consumer/strategy_registry.h"

namespace shardsim::properties {
namespace {

const consumer::StrategyInfo& Strategy(const std::string& name) {
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(name);
  SHARDSIM_CHECK(info != nullptr, name);
  return *info;
}

TEST(Check, TheDrainLoopPassesGeneratedCases) {
  CheckOptions options;
  options.seed = 7;
  options.cases = 300;
  auto result = CheckStrategy(Strategy("drain-until-caught-up"), options);
  ASSERT_TRUE(result.ok()) << result.status();
  if (result->failure) {
    FAIL() << result->failure->origin << "\n"
           << ShowScenario(result->failure->minimal) << "\n"
           << result->failure->report.Summary() << "\n"
           << result->failure->report.trace_text.substr(0, 6000);
  }
  EXPECT_EQ(result->cases_run, 300u);
}

std::vector<std::pair<uint64_t, uint64_t>> Hashes(uint64_t cases, int jobs,
                                                  uint64_t shard_index = 0,
                                                  uint64_t shard_count = 1) {
  CheckOptions options;
  options.seed = 99;
  options.cases = cases;
  options.jobs = jobs;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  auto result = CheckStrategy(Strategy("drain-until-caught-up"), options);
  SHARDSIM_CHECK(result.ok() && !result->failure, "the drain loop passes these cases");
  return result->case_hashes;
}

#if defined(SHARDSIM_SANITIZE)
constexpr uint64_t kDeterminismCases = 100;
#else
constexpr uint64_t kDeterminismCases = 300;
#endif

TEST(Check, EveryCaseGivesTheSameTraceHashTwiceAndOnOneThreadOrFour) {
  const auto once = Hashes(kDeterminismCases, 1);
  ASSERT_EQ(once.size(), kDeterminismCases);
  EXPECT_EQ(once, Hashes(kDeterminismCases, 1));
  EXPECT_EQ(once, Hashes(kDeterminismCases, 4));
  std::set<uint64_t> distinct;
  for (const auto& [k, hash] : once) distinct.insert(hash);
  EXPECT_GT(distinct.size(), kDeterminismCases * 9 / 10);  // the cases really differ
}

TEST(Check, ShardsOfACampaignTogetherRunExactlyTheUnshardedCases) {
  const auto whole = Hashes(60, 1);
  auto merged = Hashes(60, 1, 0, 3);
  for (uint64_t shard = 1; shard < 3; ++shard) {
    for (const auto& entry : Hashes(60, 2, shard, 3)) merged.push_back(entry);
  }
  std::sort(merged.begin(), merged.end());
  EXPECT_EQ(merged, whole);
}

TEST(Check, ACaseCanBeRegeneratedAloneFromSeedAndIndex) {
  const consumer::StrategyInfo& drain = Strategy("drain-until-caught-up");
  const auto hashes = Hashes(20, 1);
  const Scenario case13 = GenerateCase(drain, 99, 13);
  EXPECT_TRUE(case13 == GenerateCase(drain, 99, 13));
  auto report = RunScenario(case13);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->trace_hash, hashes[13].second);
}

TEST(Check, BadOptionsAreInvalidArguments) {
  const consumer::StrategyInfo& drain = Strategy("drain-until-caught-up");
  CheckOptions options;
  options.cases = 0;
  EXPECT_EQ(CheckStrategy(drain, options).status().message(),
            "the number of cases must be positive");
  options.cases = 5;
  options.jobs = 0;
  EXPECT_EQ(CheckStrategy(drain, options).status().message(), "jobs must be at least 1");
  options.jobs = 1;
  options.shard_index = 3;
  options.shard_count = 3;
  EXPECT_EQ(CheckStrategy(drain, options).status().message(),
            "shard index 3 must be below the shard count 3");
}

}  // namespace
}  // namespace shardsim::properties
