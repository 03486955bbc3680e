#include "model/catalogue/catalogue.h"

namespace shardsim::model::catalogue {

std::vector<StrategyInfo> BuggyLoops() {
  return {};
}

}  // namespace shardsim::model::catalogue
