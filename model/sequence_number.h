// Kinesis sequence numbers, in the layout reverse-engineered from real ones.
//
// A sequence number is a 186-bit unsigned integer that Kinesis prints in decimal; read as 47
// hex digits it packs the shard's creation time, the shard index, a 64-bit counter and the put
// time (layout below). AWS documents none of this, only that sequence numbers increase within a
// shard, are not contiguous, and grow faster the longer the gap between writes. Text from a
// caller is validated and errors come back as absl::Status; fields are validated by
// `ValidateSequenceNumberFields`, and encoding fields that fail it is a broken invariant.
//
// Layout, hex digit 0 being the most significant (as kinesalite's `parseSequence` reads it,
// and consistent with public samples):
//
//   digit  0       `2`
//   digits 1-9     shard creation time, Unix seconds (36 bits)
//   digit  10      low nibble of the shard index
//   digits 11-26   counter (64 bits)
//   digits 27-28   `00`
//   digits 29-37   put time, Unix seconds (36 bits)
//   digits 38-45   shard index (32 bits)
//   digit  46      version, `2`
//
// Every valid sequence number lies in [2^185, 3 * 2^184), so its decimal form always has
// exactly 56 digits, and numeric order is the order of
// (creation time, index low nibble, counter, put time, shard index).
//
// How the counter advances (the contract for the stream model, which owns the advancing): the
// counter is not a record count. "The longer the time period between write requests, the
// larger the sequence numbers become" [AWS]; the seed article's two records, 17 s apart, have
// counters 8398 and 8399, and other public samples show +2,121 between two records 60 s apart.
// So the model advances a shard's counter by at least one per record and also with idle time
// between records. It must never give two records of one shard the same counter: then, within
// a shard (same creation time and index), comparing sequence numbers is comparing counters, and
// sequence numbers strictly increase in write order.
#ifndef SHARDSIM_MODEL_SEQUENCE_NUMBER_H_
#define SHARDSIM_MODEL_SEQUENCE_NUMBER_H_

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace shardsim::model {

// The only layout modelled; Kinesis has used others (kinesalite also reads versions 0 and 1).
inline constexpr int kSequenceNumberVersion = 2;
// Largest time a 36-bit field holds: 2^36 - 1 seconds after the epoch, in the year 4147.
inline constexpr int64_t kSequenceNumberMaxSeconds = (int64_t{1} << 36) - 1;
// Decimal digits of every valid sequence number.
inline constexpr int kSequenceNumberDigits = 56;

// The decoded parts of a sequence number. Times are whole seconds since the Unix epoch, as the
// layout stores them; convert with sim::Instant::FromUnixSeconds / Instant::unix_seconds().
struct SequenceNumberFields {
  int64_t shard_creation_seconds = 0;  // 0 to kSequenceNumberMaxSeconds
  uint32_t shard_index = 0;            // the N of shardId-00000000000N
  uint64_t counter = 0;                // orders the records of one shard
  int64_t put_seconds = 0;             // 0 to kSequenceNumberMaxSeconds
  int version = kSequenceNumberVersion;

  friend bool operator==(const SequenceNumberFields&, const SequenceNumberFields&) = default;
};

// "{created=1680678372 index=0 counter=8398 put=1680678489 version=2}", for test output.
std::ostream& operator<<(std::ostream& os, const SequenceNumberFields& fields);

// OK when `fields` can be encoded: both times within 0..kSequenceNumberMaxSeconds and the
// version kSequenceNumberVersion. Otherwise InvalidArgument naming the field and its range.
absl::Status ValidateSequenceNumberFields(const SequenceNumberFields& fields);

// A valid sequence number, ordered as the number it is. Holds the three 64-bit words, so copying
// and comparing are cheap; `fields()` and `ToString()` decode on demand.
class SequenceNumber {
 public:
  // REQUIRES: ValidateSequenceNumberFields(fields).ok() (checked; a failure stops the program).
  // Fields that come from a user must be validated first.
  static SequenceNumber FromFields(const SequenceNumberFields& fields);
  // Accepts exactly the decimal strings that decode to a valid version-2 layout; otherwise
  // InvalidArgument saying what is wrong (empty, non-digit, leading zero, not 56 digits,
  // more than 186 bits, leading hex digit not 2, unsupported version, hex digits 27-28 not
  // 00, or digit 10 not the low nibble of the shard index).
  static absl::StatusOr<SequenceNumber> Parse(std::string_view text);

  SequenceNumberFields fields() const;
  uint32_t shard_index() const;
  uint64_t counter() const;

  // The 56-digit decimal form, as Kinesis prints it.
  std::string ToString() const;
  // The same, into `out`'s room (no allocation once it has held a number).
  void ToStringInto(std::string& out) const;

  friend auto operator<=>(const SequenceNumber&, const SequenceNumber&) = default;
  friend std::ostream& operator<<(std::ostream& os, const SequenceNumber& s) {
    return os << s.ToString();
  }
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const SequenceNumber& s) {
    sink.Append(s.ToString());
  }

 private:
  explicit SequenceNumber(std::array<uint64_t, 3> words) : words_(words) {}

  // The 192-bit value, high word first (so the defaulted comparison is numeric order).
  std::array<uint64_t, 3> words_ = {};
};

// The decimal form of `fields`. REQUIRES: ValidateSequenceNumberFields(fields).ok().
std::string EncodeSequenceNumber(const SequenceNumberFields& fields);

// The fields of a decimal sequence number; errors as SequenceNumber::Parse.
absl::StatusOr<SequenceNumberFields> DecodeSequenceNumber(std::string_view text);

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_SEQUENCE_NUMBER_H_
