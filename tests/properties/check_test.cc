#include "properties/check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "consumer/strategy_registry.h"
#include "properties/case_runner.h"

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

// A runner of its own: a scenario fails no_missed_records when it has `fail_from` puts or more
// (so the minimal failing scenario has exactly that many), and errs when it has `err_at` puts
// (only as a shrink candidate, with `err_only_shrinking`); a generated case fails from
// `case_fail_from` puts, if that is more. It counts its runs by purpose and keeps every judged
// run, in order.
class PutCountRunner : public CaseRunner {
 public:
  explicit PutCountRunner(size_t fail_from, std::optional<size_t> err_at = std::nullopt,
                          bool err_only_shrinking = false, size_t case_fail_from = 0)
      : fail_from_(fail_from),
        err_at_(err_at),
        err_only_shrinking_(err_only_shrinking),
        case_fail_from_(std::max(fail_from, case_fail_from)) {}

  absl::StatusOr<CaseRun> Run(const Scenario& scenario, CasePurpose purpose) const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++runs_[static_cast<int>(purpose)];
    }
    if (err_at_ && scenario.puts.size() == *err_at_ &&
        (!err_only_shrinking_ || purpose == CasePurpose::kShrink)) {
      return absl::UnavailableError("the runner could not run it");
    }
    CaseRun run;
    run.report.scenario = scenario.name;
    run.report.trace_hash = scenario.puts.size() * 1000 + scenario.seed % 1000;
    if (scenario.puts.size() >= (purpose == CasePurpose::kCase ? case_fail_from_ : fail_from_)) {
      run.report.violation =
          Violation{Property::kNoMissedRecords, scenario.start, "too many puts", {}};
    }
    run.detail = scenario.puts.size();
    return run;
  }

  void Judged(const CaseRun& run, std::optional<uint64_t> case_index) override {
    judged_.emplace_back(case_index, std::any_cast<size_t>(run.detail));
  }

  int runs(CasePurpose purpose) const { return runs_[static_cast<int>(purpose)]; }
  const std::vector<std::pair<std::optional<uint64_t>, size_t>>& judged() const { return judged_; }

 private:
  size_t fail_from_;
  std::optional<size_t> err_at_;
  bool err_only_shrinking_;
  size_t case_fail_from_;
  mutable std::mutex mu_;
  mutable int runs_[3] = {0, 0, 0};
  std::vector<std::pair<std::optional<uint64_t>, size_t>> judged_;
};

CheckOptions EngineOptions(int jobs) {
  CheckOptions options;
  options.seed = 5;
  options.cases = 200;
  options.jobs = jobs;
  return options;
}

TEST(CheckEngine, AnotherRunnerShrinksToItsMinimalFailingScenarioOnOneThreadOrFour) {
  const consumer::StrategyInfo& drain = Strategy("drain-until-caught-up");
  PutCountRunner one(3);
  const absl::StatusOr<CheckResult> a = CheckCases(drain, one, EngineOptions(1));
  PutCountRunner four(3);
  const absl::StatusOr<CheckResult> b = CheckCases(drain, four, EngineOptions(4));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->failure.has_value());
  EXPECT_GE(a->failure->original.puts.size(), 3u);
  EXPECT_EQ(a->failure->minimal.puts.size(), 3u);
  EXPECT_EQ(a->failure->report.violation->property, Property::kNoMissedRecords);
  EXPECT_EQ(std::any_cast<size_t>(a->failure->detail), 3u) << "the minimal run's detail";
  EXPECT_EQ(a->failure->shrink_runs, one.runs(CasePurpose::kShrink));
  EXPECT_FALSE(a->failure->shrink_stopped_at_bound);
  EXPECT_EQ(b->failure->case_index, a->failure->case_index);
  EXPECT_TRUE(b->failure->minimal == a->failure->minimal);
  EXPECT_EQ(b->failure->shrink_runs, a->failure->shrink_runs);
  EXPECT_EQ(b->case_hashes, a->case_hashes);
}

TEST(CheckEngine, EveryCaseUpToTheFailureIsJudgedInCaseOrderWithItsTraceHash) {
  PutCountRunner runner(3);
  const absl::StatusOr<CheckResult> result =
      CheckCases(Strategy("drain-until-caught-up"), runner, EngineOptions(4));
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  const uint64_t failing = *result->failure->case_index;
  ASSERT_EQ(result->case_hashes.size(), failing + 1);
  ASSERT_EQ(runner.judged().size(), failing + 1);
  for (uint64_t k = 0; k <= failing; ++k) {
    EXPECT_EQ(result->case_hashes[k].first, k);
    EXPECT_EQ(runner.judged()[k].first, std::optional<uint64_t>(k));
    EXPECT_EQ(result->case_hashes[k].second / 1000, runner.judged()[k].second);
  }
}

