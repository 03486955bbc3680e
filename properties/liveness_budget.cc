#include "properties/liveness_budget.h"

#include <algorithm>
#include <cmath>

namespace shardsim::properties {

namespace {

// Longer than any run is allowed to last: what a walk that cannot finish is given.
constexpr Duration kUnreachable = Duration::Micros(int64_t{10} * 365 * 86'400 * 1'000'000);

int ShardsEver(const Scenario& s) {
  int shards = s.shard_count;
  for (const ReshardSpec& r : s.reshards) shards += r.kind == ReshardSpec::Kind::kSplit ? 2 : 1;
  return shards;
}

Duration Scale(Duration d, double factor) {
  const double us = static_cast<double>(d.micros()) * factor;
  if (!(us < static_cast<double>(kUnreachable.micros()))) return kUnreachable;
  return Duration::Micros(static_cast<int64_t>(std::ceil(us)));
}

}  // namespace

LivenessWork DeriveLivenessWork(const Scenario& s) {
  LivenessWork work;
  work.shards = ShardsEver(s);
  const bool dense = s.stream.buckets.dense();
  const Duration width = s.stream.buckets.min_width;
  const Duration end = s.SafetyPhaseEnd();
  // Buckets from the shard's start, or from the trim horizon, to the end of the safety phase.
  const Duration walked = std::min(end, s.stream.retention);
  work.buckets_per_shard = dense ? 1 : walked / width + 2;

  // The first reference reader: every shard advances one bucket per poll interval, plus a call
  // and a short sleep for each shard served in turn.
  const Duration round =
      kReferencePollInterval + (s.call_latency + kReferenceBatchPollInterval) * work.shards;
  work.walk_every_shard = Scale(round, static_cast<double>(work.buckets_per_shard));

  // The batch job: on a shard it starts at `t` (since the stream's start) it walks
  // min(t, retention) / w buckets while the tip moves on by one bucket every w, so it needs
  // min(t, retention) * p / (w - p).
  const Duration batch_pace = s.call_latency + kReferenceBatchPollInterval;
  if (dense) {
    work.drain_in_sequence = Scale(batch_pace, 2.0 * work.shards);
  } else if (width <= batch_pace) {
    work.drain_in_sequence = kUnreachable;
    work.sequential_growth = INFINITY;
  } else {
    const double p = static_cast<double>(batch_pace.micros());
    const double w = static_cast<double>(width.micros());
    const double retention = static_cast<double>(s.stream.retention.micros());
    const double start = static_cast<double>(std::max(end, Duration::Seconds(1)).micros());
    double t = start;
    for (int k = 0; k < work.shards; ++k) t += std::min(t, retention) * p / (w - p) + p;
    work.sequential_growth = t / start;
    work.drain_in_sequence = Scale(Duration::Micros(1), t - start);
  }

  work.processing =
      Duration::Micros(s.processing_time_per_record.micros() * static_cast<int64_t>(s.puts.size()));
  const Duration rerun = s.rerun_after_exit.value_or(Duration::Zero());
  // The run in progress at the end of the safety phase ends by end * growth; the next one
  // starts a rerun interval later and ends by that start * growth.
  Duration drain = work.drain_in_sequence;
  if (!dense && work.drain_in_sequence < kUnreachable) {
    const double g = work.sequential_growth;
    const double e = static_cast<double>(std::max(end, Duration::Seconds(1)).micros());
    drain =
        std::max(Scale(Duration::Micros(1), (e * g + static_cast<double>(rerun.micros())) * g - e),
                 work.drain_in_sequence * 2 + rerun * 2);
  } else if (dense) {
    drain = rerun + work.drain_in_sequence * 2;
  }
  const Duration walk = std::max(work.walk_every_shard + rerun * 2, drain);
  work.budget = std::min(kUnreachable,
                         kLivenessMargin + s.stream.buckets.max_width * 2 + work.processing + walk);
  return work;
}

uint64_t DeriveEventBound(const Scenario& s) {
  Duration horizon = s.liveness_budget + s.rerun_after_exit.value_or(Duration::Zero());
  Duration last = Duration::Zero();
  for (const PutSpec& put : s.puts) last = std::max(last, put.at);
  for (const CrashSpec& crash : s.crashes) {
    last = std::max(last, crash.at);
    horizon = horizon + crash.restart_after;
  }
  horizon = horizon + last;
  const uint64_t seconds = static_cast<uint64_t>(horizon.micros() / 1'000'000);
  const uint64_t shards = static_cast<uint64_t>(s.shard_count) + 2 * s.reshards.size();
  return std::clamp<uint64_t>(seconds * 20 * shards, 2'000'000, 50'000'000) +
         CompetingReaderEvents(s);
}

uint64_t CompetingReaderEvents(const Scenario& s) {
  uint64_t events = 0;
  for (const CompetingReaderSpec& reader : s.competing_readers) {
    if (reader.stop <= reader.start) continue;
    const int64_t interval = std::max<int64_t>(reader.poll_interval.micros(), 1);
    const uint64_t polls =
        static_cast<uint64_t>((reader.stop - reader.start).micros() / interval) + 1;
    events += polls * kEventsPerCompetingReaderPoll;
  }
  return events;
}

}  // namespace shardsim::properties
