// The catalogue is registered only when asked, its one list of entries matches the entry files
// on disk, and every expected verdict names a property the judge knows.
#include "catalogue/catalogue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/property.h"

namespace shardsim::catalogue {
namespace {

size_t EntryFiles(const char* folder) {
  size_t count = 0;
  for (const auto& file : std::filesystem::directory_iterator(
           std::filesystem::path(SHARDSIM_CATALOGUE_DIR) / folder)) {
    if (file.path().extension() == ".cc") ++count;
  }
  return count;
}

TEST(Catalogue, LinkingItRegistersNothingUntilRegisterCatalogueIsCalled) {
  EXPECT_TRUE(consumer::StrategyRegistry::Global().All().empty());
  consumer::StrategyRegistry registry;
  RegisterCatalogue(registry);
  EXPECT_EQ(registry.All().size(), Entries().size());
  EXPECT_TRUE(consumer::StrategyRegistry::Global().All().empty());
}

TEST(Catalogue, ListsOneEntryPerFileInCorrectAndBuggy) {
  size_t correct = 0;
  size_t buggy = 0;
  std::set<std::string> names;
  for (const consumer::StrategyInfo& info : Entries()) {
    (info.expected.violates.has_value() ? buggy : correct) += 1;
    EXPECT_TRUE(names.insert(info.name).second) << info.name << " is listed twice";
  }
  EXPECT_EQ(correct, EntryFiles("correct"));
  EXPECT_EQ(buggy, EntryFiles("buggy"));
}

TEST(Catalogue, EveryExpectedVerdictNamesAKnownProperty) {
  for (const consumer::StrategyInfo& info : Entries()) {
    const auto expected = properties::ExpectedViolation(info);
    ASSERT_TRUE(expected.ok()) << expected.status();
    EXPECT_EQ(expected->has_value(), info.expected.violates.has_value()) << info.name;
  }
}

TEST(ExpectedViolation, CheckingAStrategyThatExpectsAnUnknownPropertyFailsNamingIt) {
  consumer::StrategyInfo info = Entries().front();
  info.expected.violates = "no_lost_records";
  const auto checked = properties::CheckStrategy(info, {.cases = 1});
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(checked.status().message().find("'no_lost_records', which is not a property"),
            absl::string_view::npos)
      << checked.status();
}

}  // namespace
}  // namespace shardsim::catalogue
