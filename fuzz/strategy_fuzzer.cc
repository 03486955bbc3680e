// Fuzz target for strategies: the fuzzer's bytes pick a scenario through the same generators
// `shardsim check` uses (properties/generators.h), and the strategy runs on it, judged by the
// judge. Coverage guidance then steers toward scenarios that take the strategy's (and the
// model's) untried branches. A finding is a run whose verdict is not the strategy's expected
// one: any violation for a strategy expected to pass, another property for one expected to fail
// a given property; a scenario the harness refuses is a generator defect and a finding too.
//
// Bytes: 0-7 the generator's seed, 8 the size (mod 101), then up to kMaxShrinkSteps bytes that
// walk RapidCheck's shrink tree from the generated scenario (byte b: take the (b mod 16)-th
// smaller scenario; 255 stops), so a small change of the input is a small change of the
// scenario.
//
// The strategy: --strategy=NAME after the libFuzzer flags (libFuzzer ignores flags that start
// with "--"), or the environment variable SHARDSIM_FUZZ_STRATEGY; kcl-worker by default. The
// strategies known are those ShardsimFuzzRegisterStrategies registers: the catalogue for the
// fuzzer built here, your own through shardsim_add_strategy_fuzzer (cmake/
// ShardsimAddStrategyFuzzer.cmake). Self-contained (no fuzz/ header), as it is installed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "consumer/strategy_registry.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/property.h"
#include "properties/scenario.h"
#include "properties/scenario_json.h"
#include "sim/random.h"

// Defined by the registration source shardsim_add_strategy_fuzzer generates.
absl::Status ShardsimFuzzRegisterStrategies(shardsim::consumer::StrategyRegistry& registry);

namespace {

namespace properties = shardsim::properties;
using shardsim::consumer::StrategyInfo;
using shardsim::consumer::StrategyRegistry;

constexpr size_t kHeaderBytes = 9;
constexpr size_t kMaxShrinkSteps = 16;
constexpr char kDefaultStrategy[] = "kcl-worker";

const StrategyInfo* g_strategy = nullptr;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "strategy_fuzzer: %s\n", message.c_str());
  std::exit(2);
}

uint64_t Word(const uint8_t* data) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data[i];
  return v;
}

properties::Scenario ScenarioFor(const uint8_t* data, size_t size) {
  uint64_t mix = Word(data);
  const rc::Random::Key key{shardsim::sim::SplitMix64Next(mix), shardsim::sim::SplitMix64Next(mix),
                            shardsim::sim::SplitMix64Next(mix), shardsim::sim::SplitMix64Next(mix)};
  const int generator_size = data[8] % 101;
  rc::Shrinkable<properties::Scenario> shrinkable =
      properties::GenScenario(*g_strategy)(rc::Random(key), generator_size);
  for (size_t i = kHeaderBytes; i < size && i < kHeaderBytes + kMaxShrinkSteps; ++i) {
    if (data[i] == 255) break;
    rc::Seq<rc::Shrinkable<properties::Scenario>> shrinks = shrinkable.shrinks();
    rc::Maybe<rc::Shrinkable<properties::Scenario>> pick;
    for (int skip = data[i] % 16; skip >= 0; --skip) {
      rc::Maybe<rc::Shrinkable<properties::Scenario>> next = shrinks.next();
      if (!next) break;
      pick = std::move(next);
    }
    if (!pick) break;
    shrinkable = *std::move(pick);
  }
  return shrinkable.value();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  StrategyRegistry& registry = StrategyRegistry::Global();
  if (absl::Status s = ShardsimFuzzRegisterStrategies(registry); !s.ok()) {
    Die("registering strategies: " + std::string(s.message()));
  }
  std::string name = kDefaultStrategy;
  if (const char* env = std::getenv("SHARDSIM_FUZZ_STRATEGY"); env != nullptr && *env != '\0') {
    name = env;
  }
  for (int i = 1; i < *argc; ++i) {
    constexpr std::string_view kFlag = "--strategy=";
    if (std::string_view((*argv)[i]).substr(0, kFlag.size()) == kFlag) {
      name = (*argv)[i] + kFlag.size();
    }
  }
  g_strategy = registry.Find(name);
  if (g_strategy == nullptr)
    Die("unknown strategy '" + name + "' (SHARDSIM_FUZZ_STRATEGY or --strategy=NAME)");
  std::fprintf(stderr, "strategy_fuzzer: strategy %s, expected %s\n", name.c_str(),
               g_strategy->expected.violates.value_or("pass").c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeaderBytes) return 0;
  const properties::Scenario scenario = ScenarioFor(data, size);
  const absl::StatusOr<properties::RunReport> report = properties::RunScenario(scenario);
  if (!report.ok()) {
    std::fprintf(stderr, "strategy_fuzzer: the harness refuses a generated scenario: %s\n%s\n",
                 std::string(report.status().message()).c_str(),
                 properties::ScenarioToJson(scenario).c_str());
    std::abort();
  }
  if (!report->violation) return 0;
  const std::string property(properties::PropertyName(report->violation->property));
  if (g_strategy->expected.violates && *g_strategy->expected.violates == property) return 0;
  std::fprintf(stderr,
               "strategy_fuzzer: %s (expected %s): %s\nscenario (save it and run `shardsim replay "
               "--scenario FILE`):\n%s\n",
               g_strategy->name.c_str(), g_strategy->expected.violates.value_or("pass").c_str(),
               report->Summary().c_str(), properties::ScenarioToJson(scenario).c_str());
  std::abort();
}
