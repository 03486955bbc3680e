#include "properties/check.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "properties/scenario_shrink.h"
#include "sim/random.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

bool SameFailure(const RunReport& a, const RunReport& b) {
  return a.violation.has_value() && b.violation.has_value() &&
         a.violation->property == b.violation->property;
}

// `status` with `name` in front of its message, its code kept.
absl::Status Named(const std::string& name, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(name, ": ", sim::ToString(status.message())));
}

absl::Status ValidateOptions(const CheckOptions& options) {
  if (options.cases == 0 && options.corpus.empty()) {
    return absl::InvalidArgumentError("the number of cases must be positive");
  }
  if (options.jobs < 1) return absl::InvalidArgumentError("jobs must be at least 1");
  if (options.batch_per_job < 1)
    return absl::InvalidArgumentError("batch_per_job must be at least 1");
  if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("shard index ", options.shard_index,
                                                   " must be below the shard count ",
                                                   options.shard_count));
  }
  return absl::OkStatus();
}

// Greedy shrinking along RapidCheck's shrink tree, then along the structural candidates of
// its minimum (scenario_shrink.h): the first candidate that fails the same property replaces
// the current scenario, until none does or max_shrink_runs runs were made.
class Shrinker {
 public:
  Shrinker(const CaseRunner& runner, const CheckOptions& options,
           const consumer::StrategyInfo& strategy)
      : runner_(runner), options_(options), strategy_(strategy) {}

  // `failing` is a generated case's shrink tree, or (`structural`) already the structural
  // candidates of a saved scenario.
  Counterexample Shrink(const rc::Shrinkable<Scenario>& failing, CaseRun first,
                        bool structural = false) {
    Counterexample out;
    out.original = failing.value();
    rc::Shrinkable<Scenario> current = failing;
    CaseRun current_run = std::move(first);
    const RunReport failure = current_run.report;
    bool progressed = options_.shrink;
    for (;; structural = true) {
      while (progressed && !out.shrink_stopped_at_bound &&
             out.shrink_runs < options_.max_shrink_runs) {
        progressed = StepDown(current, current_run, failure, out);
      }
      if (structural || progressed || out.shrink_stopped_at_bound || !options_.shrink) break;
      current = StructuralShrinks(current.value(), strategy_);  // the tree is exhausted
      progressed = true;
    }
    if (progressed && out.shrink_runs >= options_.max_shrink_runs)
      out.shrink_stopped_at_bound = true;
    out.minimal = current.value();
    CaseRun reported = runner_.ReportRun(out.minimal, std::move(current_run));
    out.report = std::move(reported.report);
    out.detail = std::move(reported.detail);
    return out;
  }

 private:
  // Tries the candidates of `current` in order; the first that fails like `failure` becomes
  // `current`. Whether one did.
  bool StepDown(rc::Shrinkable<Scenario>& current, CaseRun& current_run, const RunReport& failure,
                Counterexample& out) {
    rc::Seq<rc::Shrinkable<Scenario>> candidates = current.shrinks();
    while (rc::Maybe<rc::Shrinkable<Scenario>> candidate = candidates.next()) {
      if (out.shrink_runs >= options_.max_shrink_runs) {
        out.shrink_stopped_at_bound = true;
        return false;
      }
      ++out.shrink_runs;
      absl::StatusOr<CaseRun> run = runner_.Run(candidate->value(), CasePurpose::kShrink);
      if (run.ok() && SameFailure(run->report, failure)) {
        current = *std::move(candidate);
        current_run = *std::move(run);
        ++out.shrink_steps;
        return true;
      }
    }
    return false;
  }

  const CaseRunner& runner_;
  const CheckOptions& options_;
  const consumer::StrategyInfo& strategy_;
};

// Runs `scenarios` on `jobs` threads (on this one for a single job); results in input order.
std::vector<absl::StatusOr<CaseRun>> RunBatch(const CaseRunner& runner,
                                              const std::vector<Scenario>& scenarios, int jobs) {
  std::vector<absl::StatusOr<CaseRun>> runs(scenarios.size(), absl::UnknownError("not run"));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < scenarios.size(); i = next++) {
      runs[i] = runner.Run(scenarios[i], CasePurpose::kCase);
    }
  };
  if (jobs == 1) {
    worker();
    return runs;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return runs;
}

// The corpus, in order; stops at the first failure. Whether the check goes on.
absl::StatusOr<bool> RunCorpus(const consumer::StrategyInfo& strategy, CaseRunner& runner,
                               const CheckOptions& options, CheckResult& result) {
  for (const auto& [name, saved] : options.corpus) {
    const Scenario scenario = AdaptScenario(saved, strategy);
    absl::StatusOr<CaseRun> run = runner.Run(scenario, CasePurpose::kCorpus);
    if (!run.ok()) return Named(name, run.status());
    ++result.corpus_run;
    runner.Judged(*run, std::nullopt);
    if (!run->report.passed()) {
      if (options.shrink_corpus) {
        result.failure = Shrinker(runner, options, strategy)
                             .Shrink(StructuralShrinks(scenario, strategy), *std::move(run),
                                     /*structural=*/true);
      } else {
        CaseRun reported = runner.ReportRun(scenario, *std::move(run));
        result.failure.emplace();
        result.failure->original = scenario;
        result.failure->minimal = scenario;
        result.failure->report = std::move(reported.report);
        result.failure->detail = std::move(reported.detail);
      }
      result.failure->origin = name;
      return false;
    }
  }
  return true;
}

