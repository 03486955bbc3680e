// The built-in catalogue of consumer loops seen in real code, correct and buggy. Each entry
// is one short file under correct/ or buggy/ that says what real code it reflects, links the
// public source and declares its expected verdict.
#ifndef SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_
#define SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_

#include <vector>

#include "model/consumer.h"

namespace shardsim::model::catalogue {

// Every correct entry (correct/index.cc) and every buggy entry (buggy/index.cc).
std::vector<StrategyInfo> CorrectLoops();
std::vector<StrategyInfo> BuggyLoops();

}  // namespace shardsim::model::catalogue

#endif  // SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_
