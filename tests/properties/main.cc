// The GoogleTest main of the properties tests: registers the built-in catalogue into the
// process-wide registry (linking it registers nothing), then runs the tests. Test parameter
// lists are evaluated in InitGoogleTest, so they see the catalogue.
#include <gtest/gtest.h>

#include "catalogue/catalogue.h"
#include "consumer/strategy_registry.h"

int main(int argc, char** argv) {
  shardsim::catalogue::RegisterCatalogue(shardsim::consumer::StrategyRegistry::Global());
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
