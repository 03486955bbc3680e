#include "clientcheck/client_check.h"

#include <any>
#include <utility>

#include "properties/harness.h"
#include "sim/check.h"

namespace shardsim::clientcheck {

namespace {

properties::RunReport ReportOf(const properties::Scenario& scenario, const ClientRun& run) {
  properties::RunReport report;
  report.scenario = scenario.name;
  report.strategy = scenario.strategy;
  report.seed = scenario.seed;
  report.violation = run.violation;
  report.stats = run.stats;
  report.probes = run.probes;
  report.trace_hash = run.log_hash;
  return report;
}

}  // namespace

absl::StatusOr<properties::CaseRun> ClientRunner::Run(const properties::Scenario& scenario,
                                                      properties::CasePurpose purpose) const {
  (void)purpose;  // every run of a client is the same kind of run
  absl::StatusOr<ClientRun> run = RunClientCase(scenario, options_);
  if (!run.ok()) return run.status();
  properties::RunReport report = ReportOf(scenario, *run);
  return properties::CaseRun{std::move(report), *std::move(run)};
}

void ClientRunner::Judged(const properties::CaseRun& run, std::optional<uint64_t> case_index) {
  const ClientRun* client = std::any_cast<ClientRun>(&run.detail);
  SHARDSIM_CHECK(client != nullptr, "a ClientRunner's run holds its ClientRun");
  crashes_played_ += static_cast<uint64_t>(client->crashes);
  restarts_ += client->stats.restarts;
  redeliveries_ += client->stats.redeliveries;
  subscription_events_ += client->stats.subscription_events;
  if (case_index) case_wall_seconds_.push_back(client->wall_seconds);
}

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
  const consumer::StrategyInfo strategy = ClientStrategy(options.rerun_every);
  properties::CheckOptions check;
  check.seed = options.seed;
  check.cases = options.cases;
  check.jobs = options.jobs;
  check.batch_per_job = 1;  // a case costs seconds: judge each batch of `jobs` at once
  check.generator = options.generator;
  check.shrink = options.shrink;
  check.max_shrink_runs = options.max_shrink_runs;
  check.corpus = options.corpus;
  check.on_progress = options.on_progress;
  ClientRunner runner(options.client);
  absl::StatusOr<properties::CheckResult> checked = properties::CheckCases(strategy, runner, check);
  if (!checked.ok()) return checked.status();
  ClientCheckResult result;
  result.check = *std::move(checked);
  if (result.check.failure) {
    result.failure_run = std::any_cast<ClientRun>(result.check.failure->detail);
    result.shrink_stopped_at_bound = result.check.failure->shrink_stopped_at_bound;
  }
  result.case_wall_seconds = runner.case_wall_seconds();
  result.crashes_played = runner.crashes_played();
  result.restarts = runner.restarts();
  result.redeliveries = runner.redeliveries();
  result.subscription_events = runner.subscription_events();
  return result;
}

}  // namespace shardsim::clientcheck
