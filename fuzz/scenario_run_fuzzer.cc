// Fuzz target: scenario files as `shardsim replay --scenario` and `check --corpus` use them.
// What loads (properties/scenario_json.h) runs (properties/harness.h) with the strategy it
// names, or drain-until-caught-up when it names none the catalogue has, capped at
// kMaxEvents events so that every input runs quickly: the run returns a judged report or an
// InvalidArgument, and nothing in a loaded file stops it (an overflow of virtual time, a broken
// invariant). Shares the scenario_json corpus and dictionary.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "catalogue/catalogue.h"
#include "consumer/strategy_registry.h"
#include "fuzz/fuzz_check.h"
#include "properties/harness.h"
#include "properties/scenario_json.h"

namespace {

namespace properties = shardsim::properties;
using shardsim::consumer::StrategyRegistry;

constexpr uint64_t kMaxEvents = 20'000;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shardsim::catalogue::RegisterCatalogue(StrategyRegistry::Global());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<properties::Scenario> loaded = properties::ScenarioFromJson(text);
  if (!loaded.ok()) return 0;
  const StrategyRegistry& registry = StrategyRegistry::Global();
  const auto* strategy = registry.Find(loaded->strategy);
  if (strategy == nullptr) strategy = registry.Find("drain-until-caught-up");
  properties::Scenario scenario = properties::AdaptScenario(*loaded, *strategy);
  scenario.max_events = std::min(scenario.max_events, kMaxEvents);
  const absl::StatusOr<properties::RunReport> report = properties::RunScenario(scenario);
  if (!report.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(report.status()), report.status().ToString());
    FUZZ_CHECK(!report.status().message().empty(), "an error without a message");
  }
  return 0;
}
