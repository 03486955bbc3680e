// The iterator token codec on its own: what goes in comes out, and only the one spelling.
#include "model/internal/iterator_token.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shardsim::model::internal {
namespace {

IteratorToken Sample(std::string stream = "orders") {
  return IteratorToken{std::move(stream), 3, Position{17, 4'242},
                       sim::Instant::FromUnixMicros(1'700'000'000'123'456), false};
}

void ExpectSame(const IteratorToken& got, const IteratorToken& want) {
  EXPECT_EQ(got.stream, want.stream);
  EXPECT_EQ(got.shard_index, want.shard_index);
  EXPECT_EQ(got.position, want.position);
  EXPECT_EQ(got.issued, want.issued);
  EXPECT_EQ(got.stuck, want.stuck);
}

TEST(IteratorToken, DecodesToWhatWasEncodedAndStartsAsRealTokensDo) {
  const std::vector<std::string> streams = {"a", "ab", "abc", "orders", std::string(128, 'x')};
  for (const std::string& stream : streams) {
    IteratorToken token = Sample(stream);
    token.stuck = stream.size() % 2 == 0;
    const std::string text = EncodeIteratorToken(token);
    EXPECT_TRUE(text.starts_with("AAAAAAAAAAE")) << text;
    const std::optional<IteratorToken> back = DecodeIteratorToken(text);
    ASSERT_TRUE(back.has_value()) << stream;
    ExpectSame(*back, token);
  }
}

TEST(IteratorToken, RejectsEveryOtherSpellingOfTheSameBytes) {
  const std::string text = EncodeIteratorToken(Sample());
  ASSERT_EQ(text.substr(text.size() - 2), "==");
  EXPECT_FALSE(DecodeIteratorToken(text.substr(0, text.size() - 2)).has_value());  // unpadded
  EXPECT_FALSE(DecodeIteratorToken(text + "\n").has_value());
  EXPECT_FALSE(DecodeIteratorToken(text.substr(0, 8) + " " + text.substr(8)).has_value());
  std::string padding_bit = text;
  padding_bit[padding_bit.size() - 3] += 1;  // a padding bit, which decoders ignore
  EXPECT_FALSE(DecodeIteratorToken(padding_bit).has_value());
}

TEST(IteratorToken, RejectsAChangedByteAndGarbage) {
  std::string text = EncodeIteratorToken(Sample());
  text[20] = text[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodeIteratorToken(text).has_value());
  EXPECT_FALSE(DecodeIteratorToken("").has_value());
  EXPECT_FALSE(DecodeIteratorToken("not a token").has_value());
  EXPECT_FALSE(DecodeIteratorToken(std::string(5'000, 'A')).has_value());
}

TEST(IteratorTokenMemo, AnswersAsTheCodecDoesForRecentAndOlderTokens) {
  IteratorTokenMemo memo;
  std::vector<std::string> texts;
  for (uint64_t i = 0; i < 20; ++i) {
    IteratorToken token = Sample();
    token.position.ordinal = i;
    texts.push_back(memo.Encode(token));
    EXPECT_EQ(texts.back(), EncodeIteratorToken(token));
  }
  for (uint64_t i = 0; i < 20; ++i) {  // the first twelve have left the memo by now
    const std::optional<IteratorToken> got = memo.Decode(texts[i]);
    ASSERT_TRUE(got.has_value()) << i;
    EXPECT_EQ(got->position.ordinal, i);
  }
  EXPECT_FALSE(memo.Decode("garbage").has_value());
  EXPECT_FALSE(memo.Decode("garbage").has_value());  // a remembered failure stays a failure
}

}  // namespace
}  // namespace shardsim::model::internal
