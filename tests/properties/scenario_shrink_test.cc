// Structural shrinking: which candidates a scenario has, in what order, with what bounds, and
// what the check engine makes of them after RapidCheck's tree.
#include "properties/scenario_shrink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "consumer/strategy_registry.h"
#include "properties/case_runner.h"
#include "properties/check.h"
#include "properties/generators.h"
#include "properties/liveness_budget.h"

namespace shardsim::properties {
namespace {

using model::BucketProfile;

consumer::StrategyInfo NoRerun() {
  consumer::StrategyInfo info;
  info.name = "drain-until-caught-up";
  return info;
}

consumer::StrategyInfo BatchJob() {
  consumer::StrategyInfo info = NoRerun();
  info.rerun_interval = Duration::Hours(1);
  return info;
}

std::string ShardId(int index) {
  std::string digits = std::to_string(index);
  return "shardId-" + std::string(12 - digits.size(), '0') + digits;
}

PutSpec Put(int64_t at_s, int i) {
  return PutSpec{Duration::Seconds(at_s), "k" + std::to_string(i % 3), "r" + std::to_string(i)};
}

// Something of every kind: 4 shards, 2 reshards, 2 crashes, 2 readers, `puts` puts, slow
// processing, limits, the observed profile and a rerun; its bounds derived as generated.
Scenario Everything(int puts = 4) {
  Scenario s;
  s.strategy = "drain-until-caught-up";
  s.shard_count = 4;
  for (int i = 0; i < puts; ++i) s.puts.push_back(Put(10 * (i + 1), i));
  s.reshards = {{Duration::Seconds(15), ReshardSpec::Kind::kSplit, ShardId(0), "", ""},
                {Duration::Seconds(25), ReshardSpec::Kind::kMerge, ShardId(1), "", ShardId(2)}};
  s.crashes = {{Duration::Seconds(12), Duration::Seconds(30)},
               {Duration::Seconds(90), Duration::Seconds(5)}};
  s.competing_readers = {
      {Duration::Seconds(1), Duration::Seconds(60), Duration::Millis(200), ShardId(0)},
      {Duration::Seconds(2), Duration::Seconds(70), Duration::Millis(300), ShardId(1)}};
  s.processing_time_per_record = Duration::Seconds(2);
  s.rerun_after_exit = Duration::Hours(1);
  s.liveness_budget = DeriveLivenessBudget(s);
  s.max_events = DeriveEventBound(s);
  return s;
}

std::vector<Scenario> Candidates(const Scenario& s,
                                 const consumer::StrategyInfo& strategy = NoRerun()) {
  std::vector<Scenario> out;
  rc::Seq<rc::Shrinkable<Scenario>> seq = StructuralShrinks(s, strategy).shrinks();
  while (rc::Maybe<rc::Shrinkable<Scenario>> c = seq.next()) out.push_back(c->value());
  return out;
}

// `c` is `s` but for its put list, which is `s`'s without the puts at `deleted`; every other
// put keeps its time, key and data.
bool DeletesPuts(const Scenario& s, const Scenario& c, const std::vector<size_t>& deleted) {
  std::vector<PutSpec> kept;
  for (size_t i = 0; i < s.puts.size(); ++i) {
    if (std::find(deleted.begin(), deleted.end(), i) == deleted.end()) kept.push_back(s.puts[i]);
  }
  Scenario expected = s;
  expected.puts = kept;
  expected.liveness_budget = c.liveness_budget;
  expected.max_events = c.max_events;
  return c == expected;
}

template <typename T>
std::vector<T> Without(std::vector<T> items, size_t index) {
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
  return items;
}

TEST(StructuralShrink, EachReshardCrashAndReaderIsDeletedAloneAndTheOthersKeepTheirTimes) {
  const Scenario s = Everything();
  const std::vector<Scenario> c = Candidates(s);
  ASSERT_GE(c.size(), 6u);
  for (size_t j = 0; j < 2; ++j) {
    EXPECT_EQ(c[j].reshards, Without(s.reshards, j));
    EXPECT_EQ(c[2 + j].crashes, Without(s.crashes, j));
    EXPECT_EQ(c[4 + j].competing_readers, Without(s.competing_readers, j));
    EXPECT_EQ(c[j].puts, s.puts);
    EXPECT_EQ(c[2 + j].puts, s.puts) << "a deleted crash leaves the puts where they were";
  }
}

TEST(StructuralShrink, PutsGoAllAtOnceThenByHalvesThenQuartersThenOneAtATime) {
  Scenario s = Everything(8);
  s.reshards.clear();
  s.crashes.clear();
  s.competing_readers.clear();
  const std::vector<Scenario> c = Candidates(s);
  const std::vector<std::vector<size_t>> expected = {{0, 1, 2, 3, 4, 5, 6, 7},
                                                     {0, 1, 2, 3},
                                                     {4, 5, 6, 7},
                                                     {0, 1},
                                                     {2, 3},
                                                     {4, 5},
                                                     {6, 7},
                                                     {0},
                                                     {1},
                                                     {2},
                                                     {3},
                                                     {4},
                                                     {5},
                                                     {6},
                                                     {7}};
  ASSERT_GE(c.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(DeletesPuts(s, c[i], expected[i])) << "candidate " << i;
  }
}

TEST(StructuralShrink, OddPutCountsSplitIntoChunksOfTheRoundedUpHalf) {
  Scenario s;
  for (int i = 0; i < 5; ++i) s.puts.push_back(Put(i + 1, i));
  const std::vector<Scenario> c = Candidates(s);
  const std::vector<std::vector<size_t>> expected = {
      {0, 1, 2, 3, 4}, {0, 1, 2}, {3, 4}, {0, 1}, {2, 3}, {4}, {0}, {1}, {2}, {3}, {4}};
  ASSERT_GE(c.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(DeletesPuts(s, c[i], expected[i])) << "candidate " << i;
  }
}

TEST(StructuralShrink, FewerPutsMayEachBeProcessedAsLongAsGeneratedOrLongerThanAnIteratorLives) {
  Scenario s;
  for (int i = 0; i < 4; ++i) s.puts.push_back(Put(i + 1, i));
  s.processing_time_per_record = Duration::Seconds(20);
  std::vector<size_t> at_most;  // the puts of candidates processed as long as generated
  std::vector<size_t> longest;  // of those processed longer than an iterator lives
  for (const Scenario& c : Candidates(s)) {
    if (c.processing_time_per_record == s.processing_time_per_record) continue;
    if (c.processing_time_per_record == Duration::Zero()) continue;  // no processing at all
    if (c.processing_time_per_record == kMaxProcessingTimePerRecord) {
      at_most.push_back(c.puts.size());
    } else {
      EXPECT_EQ(c.processing_time_per_record, kMaxShrunkProcessingTimePerRecord);
      longest.push_back(c.puts.size());
    }
    for (const PutSpec& p : c.puts) {
      EXPECT_NE(std::find(s.puts.begin(), s.puts.end(), p), s.puts.end()) << "kept as it was";
    }
  }
  EXPECT_EQ(at_most, (std::vector<size_t>{2, 2, 3, 3, 3, 3})) << "halves, then singles; never all";
  EXPECT_EQ(longest, at_most);

  s.processing_time_per_record = kMaxShrunkProcessingTimePerRecord;
  size_t fewer = 0;
  for (const Scenario& c : Candidates(s)) {
    EXPECT_LE(c.processing_time_per_record, kMaxShrunkProcessingTimePerRecord);
    if (c.puts.size() < s.puts.size()) ++fewer;
  }
  EXPECT_EQ(fewer, 7u) << "at the largest, only the plain deletions: all, 2 halves, 4 singles";
}

TEST(StructuralShrink, ShardsGoOnlyWhenNothingNamesThemFewestFirst) {
  const Scenario s = Everything();  // names shards 0, 1 and 2 of 4
  std::vector<int> counts;
  for (const Scenario& c : Candidates(s)) {
    if (c.shard_count != s.shard_count) counts.push_back(c.shard_count);
  }
  EXPECT_EQ(counts, (std::vector<int>{3}));

  Scenario unnamed = s;
  unnamed.reshards.clear();
  unnamed.competing_readers.clear();
  counts.clear();
  for (const Scenario& c : Candidates(unnamed)) {
    if (c.shard_count != s.shard_count) counts.push_back(c.shard_count);
  }
  EXPECT_EQ(counts, (std::vector<int>{1, 3}));
}

TEST(StructuralShrink, ReshardsAndShardsStayWhenSomethingNamesAChildShard) {
  Scenario s = Everything();
  s.competing_readers[1].shard_id = ShardId(5);  // the split's second child
  for (const Scenario& c : Candidates(s)) {
    EXPECT_EQ(c.reshards, s.reshards);
    EXPECT_EQ(c.shard_count, s.shard_count);
  }
}

TEST(StructuralShrink, SlowProcessingLimitsAndTheObservedProfileAreEachSimplifiedAlone) {
  const Scenario s = Everything();
  bool no_processing = false, no_limits = false, widest = false, narrowest = false;
  for (const Scenario& c : Candidates(s)) {
    Scenario rest = c;
    rest.liveness_budget = s.liveness_budget;
    rest.max_events = s.max_events;
    rest.processing_time_per_record = s.processing_time_per_record;
    rest.stream = s.stream;
    if (!(rest == s)) continue;  // another kind of move
    no_processing |= c.processing_time_per_record == Duration::Zero() && c.stream == s.stream;
    no_limits |= c.stream.limits == model::ShardLimits::Unlimited() &&
                 c.processing_time_per_record == s.processing_time_per_record;
    widest |= c.stream.buckets == BucketProfile::Fixed(Duration::Seconds(240));
    narrowest |= c.stream.buckets == BucketProfile::Fixed(Duration::Seconds(180));
  }
  EXPECT_TRUE(no_processing);
  EXPECT_TRUE(no_limits);
  EXPECT_TRUE(widest);
  EXPECT_TRUE(narrowest);
}

TEST(StructuralShrink, TheRerunGoesOnlyForAStrategyWithoutARerunInterval) {
  const Scenario s = Everything();
  auto drops_rerun = [&](const consumer::StrategyInfo& strategy) {
    for (const Scenario& c : Candidates(s, strategy)) {
      if (!c.rerun_after_exit.has_value()) return true;
    }
    return false;
  };
  EXPECT_TRUE(drops_rerun(NoRerun()));
  EXPECT_FALSE(drops_rerun(BatchJob())) << "a batch job never started again is a false witness";
}

TEST(StructuralShrink, NoCandidateHasALivenessBudgetOrEventBoundBelowItsDerivedOnesOrTheFailures) {
  const Scenario s = Everything(6);
  for (const Scenario& c : Candidates(s)) {
    EXPECT_GE(c.liveness_budget, DeriveLivenessBudget(c));
    EXPECT_GE(c.liveness_budget, s.liveness_budget);
    EXPECT_GE(c.max_events, DeriveEventBound(c));
    EXPECT_GE(c.max_events, s.max_events);
  }
}

TEST(StructuralShrink, DeletingACrashThatLengthensTheSafetyPhaseRaisesTheBudget) {
  Scenario s;
  s.puts = {Put(10, 0)};
  // The second crash falls while the consumer is down (not played); its restart, 10 h later,
  // is. Without the first crash it is played, and the safety phase lasts until 10h30m.
  s.crashes = {{Duration::Minutes(1), Duration::Hours(1)},
               {Duration::Minutes(30), Duration::Hours(10)}};
  s.liveness_budget = DeriveLivenessBudget(s);
  const std::vector<Scenario> c = Candidates(s);
  ASSERT_FALSE(c.empty());
  ASSERT_EQ(c[0].crashes.size(), 1u);
  EXPECT_GT(DeriveLivenessBudget(c[0]), s.liveness_budget);
  EXPECT_EQ(c[0].liveness_budget, DeriveLivenessBudget(c[0]));
}

TEST(StructuralShrink, TheCandidatesAreTheSameEveryTime) {
  const Scenario s = Everything(7);
  EXPECT_EQ(Candidates(s), Candidates(s));
}

TEST(StructuralShrink, AfterATakenMoveTheRoundStartsThereAndWrapsAround) {
  Scenario s = Everything(4);
  const rc::Shrinkable<Scenario> root = StructuralShrinks(s, NoRerun());
  rc::Seq<rc::Shrinkable<Scenario>> seq = root.shrinks();
  // Take the third candidate: the first crash deleted.
  seq.next();
  seq.next();
  const rc::Shrinkable<Scenario> taken = *seq.next();
  ASSERT_EQ(taken.value().crashes.size(), 1u);
  std::vector<Scenario> after;
  rc::Seq<rc::Shrinkable<Scenario>> next = taken.shrinks();
  while (rc::Maybe<rc::Shrinkable<Scenario>> c = next.next()) after.push_back(c->value());
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front().crashes.size(), 0u) << "the remaining crash first";
  EXPECT_EQ(after.back().reshards.size(), 1u) << "the reshards last, after the wrap";
  EXPECT_EQ(after.size(), Candidates(taken.value()).size()) << "a whole round";
}

// A runner that fails no_missed_records while the scenario still has the put whose data is
// "r3-..." (the generator's fourth record), and no_duplicates instead when it has fewer than
// `same_from` puts. The tree can only regenerate the puts (so keeps four or more); deleting
// them keeps that one. It records the put counts of its shrink runs.
class FourthRecordRunner : public CaseRunner {
 public:
  explicit FourthRecordRunner(size_t same_from = 0) : same_from_(same_from) {}

