#include "properties/failure_report.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/call_observation.h"
#include "sim/check.h"
#include "sim/trace.h"

namespace shardsim::properties {

namespace {

using sim::TraceRecord;
using sim::TraceValue;

std::optional<uint64_t> CountField(const TraceRecord& r, std::string_view key) {
  const TraceValue* value = r.Find(key);
  if (value == nullptr) return std::nullopt;
  const TraceValue::Variant& v = value->value();
  if (std::holds_alternative<uint64_t>(v)) return std::get<uint64_t>(v);
  if (std::holds_alternative<int64_t>(v) && std::get<int64_t>(v) >= 0) {
    return static_cast<uint64_t>(std::get<int64_t>(v));
  }
  return std::nullopt;
}

std::string TextField(const TraceRecord& r, std::string_view key) {
  const TraceValue* value = r.Find(key);
  if (value == nullptr) return "";
  if (const auto* text = std::get_if<std::string>(&value->value())) return *text;
  std::string out;
  value->AppendText(out);
  return out;
}

bool IsPage(const TraceRecord& r) {
  return r.kind == model::trace_call::kGetRecords ||
         r.kind == model::trace_call::kSubscriptionEvent;
}

// The incarnation number of an actor named "consumer#12", if it is one.
std::optional<uint64_t> Incarnation(std::string_view actor) {
  const size_t hash = actor.rfind('#');
  uint64_t number = 0;
  if (hash == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(actor.substr(hash + 1)), &number)) {
    return std::nullopt;
  }
  return number;
}

// "consumer#12" -> "consumer#": the incarnations of one process are one actor to the fold.
std::string_view ActorFamily(std::string_view actor) {
  return Incarnation(actor) ? actor.substr(0, actor.rfind('#') + 1) : actor;
}

// True for a record that puts, reads, processes or checkpoints a record, or changes the run
// itself (the scenario, a crash, a reshard, the phases, the verdict): never folded.
bool MovesData(const TraceRecord& r) {
  if (r.actor == "harness" || r.actor == "judge" || r.actor == "admin" || r.actor == "producer") {
    return true;
  }
  if (r.kind == "process" || r.kind == "checkpoint" || r.kind == "store.write" ||
      r.kind == "store.erase" || r.kind == "process.kill") {
    return true;
  }
  if (IsPage(r)) {  // records, or a closed shard's end (a subscription's five minutes are not)
    return CountField(r, model::trace_field::kRecords).value_or(0) > 0 ||
           r.Find(model::trace_field::kNext) != nullptr ||
           TextField(r, model::trace_field::kEnd) == "shard_end";
  }
  return false;
}

// Fields that change from one repetition of a call to the next without making it news.
bool IsVolatileField(std::string_view key) {
  namespace f = model::trace_field;
  for (const std::string_view k :
       {f::kBucket, f::kOrdinal, f::kNextBucket, f::kNextOrdinal, f::kBehindMs, f::kSeq,
        f::kFirstSeq, f::kLastSeq, f::kTimestamp, f::kMessage, f::kSubscription, f::kEndsAt,
        f::kContinuation, std::string_view("pid")}) {
    if (key == k) return true;
  }
  return false;
}

// Decides, record by record in trace order, which records are idle (see Timeline).
class IdleRecords {
 public:
  bool IsIdle(const TraceRecord& r) {
    if (r.actor == "harness" && r.kind == "crash") restart_pending_ = true;
    if (IsKeepAliveCheckpoint(r)) return true;
    if (MovesData(r)) return false;
    if (restart_pending_ && r.kind == "process.spawn" &&
        r.actor.starts_with(kConsumerActorPrefix)) {
      restart_pending_ = false;  // the restart after a crash
      return false;
    }
    return !seen_.insert(Signature(r)).second;
  }

 private:
  static std::string Signature(const TraceRecord& r) {
    std::string out = absl::StrCat(std::string(ActorFamily(r.actor)), " ", r.kind);
    for (const sim::TraceField& field : r.fields) {
      if (IsVolatileField(field.key)) continue;
      absl::StrAppend(&out, " ", field.key, "=");
      field.value.AppendText(out);
    }
    return out;
  }

  // A checkpoint that follows no processed record of its shard since the shard's last checkpoint
  // only carries a position forward through empty pages or events (a fan-out loop checkpoints
  // every event's continuation): idle like the empty events themselves. The first checkpoint of
  // a shard and its SHARD_END are news.
  bool IsKeepAliveCheckpoint(const TraceRecord& r) {
    const std::string shard = TextField(r, model::trace_field::kShard);
    if (r.kind == "process") processed_since_checkpoint_.insert(shard);
    if (r.kind != "checkpoint") return false;
    const bool first = checkpointed_.insert(shard).second;
    const bool processed = processed_since_checkpoint_.erase(shard) > 0;
    return !first && !processed && TextField(r, model::trace_field::kSeq) != "SHARD_END";
  }

