#include "clientcheck/client_run.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clientcheck/fast_forward.h"
#include "clientcheck/internal/case_endpoint.h"
#include "clientcheck/internal/supervisor.h"
#include "clientcheck/internal/workspace.h"
#include "clientcheck/playback.h"

namespace shardsim::clientcheck {

namespace {

// The client's last output lines as a violation's witness.
std::vector<std::string> TailWitness(const std::string& tail) {
  std::vector<std::string> out;
  for (absl::string_view l : absl::StrSplit(tail, '\n', absl::SkipEmpty())) {
    out.push_back(absl::StrCat("client output: ", l));
  }
  return out;
}

// The verdict of the run from the judges' verdicts: the client's own (by its name, else the
// first judged), else another client's violation, named.
void MergeVerdicts(const std::vector<ClientVerdict>& verdicts, const std::string& client_name,
                   ClientRun& run) {
  const ClientVerdict* mine = nullptr;
  for (const ClientVerdict& v : verdicts) {
    if (v.client == client_name) mine = &v;
  }
  if (mine == nullptr && !verdicts.empty()) mine = &verdicts.front();
  if (mine != nullptr) {
    run.violation = mine->violation;
    run.stats = mine->stats;
    run.probes = mine->probes;
    run.requests = mine->requests;
    run.application_events = mine->application_events;
  }
  for (const ClientVerdict& v : verdicts) {
    if (!run.violation && v.violation) {
      run.violation = v.violation;
      run.violation->message = absl::StrCat("client ", v.client, ": ", run.violation->message);
    }
  }
}

// The runner's own termination problem (a spent call budget, an exit before the run's end) is
// the verdict unless the judges found something other than a missed record, an abandoned shard
// or a termination: it says why the run could not finish.
void ApplyRunnerProblem(const std::optional<std::string>& problem, sim::Instant now,
                        ClientRun& run) {
  if (!problem) return;
  if (!run.violation || run.violation->property == properties::Property::kNoMissedRecords ||
      run.violation->property == properties::Property::kNoAbandonedShard ||
      run.violation->property == properties::Property::kTermination) {
    // The runner saw why the run could not finish: that is the verdict.
    run.violation = properties::Violation{properties::Property::kTermination, now, *problem,
                                          TailWitness(run.output_tail)};
  }
}

}  // namespace

sim::Duration ClientStep(const properties::Scenario& scenario) {
  const auto it = scenario.params.find(kPollIntervalParam);
  const sim::Duration poll =
      it == scenario.params.end() ? sim::Duration::Seconds(1) : sim::Duration::Millis(it->second);
  return poll + scenario.call_latency;
}

uint64_t CallBudget(const properties::Scenario& scenario, sim::Duration step) {
  using sim::Duration;
  const Duration span = scenario.SafetyPhaseEnd() + scenario.liveness_budget;
  const model::BucketProfile& buckets = scenario.stream.buckets;
  const Duration width = buckets.dense() ? Duration::Zero() : buckets.min_width;
  const int64_t shards = scenario.shard_count + 2 * static_cast<int64_t>(scenario.reshards.size());
  // What FastForward lets one jump cover while a reader holds an iterator on every shard.
  Duration per_jump = Duration::Micros(
      (scenario.stream.iterator_lifetime - FastForward::kExpiryMargin).micros() / (shards + 1));
  per_jump = per_jump - step;
  if (width > Duration::Zero()) per_jump = std::min(per_jump, width);
  const Duration progress = std::max(Duration::Micros(per_jump.micros() / 2), step);
  uint64_t calls = static_cast<uint64_t>(span / progress) + 1;
  if (width > Duration::Zero()) {
    for (const properties::CrashSpec& c : scenario.crashes) {
      calls += static_cast<uint64_t>(std::min(c.restart_after, scenario.stream.retention) / width) *
               static_cast<uint64_t>(shards);
    }
    if (scenario.rerun_after_exit) {
      calls += static_cast<uint64_t>(span / width) * static_cast<uint64_t>(shards);
    }
  }
  // A competing reader may hold its shard's read budget for its whole window: a client that
  // tries a throttled read again every step spends a call a step there, and correctly so.
  for (const properties::CompetingReaderSpec& r : scenario.competing_readers) {
    if (r.stop > r.start) calls += static_cast<uint64_t>((r.stop - r.start) / step) + 1;
  }
  calls += 2 * scenario.puts.size() + 20 * static_cast<uint64_t>(shards);
  return 4 * calls + 1'000;
}

absl::StatusOr<ClientRun> RunClientCase(const properties::Scenario& scenario,
                                        const ClientOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const sim::Duration step = options.step.value_or(ClientStep(scenario));
  absl::StatusOr<std::unique_ptr<internal::CaseEndpoint>> endpoint =
      internal::CaseEndpoint::Start(scenario, options, step);
  if (!endpoint.ok()) return endpoint.status();
  absl::StatusOr<std::unique_ptr<internal::Workspace>> workspace = internal::Workspace::Create();
  if (!workspace.ok()) return workspace.status();
  ScenarioPlayback& playback = (*endpoint)->playback();
  playback.PlayProcess();

  ClientRun run;
  run.call_budget = options.call_budget.value_or(CallBudget(scenario, step));
  const absl::StatusOr<internal::Supervised> supervised =
      internal::SuperviseClient(scenario, options, **endpoint, **workspace, run);
  if (!supervised.ok()) return supervised.status();
  (*endpoint)->Stop();
  run.output_tail = (*workspace)->OutputTail();
  if (supervised->hang) {
    return absl::DeadlineExceededError(absl::StrCat(
        *supervised->hang, run.output_tail.empty() ? "" : "; its last output:\n", run.output_tail));
  }
  run.calls = playback.calls();
  run.jumps = playback.jumps();
  run.jumped = playback.jumped();
  run.log_hash = (*endpoint)->log_hash();
  MergeVerdicts(playback.Finish(supervised->exited), options.client_name, run);
  ApplyRunnerProblem(supervised->problem, playback.now(), run);
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

}  // namespace shardsim::clientcheck
