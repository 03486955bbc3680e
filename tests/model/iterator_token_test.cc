// The iterator token codec on its own: what goes in comes out, and only the one spelling.
#include "model/internal/iterator_token.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "sim/check.h"
#include "sim/hash.h"

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

TEST(IteratorToken, IsTheStandardBase64OfItsBytesForNamesOfEveryLengthModuloThree) {
  // Names of every remainder: the filler makes the stream's part whole groups of three.
  for (size_t length = 1; length <= 9; ++length) {
    const std::string text = EncodeIteratorToken(Sample(std::string(length, 'q')));
    std::string raw;
    ASSERT_TRUE(absl::Base64Unescape(text, &raw));
    EXPECT_EQ(text, absl::Base64Escape(raw)) << length;
  }
}

TEST(IteratorToken, RejectsEveryOtherSpellingOfTheSameBytes) {
  const std::string text = EncodeIteratorToken(Sample());
  ASSERT_NE(text.back(), '=');  // both parts are whole groups of three bytes: never padded
  EXPECT_FALSE(DecodeIteratorToken(text + "=").has_value());
  EXPECT_FALSE(DecodeIteratorToken(text + "==").has_value());
  EXPECT_FALSE(DecodeIteratorToken(text + "====").has_value());
  EXPECT_FALSE(DecodeIteratorToken(text + "\n").has_value());
  EXPECT_FALSE(DecodeIteratorToken(text.substr(0, 8) + " " + text.substr(8)).has_value());
}