  std::set<std::string> seen_;
  std::set<std::string> checkpointed_;
  std::set<std::string> processed_since_checkpoint_;
  bool restart_pending_ = false;
};

// What one actor did of one kind, with one outcome, in a folded run. Only the fields a folded
// line names are kept of its first and last record, so a fold holds no record.
struct FoldedGroup {
  std::string kind;
  // "empty" (a page without records), "answered <error>", "ending expired" (a subscription's
  // last event) or "".
  std::string outcome;
  uint64_t count = 0;
  std::vector<std::string> shards;  // in the order first seen
  std::optional<uint64_t> first_bucket;
  std::optional<uint64_t> first_behind_ms;
  std::optional<uint64_t> last_next_bucket;
  std::optional<uint64_t> last_behind_ms;
};

struct FoldedActor {
  std::string family;
  std::optional<uint64_t> lowest;  // the incarnations seen, for "consumer#3 to consumer#9"
  std::optional<uint64_t> highest;
  std::vector<FoldedGroup> groups;

  std::string Name() const {
    if (!lowest) return family;
    return *lowest == *highest ? absl::StrCat(family, *lowest)
                               : absl::StrCat(family, *lowest, " to ", family, *highest);
  }
};

std::string Outcome(const TraceRecord& r) {
  if (r.Find(model::trace_field::kError) != nullptr) {
    return absl::StrCat("answered ", TextField(r, model::trace_field::kError));
  }
  if (r.Find(model::trace_field::kEnd) != nullptr) {
    return absl::StrCat("ending ", TextField(r, model::trace_field::kEnd));
  }
  return IsPage(r) ? "empty" : "";
}

void AddToFold(std::vector<FoldedActor>& actors, const TraceRecord& r) {
  const std::string_view family = ActorFamily(r.actor);
  auto actor = std::find_if(actors.begin(), actors.end(),
                            [&](const FoldedActor& a) { return a.family == family; });
  if (actor == actors.end()) {
    actors.push_back(FoldedActor{std::string(family), std::nullopt, std::nullopt, {}});
    actor = actors.end() - 1;
  }
  if (const std::optional<uint64_t> number = Incarnation(r.actor)) {
    actor->lowest = std::min(actor->lowest.value_or(*number), *number);
    actor->highest = std::max(actor->highest.value_or(*number), *number);
  }
  const std::string outcome = Outcome(r);
  auto group = std::find_if(actor->groups.begin(), actor->groups.end(), [&](const FoldedGroup& g) {
    return g.kind == r.kind && g.outcome == outcome;
  });
  if (group == actor->groups.end()) {
    actor->groups.push_back(
        FoldedGroup{.kind = r.kind,
                    .outcome = outcome,
                    .first_bucket = CountField(r, model::trace_field::kBucket),
                    .first_behind_ms = CountField(r, model::trace_field::kBehindMs)});
    group = actor->groups.end() - 1;
  }
  ++group->count;
  group->last_next_bucket = CountField(r, model::trace_field::kNextBucket);
  group->last_behind_ms = CountField(r, model::trace_field::kBehindMs);
  if (r.Find(model::trace_field::kShard) != nullptr) {
    const std::string shard = TextField(r, model::trace_field::kShard);
    if (std::find(group->shards.begin(), group->shards.end(), shard) == group->shards.end()) {
      group->shards.push_back(shard);
    }
  }
}

// "ListShards", "empty GetRecords on shardId-000000000001 walking buckets 3 to 297
// (MillisBehindLatest 3990120 to 240000)", "GetRecords answered
// ProvisionedThroughputExceededException on 3 shards", each after its count.
std::string DescribeGroup(const FoldedGroup& g) {
  std::string out = absl::StrCat(g.count, " ");
  if (g.outcome == "empty") absl::StrAppend(&out, "empty ");
  absl::StrAppend(&out, g.kind);
  if (!g.outcome.empty() && g.outcome != "empty") absl::StrAppend(&out, " ", g.outcome);
  if (g.kind == "checkpoint") absl::StrAppend(&out, " of a position past no new record");
  if (g.shards.size() == 1 || g.shards.size() == 2) {
    absl::StrAppend(&out, " on ", absl::StrJoin(g.shards, " and "));
  } else if (g.shards.size() > 2) {
    absl::StrAppend(&out, " on ", g.shards.size(), " shards");
  }
  if (g.outcome == "empty" && g.shards.size() == 1 && g.first_bucket && g.last_next_bucket) {
    absl::StrAppend(&out, " walking buckets ", *g.first_bucket, " to ", *g.last_next_bucket);
    if (g.first_behind_ms && g.last_behind_ms) {
      absl::StrAppend(&out, " (MillisBehindLatest ", *g.first_behind_ms, " to ", *g.last_behind_ms,
                      ")");
    }
  }
  return out;
}

// The judge's violation record with its message whole in one line: the first sentence
// (ViolationSentences), then any further witness, after a colon.
std::string ViolationLine(const TraceRecord& r, const Violation& violation) {
  const std::vector<std::string> sentences =
      ViolationSentences(violation.message, violation.witness);
  std::string message = sentences.front();
  if (sentences.size() > 1) {
    absl::StrAppend(&message, ": ", absl::StrJoin(sentences.begin() + 1, sentences.end(), "; "));
  }
  TraceRecord whole = r;
  for (sim::TraceField& field : whole.fields) {
    if (field.key == model::trace_field::kMessage) field.value = TraceValue(message);
  }
  return whole.ToText();
}

bool IsViolationRecord(const TraceRecord& r) { return r.actor == "judge" && r.kind == "violation"; }

}  // namespace

