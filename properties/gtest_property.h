// Property runs of a strategy as GoogleTest tests, for ctest.
//
//   SHARDSIM_STRATEGY_PROPERTY(MyLoop, HoldsEveryProperty, "my-team-loop");
//
// defines a RapidCheck property (RC_GTEST_PROP, so RC_PARAMS is honoured: max_success,
// seed, reproduce, ...) that runs the strategy on generated scenarios and fails on the first
// property violation. RapidCheck shrinks the failure; the minimal case is printed with its
// timeline and saved as JSON (in FailureDirectoryFromEnvironment()) for
// `shardsim replay --scenario`.
//
//   SHARDSIM_STRATEGY_CORPUS(MyLoop, PassesTheRegressionCorpus, "my-team-loop", "dir");
//
// replays every saved scenario of a folder with the strategy; a malformed file fails the test
// naming the file. The CMake function shardsim_add_strategy_property() writes both for you.
#ifndef SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_
#define SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_

#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace shardsim::properties {

// Where the glue saves failing scenarios: $SHARDSIM_FAILURE_DIR, or ./shardsim-failures when
// it is unset or empty. The one place under properties/ that reads the environment: ctest
// runs the tests, so the environment is how a user points them somewhere.
std::string FailureDirectoryFromEnvironment();

// The body of one RapidCheck case for `strategy` (RC_ASSERT / RC_FAIL inside).
void StrategyPropertyCase(const std::string& strategy);
// Replays a corpus folder; returns a failure message, or "" when every scenario passes.
std::string ReplayCorpus(const std::string& strategy, const std::string& directory);

}  // namespace shardsim::properties

#define SHARDSIM_STRATEGY_PROPERTY(Suite, Name, strategy)                     \
  RC_GTEST_PROP(Suite, Name, ()) {                                            \
    ::shardsim::properties::StrategyPropertyCase(strategy);                   \
  }

#define SHARDSIM_STRATEGY_CORPUS(Suite, Name, strategy, directory)            \
  TEST(Suite, Name) {                                                         \
    const std::string failure =                                               \
        ::shardsim::properties::ReplayCorpus(strategy, directory);            \
    EXPECT_EQ(failure, "");                                                   \
  }

#endif  // SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_
