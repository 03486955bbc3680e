// The buggy half of the catalogue, each entry on its own hand-written scenario: the judge
// reports exactly the entry's expected property first, and the correct drain-until-caught-up
// loop passes the same scenario, so the violation comes from the bug, not from the scenario.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalogue/bug_scenarios.h"
#include "properties/harness.h"

namespace shardsim::properties {

// Test names and failure messages show a scenario by its name.
void PrintTo(const Scenario& scenario, std::ostream* os) { *os << scenario.name; }

namespace {

using catalogue::BugScenarios;

const consumer::StrategyRegistry& Registry() { return consumer::StrategyRegistry::Global(); }

std::vector<std::string> BuggyEntries() {
  std::vector<std::string> names;
  for (const consumer::StrategyInfo* info : Registry().All()) {
    if (info->expected.violates.has_value()) names.push_back(info->name);
  }
  return names;
}

std::string TestName(const ::testing::TestParamInfo<Scenario>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::string Stats(const RunReport& report) {
  return absl::StrCat(report.stats.records_put, " records put, ", report.stats.get_records_calls,
                      " GetRecords calls");
}

TEST(BuggyCatalogue, ListsEveryBuggyEntryWithItsSourceAndExpectedProperty) {
  const std::set<std::string> expected = {"stop-on-first-empty-page",
                                          "stop-after-n-empty-pages",
                                          "break-on-zero-lag-before-processing",
                                          "zero-lag-means-shard-end",
                                          "resume-at-sequence-number",
                                          "expired-iterator-from-latest",
                                          "expired-iterator-from-startup-checkpoint",
                                          "no-advance-on-empty-page",
                                          "checkpoint-before-processing",
                                          "ignore-child-shards",
                                          "children-before-parents",
                                          "no-backoff-on-throttling",
                                          "stuck-below-trim-horizon",
                                          "resubscribe-at-latest",
                                          "empty-event-means-caught-up",
                                          "fan-out-ignore-child-shards",
                                          "resubscribe-at-sequence-number",
                                          "subscribe-once"};
  const std::vector<std::string> listed = BuggyEntries();
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), expected);
  for (const std::string& name : listed) {
    const consumer::StrategyInfo& info = *Registry().Find(name);
    EXPECT_FALSE(info.description.empty()) << name;
    EXPECT_FALSE(info.provenance.empty()) << name << " names no public source";
    for (const std::string& source : info.provenance) {
      EXPECT_NE(source.find('/'), std::string::npos) << name << ": " << source;
    }
  }
  EXPECT_EQ(Registry().Find("stop-after-n-empty-pages")->params.front().name, "n");
}

TEST(BuggyCatalogue, HasExactlyOneScenarioPerBuggyEntry) {
  std::multiset<std::string> strategies;
  std::set<std::string> names;
  for (const Scenario& s : BugScenarios()) {
    strategies.insert(s.strategy);
    EXPECT_TRUE(names.insert(s.name).second) << "two scenarios named " << s.name;
  }
  for (const std::string& entry : BuggyEntries()) {
    EXPECT_EQ(strategies.count(entry), 1u) << entry;
  }
  EXPECT_EQ(strategies.size(), BuggyEntries().size());
}

class BugScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(BugScenario, MakesItsEntryBreakItsExpectedPropertyFirst) {
  const Scenario& scenario = GetParam();
  const consumer::StrategyInfo* info = Registry().Find(scenario.strategy);
  ASSERT_NE(info, nullptr) << scenario.strategy;
  ASSERT_TRUE(info->expected.violates.has_value()) << scenario.strategy << " is not buggy";
  const absl::StatusOr<RunReport> report = RunScenario(scenario, {.keep_trace = true});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->passed()) << scenario.strategy << " passed " << scenario.name << " ("
                                 << Stats(*report) << ")";
  EXPECT_EQ(PropertyName(report->violation->property), *info->expected.violates)
      << report->Summary() << "\n"
      << report->trace_text;
  std::printf("%s on %s (%s):\n%s\n", scenario.strategy.c_str(), scenario.name.c_str(),
              Stats(*report).c_str(), report->Summary().c_str());
}

