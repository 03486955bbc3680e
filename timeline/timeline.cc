#include "timeline/timeline.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/call_observation.h"
#include "properties/harness.h"
#include "sim/check.h"
#include "sim/strings.h"
#include "timeline/internal/axis.h"
#include "timeline/svg_writer.h"

namespace shardsim::timeline {

namespace {

using sim::Duration;
using sim::Instant;
using sim::TraceRecord;
namespace trace_call = model::trace_call;
namespace trace_field = model::trace_field;

constexpr int64_t kWidth = 1200;
constexpr int64_t kPlotLeft = 200;
constexpr int64_t kPlotRight = 1180;
constexpr int64_t kHeaderHeight = 96;
constexpr int64_t kLaneHeight = 136;
constexpr int64_t kBehindBottom = 128;  // MillisBehindLatest 0, from a lane's top
constexpr int64_t kBehindSpan = 44;     // pixels from 0 to the lane's largest value
constexpr size_t kMinEmptyRun = 3;      // this many consecutive empty pages or more are one band
constexpr size_t kMaxBehindPoints = 2'000;

std::optional<int64_t> IntField(const TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&v->value())) return *i;
  if (const auto* u = std::get_if<uint64_t>(&v->value())) return static_cast<int64_t>(*u);
  return std::nullopt;
}

std::optional<std::string> StrField(const TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&v->value())) return *s;
  return std::nullopt;
}

