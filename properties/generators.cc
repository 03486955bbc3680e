#include "properties/generators.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/hash_key.h"
#include "properties/liveness_budget.h"

namespace shardsim::properties {

namespace {

using model::BucketProfile;

// What a case concentrates on, besides its swarm of features: a third of the cases have no
// focus, and each focus aims at rare situations of properties/probes.h that plain swarm cases
// reach in only a few cases of a hundred. A focus switches on the features its situation needs
// and shapes the puts, crashes, reshards or readers toward it. Numbered cases cycle through the
// foci (GeneratorOptions::focus_index), so every hundred cases aim at each about eleven times;
// otherwise it is drawn, shrinking toward no focus.
enum class Focus {
  kNone,
  // A merge of two shards that both hold records shortly before it, read slowly: one parent is
  // read to its end while the other still holds records (merge_second_parent_unread).
  kMergeParents,
  // Records of one millisecond processed slowly, and a crash while they are processed
  // (crash_inside_burst, crash_before_checkpoint).
  kCrashInBurst,
  // A competing reader polling a shard with records under the read limits
  // (throttled_by_competing_reader).
  kCompetingReader,
  // A page of many records processed slowly, so that its NextShardIterator expires before it is
  // used (expired_iterator).
  kSlowPages,
  // Records arriving just after bucket edges (fresh_record_at_bucket_boundary).
  kFreshRecordAtEdge,
  // A crash after records were processed, down past the retention period
  // (checkpoint_below_trim_horizon).
  kCheckpointExpires,
};
constexpr int kFoci = 6;
constexpr int kFocusCycle = 9;  // kFoci foci and three cases without one

Focus FocusOfSlot(uint64_t slot) {
  const uint64_t k = slot % kFocusCycle;
  return k < kFocusCycle - kFoci ? Focus::kNone : static_cast<Focus>(k - (kFocusCycle - kFoci) + 1);
}

// The focus of slot `index` (drawn without one), shrinking to no focus: a witness keeps a focus
// only if it needs what the focus shaped.
Focus GenFocus(std::optional<uint64_t> index) {
  const uint64_t slot =
      index ? *index : *rc::gen::resize(100, rc::gen::inRange<uint64_t>(0, kFocusCycle));
  const Focus focus = FocusOfSlot(slot);
  return *rc::Gen<Focus>([focus](const rc::Random&, int) {
    return rc::shrinkable::shrinkRecur(focus, [](Focus f) {
      return f == Focus::kNone ? rc::Seq<Focus>() : rc::seq::just(Focus::kNone);
    });
  });
}

// The features a case may switch on (swarm testing: each is on in about half the cases).
struct Features {
  bool several_shards;
  bool reshards;
  bool crashes;
  bool slow_processing;
  bool competing_reader;
  bool limits;
  bool large_records;
  bool long_gaps;  // effective only when GeneratorOptions::long_gaps allows it
  Focus focus = Focus::kNone;
};

Features GenFeatures(std::optional<uint64_t> focus_index) {
  // Each bool shrinks toward false: a counterexample keeps only the features it needs.
  Features f{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
             *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
             *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
  f.focus = GenFocus(focus_index);
  switch (f.focus) {
    case Focus::kMergeParents:
      f.several_shards = f.reshards = f.slow_processing = true;
      break;
    case Focus::kCrashInBurst:
      f.crashes = f.slow_processing = true;
      break;
    case Focus::kCheckpointExpires:
      f.crashes = true;
      break;
    case Focus::kCompetingReader:
      f.competing_reader = f.limits = true;
      break;
    case Focus::kSlowPages:
      f.slow_processing = true;
      break;
    case Focus::kNone:
    case Focus::kFreshRecordAtEdge:
      break;
  }
  return f;
}

// One of `n` kinds, equally likely at every case size (rc::gen::inRange narrows its range at
// small sizes, which would keep the first cases of a run to the first kind); shrinks toward 0.
int Kind(int n) { return *rc::gen::resize(100, rc::gen::inRange(0, n)); }

// A bucket width from about a second to an hour, log-uniform; shrinks toward one second.
// rc::gen::inRange narrows to the low end at small case sizes, so the first cases of a run get
// buckets of a second or so; `every_size` draws from the whole range at every size. Cases with
// crashes use it: a downtime past the retention period fits their walk budget only with
// buckets of about 17 s or more (a day is 86,400 one-second buckets to walk on restart, more
// than GeneratorOptions::max_downtime_buckets), and that is where checkpoints below the trim
// horizon, and the loops that get stuck on them, live.
Duration GenWidth(bool every_size) {
  const int step =
      every_size ? *rc::gen::resize(100, rc::gen::inRange(0, 101)) : *rc::gen::inRange(0, 101);
  double seconds = 1.0;
  for (int i = 0; i < step; ++i) seconds *= 1.0853;  // 1.0853^100 ~= 3,600
  return Duration::Millis(static_cast<int64_t>(seconds * 1000.0));
}

BucketProfile GenProfile(Duration width) {
  switch (Kind(4)) {
    case 0:
      return BucketProfile::Fixed(width);
    case 1:
      return BucketProfile::Observed();
    case 2: {
      const Duration lo = std::max(Duration::Millis(1), Duration::Micros(width.micros() / 2));
      return BucketProfile::Range(lo, width + Duration::Micros(width.micros() / 2));
    }
    default:
      return BucketProfile::Dense();
  }
}

// A width that places puts relative to bucket edges (exact for fixed profiles).
Duration NominalWidth(const BucketProfile& profile, Duration generated) {
  switch (profile.kind) {
    case BucketProfile::Kind::kObserved:
    case BucketProfile::Kind::kRange:
      return Duration::Micros((profile.min_width.micros() + profile.max_width.micros()) / 2);
    case BucketProfile::Kind::kFixed:
      return profile.min_width;
    case BucketProfile::Kind::kDense:
      return generated;
  }
  return generated;
}

std::string ShardId(int index) { return absl::StrFormat("shardId-%012d", index); }

// A burst: `min_size` to twelve records of one partition key put in one millisecond, at the time
// of one of the puts (added after it; at the start without puts); when it was put.
Duration GenBurst(std::vector<PutSpec>& puts, size_t min_size) {
  if (puts.empty()) puts.push_back(PutSpec{Duration::Zero(), "k0", "r0-"});
  const size_t first = *rc::gen::inRange<size_t>(0, puts.size());
  const size_t size = *rc::gen::inRange<size_t>(min_size, 13);
  const PutSpec head = puts[first];
  std::vector<PutSpec> more;
  for (size_t i = 1; i < size; ++i) {
    more.push_back(PutSpec{head.at, head.partition_key, absl::StrCat("b", i, "-", head.data)});
  }
  puts.insert(puts.begin() + static_cast<ptrdiff_t>(first) + 1, more.begin(), more.end());
  return head.at;
}

// A record of `key` put 5 to 15 minutes after `at` (among the puts in time order): the run goes
// on past a slow page, so the loop must read again after processing it.
void GenLaterRecord(std::vector<PutSpec>& puts, Duration at, const std::string& key) {
  const Duration later = at + Duration::Seconds(*rc::gen::inRange(300, 901));
  const auto where = std::upper_bound(puts.begin(), puts.end(), later,
                                      [](Duration t, const PutSpec& p) { return t < p.at; });
  puts.insert(where, PutSpec{later, key, "late-"});
}

// The shard of `shard_count` evenly split ones (CreateStream's) that `key` hashes to.
int ShardOfKey(const std::string& key, int shard_count) {
  const model::HashKey hash = model::HashKeyForPartitionKey(key);
  return static_cast<int>(
      (static_cast<model::Uint128>(hash.high_word()) * static_cast<uint64_t>(shard_count)) >> 64);
}

// The whole buckets a case's producer gaps may sum to, and whether a far gap is drawn
// log-uniformly. Generated widths keep the default budget (max_bucket_crossings, a far gap
// uniform in it). A case with long gaps, or a profile the user fixed (`--profile fixed:1s`), may
// cross its whole span at its width instead (up to 20,000 buckets): long gaps are uniform in
// that (most such cases span days), a fixed profile's log-uniform, so that most stay short and
// some reach hours.
struct GapBudget {
  int64_t buckets;
  bool log_uniform;
};

GapBudget GapBudgetOf(const GeneratorOptions& options, const Features& features, Duration width,
                      Duration max_span) {
  const int64_t crossings = options.max_bucket_crossings;
  const bool long_gaps = features.long_gaps && options.long_gaps;
  if (!long_gaps && !options.profile) return {crossings, false};
  // A walk of at most 20,000 buckets (a GetRecords call each) keeps a case affordable.
  constexpr int64_t kMaxWalkBuckets = 20'000;
  return {std::max(crossings, std::min(kMaxWalkBuckets, max_span / width)), !long_gaps};
}

// Whole buckets of a far gap within `budget`: uniform, or log-uniform (an octave [2^(k-1), 2^k)
// drawn uniformly, then a count within it; integer draws only, like the rest of the generator).
int64_t GenFarGap(int64_t budget, bool log_uniform) {
  if (!log_uniform) return *rc::gen::inRange<int64_t>(0, budget + 1);
  int octaves = 0;
  while ((int64_t{1} << octaves) <= budget) ++octaves;
  const int k = *rc::gen::inRange(0, octaves + 1);
  if (k == 0) return 0;
  const int64_t lo = int64_t{1} << (k - 1);
  return *rc::gen::inRange<int64_t>(lo, std::min(budget, 2 * lo - 1) + 1);
}

std::vector<PutSpec> GenPuts(const GeneratorOptions& options, const Features& features,
                             Duration width) {
  const Duration max_span = features.long_gaps && options.long_gaps
                                ? std::max(options.max_span, options.long_gap_max_span)
                                : options.max_span;
  const int count = *rc::gen::inRange(0, options.max_records + 1);
  const int64_t w = width.micros();
  const int64_t edge = std::min<int64_t>(w, 50'000);  // within 50 ms of a bucket edge
  const GapBudget gaps = GapBudgetOf(options, features, width, max_span);
  int64_t budget = gaps.buckets;
  int64_t bucket = 0;
  int64_t previous_us = 0;
  std::vector<PutSpec> puts;
  for (int i = 0; i < count; ++i) {
    // Whole buckets first, then where in its bucket the record lands: shrinking removes
    // whole buckets before it trims microseconds.
    const int gap_class = *rc::gen::inRange(0, 3);  // burst, a few buckets, far
    int64_t whole = 0;
    if (gap_class == 1) whole = *rc::gen::inRange<int64_t>(0, std::min<int64_t>(4, budget) + 1);
    if (gap_class == 2) whole = GenFarGap(budget, gaps.log_uniform);
    const int64_t max_bucket = std::max<int64_t>(0, (max_span.micros() - 1) / w);
    whole = std::min<int64_t>(whole, max_bucket - bucket);
    budget -= whole;
    bucket += whole;
    int64_t offset = 0;
    switch (features.focus == Focus::kFreshRecordAtEdge ? 0 : *rc::gen::inRange(0, 3)) {
      case 0:
        offset = *rc::gen::inRange<int64_t>(0, edge);
        break;  // just after an edge
      case 1:
        offset = w - 1 - *rc::gen::inRange<int64_t>(0, edge);
        break;  // just before one
      default:
        offset = *rc::gen::inRange<int64_t>(0, w);
        break;
    }
    const int64_t at_us = std::max(previous_us, bucket * w + offset);
    previous_us = at_us;
    const int size = features.large_records && *rc::gen::inRange(0, 4) == 0
                         ? *rc::gen::inRange(1, 256 << 10)
                         : *rc::gen::inRange(1, 65);
    const std::string key = absl::StrCat("k", *rc::gen::inRange(0, 8));
    std::string data = absl::StrCat("r", i, "-");
    data.resize(std::max<size_t>(data.size(), static_cast<size_t>(size)), 'x');
    puts.push_back(PutSpec{Duration::Micros(at_us), key, std::move(data)});
  }
  return puts;
}

Duration GenAt(Duration span) {
  return Duration::Micros(*rc::gen::inRange<int64_t>(0, std::max<int64_t>(1, span.micros())));
}

// A put biased toward the earlier ones, so that more records often follow what happens
// shortly after it.
const PutSpec& GenEarlyPut(const std::vector<PutSpec>& puts) {
  const size_t index = std::min(*rc::gen::inRange<size_t>(0, puts.size()),
                                *rc::gen::inRange<size_t>(0, puts.size()));
  return puts[index];
}

// When a split or merge happens: anywhere in the span, or (three times in four) within a few
// seconds of a put, so that the parents still hold records their reader has not reached when
// the children appear and the later puts land on the children early (where reading children
// before their parents, or not at all, shows).
Duration GenReshardTime(const std::vector<PutSpec>& puts, Duration span) {
  if (puts.empty() || Kind(4) == 0) return GenAt(span);
  const PutSpec& put = GenEarlyPut(puts);
  return put.at + Duration::Micros(*rc::gen::inRange<int64_t>(1, 5'000'000));
}

// One or two splits or merges, as long as the shards they add stay within `max_shards_ever`.
std::vector<ReshardSpec> GenReshards(int shard_count, int max_shards_ever,
                                     const std::vector<PutSpec>& puts, Duration span) {
  std::vector<ReshardSpec> reshards;
  const int count = *rc::gen::inRange(1, 3);
  int shards_ever = shard_count;
  for (int i = 0; i < count; ++i) {
    ReshardSpec r;
    r.at = GenReshardTime(puts, span);
    const int shard = *rc::gen::inRange(0, shard_count);
    r.shard_id = ShardId(shard);
    if (shard_count >= 2 && shard + 1 < shard_count && *rc::gen::arbitrary<bool>()) {
      r.kind = ReshardSpec::Kind::kMerge;
      r.adjacent_shard_id = ShardId(shard + 1);
    }
    shards_ever += r.kind == ReshardSpec::Kind::kSplit ? 2 : 1;
    if (shards_ever > max_shards_ever) break;
    reshards.push_back(std::move(r));
  }
  std::sort(reshards.begin(), reshards.end(),
            [](const ReshardSpec& a, const ReshardSpec& b) { return a.at < b.at; });
  return reshards;
}

// How much walking a crash downtime may pile up: every bucket of the smallest width that passes
// while the consumer is down is one more GetRecords call when it restarts (no more than the
// retention period's worth: what is older has expired).
struct DowntimeCost {
  Duration width;  // the profile's smallest bucket width; zero for dense streams
  Duration retention;
  int64_t buckets_left;  // shared by every crash of the case
};

// A downtime: short (a second to an hour), just past the retention period (up to three hours
// more: a checkpoint has just fallen below the trim horizon, while the records after it are
// still there), or long (an hour to three days). Being down costs no polling, only the walk
// afterwards, so a downtime is cut to the buckets the case has left to walk.
Duration GenDowntime(DowntimeCost& cost, bool past_retention) {
  Duration down;
  switch (past_retention ? 2 : Kind(4)) {
    case 2:
      down = cost.retention + Duration::Seconds(*rc::gen::inRange(1, 3 * 3'600 + 1));
      break;
    case 3:
      down = Duration::Seconds(*rc::gen::inRange(3'600, 3 * 86'400 + 1));
      break;
    default:
      down = Duration::Seconds(*rc::gen::inRange(1, 3'601));
      break;
  }
  if (cost.width > Duration::Zero()) {
    const int64_t buckets = std::min(down, cost.retention) / cost.width;
    if (buckets > cost.buckets_left) {
      down = std::max(Duration::Seconds(1), cost.width * cost.buckets_left);
    }
    cost.buckets_left -= std::min(cost.buckets_left, std::min(down, cost.retention) / cost.width);
  }
  return down;
}

// When a crash happens: anywhere in the span, or (three times in four) shortly after a put,
// while the consumer reads, processes or has yet to checkpoint that record: within 100 ms
// (between two records of a batch, before the checkpoint), within 5 s (a poll interval), or 5 s
// to 2 min after it (slow processing, a checkpoint flushed every minute).
Duration GenCrashTime(const std::vector<PutSpec>& puts, Duration span,
                      std::optional<std::pair<Duration, Duration>> window) {
  if (window) {
    return window->first + Duration::Micros(*rc::gen::inRange<int64_t>(
                               0, std::max<int64_t>(1, window->second.micros())));
  }
  if (puts.empty() || Kind(4) == 0) return GenAt(span);
  const PutSpec& put = GenEarlyPut(puts);  // so that records often follow the crash
  switch (Kind(3)) {
    case 0:
      return put.at + Duration::Micros(*rc::gen::inRange<int64_t>(0, 100'000));
    case 1:
      return put.at + Duration::Micros(*rc::gen::inRange<int64_t>(0, 5'000'000));
    default:
      return put.at + Duration::Micros(*rc::gen::inRange<int64_t>(5'000'000, 120'000'000));
  }
}

// Crashes within the puts' span. After a crash the producer may go on as before (the later
// puts keep their times, some landing while the consumer is down), or pause with the consumer
// and resume when it restarts, or part-way through the downtime: the later puts move on by
// that much, so records also arrive after a downtime of days.
// The first crash of a case, as its focus shapes it.
struct FirstCrash {
  std::optional<std::pair<Duration, Duration>> window;  // (start, length) it falls in
  bool past_retention = false;                          // down just past the retention period
};

std::vector<CrashSpec> GenCrashes(std::vector<PutSpec>& puts, Duration span, DowntimeCost cost,
                                  const FirstCrash& first) {
  std::vector<CrashSpec> crashes;
  const int count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < count; ++i) {
    const Duration at = GenCrashTime(puts, span, i == 0 ? first.window : std::nullopt);
    const Duration down = GenDowntime(cost, i == 0 && first.past_retention);
    crashes.push_back(CrashSpec{at, down});
    // After a downtime past the retention period the producer always goes on after it (what
    // it put meanwhile would only expire unread).
    Duration shift = Duration::Zero();
    switch (Kind(4) + (down > cost.retention ? 1 : 0)) {
      case 1:
      case 2:
      case 4:
        shift = down;
        break;
      case 3:
        shift = GenAt(down);
        break;
      default:
        break;
    }
    for (PutSpec& p : puts) {
      if (p.at > at) p.at += shift;
    }
    span += shift;
  }
  std::sort(crashes.begin(), crashes.end(),
            [](const CrashSpec& a, const CrashSpec& b) { return a.at < b.at; });
  return crashes;
}

std::map<std::string, int64_t, std::less<>> GenParams(const consumer::StrategyInfo& strategy) {
  std::map<std::string, int64_t, std::less<>> params;
  for (const consumer::ParamSpec& p : strategy.params) {
    if (p.generate_min > p.generate_max) continue;
    params[p.name] = *rc::gen::inRange<int64_t>(p.generate_min, p.generate_max + 1);
  }
  return params;
}

// The most shards (parents and children) a case may have: a batch job that drains shard after
// shard to its tip multiplies the time it starts at by about w / (w - pace) per shard, where w
// is the smallest bucket width; more shards than keep that growth within kMaxSequentialGrowth
// would make a correct loop's run, and the case, unaffordably long.
int MaxShardsEver(const BucketProfile& profile, Duration call_latency) {
  if (profile.dense()) return 64;
  const double w = static_cast<double>(profile.min_width.micros());
  const double p = static_cast<double>((call_latency + kReferenceBatchPollInterval).micros());
  if (w <= p) return 1;
  const double per_shard = w / (w - p);
  // The largest n with per_shard^n <= kMaxSequentialGrowth, by repeated multiplication (basic
  // IEEE operations only: the generator stays libm-free, like sim/random.h's draws).
  int shards = 0;
  double growth = 1.0;
  while (shards < 64 && growth * per_shard <= kMaxSequentialGrowth) {
    growth *= per_shard;
    ++shards;
  }
  return std::max(shards, 1);
}

CompetingReaderSpec GenReader(const Scenario& s, Duration span) {
  const Duration start = GenAt(span);
  return CompetingReaderSpec{start, start + Duration::Seconds(*rc::gen::inRange(10, 601)),
                             Duration::Millis(*rc::gen::inRange(20, 501)),
                             ShardId(*rc::gen::inRange(0, s.shard_count))};
}

// A reader of the shard one of the records lands on, from shortly before that record, polling
// often enough to spend most of the shard's GetRecords budget (and on until a batch job's next
// run, which reads the record).
CompetingReaderSpec GenReaderOfRecords(const Scenario& s) {
  const PutSpec& put = GenEarlyPut(s.puts);
  const Duration lead = Duration::Micros(*rc::gen::inRange<int64_t>(0, 5'000'000));
  const Duration start = put.at > lead ? put.at - lead : Duration::Zero();
  const Duration length =
      Duration::Seconds(*rc::gen::inRange(10, 601)) + s.rerun_after_exit.value_or(Duration::Zero());
  return CompetingReaderSpec{start, start + length, Duration::Millis(*rc::gen::inRange(20, 201)),
                             ShardId(ShardOfKey(put.partition_key, s.shard_count))};
}

// The first reshard made a merge of two adjacent shards, and the records put in the two minutes
// before it spread over both of them (alternately), so that both parents hold records when it
// happens.
void FocusOnMerge(Scenario& s) {
  if (s.reshards.empty()) return;
  ReshardSpec& merge = s.reshards.front();
  const int first = *rc::gen::inRange(0, s.shard_count - 1);
  merge.kind = ReshardSpec::Kind::kMerge;
  merge.shard_id = ShardId(first);
  merge.adjacent_shard_id = ShardId(first + 1);
  merge.new_starting_hash_key.clear();
  const std::string keys[2] = {KeyOnShard(first, s.shard_count),
                               KeyOnShard(first + 1, s.shard_count)};
  int next = 0;
  for (PutSpec& put : s.puts) {
    if (put.at <= merge.at && put.at + Duration::Seconds(120) > merge.at) {
      put.partition_key = keys[next];
      next ^= 1;
    }
  }
}

Scenario Generate(const consumer::StrategyInfo& strategy, const GeneratorOptions& options) {
  const Features features = GenFeatures(options.focus_index);
  Scenario s;
  s.strategy = strategy.name;
  s.seed = *rc::gen::inRange<uint64_t>(0, UINT32_MAX);
  // A downtime past the retention period fits the walk budget with buckets of 20 s or more;
  // gaps of up to 14 days stay walkable (about 20,000 calls) with buckets of a minute or more.
  Duration min_width = options.min_bucket_width;
  if (features.focus == Focus::kCheckpointExpires) {
    min_width = std::max(min_width, Duration::Seconds(20));
  }
  if (features.long_gaps && options.long_gaps) {
    min_width = std::max(min_width, Duration::Minutes(1));
  }
  Duration width = std::max(GenWidth(features.crashes), min_width);
  if (features.focus == Focus::kCompetingReader && strategy.rerun_interval) {
    // A batch job reads again 20 bucket widths after it exits (below): narrow buckets keep that
    // within a competing reader's window.
    width = std::max(min_width, std::min(width, Duration::Seconds(15)));
  }
  s.stream.buckets = options.profile ? *options.profile : GenProfile(width);
  if (!options.profile && !s.stream.buckets.dense() && s.stream.buckets.min_width < min_width) {
    s.stream.buckets.min_width = min_width;
    s.stream.buckets.max_width = std::max(s.stream.buckets.max_width, min_width);
  }
  const int max_shards_ever = MaxShardsEver(s.stream.buckets, s.call_latency);
  const int max_shards = std::min(options.max_shards, max_shards_ever);
  const bool merge_focus =
      features.focus == Focus::kMergeParents && max_shards >= 2 && max_shards_ever >= 3;
  s.shard_count = merge_focus               ? *rc::gen::inRange(2, max_shards + 1)
                  : features.several_shards ? *rc::gen::inRange(1, max_shards + 1)
                                            : 1;
  if (!features.limits) s.stream.limits = model::ShardLimits::Unlimited();
  const Duration nominal = NominalWidth(s.stream.buckets, width);
  s.puts = GenPuts(options, features, nominal);
  std::optional<Duration> burst;
  if (features.focus == Focus::kCrashInBurst) burst = GenBurst(s.puts, 2);
  if (features.focus == Focus::kSlowPages) {
    burst = GenBurst(s.puts, 7);  // 7 x 50 s > 5 min
    const auto head = std::find_if(s.puts.begin(), s.puts.end(),
                                   [&](const PutSpec& p) { return p.at == *burst; });
    GenLaterRecord(s.puts, *burst, head->partition_key);
  }
  const Duration span = s.puts.empty() ? nominal : std::max(nominal, s.puts.back().at);
  if (features.slow_processing) {
    // A slow page: 7 records of 50 s or more outlast an iterator's 5 minutes.
    const int max_ms = static_cast<int>(kMaxProcessingTimePerRecord.millis());
    s.processing_time_per_record =
        features.focus == Focus::kSlowPages
            ? Duration::Seconds(*rc::gen::inRange(50, max_ms / 1000 + 1))
            : Duration::Millis(
                  *rc::gen::inRange(features.focus == Focus::kNone ? 10 : 1'000, max_ms + 1));
  }
  if (features.reshards) s.reshards = GenReshards(s.shard_count, max_shards_ever, s.puts, span);
  if (merge_focus) FocusOnMerge(s);
  if (features.crashes) {
    const int64_t walk = features.long_gaps && options.long_gaps ? options.max_downtime_buckets * 10
                                                                 : options.max_downtime_buckets;
    FirstCrash first;
    // While the burst is read and processed: a poll interval, then a record after another.
    if (burst) first.window = {*burst, Duration::Seconds(2) + s.processing_time_per_record * 13};
    if (features.focus == Focus::kCheckpointExpires && !s.puts.empty()) {
      // Once a checkpoint covers a record, for longer than the records are kept.
      first.window = {GenEarlyPut(s.puts).at + Duration::Seconds(5), Duration::Seconds(120)};
      first.past_retention = true;
    }
    s.crashes = GenCrashes(
        s.puts, span,
        DowntimeCost{s.stream.buckets.dense() ? Duration::Zero() : s.stream.buckets.min_width,
                     s.stream.retention, walk},
        first);
  }
  s.params = GenParams(strategy);
  if (strategy.rerun_interval) {
    // A batch job rereads every idle bucket since its checkpoint on every run; spacing the
    // runs at least 20 bucket widths apart keeps that cost linear in the scenario's length.
    s.rerun_after_exit = std::max(*strategy.rerun_interval, nominal * 20);
  }
  if (features.competing_reader) {
    s.competing_readers.push_back(features.focus == Focus::kCompetingReader && !s.puts.empty()
                                      ? GenReaderOfRecords(s)
                                      : GenReader(s, span));
  }
  s.liveness_budget = DeriveLivenessBudget(s);
  s.max_events = DeriveEventBound(s);
  s.name = absl::StrCat("generated-", s.seed);
  return s;
}

}  // namespace

std::string KeyOnShard(int shard, int shard_count) {
  for (int i = 0; i < 1'000; ++i) {
    std::string key = absl::StrCat("k", i);
    if (ShardOfKey(key, shard_count) == shard) return key;
  }
  return "k0";
}

rc::Gen<Scenario> GenScenario(const consumer::StrategyInfo& strategy, GeneratorOptions options) {
  return rc::gen::exec([strategy, options] { return Generate(strategy, options); });
}

}  // namespace shardsim::properties