  absl::StatusOr<CaseRun> Run(const Scenario& scenario, CasePurpose purpose) const override {
    if (purpose == CasePurpose::kShrink) {
      std::lock_guard<std::mutex> lock(mu_);
      shrink_puts_.push_back(scenario.puts.size());
    }
    CaseRun run;
    run.report.scenario = scenario.name;
    const bool fourth = std::any_of(scenario.puts.begin(), scenario.puts.end(),
                                    [](const PutSpec& p) { return p.data.rfind("r3-", 0) == 0; });
    if (fourth) {
      const Property property =
          scenario.puts.size() >= same_from_ ? Property::kNoMissedRecords : Property::kNoDuplicates;
      run.report.violation = Violation{property, scenario.start, "the fourth record", {}};
    }
    return run;
  }

  std::vector<size_t> shrink_puts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return shrink_puts_;
  }

 private:
  size_t same_from_;
  mutable std::mutex mu_;
  mutable std::vector<size_t> shrink_puts_;
};

const consumer::StrategyInfo& Drain() {
  return *consumer::StrategyRegistry::Global().Find("drain-until-caught-up");
}

CheckOptions EngineOptions() {
  CheckOptions options;
  options.seed = 3;
  options.cases = 300;
  return options;
}

TEST(StructuralShrinkInCheck, TheWitnessGoesBelowWhereTheTreeStopsToTheOneRecordItNeeds) {
  FourthRecordRunner runner;
  const absl::StatusOr<CheckResult> result = CheckCases(Drain(), runner, EngineOptions());
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  const Counterexample& c = *result->failure;
  ASSERT_EQ(c.minimal.puts.size(), 1u);
  EXPECT_EQ(c.minimal.puts[0].data.substr(0, 3), "r3-");
  EXPECT_TRUE(c.minimal.crashes.empty());
  EXPECT_TRUE(c.minimal.reshards.empty());
  EXPECT_TRUE(c.minimal.competing_readers.empty());
  EXPECT_EQ(c.minimal.shard_count, 1);
  EXPECT_FALSE(c.shrink_stopped_at_bound);
  EXPECT_EQ(c.shrink_runs, static_cast<int>(runner.shrink_puts().size()));
  EXPECT_EQ(c.report.violation->property, Property::kNoMissedRecords);
}

