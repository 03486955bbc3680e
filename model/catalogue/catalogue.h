// The built-in catalogue of consumer loops seen in real code, correct and buggy. Each entry
// is one short file that says what it reflects and links the public source.
#ifndef SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_
#define SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_

#include "model/consumer.h"

namespace shardsim::model::catalogue {

// Correct loops.
StrategyInfo DrainUntilCaughtUpStrategy();

}  // namespace shardsim::model::catalogue

#endif  // SHARDSIM_MODEL_CATALOGUE_CATALOGUE_H_