TEST(CheckEngine, ShrinkingStopsAtItsBoundOnRunsAndSaysSo) {
  CheckOptions options = EngineOptions(1);
  options.max_shrink_runs = 2;
  PutCountRunner runner(3);
  const absl::StatusOr<CheckResult> result =
      CheckCases(Strategy("drain-until-caught-up"), runner, options);
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  EXPECT_EQ(result->failure->shrink_runs, 2);
  EXPECT_EQ(runner.runs(CasePurpose::kShrink), 2);
  EXPECT_TRUE(result->failure->shrink_stopped_at_bound);
}

TEST(CheckEngine, AShrinkCandidateTheRunnerCannotRunDoesNotFailTheSameWay) {
  // The failing case has 5 puts or more; candidates of 3 err: none can be taken, so shrinking
  // stops above 3.
  PutCountRunner runner(3, 3, /*err_only_shrinking=*/true, /*case_fail_from=*/5);
  const absl::StatusOr<CheckResult> result =
      CheckCases(Strategy("drain-until-caught-up"), runner, EngineOptions(1));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->failure.has_value());
  EXPECT_GT(result->failure->minimal.puts.size(), 3u);
  EXPECT_GT(runner.runs(CasePurpose::kShrink), 0);
}

TEST(CheckEngine, ACaseTheRunnerCannotRunStopsTheCheckNamingTheCase) {
  PutCountRunner runner(1000, 0);
  const absl::StatusOr<CheckResult> result =
      CheckCases(Strategy("drain-until-caught-up"), runner, EngineOptions(2));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              testing::MatchesRegex("case [0-9]+: the runner could not run it"));
}

TEST(CheckEngine, TheCorpusAloneRunsWithNoCasesAndItsFailureIsNotShrunk) {
  const consumer::StrategyInfo& drain = Strategy("drain-until-caught-up");
  Scenario big = GenerateCase(drain, 5, 0);
  big.puts.assign(5, PutSpec{Duration::Seconds(1), "k", "v"});
  CheckOptions options = EngineOptions(1);
  options.cases = 0;
  options.corpus = {{"small.json", GenerateCase(drain, 5, 1)}, {"big.json", big}};
  options.corpus[0].second.puts.clear();
  PutCountRunner runner(3);
  const absl::StatusOr<CheckResult> result = CheckCases(drain, runner, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->corpus_run, 2u);
  EXPECT_EQ(result->cases_run, 0u);
  ASSERT_TRUE(result->failure.has_value());
  EXPECT_EQ(result->failure->origin, "big.json");
  EXPECT_EQ(result->failure->minimal.puts.size(), 5u);
  EXPECT_EQ(runner.runs(CasePurpose::kShrink), 0);
  EXPECT_EQ(runner.judged().size(), 2u);
  EXPECT_EQ(runner.judged()[1].first, std::nullopt);
  EXPECT_EQ(CheckStrategy(drain, options).status().message(),
            "the number of cases must be positive");
}

TEST(CheckEngine, TheHarnessRunnerIsWhatCheckStrategyRuns) {
  const consumer::StrategyInfo& drain = Strategy("drain-until-caught-up");
  StrategyRunner runner;
  CheckOptions options;
  options.seed = 99;
  options.cases = 20;
  const absl::StatusOr<CheckResult> engine = CheckCases(drain, runner, options);
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ(engine->case_hashes, Hashes(20, 1));
}

// A run's trace records take memory in proportion to its events (GB for millions), so no run
// keeps them, a saved scenario's neither; the failure reported is run again with its trace.
TEST(CheckEngine, TheHarnessRunnerKeepsNoTraceButTheFailureReportedHasOne) {
  const consumer::StrategyInfo& stop = Strategy("stop-on-first-empty-page");
  const Scenario saved = GenerateCase(stop, 3, 0);
  StrategyRunner runner;
  for (CasePurpose purpose : {CasePurpose::kCorpus, CasePurpose::kCase, CasePurpose::kShrink}) {
    const absl::StatusOr<CaseRun> run = runner.Run(saved, purpose);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_TRUE(run->report.trace.empty());
    EXPECT_GT(run->report.trace_records, 0u);
  }
  std::optional<Scenario> failing;
  for (uint64_t k = 0; k < 100 && !failing; ++k) {
    const Scenario candidate = GenerateCase(stop, 3, k);
    if (!runner.Run(candidate, CasePurpose::kCase)->report.passed()) failing = candidate;
  }
  ASSERT_TRUE(failing.has_value());
  for (bool shrink : {true, false}) {
    CheckOptions options;
    options.cases = 1;
    options.shrink_corpus = shrink;
    options.corpus = {{"failing.json", *failing}};
    const absl::StatusOr<CheckResult> result = CheckCases(stop, runner, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->failure.has_value());
    EXPECT_EQ(result->failure->report.trace.size(), result->failure->report.trace_records);
    EXPECT_FALSE(result->failure->report.trace.empty());
  }
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
