// One shard's storage: its bucket chain, its records and its rate windows. Internal to the
// model; KinesisModel owns the API rules on top of it.
//
// Records are kept in arrival order in a deque; each has an ordinal (0, 1, 2, ... since the
// shard was created) that stays valid when retention trims the front. Partition keys and
// data live in a byte arena per shard, so a stored record costs 40 bytes beyond its payload.
// Bucket boundaries are drawn lazily from the shard's own random stream, so the chain is the
// same whatever order shards are read in; fixed widths are computed, not stored.
#ifndef SHARDSIM_MODEL_INTERNAL_SHARD_STORE_H_
#define SHARDSIM_MODEL_INTERNAL_SHARD_STORE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/hash_key.h"
#include "model/sequence_number.h"
#include "model/stream_options.h"
#include "sim/random.h"
#include "sim/time.h"

namespace shardsim::model::internal {

// Where an iterator points: a bucket, and the ordinal of the next record it may return.
struct Position {
  uint64_t bucket = 0;
  uint64_t ordinal = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

struct StoredRecord {
  uint64_t counter;
  int64_t arrival_us;
  uint64_t payload_offset;  // arena block << 32 | offset in it: partition key, then data
  uint32_t key_bytes;
  uint32_t data_bytes;
  uint64_t bucket;
};

// Sum of amounts over a trailing window, for rate limits.
class TrailingWindow {
 public:
  int64_t Sum(Instant now, Duration window);
  void Add(Instant now, int64_t amount) { events_.emplace_back(now.unix_micros(), amount); }

 private:
  std::deque<std::pair<int64_t, int64_t>> events_;
};

class ShardStore {
 public:
  // REQUIRES: `created` lies in the seconds a sequence number can encode (0 to
  // kSequenceNumberMaxSeconds after the Unix epoch).
  ShardStore(uint32_t index, Instant created, HashKeyRange range, const StreamOptions& options,
             sim::Random bucket_rng);

  uint32_t index() const { return index_; }
  const std::string& id() const { return id_; }
  // The message of a ProvisionedThroughputExceededException on this shard of `stream` (the
  // shard's stream, always the same), formatted once: throttled reads are frequent.
  const std::string& RateExceededMessage(std::string_view stream);
  Instant created() const { return created_; }
  const HashKeyRange& hash_range() const { return range_; }

  // Buckets ------------------------------------------------------------------------------
  // The bucket whose time slice contains `t`. REQUIRES: t >= created().
  uint64_t BucketOf(Instant t);
  // Inline for a bucket already drawn (a walk asks for several per step; the call was 2% of a
  // fan-out run, measured). Only a drawn profile keeps starts, but for a dense shard's one, the
  // shard's creation, which is every bucket's start there.
  Instant BucketStart(uint64_t bucket) {
    if (bucket < bucket_starts_us_.size()) [[likely]]
      return Instant::FromUnixMicros(bucket_starts_us_[bucket]);
    return BucketStartSlow(bucket);
  }
  // When the bucket's slice ends (the next bucket's start); never for a dense shard.
  std::optional<Instant> BucketEnd(uint64_t bucket) {
    if (profile_.dense()) return std::nullopt;
    return BucketStart(bucket + 1);
  }
  // Bucket starts held in memory (none for fixed widths, which are computed).
  uint64_t buckets_materialized() const { return bucket_starts_us_.size(); }

  // Records ------------------------------------------------------------------------------
  // Appends a record arriving at `arrival` (not before the last one). Returns its ordinal.
  uint64_t Append(Instant arrival, std::string_view partition_key, std::string_view data);
  uint64_t first_ordinal() const { return first_ordinal_; }
  uint64_t end_ordinal() const { return first_ordinal_ + records_.size(); }
  bool Retained(uint64_t ordinal) const {
    return ordinal >= first_ordinal_ && ordinal < end_ordinal();
  }
  const StoredRecord& At(uint64_t ordinal) const;
  std::string_view PartitionKeyOf(const StoredRecord& r) const;
  std::string_view DataOf(const StoredRecord& r) const;
  std::string SequenceNumberOf(const StoredRecord& r) const;
  std::string SequenceNumberForCounter(uint64_t counter, Instant put) const;
  // The same number as a value, for comparing without printing and parsing it.
  SequenceNumber SequenceNumberValueForCounter(uint64_t counter, Instant put) const;
  // The put-time field a sequence number put at `put` carries (see SequenceNumberForCounter).
  static int64_t PutSecondsField(Instant put);
  int64_t PutSecondsOf(const StoredRecord& r) const {
    return PutSecondsField(Instant::FromUnixMicros(r.arrival_us));
  }
  // First retained ordinal whose counter is >= `counter` (end_ordinal() if none).
  uint64_t LowerBoundCounter(uint64_t counter) const;
  // First retained ordinal arriving at or after `t` (end_ordinal() if none).
  uint64_t LowerBoundArrival(Instant t) const;
  // Drops records that arrived before `horizon`.
  void TrimBefore(Instant horizon);
  // The counter of the last record ever appended (trimmed or not), if any.
  std::optional<uint64_t> last_counter() const { return last_counter_; }
  // The counter of the newest record retention has dropped, if any.
  std::optional<uint64_t> last_trimmed_counter() const { return last_trimmed_counter_; }
  // The counter a record arriving at `t` would get (no record is appended).
  uint64_t CounterFor(Instant t);
  uint64_t counter_start() const { return counter_start_; }
  size_t payload_bytes() const;

