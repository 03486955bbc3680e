#include "properties/check.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "sim/random.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

// Runs a scenario the harness accepted once; a scenario it rejects (say, a shrink that made
// it invalid) counts as passing, so shrinking never lands on it.
RunReport RunOrPass(const Scenario& scenario, bool keep_trace) {
  absl::StatusOr<RunReport> report = RunScenario(scenario, RunOptions{.keep_trace = keep_trace});
  if (report.ok()) return *std::move(report);
  RunReport pass;
  pass.scenario = scenario.name;
  pass.strategy = scenario.strategy;
  return pass;
}

bool SameFailure(const RunReport& a, const RunReport& b) {
  return a.violation.has_value() && b.violation.has_value() &&
         a.violation->property == b.violation->property;
}

Counterexample Shrink(const rc::Shrinkable<Scenario>& failing, const RunReport& first,
                      const CheckOptions& options) {
  Counterexample out;
  out.original = failing.value();
  rc::Shrinkable<Scenario> current = failing;
  RunReport current_report = first;
  bool progressed = options.shrink;
  while (progressed && out.shrink_runs < options.max_shrink_runs) {
    progressed = false;
    rc::Seq<rc::Shrinkable<Scenario>> candidates = current.shrinks();
    while (rc::Maybe<rc::Shrinkable<Scenario>> candidate = candidates.next()) {
      if (out.shrink_runs >= options.max_shrink_runs) break;
      ++out.shrink_runs;
      RunReport report = RunOrPass(candidate->value(), /*keep_trace=*/false);
      if (SameFailure(report, first)) {
        current = *std::move(candidate);
        current_report = std::move(report);
        ++out.shrink_steps;
        progressed = true;
        break;
      }
    }
  }
  out.minimal = current.value();
  out.report = RunOrPass(out.minimal, /*keep_trace=*/true);
  return out;
}

}  // namespace

rc::Shrinkable<Scenario> GenerateShrinkableCase(const consumer::StrategyInfo& strategy,
                                                uint64_t seed, uint64_t case_index,
                                                const GeneratorOptions& options) {
  uint64_t mix = seed ^ (case_index * 0x9e3779b97f4a7c15ULL);
  const rc::Random::Key key{sim::SplitMix64Next(mix), sim::SplitMix64Next(mix),
                            sim::SplitMix64Next(mix), sim::SplitMix64Next(mix)};
  const int size = static_cast<int>(
      (static_cast<uint64_t>(options.size_offset) + options.size_stride * case_index) % 101);
  return GenScenario(strategy, options)(rc::Random(key), size);
}

Scenario GenerateCase(const consumer::StrategyInfo& strategy, uint64_t seed, uint64_t case_index,
                      const GeneratorOptions& options) {
  return GenerateShrinkableCase(strategy, seed, case_index, options).value();
}

absl::StatusOr<CheckResult> CheckStrategy(const consumer::StrategyInfo& strategy,
                                          const CheckOptions& options) {
  if (const auto expected = ExpectedViolation(strategy); !expected.ok()) return expected.status();
  if (options.cases == 0) return absl::InvalidArgumentError("the number of cases must be positive");
  if (options.jobs < 1) return absl::InvalidArgumentError("jobs must be at least 1");
  if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("shard index ", options.shard_index,
                                                   " must be below the shard count ",
                                                   options.shard_count));
  }
  CheckResult result;
  result.strategy = strategy.name;
  result.seed = options.seed;

  for (const auto& [file, saved] : options.corpus) {
    const Scenario scenario = AdaptScenario(saved, strategy);
    absl::StatusOr<RunReport> report = RunScenario(scenario, RunOptions{.keep_trace = true});
    if (!report.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": ", sim::ToString(report.status().message())));
    }
    ++result.corpus_run;
    if (!report->passed()) {
      result.failure = Counterexample{file, std::nullopt, scenario, scenario, *report, 0, 0};
      return result;
    }
  }

  std::vector<uint64_t> mine;
  for (uint64_t k = options.shard_index; k < options.cases; k += options.shard_count) {
    mine.push_back(k);
  }
  // Batches of cases: scenarios are generated on this thread (RapidCheck's generation is not
  // meant to be shared), runs spread over `jobs` threads, results read in case order.
  const size_t batch = static_cast<size_t>(std::max(1, options.jobs)) * 8;
  for (size_t begin = 0; begin < mine.size(); begin += batch) {
    const size_t end = std::min(mine.size(), begin + batch);
    std::vector<rc::Shrinkable<Scenario>> shrinkables;
    std::vector<Scenario> scenarios;
    for (size_t i = begin; i < end; ++i) {
      shrinkables.push_back(
          GenerateShrinkableCase(strategy, options.seed, mine[i], options.generator));
      scenarios.push_back(shrinkables.back().value());
    }
    std::vector<RunReport> reports(scenarios.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < scenarios.size(); i = next++) {
        reports[i] = RunOrPass(scenarios[i], /*keep_trace=*/false);
      }
    };
    if (options.jobs == 1) {
      worker();
    } else {
      std::vector<std::thread> threads;
      for (int t = 0; t < options.jobs; ++t) threads.emplace_back(worker);
      for (std::thread& t : threads) t.join();
    }
    for (size_t i = 0; i < reports.size(); ++i) {
      ++result.cases_run;
      result.case_hashes.emplace_back(mine[begin + i], reports[i].trace_hash);
      if (!reports[i].passed()) {
        result.failure = Shrink(shrinkables[i], reports[i], options);
        result.failure->case_index = mine[begin + i];
        result.failure->origin = absl::StrCat("case ", mine[begin + i]);
        if (options.on_progress) options.on_progress(result.cases_run, 1);
        return result;
      }
    }
    if (options.on_progress) options.on_progress(result.cases_run, 0);
  }
  return result;
}

}  // namespace shardsim::properties
