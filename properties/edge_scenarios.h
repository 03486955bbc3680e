// Hand-written edge scenarios, each named after what it shows: situations every correct
// consumer must survive (an idle gap longer than many buckets, a split during catch-up, a
// merge, iterator expiry after slow processing, throttling from a competing reader, a crash
// between processing and checkpointing). A scenario's `strategy` field is left empty; the
// caller sets it. (The catalogue's bug scenarios live beside it: catalogue/bug_scenarios.h.)
#ifndef SHARDSIM_PROPERTIES_EDGE_SCENARIOS_H_
#define SHARDSIM_PROPERTIES_EDGE_SCENARIOS_H_

#include <vector>

#include "properties/scenario.h"

namespace shardsim::properties {

// Names are unique and say what the scenario shows.
std::vector<Scenario> EdgeScenarios();

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_EDGE_SCENARIOS_H_
