#include "properties/scenario.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace shardsim::properties {

namespace {

std::string D(Duration d) { return d.ToString(); }

std::string Limit(const std::optional<int>& v, std::string_view unit) {
  return v ? absl::StrCat(*v, std::string(unit)) : "off";
}
std::string Limit(const std::optional<int64_t>& v, std::string_view unit) {
  return v ? absl::StrCat(*v, std::string(unit)) : "off";
}

std::string ShowLimits(const model::ShardLimits& l) {
  return absl::StrCat(
      "get_records ", Limit(l.get_records_per_second, "/s"), ", read ",
      Limit(l.read_bytes_per_second, "B/s"), ", large-response throttle ",
      l.throttle_after_large_response ? D(*l.throttle_after_large_response) : "off",
      ", get_shard_iterator ", Limit(l.get_shard_iterator_per_second, "/s"), ", put ",
      Limit(l.put_records_per_second, "/s"), " & ", Limit(l.put_bytes_per_second, "B/s"),
      ", record ", Limit(l.max_record_bytes, "B"));
}

bool SameLimits(const model::ShardLimits& a, const model::ShardLimits& b) {
  return a.get_records_per_second == b.get_records_per_second &&
         a.read_bytes_per_second == b.read_bytes_per_second &&
         a.throttle_after_large_response == b.throttle_after_large_response &&
         a.large_response_bytes == b.large_response_bytes &&
         a.get_shard_iterator_per_second == b.get_shard_iterator_per_second &&
         a.put_records_per_second == b.put_records_per_second &&
         a.put_bytes_per_second == b.put_bytes_per_second &&
         a.max_record_bytes == b.max_record_bytes &&
         a.max_get_records_bytes == b.max_get_records_bytes;
}

bool SameStream(const model::StreamOptions& a, const model::StreamOptions& b) {
  return a.buckets == b.buckets && SameLimits(a.limits, b.limits) &&
         a.retention == b.retention && a.iterator_lifetime == b.iterator_lifetime &&
         a.below_horizon == b.below_horizon && a.counter_start == b.counter_start &&
         a.counter_step_per_bucket == b.counter_step_per_bucket &&
         a.dense_counter_slot == b.dense_counter_slot;
}

}  // namespace

Duration Scenario::SafetyPhaseEnd() const {
  Duration end = Duration::Zero();
  for (const PutSpec& p : puts) end = std::max(end, p.at);
  for (const ReshardSpec& r : reshards) end = std::max(end, r.at);
  for (const CrashSpec& c : crashes) end = std::max(end, c.at + c.restart_after);
  for (const CompetingReaderSpec& r : competing_readers) end = std::max(end, r.stop);
  return end + Duration::Seconds(1);
}

bool operator==(const Scenario& a, const Scenario& b) {
  return a.name == b.name && a.seed == b.seed && a.start == b.start &&
         a.stream_name == b.stream_name && a.shard_count == b.shard_count &&
         SameStream(a.stream, b.stream) && a.call_latency == b.call_latency &&
         a.processing_time_per_record == b.processing_time_per_record && a.puts == b.puts &&
         a.reshards == b.reshards && a.crashes == b.crashes &&
         a.competing_readers == b.competing_readers && a.rerun_after_exit == b.rerun_after_exit &&
         a.liveness_budget == b.liveness_budget && a.max_events == b.max_events &&
         a.max_calls_per_second == b.max_calls_per_second && a.strategy == b.strategy &&
         a.params == b.params;
}

std::string ShowScenario(const Scenario& s) {
  std::string out = absl::StrCat(
      "scenario \"", s.name, "\" seed ", s.seed, ", start ", s.start.ToString(), "\n",
      "  stream \"", s.stream_name, "\": ", s.shard_count, " shard(s), buckets ",
      s.stream.buckets.ToString(), ", retention ", D(s.stream.retention),
      s.stream.below_horizon == model::BelowHorizonBehavior::kStuckEmptyPages
          ? ", below-horizon: stuck empty pages"
          : "",
      "\n  limits: ", ShowLimits(s.stream.limits), "\n",
      "  consumer: strategy ", s.strategy.empty() ? "(unset)" : s.strategy, " {",
      absl::StrJoin(s.params, ", ", absl::PairFormatter("=")), "}, call latency ",
      D(s.call_latency), ", processing ", D(s.processing_time_per_record), " per record",
      s.rerun_after_exit ? absl::StrCat(", rerun ", D(*s.rerun_after_exit), " after exit") : "",
      "\n");
  absl::StrAppend(&out, "  puts (", s.puts.size(), "):");
  Duration previous = Duration::Zero();
  for (const PutSpec& p : s.puts) {
    absl::StrAppend(&out, " [+", D(p.at - previous), " key=", p.partition_key, " ",
                    p.data.size(), "B]");
    previous = p.at;
  }
  absl::StrAppend(&out, "\n");
  for (const ReshardSpec& r : s.reshards) {
    if (r.kind == ReshardSpec::Kind::kSplit) {
      absl::StrAppend(&out, "  at ", D(r.at), ": split ", r.shard_id, " at ",
                      r.new_starting_hash_key.empty() ? "its midpoint"
                                                      : r.new_starting_hash_key,
                      "\n");
    } else {
      absl::StrAppend(&out, "  at ", D(r.at), ": merge ", r.shard_id, " with ",
                      r.adjacent_shard_id, "\n");
    }
  }
  for (const CrashSpec& c : s.crashes) {
    absl::StrAppend(&out, "  at ", D(c.at), ": consumer crash, restart ", D(c.restart_after),
                    " later\n");
  }
  for (const CompetingReaderSpec& r : s.competing_readers) {
    absl::StrAppend(&out, "  from ", D(r.start), " to ", D(r.stop), ": competing reader on ",
                    r.shard_id, " every ", D(r.poll_interval), "\n");
  }
  absl::StrAppend(&out, "  liveness budget ", D(s.liveness_budget), ", max ", s.max_events,
                  " events, max ", s.max_calls_per_second, " calls/s per shard");
  return out;
}

void showValue(const Scenario& scenario, std::ostream& os) { os << ShowScenario(scenario); }

}  // namespace shardsim::properties
