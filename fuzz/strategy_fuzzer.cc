// Fuzz target for strategies: each input is a scenario, the strategy runs on it, and the judge
// judges the run. A finding is a verdict other than the strategy's expected one (any violation
// for a strategy expected to pass, another property for one expected to fail a given property),
// or with SHARDSIM_FUZZ_REPORT_EXPECTED=1 (or --report-expected) the expected one too; a
// generated scenario the harness refuses is a generator defect and a finding too.
//
// Inputs: scenario JSON (what the custom mutator writes, what a seed holds, and so what a
// crash-* file holds: `shardsim replay --scenario crash-...` runs it), or any other bytes, read
// as the generator's choices (bytes 0-7 the seed, 8 the size mod 101, then up to 16 steps down
// RapidCheck's shrink tree; missing bytes are zero), so that every input is a scenario.
//
// Guidance, beyond the branches of the code that is instrumented (your loop's library; all of
// shardsim too in shardsim's own fuzz build):
//   - the run's domain signal (properties/domain_signal.h: the situations it reached and pairs
//     of them, the judge's statistics, the scenario's shape) as libFuzzer extra counters, so an
//     input that reaches a new domain situation is kept even when no new branch ran;
//   - a custom mutator that edits scenarios structurally (properties/scenario_mutate.h: puts,
//     gaps, crashes, downtimes past retention, reshards, competing readers), and now and then
//     draws a fresh generated case; a cross-over splices two scenarios' puts.
// Runs are repeatable: with a fixed -seed, the same inputs in the same order on any machine
// (the timed corpus reload is off unless -reload is given; see TurnOffTimedReload).
// The first corpus directory, when it is empty, is given seeds first: generated cases of the
// strategy, two for each of the generator's focus slots, so no run starts from empty inputs.
//
// A finding is shrunk with `check`'s shrinker and saved next to libFuzzer's crash input (in
// -artifact_prefix) as two scenario files, the input as run and its minimal witness, with the
// replay line printed. Each finding says after how many executions of this process it came.
//
// The strategy: --strategy=NAME after the libFuzzer flags (libFuzzer ignores flags that start
// with "--"), or SHARDSIM_FUZZ_STRATEGY; kcl-worker by default. The strategies known are those
// ShardsimFuzzRegisterStrategies registers: the catalogue for the fuzzer built here, your own
// through shardsim_add_strategy_fuzzer (cmake/ShardsimAddStrategyFuzzer.cmake), which also
// names the command replay lines use (kShardsimFuzzCli). Self-contained (no fuzz/ header), as
// it is installed.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/domain_signal.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/property.h"
#include "properties/scenario.h"
#include "properties/scenario_json.h"
#include "properties/scenario_mutate.h"
#include "sim/random.h"

// Defined by the registration source shardsim_add_strategy_fuzzer generates.
absl::Status ShardsimFuzzRegisterStrategies(shardsim::consumer::StrategyRegistry& registry);
extern const char kShardsimFuzzCli[];

namespace {

namespace properties = shardsim::properties;
using shardsim::consumer::StrategyInfo;
using shardsim::consumer::StrategyRegistry;

constexpr size_t kHeaderBytes = 9;
constexpr size_t kMaxShrinkSteps = 16;
constexpr char kDefaultStrategy[] = "kcl-worker";
constexpr int kSeedsPerFocusSlot = 2;
constexpr int kFocusSlots = 9;
// One mutation in this many draws a fresh generated case instead of editing the input.
constexpr uint64_t kFreshCaseOneIn = 8;

// libFuzzer reads every byte of this section as a coverage counter after each run (and clears
// them before the next).
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t g_domain_counters[properties::kDomainSignalSize];

struct Settings {
  const StrategyInfo* strategy = nullptr;
  bool report_expected = false;
  std::string artifact_prefix = "./";
  uint64_t libfuzzer_seed = 1;
};
Settings g;
uint64_t g_executions = 0;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "strategy_fuzzer: %s\n", message.c_str());
  std::exit(2);
}

