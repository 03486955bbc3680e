#include "properties/failure_report.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim/trace.h"

namespace shardsim::properties {

namespace {

struct Line {
  std::string text;
  std::string actor;
  bool empty_get_records = false;
};

Line Parse(absl::string_view text) {
  Line line{std::string(text), "", false};
  const std::vector<absl::string_view> words = absl::StrSplit(text, absl::MaxSplits(' ', 3));
  if (words.size() >= 3) {
    line.actor = std::string(words[1]);
    line.empty_get_records =
        words[2] == "GetRecords" && text.find(" records=0 ") != absl::string_view::npos;
  }
  return line;
}

std::string FieldOf(const std::string& text, std::string_view key) {
  const std::string needle = absl::StrCat(" ", std::string(key), "=");
  const size_t at = text.find(needle);
  if (at == std::string::npos) return "?";
  const size_t begin = at + needle.size();
  const size_t end = text.find(' ', begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

}  // namespace

std::string Timeline(const std::string& trace_text) {
  std::vector<Line> lines;
  for (absl::string_view text : absl::StrSplit(trace_text, '\n', absl::SkipEmpty())) {
    lines.push_back(Parse(text));
  }
  std::string out;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j < lines.size() && lines[j].empty_get_records && lines[j].actor == lines[i].actor) ++j;
    if (j - i > 3) {
      absl::StrAppend(&out, lines[i].text, "\n", "    ... ", j - i - 2,
                      " more empty GetRecords by ", lines[i].actor, " walking buckets ",
                      FieldOf(lines[i + 1].text, "bucket"), " to ",
                      FieldOf(lines[j - 2].text, "bucket"), " ...\n", lines[j - 1].text, "\n");
      i = j;
    } else {
      absl::StrAppend(&out, lines[i].text, "\n");
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
  absl::StrAppend(&out, "\ntimeline of the failing run (trace hash ",
                  sim::FormatTraceHash(report.trace_hash), "):\n", Timeline(report.trace_text));
  absl::StrAppend(&out, "\nto reproduce:\n");
  if (!parts.saved_json.empty()) {
    absl::StrAppend(&out, "  scenario saved to ", parts.saved_json, "\n", "  ",
                    parts.program.empty() ? "shardsim" : parts.program, " replay --scenario ",
                    parts.saved_json, "\n");
  }
  return out;
}

std::string GeneratorFlags(const GeneratorOptions& options) {
  std::string flags;
  if (options.profile) absl::StrAppend(&flags, " --profile ", options.profile->ToString());
  if (options.long_gaps) absl::StrAppend(&flags, " --long-gaps");
  return flags;
}

std::string ReplayCaseCommand(std::string_view program, std::string_view strategy,
                              uint64_t seed, uint64_t case_index,
                              const GeneratorOptions& options) {
  return absl::StrCat(std::string(program), " replay --strategy ", std::string(strategy),
                      " --seed ", seed, " --case ", case_index, GeneratorFlags(options));
}

std::string SavedScenarioStem(std::string_view strategy, uint64_t seed,
                              std::optional<uint64_t> case_index,
                              const GeneratorOptions& options) {
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
