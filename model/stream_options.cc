#include "model/stream_options.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace shardsim::model {

namespace {

std::string FormatWidth(Duration d) { return absl::FormatDuration(d.ToAbsl()); }

absl::StatusOr<Duration> ParseWidth(std::string_view text, std::string_view whole) {
  absl::Duration d;
  if (!absl::ParseDuration(absl::string_view(text.data(), text.size()), &d)) {
    return absl::InvalidArgumentError(absl::StrCat("bucket profile '", std::string(whole), "': '",
                                                   std::string(text),
                                                   "' is not a duration (try 250ms, 3m, 1h)"));
  }
  return Duration::FromAbsl(d);
}

}  // namespace

Duration BucketProfile::DrawWidth(sim::Random& rng) const {
  SHARDSIM_CHECK(!dense(), "a dense profile has no bucket widths");
  if (min_width == max_width) return min_width;
  return rng.UniformDuration(min_width, max_width);
}

absl::Status BucketProfile::Validate() const {
  if (dense()) return absl::OkStatus();
  if (min_width < Duration::Millis(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bucket width must be at least 1ms, got ", FormatWidth(min_width)));
  }
  if (max_width < min_width) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bucket width range is empty: ", FormatWidth(min_width), " > ", FormatWidth(max_width)));
  }
  return absl::OkStatus();
}

std::string BucketProfile::ToString() const {
  switch (kind) {
    case Kind::kObserved:
      return "observed";
    case Kind::kDense:
      return "dense";
    case Kind::kFixed:
      return absl::StrCat("fixed:", FormatWidth(min_width));
    case Kind::kRange:
      return absl::StrCat("range:", FormatWidth(min_width), "-", FormatWidth(max_width));
  }
  return "?";
}

absl::StatusOr<BucketProfile> BucketProfile::Parse(std::string_view text) {
  const std::string whole(text);
  if (text == "observed") return Observed();
  if (text == "dense") return Dense();
  BucketProfile profile;
  if (text.starts_with("fixed:")) {
    auto width = ParseWidth(text.substr(6), whole);
    if (!width.ok()) return width.status();
    profile = Fixed(*width);
  } else if (text.starts_with("range:")) {
    const std::vector<std::string> parts = absl::StrSplit(whole.substr(6), '-');
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bucket profile '", whole, "': a range is written range:MIN-MAX, e.g. range:1s-1h"));
    }
    auto lo = ParseWidth(parts[0], whole);
    if (!lo.ok()) return lo.status();
    auto hi = ParseWidth(parts[1], whole);
    if (!hi.ok()) return hi.status();
    profile = Range(*lo, *hi);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown bucket profile '", whole,
                     "'; expected observed, dense, fixed:WIDTH or range:MIN-MAX"));
  }
  if (absl::Status s = profile.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bucket profile '", whole, "': ", std::string(s.message())));
  }
  return profile;
}

ShardLimits ShardLimits::Unlimited() {
  ShardLimits limits;
  limits.get_records_per_second.reset();
  limits.read_bytes_per_second.reset();
  limits.throttle_after_large_response.reset();
  limits.get_shard_iterator_per_second.reset();
  limits.put_records_per_second.reset();
  limits.put_bytes_per_second.reset();
  limits.max_record_bytes.reset();
  return limits;
}

absl::Status ShardLimits::Validate() const {
  auto positive = [](const auto& limit, std::string_view name) -> absl::Status {
    if (limit.has_value() && *limit <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("limit ", std::string(name), " must be positive, got ", *limit));
    }
    return absl::OkStatus();
  };
  for (const absl::Status& s :
       {positive(get_records_per_second, "get_records_per_second"),
        positive(read_bytes_per_second, "read_bytes_per_second"),
        positive(get_shard_iterator_per_second, "get_shard_iterator_per_second"),
        positive(put_records_per_second, "put_records_per_second"),
        positive(put_bytes_per_second, "put_bytes_per_second"),
        positive(max_record_bytes, "max_record_bytes")}) {
    if (!s.ok()) return s;
  }
  if (throttle_after_large_response.has_value() &&
      *throttle_after_large_response <= Duration::Zero()) {
    return absl::InvalidArgumentError("limit throttle_after_large_response must be positive");
  }
  if (large_response_bytes <= 0 || max_get_records_bytes <= 0) {
    return absl::InvalidArgumentError(
        "large_response_bytes and max_get_records_bytes must be positive");
  }
  return absl::OkStatus();
}

absl::Status StreamOptions::Validate() const {
  if (absl::Status s = buckets.Validate(); !s.ok()) return s;
  if (absl::Status s = limits.Validate(); !s.ok()) return s;
  if (retention < Duration::Hours(24) || retention > Duration::Hours(8'760)) {
    return absl::InvalidArgumentError(
        absl::StrCat("retention must be between 24h and 8760h, got ", retention.ToString()));
  }
  if (iterator_lifetime <= Duration::Zero()) {
    return absl::InvalidArgumentError("iterator_lifetime must be positive");
  }
  if (dense_counter_slot <= Duration::Zero()) {
    return absl::InvalidArgumentError("dense_counter_slot must be positive");
  }
  // Larger values would let the 64-bit counter wrap, and sequence numbers stop increasing.
  if (counter_start > kMaxCounterStart) {
    return absl::InvalidArgumentError(
        absl::StrCat("counter_start must be at most 2^62, got ", counter_start));
  }
  if (counter_step_per_bucket > kMaxCounterStepPerBucket) {
    return absl::InvalidArgumentError(absl::StrCat(
        "counter_step_per_bucket must be at most 2^32, got ", counter_step_per_bucket));
  }
  if (status_change_delay < Duration::Zero() || status_change_delay > Duration::Hours(24)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status_change_delay must be between 0 and 24h, got ", status_change_delay.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace shardsim::model