uint64_t Word(const uint8_t* data, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | (i < size ? data[i] : 0);
  return v;
}

// The generator's scenario for raw bytes (see the header).
properties::Scenario GeneratedFromBytes(const uint8_t* data, size_t size) {
  uint64_t mix = Word(data, size);
  const rc::Random::Key key{shardsim::sim::SplitMix64Next(mix), shardsim::sim::SplitMix64Next(mix),
                            shardsim::sim::SplitMix64Next(mix), shardsim::sim::SplitMix64Next(mix)};
  const int generator_size = size > 8 ? data[8] % 101 : 0;
  properties::GeneratorOptions options;
  options.focus_index = Word(data, size) % kFocusSlots;
  rc::Shrinkable<properties::Scenario> shrinkable =
      properties::GenScenario(*g.strategy, options)(rc::Random(key), generator_size);
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

bool LooksLikeJson(const uint8_t* data, size_t size) { return size > 0 && data[0] == '{'; }

// The scenario an input stands for; an error for JSON that is not a scenario.
absl::StatusOr<properties::Scenario> Decode(const uint8_t* data, size_t size) {
  if (!LooksLikeJson(data, size)) return GeneratedFromBytes(data, size);
  absl::StatusOr<properties::Scenario> s =
      properties::ScenarioFromJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!s.ok()) return s.status();
  return properties::AdaptScenario(*s, *g.strategy);
}

size_t Encode(const properties::Scenario& s, uint8_t* out, size_t max_size) {
  const std::string json = properties::ScenarioToJson(s, properties::JsonLayout::kCompact);
  if (json.size() > max_size) return 0;
  std::memcpy(out, json.data(), json.size());
  return json.size();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// Seeds for an empty first corpus directory (see the header).
void WriteSeeds(const std::filesystem::path& dir) {
  for (int i = 0; i < kSeedsPerFocusSlot * kFocusSlots; ++i) {
    // Cases 0, 11, ..., 187: each focus slot twice, at sizes spread over the generator's range
    // (0 to 100), as `check` runs them.
    const uint64_t case_index = static_cast<uint64_t>(i) * 11;
    const properties::Scenario s =
        properties::GenerateCase(*g.strategy, g.libfuzzer_seed, case_index);
    const std::string name = absl::StrFormat("seed-%s-%02d.json", g.strategy->name, i);
    if (!WriteFile((dir / name).string(), properties::ScenarioToJson(s))) {
      Die("cannot write the seed corpus into " + dir.string());
    }
  }
  std::fprintf(stderr, "strategy_fuzzer: seeded %s with %d generated cases of %s\n",
               dir.string().c_str(), kSeedsPerFocusSlot * kFocusSlots, g.strategy->name.c_str());
}

void SeedFirstCorpus(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    std::error_code error;
    const std::filesystem::path dir(argv[i]);
    if (!std::filesystem::is_directory(dir, error)) return;  // a file to run, or not there
    if (std::filesystem::directory_iterator(dir, error) == std::filesystem::directory_iterator()) {
      WriteSeeds(dir);
    }
    return;
  }
}

// libFuzzer rereads the corpus folder every -reload seconds (1 by default) and runs what it
// finds there afresh, among it the seeds a smaller input has replaced: when that happens depends
// on the machine's speed, and so would the inputs tried after it. Unless the command line sets
// -reload, it is 0 here, so that a run with a fixed -seed tries the same inputs on a busy
// machine and an idle one. (libFuzzer reads its flags after LLVMFuzzerInitialize.)
void TurnOffTimedReload(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    if (std::string_view((*argv)[i]).substr(0, 8) == "-reload=") return;
  }
  static std::vector<char*> arguments;
  static char reload_off[] = "-reload=0";
  arguments.assign(*argv, *argv + *argc);
  arguments.push_back(reload_off);
  arguments.push_back(nullptr);
  *argv = arguments.data();
  *argc += 1;
}

