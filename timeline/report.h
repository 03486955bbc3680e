// A campaign's report page: one self-contained HTML file with the verdict table and, for each
// failure, its timeline picture inline (so hovering a mark shows its call), and the files a
// failing check writes: the picture next to the saved scenario, the page in a folder.
// Deterministic: the same rows give the same bytes.
#ifndef SHARDSIM_TIMELINE_REPORT_H_
#define SHARDSIM_TIMELINE_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "properties/campaign_result.h"
#include "properties/scenario.h"

namespace shardsim::timeline {

struct ReportRow {
  std::string strategy;
  std::string expected;  // "pass" or a property name
  std::string verdict;   // "pass" or "FAIL <property>"
  bool as_expected = true;
  std::string detail;    // the failure's message, or the pass summary
  std::string svg;       // the failure's picture (an SVG document), or empty
  std::string svg_file;  // that picture's file, relative to the page, or empty
};

// The page; `lead_svg` (may be empty) is drawn above the table.
std::string RenderReportHtml(const std::string& title, const std::vector<ReportRow>& rows,
                             const std::string& lead_svg = "");

// A row for one strategy's result (its failure's picture and file name filled in by the caller).
ReportRow ReportRowOf(const properties::StrategyResult& result);

// Writes `text` to `path` exactly, creating the folders above it. Unavailable with the path on
// failure.
absl::Status WriteTextFile(const std::string& path, const std::string& text);

// Draws the run of `minimal` and writes it next to its saved scenario (`x.json` -> `x.svg`).
// Returns the picture's path.
absl::StatusOr<std::string> SaveFailurePicture(const properties::Scenario& minimal,
                                               const std::string& scenario_path);

}  // namespace shardsim::timeline

#endif  // SHARDSIM_TIMELINE_REPORT_H_
