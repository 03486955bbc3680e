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
};

Features GenFeatures() {
  // Each bool shrinks toward false: a counterexample keeps only the features it needs.
  return Features{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                  *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                  *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                  *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
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

std::vector<PutSpec> GenPuts(const GeneratorOptions& options, const Features& features,
                             Duration width) {
  const Duration max_span = features.long_gaps && options.long_gaps
                                ? std::max(options.max_span, options.long_gap_max_span)
                                : options.max_span;
  const int count = *rc::gen::inRange(0, options.max_records + 1);
  const int64_t w = width.micros();
  const int64_t edge = std::min<int64_t>(w, 50'000);  // within 50 ms of a bucket edge
  int budget = options.max_bucket_crossings;
  int64_t bucket = 0;
  int64_t previous_us = 0;
  std::vector<PutSpec> puts;
  for (int i = 0; i < count; ++i) {
    // Whole buckets first, then where in its bucket the record lands: shrinking removes
    // whole buckets before it trims microseconds.
    const int gap_class = *rc::gen::inRange(0, 3);  // burst, a few buckets, far
    int whole = 0;
    if (gap_class == 1) whole = *rc::gen::inRange(0, std::min(4, budget) + 1);
    if (gap_class == 2) whole = *rc::gen::inRange(0, budget + 1);
    const int64_t max_bucket = std::max<int64_t>(0, (max_span.micros() - 1) / w);
    whole = static_cast<int>(std::min<int64_t>(whole, max_bucket - bucket));
    budget -= whole;
    bucket += whole;
    int64_t offset = 0;
    switch (*rc::gen::inRange(0, 3)) {
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
Duration GenDowntime(DowntimeCost& cost) {
  Duration down;
  switch (Kind(4)) {
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
Duration GenCrashTime(const std::vector<PutSpec>& puts, Duration span) {
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
std::vector<CrashSpec> GenCrashes(std::vector<PutSpec>& puts, Duration span, DowntimeCost cost) {
  std::vector<CrashSpec> crashes;
  const int count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < count; ++i) {
    const Duration at = GenCrashTime(puts, span);
    const Duration down = GenDowntime(cost);
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

Scenario Generate(const consumer::StrategyInfo& strategy, const GeneratorOptions& options) {
  const Features features = GenFeatures();
  Scenario s;
  s.strategy = strategy.name;
  s.seed = *rc::gen::inRange<uint64_t>(0, UINT32_MAX);
  const Duration width = std::max(GenWidth(features.crashes), options.min_bucket_width);
  s.stream.buckets = options.profile ? *options.profile : GenProfile(width);
  if (!options.profile && !s.stream.buckets.dense() &&
      s.stream.buckets.min_width < options.min_bucket_width) {
    s.stream.buckets.min_width = options.min_bucket_width;
    s.stream.buckets.max_width = std::max(s.stream.buckets.max_width, options.min_bucket_width);
  }
  const int max_shards_ever = MaxShardsEver(s.stream.buckets, s.call_latency);
  const int max_shards = std::min(options.max_shards, max_shards_ever);
  s.shard_count = features.several_shards ? *rc::gen::inRange(1, max_shards + 1) : 1;
  if (!features.limits) s.stream.limits = model::ShardLimits::Unlimited();
  const Duration nominal = NominalWidth(s.stream.buckets, width);
  s.puts = GenPuts(options, features, nominal);
  const Duration span = s.puts.empty() ? nominal : std::max(nominal, s.puts.back().at);
  if (features.reshards) s.reshards = GenReshards(s.shard_count, max_shards_ever, s.puts, span);
  if (features.crashes) {
    const int64_t walk = features.long_gaps && options.long_gaps ? options.max_downtime_buckets * 10
                                                                 : options.max_downtime_buckets;
    s.crashes = GenCrashes(
        s.puts, span,
        DowntimeCost{s.stream.buckets.dense() ? Duration::Zero() : s.stream.buckets.min_width,
                     s.stream.retention, walk});
  }
  if (features.slow_processing) {
    s.processing_time_per_record = Duration::Millis(
        *rc::gen::inRange(10, static_cast<int>(kMaxProcessingTimePerRecord.millis()) + 1));
  }
  if (features.competing_reader) {
    const Duration start = GenAt(span);
    s.competing_readers.push_back(
        CompetingReaderSpec{start, start + Duration::Seconds(*rc::gen::inRange(10, 601)),
                            Duration::Millis(*rc::gen::inRange(20, 501)),
                            ShardId(*rc::gen::inRange(0, s.shard_count))});
  }
  s.params = GenParams(strategy);
  if (strategy.rerun_interval) {
    // A batch job rereads every idle bucket since its checkpoint on every run; spacing the
    // runs at least 20 bucket widths apart keeps that cost linear in the scenario's length.
    s.rerun_after_exit = std::max(*strategy.rerun_interval, nominal * 20);
  }
  s.liveness_budget = DeriveLivenessBudget(s);
  s.max_events = DeriveEventBound(s);
  s.name = absl::StrCat("generated-", s.seed);
  return s;
}

}  // namespace

rc::Gen<Scenario> GenScenario(const consumer::StrategyInfo& strategy, GeneratorOptions options) {
  return rc::gen::exec([strategy, options] { return Generate(strategy, options); });
}

}  // namespace shardsim::properties
