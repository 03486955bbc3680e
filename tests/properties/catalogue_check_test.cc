// The framework checks itself: every buggy catalogue entry is caught, with its expected
// property, within 1,000 generated cases (one of them with long gaps, since its bug needs a
// day-long outage), and every correct entry passes 2,000 default cases (200 under the sanitizers,
// which run everything about ten times slower).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "properties/check.h"
#include "properties/failure_report.h"

namespace shardsim::properties {
namespace {

#if defined(SHARDSIM_SANITIZE)
constexpr uint64_t kCorrectCases = 200;
#else
constexpr uint64_t kCorrectCases = 2'000;
#endif
constexpr uint64_t kBuggyCases = 1'000;

std::vector<std::string> Entries(bool buggy) {
  std::vector<std::string> names;
  for (const consumer::StrategyInfo* info : consumer::StrategyRegistry::Global().All()) {
    if (info->expected.violates.has_value() == buggy) names.push_back(info->name);
  }
  return names;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

// Distinct buckets the puts of a scenario fall in, by the scenario's nominal width.
size_t PutBuckets(const Scenario& s) {
  const Duration width = s.stream.buckets.dense() ? Duration::Days(1) : s.stream.buckets.max_width;
  std::set<int64_t> buckets;
  for (const PutSpec& p : s.puts) buckets.insert(p.at / width);
  return buckets.size();
}

class CorrectEntry : public ::testing::TestWithParam<std::string> {};

TEST_P(CorrectEntry, PassesEveryGeneratedCase) {
  const consumer::StrategyInfo& info = *consumer::StrategyRegistry::Global().Find(GetParam());
  CheckOptions options;
  options.seed = 20261125;
  options.cases = kCorrectCases;
  const absl::StatusOr<CheckResult> result = CheckStrategy(info, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->cases_run, kCorrectCases);
  if (result->failure.has_value()) {
    const Counterexample& c = *result->failure;
    FAIL() << FormatFailureReport(
        FailureReportParts{&c.minimal, &c.report, c.origin, "", "", c.shrink_steps});
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, CorrectEntry, ::testing::ValuesIn(Entries(false)), TestName);

class BuggyEntry : public ::testing::TestWithParam<std::string> {};

TEST_P(BuggyEntry, IsCaughtWithItsExpectedPropertyWithinAThousandCases) {
  const consumer::StrategyInfo& info = *consumer::StrategyRegistry::Global().Find(GetParam());
  CheckOptions options;
  options.seed = 20261125;
  options.cases = kBuggyCases;
  // Default generator: its crash downtimes reach past the retention period, which is where
  // stuck-below-trim-horizon's bug lives.
  const absl::StatusOr<CheckResult> result = CheckStrategy(info, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->failure.has_value())
      << info.name << " passed " << result->cases_run << " cases; its bug went unnoticed";
  const Counterexample& c = *result->failure;
  ASSERT_TRUE(c.report.violation.has_value());
  EXPECT_EQ(PropertyName(c.report.violation->property), *info.expected.violates)
      << FormatFailureReport(
             FailureReportParts{&c.minimal, &c.report, c.origin, "", "", c.shrink_steps});
  std::printf(
      "%s: %s found at %s; minimal: %zu records in %zu buckets, %d shard(s), "
      "%zu reshards, %zu crashes, %zu readers; %d shrink steps in %d runs\n",
      info.name.c_str(),
      std::string(properties::PropertyName(c.report.violation->property)).c_str(), c.origin.c_str(),
      c.minimal.puts.size(), PutBuckets(c.minimal), c.minimal.shard_count,
      c.minimal.reshards.size(), c.minimal.crashes.size(), c.minimal.competing_readers.size(),
      c.shrink_steps, c.shrink_runs);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BuggyEntry, ::testing::ValuesIn(Entries(true)), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BuggyEntry);

}  // namespace
}  // namespace shardsim::properties
