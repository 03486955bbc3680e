// shardsim check --client: property runs of a real client over generated scenarios.
//
// Case k of seed S is the scenario `check` generates for case k of seed S (the same
// generators, for a strategy named "client" whose one parameter is its poll interval, which
// sets the per-request clock's step), crashes and competing readers included: the client's
// process is killed and restarted at the scenario's crashes (RunClientCase), and the
// competing readers spend the shards' read limits as they do for C++ strategies. Each case
// runs the client against its own server (RunClientCase). The cases, the corpus, the shrinking
// and the failure are those of `check` itself: CheckClient is the check engine
// (properties::CheckCases) with a ClientRunner, so the failure reported is the one with the
// lowest case index, shrunk greedily along RapidCheck's shrink tree and then structurally
// (properties/scenario_shrink.h) by re-running the client, within a bound on runs (a shrink
// run that hangs or errs is a candidate that does not fail the same way).
#ifndef SHARDSIM_CLIENTCHECK_CLIENT_CHECK_H_
#define SHARDSIM_CLIENTCHECK_CLIENT_CHECK_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "clientcheck/client_run.h"
#include "consumer/strategy.h"
#include "properties/case_runner.h"
#include "properties/check.h"
#include "properties/generators.h"
#include "properties/scenario.h"

namespace shardsim::clientcheck {

// The strategy real clients are generated for: name "client", the poll interval parameter
// (500 ms to 2 s in generated cases) and, for a batch job, its scheduled rerun.
consumer::StrategyInfo ClientStrategy(std::optional<sim::Duration> rerun_every);
// Generator settings that keep a case affordable for a real client, whose every call costs
// real time: at most 4 shards, 20 records, 50 bucket crossings, puts within 5 minutes (crash
// downtimes of up to days move later puts on), buckets of 2 minutes or more and at most 1,000
// of them to walk after all the downtimes of a case.
properties::GeneratorOptions ClientGeneratorOptions();
// `scenario` as a real client's case: strategy "client", its parameters kept only if chosen
// for a client, and the rerun of `strategy` filled in when it has none.
properties::Scenario ForClient(const properties::Scenario& scenario,
                               const consumer::StrategyInfo& strategy);

struct ClientCheckOptions {
  ClientOptions client;
  uint64_t seed = 1;
  uint64_t cases = 20;
  int jobs = 1;
  properties::GeneratorOptions generator = ClientGeneratorOptions();
  std::optional<sim::Duration> rerun_every;
  bool shrink = true;
  // Shrinking is bounded by runs of the client, never by wall time, so the minimal scenario
  // is the same on a busy machine and an idle one.
  int max_shrink_runs = 100;
  // Saved scenarios run before any generated case (name, scenario); with cases == 0 only these.
  std::vector<std::pair<std::string, properties::Scenario>> corpus;
  std::function<void(uint64_t done, uint64_t failures)> on_progress;
};

// A real client as a runner of the check engine: each run is RunClientCase (its own server and
// workspace, so runs on several threads are independent). A run's report holds the verdict,
// the judges' statistics and, as its trace hash, the hash of the case's server log (the bytes
// --client-log writes); its detail is the ClientRun. Judged adds up what the check reports
// beyond the verdicts.
class ClientRunner : public properties::CaseRunner {
 public:
  explicit ClientRunner(ClientOptions options) : options_(std::move(options)) {}

  absl::StatusOr<properties::CaseRun> Run(const properties::Scenario& scenario,
                                          properties::CasePurpose purpose) const override;
  void Judged(const properties::CaseRun& run, std::optional<uint64_t> case_index) override;

  // Over the judged runs (corpus and generated cases, not shrink runs): crashes played on the
  // client, restarts (after a crash, and reruns) the judges counted, records delivered again.
  uint64_t crashes_played() const { return crashes_played_; }
  uint64_t restarts() const { return restarts_; }
  uint64_t redeliveries() const { return redeliveries_; }
  // Subscription events delivered to the client: whether it reads by enhanced fan-out.
  uint64_t subscription_events() const { return subscription_events_; }
  // The wall time of each generated case, in case order (reported, never judged).
  const std::vector<double>& case_wall_seconds() const { return case_wall_seconds_; }

 private:
  ClientOptions options_;
  uint64_t crashes_played_ = 0;
  uint64_t restarts_ = 0;
  uint64_t redeliveries_ = 0;
  uint64_t subscription_events_ = 0;
  std::vector<double> case_wall_seconds_;
};

struct ClientCheckResult {
  // The failure's RunReport holds the minimal run's verdict; case_hashes hold the hash of each
  // case's server log.
  properties::CheckResult check;
  std::optional<ClientRun> failure_run;  // the minimal scenario's run
  bool shrink_stopped_at_bound = false;
  std::vector<double> case_wall_seconds;  // generated cases, in case order
  // Over the cases run (corpus and generated, not shrink runs): crashes played on the client,
  // restarts (after a crash, and reruns) the judges counted, records delivered again.
  uint64_t crashes_played = 0;
  uint64_t restarts = 0;
  uint64_t redeliveries = 0;
  uint64_t subscription_events = 0;  // the client subscribes (enhanced fan-out) when above 0
};

// InvalidArgument for bad options or an unplayable corpus scenario; FailedPrecondition when the
// client cannot be run or never calls the endpoint (see RunClientCase).
absl::StatusOr<ClientCheckResult> CheckClient(const ClientCheckOptions& options);

}  // namespace shardsim::clientcheck

#endif  // SHARDSIM_CLIENTCHECK_CLIENT_CHECK_H_
