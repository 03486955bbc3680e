// How a simulated Kinesis stream behaves: its bucket profile, limits, retention and quirks.
//
// Every number defaults to what AWS documents or what users observed (see
// shared/docs/kinesis-semantics.md); each limit is a std::optional so a scenario can switch it
// off. Validate() names the first field that is out of range.
#ifndef SHARDSIM_MODEL_STREAM_OPTIONS_H_
#define SHARDSIM_MODEL_STREAM_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/random.h"
#include "sim/time.h"

namespace shardsim::model {

using sim::Duration;
using sim::Instant;

// How a shard's life is cut into time buckets. A record belongs to the bucket of its arrival
// time; one GetRecords call answers from one bucket only.
//   observed  each width drawn by the seed from 180-240 s (the seed article's hops were 185 s
//             and 234 s)
//   fixed     every bucket has the same width
//   range     each width drawn uniformly (microsecond resolution) from [min, max]
//   dense     no buckets: one call reaches any later record (what kinesalite, LocalStack and
//             moto do)
struct BucketProfile {
  enum class Kind { kObserved, kFixed, kRange, kDense };
  Kind kind = Kind::kObserved;
  Duration min_width = Duration::Seconds(180);
  Duration max_width = Duration::Seconds(240);

  static BucketProfile Observed() { return {}; }
  static BucketProfile Fixed(Duration width) { return {Kind::kFixed, width, width}; }
  static BucketProfile Range(Duration min, Duration max) { return {Kind::kRange, min, max}; }
  static BucketProfile Dense() { return {Kind::kDense, Duration::Zero(), Duration::Zero()}; }

  bool dense() const { return kind == Kind::kDense; }
  // The width of the next bucket. REQUIRES: !dense() and Validate().ok().
  Duration DrawWidth(sim::Random& rng) const;
  // Widths must be at least 1 ms and min <= max.
  absl::Status Validate() const;
  // "observed", "fixed:60s", "range:1s-1h", "dense"; Parse reads the same forms, with
  // durations written as absl::ParseDuration accepts them ("250ms", "3m", "1h30m").
  std::string ToString() const;
  static absl::StatusOr<BucketProfile> Parse(std::string_view text);
  friend bool operator==(const BucketProfile&, const BucketProfile&) = default;
};

// Per-shard limits [D]. std::nullopt switches a limit off.
struct ShardLimits {
  std::optional<int> get_records_per_second = 5;
  std::optional<int64_t> read_bytes_per_second = 2 << 20;
  // After a response of at least `large_response_bytes`, every GetRecords in the next
  // `throttle_after_large_response` is throttled.
  std::optional<Duration> throttle_after_large_response = Duration::Seconds(5);
  int64_t large_response_bytes = 10 << 20;
  std::optional<int> get_shard_iterator_per_second = 5;
  std::optional<int> put_records_per_second = 1'000;
  std::optional<int64_t> put_bytes_per_second = 1 << 20;
  // Data plus partition key of one record.
  std::optional<int64_t> max_record_bytes = 1 << 20;
  // Bytes one GetRecords returns at most (always on: it is how the API is defined).
  int64_t max_get_records_bytes = 10 << 20;

  // Every limit switched off (the response-size cap stays).
  static ShardLimits Unlimited();
  absl::Status Validate() const;
  // Every field, by the compiler: a field added here cannot be left out of the comparison.
  friend bool operator==(const ShardLimits&, const ShardLimits&) = default;
};

// What GetShardIterator does with a sequence number below the trim horizon.
enum class BelowHorizonBehavior {
  kInvalidArgument,  // the documented answer
  // The observed quirk (harlow/kinesis-consumer#125): an iterator is issued, and every
  // GetRecords on it is empty with MillisBehindLatest pinned at the retention period.
  kStuckEmptyPages,
};

struct StreamOptions {
  BucketProfile buckets;
  ShardLimits limits;
  Duration retention = Duration::Hours(24);  // 24 h to 8,760 h
  Duration iterator_lifetime = Duration::Seconds(300);
  BelowHorizonBehavior below_horizon = BelowHorizonBehavior::kInvalidArgument;
  // The counter the first record of a shard gets when it lands in the shard's first bucket.
  // At most kMaxCounterStart, so the 64-bit counter has room to grow.
  uint64_t counter_start = 0;
  // How much a shard's counter jumps at every bucket boundary between two records, on top of
  // +1 per record (see KinesisModel's header). Dense streams count boundaries on a fixed
  // `dense_counter_slot` grid instead. At most kMaxCounterStepPerBucket.
  uint64_t counter_step_per_bucket = 2'000;
  static constexpr uint64_t kMaxCounterStart = uint64_t{1} << 62;
  static constexpr uint64_t kMaxCounterStepPerBucket = uint64_t{1} << 32;
  Duration dense_counter_slot = Duration::Seconds(210);
  // How long the stream stays CREATING after CreateStream, UPDATING after a change of its
  // shards or retention, and DELETING after DeleteStream (0 to 24 h). Zero: every change is
  // complete when its call returns, and the stream is always ACTIVE.
  Duration status_change_delay = Duration::Zero();

  absl::Status Validate() const;
  friend bool operator==(const StreamOptions&, const StreamOptions&) = default;
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_STREAM_OPTIONS_H_
