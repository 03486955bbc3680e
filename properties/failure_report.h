// How a failure is shown to a person: the property, strategy and seed, the minimal scenario,
// a timeline of the failing run, and the commands that replay it. Text only: saving the
// scenario is SaveScenarioInDirectory (properties/scenario_files.h), at a folder the caller
// chooses.
#ifndef SHARDSIM_PROPERTIES_FAILURE_REPORT_H_
#define SHARDSIM_PROPERTIES_FAILURE_REPORT_H_

#include <optional>
#include <string>

#include "properties/harness.h"
#include "properties/scenario.h"

namespace shardsim::properties {

// The trace as a timeline: one line per record, except that runs of more than three
// consecutive empty GetRecords calls by one client are folded into a single line saying how
// many calls walked which buckets.
std::string Timeline(const std::string& trace_text);

struct FailureReportParts {
  const Scenario* scenario = nullptr;  // the minimal scenario
  const RunReport* report = nullptr;   // its run, with the trace kept
  std::string origin;                  // "case 17 of seed 42", a corpus file, ...
  std::string saved_json;              // where the scenario was saved ("" if not)
  std::string rc_params;               // RC_PARAMS value reproducing it, if known
  int shrink_steps = -1;               // -1: not shrunk
};

std::string FormatFailureReport(const FailureReportParts& parts);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_FAILURE_REPORT_H_
