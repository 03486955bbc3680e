#include "properties/scenario.h"

#include <algorithm>
#include <vector>

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
  return absl::StrCat("get_records ", Limit(l.get_records_per_second, "/s"), ", read ",
                      Limit(l.read_bytes_per_second, "B/s"), ", large-response throttle ",
                      l.throttle_after_large_response ? D(*l.throttle_after_large_response) : "off",
                      ", get_shard_iterator ", Limit(l.get_shard_iterator_per_second, "/s"),
                      ", put ", Limit(l.put_records_per_second, "/s"), " & ",
                      Limit(l.put_bytes_per_second, "B/s"), ", record ",
                      Limit(l.max_record_bytes, "B"));
}

}  // namespace

Duration Scenario::LastPlayedCrashEvent() const {
  // The harness and the client playback schedule each crash and then its restart, in the
  // order of `crashes`, and fire events due at one time in the order they were scheduled.
  struct Event {
    Duration at;
    size_t spec;
    bool restart;
  };
  std::vector<Event> events;
  for (size_t i = 0; i < crashes.size(); ++i) {
    events.push_back({crashes[i].at, i, false});
    events.push_back({crashes[i].at + crashes[i].restart_after, i, true});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.spec != b.spec) return a.spec < b.spec;
    return !a.restart && b.restart;
  });
  bool running = true;
  Duration last = Duration::Zero();
  for (const Event& e : events) {
    if (e.restart == running) continue;  // a crash while down, or a restart while up: a no-op
    running = e.restart;
    last = std::max(last, e.at);
  }
  return last;
}

Duration Scenario::SafetyPhaseEnd() const {
  Duration end = LastPlayedCrashEvent();
  for (const PutSpec& p : puts) end = std::max(end, p.at);
  for (const ReshardSpec& r : reshards) end = std::max(end, r.at);
  for (const CompetingReaderSpec& r : competing_readers) end = std::max(end, r.stop);
  return end + Duration::Seconds(1);
}

std::string ShowScenario(const Scenario& s) {
  std::string out = absl::StrCat(
      "scenario \"", s.name, "\" seed ", s.seed, ", start ", s.start.ToString(), "\n",
      "  stream \"", s.stream_name, "\": ", s.shard_count, " shard(s), buckets ",
      s.stream.buckets.ToString(), ", retention ", D(s.stream.retention),
      s.stream.below_horizon == model::BelowHorizonBehavior::kStuckEmptyPages
          ? ", below-horizon: stuck empty pages"
          : "",
      "\n  limits: ", ShowLimits(s.stream.limits), "\n", "  consumer: strategy ",
      s.strategy.empty() ? "(unset)" : s.strategy, " {",
      absl::StrJoin(s.params, ", ", absl::PairFormatter("=")), "}, call latency ",
      D(s.call_latency), ", processing ", D(s.processing_time_per_record), " per record",
      s.rerun_after_exit ? absl::StrCat(", rerun ", D(*s.rerun_after_exit), " after exit") : "",
      "\n");
  absl::StrAppend(&out, "  puts (", s.puts.size(), "):");
  Duration previous = Duration::Zero();
  for (const PutSpec& p : s.puts) {
    absl::StrAppend(&out, " [+", D(p.at - previous), " key=", p.partition_key, " ", p.data.size(),
                    "B]");
    previous = p.at;
  }
  absl::StrAppend(&out, "\n");
  for (const ReshardSpec& r : s.reshards) {
    if (r.kind == ReshardSpec::Kind::kSplit) {
      absl::StrAppend(&out, "  at ", D(r.at), ": split ", r.shard_id, " at ",
                      r.new_starting_hash_key.empty() ? "its midpoint" : r.new_starting_hash_key,
                      "\n");
    } else {
      absl::StrAppend(&out, "  at ", D(r.at), ": merge ", r.shard_id, " with ", r.adjacent_shard_id,
                      "\n");
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
