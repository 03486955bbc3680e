#include "model/catalogue/catalogue.h"

namespace shardsim::model::catalogue {

// One function per entry, each in its own file.
StrategyInfo DrainUntilCaughtUpStrategy();

std::vector<StrategyInfo> CorrectLoops() {
  return {
      DrainUntilCaughtUpStrategy(),
  };
}

}  // namespace shardsim::model::catalogue
