// Property runs of one strategy over generated scenarios: deterministic cases, parallel and
// sharded execution, a regression corpus, and shrinking of the first failure.
//
// Case k of a run with seed S is generated from a RapidCheck random source keyed by (S, k) at
// size k mod 101, so a case can be regenerated alone (`shardsim replay --seed S --case K`), any
// number of threads gives exactly the results of one, and shards of a campaign split the case
// space (case k belongs to shard k mod shard_count). The failure reported is the one with the
// lowest case index; it is shrunk greedily (RapidCheck's shrink tree: take the first smaller
// scenario that still fails the same property) to a minimal scenario.
#ifndef SHARDSIM_PROPERTIES_CHECK_H_
#define SHARDSIM_PROPERTIES_CHECK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/scenario.h"

namespace shardsim::properties {

struct CheckOptions {
  uint64_t seed = 1;
  uint64_t cases = 1000;  // the one default: check, ctest property runs, this
  int jobs = 1;
  uint64_t shard_index = 0;
  uint64_t shard_count = 1;
  GeneratorOptions generator;
  bool shrink = true;
  int max_shrink_runs = 5'000;
  // Saved scenarios replayed before any generated case (corpus file name, scenario), adapted
  // to the strategy under check (AdaptScenario).
  std::vector<std::pair<std::string, Scenario>> corpus;
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
};

struct CheckResult {
  std::string strategy;
  uint64_t seed = 0;
  uint64_t cases_run = 0;  // generated cases run by this shard (corpus not counted)
  uint64_t corpus_run = 0;
  std::optional<Counterexample> failure;
  // Trace hash of every generated case run, by case index (for determinism checks).
  std::vector<std::pair<uint64_t, uint64_t>> case_hashes;
};

// The scenario of case `case_index`, as every run with `seed` generates it.
Scenario GenerateCase(const consumer::StrategyInfo& strategy, uint64_t seed, uint64_t case_index,
                      const GeneratorOptions& options = {});

// The same case with its shrink tree (for runners of their own, e.g. real clients).
rc::Shrinkable<Scenario> GenerateShrinkableCase(const consumer::StrategyInfo& strategy,
                                                uint64_t seed, uint64_t case_index,
                                                const GeneratorOptions& options = {});

// InvalidArgument for bad options (no cases, jobs < 1, shard index not below the count) or an
// invalid corpus scenario.
absl::StatusOr<CheckResult> CheckStrategy(const consumer::StrategyInfo& strategy,
                                          const CheckOptions& options);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_CHECK_H_
