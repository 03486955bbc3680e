// Hash keys: where a partition key lands in a stream, and the ranges that shards own.
//
// Kinesis routes a record by the MD5 of its partition key, read as a big-endian 128-bit
// unsigned integer (a `HashKey`, printed in decimal); each open shard owns one contiguous,
// inclusive `HashKeyRange`, and the open shards of a stream cover 0..2^128-1 without gaps.
// This file holds the key type, the partition-key hash, and the range arithmetic that
// CreateStream, SplitShard and MergeShards need. Text and split/merge requests from a caller
// are validated (absl::Status); malformed ranges handed in by the model are broken invariants.
#ifndef SHARDSIM_MODEL_HASH_KEY_H_
#define SHARDSIM_MODEL_HASH_KEY_H_

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace shardsim::model {

// `__extension__` keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ typedef unsigned __int128 Uint128;

// A point of the 128-bit hash-key space, 0 to 2^128-1.
class HashKey {
 public:
  constexpr HashKey() = default;  // 0
  static constexpr HashKey FromUint128(Uint128 value) { return HashKey(value); }
  static constexpr HashKey FromWords(uint64_t high, uint64_t low) {
    return HashKey((static_cast<Uint128>(high) << 64) | low);
  }
  static constexpr HashKey Min() { return HashKey(0); }
  static constexpr HashKey Max() { return HashKey(~Uint128{0}); }

  // Accepts what Kinesis accepts for ExplicitHashKey / NewStartingHashKey: "0" or decimal
  // digits without a leading zero, at most 2^128-1. InvalidArgument otherwise.
  static absl::StatusOr<HashKey> Parse(std::string_view text);

  constexpr Uint128 value() const { return value_; }
  constexpr uint64_t high_word() const { return static_cast<uint64_t>(value_ >> 64); }
  constexpr uint64_t low_word() const { return static_cast<uint64_t>(value_); }

  // Decimal, e.g. "340282366920938463463374607431768211455" for Max().
  std::string ToString() const;

  friend constexpr auto operator<=>(const HashKey&, const HashKey&) = default;
  friend std::ostream& operator<<(std::ostream& os, const HashKey& key) {
    return os << key.ToString();
  }
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const HashKey& key) {
    sink.Append(key.ToString());
  }

 private:
  constexpr explicit HashKey(Uint128 value) : value_(value) {}
  Uint128 value_ = 0;
};

// MD5 of the partition key's bytes (computed by OpenSSL libcrypto), read big-endian.
HashKey HashKeyForPartitionKey(std::string_view partition_key);

// The keys `starting` to `ending`, both included. Well-formed when starting <= ending; the
// functions below require well-formed ranges (checked).
struct HashKeyRange {
  HashKey starting;
  HashKey ending;

  bool Contains(HashKey key) const { return starting <= key && key <= ending; }
  // "[0, 170141183460469231731687303715884105727]"
  std::string ToString() const;

  friend bool operator==(const HashKeyRange&, const HashKeyRange&) = default;
  friend std::ostream& operator<<(std::ostream& os, const HashKeyRange& range) {
    return os << range.ToString();
  }
};

// The two children of a split: `lower` = [parent.starting, new_starting_hash_key - 1] and
// `upper` = [new_starting_hash_key, parent.ending].
struct HashKeyRangeSplit {
  HashKeyRange lower;
  HashKeyRange upper;
};

// SplitShard's range arithmetic. Kinesis accepts NewStartingHashKey k only when it is "both
// greater than one plus the shard's StartingHashKey and less than the shard's EndingHashKey"
// (parent.starting + 1 < k < parent.ending, so each child keeps at least two keys; the rule is
// AWS's error message, as kinesalite and moto reproduce it). InvalidArgument otherwise.
absl::StatusOr<HashKeyRangeSplit> SplitHashKeyRange(const HashKeyRange& parent,
                                                    HashKey new_starting_hash_key);

// MergeShards' range arithmetic: the union of two adjacent ranges (a.ending + 1 == b.starting
// or b.ending + 1 == a.starting), in either argument order. InvalidArgument when they are not
// adjacent (a gap, an overlap, or the same range).
absl::StatusOr<HashKeyRange> MergeHashKeyRanges(const HashKeyRange& a, const HashKeyRange& b);

// CreateStream's division of the key space: shard i of n owns [i * s, (i + 1) * s - 1] with
// s = floor(2^128 / n), except that the last shard ends at 2^128 - 1.
// REQUIRES: shard_count >= 1 (checked; the model validates ShardCount before calling).
std::vector<HashKeyRange> EvenlySplitHashKeySpace(int shard_count);

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_HASH_KEY_H_