// The generated cases of this shard in batches, judged in case order; stops at the first
// failure, shrunk.
absl::Status RunGeneratedCases(const consumer::StrategyInfo& strategy, CaseRunner& runner,
                               const CheckOptions& options, CheckResult& result) {
  std::vector<uint64_t> mine;
  for (uint64_t k = options.shard_index; k < options.cases; k += options.shard_count) {
    mine.push_back(k);
  }
  // Scenarios are generated on this thread (RapidCheck's generation is not meant to be
  // shared); runs spread over `jobs` threads.
  const size_t batch =
      static_cast<size_t>(options.jobs) * static_cast<size_t>(options.batch_per_job);
  for (size_t begin = 0; begin < mine.size(); begin += batch) {
    const size_t end = std::min(mine.size(), begin + batch);
    std::vector<rc::Shrinkable<Scenario>> shrinkables;
    std::vector<Scenario> scenarios;
    for (size_t i = begin; i < end; ++i) {
      shrinkables.push_back(
          GenerateShrinkableCase(strategy, options.seed, mine[i], options.generator));
      scenarios.push_back(shrinkables.back().value());
    }
    std::vector<absl::StatusOr<CaseRun>> runs = RunBatch(runner, scenarios, options.jobs);
    for (size_t i = 0; i < runs.size(); ++i) {
      const uint64_t k = mine[begin + i];
      if (!runs[i].ok()) return Named(absl::StrCat("case ", k), runs[i].status());
      ++result.cases_run;
      runner.Judged(*runs[i], k);
      result.case_hashes.emplace_back(k, runs[i]->report.trace_hash);
      result.case_probes.emplace_back(k, runs[i]->report.probes);
      if (runs[i]->report.passed()) continue;
      result.failure =
          Shrinker(runner, options, strategy).Shrink(shrinkables[i], *std::move(runs[i]));
      result.failure->case_index = k;
      result.failure->origin = absl::StrCat("case ", k);
      if (options.on_progress) options.on_progress(result.cases_run, 1);
      return absl::OkStatus();
    }
    if (options.on_progress) options.on_progress(result.cases_run, 0);
  }
  return absl::OkStatus();
}

// A scenario the harness rejects passes (a shrink that made a scenario invalid is never taken).
CaseRun RejectedPasses(const Scenario& scenario) {
  CaseRun pass;
  pass.report.scenario = scenario.name;
  pass.report.strategy = scenario.strategy;
  return pass;
}

}  // namespace

absl::StatusOr<CaseRun> StrategyRunner::Run(const Scenario& scenario, CasePurpose purpose) const {
  // No run keeps its trace, whose records take memory in proportion to the run's events (some
  // GB for a run of millions); the one a failure reports is run again with it (ReportRun).
  absl::StatusOr<RunReport> report = RunScenario(scenario);
  if (report.ok()) return CaseRun{*std::move(report), {}};
  if (purpose == CasePurpose::kCorpus) return absl::InvalidArgumentError(report.status().message());
  return RejectedPasses(scenario);
}

CaseRun StrategyRunner::ReportRun(const Scenario& minimal, CaseRun last) const {
  (void)last;  // runs keep no trace: the minimal scenario again, with its trace
  absl::StatusOr<RunReport> traced = RunScenario(minimal, RunOptions{.keep_trace = true});
  if (traced.ok()) return CaseRun{*std::move(traced), {}};
  return RejectedPasses(minimal);
}

rc::Shrinkable<Scenario> GenerateShrinkableCase(const consumer::StrategyInfo& strategy,
                                                uint64_t seed, uint64_t case_index,
                                                const GeneratorOptions& options) {
  uint64_t mix = seed ^ (case_index * 0x9e3779b97f4a7c15ULL);
  const rc::Random::Key key{sim::SplitMix64Next(mix), sim::SplitMix64Next(mix),
                            sim::SplitMix64Next(mix), sim::SplitMix64Next(mix)};
  const int size = static_cast<int>(
      (static_cast<uint64_t>(options.size_offset) + options.size_stride * case_index) % 101);
  GeneratorOptions numbered = options;
  if (!numbered.focus_index) numbered.focus_index = seed + case_index;
  return GenScenario(strategy, numbered)(rc::Random(key), size);
}

Scenario GenerateCase(const consumer::StrategyInfo& strategy, uint64_t seed, uint64_t case_index,
                      const GeneratorOptions& options) {
  return GenerateShrinkableCase(strategy, seed, case_index, options).value();
}

absl::StatusOr<CheckResult> CheckCases(const consumer::StrategyInfo& strategy, CaseRunner& runner,
                                       const CheckOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  CheckResult result;
  result.strategy = strategy.name;
  result.seed = options.seed;
  absl::StatusOr<bool> go_on = RunCorpus(strategy, runner, options, result);
  if (!go_on.ok()) return go_on.status();
  if (!*go_on) return result;
  if (absl::Status s = RunGeneratedCases(strategy, runner, options, result); !s.ok()) return s;
  return result;
}

absl::StatusOr<CheckResult> CheckStrategy(const consumer::StrategyInfo& strategy,
                                          const CheckOptions& options) {
  if (const auto expected = ExpectedViolation(strategy); !expected.ok()) return expected.status();
  if (options.cases == 0) return absl::InvalidArgumentError("the number of cases must be positive");
  StrategyRunner runner;
  return CheckCases(strategy, runner, options);
}

}  // namespace shardsim::properties
