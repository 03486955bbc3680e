// The buggy loop of my_loops.cc registered once more, as a team might before it knew of the
// bug: "my-buggy-loop-claimed-correct", expected to pass. A fuzzer run on it must report the
// violation (cmake/StrategyFuzzerInstallTest.cmake), so the test can tell a fuzzer that
// finds nothing from one that runs.
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

// After RegisterMyLoops (REGISTER calls them in order).
absl::Status RegisterClaimedCorrect(shardsim::consumer::StrategyRegistry& registry) {
  const shardsim::consumer::StrategyInfo* buggy = registry.Find("my-buggy-loop");
  if (buggy == nullptr) return absl::FailedPreconditionError("my-buggy-loop is not registered");
  shardsim::consumer::StrategyInfo claimed = *buggy;
  claimed.name = "my-buggy-loop-claimed-correct";
  claimed.expected.violates.reset();
  return registry.Register(std::move(claimed));
}
