#include "model/catalogue/catalogue.h"

namespace shardsim::model::catalogue {

// One function per entry, each in its own file.
StrategyInfo StopOnFirstEmptyPageStrategy();
StrategyInfo StopAfterNEmptyPagesStrategy();
StrategyInfo BreakOnZeroLagBeforeProcessingStrategy();
StrategyInfo ZeroLagMeansShardEndStrategy();
StrategyInfo ResumeAtSequenceNumberStrategy();
StrategyInfo ExpiredIteratorFromLatestStrategy();
StrategyInfo ExpiredIteratorFromStartupCheckpointStrategy();
StrategyInfo NoAdvanceOnEmptyPageStrategy();
StrategyInfo CheckpointBeforeProcessingStrategy();
StrategyInfo IgnoreChildShardsStrategy();
StrategyInfo ChildrenBeforeParentsStrategy();
StrategyInfo NoBackoffOnThrottlingStrategy();
StrategyInfo StuckBelowTrimHorizonStrategy();

std::vector<StrategyInfo> BuggyLoops() {
  return {
      StopOnFirstEmptyPageStrategy(),
      StopAfterNEmptyPagesStrategy(),
      BreakOnZeroLagBeforeProcessingStrategy(),
      ZeroLagMeansShardEndStrategy(),
      ResumeAtSequenceNumberStrategy(),
      ExpiredIteratorFromLatestStrategy(),
      ExpiredIteratorFromStartupCheckpointStrategy(),
      NoAdvanceOnEmptyPageStrategy(),
      CheckpointBeforeProcessingStrategy(),
      IgnoreChildShardsStrategy(),
      ChildrenBeforeParentsStrategy(),
      NoBackoffOnThrottlingStrategy(),
      StuckBelowTrimHorizonStrategy(),
  };
}

}  // namespace shardsim::model::catalogue
