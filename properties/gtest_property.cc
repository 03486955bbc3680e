#include "properties/gtest_property.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "properties/failure_report.h"
#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/scenario_files.h"

namespace shardsim::properties {

std::string FailureDirectoryFromEnvironment() {
  const char* dir = std::getenv("SHARDSIM_FAILURE_DIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("shardsim-failures");
}

void StrategyPropertyCase(const std::string& strategy) {
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(strategy);
  if (info == nullptr) RC_FAIL(absl::StrCat("unknown strategy '", strategy, "'"));
  const Scenario scenario = *GenScenario(*info);
  const absl::StatusOr<RunReport> report = RunScenario(scenario);
  RC_ASSERT(report.ok());
  if (report->passed()) return;
  // Shrinking calls this again for smaller scenarios; the last failure it sees is the minimal
  // one, so a file per strategy ends up holding it.
  const absl::StatusOr<RunReport> traced = RunScenario(scenario, RunOptions{.keep_trace = true});
  RC_ASSERT(traced.ok());
  const absl::StatusOr<std::string> saved =
      SaveScenarioInDirectory(scenario, FailureDirectoryFromEnvironment(), strategy);
  RC_LOG() << FormatFailureReport(FailureReportParts{
      &scenario, &*traced, "a RapidCheck case", saved.ok() ? *saved : "", "", -1});
  RC_FAIL(report->Summary());
}

std::string ReplayCorpus(const std::string& strategy, const std::string& directory) {
  const auto corpus = ReadScenarioCorpus(directory);
  if (!corpus.ok()) return std::string(corpus.status().message());
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(strategy);
  if (info == nullptr) return absl::StrCat("unknown strategy '", strategy, "'");
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
