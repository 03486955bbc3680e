#include "properties/scenario_mutate.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "properties/generators.h"
#include "properties/liveness_budget.h"
#include "sim/random.h"

namespace shardsim::properties {

namespace {

// The edits, drawn uniformly (an edit that cannot apply, e.g. deleting a crash of a scenario
// without one, is drawn again).
enum class Edit {
  kAddPut,
  kDeletePuts,
  kMovePut,
  kRepeatPutSameMillisecond,
  kOpenGap,
  kAddCrash,
  kDeleteCrash,
  kMoveCrash,
  kCrashPastRetention,
  kAddReshard,
  kDeleteReshard,
  kAddReader,
  kDeleteReader,
  kProcessingTime,
  kSlowPage,
  kShardCount,
};
constexpr int kEditCount = 16;

std::string ShardName(int index) { return absl::StrFormat("shardId-%012d", index); }

// Every shard the stream may have had: the first ones, two children per split, one per merge.
int ShardsEver(const Scenario& s) {
  int shards = s.shard_count;
  for (const ReshardSpec& r : s.reshards) shards += r.kind == ReshardSpec::Kind::kSplit ? 2 : 1;
  return shards;
}

Duration LastPutTime(const Scenario& s) {
  return s.puts.empty() ? Duration::Zero() : s.puts.back().at;
}

// A time of interest: near one of the puts (or the start), a little before or after it.
Duration NearAPut(const Scenario& s, sim::Random& rng) {
  const Duration base = s.puts.empty() ? Duration::Zero() : s.puts[rng.Below(s.puts.size())].at;
  const Duration offset = rng.LogUniformDuration(Duration::Millis(1), Duration::Minutes(10));
  if (rng.Bernoulli(0.3) && base > offset) return base - offset;
  return base + offset;
}

Duration SignedShift(Duration at, sim::Random& rng, Duration largest) {
  const Duration by = rng.LogUniformDuration(Duration::Millis(1), largest);
  if (rng.Bernoulli(0.5)) return at > by ? at - by : Duration::Zero();
  return at + by;
}

std::string AKey(const Scenario& s, sim::Random& rng) {
  if (!s.puts.empty() && rng.Bernoulli(0.7)) return s.puts[rng.Below(s.puts.size())].partition_key;
  return absl::StrCat("k", rng.Below(1'000));
}

void AddPut(Scenario& s, sim::Random& rng) {
  Duration at = NearAPut(s, rng);
  if (rng.Bernoulli(0.25)) {
    at = LastPutTime(s) + rng.LogUniformDuration(Duration::Seconds(1), Duration::Days(2));
  }
  s.puts.push_back(PutSpec{at, AKey(s, rng), absl::StrCat("f", rng.Below(1'000'000))});
}

bool DeletePuts(Scenario& s, sim::Random& rng) {
  if (s.puts.empty()) return false;
  const size_t first = rng.Below(s.puts.size());
  const size_t count = 1 + rng.Below(std::min<size_t>(s.puts.size() - first, 4));
  s.puts.erase(s.puts.begin() + static_cast<ptrdiff_t>(first),
               s.puts.begin() + static_cast<ptrdiff_t>(first + count));
  return true;
}

bool MovePut(Scenario& s, sim::Random& rng) {
  if (s.puts.empty()) return false;
  PutSpec& put = s.puts[rng.Below(s.puts.size())];
  put.at = SignedShift(put.at, rng, Duration::Hours(6));
  return true;
}

// Two to eight more records of one put's partition key in its millisecond.
bool RepeatPutSameMillisecond(Scenario& s, sim::Random& rng) {
  if (s.puts.empty()) return false;
  const PutSpec head = s.puts[rng.Below(s.puts.size())];
  const int more = static_cast<int>(rng.UniformInt(2, 8));
  for (int i = 0; i < more; ++i) {
    s.puts.push_back(PutSpec{head.at, head.partition_key, absl::StrCat("r", i, "-", head.data)});
  }
  return true;
}

// An idle stretch before one of the puts: it and everything after it move later.
bool OpenGap(Scenario& s, sim::Random& rng) {
  if (s.puts.empty()) return false;
  const Duration from = s.puts[rng.Below(s.puts.size())].at;
  const Duration gap = rng.LogUniformDuration(Duration::Minutes(1), Duration::Days(1));
  auto later = [&](Duration& at) {
    if (at >= from) at = at + gap;
  };
  for (PutSpec& p : s.puts) later(p.at);
  for (ReshardSpec& r : s.reshards) later(r.at);
  for (CrashSpec& c : s.crashes) later(c.at);
  for (CompetingReaderSpec& r : s.competing_readers) {
    if (r.start >= from) r.stop = r.stop + gap;
    later(r.start);
  }
  return true;
}

void AddCrash(Scenario& s, sim::Random& rng) {
  s.crashes.push_back(CrashSpec{NearAPut(s, rng),
                                rng.LogUniformDuration(Duration::Seconds(1), Duration::Hours(30))});
}

bool DeleteCrash(Scenario& s, sim::Random& rng) {
  if (s.crashes.empty()) return false;
  s.crashes.erase(s.crashes.begin() + static_cast<ptrdiff_t>(rng.Below(s.crashes.size())));
  return true;
}

bool MoveCrash(Scenario& s, sim::Random& rng) {
  if (s.crashes.empty()) return false;
  CrashSpec& crash = s.crashes[rng.Below(s.crashes.size())];
  if (rng.Bernoulli(0.5)) {
    crash.at = SignedShift(crash.at, rng, Duration::Minutes(30));
  } else {
    crash.restart_after =
        std::max(Duration::Seconds(1), SignedShift(crash.restart_after, rng, Duration::Hours(12)));
  }
  return true;
}

// A crash down for longer than the records are kept, and records around it that put a checkpoint
// below the trim horizon: a record (near a put, after the last crash or restart, while the
// consumer runs) with 2 to 5 minutes to be processed and checkpointed (by a consumer that writes
// checkpoints every minute) before the crash; three times in four one more record of its key
// within 2 s before the crash, read but not checkpointed, or not read at all, which expires while
// the consumer is down for the retention period and up to 3 h more; the producer going on after
// the restart (the puts after the crash move later by the downtime, and one more of that key
// comes soon after the restart). Buckets of 20 s or more keep the walk back affordable.
void CrashPastRetention(Scenario& s, sim::Random& rng) {
  const Duration down =
      s.stream.retention + rng.UniformDuration(Duration::Seconds(1), Duration::Hours(3));
  // After every earlier crash and restart too: a crash while the consumer is down is not played.
  const Duration checkpointed =
      std::max(s.puts.empty() ? Duration::Zero() : s.puts[rng.Below(s.puts.size())].at,
               s.LastPlayedCrashEvent()) +
      rng.UniformDuration(Duration::Millis(1), Duration::Seconds(30));
  const Duration at =
      checkpointed + rng.UniformDuration(Duration::Minutes(2), Duration::Minutes(5));
  const std::string key = AKey(s, rng);
  for (PutSpec& p : s.puts) {
    if (p.at >= at) p.at = p.at + down;
  }
  s.crashes.push_back(CrashSpec{at, down});
  s.puts.push_back(PutSpec{checkpointed, key, absl::StrCat("checkpointed-", rng.Below(1'000'000))});
  if (rng.Bernoulli(0.75)) {
    s.puts.push_back(PutSpec{at - rng.UniformDuration(Duration::Millis(1), Duration::Seconds(2)),
                             key, absl::StrCat("before-crash-", rng.Below(1'000'000))});
  }
  s.puts.push_back(
      PutSpec{at + down + rng.UniformDuration(Duration::Seconds(1), Duration::Minutes(10)), key,
              absl::StrCat("after-restart-", rng.Below(1'000'000))});
  const Duration min_width = Duration::Seconds(20);
  if (s.stream.buckets.dense() || s.stream.buckets.min_width < min_width) {
    s.stream.buckets =
        model::BucketProfile::Range(min_width, std::max(min_width, s.stream.buckets.max_width));
  }
}

// A split or merge near a put. Half the time it is one of the first shards', between records of
// its parents' keys (one to three within 3 s before, which a parent holds, and one to three
// within 10 s after, which go to the child): a reader that starts the child before finishing a
// parent can pass them.
void AddReshard(Scenario& s, sim::Random& rng) {
  ReshardSpec r;
  r.at = NearAPut(s, rng);
  const bool around_records = rng.Bernoulli(0.5);
  const int shards = around_records ? s.shard_count : ShardsEver(s);
  const int first = static_cast<int>(rng.Below(static_cast<uint64_t>(shards)));
  r.shard_id = ShardName(first);
  std::vector<int> parents = {first};
  if (shards >= 2 && rng.Bernoulli(0.5)) {
    r.kind = ReshardSpec::Kind::kMerge;
    // Hash-adjacent shards are usually numbered next to each other (both of the first shards,
    // or a split's two children); a merge of shards that are not adjacent is refused, a no-op.
    const int adjacent = first + 1 < shards ? first + 1 : first - 1;
    r.adjacent_shard_id = ShardName(adjacent);
    parents.push_back(adjacent);
  }
  if (around_records) {
    for (const int parent : parents) {
      const std::string key = KeyOnShard(parent, s.shard_count);
      for (int i = static_cast<int>(rng.UniformInt(1, 3)); i > 0; --i) {
        const Duration before = rng.UniformDuration(Duration::Millis(1), Duration::Seconds(3));
        s.puts.push_back(PutSpec{r.at > before ? r.at - before : Duration::Zero(), key,
                                 absl::StrCat("before-reshard-", rng.Below(1'000'000))});
      }
      for (int i = static_cast<int>(rng.UniformInt(1, 3)); i > 0; --i) {
        s.puts.push_back(
            PutSpec{r.at + rng.UniformDuration(Duration::Millis(1), Duration::Seconds(10)), key,
                    absl::StrCat("after-reshard-", rng.Below(1'000'000))});
      }
    }
  }
  s.reshards.push_back(std::move(r));
}

bool DeleteReshard(Scenario& s, sim::Random& rng) {
  if (s.reshards.empty()) return false;
  s.reshards.erase(s.reshards.begin() + static_cast<ptrdiff_t>(rng.Below(s.reshards.size())));
  return true;
}

void AddReader(Scenario& s, sim::Random& rng) {
  const Duration start = NearAPut(s, rng);
  const Duration length = rng.LogUniformDuration(Duration::Seconds(10), Duration::Minutes(20)) +
                          s.rerun_after_exit.value_or(Duration::Zero());
  s.competing_readers.push_back(CompetingReaderSpec{
      start, start + length, Duration::Millis(rng.UniformInt(20, 500)),
      ShardName(static_cast<int>(rng.Below(static_cast<uint64_t>(ShardsEver(s)))))});
}

bool DeleteReader(Scenario& s, sim::Random& rng) {
  if (s.competing_readers.empty()) return false;
  s.competing_readers.erase(s.competing_readers.begin() +
                            static_cast<ptrdiff_t>(rng.Below(s.competing_readers.size())));
  return true;
}

void ProcessingTime(Scenario& s, sim::Random& rng) {
  s.processing_time_per_record =
      rng.Bernoulli(0.25) ? Duration::Zero()
                          : rng.LogUniformDuration(Duration::Millis(1), Duration::Seconds(60));
}

// A page that outlasts an iterator's five minutes: seven to twelve records of one millisecond,
// each processed for 50 to 60 s, then a record of the same key 5 to 15 minutes later, put while
// the page is still processed (as the generator's slow-page focus makes them).
bool SlowPage(Scenario& s, sim::Random& rng) {
  if (s.puts.empty()) return false;
  const PutSpec head = s.puts[rng.Below(s.puts.size())];
  const int more = static_cast<int>(rng.UniformInt(6, 11));
  for (int i = 0; i < more; ++i) {
    s.puts.push_back(PutSpec{head.at, head.partition_key, absl::StrCat("s", i, "-", head.data)});
  }
  s.puts.push_back(
      PutSpec{head.at + rng.UniformDuration(Duration::Minutes(5), Duration::Minutes(15)),
              head.partition_key, absl::StrCat("late-", head.data)});
  s.processing_time_per_record = rng.UniformDuration(Duration::Seconds(50), Duration::Seconds(60));
  return true;
}

bool ShardCount(Scenario& s, sim::Random& rng) {
  const int count = s.shard_count + (rng.Bernoulli(0.5) ? 1 : -1);
  if (count < 1) return false;
  s.shard_count = count;
  return true;
}

bool ApplyEdit(Edit edit, Scenario& s, sim::Random& rng) {
  switch (edit) {
    case Edit::kAddPut:
      return AddPut(s, rng), true;
    case Edit::kDeletePuts:
      return DeletePuts(s, rng);
    case Edit::kMovePut:
      return MovePut(s, rng);
    case Edit::kRepeatPutSameMillisecond:
      return RepeatPutSameMillisecond(s, rng);
    case Edit::kOpenGap:
      return OpenGap(s, rng);
    case Edit::kAddCrash:
      return AddCrash(s, rng), true;
    case Edit::kDeleteCrash:
      return DeleteCrash(s, rng);
    case Edit::kMoveCrash:
      return MoveCrash(s, rng);
    case Edit::kCrashPastRetention:
      return CrashPastRetention(s, rng), true;
    case Edit::kAddReshard:
      return AddReshard(s, rng), true;
    case Edit::kDeleteReshard:
      return DeleteReshard(s, rng);
    case Edit::kAddReader:
      return AddReader(s, rng), true;
    case Edit::kDeleteReader:
      return DeleteReader(s, rng);
    case Edit::kProcessingTime:
      return ProcessingTime(s, rng), true;
    case Edit::kSlowPage:
      return SlowPage(s, rng);
    case Edit::kShardCount:
      return ShardCount(s, rng);
  }
  return false;
}

// Puts and reshards in time order (stable: a burst keeps its order), bounds derived again.
void Normalize(Scenario& s) {
  std::stable_sort(s.puts.begin(), s.puts.end(),
                   [](const PutSpec& a, const PutSpec& b) { return a.at < b.at; });
  std::stable_sort(s.reshards.begin(), s.reshards.end(),
                   [](const ReshardSpec& a, const ReshardSpec& b) { return a.at < b.at; });
  s.liveness_budget = DeriveLivenessBudget(s);
  s.max_events = DeriveEventBound(s);
}

int64_t WalkBuckets(const Scenario& s) {
  if (s.stream.buckets.dense()) return 0;
  return s.SafetyPhaseEnd().micros() / std::max<int64_t>(1, s.stream.buckets.min_width.micros());
}

// DeriveEventBound's rate over the time the consumer runs: the run's horizon less the time it is
// down (DeriveEventBound counts a downtime in full, and twice when the producer waits for the
// restart, though a consumer that is down makes no calls). A crash while the consumer is down is
// not played. What a restarted consumer walks back over is bounded by max_walk_buckets. The
// competing readers' polls count in full.
uint64_t RunningEventBound(const Scenario& s) {
  std::vector<CrashSpec> crashes = s.crashes;
  std::sort(crashes.begin(), crashes.end(),
            [](const CrashSpec& a, const CrashSpec& b) { return a.at < b.at; });
  Duration down = Duration::Zero();
  Duration up_since = Duration::Zero();
  for (const CrashSpec& crash : crashes) {
    if (crash.at < up_since) continue;
    down = down + crash.restart_after;
    up_since = crash.at + crash.restart_after;
  }
  const Duration horizon =
      s.SafetyPhaseEnd() + s.liveness_budget + s.rerun_after_exit.value_or(Duration::Zero());
  const Duration running = horizon > down ? horizon - down : Duration::Zero();
  const uint64_t shards = static_cast<uint64_t>(s.shard_count) + 2 * s.reshards.size();
  return static_cast<uint64_t>(running.micros() / 1'000'000) * 20 * shards +
         CompetingReaderEvents(s);
}

}  // namespace

bool IsAffordable(const Scenario& s, const MutationBounds& bounds) {
  if (s.puts.size() > static_cast<size_t>(bounds.max_puts) || s.shard_count > bounds.max_shards ||
      s.reshards.size() > static_cast<size_t>(bounds.max_reshards) ||
      s.crashes.size() > static_cast<size_t>(bounds.max_crashes) ||
      s.competing_readers.size() > static_cast<size_t>(bounds.max_readers) ||
      s.SafetyPhaseEnd() > bounds.max_safety_phase || WalkBuckets(s) > bounds.max_walk_buckets) {
    return false;
  }
  return DeriveLivenessWork(s).sequential_growth <= kMaxSequentialGrowth &&
         RunningEventBound(s) <= bounds.max_event_bound;
}

MutationBounds EnvelopeOf(const Scenario& s, const MutationBounds& bounds) {
  MutationBounds e = bounds;
  e.max_puts = std::max(e.max_puts, static_cast<int>(s.puts.size()));
  e.max_shards = std::max(e.max_shards, s.shard_count);
  e.max_reshards = std::max(e.max_reshards, static_cast<int>(s.reshards.size()));
  e.max_crashes = std::max(e.max_crashes, static_cast<int>(s.crashes.size()));
  e.max_readers = std::max(e.max_readers, static_cast<int>(s.competing_readers.size()));
  e.max_safety_phase = std::max(e.max_safety_phase, s.SafetyPhaseEnd());
  e.max_walk_buckets = std::max(e.max_walk_buckets, WalkBuckets(s));
  e.max_event_bound = std::max(e.max_event_bound, RunningEventBound(s));
  return e;
}

Scenario MutateScenario(const Scenario& scenario, const consumer::StrategyInfo& strategy,
                        uint64_t seed, const MutationBounds& bounds) {
  sim::Random rng(seed);
  const MutationBounds envelope = EnvelopeOf(scenario, bounds);
  for (int attempt = 0; attempt < kMaxMutationAttempts; ++attempt) {
    Scenario candidate = scenario;
    candidate.strategy = strategy.name;
    const Edit edit = static_cast<Edit>(rng.Below(kEditCount));
    if (!ApplyEdit(edit, candidate, rng)) continue;
    Normalize(candidate);
    if (IsAffordable(candidate, envelope)) return candidate;
  }
  return scenario;
}

Scenario CrossOverScenarios(const Scenario& first, const Scenario& second,
                            const consumer::StrategyInfo& strategy, uint64_t seed,
                            const MutationBounds& bounds) {
  sim::Random rng(seed);
  const Duration end = std::max(LastPutTime(first), LastPutTime(second));
  const Duration cut = rng.UniformDuration(Duration::Zero(), end);
  Scenario child = first;
  child.strategy = strategy.name;
  std::erase_if(child.puts, [&](const PutSpec& p) { return p.at >= cut; });
  for (const PutSpec& p : second.puts) {
    if (p.at >= cut) child.puts.push_back(p);
  }
  Normalize(child);
  return IsAffordable(child, EnvelopeOf(first, bounds)) ? child : first;
}

}  // namespace shardsim::properties
