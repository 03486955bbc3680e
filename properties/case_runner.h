// A case runner: what runs one scenario of a property check and judges it.
//
// The check engine (CheckCases, properties/check.h) numbers and generates the cases, shards
// them, runs them on `jobs` threads, replays the corpus first, shrinks the first failure and
// reports it; a runner only runs one scenario and returns its judged report. The in-process
// harness (StrategyRunner, properties/check.h) and a real client's process
// (clientcheck::ClientRunner) are two runners of that one engine.
//
// Contract of a runner:
//   - Run may be called from several threads at once (one per job).
//   - The same scenario gives the same verdict: nothing of a run may depend on wall time or on
//     another run, so that a seed gives the same verdict and the same minimal scenario on a
//     busy machine and an idle one.
//   - RunReport::trace_hash is the hash of the run's record of what happened (the harness's
//     trace; a real client's server log), which check results list per case.
//   - An error is a run that could not be judged, not a verdict: a corpus scenario or a
//     generated case that errs stops the check with the error; a shrink candidate that errs is
//     one that does not fail the same way.
#ifndef SHARDSIM_PROPERTIES_CASE_RUNNER_H_
#define SHARDSIM_PROPERTIES_CASE_RUNNER_H_

#include <any>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "properties/harness.h"
#include "properties/scenario.h"

namespace shardsim::properties {

// What a run is for.
enum class CasePurpose {
  kCorpus,  // a saved scenario, run before any generated case
  kCase,    // a generated case
  kShrink,  // a smaller candidate of a failing case
};

// One judged run.
struct CaseRun {
  RunReport report;
  // What the runner knows of the run beyond its report (a real client's process statistics),
  // handed back to the runner (Judged) and kept with a failure; empty for in-process runs.
  std::any detail;
};

class CaseRunner {
 public:
  virtual ~CaseRunner() = default;

  virtual absl::StatusOr<CaseRun> Run(const Scenario& scenario, CasePurpose purpose) const = 0;

  // The run reported for a failure's minimal scenario, given its last run (the failing case's,
  // or the last shrink step's). By default that run; a runner whose shrink runs keep no trace
  // runs the scenario again with one.
  virtual CaseRun ReportRun(const Scenario& /*minimal*/, CaseRun last) const { return last; }

  // Called on the engine's thread, in order, for every corpus scenario (no case index) and
  // generated case the check judged; shrink runs are not reported.
  virtual void Judged(const CaseRun& /*run*/, std::optional<uint64_t> /*case_index*/) {}
};

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_CASE_RUNNER_H_
