// Property runs of a strategy as GoogleTest tests, for ctest.
//
//   SHARDSIM_STRATEGY_PROPERTY(MyLoop, MeetsItsExpectedVerdict, "my-team-loop", "my-shardsim",
//   1000);
//
// runs the strategy on generated cases exactly as `my-shardsim check --strategy my-team-loop`
// does (properties/check.h: case k of seed S, shrinking of the first failure) and passes when
// the result meets the strategy's expected verdict (StrategyInfo.expected): every property
// holds for a correct loop; a known-buggy loop kept in the suite passes when it fails with its
// expected property and fails otherwise. The seed is 1 and the cases the number given, so two
// runs print the same bytes; $SHARDSIM_SEED (a number, or `random`) and $SHARDSIM_CASES change
// them, and the seed is printed first. A failure prints the report with the commands of
// `program` that replay it, and saves the minimal scenario in FailureDirectoryFromEnvironment()
// (named in the replay line by its full path, so that the line pastes from any folder).
//
//   SHARDSIM_STRATEGY_CORPUS(MyLoop, PassesTheRegressionCorpus, "my-team-loop", "dir");
//
// replays every saved scenario of a folder with the strategy; a malformed file fails the test
// naming the file. The CMake function shardsim_add_strategy_property() writes both for you.
#ifndef SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_
#define SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"

namespace shardsim::properties {

// Where the glue saves failing scenarios: $SHARDSIM_FAILURE_DIR, or ./shardsim-failures when
// it is unset or empty. With SHARDSIM_SEED and SHARDSIM_CASES, the only environment
// properties/ reads: ctest runs the tests, so the environment is how a user points them.
std::string FailureDirectoryFromEnvironment();

// Checks `strategy` against its expected verdict; prints the seed and case count first.
// Returns "" when the verdict is met, else what went wrong (with the failure report).
std::string RunStrategyProperty(const std::string& strategy, const std::string& program,
                                uint64_t default_cases);
// Replays a corpus folder; returns a failure message, or "" when every scenario passes.
std::string ReplayCorpus(const std::string& strategy, const std::string& directory);

// An explicit registration function of the user's (absl::Status F(StrategyRegistry&)), run
// once per process into the global registry however many tests name it. Its error, if any,
// is returned by every later call and fails the tests.
using RegisterFunction = absl::Status (*)(consumer::StrategyRegistry&);
absl::Status RegisterOnce(RegisterFunction function);

}  // namespace shardsim::properties

#define SHARDSIM_STRATEGY_PROPERTY(Suite, Name, strategy, program, cases)      \
  TEST(Suite, Name) {                                                          \
    const std::string failure =                                                \
        ::shardsim::properties::RunStrategyProperty(strategy, program, cases); \
    if (!failure.empty()) FAIL() << failure;                                   \
  }

#define SHARDSIM_STRATEGY_CORPUS(Suite, Name, strategy, directory)                         \
  TEST(Suite, Name) {                                                                      \
    const std::string failure = ::shardsim::properties::ReplayCorpus(strategy, directory); \
    EXPECT_EQ(failure, "");                                                                \
  }

#endif  // SHARDSIM_PROPERTIES_GTEST_PROPERTY_H_