// "17h33m", "4m05s", "12s", "250ms".
std::string HumanDuration(Duration d) {
  const int64_t ms = d.millis();
  if (ms >= 3'600'000) return absl::StrFormat("%dh%02dm", ms / 3'600'000, ms / 60'000 % 60);
  if (ms >= 60'000) return absl::StrFormat("%dm%02ds", ms / 60'000, ms / 1'000 % 60);
  if (ms >= 1'000) return absl::StrFormat("%ds", ms / 1'000);
  return absl::StrFormat("%dms", ms);
}

std::string Clock(Instant t) { return t.ToString().substr(11, 8); }

// A label beside a mark at x: to its right, or to its left near the picture's right edge.
std::vector<std::pair<std::string, std::string>> LabelAt(int64_t x, int64_t y) {
  if (x > kWidth - 140)
    return {{"x", std::to_string(x - 4)}, {"y", std::to_string(y)}, {"text-anchor", "end"}};
  return {{"x", std::to_string(x + 4)}, {"y", std::to_string(y)}};
}

enum class Outcome { kRecords, kEmpty, kThrottled, kExpired, kError };

const char* OutcomeClass(Outcome o) {
  switch (o) {
    case Outcome::kRecords:
      return "records";
    case Outcome::kEmpty:
      return "empty";
    case Outcome::kThrottled:
      return "throttled";
    case Outcome::kExpired:
      return "expired";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

const char* OutcomeColour(Outcome o) {
  switch (o) {
    case Outcome::kRecords:
      return "#2a9d4b";
    case Outcome::kEmpty:
      return "#8a96a3";
    case Outcome::kThrottled:
      return "#e9a23b";
    case Outcome::kExpired:
      return "#8e44ad";
    case Outcome::kError:
      return "#d62828";
  }
  return "#d62828";
}

struct Read {
  const TraceRecord* record;
  std::string shard;  // empty when the iterator named no shard
  std::optional<int64_t> bucket;
  Outcome outcome;
  std::optional<int64_t> behind_ms;
  bool event = false;  // a SubscribeToShard event rather than a GetRecords page
};

// One SubscribeToShard's life on a lane: from the call to its end (five minutes over, the
// shard's last event, an error, a newer subscription, or the end of the picture).
struct SubscriptionSpan {
  const TraceRecord* start;
  std::string shard;
  Instant from;
  Instant to;
  std::string ended;  // "expired", "shard end", the error name, "renewed" or "open"
};

// A run of consecutive empty pages by one reader on one shard, drawn as one band with a tick
// per call. It walks when its reads move through the shard more than twice as fast as time passes
// (a reader behind, catching up through empty buckets), unlike a reader polling an idle tip.
struct EmptyRun {
  std::vector<const Read*> reads;
  const Read* found = nullptr;  // the reader's next read on the shard, when it brought records
  bool walks = false;
};

struct LaneEvent {
  enum class Kind { kPut, kCheckpoint, kDeclare };
  Kind kind;
  const TraceRecord* record;
};

struct GlobalEvent {
  enum class Kind { kCrash, kRestart };
  Kind kind;
  const TraceRecord* record;
};

// Everything the picture shows, sorted out of the trace.
struct Facts {
  std::map<std::string, std::vector<LaneEvent>> lane_events;
  std::vector<Read> reads;
  std::vector<SubscriptionSpan> subscriptions;
  std::vector<GlobalEvent> global_events;
  const TraceRecord* violation = nullptr;
  Instant first;
  Instant last;
};

Outcome OutcomeOf(const TraceRecord& r) {
  if (const std::optional<std::string> error = StrField(r, trace_field::kError)) {
    if (*error == "ProvisionedThroughputExceededException") return Outcome::kThrottled;
    if (*error == "ExpiredIteratorException") return Outcome::kExpired;
    return Outcome::kError;
  }
  return IntField(r, trace_field::kRecords).value_or(0) > 0 ? Outcome::kRecords : Outcome::kEmpty;
}

bool IsRestart(const TraceRecord& r) {
  return r.kind == "process.spawn" && r.actor.starts_with(properties::kConsumerActorPrefix) &&
         r.actor != absl::StrCat(sim::ToAbsl(properties::kConsumerActorPrefix), 0);
}

// A subscription's call opens a span (ending the reader's previous one on the shard as
// renewed); its events are reads; its end closes the span.
void Subscriptions(Facts& f, const TraceRecord& r, const std::string& shard) {
  const std::optional<int64_t> id = IntField(r, trace_field::kSubscription);
  auto open_span = [&]() -> SubscriptionSpan* {
    for (auto it = f.subscriptions.rbegin(); it != f.subscriptions.rend(); ++it) {
      if (it->shard == shard && it->start->actor == r.actor) {
        return it->ended == "open" ? &*it : nullptr;
      }
    }
    return nullptr;
  };
  if (r.kind == trace_call::kSubscribeToShard) {
    if (!id) return;  // refused: no subscription
    if (SubscriptionSpan* previous = open_span()) {
      previous->to = r.time;
      previous->ended = "renewed";
    }
    f.subscriptions.push_back(SubscriptionSpan{&r, shard, r.time, r.time, "open"});
    return;
  }
  const std::optional<std::string> end = StrField(r, trace_field::kEnd);
  const std::optional<std::string> error = StrField(r, trace_field::kError);
  if (IntField(r, trace_field::kRecords).has_value()) {
    f.reads.push_back(Read{&r, shard, IntField(r, trace_field::kBucket), OutcomeOf(r),
                           IntField(r, trace_field::kBehindMs), /*event=*/true});
  }
  if (end || error) {
    if (SubscriptionSpan* span = open_span()) {
      span->to = r.time;
      span->ended = error ? *error : (*end == "expired" ? *end : std::string("shard end"));
    }
  }
}

Facts Gather(const std::vector<TraceRecord>& records) {
  Facts f;
  if (!records.empty()) {
    f.first = records.front().time;
    f.last = records.back().time;
  }
  for (const TraceRecord& r : records) {
    const std::string shard = StrField(r, trace_field::kShard).value_or("");
    if (r.kind == trace_call::kPutRecord && !r.Find(trace_field::kError)) {
      f.lane_events[shard].push_back({LaneEvent::Kind::kPut, &r});
    } else if (r.kind == trace_call::kGetRecords) {
      f.reads.push_back(Read{&r, shard, IntField(r, trace_field::kBucket), OutcomeOf(r),
                             IntField(r, trace_field::kBehindMs)});
    } else if (r.kind == trace_call::kSubscribeToShard ||
               r.kind == trace_call::kSubscriptionEvent) {
      Subscriptions(f, r, shard);
    } else if (r.actor == "app" && r.kind == "checkpoint") {
      f.lane_events[shard].push_back({LaneEvent::Kind::kCheckpoint, &r});
    } else if (r.actor == "app" && r.kind.starts_with("declare.")) {
      f.lane_events[shard].push_back({LaneEvent::Kind::kDeclare, &r});
    } else if (r.actor == "harness" && r.kind == "crash") {
      f.global_events.push_back({GlobalEvent::Kind::kCrash, &r});
    } else if (IsRestart(r)) {
      f.global_events.push_back({GlobalEvent::Kind::kRestart, &r});
    } else if (r.actor == "judge" && r.kind == "violation") {
      f.violation = &r;
    }
  }
  for (SubscriptionSpan& span : f.subscriptions) {
    if (span.ended == "open") span.to = f.last;
  }
  return f;
}

// The least of 1, 2, 5, 10, 20, 50, ... calls that spans at least `min_px` when `calls`
// calls span `width_px`.
int64_t RoundStep(int64_t calls, int64_t width_px, int64_t min_px) {
  for (int64_t power = 1; power <= 1'000'000'000; power *= 10) {
    for (const int64_t m : {1, 2, 5}) {
      if (m * power * width_px >= min_px * calls) return m * power;
    }
  }
  return calls;
}

// Runs of kMinEmptyRun or more consecutive empty pages per (reader, shard); the reads in a
// run are drawn as its band instead of one mark each.
std::vector<EmptyRun> FindEmptyRuns(const std::vector<Read>& reads, std::set<const Read*>& in_run) {
  std::map<std::tuple<std::string, std::string, bool>, EmptyRun> open;
  std::vector<EmptyRun> runs;
  auto close = [&](EmptyRun& run, const Read* next) {
    if (run.reads.size() >= kMinEmptyRun) {
      for (const Read* r : run.reads) in_run.insert(r);
      run.found = next != nullptr && next->outcome == Outcome::kRecords ? next : nullptr;
      runs.push_back(run);
    }
    run.reads.clear();
  };
  for (const Read& read : reads) {
    EmptyRun& run = open[{read.record->actor, read.shard, read.event}];
    if (read.outcome == Outcome::kEmpty && read.bucket.has_value()) {
      run.reads.push_back(&read);
    } else {
      close(run, &read);
    }
  }
  for (auto& [key, run] : open) close(run, nullptr);
  std::sort(runs.begin(), runs.end(), [](const EmptyRun& a, const EmptyRun& b) {
    return a.reads.front()->record->time < b.reads.front()->record->time;
  });
  return runs;
}

class Picture {
 public:
  explicit Picture(const TimelineInput& input) : input_(input), facts_(Gather(input.records)) {
    empty_runs_ = FindEmptyRuns(facts_.reads, in_run_);
    for (size_t i = 0; i < input_.shards.size(); ++i) lane_index_[input_.shards[i].shard_id] = i;
    for (EmptyRun& run : empty_runs_) run.walks = Advanced(run) > 2 * CallSpan(run);
    OrderLanes();
    axis_ = internal::Axis(KeyInstants(), kPlotLeft, kPlotRight);
  }

  std::string Render() {
    const int64_t message_lines = facts_.violation ? 3 : 0;
    height_ = kHeaderHeight + static_cast<int64_t>(order_.size()) * kLaneHeight + 56 +
              message_lines * 18 + 12;
    svg_.Open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                      {"width", Num(kWidth)},
                      {"height", Num(height_)},
                      {"viewBox", absl::StrCat("0 0 ", kWidth, " ", height_)},
                      {"font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"},
                      {"font-size", "11"}});
    svg_.Element("rect", {{"width", Num(kWidth)}, {"height", Num(height_)}, {"fill", "#ffffff"}});
    Header();
    svg_.Open("g", {{"id", "lanes"}});
    for (size_t i = 0; i < order_.size(); ++i) Lane(input_.shards[order_[i]], i);
    Lineage();
    svg_.Close();
    Breaks();
    GlobalEvents();
    Axis();
    Violation();
    svg_.Close();
    return svg_.str();
  }

 private:
  int64_t LaneTop(size_t row) const {
    return kHeaderHeight + static_cast<int64_t>(row) * kLaneHeight;
  }
  int64_t LanesBottom() const { return LaneTop(order_.size()); }

  const ShardLane* LaneOf(const std::string& shard) const {
    auto it = lane_index_.find(shard);
    return it == lane_index_.end() ? nullptr : &input_.shards[it->second];
  }

  std::optional<Instant> BucketStart(const std::string& shard, int64_t bucket) const {
    const ShardLane* lane = LaneOf(shard);
    if (lane == nullptr || bucket < 0 ||
        static_cast<size_t>(bucket) >= lane->bucket_starts.size()) {
      return std::nullopt;
    }
    return lane->bucket_starts[static_cast<size_t>(bucket)];
  }

  // The bucket's slice, its end clamped to the run's last instant.
  std::pair<Instant, Instant> BucketSlice(const std::string& shard, int64_t bucket) const {
    const std::optional<Instant> start = BucketStart(shard, bucket);
    if (!start) return {facts_.last, facts_.last};
    std::optional<Instant> end = BucketStart(shard, bucket + 1);
    Instant stop = end.value_or(facts_.last);
    stop = std::min(stop, std::max(*start, facts_.last));
    return {*start, stop};
  }

  // The shard time a run's buckets cover, and the time its calls took.
  Duration Crossed(const EmptyRun& run) const {
    const Read& first = *run.reads.front();
    const Read& last = *run.reads.back();
    return BucketSlice(last.shard, *last.bucket).second -
           BucketSlice(first.shard, *first.bucket).first;
  }
  // How far its reads moved through the shard: from the first one's bucket to the last one's.
  Duration Advanced(const EmptyRun& run) const {
    const Read& first = *run.reads.front();
    const Read& last = *run.reads.back();
    return BucketSlice(last.shard, *last.bucket).first -
           BucketSlice(first.shard, *first.bucket).first;
  }
  static Duration CallSpan(const EmptyRun& run) {
    return run.reads.back()->record->time - run.reads.front()->record->time;
  }

  // x is shard time: a call stands at the bucket it read, not when it was made, so a walk
  // through an idle stretch is drawn across that stretch, a bucket per call.
  // Where a read stands on the axis: the middle of its bucket's band, else its call time.
  int64_t ReadX(const Read& r) const {
    if (r.bucket && BucketStart(r.shard, *r.bucket)) {
      const auto [a, b] = BucketSlice(r.shard, *r.bucket);
      return (axis_.X(a) + axis_.X(b)) / 2;
    }
    return axis_.X(r.record->time);
  }

  std::vector<int64_t> KeyInstants() const {
    std::vector<int64_t> keys{facts_.first.unix_micros(), facts_.last.unix_micros()};
    for (const auto& [shard, events] : facts_.lane_events) {
      for (const LaneEvent& e : events) keys.push_back(e.record->time.unix_micros());
    }
    for (const GlobalEvent& e : facts_.global_events) keys.push_back(e.record->time.unix_micros());
    for (const SubscriptionSpan& span : facts_.subscriptions) {
      keys.push_back(span.from.unix_micros());
      keys.push_back(span.to.unix_micros());
    }
    for (const Read& r : facts_.reads) {
      if (in_run_.count(&r)) continue;
      if (r.bucket && BucketStart(r.shard, *r.bucket)) {
        const auto [a, b] = BucketSlice(r.shard, *r.bucket);
        keys.push_back(a.unix_micros());
        keys.push_back(b.unix_micros());
      } else {
        keys.push_back(r.record->time.unix_micros());
      }
    }
    for (const EmptyRun& run : empty_runs_) {
      // A walk's buckets are where its calls stand, so the stretch it crosses keeps its room;
      // a reader polling the tip of an idle shard leaves that stretch to be compressed.
      const std::vector<const Read*> ends{run.reads.front(), run.reads.back()};
      for (const Read* r : run.walks ? run.reads : ends) {
        const auto [a, b] = BucketSlice(r->shard, *r->bucket);
        keys.push_back(a.unix_micros());
        keys.push_back(b.unix_micros());
      }
    }
    for (const ShardLane& lane : input_.shards) {
      if (!lane.bucket_starts.empty() && lane.bucket_starts.front() >= facts_.first) {
        keys.push_back(lane.bucket_starts.front().unix_micros());  // a child's creation
      }
    }
    return keys;
  }

  // Parents before their children, each child right below the last of its parents.
  void OrderLanes() {
    std::set<size_t> placed;
    std::map<std::string, std::vector<size_t>> children;
    for (size_t i = 0; i < input_.shards.size(); ++i) {
      const ShardLane& s = input_.shards[i];
      if (s.parent && lane_index_.count(*s.parent)) children[*s.parent].push_back(i);
    }
    auto place = [&](auto&& self, size_t i, int depth) -> void {
      if (depth > 64 || placed.count(i)) return;
      placed.insert(i);
      order_.push_back(i);
      for (size_t c : children[input_.shards[i].shard_id]) self(self, c, depth + 1);
    };
    for (size_t i = 0; i < input_.shards.size(); ++i) {
      const ShardLane& s = input_.shards[i];
      if (!s.parent || !lane_index_.count(*s.parent)) place(place, i, 0);
    }
    for (size_t i = 0; i < input_.shards.size(); ++i) place(place, i, 0);
    for (size_t row = 0; row < order_.size(); ++row)
      row_of_[input_.shards[order_[row]].shard_id] = row;
  }

  void Header() {
    svg_.Element("text", {{"x", "16"}, {"y", "24"}, {"font-size", "16"}, {"font-weight", "bold"}},
                 input_.title);
    svg_.Element("text", {{"x", "16"}, {"y", "42"}, {"fill", "#444444"}}, input_.subtitle);
    int64_t x = 16;
    const int64_t y = 62;
    for (const Outcome o : {Outcome::kRecords, Outcome::kEmpty, Outcome::kThrottled,
                            Outcome::kExpired, Outcome::kError}) {
      svg_.Element(
          "circle",
          {{"cx", Num(x + 4)}, {"cy", Num(y - 4)}, {"r", "4"}, {"fill", OutcomeColour(o)}});
      const std::string label = absl::StrCat("GetRecords: ", OutcomeClass(o));
      svg_.Element("text", {{"x", Num(x + 12)}, {"y", Num(y)}}, label);
      x += 12 + static_cast<int64_t>(label.size()) * 6 + 14;
    }
    svg_.Element("path",
                 {{"d", absl::StrCat("M", x, " ", y - 9, " l5 7 l5 -7 z")}, {"fill", "#1f6feb"}});
    svg_.Element("text", {{"x", Num(x + 14)}, {"y", Num(y)}}, "put");
    x += 44;
    svg_.Element("line", {{"x1", Num(x)},
                          {"y1", Num(y - 4)},
                          {"x2", Num(x + 18)},
                          {"y2", Num(y - 4)},
                          {"stroke", "#c2410c"},
                          {"stroke-width", "1.5"}});
    svg_.Element("text", {{"x", Num(x + 22)}, {"y", Num(y)}}, "MillisBehindLatest");
    if (!facts_.subscriptions.empty()) {
      x += 22 + 18 * 6 + 14;
      svg_.Element("rect", {{"x", Num(x)},
                            {"y", Num(y - 8)},
                            {"width", "8"},
                            {"height", "8"},
                            {"fill", OutcomeColour(Outcome::kRecords)}});
      svg_.Element("text", {{"x", Num(x + 12)}, {"y", Num(y)}}, "event");
      x += 12 + 5 * 6 + 14;
      svg_.Element("rect", {{"x", Num(x)},
                            {"y", Num(y - 7)},
                            {"width", "18"},
                            {"height", "5"},
                            {"fill", "#7c3aed"}});
      svg_.Element("text", {{"x", Num(x + 22)}, {"y", Num(y)}}, "subscription");
    }
    size_t aggregated = 0;
    for (const EmptyRun& run : empty_runs_) aggregated += run.reads.size();
    const size_t events = static_cast<size_t>(std::count_if(
        facts_.reads.begin(), facts_.reads.end(), [](const Read& r) { return r.event; }));
    std::string note = absl::StrCat(facts_.reads.size() - events, " GetRecords calls");
    if (!facts_.subscriptions.empty()) {
      absl::StrAppend(&note, ", ", facts_.subscriptions.size(), " subscriptions with ", events,
                      " events");
    }
    absl::StrAppend(&note, ", each drawn at the bucket it read");
    if (!empty_runs_.empty()) {
      absl::StrAppend(&note, "; ", aggregated, " of them empty in ", empty_runs_.size(),
                      " run(s) of ", kMinEmptyRun, " or more, one band per run, a tick per call");
    }
    absl::StrAppend(&note, "; idle stretches no call read are compressed (zigzag)");
    svg_.Element("text",
                 {{"x", "16"}, {"y", "82"}, {"fill", "#444444"}, {"id", "aggregation-note"}}, note);
  }

  void Lane(const ShardLane& lane, size_t row) {
    const int64_t top = LaneTop(row);
    svg_.Open("g", {{"class", "lane"}, {"id", absl::StrCat("lane-", lane.shard_id)}});
    svg_.Element("rect", {{"x", "0"},
                          {"y", Num(top)},
                          {"width", Num(kWidth)},
                          {"height", Num(kLaneHeight)},
                          {"fill", row % 2 ? "#fafbfc" : "#ffffff"}});
    const int64_t indent = Depth(lane) * 12;
    svg_.Element("text", {{"x", Num(16 + indent)}, {"y", Num(top + 40)}, {"font-weight", "bold"}},
                 lane.shard_id);
    if (lane.parent) {
      svg_.Element(
          "text", {{"x", Num(16 + indent)}, {"y", Num(top + 54)}, {"fill", "#555555"}},
          absl::StrCat(lane.adjacent_parent ? "merged from " : "split from ", *lane.parent,
                       lane.adjacent_parent ? absl::StrCat(" + ", *lane.adjacent_parent) : ""));
    }
    svg_.Element(
        "text",
        {{"x", Num(16 + indent)}, {"y", Num(top + kBehindBottom - 12)}, {"fill", "#c2410c"}},
        "MillisBehindLatest");
    Buckets(lane, top);
    Behind(lane, top);
    Subscriptions(lane, top);
    EmptyRuns(lane, top);
    Reads(lane, top);
    LaneEvents(lane, top);
    IdleStretches(lane, top);
    svg_.Close();
  }

  int64_t Depth(const ShardLane& lane) const {
    int64_t depth = 0;
    const ShardLane* at = &lane;
    while (at->parent && depth < 8) {
      at = LaneOf(*at->parent);
      if (at == nullptr) break;
      ++depth;
    }
    return depth;
  }

  void Buckets(const ShardLane& lane, int64_t top) {
    const int64_t y = top + 16;
    const int64_t h = 52;
    const int64_t axis_end = axis_.X(facts_.last);
    for (size_t b = 0; b < lane.bucket_starts.size(); ++b) {
      const int64_t x0 = axis_.X(lane.bucket_starts[b]);
      const int64_t x1 =
          b + 1 < lane.bucket_starts.size() ? axis_.X(lane.bucket_starts[b + 1]) : axis_end;
      if (x1 - x0 < 2 || axis_.InBreak(lane.bucket_starts[b])) continue;
      svg_.Open("rect", {{"class", "bucket"},
                         {"x", Num(x0)},
                         {"y", Num(y)},
                         {"width", Num(x1 - x0)},
                         {"height", Num(h)},
                         {"fill", b % 2 ? "#dbe4ef" : "#eef2f7"}});
      svg_.Title(
          absl::StrCat(lane.shard_id, " bucket ", b, " from ", lane.bucket_starts[b].ToString()));
      svg_.Close();
      if (x1 - x0 >= 28) {
        svg_.Element(
            "text",
            {{"x", Num(x0 + 3)}, {"y", Num(y + h - 4)}, {"fill", "#7b8794"}, {"font-size", "9"}},
            absl::StrCat("b", b));
      }
    }
  }

  void Behind(const ShardLane& lane, int64_t top) {
    std::vector<const Read*> points;
    int64_t max_behind = 1;
    for (const Read& r : facts_.reads) {
      if (r.shard != lane.shard_id || !r.behind_ms || r.record->actor.starts_with("reader-"))
        continue;
      points.push_back(&r);
      max_behind = std::max(max_behind, *r.behind_ms);
    }
    if (points.empty()) return;
    const size_t step = (points.size() + kMaxBehindPoints - 1) / kMaxBehindPoints;
    std::string path;
    std::vector<const Read*> drawn;  // every step-th point, and the last (where a walk ends)
    for (size_t i = 0; i < points.size(); i += step) drawn.push_back(points[i]);
    if (drawn.back() != points.back()) drawn.push_back(points.back());
    for (const Read* p : drawn) {
      const Read& r = *p;
      // In tenths of a pixel, so that a walk's fall of a bucket per call shows as a slope.
      const int64_t y10 =
          (top + kBehindBottom) * 10 - (*r.behind_ms * kBehindSpan * 10) / max_behind;
      absl::StrAppend(&path, path.empty() ? "M" : " L", ReadX(r), " ", y10 / 10, ".", y10 % 10);
    }
    svg_.Open("path", {{"class", "behind"},
                       {"d", path},
                       {"fill", "none"},
                       {"stroke", "#c2410c"},
                       {"stroke-width", "1.5"}});
    svg_.Title(absl::StrCat("MillisBehindLatest on ", lane.shard_id, ", up to ", max_behind,
                            " ms (", HumanDuration(Duration::Millis(max_behind)), ")"));
    svg_.Close();
    svg_.Element(
        "text",
        {{"x", Num(16 + Depth(lane) * 12)},
         {"y", Num(top + kBehindBottom)},
         {"fill", "#c2410c"},
         {"font-size", "9"}},
        absl::StrCat("(top of the line: ", HumanDuration(Duration::Millis(max_behind)), ")"));
  }

  // Each subscription as a bar under the buckets, from its call to its end, with the end
  // marked: a stroke for a renewal or the shard's end, a cross for one that ran out or failed.
  void Subscriptions(const ShardLane& lane, int64_t top) {
    for (const SubscriptionSpan& span : facts_.subscriptions) {
      if (span.shard != lane.shard_id) continue;
      const int64_t x0 = axis_.X(span.from);
      const int64_t x1 = std::max(x0 + 2, axis_.X(span.to));
      const int64_t y = top + 72;
      svg_.Open("g", {{"class", "subscription"}});
      svg_.Element("rect", {{"x", Num(x0)},
                            {"y", Num(y)},
                            {"width", Num(x1 - x0)},
                            {"height", "5"},
                            {"fill", "#7c3aed"},
                            {"fill-opacity", "0.7"}});
      const bool lost =
          span.ended != "renewed" && span.ended != "shard end" && span.ended != "open";
      if (lost) {
        svg_.Element("path", {{"d", absl::StrCat("M", x1 - 4, " ", y - 3, " l8 10 m0 -10 l-8 10")},
                              {"stroke", "#b91c1c"},
                              {"stroke-width", "2"}});
      } else {
        svg_.Element("line", {{"x1", Num(x1)},
                              {"y1", Num(y - 3)},
                              {"x2", Num(x1)},
                              {"y2", Num(y + 8)},
                              {"stroke", "#7c3aed"},
                              {"stroke-width", "2"}});
      }
      svg_.Title(absl::StrCat(
          "subscription ", IntField(*span.start, trace_field::kSubscription).value_or(0), " of ",
          span.start->actor, " to ", span.shard, " from ", span.from.ToString(), " to ",
          span.to.ToString(), ": ", span.ended, "\n", span.start->ToText()));
      svg_.Close();
    }
  }

  void EmptyRuns(const ShardLane& lane, int64_t top) {
    run_labels_.clear();
    for (const EmptyRun& run : empty_runs_) {
      if (run.reads.front()->shard != lane.shard_id) continue;
      svg_.Open("g", {{"class", "empty-run"}});
      RunBand(run, top);
      RunCalls(run, top);
      RunFound(run, top);
      svg_.Close();
    }
  }

  // The band from the run's first bucket to its last, named by what it is.
  void RunBand(const EmptyRun& run, int64_t top) {
    const Read& first = *run.reads.front();
    const Read& last = *run.reads.back();
    const int64_t x0 = axis_.X(BucketSlice(first.shard, *first.bucket).first);
    const int64_t x1 = std::max(x0 + 4, axis_.X(BucketSlice(last.shard, *last.bucket).second));
    svg_.Open("rect", {{"class", run.walks ? "walk" : "band"},
                       {"x", Num(x0)},
                       {"y", Num(top + 36)},
                       {"width", Num(x1 - x0)},
                       {"height", "12"},
                       {"rx", "6"},
                       {"fill", "#8a96a3"},
                       {"fill-opacity", "0.45"},
                       {"stroke", "#5f6b77"}});
    const char* what = first.event ? " empty events" : " empty pages";
    svg_.Title(absl::StrCat(
        run.reads.size(), what, " by ", first.record->actor, " on ", first.shard, ", buckets ",
        *first.bucket, " to ", *last.bucket, ", called ", first.record->time.ToString(), " to ",
        last.record->time.ToString(), ", MillisBehindLatest ", first.behind_ms.value_or(0), " to ",
        last.behind_ms.value_or(0), "\nfirst: ", first.record->ToText(),
        "\nlast: ", last.record->ToText()));
    svg_.Close();
    std::string label = absl::StrCat(run.reads.size(), what, ", one bucket each");
    const std::string walked =
        absl::StrCat(label, ": ", HumanDuration(Crossed(run)), " of buckets crossed by calls made ",
                     Clock(first.record->time), " to ", Clock(last.record->time));
    if (run.walks && static_cast<int64_t>(walked.size()) * 6 < x1 - x0) label = walked;
    // A label over another run's label is left out (the band's title still says it all).
    const int64_t half = static_cast<int64_t>(label.size()) * 3;
    const int64_t mid = (x0 + x1) / 2;
    const bool overlaps = std::any_of(
        run_labels_.begin(), run_labels_.end(),
        [&](const auto& drawn) { return mid - half < drawn.second && drawn.first < mid + half; });
    if (!overlaps) {
      run_labels_.push_back({mid - half, mid + half});
      svg_.Element("text",
                   {{"x", Num(mid)},
                    {"y", Num(top + 31)},
                    {"text-anchor", "middle"},
                    {"fill", "#3d4852"},
                    {"stroke", "#ffffff"},
                    {"stroke-width", "3"},
                    {"paint-order", "stroke"}},
                   label);
    }
    if (run.walks) FallPerCall(run, top);
  }

  // How much MillisBehindLatest fell per call of a walk, beside the bucket width it crossed.
  void FallPerCall(const EmptyRun& run, int64_t top) {
    const Read& first = *run.reads.front();
    const Read& last = run.found ? *run.found : *run.reads.back();
    const int64_t calls = static_cast<int64_t>(run.reads.size()) - (run.found ? 0 : 1);
    if (!first.behind_ms || !last.behind_ms || calls < 1 || *first.behind_ms <= *last.behind_ms)
      return;
    const Duration per_call = Duration::Millis((*first.behind_ms - *last.behind_ms) / calls);
    const Duration bucket =
        Duration::Micros(Crossed(run).micros() / static_cast<int64_t>(run.reads.size()));
    svg_.Element(
        "text",
        {{"class", "fall-per-call"},
         {"x", Num(ReadX(last))},
         {"y", Num(top + kBehindBottom - kBehindSpan + 8)},
         {"text-anchor", "end"},
         {"font-size", "10"},
         {"fill", "#c2410c"}},
        absl::StrCat("MillisBehindLatest ", HumanDuration(Duration::Millis(*first.behind_ms)),
                     " to ", HumanDuration(Duration::Millis(*last.behind_ms)), ": ",
                     HumanDuration(per_call), " less per call, about a bucket (",
                     HumanDuration(bucket), " on average)"));
  }

  // A tick per call at the bucket it read (ticks closer than 2 px merge), and the calls'
  // numbers at round steps, so a walk reads as call after call through the buckets.
  void RunCalls(const EmptyRun& run, int64_t top) {
    std::string ticks;
    int64_t last_tick = -1000;
    for (const Read* r : run.reads) {
      const int64_t x = ReadX(*r);
      if (x - last_tick < 2) continue;
      last_tick = x;
      absl::StrAppend(&ticks, ticks.empty() ? "" : " ", "M", x, " ", top + 36, "v12");
    }
    svg_.Element("path", {{"class", "calls"},
                          {"d", ticks},
                          {"fill", "none"},
                          {"stroke", "#3d4852"},
                          {"stroke-width", "1"}});
    if (!run.walks) return;  // numbers only where the calls stand apart
    const int64_t x0 = ReadX(*run.reads.front());
    const int64_t width = std::max<int64_t>(1, ReadX(*run.reads.back()) - x0);
    const int64_t calls = static_cast<int64_t>(run.reads.size());
    const int64_t step = RoundStep(calls, width, 56);
    const int64_t found_x = run.found ? ReadX(*run.found) : kWidth * 2;
    int64_t last_label = -1000;
    for (int64_t n = 1; n <= calls; n = (n == 1 && step > 1) ? step : n + step) {
      const int64_t x = ReadX(*run.reads[static_cast<size_t>(n - 1)]);
      if (x - last_label < 40 || found_x - x < 150) continue;
      last_label = x;
      svg_.Element("text",
                   {{"class", "call-number"},
                    {"x", Num(x)},
                    {"y", Num(top + 62)},
                    {"text-anchor", "middle"},
                    {"font-size", "9"},
                    {"fill", "#3d4852"}},
                   n == 1 ? "call 1" : Num(n));
    }
  }

  // The read that ended the run with records: ringed, with its call number.
  void RunFound(const EmptyRun& run, int64_t top) {
    if (run.found == nullptr || !run.walks) return;
    const int64_t x = ReadX(*run.found);
    svg_.Open("circle", {{"class", "found"},
                         {"cx", Num(x)},
                         {"cy", Num(top + 42)},
                         {"r", "9"},
                         {"fill", "none"},
                         {"stroke", OutcomeColour(Outcome::kRecords)},
                         {"stroke-width", "2"}});
    svg_.Title(run.found->record->ToText());
    svg_.Close();
    const int64_t records = IntField(*run.found->record, trace_field::kRecords).value_or(0);
    auto label = LabelAt(x > kWidth - 140 ? x + 12 : x + 8, top + 62);
    label.push_back({"font-size", "10"});
    label.push_back({"font-weight", "bold"});
    label.push_back({"fill", "#1f7a3a"});
    svg_.Element("text", label,
                 absl::StrCat("call ", run.reads.size() + 1, ": ", records,
                              records == 1 ? " record" : " records", " found"));
  }

  // Each long stretch between two puts that the axis does not compress (a walk crossed it):
  // a dashed bracket with its length, where a break would have written it.
  void IdleStretches(const ShardLane& lane, int64_t top) {
    auto it = facts_.lane_events.find(lane.shard_id);
    if (it == facts_.lane_events.end()) return;
    const Duration idle_min = std::max(
        Duration::Seconds(60), Duration::Micros((facts_.last - facts_.first).micros() / 10));
    const TraceRecord* previous = nullptr;
    for (const LaneEvent& e : it->second) {
      if (e.kind != LaneEvent::Kind::kPut) continue;
      const TraceRecord* put = e.record;
      if (previous == nullptr || put->time - previous->time <= idle_min ||
          axis_.InBreak(previous->time +
                        Duration::Micros((put->time - previous->time).micros() / 2))) {
        previous = put;
        continue;
      }
      const int64_t x0 = axis_.X(previous->time);
      const int64_t x1 = axis_.X(put->time);
      const std::string text =
          absl::StrCat(HumanDuration(put->time - previous->time), " with nothing put");
      const int64_t text_px = static_cast<int64_t>(text.size()) * 6 + 12;
      const int64_t mid = (x0 + x1) / 2;
      const int64_t y = top + 8;
      svg_.Open("g", {{"class", "idle-stretch"}});
      svg_.Element("path", {{"d", absl::StrCat("M", x0, " ", y - 3, "v6 M", x0, " ", y, "H",
                                               std::max(x0, mid - text_px / 2), " M",
                                               std::min(x1, mid + text_px / 2), " ", y, "H", x1,
                                               " M", x1, " ", y - 3, "v6")},
                            {"fill", "none"},
                            {"stroke", "#374151"},
                            {"stroke-dasharray", "4 3"}});
      svg_.Element("text",
                   {{"x", Num(mid)},
                    {"y", Num(y + 4)},
                    {"text-anchor", "middle"},
                    {"font-size", "10"},
                    {"font-weight", "bold"},
                    {"fill", "#374151"}},
                   text);
      svg_.Title(
          absl::StrCat(text, ", from ", previous->time.ToString(), " to ", put->time.ToString()));
      svg_.Close();
      previous = put;
    }
  }

  void Reads(const ShardLane& lane, int64_t top) {
    std::map<int64_t, int64_t> marks_at;  // reads of one bucket stand side by side
    for (const Read& r : facts_.reads) {
      if (r.shard != lane.shard_id || in_run_.count(&r)) continue;
      const bool other_reader = r.record->actor.starts_with("reader-");
      const int64_t x = ReadX(r);
      const int64_t nth = other_reader ? 0 : marks_at[x]++;
      if (r.event) {
        svg_.Open("rect", {{"class", absl::StrCat("event outcome-", OutcomeClass(r.outcome))},
                           {"x", Num(x + (nth % 6) * 7 - 4)},
                           {"y", Num(top + 38)},
                           {"width", "8"},
                           {"height", "8"},
                           {"fill", OutcomeColour(r.outcome)},
                           {"stroke", "#ffffff"},
                           {"stroke-width", "1"}});
        svg_.Title(r.record->ToText());
        svg_.Close();
        continue;
      }
      svg_.Open("circle", {{"class", absl::StrCat("read outcome-", OutcomeClass(r.outcome))},
                           {"cx", Num(x + (nth % 6) * 7)},
                           {"cy", Num(top + (other_reader ? 60 : 42))},
                           {"r", other_reader ? "3" : "5"},
                           {"fill", OutcomeColour(r.outcome)},
                           {"stroke", "#ffffff"},
                           {"stroke-width", "1"}});
      svg_.Title(r.record->ToText());
      svg_.Close();
    }
  }

  void LaneEvents(const ShardLane& lane, int64_t top) {
    auto it = facts_.lane_events.find(lane.shard_id);
    if (it == facts_.lane_events.end()) return;
    for (const LaneEvent& e : it->second) {
      const int64_t x = axis_.X(e.record->time);
      switch (e.kind) {
        case LaneEvent::Kind::kPut:
          svg_.Open("path", {{"class", "put"},
                             {"d", absl::StrCat("M", x - 5, " ", top + 14, " l5 8 l5 -8 z")},
                             {"fill", "#1f6feb"}});
          break;
        case LaneEvent::Kind::kCheckpoint:
          svg_.Open("path", {{"class", "checkpoint"},
                             {"d", absl::StrCat("M", x, " ", top + 62, " l5 5 l-5 5 l-5 -5 z")},
                             {"fill", "#0f766e"}});
          break;
        case LaneEvent::Kind::kDeclare:
          svg_.Open("g", {{"class", "declare"}});
          svg_.Element("line", {{"x1", Num(x)},
                                {"y1", Num(top + 8)},
                                {"x2", Num(x)},
                                {"y2", Num(top + 70)},
                                {"stroke", "#111827"},
                                {"stroke-width", "2"}});
          svg_.Element("path", {{"d", absl::StrCat("M", x, " ", top + 8, " l12 4 l-12 4 z")},
                                {"fill", "#111827"}});
          {
            auto label = LabelAt(x + (x > kWidth - 140 ? 0 : 10), top + 15);
            label.push_back({"font-size", "10"});
            svg_.Element("text", label,
                         e.record->kind == "declare.shard_end" ? "shard end" : "caught up");
          }
          break;
      }
      svg_.Title(e.record->ToText());
      svg_.Close();
    }
  }

  void Lineage() {
    for (const ShardLane& lane : input_.shards) {
      for (const std::optional<std::string>& parent : {lane.parent, lane.adjacent_parent}) {
        if (!parent || !row_of_.count(*parent)) continue;
        const int64_t from = LaneTop(row_of_[*parent]) + 44;
        const int64_t to = LaneTop(row_of_[lane.shard_id]) + 36;
        const int64_t x = 8 + Depth(lane) * 12;
        svg_.Element(
            "path", {{"class", "lineage"},
                     {"d", absl::StrCat("M", x, " ", from, " L", x, " ", to, " L", x + 6, " ", to)},
                     {"fill", "none"},
                     {"stroke", "#6b7280"},
                     {"stroke-width", "1.5"}});
      }
    }
  }

  void GlobalEvents() {
    for (const GlobalEvent& e : facts_.global_events) {
      const int64_t x = axis_.X(e.record->time);
      const bool crash = e.kind == GlobalEvent::Kind::kCrash;
      svg_.Open("g", {{"class", crash ? "crash" : "restart"}});
      svg_.Element("line", {{"x1", Num(x)},
                            {"y1", Num(kHeaderHeight)},
                            {"x2", Num(x)},
                            {"y2", Num(LanesBottom())},
                            {"stroke", crash ? "#b91c1c" : "#15803d"},
                            {"stroke-width", "1.5"},
                            {"stroke-dasharray", crash ? "4 3" : "1 3"}});
      auto label = LabelAt(x, LanesBottom() - 4);
      label.push_back({"font-size", "10"});
      label.push_back({"fill", crash ? "#b91c1c" : "#15803d"});
      svg_.Element("text", label, crash ? "crash" : absl::StrCat("restart ", e.record->actor));
      svg_.Title(e.record->ToText());
      svg_.Close();
    }
  }

  void Breaks() {
    for (const internal::Axis::Segment& s : axis_.segments()) {
      if (!s.compressed) continue;
      const int64_t mid = (s.x0 + s.x1) / 2;
      std::string zigzag = absl::StrCat("M", mid - 3, " ", kHeaderHeight);
      for (int64_t y = kHeaderHeight; y < LanesBottom() + 20; y += 8) {
        absl::StrAppend(&zigzag, " L", mid + 3, " ", y + 4, " L", mid - 3, " ", y + 8);
      }
      const std::string idle = HumanDuration(Duration::Micros(s.t1 - s.t0));
      svg_.Open("g", {{"class", "axis-break"}});
      svg_.Element("rect", {{"x", Num(s.x0)},
                            {"y", Num(kHeaderHeight)},
                            {"width", Num(s.x1 - s.x0)},
                            {"height", Num(LanesBottom() - kHeaderHeight + 20)},
                            {"fill", "#ffffff"},
                            {"fill-opacity", "0.7"}});
      svg_.Element(
          "path",
          {{"d", zigzag}, {"fill", "none"}, {"stroke", "#9ca3af"}, {"stroke-width", "1.5"}});
      svg_.Element("text",
                   {{"x", Num(mid)},
                    {"y", Num(LanesBottom() + 32)},
                    {"text-anchor", "middle"},
                    {"font-weight", "bold"},
                    {"fill", "#374151"}},
                   absl::StrCat(idle, " idle"));
      svg_.Title(absl::StrCat(idle, " with nothing put, from ",
                              Instant::FromUnixMicros(s.t0).ToString(), " to ",
                              Instant::FromUnixMicros(s.t1).ToString()));
      svg_.Close();
    }
  }

  void Axis() {
    const int64_t y = LanesBottom() + 6;
    svg_.Open("g", {{"id", "axis"}});
    svg_.Element("line", {{"x1", Num(kPlotLeft)},
                          {"y1", Num(y)},
                          {"x2", Num(kPlotRight)},
                          {"y2", Num(y)},
                          {"stroke", "#374151"}});
    int64_t last_label_x = -1000;
    const internal::Axis::Segment& end = axis_.segments().back();
    for (const internal::Axis::Segment& s : axis_.segments()) {
      for (const auto& [t, x] : {std::pair{s.t0, s.x0}, std::pair{s.t1, s.x1}}) {
        const bool is_end = &s == &end && t == s.t1;  // the end always has its label
        if (x - last_label_x < 64 || (!is_end && end.x1 - x < 64)) continue;
        last_label_x = x;
        svg_.Element("line", {{"x1", Num(x)},
                              {"y1", Num(y)},
                              {"x2", Num(x)},
                              {"y2", Num(y + 5)},
                              {"stroke", "#374151"}});
        svg_.Element(
            "text",
            {{"x", Num(x)}, {"y", Num(y + 16)}, {"text-anchor", "middle"}, {"font-size", "10"}},
            Clock(Instant::FromUnixMicros(t)));
      }
    }
    svg_.Element("text",
                 {{"x", "16"}, {"y", Num(y + 16)}, {"font-size", "10"}, {"fill", "#555555"}},
                 absl::StrCat("time (UTC, from ", facts_.first.ToString().substr(0, 10), ")"));
    svg_.Close();
  }

  void Violation() {
    if (facts_.violation == nullptr) return;
    const TraceRecord& v = *facts_.violation;
    const int64_t x = axis_.X(v.time);
    const std::string property = StrField(v, "property").value_or("?");
    const std::string message = StrField(v, "message").value_or("");
    svg_.Open("g", {{"id", "violation"}, {"class", "violation"}});
    svg_.Element("line", {{"x1", Num(x)},
                          {"y1", Num(kHeaderHeight)},
                          {"x2", Num(x)},
                          {"y2", Num(LanesBottom())},
                          {"stroke", "#dc2626"},
                          {"stroke-width", "3"},
                          {"stroke-opacity", "0.8"}});
    svg_.Element("circle",
                 {{"cx", Num(x)}, {"cy", Num(kHeaderHeight + 4)}, {"r", "7"}, {"fill", "#dc2626"}});
    svg_.Element("text",
                 {{"x", Num(x)},
                  {"y", Num(kHeaderHeight + 8)},
                  {"text-anchor", "middle"},
                  {"fill", "#ffffff"},
                  {"font-weight", "bold"}},
                 "!");
    const int64_t box_top = LanesBottom() + 44;
    svg_.Element("rect", {{"x", "12"},
                          {"y", Num(box_top)},
                          {"width", Num(kWidth - 24)},
                          {"height", "58"},
                          {"fill", "#fef2f2"},
                          {"stroke", "#dc2626"}});
    svg_.Element(
        "text",
        {{"x", "20"}, {"y", Num(box_top + 16)}, {"font-weight", "bold"}, {"fill", "#991b1b"}},
        absl::StrCat("FAIL ", property, " at ", v.time.ToString()));
    constexpr size_t kLine = 180;
    for (size_t i = 0, line = 0; i < message.size() && line < 2; i += kLine, ++line) {
      svg_.Element("text",
                   {{"x", "20"},
                    {"y", Num(box_top + 33 + static_cast<int64_t>(line) * 16)},
                    {"fill", "#7f1d1d"}},
                   message.substr(i, kLine));
    }
    svg_.Title(v.ToText());
    svg_.Close();
  }

  const TimelineInput& input_;
  Facts facts_;
  std::set<const Read*> in_run_;
  std::vector<EmptyRun> empty_runs_;
  std::vector<std::pair<int64_t, int64_t>> run_labels_;  // the lane's run labels drawn, from x to x
  std::map<std::string, size_t> lane_index_;
  std::vector<size_t> order_;
  std::map<std::string, size_t> row_of_;
  internal::Axis axis_;
  SvgWriter svg_;
  int64_t height_ = 0;
};

}  // namespace

std::string RenderTimelineSvg(const TimelineInput& input) { return Picture(input).Render(); }

std::vector<ShardLane> ShardLanesOf(model::KinesisModel& model, const std::string& stream,
                                    Instant until, size_t max_buckets_per_shard) {
  std::vector<ShardLane> lanes;
  auto shards = model.ListShards(until, {.StreamName = stream});
  if (!shards.ok()) return lanes;
  for (const model::Shard& s : shards->Shards) {
    ShardLane lane{s.ShardId, s.ParentShardId, s.AdjacentParentShardId, {}};
    for (uint64_t b = 0; b < max_buckets_per_shard; ++b) {
      const std::optional<Instant> start = model.BucketStart(stream, s.ShardId, b);
      if (!start || (!lane.bucket_starts.empty() && *start <= lane.bucket_starts.back())) break;
      lane.bucket_starts.push_back(*start);
      if (*start > until) break;
    }
    lanes.push_back(std::move(lane));
  }
  std::sort(lanes.begin(), lanes.end(),
            [](const ShardLane& a, const ShardLane& b) { return a.shard_id < b.shard_id; });
  return lanes;
}

}  // namespace shardsim::timeline
