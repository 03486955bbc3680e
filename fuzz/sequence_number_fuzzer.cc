// Fuzz target: sequence numbers (model/sequence_number.h). The input as text parses to a
// sequence number or an InvalidArgument, and one that parses prints back to the same digits
// and its fields encode to them again. The input as raw bytes is also read as two field sets:
// fields that validate encode to 56 digits that decode to the same fields, and two encoded
// numbers compare as (creation time, index low nibble, counter, put time, shard index) do.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "model/sequence_number.h"

namespace {

using shardsim::model::DecodeSequenceNumber;
using shardsim::model::EncodeSequenceNumber;
using shardsim::model::SequenceNumber;
using shardsim::model::SequenceNumberFields;

void CheckText(std::string_view text) {
  const auto parsed = SequenceNumber::Parse(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(parsed.status()), parsed.status().ToString());
    FUZZ_CHECK(!DecodeSequenceNumber(text).ok(), "Decode accepts what Parse refuses");
    return;
  }
  const std::string digits = parsed->ToString();
  FUZZ_CHECK(digits == text, absl::StrCat("parsed ", std::string(text), " prints as ", digits));
  const SequenceNumberFields fields = parsed->fields();
  FUZZ_CHECK(shardsim::model::ValidateSequenceNumberFields(fields).ok(),
             "a parsed number has invalid fields");
  FUZZ_CHECK(EncodeSequenceNumber(fields) == digits, "its fields encode to other digits");
  const auto decoded = DecodeSequenceNumber(text);
  FUZZ_CHECK(decoded.ok() && *decoded == fields, "Decode disagrees with Parse");
}

uint64_t Take(const uint8_t*& data, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | *data++;
  return v;
}

constexpr size_t kFieldBytes = 5 + 4 + 8 + 5 + 1;  // creation, index, counter, put, version

SequenceNumberFields FieldsFrom(const uint8_t* data) {
  SequenceNumberFields f;
  f.shard_creation_seconds = static_cast<int64_t>(Take(data, 5)) - (int64_t{1} << 38);
  f.shard_index = static_cast<uint32_t>(Take(data, 4));
  f.counter = Take(data, 8);
  f.put_seconds = static_cast<int64_t>(Take(data, 5)) - (int64_t{1} << 38);
  f.version = static_cast<int>(Take(data, 1) % 4);
  return f;
}

auto OrderKey(const SequenceNumberFields& f) {
  return std::make_tuple(f.shard_creation_seconds, f.shard_index & 0xF, f.counter, f.put_seconds,
                         f.shard_index);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckText(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size < 2 * kFieldBytes) return 0;
  const SequenceNumberFields a = FieldsFrom(data);
  const SequenceNumberFields b = FieldsFrom(data + kFieldBytes);
  for (const SequenceNumberFields& f : {a, b}) {
    if (!shardsim::model::ValidateSequenceNumberFields(f).ok()) return 0;
    const std::string digits = EncodeSequenceNumber(f);
    FUZZ_CHECK(digits.size() == shardsim::model::kSequenceNumberDigits, digits);
    const auto decoded = DecodeSequenceNumber(digits);
    FUZZ_CHECK(decoded.ok() && *decoded == f, "encoded fields decode differently: " + digits);
  }
  const SequenceNumber x = SequenceNumber::FromFields(a);
  const SequenceNumber y = SequenceNumber::FromFields(b);
  FUZZ_CHECK((x < y) == (OrderKey(a) < OrderKey(b)) && (x == y) == (OrderKey(a) == OrderKey(b)),
             absl::StrCat("numeric order of ", x.ToString(), " and ", y.ToString(),
                          " is not the fields' order"));
  return 0;
}