  // Lifecycle ----------------------------------------------------------------------------
  bool closed() const { return closed_at_.has_value(); }
  std::optional<Instant> closed_at() const { return closed_at_; }
  // REQUIRES: at >= the last record's arrival.
  void Close(Instant at, std::vector<uint32_t> children);
  // The last bucket of the shard's life as of `now`: the bucket of `now` while the shard is
  // open; once closed, the bucket holding its last instant. A close exactly at a bucket's start
  // therefore ends the shard in the bucket before, unless a record arrived at that very instant.
  uint64_t LastBucket(Instant now);
  // Whether an iterator issued by `now` can name `bucket`: one that has begun by `now`, or by
  // the close (which can be LastBucket() + 1 when the close is on a bucket boundary). O(1) once
  // the chain reaches that time.
  bool IteratorCanName(uint64_t bucket, Instant now);
  const std::vector<uint32_t>& children() const { return children_; }
  std::optional<uint32_t> parent;
  std::optional<uint32_t> adjacent_parent;
  // The counter of EndingSequenceNumber: at least every record's counter.
  uint64_t ending_counter() const { return ending_counter_; }

  // Rate windows -------------------------------------------------------------------------
  TrailingWindow get_records_calls;
  TrailingWindow bytes_read;
  TrailingWindow get_shard_iterator_calls;
  TrailingWindow records_written;
  TrailingWindow bytes_written;
  std::optional<Instant> throttled_until;

 private:
  SequenceNumberFields FieldsForCounter(uint64_t counter, Instant put) const;
  // Fixed widths (min == max) are computed from the bucket index, never stored.
  bool UniformWidth() const;
  Instant BucketStartSlow(uint64_t bucket);
  void MaterializeThrough(Instant t);
  uint64_t SlotOf(Instant t);  // bucket, or the dense counter slot
  // A record's partition key and data, as AppendPayload stored them (returning their offset).
  std::string_view PayloadOf(const StoredRecord& r) const;
  uint64_t AppendPayload(std::string_view partition_key, std::string_view data);

  uint32_t index_;
  std::string id_;
  std::string rate_exceeded_message_;  // empty until first asked for
  Instant created_;
  HashKeyRange range_;
  BucketProfile profile_;
  uint64_t counter_start_;
  uint64_t counter_step_;
  Duration dense_slot_;
  sim::Random bucket_rng_;
  std::vector<int64_t> bucket_starts_us_;
  int64_t next_bucket_start_us_;

  std::deque<StoredRecord> records_;
  uint64_t first_ordinal_ = 0;
  // The arena: blocks filled up to their capacity and never grown, the next one twice as large
  // (up to 1 MiB, or one record's size). Measured: one growing string copied the whole arena
  // at every doubling, 1% of a polling run's instructions.
  std::deque<std::string> blocks_;
  uint64_t first_block_ = 0;  // the number of blocks_.front()
  std::optional<uint64_t> last_counter_;
  std::optional<uint64_t> last_trimmed_counter_;
  uint64_t last_slot_ = 0;

  std::optional<Instant> closed_at_;
  uint64_t last_bucket_ = 0;  // set by Close()
  std::vector<uint32_t> children_;
  uint64_t ending_counter_ = 0;
};

// "shardId-000000000007"
std::string ShardIdFor(uint32_t index);
// The same into `id`, reusing its room.
void ShardIdInto(uint32_t index, std::string& id);
// The index in a well-formed shard id, or nullopt.
std::optional<uint32_t> ParseShardId(std::string_view id);

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_SHARD_STORE_H_
