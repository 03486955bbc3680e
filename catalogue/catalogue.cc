#include "catalogue/catalogue.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/check.h"

namespace shardsim::catalogue {

using consumer::StrategyInfo;

// One function per entry, each defined in the file named after it.
StrategyInfo DrainUntilCaughtUpStrategy();
StrategyInfo FollowEveryShardStrategy();
StrategyInfo KclWorkerStrategy();
StrategyInfo LambdaPollerStrategy();
StrategyInfo FanOutWorkerStrategy();
StrategyInfo LambdaEfoStrategy();
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
StrategyInfo ResubscribeAtLatestStrategy();
StrategyInfo EmptyEventMeansCaughtUpStrategy();
StrategyInfo FanOutIgnoreChildShardsStrategy();
StrategyInfo ResubscribeAtSequenceNumberStrategy();
StrategyInfo SubscribeOnceStrategy();

std::vector<StrategyInfo> Entries() {
  return {
      // correct/
      DrainUntilCaughtUpStrategy(),
      FollowEveryShardStrategy(),
      KclWorkerStrategy(),
      LambdaPollerStrategy(),
      FanOutWorkerStrategy(),
      LambdaEfoStrategy(),
      // buggy/
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
      ResubscribeAtLatestStrategy(),
      EmptyEventMeansCaughtUpStrategy(),
      FanOutIgnoreChildShardsStrategy(),
      ResubscribeAtSequenceNumberStrategy(),
      SubscribeOnceStrategy(),
  };
}

void RegisterCatalogue(consumer::StrategyRegistry& registry) {
  for (StrategyInfo& info : Entries()) {
    const std::string name = info.name;
    const absl::Status status = registry.Register(std::move(info));
    SHARDSIM_CHECK(status.ok(),
                   absl::StrCat("catalogue entry ", name, ": ", std::string(status.message())));
  }
}

}  // namespace shardsim::catalogue