// `check --corpus` and the strategy fuzzer's findings: a saved scenario has no shrink tree, so
// its failure is shrunk along the structural candidates alone (and not at all unless asked).
TEST(StructuralShrinkInCheck, AFailingCorpusScenarioIsShrunkStructurallyWhenAsked) {
  Scenario saved = Everything(8);
  for (size_t i = 0; i < saved.puts.size(); ++i) saved.puts[i].data = "r" + std::to_string(i) + "-";
  CheckOptions options;
  options.cases = 0;
  options.corpus = {{"saved.json", saved}};
  FourthRecordRunner as_saved;
  const absl::StatusOr<CheckResult> kept = CheckCases(Drain(), as_saved, options);
  ASSERT_TRUE(kept.ok() && kept->failure.has_value());
  EXPECT_EQ(kept->failure->minimal.puts.size(), 8u);
  EXPECT_EQ(kept->failure->shrink_runs, 0);

  options.shrink_corpus = true;
  FourthRecordRunner runner;
  const absl::StatusOr<CheckResult> shrunk = CheckCases(Drain(), runner, options);
  ASSERT_TRUE(shrunk.ok() && shrunk->failure.has_value());
  const Counterexample& c = *shrunk->failure;
  EXPECT_EQ(c.origin, "saved.json");
  EXPECT_EQ(c.original.puts.size(), 8u);
  ASSERT_EQ(c.minimal.puts.size(), 1u);
  EXPECT_EQ(c.minimal.puts[0].data, "r3-");
  EXPECT_TRUE(c.minimal.crashes.empty() && c.minimal.reshards.empty());
  EXPECT_GT(c.shrink_steps, 0);
  EXPECT_EQ(c.report.violation->property, Property::kNoMissedRecords);
}

