#include "properties/scenario_shrink.h"

#include <algorithm>
#include <climits>
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "properties/generators.h"
#include "properties/liveness_budget.h"

namespace shardsim::properties {

namespace {

// The kinds of move, in the order a round tries them.
enum class Stage {
  kDeleteReshard,
  kDeleteCrash,
  kDeleteReader,
  kDeletePuts,
  kFewerSlowerPuts,
  kFewerPutsSameTime,
  kFewerShards,
  kNoProcessing,
  kNoLimits,
  kFixedProfile,
  kNoRerun,
};

// One move. Moves compare by (stage, a, b), the order of a round.
struct Move {
  Stage stage = Stage::kDeleteReshard;
  int64_t a = 0;  // deleting puts: minus the chunk size (larger chunks first)
  int64_t b = 0;  // what is deleted (index, chunk start), the new shard count, or the profile
  friend auto operator<=>(const Move&, const Move&) = default;
};

constexpr Move kFirstMove{Stage::kDeleteReshard, INT64_MIN, INT64_MIN};

// The index of "shardId-000000000007" (7); nullopt for any other form.
std::optional<int> ShardIndex(std::string_view id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (id.size() != kPrefix.size() + 12 || id.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  int64_t index = 0;
  for (char c : id.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
    if (index > INT_MAX / 2) return std::nullopt;
  }
  return static_cast<int>(index);
}

// The highest shard index a reshard or reader names (-1 when none; INT_MAX for a name of
// another form, which blocks every move that renumbers shards).
int HighestNamedShard(const Scenario& s) {
  int highest = -1;
  auto name = [&](const std::string& id) {
    if (id.empty()) return;
    const std::optional<int> index = ShardIndex(id);
    highest = std::max(highest, index.value_or(INT_MAX));
  };
  for (const ReshardSpec& r : s.reshards) {
    name(r.shard_id);
    name(r.adjacent_shard_id);
  }
  for (const CompetingReaderSpec& r : s.competing_readers) name(r.shard_id);
  return highest;
}

void AddDeletions(Stage stage, size_t count, std::vector<Move>& moves) {
  for (size_t j = 0; j < count; ++j) moves.push_back({stage, 0, static_cast<int64_t>(j)});
}

// Every put (unless `stage` keeps one), then halves, quarters, ... and single puts, each chunk
// from the front.
void AddPutChunks(Stage stage, size_t count, std::vector<Move>& moves) {
  const int64_t n = static_cast<int64_t>(count);
  for (int64_t k = n; k > 0; k = k == 1 ? 0 : (k + 1) / 2) {
    if (stage != Stage::kDeletePuts && k == n) continue;
    for (int64_t i = 0; i < n; i += k) moves.push_back({stage, -k, i});
  }
}

std::vector<Move> Moves(const Scenario& s, bool keep_rerun) {
  std::vector<Move> moves;
  const int named = HighestNamedShard(s);
  const bool names_children = named >= s.shard_count;
  if (!names_children) AddDeletions(Stage::kDeleteReshard, s.reshards.size(), moves);
  AddDeletions(Stage::kDeleteCrash, s.crashes.size(), moves);
  AddDeletions(Stage::kDeleteReader, s.competing_readers.size(), moves);
  AddPutChunks(Stage::kDeletePuts, s.puts.size(), moves);
  // A slow consumer's stall (what expires its iterators) needs processing time, not records:
  // fewer records, each processed as long as a generated case may, or longer than an
  // iterator lives (one record then stands for several).
  if (s.processing_time_per_record > Duration::Zero() &&
      s.processing_time_per_record < kMaxProcessingTimePerRecord) {
    AddPutChunks(Stage::kFewerSlowerPuts, s.puts.size(), moves);
  }
  if (s.processing_time_per_record > Duration::Zero() &&
      s.processing_time_per_record < kMaxShrunkProcessingTimePerRecord) {
    AddPutChunks(Stage::kFewerPutsSameTime, s.puts.size(), moves);
  }
  if (!names_children) {
    const int fewest = std::max(1, named + 1);
    if (fewest < s.shard_count) moves.push_back({Stage::kFewerShards, 0, fewest});
    if (s.shard_count - 1 > fewest) moves.push_back({Stage::kFewerShards, 0, s.shard_count - 1});
  }
  if (s.processing_time_per_record > Duration::Zero()) moves.push_back({Stage::kNoProcessing});
  if (!(s.stream.limits == model::ShardLimits::Unlimited())) moves.push_back({Stage::kNoLimits});
  const model::BucketProfile& profile = s.stream.buckets;
  if (profile.kind == model::BucketProfile::Kind::kObserved ||
      profile.kind == model::BucketProfile::Kind::kRange) {
    moves.push_back({Stage::kFixedProfile, 0, 0});  // the widest buckets: the fewest
    if (profile.min_width != profile.max_width) moves.push_back({Stage::kFixedProfile, 0, 1});
  }
  if (s.rerun_after_exit.has_value() && !keep_rerun) moves.push_back({Stage::kNoRerun});
  return moves;
}

template <typename T>
void EraseAt(std::vector<T>& items, int64_t index, int64_t count = 1) {
  const auto begin = items.begin() + index;
  items.erase(begin, begin + std::min<int64_t>(count, static_cast<int64_t>(items.end() - begin)));
}

// `s` with `move` applied, its bounds derived again but never lowered.
Scenario Apply(const Scenario& s, const Move& move) {
  Scenario c = s;
  switch (move.stage) {
    case Stage::kDeleteReshard:
      EraseAt(c.reshards, move.b);
      break;
    case Stage::kDeleteCrash:
      EraseAt(c.crashes, move.b);
      break;
    case Stage::kDeleteReader:
      EraseAt(c.competing_readers, move.b);
      break;
    case Stage::kDeletePuts:
      EraseAt(c.puts, move.b, -move.a);
      break;
    case Stage::kFewerSlowerPuts:
      c.processing_time_per_record = kMaxProcessingTimePerRecord;
      EraseAt(c.puts, move.b, -move.a);
      break;
    case Stage::kFewerPutsSameTime:
      c.processing_time_per_record = kMaxShrunkProcessingTimePerRecord;
      EraseAt(c.puts, move.b, -move.a);
      break;
    case Stage::kFewerShards:
      c.shard_count = static_cast<int>(move.b);
      break;
    case Stage::kNoProcessing:
      c.processing_time_per_record = Duration::Zero();
      break;
    case Stage::kNoLimits:
      c.stream.limits = model::ShardLimits::Unlimited();
      break;
    case Stage::kFixedProfile:
      c.stream.buckets = model::BucketProfile::Fixed(move.b == 0 ? s.stream.buckets.max_width
                                                                 : s.stream.buckets.min_width);
      break;
    case Stage::kNoRerun:
      c.rerun_after_exit.reset();
      break;
  }
  c.liveness_budget = std::max(s.liveness_budget, DeriveLivenessBudget(c));
  c.max_events = std::max(s.max_events, DeriveEventBound(c));
  return c;
}

class Node;

// The candidates of one scenario: a whole round of moves, from `resume` on, wrapping around.
class Candidates {
 public:
  Candidates(std::shared_ptr<const Scenario> scenario, Move resume, bool keep_rerun)
      : scenario_(std::move(scenario)),
        moves_(Moves(*scenario_, keep_rerun)),
        start_(static_cast<size_t>(std::lower_bound(moves_.begin(), moves_.end(), resume) -
                                   moves_.begin())),
        keep_rerun_(keep_rerun) {}

  rc::Maybe<rc::Shrinkable<Scenario>> operator()();

 private:
  std::shared_ptr<const Scenario> scenario_;
  std::vector<Move> moves_;
  size_t start_;
  size_t tried_ = 0;
  bool keep_rerun_;
};

// A scenario and where its round of moves starts (after the move that made it).
class Node {
 public:
  Node(std::shared_ptr<const Scenario> scenario, Move resume, bool keep_rerun)
      : scenario_(std::move(scenario)), resume_(resume), keep_rerun_(keep_rerun) {}

  Scenario value() const { return *scenario_; }
  rc::Seq<rc::Shrinkable<Scenario>> shrinks() const {
    return rc::makeSeq<Candidates>(scenario_, resume_, keep_rerun_);
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
  Move resume_;
  bool keep_rerun_;
};

rc::Maybe<rc::Shrinkable<Scenario>> Candidates::operator()() {
  if (tried_ == moves_.size()) return rc::Nothing;
  const Move& move = moves_[(start_ + tried_++) % moves_.size()];
  return rc::makeShrinkable<Node>(std::make_shared<const Scenario>(Apply(*scenario_, move)), move,
                                  keep_rerun_);
}

}  // namespace

rc::Shrinkable<Scenario> StructuralShrinks(Scenario scenario,
                                           const consumer::StrategyInfo& strategy) {
  return rc::makeShrinkable<Node>(std::make_shared<const Scenario>(std::move(scenario)), kFirstMove,
                                  strategy.rerun_interval.has_value());
}

}  // namespace shardsim::properties
