#include "properties/gtest_property.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "properties/campaign_result.h"
#include "properties/check.h"
#include "properties/failure_report.h"
#include "properties/harness.h"
#include "properties/scenario_files.h"

namespace shardsim::properties {

namespace {

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

// SHARDSIM_SEED: unset or empty -> 1; "random" -> a fresh seed, the one nondeterministic
// input a user can ask for (printed first, so the run can be repeated with it); else a number.
absl::StatusOr<uint64_t> SeedFromEnvironment() {
  const std::string text = Environment("SHARDSIM_SEED");
  if (text.empty()) return 1;
  if (text == "random") {
    std::random_device device;  // only on request, here in the test glue, never in a run
    return (static_cast<uint64_t>(device()) << 32) | device();
  }
  uint64_t seed = 0;
  if (!absl::SimpleAtoi(text, &seed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SHARDSIM_SEED must be a number or 'random', got '", text, "'"));
  }
  return seed;
}

absl::StatusOr<uint64_t> CasesFromEnvironment(uint64_t default_cases) {
  const std::string text = Environment("SHARDSIM_CASES");
  if (text.empty()) return default_cases;
  uint64_t cases = 0;
  if (!absl::SimpleAtoi(text, &cases) || cases == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SHARDSIM_CASES must be a positive number, got '", text, "'"));
  }
  return cases;
}

std::string UnknownStrategy(const std::string& strategy) {
  return absl::StrCat(
      "unknown strategy '", strategy,
      "': nothing registered it. Strategies in a library are registered only by an explicit "
      "function (shardsim_add_strategy_property(... REGISTER <function>)); "
      "SHARDSIM_REGISTER_STRATEGY in a static library is dropped by the linker");
}

struct Registrations {
  std::mutex mutex;
  std::set<RegisterFunction> done;
  absl::Status status;
};

Registrations& TheRegistrations() {
  static Registrations* registrations = new Registrations;
  return *registrations;
}

}  // namespace

std::string FailureDirectoryFromEnvironment() {
  const std::string dir = Environment("SHARDSIM_FAILURE_DIR");
  return dir.empty() ? std::string("shardsim-failures") : dir;
}

absl::Status RegisterOnce(RegisterFunction function) {
  Registrations& r = TheRegistrations();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.done.insert(function).second) {
    const absl::Status status = function(consumer::StrategyRegistry::Global());
    if (!status.ok() && r.status.ok()) r.status = status;
  }
  return r.status;
}

std::string RunStrategyProperty(const std::string& strategy, const std::string& program,
                                uint64_t default_cases) {
  if (const absl::Status registered = TheRegistrations().status; !registered.ok()) {
    return absl::StrCat("registering the strategies failed: ", registered.message());
  }
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(strategy);
  if (info == nullptr) return UnknownStrategy(strategy);
  const absl::StatusOr<uint64_t> seed = SeedFromEnvironment();
  if (!seed.ok()) return std::string(seed.status().message());
  const absl::StatusOr<uint64_t> cases = CasesFromEnvironment(default_cases);
  if (!cases.ok()) return std::string(cases.status().message());
  std::printf(
      "shardsim property: strategy %s, seed %llu, %llu cases, expected %s "
      "(SHARDSIM_SEED and SHARDSIM_CASES change them)\n",
      strategy.c_str(), static_cast<unsigned long long>(*seed),
      static_cast<unsigned long long>(*cases), ExpectedVerdictName(*info).c_str());
  std::fflush(stdout);

  CheckOptions options;
  options.seed = *seed;
  options.cases = *cases;
  const absl::StatusOr<CheckResult> result = CheckStrategy(*info, options);
  if (!result.ok()) return std::string(result.status().message());
  const StrategyResult verdict = StrategyResultOf(*info, *result, options, "generated", "");
  if (!result->failure) {
    if (verdict.matches_expected()) {
      std::printf("PASS %s: %llu cases (seed %llu)\n%s", strategy.c_str(),
                  static_cast<unsigned long long>(result->cases_run),
                  static_cast<unsigned long long>(*seed),
                  ProbeTable(verdict.probe_counts(), info->reads, strategy, false).c_str());
      return "";
    }
    return absl::StrCat(strategy, " passed ", result->cases_run, " cases (seed ", *seed,
                        ") but is expected to fail ", ExpectedVerdictName(*info),
                        ": more cases or another seed may find it");
  }
  const Counterexample& c = *result->failure;
  // ctest runs the test in the build folder; the replay lines name the scenario by its full
  // path (and `program` is the command's full path when it is a target of the project), so
  // they paste from wherever the user ran ctest.
  std::error_code no_absolute;
  const std::filesystem::path failure_dir =
      std::filesystem::absolute(FailureDirectoryFromEnvironment(), no_absolute);
  const absl::StatusOr<std::string> saved = SaveScenarioInDirectory(
      c.minimal, no_absolute ? FailureDirectoryFromEnvironment() : failure_dir.string(),
      SavedScenarioStem(strategy, *seed, c.case_index, options.generator));
  std::string report = FormatFailureReport(
      FailureReportParts{&c.minimal, &c.report, absl::StrCat(c.origin, " of seed ", *seed),
                         saved.ok() ? *saved : "", ShellWord(program), c.shrink_steps});
  if (c.case_index) {
    absl::StrAppend(
        &report, "  ",
        ReplayCaseCommand(ShellWord(program), strategy, *seed, *c.case_index, options.generator),
        "   (the case before shrinking)\n");
  }
  if (verdict.matches_expected()) {
    std::printf("EXPECTED FAILURE %s: %s at %s of seed %llu, as StrategyInfo.expected says\n%s",
                strategy.c_str(), ExpectedVerdictName(*info).c_str(), c.origin.c_str(),
                static_cast<unsigned long long>(*seed), report.c_str());
    return "";
  }
  return absl::StrCat("FAIL ", strategy, " (expected ", ExpectedVerdictName(*info), ")\n", report);
}

std::string ReplayCorpus(const std::string& strategy, const std::string& directory) {
  if (const absl::Status registered = TheRegistrations().status; !registered.ok()) {
    return absl::StrCat("registering the strategies failed: ", registered.message());
  }
  const auto corpus = ReadScenarioCorpus(directory);
  if (!corpus.ok()) return std::string(corpus.status().message());
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(strategy);
  if (info == nullptr) return UnknownStrategy(strategy);
  for (const auto& [file, saved] : *corpus) {
    const Scenario scenario = AdaptScenario(saved, *info);
    const absl::StatusOr<RunReport> report = RunScenario(scenario, RunOptions{.keep_trace = true});
    if (!report.ok()) return absl::StrCat(file, ": ", std::string(report.status().message()));
    if (!report->passed()) {
      return FormatFailureReport(FailureReportParts{&scenario, &*report, file, file, "", -1});
    }
  }
  return "";
}

}  // namespace shardsim::properties
