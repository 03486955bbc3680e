#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "properties/check.h"
#include "properties/failure_report.h"
#include "properties/harness.h"
#include "properties/scenario_files.h"
#include "timeline/timeline.h"

namespace shardsim::cli {

namespace {

properties::Scenario ScenarioToReplay(const ReplayFlags& flags) {
  if (flags.scenario.has_value()) {
    if (flags.seed.has_value() || flags.case_index.has_value() || flags.profile.has_value() ||
        flags.long_gaps) {
      throw InputError(
          "--scenario replays a saved file; it takes no --seed, --case, --profile or --long-gaps");
    }
    absl::StatusOr<properties::Scenario> scenario = properties::ReadScenarioFile(*flags.scenario);
    if (!scenario.ok()) throw InputError(sim::ToString(scenario.status().message()));
    if (flags.strategy.has_value()) {
      return properties::AdaptScenario(*scenario, FindStrategy(*flags.strategy));
    }
    if (scenario->strategy.empty()) {
      throw InputError(absl::StrCat(*flags.scenario, " names no strategy; add --strategy NAME"));
    }
    FindStrategy(scenario->strategy);
    return *scenario;
  }
  if (!flags.strategy.has_value() || !flags.seed.has_value()) {
    throw InputError("replay needs --scenario FILE, or --strategy NAME and --seed S");
  }
  const consumer::StrategyInfo& strategy = FindStrategy(*flags.strategy);
  properties::GeneratorOptions options;
  if (flags.profile) options.profile = ParseProfile(*flags.profile);
  options.long_gaps = flags.long_gaps;
  return properties::GenerateCase(strategy, *flags.seed, flags.case_index.value_or(0), options);
}

}  // namespace

int RunReplay(const ReplayFlags& flags) {
  if (flags.format != "text" && flags.format != "jsonl" && flags.format != "svg") {
    throw InputError(absl::StrCat("--format must be text, jsonl or svg, got '", flags.format, "'"));
  }
  const properties::Scenario scenario = ScenarioToReplay(flags);
  if (flags.format == "svg") {
    absl::StatusOr<timeline::ScenarioPicture> picture = timeline::RenderScenarioSvg(scenario);
    if (!picture.ok()) throw InputError(sim::ToString(picture.status().message()));
    Print(picture->svg);
    return picture->passed ? kExitOk : kExitPropertyFailed;
  }
  // The trace is printed as the run appends it and never kept, so a run of millions of events
  // replays in bounded memory.
  const bool jsonl = flags.format == "jsonl";
  properties::TimelineWriter timeline([](std::string_view text) { Print(text); });
  properties::RunOptions options{.program = ProgramName()};
  if (jsonl) {
    options.on_record = [](const sim::TraceRecord& r) { Print(absl::StrCat(r.ToJson(), "\n")); };
  } else {
    options.on_record = [&timeline](const sim::TraceRecord& r) { timeline.Add(r); };
  }
  absl::StatusOr<properties::RunReport> report = properties::RunScenario(scenario, options);
  if (!report.ok()) throw InputError(sim::ToString(report.status().message()));
  if (jsonl) {
    nlohmann::json verdict{{"verdict", report->passed() ? "pass" : "fail"},
                           {"trace_hash", sim::FormatTraceHash(report->trace_hash)}};
    if (!report->passed()) {
      verdict["property"] = sim::ToString(properties::PropertyName(report->violation->property));
      verdict["message"] = report->violation->message;
      verdict["witness"] = report->violation->witness;
    }
    Print(verdict.dump() + "\n");
  } else {
    timeline.Finish(report->violation ? &*report->violation : nullptr);
    std::string summary = report->Summary();
    for (size_t at = summary.find('\n'); at != std::string::npos; at = summary.find('\n', at + 1)) {
      summary.insert(at + 1, "# ");
    }
    Print(absl::StrCat("# ", summary, "\n# trace hash ", sim::FormatTraceHash(report->trace_hash),
                       "\n"));
  }
  return report->passed() ? kExitOk : kExitPropertyFailed;
}

}  // namespace shardsim::cli