TEST(IteratorToken, RejectsAChangedByteAndGarbage) {
  std::string text = EncodeIteratorToken(Sample());
  text[20] = text[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodeIteratorToken(text).has_value());
  EXPECT_FALSE(DecodeIteratorToken("").has_value());
  EXPECT_FALSE(DecodeIteratorToken("not a token").has_value());
  EXPECT_FALSE(DecodeIteratorToken(std::string(5'000, 'A')).has_value());
}

// The token's bytes, and the canonical text of other bytes.
std::string Raw(const std::string& text) {
  std::string raw;
  SHARDSIM_CHECK(absl::Base64Unescape(text, &raw), "a token is base64");
  return raw;
}
std::string Text(const std::string& raw) { return absl::Base64Escape(raw); }

TEST(IteratorToken, RejectsEveryByteTamperedWithEvenWhenSpelledCanonically) {
  const std::string raw = Raw(EncodeIteratorToken(Sample()));
  ASSERT_TRUE(DecodeIteratorToken(Text(raw)).has_value());
  for (size_t i = 0; i < raw.size(); ++i) {
    for (const uint8_t flip : {0x01, 0x80}) {
      std::string tampered = raw;
      tampered[i] = static_cast<char>(tampered[i] ^ flip);
      EXPECT_FALSE(DecodeIteratorToken(Text(tampered)).has_value()) << "byte " << i;
    }
  }
}

TEST(IteratorToken, RejectsEveryTruncationOfTheTextAndOfTheBytes) {
  const std::string text = EncodeIteratorToken(Sample());
  for (size_t n = 0; n < text.size(); ++n) {
    EXPECT_FALSE(DecodeIteratorToken(text.substr(0, n)).has_value()) << n << " characters";
  }
  const std::string raw = Raw(text);
  for (size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(DecodeIteratorToken(Text(raw.substr(0, n))).has_value()) << n << " bytes";
  }
  EXPECT_FALSE(DecodeIteratorToken(Text(raw + '\0')).has_value());  // a byte too many
}

TEST(IteratorToken, NamesItsOwnStreamAndNoOther) {
  // A token of one stream is not a token of another with a name of the same length: the name
  // is under the checksum. (The model then refuses it on another stream: kinesis_model_test.)
  const std::string orders = EncodeIteratorToken(Sample("orders"));
  const std::string events = EncodeIteratorToken(Sample("events"));
  EXPECT_NE(orders, events);
  EXPECT_EQ(DecodeIteratorToken(orders)->stream, "orders");
  std::string swapped = Raw(orders);
  const size_t at = swapped.find("orders");
  ASSERT_NE(at, std::string::npos);
  swapped.replace(at, 6, "events");
  EXPECT_FALSE(DecodeIteratorToken(Text(swapped)).has_value());
}

TEST(IteratorToken, EncodesAStreamNameLongerThanAnyTokenHoldsButNeverDecodesIt) {
  // Found by the iterator_token fuzzer after the encoder moved to a stack buffer: a name past
  // 128 bytes (no stream has one) still encodes, on the heap, and decodes to nothing.
  for (const size_t length : {128u, 129u, 3000u}) {
    const std::string name(length, 'n');
    const std::string text = EncodeIteratorToken(Sample(name));
    // The stream's part (10 bytes and the name, to whole groups of three), the iterator's 39.
    EXPECT_EQ(Raw(text).size(), (10 + length + 2) / 3 * 3 + 39);
    EXPECT_EQ(DecodeIteratorToken(text).has_value(), length <= 128) << length;
  }
}

TEST(IteratorToken, KeepsTheIssueTimeToTheMicrosecondForExpiry) {
  // Expiry is the model's decision (an issue time older than the iterator lifetime); the codec
  // must hand back the exact issue time, from the epoch to the largest instant.
  for (const int64_t us : {int64_t{0}, int64_t{1}, int64_t{1'700'000'000'123'457},
                           std::numeric_limits<int64_t>::max()}) {
    IteratorToken token = Sample();
    token.issued = sim::Instant::FromUnixMicros(us);
    const std::optional<IteratorToken> back = DecodeIteratorToken(EncodeIteratorToken(token));
    ASSERT_TRUE(back.has_value()) << us;
    EXPECT_EQ(back->issued, token.issued);
  }
}

// `raw` with its checksum made right again (the layout in iterator_token.h), so that only the
// bytes a test changed are wrong.
std::string Resealed(std::string raw) {
  const size_t stream_part = (10 + static_cast<uint8_t>(raw[9]) + 2) / 3 * 3;
  SHARDSIM_CHECK(raw.size() == stream_part + 39, "a version-2 token's bytes");
  const uint64_t sum = sim::HashBytes(std::string_view(raw).substr(stream_part, 31),
                                      sim::HashBytes(std::string_view(raw).substr(0, stream_part)));
  for (int i = 0; i < 8; ++i) raw[stream_part + 31 + i] = static_cast<char>(sum >> (8 * (7 - i)));
  return raw;
}

TEST(IteratorToken, ResealingAnUnchangedTokenGivesItBack) {
  // The helper below is right, so the refusals it leads to are the codec's checks.
  const std::string raw = Raw(EncodeIteratorToken(Sample()));
  EXPECT_EQ(Resealed(raw), raw);
  ASSERT_TRUE(DecodeIteratorToken(Text(Resealed(raw))).has_value());
}

TEST(IteratorToken, RejectsAnUnknownVersionFlagOrNonZeroFiller) {
  const std::string raw = Raw(EncodeIteratorToken(Sample("orders")));
  // "orders": the stream part is 10 + 6 bytes and 2 of filler (16, 17); the iterator part
  // starts at 18 with the flags, then two zero bytes.
  ASSERT_EQ(raw.size(), 18u + 39u);
  for (const size_t at : {size_t{8}, size_t{16}, size_t{17}, size_t{18}, size_t{19}, size_t{20}}) {
    std::string changed = raw;
    changed[at] = 7;
    EXPECT_FALSE(DecodeIteratorToken(Text(Resealed(changed))).has_value()) << "byte " << at;
  }
}

TEST(IteratorTokenMemo, AnswersAsTheCodecDoesForRecentAndOlderTokens) {
  IteratorTokenMemo memo;
  std::vector<std::string> texts;
  for (uint64_t i = 0; i < 40; ++i) {
    IteratorToken token = Sample();
    token.position.ordinal = i;
    texts.push_back(memo.Encode(token, ShardIdFor(token.shard_index)));
    EXPECT_EQ(texts.back(), EncodeIteratorToken(token));
  }
  for (uint64_t i = 0; i < 40; ++i) {  // the first eight have left the memo (of 32) by now
    const DecodedToken* got = memo.Decode(texts[i]);
    ASSERT_NE(got, nullptr) << i;
    EXPECT_EQ(got->token.position.ordinal, i);
    EXPECT_EQ(got->shard_id, "shardId-000000000003");
  }
  EXPECT_EQ(memo.Decode("garbage"), nullptr);
  EXPECT_EQ(memo.Decode("garbage"), nullptr);  // a remembered failure stays a failure
}

TEST(IteratorTokenMemo, GivesTheShardIdOfADecodedTokenAsOfAnEncodedOne) {
  IteratorTokenMemo issuer;
  IteratorTokenMemo reader;  // has never seen the token: decodes it
  IteratorToken token = Sample();
  token.shard_index = 12;
  const std::string text = issuer.Encode(token, "shardId-000000000012");
  ASSERT_NE(reader.Decode(text), nullptr);
  EXPECT_EQ(reader.Decode(text)->shard_id, issuer.Decode(text)->shard_id);
  EXPECT_EQ(reader.Decode(text)->shard_id, "shardId-000000000012");
}

TEST(IteratorTokenMemo, AnswersForTokensOfEachStreamItIssuedFor) {
  // The memo keeps the text of one stream's part at a time; tokens issued for another stream
  // before it are still answered (decoded again), and a token is matched as a whole.
  IteratorTokenMemo memo;
  const std::string orders = memo.Encode(Sample("orders"), "shardId-000000000003");
  const std::string events = memo.Encode(Sample("events"), "shardId-000000000003");
  EXPECT_EQ(orders, EncodeIteratorToken(Sample("orders")));
  EXPECT_EQ(events, EncodeIteratorToken(Sample("events")));
  ASSERT_NE(memo.Decode(orders), nullptr);
  EXPECT_EQ(memo.Decode(orders)->token.stream, "orders");
  ASSERT_NE(memo.Decode(events), nullptr);
  EXPECT_EQ(memo.Decode(events)->token.stream, "events");
  // The iterator part of an issued token after the other stream's part: no token.
  const size_t iterator_at = events.size() - IteratorTokenMemo::kIteratorChars;
  ASSERT_EQ(orders.size(), events.size());
  const std::string spliced = orders.substr(0, iterator_at) + events.substr(iterator_at);
  EXPECT_EQ(memo.Decode(spliced), nullptr);
  EXPECT_FALSE(DecodeIteratorToken(spliced).has_value());
}

}  // namespace
}  // namespace shardsim::model::internal
