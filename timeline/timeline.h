// Pictures of a run: a timeline SVG a person reads at a glance.
//
// One lane per shard (children below their parents, linked), the shard's time buckets as
// alternating bands on a time axis that compresses long idle stretches (the length written on
// the break), puts as marks, each GetRecords as a mark coloured by its outcome (records, empty
// page, throttled, expired, error) at the bucket it read, MillisBehindLatest as a line, and
// crashes, restarts, checkpoints, declarations and the violation with its message. Enhanced
// fan-out: each subscription as a bar from its SubscribeToShard to its end (a cross when it ran
// out or failed, a stroke when renewed or at the shard's end), its events as squares coloured
// like reads at the bucket they read. Every mark
// has a <title> (its call and answer, shown on hover). Runs of empty pages are drawn as one
// band each with a tick per call, and the picture says so. A run that walks (crosses buckets
// faster than its calls take: a reader behind, catching up) is drawn through the stretch it
// crossed, which the axis then does not compress: call after call, a bucket each, numbered,
// MillisBehindLatest falling a bucket per call, and the read that found records at its end
// ringed; the stretch's length without puts is written above it. Built from the trace's
// structured records (sim/trace.h) and the buckets' start times; the same input always gives
// the same bytes.
//
// Stable hooks for tests and styling: ids `lanes`, `axis`, `violation`; classes `lane`,
// `bucket`, `put`, `read outcome-<records|empty|throttled|expired|error>`, `event outcome-...`,
// `subscription`, `empty-run` (its band `walk` when it walks, else `band`), `calls`, `call-number`,
// `found`, `fall-per-call`, `idle-stretch`, `behind`, `axis-break`, `crash`, `restart`,
// `checkpoint`, `declare`, `lineage`.
#ifndef SHARDSIM_TIMELINE_TIMELINE_H_
#define SHARDSIM_TIMELINE_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "consumer/strategy_registry.h"
#include "model/kinesis_model.h"
#include "properties/scenario.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace shardsim::timeline {

struct ShardLane {
  std::string shard_id;
  std::optional<std::string> parent;
  std::optional<std::string> adjacent_parent;
  // bucket_starts[b] is when bucket b of the shard began (ascending).
  std::vector<sim::Instant> bucket_starts;
};

struct TimelineInput {
  std::string title;
  std::string subtitle;
  std::vector<ShardLane> shards;          // in ShardId order
  std::vector<sim::TraceRecord> records;  // the run's trace, in order
};

// The picture, as a standalone SVG document.
std::string RenderTimelineSvg(const TimelineInput& input);

// The shards of `stream` in `model` with their bucket starts up to `until` (at most
// `max_buckets_per_shard` each), for a TimelineInput.
std::vector<ShardLane> ShardLanesOf(model::KinesisModel& model, const std::string& stream,
                                    sim::Instant until, size_t max_buckets_per_shard = 20'000);

struct ScenarioPicture {
  std::string svg;
  bool passed = true;  // the run's verdict
};

// Runs `scenario` once more with its trace kept and draws it. InvalidArgument as RunScenario.
absl::StatusOr<ScenarioPicture> RenderScenarioSvg(
    const properties::Scenario& scenario,
    const consumer::StrategyRegistry& registry = consumer::StrategyRegistry::Global());

// The seed article's walk (two records, 17 h 33 min of silence, the empty pages until a new
// record is reached), run through the simulated client and drawn.
std::string RenderArticleWalkSvg();

}  // namespace shardsim::timeline

#endif  // SHARDSIM_TIMELINE_TIMELINE_H_
