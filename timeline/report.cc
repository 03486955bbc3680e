#include "timeline/report.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "timeline/svg_writer.h"
#include "timeline/timeline.h"

namespace shardsim::timeline {

std::string RenderReportHtml(const std::string& title, const std::vector<ReportRow>& rows,
                             const std::string& lead_svg) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
      XmlEscape(title),
      "</title>\n<style>\nbody{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:24px}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:4px 8px;"
      "text-align:left}\n.fail{color:#b91c1c;font-weight:bold}.pass{color:#15803d}\n"
      ".unexpected{background:#fef2f2}\nsvg{max-width:100%;height:auto}\n</style>\n</head>\n"
      "<body>\n<h1>",
      XmlEscape(title), "</h1>\n",
      lead_svg.empty() ? "" : absl::StrCat("<section id=\"lead\">\n", lead_svg, "</section>\n"),
      "<table id=\"verdicts\">\n<tr><th>strategy</th><th>expected</th>"
      "<th>verdict</th><th>as expected</th><th>detail</th></tr>\n");
  for (const ReportRow& r : rows) {
    const bool failed = !r.svg.empty() || r.verdict != "pass";
    absl::StrAppend(&out, "<tr", r.as_expected ? "" : " class=\"unexpected\"", "><td>",
                    failed ? absl::StrCat("<a href=\"#", XmlEscape(r.strategy), "\">",
                                          XmlEscape(r.strategy), "</a>")
                           : XmlEscape(r.strategy),
                    "</td><td>", XmlEscape(r.expected), "</td><td class=\"",
                    failed ? "fail" : "pass", "\">", XmlEscape(r.verdict), "</td><td>",
                    r.as_expected ? "yes" : "NO", "</td><td>", XmlEscape(r.detail), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");
  for (const ReportRow& r : rows) {
    if (r.svg.empty()) continue;
    absl::StrAppend(&out, "<section class=\"failure\" id=\"", XmlEscape(r.strategy), "\">\n<h2>",
                    XmlEscape(r.strategy), ": ", XmlEscape(r.verdict), "</h2>\n<p>",
                    XmlEscape(r.detail), "</p>\n");
    if (!r.svg_file.empty()) {
      absl::StrAppend(&out, "<p>picture: <a href=\"", XmlEscape(r.svg_file), "\">",
                      XmlEscape(r.svg_file), "</a></p>\n");
    }
    absl::StrAppend(&out, r.svg, "</section>\n");
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

ReportRow ReportRowOf(const properties::StrategyResult& result) {
  ReportRow row;
  row.strategy = result.strategy;
  row.expected = result.expected;
  row.as_expected = result.matches_expected();
  if (result.failure) {
    row.verdict = absl::StrCat("FAIL ", result.failure->property);
    row.detail = result.failure->message;
  } else {
    row.verdict = "pass";
    row.detail =
        absl::StrCat(result.cases_run, " cases, seed ", result.seed, ", profile ", result.profile);
  }
  return row;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::error_code error;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create the folder of ", path));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> SaveFailurePicture(const properties::Scenario& minimal,
                                               const std::string& scenario_path) {
  absl::StatusOr<ScenarioPicture> picture = RenderScenarioSvg(minimal);
  if (!picture.ok()) return picture.status();
  std::filesystem::path path(scenario_path);
  path.replace_extension(".svg");
  if (absl::Status s = WriteTextFile(path.string(), picture->svg); !s.ok()) return s;
  return path.string();
}

}  // namespace shardsim::timeline
