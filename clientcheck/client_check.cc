#include "clientcheck/client_check.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "properties/harness.h"

namespace shardsim::clientcheck {

namespace {

properties::RunReport ReportOf(const properties::Scenario& scenario, const ClientRun& run) {
  properties::RunReport report;
  report.scenario = scenario.name;
  report.strategy = scenario.strategy;
  report.seed = scenario.seed;
  report.violation = run.violation;
  report.stats = run.stats;
  return report;
}

void Count(const ClientRun& run, ClientCheckResult& result) {
  result.crashes_played += static_cast<uint64_t>(run.crashes);
  result.restarts += run.stats.restarts;
  result.redeliveries += run.stats.redeliveries;
}

bool SameFailure(const ClientRun& a, const ClientRun& b) {
  return a.violation && b.violation && a.violation->property == b.violation->property;
}

}  // namespace

consumer::StrategyInfo ClientStrategy(std::optional<sim::Duration> rerun_every) {
  consumer::StrategyInfo info;
  info.name = "client";
  info.description = "a real client run against shardsim serve";
  info.params = {consumer::ParamSpec{kPollIntervalParam, 1000, 1, 3'600'000,
                                     "the client's poll interval: the per-request clock's step "
                                     "less the call latency",
                                     500, 2000}};
  info.rerun_interval = rerun_every;
  return info;
}

properties::GeneratorOptions ClientGeneratorOptions() {
  properties::GeneratorOptions options;
  options.max_shards = 4;
  options.max_records = 20;
  options.max_bucket_crossings = 50;
  options.max_span = sim::Duration::Minutes(5);
  // A day of silence is about 700 buckets to walk (a few seconds of a Python client's calls),
  // and a correct poller's step (0.5 to 2 s) stays far below a bucket.
  options.min_bucket_width = sim::Duration::Minutes(2);
  options.max_downtime_buckets = 1'000;
  // Sizes 20, 37, 54, 71, 88, 4, 21, ...: every size within 101 cases, large ones from the start.
  options.size_offset = 20;
  options.size_stride = 17;
  return options;
}

properties::Scenario ForClient(const properties::Scenario& scenario,
                               const consumer::StrategyInfo& strategy) {
  return properties::AdaptScenario(scenario, strategy);
}

absl::StatusOr<ClientCheckResult> CheckClient(const ClientCheckOptions& options) {
  if (options.jobs < 1) return absl::InvalidArgumentError("jobs must be at least 1");
  if (options.cases == 0 && options.corpus.empty()) {
    return absl::InvalidArgumentError("the number of cases must be positive");
  }
  const consumer::StrategyInfo strategy = ClientStrategy(options.rerun_every);
  ClientCheckResult result;
  result.check.strategy = strategy.name;
  result.check.seed = options.seed;

  // The corpus first, in order.
  for (const auto& [name, saved] : options.corpus) {
    const properties::Scenario scenario = ForClient(saved, strategy);
    absl::StatusOr<ClientRun> run = RunClientCase(scenario, options.client);
    if (!run.ok())
      return absl::Status(run.status().code(), absl::StrCat(name, ": ", run.status().message()));
    ++result.check.corpus_run;
    Count(*run, result);
    if (!run->passed()) {
      result.check.failure = properties::Counterexample{
          name, std::nullopt, scenario, scenario, ReportOf(scenario, *run), 0, 0};
      result.failure_run = *std::move(run);
      return result;
    }
  }

  // Generated cases in batches of `jobs`, judged in case order.
  const size_t jobs = static_cast<size_t>(options.jobs);
  for (uint64_t begin = 0; begin < options.cases; begin += jobs) {
    const uint64_t end = std::min<uint64_t>(options.cases, begin + jobs);
    std::vector<rc::Shrinkable<properties::Scenario>> shrinkables;
    std::vector<properties::Scenario> scenarios;
    for (uint64_t k = begin; k < end; ++k) {
      shrinkables.push_back(
          properties::GenerateShrinkableCase(strategy, options.seed, k, options.generator));
      scenarios.push_back(ForClient(shrinkables.back().value(), strategy));
    }
    std::vector<absl::StatusOr<ClientRun>> runs(scenarios.size(), absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < scenarios.size(); ++i) {
      threads.emplace_back([&, i] { runs[i] = RunClientCase(scenarios[i], options.client); });
    }
    for (std::thread& t : threads) t.join();
    for (size_t i = 0; i < runs.size(); ++i) {
      const uint64_t k = begin + i;
      if (!runs[i].ok()) {
        return absl::Status(runs[i].status().code(),
                            absl::StrCat("case ", k, ": ", runs[i].status().message()));
      }
      ++result.check.cases_run;
      Count(*runs[i], result);
      result.case_wall_seconds.push_back(runs[i]->wall_seconds);
      result.check.case_hashes.emplace_back(k, runs[i]->requests);
      if (runs[i]->passed()) continue;
      // Shrink by re-running the client, within bounds.
      properties::Counterexample c;
      c.origin = absl::StrCat("case ", k);
      c.case_index = k;
      c.original = scenarios[i];
      rc::Shrinkable<properties::Scenario> current = shrinkables[i];
      properties::Scenario current_scenario = scenarios[i];
      ClientRun current_run = *runs[i];
      bool progressed = options.shrink;
      while (progressed && c.shrink_runs < options.max_shrink_runs) {
        progressed = false;
        rc::Seq<rc::Shrinkable<properties::Scenario>> candidates = current.shrinks();
        while (rc::Maybe<rc::Shrinkable<properties::Scenario>> candidate = candidates.next()) {
          if (c.shrink_runs >= options.max_shrink_runs) {
            result.shrink_stopped_at_bound = true;
            break;
          }
          ++c.shrink_runs;
          const properties::Scenario scenario = ForClient(candidate->value(), strategy);
          absl::StatusOr<ClientRun> run = RunClientCase(scenario, options.client);
          if (run.ok() && SameFailure(*run, *runs[i])) {
            current = *std::move(candidate);
            current_scenario = scenario;
            current_run = *std::move(run);
            ++c.shrink_steps;
            progressed = true;
            break;
          }
        }
        if (result.shrink_stopped_at_bound) break;
      }
      if (progressed && c.shrink_runs >= options.max_shrink_runs)
        result.shrink_stopped_at_bound = true;
      c.minimal = current_scenario;
      c.report = ReportOf(current_scenario, current_run);
      result.check.failure = std::move(c);
      result.failure_run = std::move(current_run);
      if (options.on_progress) options.on_progress(result.check.cases_run, 1);
      return result;
    }
    if (options.on_progress) options.on_progress(result.check.cases_run, 0);
  }
  return result;
}

}  // namespace shardsim::clientcheck
