#include "properties/scenario_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "model/sequence_number.h"
#include "properties/internal/strict_json_reader.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

using nlohmann::json;
using ObjectReader = internal::StrictJsonReader;

json OptionalJson(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json OptionalJson(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

json LimitsToJson(const model::ShardLimits& l) {
  json j;
  j["get_records_per_second"] = OptionalJson(l.get_records_per_second);
  j["read_bytes_per_second"] = OptionalJson(l.read_bytes_per_second);
  j["throttle_after_large_response_us"] = l.throttle_after_large_response
                                              ? json(l.throttle_after_large_response->micros())
                                              : json(nullptr);
  j["large_response_bytes"] = l.large_response_bytes;
  j["get_shard_iterator_per_second"] = OptionalJson(l.get_shard_iterator_per_second);
  j["put_records_per_second"] = OptionalJson(l.put_records_per_second);
  j["put_bytes_per_second"] = OptionalJson(l.put_bytes_per_second);
  j["max_record_bytes"] = OptionalJson(l.max_record_bytes);
  j["max_get_records_bytes"] = l.max_get_records_bytes;
  return j;
}

absl::StatusOr<model::ShardLimits> LimitsFromJson(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  model::ShardLimits l;
  auto as_int = [](std::optional<int64_t> v) -> std::optional<int> {
    return v ? std::optional<int>(static_cast<int>(std::min<int64_t>(*v, INT32_MAX)))
             : std::nullopt;
  };
  l.get_records_per_second = as_int(r.OptionalInt("get_records_per_second"));
  l.read_bytes_per_second = r.OptionalInt("read_bytes_per_second");
  const std::optional<int64_t> throttle =
      r.OptionalInt("throttle_after_large_response_us", 1, internal::kMaxMicros);
  l.throttle_after_large_response =
      throttle ? std::optional<Duration>(Duration::Micros(*throttle)) : std::nullopt;
  l.large_response_bytes = r.Int("large_response_bytes", 1);
  l.get_shard_iterator_per_second = as_int(r.OptionalInt("get_shard_iterator_per_second"));
  l.put_records_per_second = as_int(r.OptionalInt("put_records_per_second"));
  l.put_bytes_per_second = r.OptionalInt("put_bytes_per_second");
  l.max_record_bytes = r.OptionalInt("max_record_bytes");
  l.max_get_records_bytes = r.Int("max_get_records_bytes", 1);
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  return l;
}

json StreamToJson(const model::StreamOptions& o) {
  json j;
  j["buckets"] = o.buckets.ToString();
  j["limits"] = LimitsToJson(o.limits);
  j["retention_us"] = o.retention.micros();
  j["iterator_lifetime_us"] = o.iterator_lifetime.micros();
  j["below_horizon"] = o.below_horizon == model::BelowHorizonBehavior::kStuckEmptyPages
                           ? "stuck_empty_pages"
                           : "invalid_argument";
  j["counter_start"] = o.counter_start;
  j["counter_step_per_bucket"] = o.counter_step_per_bucket;
  j["dense_counter_slot_us"] = o.dense_counter_slot.micros();
  // Written only when set, so scenarios saved before the option existed read back the same.
  if (o.status_change_delay > sim::Duration::Zero())
    j["status_change_delay_us"] = o.status_change_delay.micros();
  return j;
}

absl::StatusOr<model::StreamOptions> StreamFromJson(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  model::StreamOptions o;
  const std::string buckets = r.String("buckets");
  if (r.ok()) {
    auto profile = model::BucketProfile::Parse(buckets);
    if (!profile.ok()) {
      r.Fail(absl::StrCat("key \"buckets\": ", sim::ToString(profile.status().message())));
    } else {
      o.buckets = *profile;
    }
  }
  if (r.ok()) {
    auto limits = LimitsFromJson(r.Get("limits"), r.Path("limits"));
    if (!limits.ok()) return r.Merge(limits.status());
    o.limits = *limits;
  }
  o.retention = r.Micros("retention_us", 1);
  o.iterator_lifetime = r.Micros("iterator_lifetime_us", 1);
  const std::string below = r.String("below_horizon");
  if (r.ok()) {
    if (below == "stuck_empty_pages") {
      o.below_horizon = model::BelowHorizonBehavior::kStuckEmptyPages;
    } else if (below != "invalid_argument") {
      r.Fail("key \"below_horizon\" must be \"invalid_argument\" or \"stuck_empty_pages\"");
    }
  }
  o.counter_start = r.Unsigned("counter_start");
  o.counter_step_per_bucket = r.Unsigned("counter_step_per_bucket");
  o.dense_counter_slot = r.Micros("dense_counter_slot_us", 1);
  if (j.is_object() && j.contains("status_change_delay_us"))
    o.status_change_delay = r.Micros("status_change_delay_us", 0);
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  if (absl::Status s = o.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", sim::ToString(s.message())));
  }
  return o;
}

template <typename T, typename ReadOne>
absl::Status ReadList(ObjectReader& r, const std::string& key, std::vector<T>& out,
                      ReadOne read_one) {
  const json& list = r.Array(key);
  if (!r.ok()) return r.Finish();
  for (size_t i = 0; i < list.size(); ++i) {
    ObjectReader item(list[i], absl::StrCat(r.Path(key), "[", i, "]"));
    T value = read_one(item);
    if (absl::Status s = item.Finish(); !s.ok()) return r.Merge(s);
    out.push_back(std::move(value));
  }
  return absl::OkStatus();
}

// The format key and the version; a version this build cannot read is its own message.
absl::Status ReadFormatHeader(ObjectReader& r) {
  if (r.String("format") != "shardsim-scenario" && r.ok()) {
    r.Fail("key \"format\" must be \"shardsim-scenario\"");
  }
  const int64_t version = r.Int("version");
  if (r.ok() && version != kScenarioFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("scenario version ", version,
                                                   " is not supported (this shardsim reads "
                                                   "version ",
                                                   kScenarioFormatVersion, ")"));
  }
  return absl::OkStatus();
}

ReshardSpec ReadReshard(ObjectReader& item) {
  ReshardSpec spec;
  spec.at = item.Micros("at_us");
  const std::string kind = item.String("kind");
  if (kind == "merge") {
    spec.kind = ReshardSpec::Kind::kMerge;
  } else if (kind != "split" && item.ok()) {
    item.Fail("key \"kind\" must be \"split\" or \"merge\"");
  }
  spec.shard_id = item.String("shard_id");
  spec.new_starting_hash_key = item.String("new_starting_hash_key");
  spec.adjacent_shard_id = item.String("adjacent_shard_id");
  return spec;
}

// The four event lists: puts, reshards, crashes, competing readers.
void ReadEvents(ObjectReader& r, Scenario& s) {
  (void)ReadList(r, "puts", s.puts, [](ObjectReader& item) {
    return PutSpec{item.Micros("at_us"), item.String("partition_key"), item.String("data")};
  });
  (void)ReadList(r, "reshards", s.reshards, ReadReshard);
  (void)ReadList(r, "crashes", s.crashes, [](ObjectReader& item) {
    return CrashSpec{item.Micros("at_us"), item.Micros("restart_after_us")};
  });
  (void)ReadList(r, "competing_readers", s.competing_readers, [](ObjectReader& item) {
    return CompetingReaderSpec{item.Micros("start_us"), item.Micros("stop_us"),
                               item.Micros("poll_interval_us", 1), item.String("shard_id")};
  });
}

// "params": an object of integers, by name.
void ReadParams(ObjectReader& r, Scenario& s) {
  const json& params = r.Get("params");
  if (!r.ok()) return;
  if (!params.is_object()) {
    r.Fail("key \"params\" must be an object of integers");
    return;
  }
  for (const auto& [name, value] : params.items()) {
    if (!value.is_number_integer()) {
      r.Fail(absl::StrCat("params.", name, " must be an integer"));
      return;
    }
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{INT64_MAX}) {
      r.Fail(absl::StrCat("params.", name, " must be at most ", INT64_MAX, ", got ", value.dump()));
      return;
    }
    s.params[name] = value.get<int64_t>();
  }
}

