// How a failure is shown to a person: the property, strategy and seed, the minimal scenario,
// a timeline of the failing run, and the commands that replay it. Text only: saving the
// scenario is SaveScenarioInDirectory (properties/scenario_files.h), at a folder the caller
// chooses.
#ifndef SHARDSIM_PROPERTIES_FAILURE_REPORT_H_
#define SHARDSIM_PROPERTIES_FAILURE_REPORT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "properties/generators.h"
#include "properties/harness.h"
#include "properties/scenario.h"
#include "sim/trace.h"

namespace shardsim::properties {

// The trace as a timeline a person reads: one text line per record, except that every run of
// at least kMinFoldedRecords idle records in a row, however long, is folded into one line
// giving their number, their time span and what they were (per actor: how many of each call
// and outcome, on which shards, which buckets an empty walk crossed). A record is idle when it
// puts, reads, processes or checkpoints no record and repeats an earlier record but for
// positions, sequence numbers and times: an empty page, a throttled or failing call made
// again, a listing, an iterator or a declaration made again, a rerun of a batch job. The first
// of each kind stays a line of its own, as do crashes, restarts, reshards, the phases, the
// last kUnfoldedTailRecords records and the verdict. With `violation`, the judge's violation
// record shows the message and its witness whole (ViolationSentences). Read from the
// structured records, so no field's text can be mistaken for another; the same records give
// the same text.
inline constexpr size_t kMinFoldedRecords = 4;
inline constexpr size_t kUnfoldedTailRecords = 4;
std::string Timeline(const std::vector<sim::TraceRecord>& records,
                     const Violation* violation = nullptr);

// The same timeline written as the records arrive (e.g. as a trace observer), so that a run of
// any length is shown in memory bounded by what one folded line says, not by the trace: Add
// every record in trace order, then Finish. Text goes to `out` as soon as it is decided — a
// record once kUnfoldedTailRecords more have come, a fold when its run ends — except that from
// the judge's violation record on, lines wait for Finish, which is given the violation. Finish
// once; Timeline(records, violation) is exactly the text written.
class TimelineWriter {
 public:
  explicit TimelineWriter(std::function<void(std::string_view)> out);
  TimelineWriter(const TimelineWriter&) = delete;
  TimelineWriter& operator=(const TimelineWriter&) = delete;
  ~TimelineWriter();

  void Add(const sim::TraceRecord& record);
  void Finish(const Violation* violation = nullptr);

 private:
  struct Classifier;
  struct Fold;
  struct Held;
  struct Pending {
    sim::TraceRecord record;
    bool idle = false;
  };

  void Decide(sim::TraceRecord record, bool idle);
  void EndFold();
  void Write(sim::TraceRecord record);

  std::function<void(std::string_view)> out_;
  std::unique_ptr<Classifier> classifier_;
  std::deque<Pending> tail_;    // the records not yet decided, at most kUnfoldedTailRecords + 1
  std::unique_ptr<Fold> fold_;  // the run of idle records being folded, if any
  std::vector<Held> held_;      // lines from the violation record on
  bool finished_ = false;
};

struct FailureReportParts {
  const Scenario* scenario = nullptr;  // the minimal scenario
  const RunReport* report = nullptr;   // its run, with the trace kept
  std::string origin;                  // "case 17 of seed 42", a corpus file, ...
  std::string saved_json;              // where the scenario was saved ("" if not)
  // The command that prints the report and replays it ("" reads "shardsim"): the replay lines
  // name it, so a user's own command (shardsim_add_cli) prints lines that work when pasted.
  std::string program;
  int shrink_steps = -1;  // -1: not shrunk
};

std::string FormatFailureReport(const FailureReportParts& parts);

// The flags that make `replay --seed S --case K` regenerate the case a check with these
// generator options ran (" --profile fixed:1s --long-gaps"; "" for the defaults). Every flag
// that shapes the case space appears here, so a replay line reproduces the case it names.
std::string GeneratorFlags(const GeneratorOptions& options);

// `text` as one word for a POSIX shell, so a printed command pastes: as it is when it holds
// only [A-Za-z0-9_./+,:@%=-], else in single quotes.
std::string ShellWord(std::string_view text);

// "<program> replay --strategy NAME --seed S --case K<GeneratorFlags>".
std::string ReplayCaseCommand(std::string_view program, std::string_view strategy, uint64_t seed,
                              uint64_t case_index, const GeneratorOptions& options);

// The file stem a failing case is saved under: "<strategy>-seed<S>-case<K>" (or "-corpus"),
// then "-profile-<profile>" and "-long-gaps" when they shaped it, so that two checks of one
// seed with different generator flags never overwrite each other's scenario.
std::string SavedScenarioStem(std::string_view strategy, uint64_t seed,
                              std::optional<uint64_t> case_index, const GeneratorOptions& options);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_FAILURE_REPORT_H_
