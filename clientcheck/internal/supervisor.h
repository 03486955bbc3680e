// Supervision of a real client's process over one case (clientcheck/client_run.h): the command
// started under /bin/sh in a process group of its own with the case's environment, killed
// (SIGKILL) at the scenario's crashes and started again at their restarts, started again at a
// batch job's reruns, and stopped (SIGTERM, then SIGKILL) when the run is over. Internal to
// clientcheck.
#ifndef SHARDSIM_CLIENTCHECK_INTERNAL_SUPERVISOR_H_
#define SHARDSIM_CLIENTCHECK_INTERNAL_SUPERVISOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clientcheck/client_run.h"
#include "clientcheck/internal/case_endpoint.h"
#include "clientcheck/internal/workspace.h"
#include "properties/scenario.h"

namespace shardsim::clientcheck::internal {

// How the client's runs ended.
struct Supervised {
  bool exited = false;                 // it stopped by itself (judged at its exit)
  std::optional<std::string> problem;  // a termination verdict of the runner's own
  std::optional<std::string> hang;     // no call within a wall-time guard: an error, no verdict
};

// Runs the client of `options` against `endpoint` until its runs are over, filling `run`'s
// runs, crashes and ended. FailedPrecondition for a client that could not run or never called
// the endpoint; the clock API's error when moving the clock failed. REQUIRES: the endpoint's
// playback plays the process (PlayProcess).
absl::StatusOr<Supervised> SuperviseClient(const properties::Scenario& scenario,
                                           const ClientOptions& options, CaseEndpoint& endpoint,
                                           const Workspace& workspace, ClientRun& run);

}  // namespace shardsim::clientcheck::internal

#endif  // SHARDSIM_CLIENTCHECK_INTERNAL_SUPERVISOR_H_
