#include "model/internal/uint192.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/check.h"

namespace shardsim::model::internal {
namespace {

__extension__ typedef unsigned __int128 Wide;

// 10^19, the largest power of ten below 2^64: decimal text is converted 19 digits at a time.
constexpr uint64_t kTenToThe19 = 10'000'000'000'000'000'000u;
constexpr int kChunkDigits = 19;

void CheckField(int offset_bits, int width_bits) {
  SHARDSIM_CHECK(width_bits >= 1 && width_bits <= 64, "a Uint192 bit field is 1 to 64 bits wide");
  SHARDSIM_CHECK(offset_bits >= 0 && offset_bits + width_bits <= Uint192::kBits,
                 "a Uint192 bit field lies outside the 192 bits");
}

uint64_t LowMask(int width_bits) {
  return width_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << width_bits) - 1;
}

uint64_t PowerOfTen(int exponent) {
  uint64_t out = 1;
  for (int i = 0; i < exponent; ++i) out *= 10;
  return out;
}

}  // namespace

uint64_t Uint192::GetBits(int offset_bits, int width_bits) const {
  CheckField(offset_bits, width_bits);
  const int word = offset_bits / 64;
  const int shift = offset_bits % 64;
  uint64_t bits = WordFromLow(word) >> shift;
  if (shift != 0 && shift + width_bits > 64) bits |= WordFromLow(word + 1) << (64 - shift);
  return bits & LowMask(width_bits);
}

void Uint192::SetBits(int offset_bits, int width_bits, uint64_t value) {
  CheckField(offset_bits, width_bits);
  const uint64_t mask = LowMask(width_bits);
  SHARDSIM_CHECK((value & ~mask) == 0, "value does not fit in its Uint192 bit field");
  const int word = offset_bits / 64;
  const int shift = offset_bits % 64;
  WordFromLow(word) = (WordFromLow(word) & ~(mask << shift)) | (value << shift);
  if (shift != 0 && shift + width_bits > 64) {
    const int spill = 64 - shift;
    WordFromLow(word + 1) = (WordFromLow(word + 1) & ~(mask >> spill)) | (value >> spill);
  }
}

int Uint192::BitWidth() const {
  for (int i = 2; i >= 0; --i) {
    if (WordFromLow(i) != 0) return 64 * i + 64 - __builtin_clzll(WordFromLow(i));
  }
  return 0;
}

std::string Uint192::ToDecimal() const {
  // Repeated division by 10^19; chunks come out least significant first. 192 bits need at
  // most 58 digits, so four chunks.
  std::array<uint64_t, 3> quotient = words_;
  std::array<uint64_t, 4> chunks{};
  int chunk_count = 0;
  do {
    SHARDSIM_CHECK(chunk_count < 4, "a 192-bit value has more than 76 decimal digits");
    Wide remainder = 0;
    for (uint64_t& word : quotient) {
      const Wide dividend = (remainder << 64) | word;
      word = static_cast<uint64_t>(dividend / kTenToThe19);
      remainder = dividend % kTenToThe19;
    }
    chunks[chunk_count++] = static_cast<uint64_t>(remainder);
  } while (quotient != std::array<uint64_t, 3>{0, 0, 0});

  std::string out = absl::StrCat(chunks[chunk_count - 1]);
  // The lower chunks, zero-padded to 19 digits each, written by hand (this is on every record
  // GetRecords returns).
  const size_t head = out.size();
  out.resize(head + 19 * static_cast<size_t>(chunk_count - 1));
  for (int i = chunk_count - 2, at = static_cast<int>(head); i >= 0; --i, at += 19) {
    uint64_t chunk = chunks[i];
    for (int d = 18; d >= 0; --d) {
      out[static_cast<size_t>(at + d)] = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  return out;
}

std::optional<Uint192> Uint192::FromDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (text.size() > 1 && text[0] == '0') return std::nullopt;

  Uint192 value;
  while (!text.empty()) {
    const int digits = static_cast<int>(std::min<size_t>(text.size(), kChunkDigits));
    uint64_t chunk = 0;
    for (int i = 0; i < digits; ++i) chunk = chunk * 10 + static_cast<uint64_t>(text[i] - '0');
    text.remove_prefix(digits);

    // value = value * 10^digits + chunk, least significant word first, carrying upward.
    const uint64_t multiplier = PowerOfTen(digits);
    Wide carry = chunk;
    for (int i = 0; i < 3; ++i) {
      const Wide product = static_cast<Wide>(value.WordFromLow(i)) * multiplier + carry;
      value.WordFromLow(i) = static_cast<uint64_t>(product);
      carry = product >> 64;
    }
    if (carry != 0) return std::nullopt;  // does not fit in 192 bits
  }
  return value;
}

}  // namespace shardsim::model::internal