absl::StatusOr<Scenario> ScenarioFromJsonValue(const json& j) {
  ObjectReader r(j, "scenario");
  if (absl::Status header = ReadFormatHeader(r); !header.ok()) return header;
  Scenario s;
  s.name = r.String("name");
  s.seed = r.Unsigned("seed");
  // The times a stream's shards can be created at (sequence_number.h), so that a start any
  // later is refused here, and offsets of up to kMaxMicros cannot overflow it.
  s.start = Instant::FromUnixMicros(
      r.Int("start_us", 0, model::kSequenceNumberMaxSeconds * int64_t{1'000'000}));
  s.stream_name = r.String("stream_name");
  s.shard_count = static_cast<int>(r.Int("shard_count", 1, 64));
  if (r.ok()) {
    auto stream = StreamFromJson(r.Get("stream"), r.Path("stream"));
    if (!stream.ok()) return r.Merge(stream.status());
    s.stream = *stream;
  }
  s.call_latency = r.Micros("call_latency_us");
  s.processing_time_per_record = r.Micros("processing_time_per_record_us");
  ReadEvents(r, s);
  const std::optional<int64_t> rerun =
      r.OptionalInt("rerun_after_exit_us", 0, internal::kMaxMicros);
  if (rerun) s.rerun_after_exit = Duration::Micros(*rerun);
  s.liveness_budget = r.Micros("liveness_budget_us");
  s.max_events = r.Unsigned("max_events");
  s.max_calls_per_second = static_cast<int>(r.Int("max_calls_per_second", 1, 1'000'000));
  s.strategy = r.String("strategy");
  ReadParams(r, s);
  if (absl::Status status = r.Finish(); !status.ok()) return status;
  return s;
}

}  // namespace

