// RegisterHiddenLoops in an anonymous namespace: it has internal linkage, so the generated
// sources that call it cannot link (see CMakeLists.txt beside this file).
#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

namespace {

shardsim::sim::Task<void> HiddenLoop(shardsim::consumer::ConsumerContext&) { co_return; }

absl::Status RegisterHiddenLoops(shardsim::consumer::StrategyRegistry& registry) {
  return registry.Register(
      shardsim::consumer::StrategyInfo{.name = "hidden-loop",
                                       .description = "registered from an anonymous namespace",
                                       .run = HiddenLoop});
}

}  // namespace
