#include "model/hash_key.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace shardsim::model {
namespace {

using ::testing::HasSubstr;

constexpr char kMaxDecimal[] = "340282366920938463463374607431768211455";  // 2^128 - 1

HashKey Key(std::string_view decimal) {
  const absl::StatusOr<HashKey> key = HashKey::Parse(decimal);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.value_or(HashKey());
}

HashKeyRange Range(std::string_view starting, std::string_view ending) {
  return {Key(starting), Key(ending)};
}

std::string ParseError(std::string_view text) {
  const absl::StatusOr<HashKey> key = HashKey::Parse(text);
  EXPECT_FALSE(key.ok()) << text << " parsed as " << *key;
  if (key.ok()) return "";
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(key.status().message());
}

TEST(HashKey, MaxPrintsAsTwoToThe128MinusOne) {
  EXPECT_EQ(HashKey::Max().ToString(), kMaxDecimal);
  EXPECT_EQ(HashKey::Min().ToString(), "0");
  EXPECT_EQ(HashKey::FromWords(1, 0).ToString(), "18446744073709551616");
}

TEST(HashKey, ParseReadsWhatToStringPrints) {
  EXPECT_EQ(Key(kMaxDecimal), HashKey::Max());
  EXPECT_EQ(Key("0"), HashKey::Min());
  EXPECT_EQ(Key("18446744073709551616"), HashKey::FromWords(1, 0));
}

TEST(HashKey, ParseRejectsTextThatIsNotACanonicalKey) {
  EXPECT_THAT(ParseError(""), HasSubstr("empty"));
  EXPECT_THAT(ParseError("-1"), HasSubstr("non-digit character '-' at position 0"));
  EXPECT_THAT(ParseError("12 "), HasSubstr("non-digit character ' ' at position 2"));
  EXPECT_THAT(ParseError("007"), HasSubstr("leading zero"));
  EXPECT_THAT(ParseError("340282366920938463463374607431768211456"),
              HasSubstr("larger than the largest hash key"));
  EXPECT_THAT(ParseError(std::string(40, '1')), HasSubstr("larger than the largest hash key"));
}

TEST(HashKey, EmptyPartitionKeyHashesToMd5OfNothing) {
  // MD5("") = d41d8cd98f00b204e9800998ecf8427e.
  EXPECT_EQ(HashKeyForPartitionKey(""), HashKey::FromWords(0xd41d8cd98f00b204, 0xe9800998ecf8427e));
  EXPECT_EQ(HashKeyForPartitionKey("").ToString(), "281949768489412648962353822266799178366");
}

TEST(HashKey, PartitionKeysHashToTheirMd5ReadBigEndian) {
  EXPECT_EQ(HashKeyForPartitionKey("abc"),  // 900150983cd24fb0d6963f7d28e17f72
            HashKey::FromWords(0x900150983cd24fb0, 0xd6963f7d28e17f72));
  EXPECT_EQ(HashKeyForPartitionKey("The quick brown fox jumps over the lazy dog"),
            Key("210103647840849757586127012022035159510"));  // 9e107d9d372bb6826bd81d3542a419d6
  // Bytes, not C strings: an embedded NUL is part of the key.
  EXPECT_NE(HashKeyForPartitionKey(std::string_view("a\0b", 3)), HashKeyForPartitionKey("a"));
}

TEST(HashKey, PartitionKeyOneAlwaysRoutesToTheLastOfFourShards) {
  // MD5("1") = c4ca4238a0b923820dcc509a6f75849b: top bits 11, so the fourth quarter.
  const HashKey key = HashKeyForPartitionKey("1");
  EXPECT_EQ(key.ToString(), "261578874264819908609102035485573088411");
  EXPECT_EQ(HashKeyForPartitionKey("1"), key);
  const std::vector<HashKeyRange> shards = EvenlySplitHashKeySpace(4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(shards[i].Contains(key), i == 3) << "shard " << i;
}

TEST(HashKeyRange, ContainsBothEndsAndNothingOutside) {
  const HashKeyRange range = Range("10", "20");
  EXPECT_TRUE(range.Contains(Key("10")));
  EXPECT_TRUE(range.Contains(Key("20")));
  EXPECT_FALSE(range.Contains(Key("9")));
  EXPECT_FALSE(range.Contains(Key("21")));
  EXPECT_EQ(range.ToString(), "[10, 20]");
}

TEST(HashKeyRange, OneShardOwnsTheWholeSpace) {
  EXPECT_EQ(EvenlySplitHashKeySpace(1),
            (std::vector<HashKeyRange>{{HashKey::Min(), HashKey::Max()}}));
}

TEST(HashKeyRange, ThreeShardsGetTheRangesKinesisGives) {
  EXPECT_EQ(
      EvenlySplitHashKeySpace(3),
      (std::vector<HashKeyRange>{Range("0", "113427455640312821154458202477256070484"),
                                 Range("113427455640312821154458202477256070485",
                                       "226854911280625642308916404954512140969"),
                                 Range("226854911280625642308916404954512140970", kMaxDecimal)}));
}

TEST(HashKeyRange, FourShardsSplitAtQuarters) {
  const std::vector<HashKeyRange> shards = EvenlySplitHashKeySpace(4);
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_EQ(shards[1].starting, HashKey::FromWords(uint64_t{1} << 62, 0));
  EXPECT_EQ(shards[2].starting, HashKey::FromWords(uint64_t{1} << 63, 0));
  EXPECT_EQ(shards[3].starting, HashKey::FromWords(uint64_t{3} << 62, 0));
}

TEST(HashKeyRange, EvenSplitsOfOneToEightShardsCoverTheSpaceWithoutGaps) {
  for (int n = 1; n <= 8; ++n) {
    SCOPED_TRACE(n);
    const std::vector<HashKeyRange> shards = EvenlySplitHashKeySpace(n);
    ASSERT_EQ(shards.size(), static_cast<size_t>(n));
    EXPECT_EQ(shards.front().starting, HashKey::Min());
    EXPECT_EQ(shards.back().ending, HashKey::Max());
    // Shard i starts at i * floor(2^128 / n); floor(2^128 / n) is floor((2^128 - 1) / n), plus
    // one when n divides 2^128.
    const Uint128 step = n == 1 ? 0 : ~Uint128{0} / n + (~Uint128{0} % n == Uint128(n - 1));
    for (int i = 0; i < n; ++i) {
      EXPECT_LE(shards[i].starting, shards[i].ending);
      EXPECT_EQ(shards[i].starting.value(), step * Uint128(i));
      if (i + 1 < n) {
        EXPECT_EQ(shards[i].ending.value() + 1, shards[i + 1].starting.value());
      }
    }
  }
}

TEST(HashKeyRange, SplitGivesTheLowerKeysToOneChildAndTheRestToTheOther) {
  const absl::StatusOr<HashKeyRangeSplit> split = SplitHashKeyRange(Range("10", "20"), Key("15"));
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->lower, Range("10", "14"));
  EXPECT_EQ(split->upper, Range("15", "20"));
}

TEST(HashKeyRange, SplitAcceptsTheKeysClosestToTheEndsThatKinesisAccepts) {
  EXPECT_TRUE(SplitHashKeyRange(Range("10", "20"), Key("12")).ok());
  EXPECT_TRUE(SplitHashKeyRange(Range("10", "20"), Key("19")).ok());
  EXPECT_TRUE(
      SplitHashKeyRange({HashKey::Min(), HashKey::Max()}, HashKey::FromWords(uint64_t{1} << 63, 0))
          .ok());
}

TEST(HashKeyRange, SplitRejectsKeysNotStrictlyInsideTheRange) {
  const HashKeyRange parent = Range("10", "20");
  for (const char* bad : {"0", "9", "10", "11", "20", "21"}) {
    const absl::StatusOr<HashKeyRangeSplit> split = SplitHashKeyRange(parent, Key(bad));
    ASSERT_FALSE(split.ok()) << bad;
    EXPECT_EQ(split.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(split.status().message(), HasSubstr(std::string("new starting hash key ") + bad +
                                                    " does not split [10, 20]"));
  }
}

TEST(HashKeyRange, SplitOfARangeWithFewerThanFourKeysIsAlwaysRejected) {
  EXPECT_TRUE(SplitHashKeyRange(Range("5", "8"), Key("7")).ok());  // [5, 6] and [7, 8]
  for (const char* at : {"5", "6", "7"})
    EXPECT_FALSE(SplitHashKeyRange(Range("5", "7"), Key(at)).ok());
  EXPECT_FALSE(SplitHashKeyRange({HashKey::Max(), HashKey::Max()}, HashKey::Max()).ok());
}

TEST(HashKeyRange, MergeOfAdjacentRangesWorksInEitherOrder) {
  const HashKeyRange low = Range("0", "9");
  const HashKeyRange high = Range("10", kMaxDecimal);
  EXPECT_EQ(MergeHashKeyRanges(low, high).value(), Range("0", kMaxDecimal));
  EXPECT_EQ(MergeHashKeyRanges(high, low).value(), Range("0", kMaxDecimal));
}

TEST(HashKeyRange, MergeOfRangesWithAGapOrAnOverlapIsRejected) {
  for (const auto& [a, b] : std::vector<std::pair<HashKeyRange, HashKeyRange>>{
           {Range("0", "9"), Range("11", "20")},   // gap
           {Range("0", "10"), Range("10", "20")},  // overlap
           {Range("0", "9"), Range("0", "9")},     // the same range
           {Range("5", kMaxDecimal), Range("0", "3")}}) {
    const absl::StatusOr<HashKeyRange> merged = MergeHashKeyRanges(a, b);
    ASSERT_FALSE(merged.ok()) << a << " " << b;
    EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(merged.status().message(), HasSubstr("are not adjacent"));
  }
}

TEST(HashKeyRange, MergeNextToTheTopOfTheSpaceDoesNotWrapAround) {
  // Max + 1 must not wrap to 0 and make [x, Max] look adjacent to [0, y].
  EXPECT_FALSE(MergeHashKeyRanges(Range("100", kMaxDecimal), Range("0", "50")).ok());
  EXPECT_FALSE(MergeHashKeyRanges({HashKey::Max(), HashKey::Max()}, Range("0", "0")).ok());
}

// --- Properties -----------------------------------------------------------------------------

rc::Gen<HashKey> AnyHashKey() {
  return rc::gen::map(rc::gen::pair(rc::gen::arbitrary<uint64_t>(), rc::gen::arbitrary<uint64_t>()),
                      [](const std::pair<uint64_t, uint64_t>& words) {
                        return HashKey::FromWords(words.first, words.second);
                      });
}

RC_GTEST_PROP(HashKeyProperty, ParseOfToStringIsTheSameKey, ()) {
  const HashKey key = *AnyHashKey();
  const absl::StatusOr<HashKey> parsed = HashKey::Parse(key.ToString());
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == key);
}

RC_GTEST_PROP(HashKeyProperty, SplitThenMergeGivesBackTheParentAndEveryKeyHasOneChild, ()) {
  HashKey a = *AnyHashKey();
  HashKey b = *AnyHashKey();
  if (b < a) std::swap(a, b);
  const HashKeyRange parent{a, b};
  const HashKey at =
      *rc::gen::oneOf(AnyHashKey(), rc::gen::just(HashKey::FromUint128(a.value() + 2)),
                      rc::gen::just(HashKey::FromUint128(b.value() - 1)));
  const absl::StatusOr<HashKeyRangeSplit> split = SplitHashKeyRange(parent, at);
  // Valid exactly when each child keeps at least two keys.
  const bool inside = at > a && at.value() - a.value() >= 2 && at < b;
  RC_ASSERT(split.ok() == inside);
  if (!split.ok()) return;
  RC_ASSERT(MergeHashKeyRanges(split->lower, split->upper).value() == parent);
  RC_ASSERT(MergeHashKeyRanges(split->upper, split->lower).value() == parent);
  const HashKey probe = *AnyHashKey();
  RC_ASSERT(parent.Contains(probe) ==
            (split->lower.Contains(probe) != split->upper.Contains(probe)));
  RC_ASSERT(!(split->lower.Contains(probe) && split->upper.Contains(probe)));
}

RC_GTEST_PROP(HashKeyProperty, EveryKeyLiesInExactlyOneShardOfAnEvenSplit, ()) {
  const int shard_count = *rc::gen::inRange(1, 200);
  const HashKey key =
      *rc::gen::oneOf(AnyHashKey(), rc::gen::just(HashKey::Max()), rc::gen::just(HashKey::Min()));
  int owners = 0;
  for (const HashKeyRange& range : EvenlySplitHashKeySpace(shard_count))
    owners += range.Contains(key);
  RC_ASSERT(owners == 1);
}

}  // namespace
}  // namespace shardsim::model