TEST_P(BugScenario, IsPassedByTheCorrectDrainLoopRunAsABatchJob) {
  const consumer::StrategyInfo& drain = *Registry().Find("drain-until-caught-up");
  // Its own parameters, and its own 10-minute rerun when the scenario has none.
  const Scenario scenario = AdaptScenario(GetParam(), drain);
  ASSERT_TRUE(scenario.rerun_after_exit.has_value());
  const absl::StatusOr<RunReport> report = RunScenario(scenario, {.keep_trace = true});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed()) << report->Summary() << "\n" << report->trace_text;
  EXPECT_EQ(report->stats.records_processed, report->stats.records_put);
  std::printf("%s\n", report->Summary().c_str());
}

// expired-iterator-from-latest loses the records that arrived on a shard before its LATEST
// replacement iterator. Its expected property is no_missed_records, found at the end of the
// run; but when a later record arrives on that shard, the loop reads and checkpoints it, and
// the checkpoint then lies past the skipped records while they are still in the stream:
// checkpoint_safety is the same loss, seen at the moment a restart could no longer recover it
// (so is a SHARD_END checkpoint after a split or merge closes that shard).
// Generated cases with records after the skip (the first failure in a few of the 20 seeds of
// scripts/time_to_first_failure.py) are judged so, rightly.
TEST(BuggyCatalogue, ExpiredIteratorFromLatestCheckpointsPastWhatItSkippedWhenMoreArrives) {
  Scenario scenario;
  for (const Scenario& s : BugScenarios()) {
    if (s.strategy == "expired-iterator-from-latest") scenario = s;
  }
  ASSERT_EQ(scenario.strategy, "expired-iterator-from-latest");
  PutSpec later = scenario.puts.back();  // the record on the shard whose iterator expires
  later.at = later.at + Duration::Minutes(10);
  later.data = "later";
  scenario.puts.push_back(later);
  const absl::StatusOr<RunReport> report = RunScenario(scenario, {.keep_trace = true});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->passed());
  EXPECT_EQ(report->violation->property, Property::kCheckpointSafety) << report->Summary() << "\n"
                                                                      << report->trace_text;
}

// The scenarios of the buggy entries that subscribe (enhanced fan-out).
std::vector<Scenario> FanOutBugScenarios() {
  std::vector<Scenario> out;
  for (const Scenario& s : BugScenarios()) {
    const consumer::StrategyInfo* info = Registry().Find(s.strategy);
    if (info != nullptr && info->reads == consumer::ReadApi::kEnhancedFanOut) out.push_back(s);
  }
  return out;
}

class FanOutBugScenario : public ::testing::TestWithParam<Scenario> {};

// They are fair to subscribers too: the correct fan-out worker and Lambda mapping pass each of
// them, reading every record.
TEST_P(FanOutBugScenario, IsPassedByTheCorrectFanOutLoops) {
  for (const char* correct : {"fan-out-worker", "lambda-efo"}) {
    const Scenario scenario = AdaptScenario(GetParam(), *Registry().Find(correct));
    const absl::StatusOr<RunReport> report = RunScenario(scenario, {.keep_trace = true});
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->passed()) << correct << ": " << report->Summary() << "\n"
                                  << report->trace_text;
    EXPECT_EQ(report->stats.records_processed, report->stats.records_put) << correct;
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BugScenario, ::testing::ValuesIn(BugScenarios()), TestName);
INSTANTIATE_TEST_SUITE_P(Catalogue, FanOutBugScenario, ::testing::ValuesIn(FanOutBugScenarios()),
                         TestName);

}  // namespace
}  // namespace shardsim::properties