void ParseArguments(int argc, char** argv, std::string& name) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    auto value = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg.substr(0, flag.size()) != flag) return std::nullopt;
      return std::string(arg.substr(flag.size()));
    };
    if (auto v = value("--strategy=")) {
      name = *v;
    } else if (arg == "--report-expected") {
      g.report_expected = true;
    } else if (arg.substr(0, 2) == "--") {  // libFuzzer would ignore it without a word
      Die("unknown flag '" + std::string(arg) + "' (--strategy=NAME, --report-expected)");
    }
    if (auto v = value("-artifact_prefix=")) g.artifact_prefix = *v;
    if (auto v = value("-seed=")) g.libfuzzer_seed = std::strtoull(v->c_str(), nullptr, 10);
  }
}

bool IsFinding(const properties::RunReport& report) {
  if (!report.violation) return false;
  const std::string property(properties::PropertyName(report.violation->property));
  const bool expected = g.strategy->expected.violates && *g.strategy->expected.violates == property;
  return !expected || g.report_expected;
}

// `check`'s runner, except that the minimal scenario is not run again with its trace: only the
// summary is printed here, and a trace of millions of records takes GB under ASan.
class UntracedRunner : public properties::StrategyRunner {
 public:
  properties::CaseRun ReportRun(const properties::Scenario& /*minimal*/,
                                properties::CaseRun last) const override {
    return last;
  }
};

