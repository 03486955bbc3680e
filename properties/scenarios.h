// Hand-written scenarios, each named after what it shows.
//
// Edge scenarios are situations every correct consumer must survive (an idle gap longer than
// many buckets, a split during catch-up, a merge, iterator expiry after slow processing,
// throttling from a competing reader, a crash between processing and checkpointing). Bug
// scenarios each make one buggy catalogue entry break its expected property.
// A scenario's `strategy` field is left empty; the caller sets it.
#ifndef SHARDSIM_PROPERTIES_SCENARIOS_H_
#define SHARDSIM_PROPERTIES_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "properties/scenario.h"

namespace shardsim::properties {

// Defined in scenarios_edge.cc. Names are unique and say what the scenario shows.
std::vector<Scenario> EdgeScenarios();

// Defined in scenarios_bugs.cc: for each buggy catalogue entry (by strategy name), the
// scenario that shows its bug, with the strategy and its parameters filled in.
std::vector<Scenario> BugScenarios();

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIOS_H_
