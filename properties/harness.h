// The harness: runs one scenario with one strategy in a fresh simulation and judges it.
//
// It creates the stream, a producer process that puts the scenario's records at their times,
// the reshards, the competing readers, and the consumer (the strategy's coroutine). It crashes
// and restarts the consumer as the scenario says (the checkpoint store survives), restarts a
// consumer that returned normally when the scenario reruns it, and catches a strategy that
// throws, judging it by its effects. The Judge checks every property; the first violation ends
// the run. The same scenario always gives the same report and trace hash.
#ifndef SHARDSIM_PROPERTIES_HARNESS_H_
#define SHARDSIM_PROPERTIES_HARNESS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "consumer/strategy_registry.h"
#include "model/kinesis_model.h"
#include "properties/judge.h"
#include "properties/probes.h"
#include "properties/scenario.h"
#include "sim/simulation.h"
#include "sim/task.h"
#include "sim/trace.h"

namespace shardsim::properties {

// The trace's actor names of a run's consumer: "consumer#0" first, then "consumer#1" and so on
// after each crash or rerun (the timeline reads restarts from them).
inline constexpr std::string_view kConsumerActorPrefix = "consumer#";

struct RunReport {
  std::string scenario;
  std::string strategy;
  uint64_t seed = 0;
  std::optional<Violation> violation;
  sim::RunResult run;
  uint64_t trace_hash = 0;
  uint64_t trace_records = 0;
  RunStats stats;
  ProbeSet probes;                      // the domain situations the run reached
  std::string trace_text;               // only when RunOptions::keep_trace (text, or JSON Lines)
  std::vector<sim::TraceRecord> trace;  // only when RunOptions::keep_trace
  bool passed() const { return !violation.has_value(); }
  // "PASS ..." or "FAIL no_missed_records at ...: " and the violation's sentences
  // (ViolationSentences), one a line, the later ones indented.
  std::string Summary() const;
};

// A violation's message and witness as whole sentences, for every place that prints them. A
// message that introduces its witness (it ends in ':', as "...; the first:") goes on with the
// first witness line, so that it names what it announces; every other witness line is a
// sentence of its own.
std::vector<std::string> ViolationSentences(std::string_view message,
                                            const std::vector<std::string>& witness);

struct RunOptions {
  bool keep_trace = false;
  // With keep_trace: RunReport::trace_text holds JSON Lines instead of text lines.
  bool jsonl = false;
  // Called once the run is judged, with its trace and its stream model (e.g. to draw the run:
  // the model knows the buckets' times). Records are kept only with keep_trace.
  std::function<void(const sim::Trace&, model::KinesisModel&)> after_run;
  // Called with every record of the run's trace as it is appended, kept or not (a replay
  // prints the run this way without keeping its records: memory bounded for any length).
  std::function<void(const sim::TraceRecord&)> on_record;
  // The command the error for an unknown strategy tells the user to `list` with ("" reads
  // "shardsim"): the CLI passes the command as it was run, as FailureReportParts::program.
  std::string program;
};

// `scenario` made to run `strategy`: its strategy name set, its parameters kept only if they
// were chosen for that same strategy, and a batch strategy's rerun interval filled in when the
// scenario has none. Used to replay saved scenarios (a corpus) with any strategy.
Scenario AdaptScenario(const Scenario& scenario, const consumer::StrategyInfo& strategy);

// InvalidArgument when the scenario names an unknown strategy, bad parameters or an invalid
// stream; otherwise the judged run.
absl::StatusOr<RunReport> RunScenario(
    const Scenario& scenario, RunOptions options = {},
    const consumer::StrategyRegistry& registry = consumer::StrategyRegistry::Global());

// The shards listed now whose parents are among `closed` (the shards a split or merge just
// closed), each with those parents: how the harness and a real client's playback tell the judge
// a reshard's lineage.
std::vector<std::pair<std::string, std::vector<std::string>>> ChildrenOf(
    model::KinesisModel& model, sim::Instant now, const std::string& stream_name,
    const std::vector<std::string>& closed);

// A keyless split's NewStartingHashKey: the midpoint of `shard_id`'s range ("" if no such shard).
std::string SplitMidpoint(model::KinesisModel& model, sim::Instant now,
                          const std::string& stream_name, const std::string& shard_id);

// The share of its shard's GetRecords budget a competing reader's polls take (a poll every
// poll interval plus the call's latency, over the limit per second; 0 without a limit).
double ReadBudgetShare(const Scenario& scenario, const CompetingReaderSpec& reader);

// A competing reader of `scenario` (its `index`th CompetingReaderSpec): from spec.start to
// spec.stop it follows spec.shard_id from TRIM_HORIZON with one GetRecords per poll interval,
// spending the shard's read budget as another application would; it stops at the shard's end.
// Spawned by RunScenario and by the server's scenario playback; `sim`, `model` and `scenario`
// must outlive it.
sim::Task<void> RunCompetingReader(sim::Simulation& sim, model::KinesisModel& model,
                                   const Scenario& scenario, CompetingReaderSpec spec,
                                   size_t index);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_HARNESS_H_