// The idle records folded so far of the run being folded; its first kMinFoldedRecords - 1
// records are kept too, since a shorter run is printed line by line after all.
struct TimelineWriter::Fold {
  std::vector<TraceRecord> head;
  std::vector<FoldedActor> actors;
  size_t count = 0;
  sim::Instant from;
  sim::Instant to;

  // One line for the run.
  std::string Line() const {
    std::string out = absl::StrCat("    ... ", count, " records ");
    if (from == to) {
      absl::StrAppend(&out, "at ", from.ToString());
    } else {
      absl::StrAppend(&out, "over ", (to - from).ToString(), " (", from.ToString(), " to ",
                      to.ToString(), ")");
    }
    absl::StrAppend(&out, " that put, read or process no record:");
    const char* separator = " ";
    for (const FoldedActor& actor : actors) {
      std::vector<std::string> groups;
      for (const FoldedGroup& g : actor.groups) groups.push_back(DescribeGroup(g));
      absl::StrAppend(&out, separator, actor.Name(), ": ", absl::StrJoin(groups, ", "));
      separator = "; ";
    }
    return out + "\n";
  }
};

struct TimelineWriter::Held {
  std::optional<TraceRecord> record;  // a line to render at Finish
  std::string folded;                 // or a folded line, when there is no record
};

struct TimelineWriter::Classifier {
  IdleRecords idle;
};

TimelineWriter::TimelineWriter(std::function<void(std::string_view)> out)
    : out_(std::move(out)), classifier_(std::make_unique<Classifier>()) {}

TimelineWriter::~TimelineWriter() = default;

void TimelineWriter::Add(const TraceRecord& record) {
  SHARDSIM_CHECK(!finished_, "TimelineWriter::Add after Finish");
  const bool idle = classifier_->idle.IsIdle(record);
  tail_.push_back(Pending{record, idle});
  // The last kUnfoldedTailRecords records of a trace are never folded: a record is decided
  // only once that many have come after it.
  if (tail_.size() > kUnfoldedTailRecords) {
    Pending oldest = std::move(tail_.front());
    tail_.pop_front();
    Decide(std::move(oldest.record), oldest.idle);
  }
}

void TimelineWriter::Finish(const Violation* violation) {
  SHARDSIM_CHECK(!finished_, "TimelineWriter::Finish twice");
  while (!tail_.empty()) {
    Pending next = std::move(tail_.front());
    tail_.pop_front();
    Decide(std::move(next.record), /*idle=*/false);
  }
  EndFold();
  finished_ = true;
  for (const Held& held : held_) {
    if (!held.record.has_value()) {
      out_(held.folded);
      continue;
    }
    const TraceRecord& r = *held.record;
    out_(absl::StrCat(
        violation != nullptr && IsViolationRecord(r) ? ViolationLine(r, *violation) : r.ToText(),
        "\n"));
  }
  held_.clear();
}

void TimelineWriter::Decide(TraceRecord record, bool idle) {
  if (idle) {
    if (fold_ == nullptr) {
      fold_ = std::make_unique<Fold>();
      fold_->from = record.time;
    }
    AddToFold(fold_->actors, record);
    fold_->to = record.time;
    ++fold_->count;
    if (fold_->head.size() + 1 < kMinFoldedRecords) fold_->head.push_back(std::move(record));
    return;
  }
  EndFold();
  Write(std::move(record));
}

void TimelineWriter::EndFold() {
  if (fold_ == nullptr) return;
  std::unique_ptr<Fold> fold = std::move(fold_);
  if (fold->count >= kMinFoldedRecords) {
    if (held_.empty()) {
      out_(fold->Line());
    } else {
      held_.push_back(Held{.folded = fold->Line()});  // after the violation record: see Write
    }
    return;
  }
  for (TraceRecord& r : fold->head) Write(std::move(r));
}

void TimelineWriter::Write(TraceRecord record) {
  // From the judge's violation record on, lines wait for Finish, which knows the violation
  // (its message is shown whole); only the last few records of a run come after it.
  if (held_.empty() && !IsViolationRecord(record)) {
    out_(absl::StrCat(record.ToText(), "\n"));
    return;
  }
  held_.push_back(Held{.record = std::move(record)});
}

std::string Timeline(const std::vector<sim::TraceRecord>& records, const Violation* violation) {
  std::string out;
  TimelineWriter writer([&out](std::string_view text) { out.append(text); });
  for (const TraceRecord& r : records) writer.Add(r);
  writer.Finish(violation);
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
                  sim::FormatTraceHash(report.trace_hash), "):\n",
                  Timeline(report.trace, report.violation ? &*report.violation : nullptr));
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
