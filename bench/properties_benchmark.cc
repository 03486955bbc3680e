// Property-run throughput and shrink times, over whatever the strategy registry holds when the
// binary starts (the built-in catalogue plus any SHARDSIM_REGISTER_STRATEGY linked in).
//
// Targets (issue 5, "Must show", bench/):
//   - BM_CasesPerSecond/<strategy>: cases per second for the default generator on every
//     correct entry (expected.violates empty), one case per iteration — generate case k
//     exactly as CheckStrategy does (GenerateCase(strategy, seed, k)) and RunScenario it.
//     Target: items_per_second >= 1,000 (one thread, CPU time: per core).
//     BM_CasesPerSecond/all-correct runs the correct entries round-robin.
//     BM_GenerateOnly/<strategy> times the generation alone, so the run's share can be read
//     off as the difference.
//   - BM_ShrinkTime/<strategy>: for every buggy entry, CheckStrategy(cases = 1,000, fixed
//     seed, jobs = 1) finding the first failure and shrinking it. Manual time: the reported
//     time is finding + shrinking (shrink = true, wall clock); the counters find_s (the same
//     check with shrink = false) and shrink_s (the difference) split it. Target: under 5 s
//     each. Counters describe the minimal counterexample (records, buckets, shards,
//     reshards, crashes, readers), shrink_steps, shrink_runs and the failing case's index;
//     the label names the property found and whether it is the entry's expected one. An
//     entry the default generator does not catch is checked again with long gaps (as the
//     catalogue self-check does for a bug that needs days); counter long_gaps says so.
//
// Benchmarks are registered in main (not by static initialisers), after the catalogue has been
// registered and every static registration of strategies has run, so entries added to the
// catalogue or linked in are all picked up without touching this file.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalogue/catalogue.h"
#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/scenario.h"

