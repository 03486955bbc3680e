// Property runs over generated scenarios: deterministic cases, parallel and sharded execution,
// a regression corpus, and shrinking of the first failure. One engine (CheckCases) runs every
// check through a CaseRunner (properties/case_runner.h): CheckStrategy is that engine with the
// in-process harness (StrategyRunner), `check --client` the same engine with a real client.
//
// Case k of a run with seed S is generated from a RapidCheck random source keyed by (S, k) at
// size k mod 101, so a case can be regenerated alone (`shardsim replay --seed S --case K`), any
// number of threads gives exactly the results of one, and shards of a campaign split the case
// space (case k belongs to shard k mod shard_count). The failure reported is the one with the
// lowest case index; it is shrunk greedily (RapidCheck's shrink tree, then the structural
// candidates of scenario_shrink.h: take the first smaller scenario that still fails the same
// property) to a minimal scenario, within a bound on runs (never on wall time, so the minimal
// scenario is the same on a busy machine and an idle one).
#ifndef SHARDSIM_PROPERTIES_CHECK_H_
#define SHARDSIM_PROPERTIES_CHECK_H_

#include <any>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "properties/case_runner.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/probes.h"
#include "properties/scenario.h"

namespace shardsim::properties {

struct CheckOptions {
  uint64_t seed = 1;
  uint64_t cases = 1000;  // the one default: check, ctest property runs, this
  int jobs = 1;
  // Cases run together on the `jobs` threads are jobs * batch_per_job; a failure is judged
  // once its batch is over (cases after it in the batch have run for nothing). Results never
  // depend on it.
  int batch_per_job = 8;
  uint64_t shard_index = 0;
  uint64_t shard_count = 1;
  GeneratorOptions generator;
  bool shrink = true;
  int max_shrink_runs = 5'000;
  // Saved scenarios replayed before any generated case (corpus file name, scenario), adapted
  // to the strategy under check (AdaptScenario).
  // With no generated cases (cases == 0, allowed by CheckCases, not by CheckStrategy), only these.
  std::vector<std::pair<std::string, Scenario>> corpus;
  // Whether a failing corpus scenario is shrunk (along the structural candidates of
  // scenario_shrink.h: a saved scenario has no shrink tree) like a generated case. `check
  // --corpus` and the strategy fuzzer's findings do; `check --client --scenario` replays a saved
  // witness as it is.
  bool shrink_corpus = false;
  // Called after each batch of finished cases with (cases done, failures so far).
  std::function<void(uint64_t, uint64_t)> on_progress;
};

struct Counterexample {
  std::string origin;  // "case 17" or the corpus file
  std::optional<uint64_t> case_index;
  Scenario original;
  Scenario minimal;
  RunReport report;  // of the minimal scenario, with its trace
  int shrink_steps = 0;
  int shrink_runs = 0;
  // Shrinking ended at max_shrink_runs with candidates still untried.
  bool shrink_stopped_at_bound = false;
  std::any detail;  // the runner's detail of the minimal scenario's run (CaseRun::detail)
};

struct CheckResult {
  std::string strategy;
  uint64_t seed = 0;
  uint64_t cases_run = 0;  // generated cases run by this shard (corpus not counted)
  uint64_t corpus_run = 0;
  std::optional<Counterexample> failure;
  // Trace hash (RunReport::trace_hash: the harness's trace, a real client's server log) of
  // every generated case run, by case index (for determinism checks).
  std::vector<std::pair<uint64_t, uint64_t>> case_hashes;
  // The domain situations (properties/probes.h) each of those cases reached, by case index.
  std::vector<std::pair<uint64_t, ProbeSet>> case_probes;
};

// The in-process runner: RunScenario of the harness. Runs keep no trace; the minimal scenario
// of a failure is run again with its trace. A scenario the harness rejects is an error in the
// corpus (InvalidArgument) and otherwise a pass (a shrink that made a scenario invalid must
// never be taken).
class StrategyRunner : public CaseRunner {
 public:
  absl::StatusOr<CaseRun> Run(const Scenario& scenario, CasePurpose purpose) const override;
  CaseRun ReportRun(const Scenario& minimal, CaseRun last) const override;
};

// The scenario of case `case_index`, as every run with `seed` generates it.
Scenario GenerateCase(const consumer::StrategyInfo& strategy, uint64_t seed, uint64_t case_index,
                      const GeneratorOptions& options = {});

// The same case with its shrink tree (for runners of their own, e.g. real clients).
rc::Shrinkable<Scenario> GenerateShrinkableCase(const consumer::StrategyInfo& strategy,
                                                uint64_t seed, uint64_t case_index,
                                                const GeneratorOptions& options = {});

// The check engine: the corpus (each scenario adapted to `strategy`, AdaptScenario), then the
// generated cases of `strategy` this shard owns, each run by `runner`; the first failure is
// shrunk by re-running `runner` on its shrink tree, then on structural candidates.
// InvalidArgument for bad options (neither cases nor corpus, jobs or batch_per_job < 1, shard
// index not below the count); a runner's error on a corpus scenario or a generated case,
// prefixed with its name ("case 17: ...").
absl::StatusOr<CheckResult> CheckCases(const consumer::StrategyInfo& strategy, CaseRunner& runner,
                                       const CheckOptions& options);

// CheckCases of `strategy` with StrategyRunner. InvalidArgument for bad options (no cases, jobs
// < 1, shard index not below the count), an unknown expected property or an invalid corpus
// scenario.
absl::StatusOr<CheckResult> CheckStrategy(const consumer::StrategyInfo& strategy,
                                          const CheckOptions& options);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_CHECK_H_