std::string ScenarioToJson(const Scenario& s, JsonLayout layout) {
  json j;
  j["format"] = "shardsim-scenario";
  j["version"] = kScenarioFormatVersion;
  j["name"] = s.name;
  j["seed"] = s.seed;
  j["start_us"] = s.start.unix_micros();
  j["stream_name"] = s.stream_name;
  j["shard_count"] = s.shard_count;
  j["stream"] = StreamToJson(s.stream);
  j["call_latency_us"] = s.call_latency.micros();
  j["processing_time_per_record_us"] = s.processing_time_per_record.micros();
  j["puts"] = json::array();
  for (const PutSpec& p : s.puts) {
    j["puts"].push_back(
        {{"at_us", p.at.micros()}, {"partition_key", p.partition_key}, {"data", p.data}});
  }
  j["reshards"] = json::array();
  for (const ReshardSpec& r : s.reshards) {
    j["reshards"].push_back({{"at_us", r.at.micros()},
                             {"kind", r.kind == ReshardSpec::Kind::kSplit ? "split" : "merge"},
                             {"shard_id", r.shard_id},
                             {"new_starting_hash_key", r.new_starting_hash_key},
                             {"adjacent_shard_id", r.adjacent_shard_id}});
  }
  j["crashes"] = json::array();
  for (const CrashSpec& c : s.crashes) {
    j["crashes"].push_back(
        {{"at_us", c.at.micros()}, {"restart_after_us", c.restart_after.micros()}});
  }
  j["competing_readers"] = json::array();
  for (const CompetingReaderSpec& r : s.competing_readers) {
    j["competing_readers"].push_back({{"start_us", r.start.micros()},
                                      {"stop_us", r.stop.micros()},
                                      {"poll_interval_us", r.poll_interval.micros()},
                                      {"shard_id", r.shard_id}});
  }
  j["rerun_after_exit_us"] =
      s.rerun_after_exit ? json(s.rerun_after_exit->micros()) : json(nullptr);
  j["liveness_budget_us"] = s.liveness_budget.micros();
  j["max_events"] = s.max_events;
  j["max_calls_per_second"] = s.max_calls_per_second;
  j["strategy"] = s.strategy;
  j["params"] = json::object();
  for (const auto& [name, value] : s.params) j["params"][name] = value;
  return layout == JsonLayout::kPretty ? j.dump(2) + "\n" : j.dump();
}

absl::StatusOr<Scenario> ScenarioFromJson(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  return ScenarioFromJsonValue(j);
}

}  // namespace shardsim::properties
