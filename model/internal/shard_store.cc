#include "model/internal/shard_store.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "model/internal/stream.h"
#include "model/sequence_number.h"
#include "model/shard_id_map.h"

namespace shardsim::model::internal {

int64_t TrailingWindow::Sum(Instant now, Duration window) {
  const int64_t cutoff = (now - window).unix_micros();
  while (!events_.empty() && events_.front().first <= cutoff) events_.pop_front();
  int64_t sum = 0;
  for (const auto& [at, amount] : events_) sum += amount;
  return sum;
}

std::string ShardIdFor(uint32_t index) {
  // By hand, not absl::StrFormat("shardId-%012u"): that was 7% of a fan-out run, where every
  // subscription poll names its shard. A uint32 has at most 10 digits, so 12 always fit.
  std::string id;
  ShardIdInto(index, id);
  return id;
}

void ShardIdInto(uint32_t index, std::string& id) {
  constexpr std::string_view kZero = "shardId-000000000000";
  id.resize(kZero.size());  // in place when `id` already holds a shard id
  std::memcpy(id.data(), kZero.data(), kZero.size());
  for (size_t i = id.size(); index != 0; index /= 10) id[--i] = static_cast<char>('0' + index % 10);
}

std::optional<uint32_t> ParseShardId(std::string_view id) { return ShardIdNumber(id); }

ShardStore::ShardStore(uint32_t index, Instant created, HashKeyRange range,
                       const StreamOptions& options, sim::Random bucket_rng)
    : index_(index),
      id_(ShardIdFor(index)),
      created_(created),
      range_(range),
      profile_(options.buckets),
      counter_start_(options.counter_start),
      counter_step_(options.counter_step_per_bucket),
      dense_slot_(options.dense_counter_slot),
      bucket_rng_(std::move(bucket_rng)),
      next_bucket_start_us_(created.unix_micros()) {
  SHARDSIM_CHECK(created.unix_seconds() >= 0 && created.unix_seconds() <= kSequenceNumberMaxSeconds,
                 "a shard's creation time must fit a sequence number's 36-bit field");
  MaterializeThrough(created);
}

bool ShardStore::UniformWidth() const {
  return !profile_.dense() && profile_.min_width == profile_.max_width;
}

void ShardStore::MaterializeThrough(Instant t) {
  if (UniformWidth()) return;  // computed, not stored
  if (profile_.dense()) {
    if (bucket_starts_us_.empty()) bucket_starts_us_.push_back(created_.unix_micros());
    return;
  }
  while (next_bucket_start_us_ <= t.unix_micros()) {
    bucket_starts_us_.push_back(next_bucket_start_us_);
    next_bucket_start_us_ += profile_.DrawWidth(bucket_rng_).micros();
  }
}

uint64_t ShardStore::BucketOf(Instant t) {
  SHARDSIM_CHECK(t >= created_, "BucketOf a time before the shard was created");
  if (profile_.dense()) return 0;
  if (UniformWidth()) return static_cast<uint64_t>((t - created_) / profile_.min_width);
  MaterializeThrough(t);
  const auto it =
      std::upper_bound(bucket_starts_us_.begin(), bucket_starts_us_.end(), t.unix_micros());
  return static_cast<uint64_t>(it - bucket_starts_us_.begin()) - 1;
}

Instant ShardStore::BucketStartSlow(uint64_t bucket) {
  if (profile_.dense()) return created_;
  if (UniformWidth()) {
    const int64_t width_us = profile_.min_width.micros();
    SHARDSIM_CHECK(bucket <= static_cast<uint64_t>((INT64_MAX - created_.unix_micros()) / width_us),
                   "bucket start beyond representable time");
    return created_ + profile_.min_width * static_cast<int64_t>(bucket);
  }
  while (bucket >= bucket_starts_us_.size()) {
    MaterializeThrough(Instant::FromUnixMicros(next_bucket_start_us_));
  }
  return Instant::FromUnixMicros(bucket_starts_us_[bucket]);
}

uint64_t ShardStore::SlotOf(Instant t) {
  if (profile_.dense()) return static_cast<uint64_t>((t - created_) / dense_slot_);
  return BucketOf(t);
}

uint64_t ShardStore::CounterFor(Instant t) {
  const uint64_t slot = SlotOf(t);
  const uint64_t base = last_counter_.has_value() ? *last_counter_ + 1 : counter_start_;
  const uint64_t slots = last_counter_.has_value() ? slot - last_slot_ : slot;
  uint64_t jump, counter;
  SHARDSIM_CHECK(!__builtin_mul_overflow(slots, counter_step_, &jump) &&
                     !__builtin_add_overflow(base, jump, &counter),
                 "sequence-number counter overflow: counter_step_per_bucket is too large for "
                 "this many buckets");
  return counter;
}

uint64_t ShardStore::Append(Instant arrival, std::string_view partition_key,
                            std::string_view data) {
  SHARDSIM_CHECK(!closed(), "Append to a closed shard");
  SHARDSIM_CHECK(records_.empty() || arrival.unix_micros() >= records_.back().arrival_us,
                 "records must be appended in arrival order");
  const uint64_t counter = CounterFor(arrival);
  last_counter_ = counter;
  last_slot_ = SlotOf(arrival);
  const uint64_t offset = AppendPayload(partition_key, data);
  records_.push_back(StoredRecord{counter, arrival.unix_micros(), offset,
                                  static_cast<uint32_t>(partition_key.size()),
                                  static_cast<uint32_t>(data.size()), BucketOf(arrival)});
  return end_ordinal() - 1;
}

const StoredRecord& ShardStore::At(uint64_t ordinal) const {
  SHARDSIM_CHECK(Retained(ordinal), "record ordinal is not retained");
  return records_[ordinal - first_ordinal_];
}

const std::string& ShardStore::RateExceededMessage(std::string_view stream) {
  if (rate_exceeded_message_.empty()) {
    rate_exceeded_message_ =
        absl::StrCat("Rate exceeded for shard ", id_, " in stream ", sim::ToAbsl(stream),
                     " under account ", sim::ToAbsl(kAccount), ".");
  }
  return rate_exceeded_message_;
}

std::string_view ShardStore::PayloadOf(const StoredRecord& r) const {
  const std::string& block = blocks_[(r.payload_offset >> 32) - first_block_];
  return std::string_view(block).substr(r.payload_offset & 0xffff'ffff,
                                        size_t{r.key_bytes} + r.data_bytes);
}

std::string_view ShardStore::PartitionKeyOf(const StoredRecord& r) const {
  return PayloadOf(r).substr(0, r.key_bytes);
}

std::string_view ShardStore::DataOf(const StoredRecord& r) const {
  return PayloadOf(r).substr(r.key_bytes);
}

uint64_t ShardStore::AppendPayload(std::string_view partition_key, std::string_view data) {
  constexpr size_t kFirstBlockBytes = 4 << 10;
  constexpr size_t kMaxBlockBytes = 1 << 20;
  const size_t bytes = partition_key.size() + data.size();
  if (blocks_.empty() || blocks_.back().size() + bytes > blocks_.back().capacity()) {
    const size_t doubled = blocks_.empty() ? kFirstBlockBytes : 2 * blocks_.back().capacity();
    blocks_.emplace_back().reserve(std::max(std::min(doubled, kMaxBlockBytes), bytes));
  }
  std::string& block = blocks_.back();
  const uint64_t offset = (first_block_ + blocks_.size() - 1) << 32 | block.size();
  block.append(partition_key.data(), partition_key.size());
  block.append(data.data(), data.size());
  return offset;
}

size_t ShardStore::payload_bytes() const {
  size_t bytes = 0;
  for (const std::string& block : blocks_) bytes += block.size();
  return bytes;
}

std::string ShardStore::SequenceNumberForCounter(uint64_t counter, Instant put) const {
  return EncodeSequenceNumber(FieldsForCounter(counter, put));
}

SequenceNumber ShardStore::SequenceNumberValueForCounter(uint64_t counter, Instant put) const {
  return SequenceNumber::FromFields(FieldsForCounter(counter, put));
}

SequenceNumberFields ShardStore::FieldsForCounter(uint64_t counter, Instant put) const {
  // The put-time field runs one second behind ApproximateArrivalTimestamp's whole seconds in
  // every public sample we have (the seed article: 07:08:10.670 -> 07:08:09). It is clamped to
  // the 36 bits the layout holds (a put in 1970's first second, or after the year 4147); the
  // field only informs, the counter orders.
  const int64_t put_seconds = PutSecondsField(put);
  return SequenceNumberFields{created_.unix_seconds(), index_, counter, put_seconds,
                              kSequenceNumberVersion};
}

int64_t ShardStore::PutSecondsField(Instant put) {
  return std::clamp<int64_t>(put.unix_seconds() - 1, 0, kSequenceNumberMaxSeconds);
}

std::string ShardStore::SequenceNumberOf(const StoredRecord& r) const {
  return SequenceNumberForCounter(r.counter, Instant::FromUnixMicros(r.arrival_us));
}

uint64_t ShardStore::LowerBoundCounter(uint64_t counter) const {
  const auto it = std::lower_bound(records_.begin(), records_.end(), counter,
                                   [](const StoredRecord& r, uint64_t c) { return r.counter < c; });
  return first_ordinal_ + static_cast<uint64_t>(it - records_.begin());
}

uint64_t ShardStore::LowerBoundArrival(Instant t) const {
  const auto it =
      std::lower_bound(records_.begin(), records_.end(), t.unix_micros(),
                       [](const StoredRecord& r, int64_t us) { return r.arrival_us < us; });
  return first_ordinal_ + static_cast<uint64_t>(it - records_.begin());
}

void ShardStore::TrimBefore(Instant horizon) {
  while (!records_.empty() && records_.front().arrival_us < horizon.unix_micros()) {
    last_trimmed_counter_ = records_.front().counter;
    records_.pop_front();
    ++first_ordinal_;
  }
  // Release the arena blocks before the first retained record's (all of them when none is).
  const uint64_t live_block =
      records_.empty() ? first_block_ + blocks_.size() : records_.front().payload_offset >> 32;
  while (first_block_ < live_block) {
    blocks_.pop_front();
    ++first_block_;
  }
}

void ShardStore::Close(Instant at, std::vector<uint32_t> children) {
  SHARDSIM_CHECK(!closed(), "a shard is closed once");
  SHARDSIM_CHECK(records_.empty() || records_.back().arrival_us <= at.unix_micros(),
                 "a shard closes after its last record");
  // EndingSequenceNumber: what a record at the close would have been given, less one (and never
  // below the counter of the last record, or of the shard's start when it has none).
  const uint64_t at_close = CounterFor(at);
  ending_counter_ =
      std::max(last_counter_.value_or(counter_start_), at_close == 0 ? 0 : at_close - 1);
  const uint64_t close_bucket = BucketOf(at);
  const bool record_at_close = !records_.empty() && records_.back().arrival_us == at.unix_micros();
  last_bucket_ = close_bucket > 0 && BucketStart(close_bucket) == at && !record_at_close
                     ? close_bucket - 1
                     : close_bucket;
  closed_at_ = at;
  children_ = std::move(children);
}

uint64_t ShardStore::LastBucket(Instant now) { return closed() ? last_bucket_ : BucketOf(now); }

bool ShardStore::IteratorCanName(uint64_t bucket, Instant now) {
  if (profile_.dense()) return bucket == 0;
  const Instant tip = closed() ? *closed_at_ : now;
  if (UniformWidth()) return bucket <= BucketOf(tip);
  MaterializeThrough(tip);
  return bucket < bucket_starts_us_.size() && bucket_starts_us_[bucket] <= tip.unix_micros();
}

}  // namespace shardsim::model::internal
