#include "properties/failure_report.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/call_observation.h"
#include "sim/trace.h"

namespace shardsim::properties {

namespace {

bool IsEmptyGetRecords(const sim::TraceRecord& r) {
  if (r.kind != model::trace_call::kGetRecords) return false;
  const sim::TraceValue* records = r.Find(model::trace_field::kRecords);
  if (records == nullptr) return false;
  const sim::TraceValue::Variant& v = records->value();
  return (std::holds_alternative<int64_t>(v) && std::get<int64_t>(v) == 0) ||
         (std::holds_alternative<uint64_t>(v) && std::get<uint64_t>(v) == 0);
}

std::string BucketOf(const sim::TraceRecord& r) {
  const sim::TraceValue* bucket = r.Find(model::trace_field::kBucket);
  if (bucket == nullptr) return "?";
  std::string out;
  bucket->AppendText(out);
  return out;
}

}  // namespace

std::string Timeline(const std::vector<sim::TraceRecord>& records) {
  std::string out;
  for (size_t i = 0; i < records.size();) {
    size_t j = i;
    while (j < records.size() && IsEmptyGetRecords(records[j]) &&
           records[j].actor == records[i].actor) {
      ++j;
    }
    if (j - i > 3) {
      absl::StrAppend(&out, records[i].ToText(), "\n", "    ... ", j - i - 2,
                      " more empty GetRecords by ", records[i].actor, " walking buckets ",
                      BucketOf(records[i + 1]), " to ", BucketOf(records[j - 2]), " ...\n",
                      records[j - 1].ToText(), "\n");
      i = j;
    } else {
      absl::StrAppend(&out, records[i].ToText(), "\n");
      ++i;
    }
  }
  return out;
}

std::string FormatFailureReport(const FailureReportParts& parts) {
  const RunReport& report = *parts.report;
  const Scenario& scenario = *parts.scenario;
  std::string out;
  if (report.violation.has_value()) {
    absl::StrAppend(&out, "property ",
                    std::string(properties::PropertyName(report.violation->property)),
                    " failed for strategy ", scenario.strategy, " (scenario seed ", scenario.seed,
                    ", ", parts.origin, ")\n", report.Summary(), "\n");
  } else {
    absl::StrAppend(&out, "strategy ", scenario.strategy, " passed (", parts.origin, ")\n");
  }
  absl::StrAppend(
      &out, "\nminimal scenario",
      parts.shrink_steps >= 0 ? absl::StrCat(" (", parts.shrink_steps, " shrink steps)") : "",
      ":\n", ShowScenario(scenario), "\n");
  absl::StrAppend(&out, "\ntimeline of the failing run (trace hash ",
                  sim::FormatTraceHash(report.trace_hash), "):\n", Timeline(report.trace));
  absl::StrAppend(&out, "\nto reproduce:\n");
  if (!parts.saved_json.empty()) {
    absl::StrAppend(&out, "  scenario saved to ", parts.saved_json, "\n", "  ",
                    parts.program.empty() ? "shardsim" : parts.program, " replay --scenario ",
                    ShellWord(parts.saved_json), "\n");
  }
  return out;
}

std::string ShellWord(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./+,:@%=-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string GeneratorFlags(const GeneratorOptions& options) {
  std::string flags;
  if (options.profile) absl::StrAppend(&flags, " --profile ", options.profile->ToString());
  if (options.long_gaps) absl::StrAppend(&flags, " --long-gaps");
  return flags;
}

std::string ReplayCaseCommand(std::string_view program, std::string_view strategy, uint64_t seed,
                              uint64_t case_index, const GeneratorOptions& options) {
  return absl::StrCat(std::string(program), " replay --strategy ", std::string(strategy),
                      " --seed ", seed, " --case ", case_index, GeneratorFlags(options));
}

std::string SavedScenarioStem(std::string_view strategy, uint64_t seed,
                              std::optional<uint64_t> case_index, const GeneratorOptions& options) {
  std::string stem = absl::StrCat(std::string(strategy), "-seed", seed,
                                  case_index ? absl::StrCat("-case", *case_index) : "-corpus");
  if (options.profile) {
    std::string profile = options.profile->ToString();
    for (char& c : profile) {
      if (c == ':') c = '-';
    }
    absl::StrAppend(&stem, "-profile-", profile);
  }
  if (options.long_gaps) absl::StrAppend(&stem, "-long-gaps");
  return stem;
}

}  // namespace shardsim::properties