// Shrinks a finding with `check`'s shrinker, saves it and its witness, and says how to replay.
[[noreturn]] void ReportFinding(const properties::Scenario& scenario,
                                const properties::RunReport& report) {
  std::fprintf(stderr, "strategy_fuzzer: finding after %llu executions: %s (expected %s): %s\n",
               static_cast<unsigned long long>(g_executions), g.strategy->name.c_str(),
               g.strategy->expected.violates.value_or("pass").c_str(), report.Summary().c_str());
  const std::string stem =
      absl::StrFormat("%sfinding-%s-%016x", g.artifact_prefix, g.strategy->name, report.trace_hash);
  const std::string as_run = stem + ".json", minimal_path = stem + "-minimal.json";
  if (!WriteFile(as_run, properties::ScenarioToJson(scenario))) Die("cannot write " + as_run);
  UntracedRunner runner;
  properties::CheckOptions options;
  options.cases = 0;
  options.corpus = {{as_run, scenario}};
  options.shrink_corpus = true;
  absl::StatusOr<properties::CheckResult> shrunk =
      properties::CheckCases(*g.strategy, runner, options);
  if (shrunk.ok() && shrunk->failure) {
    const properties::Counterexample& c = *shrunk->failure;
    if (!WriteFile(minimal_path, properties::ScenarioToJson(c.minimal))) {
      Die("cannot write " + minimal_path);
    }
    std::fprintf(stderr,
                 "strategy_fuzzer: shrunk in %d steps (%d runs) from %zu records to %zu: %s\n",
                 c.shrink_steps, c.shrink_runs, scenario.puts.size(), c.minimal.puts.size(),
                 c.report.Summary().c_str());
    std::fprintf(stderr, "strategy_fuzzer: saved %s (as run) and %s (minimal)\n", as_run.c_str(),
                 minimal_path.c_str());
    std::fprintf(stderr, "replay: %s replay --scenario %s\n", kShardsimFuzzCli,
                 minimal_path.c_str());
  } else {
    std::fprintf(stderr, "strategy_fuzzer: saved %s; shrinking it did not fail again (%s)\n",
                 as_run.c_str(),
                 shrunk.ok() ? "it passed" : std::string(shrunk.status().message()).c_str());
    std::fprintf(stderr, "replay: %s replay --scenario %s\n", kShardsimFuzzCli, as_run.c_str());
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace

// ASan's defaults, overridden by ASAN_OPTIONS:
//   - malloc_context_size=1: ASan records the stack of every allocation, and walks it by frame
//     pointers, which an installed (Release) shardsim library does not keep: each walk through
//     one reads garbage frames, every record is a new stack, and its stack depot grows without
//     end (850 MB within 3,000 executions, most of the time in StackDepot::Put). One frame, the
//     allocation's caller, is always right; a report's own stack is still unwound in full.
//   - quarantine_size_mb=32: the quarantine holds freed memory back for 256 MB by default, and
//     the runs free a great deal (every page a consumer reads); 32 MB still catches a use of
//     memory freed within the same run.
extern "C" const char* __asan_default_options() {
  return "malloc_context_size=1:quarantine_size_mb=32";
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  StrategyRegistry& registry = StrategyRegistry::Global();
  if (absl::Status s = ShardsimFuzzRegisterStrategies(registry); !s.ok()) {
    Die("registering strategies: " + std::string(s.message()));
  }
  std::string name = kDefaultStrategy;
  if (const char* env = std::getenv("SHARDSIM_FUZZ_STRATEGY"); env != nullptr && *env != '\0') {
    name = env;
  }
  if (const char* env = std::getenv("SHARDSIM_FUZZ_REPORT_EXPECTED"); env != nullptr) {
    const std::string_view value(env);
    if (value != "0" && value != "1" && !value.empty()) {
      Die("SHARDSIM_FUZZ_REPORT_EXPECTED must be 1 or 0, got '" + std::string(value) + "'");
    }
    g.report_expected = value == "1";
  }
  ParseArguments(*argc, *argv, name);
  g.strategy = registry.Find(name);
  if (g.strategy == nullptr) {
    Die("unknown strategy '" + name + "' (SHARDSIM_FUZZ_STRATEGY or --strategy=NAME)");
  }
  std::fprintf(stderr, "strategy_fuzzer: strategy %s, expected %s%s\n", name.c_str(),
               g.strategy->expected.violates.value_or("pass").c_str(),
               g.report_expected ? " (reported too: --report-expected)" : "");
  SeedFirstCorpus(*argc, *argv);
  TurnOffTimedReload(argc, argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ++g_executions;
  const absl::StatusOr<properties::Scenario> scenario = Decode(data, size);
  if (!scenario.ok()) {  // JSON, but not a scenario (a file put in the corpus): not kept
    std::fprintf(stderr, "strategy_fuzzer: skipped an input that is not a scenario: %s\n",
                 std::string(scenario.status().message()).c_str());
    return -1;
  }
  const absl::StatusOr<properties::RunReport> report = properties::RunScenario(*scenario);
  if (!report.ok()) {
    if (LooksLikeJson(data, size)) {  // a saved scenario this strategy cannot run: not kept
      std::fprintf(stderr, "strategy_fuzzer: skipped a scenario the harness refuses: %s\n",
                   std::string(report.status().message()).c_str());
      return -1;
    }
    std::fprintf(stderr, "strategy_fuzzer: the harness refuses a generated scenario: %s\n%s\n",
                 std::string(report.status().message()).c_str(),
                 properties::ScenarioToJson(*scenario).c_str());
    std::abort();
  }
  properties::DomainSignal(*report, *scenario, std::span(g_domain_counters));
  if (IsFinding(*report)) ReportFinding(*scenario, *report);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  shardsim::sim::Random rng(seed);
  absl::StatusOr<properties::Scenario> current = Decode(data, size);
  if (!current.ok() || rng.Below(kFreshCaseOneIn) == 0) {
    current = properties::GenerateCase(*g.strategy, rng.NextU64(), rng.Below(101));
  } else {
    current = properties::MutateScenario(*current, *g.strategy, rng.NextU64());
  }
  if (const size_t written = Encode(*current, data, max_size); written > 0) return written;
  // Too long for max_size: the generator's bytes of a fresh case fit any length.
  const size_t n = std::min(max_size, kHeaderBytes);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(rng.NextU64());
  return n;
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  absl::StatusOr<properties::Scenario> first = Decode(data1, size1);
  absl::StatusOr<properties::Scenario> second = Decode(data2, size2);
  if (!first.ok() || !second.ok()) return 0;
  return Encode(properties::CrossOverScenarios(*first, *second, *g.strategy, seed), out,
                max_out_size);
}
