#include "properties/failure_report.h"

#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"

namespace shardsim::properties {

namespace {

bool IsEmptyGetRecords(const sim::TraceRecord& r) {
  if (r.kind != "GetRecords") return false;
  const sim::TraceValue* records = r.Find("records");
  if (records == nullptr) return false;
  const sim::TraceValue::Variant& v = records->value();
  return (std::holds_alternative<int64_t>(v) && std::get<int64_t>(v) == 0) ||
         (std::holds_alternative<uint64_t>(v) && std::get<uint64_t>(v) == 0);
}

std::string BucketOf(const sim::TraceRecord& r) {
  const sim::TraceValue* bucket = r.Find("bucket");
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
    absl::StrAppend(&out, "property ", std::string(properties::PropertyName(report.violation->property)),
                    " failed for strategy ", scenario.strategy, " (scenario seed ", scenario.seed, ", ",
                    parts.origin, ")\n", report.Summary(), "\n");
  } else {
    absl::StrAppend(&out, "strategy ", scenario.strategy, " passed (", parts.origin, ")\n");
  }
  absl::StrAppend(&out, "\nminimal scenario", parts.shrink_steps >= 0
                                                  ? absl::StrCat(" (", parts.shrink_steps,
                                                                 " shrink steps)")
                                                  : "",
                  ":\n", ShowScenario(scenario), "\n");
  absl::StrAppend(&out, "\ntimeline of the failing run:\n", Timeline(report.trace));
  absl::StrAppend(&out, "\nto reproduce:\n");
  if (!parts.saved_json.empty()) {
    absl::StrAppend(&out, "  scenario saved to ", parts.saved_json, "\n",
                    "  shardsim replay --scenario ", parts.saved_json, "\n");
  }
  if (!parts.rc_params.empty()) {
    absl::StrAppend(&out, "  RC_PARAMS=\"", parts.rc_params, "\" <the property test>\n");
  }
  return out;
}

}  // namespace shardsim::properties
