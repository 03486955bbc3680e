// The 192-bit integer under the sequence-number codec: decimal text both ways, bit fields
// across word boundaries, width and order, checked against absl::uint128 where that is wide
// enough and against known values at the 192-bit edge.
#include "model/internal/uint192.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <string>

#include "absl/numeric/int128.h"

namespace shardsim::model::internal {
namespace {

constexpr char kMax192[] = "6277101735386680763835789423207666416102355444464034512895";
constexpr char kTwoTo192[] = "6277101735386680763835789423207666416102355444464034512896";

Uint192 From128(absl::uint128 v) {
  return Uint192::FromWords(0, absl::Uint128High64(v), absl::Uint128Low64(v));
}

TEST(Uint192, PrintsZeroAndTheLargestValue) {
  EXPECT_EQ(Uint192().ToDecimal(), "0");
  EXPECT_EQ(Uint192::FromWords(~0ull, ~0ull, ~0ull).ToDecimal(), kMax192);
  EXPECT_EQ(Uint192::FromWords(1, 0, 0).ToDecimal(), "340282366920938463463374607431768211456");
}

TEST(Uint192, PrintsEveryPowerOfTenAndItsPredecessorWithInnerZeroChunks) {
  // 10^k and 10^k - 1 for every k up to 57: runs of zeros and nines across the 19-digit chunks
  // the printer divides into.
  for (int k = 1; k <= 57; ++k) {
    const std::string power = "1" + std::string(static_cast<size_t>(k), '0');
    const std::string nines(static_cast<size_t>(k), '9');
    for (const std::string& text : {power, nines}) {
      std::optional<Uint192> value = Uint192::FromDecimal(text);
      ASSERT_TRUE(value.has_value()) << text;
      EXPECT_EQ(value->ToDecimal(), text);
    }
  }
}

TEST(Uint192, ReadsTheLargestValueAndRejectsOneMore) {
  const std::optional<Uint192> max = Uint192::FromDecimal(kMax192);
  ASSERT_TRUE(max.has_value());
  EXPECT_EQ(*max, Uint192::FromWords(~0ull, ~0ull, ~0ull));
  EXPECT_FALSE(Uint192::FromDecimal(kTwoTo192).has_value());
  EXPECT_FALSE(Uint192::FromDecimal(std::string(kMax192) + "0").has_value());
}

TEST(Uint192, RejectsTextThatIsNotPlainDecimal) {
  for (const char* bad : {"", "01", "00", "-1", "+1", "1 ", " 1", "1a", "0x10", "１"}) {
    EXPECT_FALSE(Uint192::FromDecimal(bad).has_value()) << '"' << bad << '"';
  }
  EXPECT_EQ(Uint192::FromDecimal("0"), Uint192());
}

TEST(Uint192, BitFieldsCrossWordBoundariesAndLeaveTheOtherBitsAlone) {
  for (const int offset : {0, 1, 60, 63, 64, 100, 127, 128, 150, 191}) {
    for (const int width : {1, 4, 36, 63, 64}) {
      if (offset + width > Uint192::kBits) continue;
      Uint192 x = Uint192::FromWords(~0ull, ~0ull, ~0ull);
      const uint64_t value =
          width == 64 ? 0x0123'4567'89ab'cdefull : 0x0123'4567'89ab'cdefull & ((1ull << width) - 1);
      x.SetBits(offset, width, value);
      EXPECT_EQ(x.GetBits(offset, width), value) << offset << "+" << width;
      if (offset > 0) {
        EXPECT_EQ(x.GetBits(offset - 1, 1), 1u) << "below " << offset << "+" << width;
      }
      if (offset + width < Uint192::kBits) {
        EXPECT_EQ(x.GetBits(offset + width, 1), 1u) << "above " << offset << "+" << width;
      }
    }
  }
}

TEST(Uint192, BitWidthCountsToTheHighestSetBit) {
  EXPECT_EQ(Uint192().BitWidth(), 0);
  EXPECT_EQ(Uint192::FromWords(0, 0, 1).BitWidth(), 1);
  EXPECT_EQ(Uint192::FromWords(0, 1, 0).BitWidth(), 65);
  EXPECT_EQ(Uint192::FromWords(1ull << 57, 0, 0).BitWidth(), 186);  // a sequence number's width
  EXPECT_EQ(Uint192::FromWords(~0ull, 0, 0).BitWidth(), 192);
}

TEST(Uint192, OrdersByValueWithTheHighWordFirst) {
  EXPECT_LT(Uint192::FromWords(0, ~0ull, ~0ull), Uint192::FromWords(1, 0, 0));
  EXPECT_LT(Uint192::FromWords(0, 0, ~0ull), Uint192::FromWords(0, 1, 0));
  EXPECT_EQ(Uint192::FromWords(3, 2, 1), Uint192::FromWords(3, 2, 1));
}

RC_GTEST_PROP(Uint192Property, DecimalAgreesWithUint128, (uint64_t high, uint64_t low)) {
  const absl::uint128 v = absl::MakeUint128(high, low);
  std::ostringstream os;
  os << v;
  const std::string text = os.str();
  RC_ASSERT(From128(v).ToDecimal() == text);
  RC_ASSERT(Uint192::FromDecimal(text) == std::optional(From128(v)));
}

RC_GTEST_PROP(Uint192Property, DecimalRoundTripsEveryValue,
              (uint64_t high, uint64_t middle, uint64_t low)) {
  const Uint192 x = Uint192::FromWords(high, middle, low);
  RC_ASSERT(Uint192::FromDecimal(x.ToDecimal()) == std::optional(x));
}

RC_GTEST_PROP(Uint192Property, OrderAgreesWithUint128,
              (uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl)) {
  const absl::uint128 a = absl::MakeUint128(ah, al);
  const absl::uint128 b = absl::MakeUint128(bh, bl);
  RC_ASSERT((From128(a) < From128(b)) == (a < b));
  RC_ASSERT((From128(a) == From128(b)) == (a == b));
}

}  // namespace
}  // namespace shardsim::model::internal
