// The catalogue's showcase scenarios: for each buggy entry (by strategy name), one small
// hand-written scenario on which the judge reports the entry's expected property first, with
// the strategy and its parameters filled in. They sit beside the loops they show.
#ifndef SHARDSIM_CATALOGUE_BUG_SCENARIOS_H_
#define SHARDSIM_CATALOGUE_BUG_SCENARIOS_H_

#include <vector>

#include "properties/scenario.h"

namespace shardsim::catalogue {

std::vector<properties::Scenario> BugScenarios();

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_BUG_SCENARIOS_H_
