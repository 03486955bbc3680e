// One case of a real client: a server on a free loopback port playing the scenario with a
// per-request clock, the client's command run against it, and the verdict.
//
// The command runs under /bin/sh in a process group of its own, with the environment of this
// process plus AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_KINESIS, SHARDSIM_ENDPOINT (the endpoint),
// SHARDSIM_STREAM (the scenario's stream), SHARDSIM_STATE_DIR (an empty directory of the case's
// own, kept across the client's crashes and reruns and removed after the case: where it keeps
// its checkpoints), AWS_ACCESS_KEY_ID (the client's name), a fake AWS_SECRET_ACCESS_KEY,
// AWS_DEFAULT_REGION and AWS_REGION (us-east-1); its standard input is /dev/null and its output
// is kept (the last lines go into reports).
// The scenario's crashes are played on it (ScenarioPlayback::PlayProcess): at the first request
// at or after a crash's virtual time the process group gets SIGKILL (no clean shutdown), that
// request is dropped, the clock is set to the crash's restart and the command is started again.
// Both shapes of consumer:
//   - a long-running poller is stopped (SIGTERM, then SIGKILL after `term_grace`) when the run
//     is over (its liveness phase ended, or it converged or failed) and judged on what it was
//     given;
//   - a batch job that exits by itself with status 0 is judged at its exit, or, when the
//     scenario reruns it (rerun_after_exit), started again that much virtual time later (or at
//     a crash's restart, if that comes first), until that would lie past the run's end; the
//     judges count every start after the first as a restart, as for a C++ strategy. A client that
//     is not running at the end is not excused for records still ahead of it (it was not on its way
//     to them).
// No verdict comes from a wall clock. Virtual time moves only with the client's calls (a
// per-request clock, with FastForward's jumps after calls that changed nothing) and with its
// open subscriptions while it waits for them (every thread of its process tree blocked and
// idle at two looks in a row: server/service.h, "Subscriptions and the clock"), and a run ends
// at the scenario's end in virtual time, when the judges have seen the client converge or fail,
// or when the client has spent its call budget (CallBudget, printed in reports) — a
// `termination` verdict that names what it was still reading. Wall time only guards against a
// hang, and a hang is an error, not a verdict: a client that makes no call (and is sent no
// subscription event: an open subscription moves the clock while the client waits for it,
// server/service.h) for `idle_bound`
// (`start_bound` before a run's first call) is stopped and the case is an error naming the
// virtual time it stopped at. A client that exits with another status after making calls fails
// `termination` (naming any throttling it met, and the competing reader that caused it). One
// that never calls the endpoint, or whose command cannot run, is an error (the caller's input is
// wrong), saying what the server saw (e.g. a request it could not parse, such as HTTP/2).
#ifndef SHARDSIM_CLIENTCHECK_CLIENT_RUN_H_
#define SHARDSIM_CLIENTCHECK_CLIENT_RUN_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "properties/judge.h"
#include "properties/scenario.h"
#include "sim/time.h"

namespace shardsim::clientcheck {

struct ClientOptions {
  std::string command;
  std::string client_name = "shardsim-client";  // its AWS_ACCESS_KEY_ID
  // Kinesis calls a run may make; absent: CallBudget of the scenario.
  std::optional<uint64_t> call_budget;
  std::chrono::milliseconds idle_bound{5'000};
  // Before a run's first call (an interpreter and its SDK can take seconds to start on a busy
  // machine), the bound on wall time without a call.
  std::chrono::milliseconds start_bound{30'000};
  std::chrono::milliseconds term_grace{2'000};
  // The per-request clock's step; absent: the scenario's (ClientStep).
  std::optional<sim::Duration> step;
  // Where the server writes its log (JSON Lines, as `shardsim serve --log`); empty: nowhere.
  std::string log_path;
};

// The parameters a generated scenario holds for a real client (see ClientStrategy).
inline constexpr const char* kPollIntervalParam = "poll_interval_ms";
// The per-request step of `scenario`: its poll interval (1 s without one) plus its call latency.
sim::Duration ClientStep(const properties::Scenario& scenario);

// The Kinesis calls a correct client may need to reach the end of `scenario` under a per-request
// clock of `step`, four times over plus 1,000: at its tip, one call per half of the virtual time
// FastForward lets a jump cover (the smallest bucket width, or what keeps an iterator of every
// shard the run will have valid, whichever is less; at least a step); after each crash, one call
// per bucket of the smallest width that passed while it was down (up to the retention period),
// on every shard; for a batch job, one call per bucket of the whole run on every shard; one call
// per step of each competing reader's window (its reads may throttle every call there); two
// calls per record and twenty per shard.
uint64_t CallBudget(const properties::Scenario& scenario, sim::Duration step);

struct ClientRun {
  std::optional<properties::Violation> violation;
  properties::RunStats stats;
  properties::ProbeSet probes;  // the delivery judge's
  uint64_t requests = 0;        // judged Kinesis calls of the client
  uint64_t application_events = 0;
  int runs = 0;        // times the command was started (reruns and restarts included)
  int crashes = 0;     // times it was killed for a scenario's crash
  std::string ended;   // how the run ended, one phrase
  uint64_t calls = 0;  // every Kinesis call of the run (judged or not)
  // XXH3-64 of the run's server log, the bytes ClientOptions::log_path receives (the same
  // client and scenario give the same log): the run's trace hash in check results.
  uint64_t log_hash = 0;
  uint64_t call_budget = 0;
  uint64_t jumps = 0;  // FastForward's jumps, and the virtual time they covered
  sim::Duration jumped;
  double wall_seconds = 0;  // reported, never judged
  std::string output_tail;  // the client's last output lines
  bool passed() const { return !violation.has_value(); }
};

// InvalidArgument for a scenario the server cannot play; FailedPrecondition (naming the
// command, its exit and its last output) for a client that could not run or never called.
absl::StatusOr<ClientRun> RunClientCase(const properties::Scenario& scenario,
                                        const ClientOptions& options);

}  // namespace shardsim::clientcheck

#endif  // SHARDSIM_CLIENTCHECK_CLIENT_RUN_H_
