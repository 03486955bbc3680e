// A second registration function, for the user-project install test: a test target that names
// two REGISTER functions (RegisterMyLoops, then this one) in one shardsim_add_strategy_property
// call. It registers my-other-loop, a copy of my-team-loop under another name, so it needs
// RegisterMyLoops to have run first, as the generated test calls them in the order given.
#include <string>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

absl::Status RegisterMoreLoops(shardsim::consumer::StrategyRegistry& registry) {
  const shardsim::consumer::StrategyInfo* team = registry.Find("my-team-loop");
  if (team == nullptr) {
    return absl::FailedPreconditionError("RegisterMyLoops must run before RegisterMoreLoops");
  }
  shardsim::consumer::StrategyInfo other = *team;
  other.name = "my-other-loop";
  other.description = "my-team-loop, registered by a second REGISTER function";
  return registry.Register(std::move(other));
}
