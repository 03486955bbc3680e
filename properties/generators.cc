#include "properties/generators.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/hash_key.h"

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

// A bucket width from about a second to an hour, log-uniform; shrinks toward one second.
Duration GenWidth() {
  const int step = *rc::gen::inRange(0, 101);
  double seconds = 1.0;
  for (int i = 0; i < step; ++i) seconds *= 1.0853;  // 1.0853^100 ~= 3,600
  return Duration::Millis(static_cast<int64_t>(seconds * 1000.0));
}

BucketProfile GenProfile(Duration width) {
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return BucketProfile::Fixed(width);
    case 1: return BucketProfile::Observed();
    case 2: {
      const Duration lo = std::max(Duration::Millis(1), Duration::Micros(width.micros() / 2));
      return BucketProfile::Range(lo, width + Duration::Micros(width.micros() / 2));
    }
    default: return BucketProfile::Dense();
  }
}

// A width that places puts relative to bucket edges (exact for fixed profiles).
Duration NominalWidth(const BucketProfile& profile, Duration generated) {
  switch (profile.kind) {
    case BucketProfile::Kind::kObserved:
    case BucketProfile::Kind::kRange:
      return Duration::Micros((profile.min_width.micros() + profile.max_width.micros()) / 2);
    case BucketProfile::Kind::kFixed: return profile.min_width;
    case BucketProfile::Kind::kDense: return generated;
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
      case 0: offset = *rc::gen::inRange<int64_t>(0, edge); break;         // just after an edge
      case 1: offset = w - 1 - *rc::gen::inRange<int64_t>(0, edge); break;  // just before one
      default: offset = *rc::gen::inRange<int64_t>(0, w); break;
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

std::vector<ReshardSpec> GenReshards(int shard_count, Duration span) {
  std::vector<ReshardSpec> reshards;
  const int count = *rc::gen::inRange(1, 3);
  for (int i = 0; i < count; ++i) {
    ReshardSpec r;
    r.at = GenAt(span);
    const int shard = *rc::gen::inRange(0, shard_count);
    r.shard_id = ShardId(shard);
    if (shard_count >= 2 && shard + 1 < shard_count && *rc::gen::arbitrary<bool>()) {
      r.kind = ReshardSpec::Kind::kMerge;
      r.adjacent_shard_id = ShardId(shard + 1);
    }
    reshards.push_back(std::move(r));
  }
  std::sort(reshards.begin(), reshards.end(),
            [](const ReshardSpec& a, const ReshardSpec& b) { return a.at < b.at; });
  return reshards;
}

std::vector<CrashSpec> GenCrashes(Duration span, bool long_downtimes) {
  std::vector<CrashSpec> crashes;
  const int count = *rc::gen::inRange(1, 4);
  for (int i = 0; i < count; ++i) {
    const Duration at = GenAt(span);
    // With long gaps, a consumer may also stay down for up to three days: longer than the
    // retention period, so its checkpoint can fall below the trim horizon.
    const bool long_down = long_downtimes && *rc::gen::inRange(0, 4) == 0;
    const Duration down = long_down ? Duration::Seconds(*rc::gen::inRange(3'600, 3 * 86'400 + 1))
                                    : Duration::Seconds(*rc::gen::inRange(1, 3'601));
    crashes.push_back(CrashSpec{at, down});
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

Scenario Generate(const consumer::StrategyInfo& strategy, const GeneratorOptions& options) {
  const Features features = GenFeatures();
  Scenario s;
  s.strategy = strategy.name;
  s.seed = *rc::gen::inRange<uint64_t>(0, UINT32_MAX);
  s.shard_count = features.several_shards ? *rc::gen::inRange(1, options.max_shards + 1) : 1;
  const Duration width = GenWidth();
  s.stream.buckets = options.profile ? *options.profile : GenProfile(width);
  if (!features.limits) s.stream.limits = model::ShardLimits::Unlimited();
  const Duration nominal = NominalWidth(s.stream.buckets, width);
  s.puts = GenPuts(options, features, nominal);
  const Duration span = s.puts.empty() ? nominal : std::max(nominal, s.puts.back().at);
  if (features.reshards) s.reshards = GenReshards(s.shard_count, span);
  if (features.crashes) s.crashes = GenCrashes(span, features.long_gaps && options.long_gaps);
  if (features.slow_processing) {
    s.processing_time_per_record = Duration::Millis(*rc::gen::inRange(10, 60'001));
  }
  if (features.competing_reader) {
    const Duration start = GenAt(span);
    s.competing_readers.push_back(CompetingReaderSpec{
        start, start + Duration::Seconds(*rc::gen::inRange(10, 601)),
        Duration::Millis(*rc::gen::inRange(20, 501)),
        ShardId(*rc::gen::inRange(0, s.shard_count))});
  }
  s.params = GenParams(strategy);
  if (strategy.rerun_interval) {
    // A batch job rereads every idle bucket since its checkpoint on every run; spacing the
    // runs at least 20 bucket widths apart keeps that cost linear in the scenario's length.
    s.rerun_after_exit = std::max(*strategy.rerun_interval, nominal * 20);
  }
  // Enough time for a correct consumer to walk every bucket left at one call per 2 s, after
  // its last restart or rerun.
  s.liveness_budget = Duration::Hours(1) + nominal * 2 +
                      Duration::Seconds(2 * options.max_bucket_crossings) +
                      s.rerun_after_exit.value_or(Duration::Zero()) * 2 +
                      Duration::Millis(s.processing_time_per_record.millis() *
                                       static_cast<int64_t>(s.puts.size()));
  s.name = absl::StrCat("generated-", s.seed);
  return s;
}

}  // namespace

rc::Gen<Scenario> GenScenario(const consumer::StrategyInfo& strategy, GeneratorOptions options) {
  return rc::gen::exec([strategy, options] { return Generate(strategy, options); });
}

}  // namespace shardsim::properties
