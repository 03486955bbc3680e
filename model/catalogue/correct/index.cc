#include "model/catalogue/catalogue.h"

namespace shardsim::model::catalogue {

// One function per entry, each in its own file.
StrategyInfo DrainUntilCaughtUpStrategy();
StrategyInfo FollowEveryShardStrategy();
StrategyInfo KclWorkerStrategy();
StrategyInfo LambdaPollerStrategy();

std::vector<StrategyInfo> CorrectLoops() {
  return {
      DrainUntilCaughtUpStrategy(),
      FollowEveryShardStrategy(),
      KclWorkerStrategy(),
      LambdaPollerStrategy(),
  };
}

}  // namespace shardsim::model::catalogue
