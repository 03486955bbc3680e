// Strategy registration and parameter validation (consumer/strategy_registry.h), on private
// registries.
#include "consumer/strategy_registry.h"

#include <gtest/gtest.h>

#include <string>

#include "properties/property.h"

namespace shardsim::consumer {
namespace {

sim::Task<void> DoNothing(ConsumerContext&) { co_return; }

StrategyInfo Loop(std::string name) {
  return StrategyInfo{.name = std::move(name), .description = "does nothing", .run = DoNothing};
}

ParamSpec Param(std::string name, int64_t def, int64_t min, int64_t max) {
  return ParamSpec{
      .name = std::move(name), .default_value = def, .min_value = min, .max_value = max};
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(StrategyRegistry, RegistersAndFindsByNameAndListsInNameOrder) {
  StrategyRegistry registry;
  ASSERT_TRUE(registry.Register(Loop("zeta")).ok());
  ASSERT_TRUE(registry.Register(Loop("alpha-2")).ok());
  ASSERT_NE(registry.Find("zeta"), nullptr);
  EXPECT_EQ(registry.Find("zeta")->name, "zeta");
  EXPECT_EQ(registry.Find("zet"), nullptr);
  ASSERT_EQ(registry.All().size(), 2u);
  EXPECT_EQ(registry.All()[0]->name, "alpha-2");
  EXPECT_EQ(registry.All()[1]->name, "zeta");
}

TEST(StrategyRegistry, RefusesADuplicateNameAndKeepsTheFirst) {
  StrategyRegistry registry;
  ASSERT_TRUE(registry.Register(Loop("loop")).ok());
  StrategyInfo second = Loop("loop");
  second.description = "the second";
  const absl::Status status = registry.Register(second);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Message(status), "a strategy named 'loop' is already registered");
  EXPECT_EQ(registry.Find("loop")->description, "does nothing");
}

TEST(StrategyRegistry, RefusesABadNameOrAMissingRunFunction) {
  StrategyRegistry registry;
  for (const std::string& bad : {std::string(), std::string("Upper"), std::string("under_score"),
                                 std::string("sp ace"), std::string(65, 'a')}) {
    const absl::Status status = registry.Register(Loop(bad));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(Message(status),
              "strategy name '" + bad + "' must be 1 to 64 characters of [a-z0-9-]");
  }
  EXPECT_TRUE(registry.Register(Loop(std::string(64, 'a'))).ok());
  StrategyInfo no_run = Loop("no-run");
  no_run.run = nullptr;
  EXPECT_EQ(Message(registry.Register(no_run)), "strategy 'no-run' has no run function");
  EXPECT_TRUE(registry.All().size() == 1);
}

TEST(StrategyRegistry, RefusesAMisspeltExpectedPropertyNamingTheKnownOnes) {
  StrategyRegistry registry;
  StrategyInfo misspelt = Loop("misspelt");
  misspelt.expected.violates = "no_false_caughtup";
  const absl::Status status = registry.Register(misspelt);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(status),
            "strategy 'misspelt' expects a violation of 'no_false_caughtup', which is not a "
            "property (the properties are: no_missed_records, no_false_caught_up, "
            "no_false_shard_end, no_duplicates, lineage_order, checkpoint_safety, "
            "expired_iterator_recovered, bounded_call_rate, termination, durable_state, "
            "no_abandoned_shard, no_skipping_subscription)");
  EXPECT_EQ(registry.Find("misspelt"), nullptr) << "so `list` never shows it";
}

TEST(StrategyRegistry, AcceptsEveryPropertyTheJudgeKnowsAsAnExpectedViolation) {
  StrategyRegistry registry;
  for (const properties::Property property : properties::kAllProperties) {
    const std::string name(properties::PropertyName(property));
    StrategyInfo loop = Loop("expects-" + std::to_string(static_cast<int>(property)));
    loop.expected = properties::Violates(property);
    EXPECT_TRUE(registry.Register(loop).ok()) << name;
    EXPECT_EQ(properties::ParseProperty(name), property) << name;
  }
  EXPECT_EQ(registry.All().size(), std::size(properties::kAllProperties));
}

TEST(StrategyRegistry, RefusesInconsistentParameterSpecs) {
  const std::string why =
      "' needs a name, min <= default <= max, and a generated range within [min, max]";
  struct Case {
    ParamSpec spec;
    std::string name;
  };
  ParamSpec generated_outside = Param("g", 5, 1, 10);
  generated_outside.generate_min = 0;
  generated_outside.generate_max = 4;
  const std::vector<Case> cases = {{Param("", 1, 0, 2), ""},
                                   {Param("min-above-max", 1, 3, 2), "min-above-max"},
                                   {Param("default-low", 0, 1, 2), "default-low"},
                                   {Param("default-high", 3, 1, 2), "default-high"},
                                   {generated_outside, "g"}};
  for (const Case& c : cases) {
    StrategyRegistry registry;
    StrategyInfo info = Loop("loop");
    info.params = {c.spec};
    EXPECT_EQ(Message(registry.Register(info)), "strategy 'loop': parameter '" + c.name + why)
        << c.name;
    EXPECT_EQ(registry.Find("loop"), nullptr);
  }
  StrategyRegistry registry;
  StrategyInfo twice = Loop("loop");
  twice.params = {Param("n", 1, 0, 2), Param("n", 1, 0, 2)};
  EXPECT_EQ(Message(registry.Register(twice)), "strategy 'loop' declares parameter 'n' twice");
  ParamSpec within = Param("g", 5, 1, 10);
  within.generate_min = 1;
  within.generate_max = 10;
  StrategyInfo fine = Loop("loop");
  fine.params = {within, Param("n", 0, 0, 0)};
  EXPECT_TRUE(registry.Register(fine).ok());
}

TEST(StrategyRegistry, ResolvesParametersToDefaultsWithOverridesInRange) {
  StrategyRegistry registry;
  StrategyInfo info = Loop("loop");
  info.params = {Param("limit", 100, 1, 10'000), Param("pages", 3, 0, 5)};
  ASSERT_TRUE(registry.Register(info).ok());
  const StrategyInfo& loop = *registry.Find("loop");
  auto defaults = registry.ResolveParams(loop, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(*defaults, (std::map<std::string, int64_t, std::less<>>{{"limit", 100}, {"pages", 3}}));
  auto edges = registry.ResolveParams(loop, {{"limit", 1}, {"pages", 5}});
  ASSERT_TRUE(edges.ok());
  EXPECT_EQ(*edges, (std::map<std::string, int64_t, std::less<>>{{"limit", 1}, {"pages", 5}}));
}

TEST(StrategyRegistry, RefusesAnUnknownParameterNamingTheKnownOnes) {
  StrategyRegistry registry;
  StrategyInfo info = Loop("loop");
  info.params = {Param("limit", 100, 1, 10'000), Param("pages", 3, 0, 5)};
  ASSERT_TRUE(registry.Register(info).ok());
  ASSERT_TRUE(registry.Register(Loop("bare")).ok());
  EXPECT_EQ(Message(registry.ResolveParams(*registry.Find("loop"), {{"limt", 5}}).status()),
            "strategy 'loop' has no parameter 'limt' (it has: limit, pages)");
  EXPECT_EQ(Message(registry.ResolveParams(*registry.Find("bare"), {{"x", 5}}).status()),
            "strategy 'bare' has no parameter 'x' (it has: none)");
}

TEST(StrategyRegistry, RefusesAValueOutOfRangeOnEitherSide) {
  StrategyRegistry registry;
  StrategyInfo info = Loop("loop");
  info.params = {Param("pages", 3, 0, 5)};
  ASSERT_TRUE(registry.Register(info).ok());
  for (const int64_t bad : {int64_t{-1}, int64_t{6}, INT64_MIN, INT64_MAX}) {
    const auto got = registry.ResolveParams(*registry.Find("loop"), {{"pages", bad}});
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Message(got.status()),
              "parameter 'pages' of strategy 'loop' must be between 0 "
              "and 5, got " +
                  std::to_string(bad));
  }
}

}  // namespace
}  // namespace shardsim::consumer