TEST(StructuralShrinkInCheck, ACandidateThatFailsAnotherPropertyIsRefused) {
  FourthRecordRunner runner(/*same_from=*/3);
  const absl::StatusOr<CheckResult> result = CheckCases(Drain(), runner, EngineOptions());
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  const Counterexample& c = *result->failure;
  EXPECT_EQ(c.minimal.puts.size(), 3u) << "fewer puts fail no_duplicates, not the same failure";
  EXPECT_EQ(c.report.violation->property, Property::kNoMissedRecords);
  const std::vector<size_t> tried = runner.shrink_puts();
  EXPECT_NE(std::find(tried.begin(), tried.end(), 2u), tried.end()) << "two puts were tried";
}

TEST(StructuralShrinkInCheck, TheSameCheckShrinksToTheSameWitnessInTheSameRuns) {
  FourthRecordRunner a;
  FourthRecordRunner b;
  CheckOptions four = EngineOptions();
  four.jobs = 4;
  const absl::StatusOr<CheckResult> one = CheckCases(Drain(), a, EngineOptions());
  const absl::StatusOr<CheckResult> other = CheckCases(Drain(), b, four);
  ASSERT_TRUE(one.ok() && other.ok() && one->failure && other->failure);
  EXPECT_TRUE(one->failure->minimal == other->failure->minimal);
  EXPECT_EQ(one->failure->shrink_runs, other->failure->shrink_runs);
  EXPECT_EQ(one->failure->shrink_steps, other->failure->shrink_steps);
  EXPECT_EQ(a.shrink_puts(), b.shrink_puts());
}