namespace shardsim::properties {
namespace {

// The seed of the catalogue self-check (tests/properties/catalogue_check_test.cc), so the
// cases measured are the cases the self-check runs.
constexpr uint64_t kSeed = 20261125;
// Case indices cycle through this many (the self-check runs 2,000 per correct entry); the
// generator's size is k mod 101, so any run of 101 consecutive cases covers every size.
constexpr uint64_t kCaseCycle = 2'000;
constexpr uint64_t kBuggyCases = 1'000;

std::vector<const consumer::StrategyInfo*> Entries(bool buggy) {
  std::vector<const consumer::StrategyInfo*> out;
  for (const consumer::StrategyInfo* info : consumer::StrategyRegistry::Global().All()) {
    if (info->expected.violates.has_value() == buggy) out.push_back(info);
  }
  return out;
}

// Cases of `strategies`, round-robin: iteration i runs case i / n of strategy i mod n.
void RunCases(benchmark::State& state,
              const std::vector<const consumer::StrategyInfo*>& strategies) {
  const uint64_t n = strategies.size();
  uint64_t i = 0;
  uint64_t failures = 0;
  uint64_t records = 0;
  uint64_t events = 0;
  uint64_t get_records = 0;
  uint64_t empty_pages = 0;
  uint64_t subscription_events = 0;
  for (auto _ : state) {
    const consumer::StrategyInfo& strategy = *strategies[i % n];
    const uint64_t k = (i / n) % kCaseCycle;
    ++i;
    const Scenario scenario = GenerateCase(strategy, kSeed, k);
    const absl::StatusOr<RunReport> report = RunScenario(scenario);
    if (!report.ok()) {
      state.SkipWithError(("case " + std::to_string(k) + " of " + strategy.name + ": " +
                           std::string(report.status().message()))
                              .c_str());
      break;
    }
    failures += report->passed() ? 0 : 1;
    records += scenario.puts.size();
    events += report->run.events;
    get_records += report->stats.get_records_calls;
    empty_pages += report->stats.empty_pages;
    subscription_events += report->stats.subscription_events;
    benchmark::DoNotOptimize(report->trace_hash);
  }
  state.SetItemsProcessed(state.iterations());
  const double cases = static_cast<double>(std::max<uint64_t>(i, 1));
  // A correct entry fails no case; a nonzero count here is a finding, not noise.
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["records_per_case"] = static_cast<double>(records) / cases;
  state.counters["events_per_case"] = static_cast<double>(events) / cases;
  state.counters["get_records_per_case"] = static_cast<double>(get_records) / cases;
  state.counters["empty_pages_per_case"] = static_cast<double>(empty_pages) / cases;
  state.counters["subscription_events_per_case"] = static_cast<double>(subscription_events) / cases;
  // Simulation events per second of CPU: set against kernel_benchmark's bare events per second,
  // the cost the model, the strategy and the judge add to each event.
  state.counters["sim_events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

void GenerateCases(benchmark::State& state, const consumer::StrategyInfo* strategy) {
  uint64_t k = 0;
  for (auto _ : state) {
    const Scenario scenario = GenerateCase(*strategy, kSeed, k++ % kCaseCycle);
    benchmark::DoNotOptimize(scenario.puts.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Distinct buckets the puts of a scenario fall in, by the scenario's nominal width (as the
// catalogue self-check counts them).
size_t PutBuckets(const Scenario& s) {
  const Duration width = s.stream.buckets.dense() ? Duration::Days(1) : s.stream.buckets.max_width;
  std::set<int64_t> buckets;
  for (const PutSpec& p : s.puts) buckets.insert(p.at / width);
  return buckets.size();
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// One check of `strategy` timed twice: without shrinking (finding the first failure) and with.
struct TimedCheck {
  absl::StatusOr<CheckResult> result;  // of the shrinking check
  double find_s = 0;
  double total_s = 0;
};

TimedCheck TimeCheck(const consumer::StrategyInfo& strategy, CheckOptions options) {
  options.shrink = false;
  const auto t0 = std::chrono::steady_clock::now();
  const absl::StatusOr<CheckResult> found = CheckStrategy(strategy, options);
  const auto t1 = std::chrono::steady_clock::now();
  if (!found.ok()) return TimedCheck{found.status()};
  options.shrink = true;
  absl::StatusOr<CheckResult> shrunk = CheckStrategy(strategy, options);
  const auto t2 = std::chrono::steady_clock::now();
  return TimedCheck{std::move(shrunk), Seconds(t1 - t0), Seconds(t2 - t1)};
}

void ShrinkTime(benchmark::State& state, const consumer::StrategyInfo* strategy) {
  CheckOptions options;
  options.seed = kSeed;
  options.cases = kBuggyCases;
  options.jobs = 1;
  double find_total = 0;
  double shrink_total = 0;
  double total_total = 0;
  for (auto _ : state) {
    // The default generator first; an entry whose bug needs days (a checkpoint below the trim
    // horizon) is caught only with long gaps, as the catalogue self-check runs it, so an entry
    // the default generator misses is checked again with them (counter long_gaps = 1; the
    // time of the first, unsuccessful check is not counted).
    options.generator.long_gaps = false;
    TimedCheck timed = TimeCheck(*strategy, options);
    if (timed.result.ok() && !timed.result->failure.has_value()) {
      options.generator.long_gaps = true;
      timed = TimeCheck(*strategy, options);
    }
    if (!timed.result.ok()) {
      state.SkipWithError(std::string(timed.result.status().message()).c_str());
      break;
    }
    const absl::StatusOr<CheckResult>& shrunk = timed.result;
    state.SetIterationTime(timed.total_s);
    find_total += timed.find_s;
    total_total += timed.total_s;
    // The two checks run the same cases and the same final traced run of the counterexample,
    // so the difference is the shrink candidates' runs; clamped at 0 against timer noise when
    // shrinking took a millisecond or less.
    shrink_total += std::max(0.0, timed.total_s - timed.find_s);
    state.counters["long_gaps"] = options.generator.long_gaps ? 1 : 0;
    const std::string gaps = options.generator.long_gaps ? " (long gaps)" : "";

    if (!shrunk->failure.has_value()) {
      state.SetLabel("NOT CAUGHT within " + std::to_string(kBuggyCases) + " cases, " +
                     "with or without long gaps");
      state.counters["caught"] = 0;
      state.counters["cases_run"] = static_cast<double>(shrunk->cases_run);
      continue;
    }
    const Counterexample& c = *shrunk->failure;
    const std::string property = c.report.violation.has_value()
                                     ? std::string(PropertyName(c.report.violation->property))
                                     : *strategy->expected.violates;
    const bool expected =
        c.report.violation.has_value() && property == *strategy->expected.violates;
    state.SetLabel(
        property + " at " + c.origin + gaps +
        (expected ? "" : " (UNEXPECTED: expected " + *strategy->expected.violates + ")"));
    state.counters["caught"] = 1;
    state.counters["expected_property"] = expected ? 1 : 0;
    state.counters["case_index"] = static_cast<double>(c.case_index.value_or(0));
    state.counters["original_records"] = static_cast<double>(c.original.puts.size());
    state.counters["min_records"] = static_cast<double>(c.minimal.puts.size());
    state.counters["min_buckets"] = static_cast<double>(PutBuckets(c.minimal));
    state.counters["min_shards"] = static_cast<double>(c.minimal.shard_count);
    state.counters["min_reshards"] = static_cast<double>(c.minimal.reshards.size());
    state.counters["min_crashes"] = static_cast<double>(c.minimal.crashes.size());
    state.counters["min_readers"] = static_cast<double>(c.minimal.competing_readers.size());
    state.counters["shrink_steps"] = c.shrink_steps;
    state.counters["shrink_runs"] = c.shrink_runs;
  }
  const double runs =
      static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["find_s"] = find_total / runs;
  state.counters["shrink_s"] = shrink_total / runs;
  state.counters["total_s"] = total_total / runs;
}

void RegisterAll() {
  const std::vector<const consumer::StrategyInfo*> correct = Entries(/*buggy=*/false);
  const std::vector<const consumer::StrategyInfo*> buggy = Entries(/*buggy=*/true);
  std::fprintf(stderr, "properties_benchmark: %zu correct and %zu buggy registry entries\n",
               correct.size(), buggy.size());
  for (const consumer::StrategyInfo* info : correct) {
    benchmark::RegisterBenchmark(("BM_CasesPerSecond/" + info->name).c_str(),
                                 [info](benchmark::State& state) { RunCases(state, {info}); });
  }
  if (!correct.empty()) {
    benchmark::RegisterBenchmark("BM_CasesPerSecond/all-correct",
                                 [correct](benchmark::State& state) { RunCases(state, correct); });
  }
  for (const consumer::StrategyInfo* info : correct) {
    benchmark::RegisterBenchmark(("BM_GenerateOnly/" + info->name).c_str(),
                                 [info](benchmark::State& state) { GenerateCases(state, info); });
  }
  for (const consumer::StrategyInfo* info : buggy) {
    benchmark::RegisterBenchmark(("BM_ShrinkTime/" + info->name).c_str(),
                                 [info](benchmark::State& state) { ShrinkTime(state, info); })
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace shardsim::properties

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  shardsim::catalogue::RegisterCatalogue(shardsim::consumer::StrategyRegistry::Global());
  shardsim::properties::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
