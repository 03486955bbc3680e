#include "properties/check.h"

#include <gtest/gtest.h>

#include "model/consumer.h"

namespace shardsim::properties {
namespace {

const model::StrategyInfo& Strategy(const std::string& name) {
  const model::StrategyInfo* info = model::StrategyRegistry::Global().Find(name);
  SHARDSIM_CHECK(info != nullptr, name);
  return *info;
}

TEST(Check, TheDrainLoopPassesGeneratedCases) {
  CheckOptions options;
  options.seed = 7;
  options.cases = 2000;
  auto result = CheckStrategy(Strategy("drain-until-caught-up"), options);
  ASSERT_TRUE(result.ok()) << result.status();
  if (result->failure) {
    FAIL() << result->failure->origin << "\n" << ShowScenario(result->failure->minimal) << "\n"
           << result->failure->report.Summary() << "\n"
           << result->failure->report.trace_text.substr(0, 6000);
  }
  EXPECT_EQ(result->cases_run, 2000u);
}

}  // namespace
}  // namespace shardsim::properties
