// A 192-bit unsigned integer, just wide enough for a Kinesis sequence number (186 bits).
//
// `Uint192` holds three 64-bit words and offers only what the sequence-number codec needs:
// decimal text in and out, reading and writing bit fields of up to 64 bits, and numeric
// comparison. It has no arithmetic operators. Misuse by the calling code (a bit field outside
// the 192 bits, a value wider than its field) is a broken invariant and stops the program.
// Hand-written on purpose: absl::uint128 is too narrow, and the codec needs only bit fields and
// decimal text, not the header-heavy arithmetic of a multiprecision library.
#ifndef SHARDSIM_MODEL_INTERNAL_UINT192_H_
#define SHARDSIM_MODEL_INTERNAL_UINT192_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/check.h"

namespace shardsim::model::internal {

class Uint192 {
 public:
  static constexpr int kBits = 192;

  constexpr Uint192() = default;
  static constexpr Uint192 FromWords(uint64_t high, uint64_t middle, uint64_t low) {
    Uint192 out;
    out.words_ = {high, middle, low};
    return out;
  }

  constexpr uint64_t high() const { return words_[0]; }
  constexpr uint64_t middle() const { return words_[1]; }
  constexpr uint64_t low() const { return words_[2]; }

  // Bits [offset_bits, offset_bits + width_bits) as an unsigned value; bit 0 is the least
  // significant. REQUIRES: 1 <= width_bits <= 64, offset_bits >= 0,
  // offset_bits + width_bits <= 192.
  // (Defined inline below: a sequence number is seven SetBits of constant fields, which then
  // fold to a few shifts; out of line they were 4% of a fan-out run.)
  uint64_t GetBits(int offset_bits, int width_bits) const;
  // Replaces those bits with `value`. REQUIRES: as GetBits, and value < 2^width_bits.
  void SetBits(int offset_bits, int width_bits, uint64_t value);

  // 0 for zero, otherwise one more than the index of the highest set bit.
  int BitWidth() const;

  // Shortest decimal form: "0", or digits without a leading zero.
  std::string ToDecimal() const;
  // The same, into `out`'s room.
  void ToDecimalInto(std::string& out) const;
  // The value of `text` when it is a non-empty string of ASCII digits without a leading zero
  // ("0" itself is fine) whose value fits in 192 bits; std::nullopt otherwise.
  static std::optional<Uint192> FromDecimal(std::string_view text);

  // Words are stored most significant first, so the member-wise comparison is numeric order.
  friend constexpr auto operator<=>(const Uint192&, const Uint192&) = default;

 private:
  static void CheckField(int offset_bits, int width_bits) {
    SHARDSIM_CHECK(width_bits >= 1 && width_bits <= 64, "a Uint192 bit field is 1 to 64 bits wide");
    SHARDSIM_CHECK(offset_bits >= 0 && offset_bits + width_bits <= kBits,
                   "a Uint192 bit field lies outside the 192 bits");
  }
  static uint64_t LowMask(int width_bits) {
    return width_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << width_bits) - 1;
  }

  // Word 0 is the least significant.
  uint64_t& WordFromLow(int i) { return words_[2 - i]; }
  uint64_t WordFromLow(int i) const { return words_[2 - i]; }

  std::array<uint64_t, 3> words_ = {0, 0, 0};  // {high, middle, low}
};

inline uint64_t Uint192::GetBits(int offset_bits, int width_bits) const {
  CheckField(offset_bits, width_bits);
  const int word = offset_bits / 64;
  const int shift = offset_bits % 64;
  uint64_t bits = WordFromLow(word) >> shift;
  if (shift != 0 && shift + width_bits > 64) bits |= WordFromLow(word + 1) << (64 - shift);
  return bits & LowMask(width_bits);
}

inline void Uint192::SetBits(int offset_bits, int width_bits, uint64_t value) {
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

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_UINT192_H_