TEST(StructuralShrinkInCheck, ItsRunsCountAgainstTheBoundWhichIsReportedWhenReached) {
  FourthRecordRunner unbounded;
  const absl::StatusOr<CheckResult> all = CheckCases(Drain(), unbounded, EngineOptions());
  ASSERT_TRUE(all.ok() && all->failure.has_value());
  const int runs = all->failure->shrink_runs;

  CheckOptions exact = EngineOptions();
  exact.max_shrink_runs = runs;
  FourthRecordRunner enough;
  const absl::StatusOr<CheckResult> fits = CheckCases(Drain(), enough, exact);
  ASSERT_TRUE(fits.ok() && fits->failure.has_value());
  EXPECT_EQ(fits->failure->shrink_runs, runs);
  EXPECT_FALSE(fits->failure->shrink_stopped_at_bound) << "the last round was refused in full";

  CheckOptions short_of_it = EngineOptions();
  short_of_it.max_shrink_runs = runs - 1;
  FourthRecordRunner bounded;
  const absl::StatusOr<CheckResult> cut = CheckCases(Drain(), bounded, short_of_it);
  ASSERT_TRUE(cut.ok() && cut->failure.has_value());
  EXPECT_EQ(cut->failure->shrink_runs, runs - 1);
  EXPECT_EQ(static_cast<int>(bounded.shrink_puts().size()), runs - 1);
  EXPECT_TRUE(cut->failure->shrink_stopped_at_bound);
}

TEST(StructuralShrinkInCheck, WithShrinkingOffNothingIsTried) {
  CheckOptions options = EngineOptions();
  options.shrink = false;
  FourthRecordRunner runner;
  const absl::StatusOr<CheckResult> result = CheckCases(Drain(), runner, options);
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  EXPECT_EQ(result->failure->shrink_runs, 0);
  EXPECT_TRUE(runner.shrink_puts().empty());
  EXPECT_TRUE(result->failure->minimal == result->failure->original);
}

}  // namespace
}  // namespace shardsim::properties
