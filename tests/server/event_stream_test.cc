// The event-stream encoding (server/event_stream.h): known-good vectors from the AWS SDKs'
// test suites (aws-c-event-stream's "empty message" and "one string header"), round trips,
// and every way a frame can be wrong reported as an error.
#include "server/event_stream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "absl/strings/escaping.h"

namespace shardsim::server::event_stream {
namespace {

std::string Hex(const std::string& hex) { return absl::HexStringToBytes(hex); }

// The CRC32 of `bytes`, big-endian, as a frame carries it.
std::string Crcs(std::string_view bytes) {
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  return {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16), static_cast<char>(crc >> 8),
          static_cast<char>(crc)};
}

// 16 bytes: total 16, no headers, prelude CRC 0x05c248eb, message CRC 0x7d98c8ff.
const char kEmptyMessage[] = "000000100000000005c248eb7d98c8ff";
// content-type: application/json (a string header), payload {'foo':'bar'}.
const char kOneStringHeader[] =
    "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b"
    "27666f6f273a27626172277d8d9c08b1";

TEST(EventStreamTest, DecodesTheSdkTestVectors) {
  const absl::StatusOr<Message> empty = Decode(Hex(kEmptyMessage));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->headers.empty());
  EXPECT_EQ(empty->payload, "");

  const absl::StatusOr<Message> one = Decode(Hex(kOneStringHeader));
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->headers.size(), 1u);
  EXPECT_EQ(one->headers[0].name, "content-type");
  EXPECT_EQ(one->headers[0].type, HeaderType::kString);
  EXPECT_EQ(one->StringHeader("content-type"), "application/json");
  EXPECT_EQ(one->payload, "{'foo':'bar'}");
}

TEST(EventStreamTest, EncodesTheSdkTestVectorsByteForByte) {
  EXPECT_EQ(absl::BytesToHexString(Encode(Message{})), kEmptyMessage);
  EXPECT_EQ(absl::BytesToHexString(Encode(
                Message{{StringHeader("content-type", "application/json")}, "{'foo':'bar'}"})),
            kOneStringHeader);
}

TEST(EventStreamTest, EveryHeaderTypeRoundTrips) {
  Message m;
  m.headers = {{"t", HeaderType::kTrue, 0, ""},
               {"f", HeaderType::kFalse, 0, ""},
               {"b", HeaderType::kByte, -7, ""},
               {"s", HeaderType::kShort, -300, ""},
               {"i", HeaderType::kInt, -70000, ""},
               {"l", HeaderType::kLong, INT64_MIN, ""},
               {"bytes", HeaderType::kBytes, 0, std::string("\0\1\2", 3)},
               {":event-type", HeaderType::kString, 0, "SubscribeToShardEvent"},
               {"ts", HeaderType::kTimestamp, 1680678372000, ""},
               {"u", HeaderType::kUuid, 0, std::string(16, 'x')},
               {"t", HeaderType::kTrue, 0, ""}};  // a repeat is kept
  m.payload = std::string("{\"Records\":[]}\0", 15);
  const std::string bytes = Encode(m);
  const absl::StatusOr<Message> back = Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, m);
  EXPECT_EQ(Encode(*back), bytes);
}

TEST(EventStreamTest, DecodeNextTakesOneFrameAtATimeAndWaitsForAWholeOne) {
  const std::string a = EncodeEvent("initial-response", "application/x-amz-json-1.1", "{}");
  const std::string b = EncodeException("ResourceInUseException", "application/x-amz-json-1.1",
                                        "{\"message\":\"taken over\"}");
  const std::string both = a + b;
  std::string_view rest(both.data(), a.size() + 5);  // a and the start of b
  absl::StatusOr<Message> first = DecodeNext(rest);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->StringHeader(":event-type"), "initial-response");
  EXPECT_EQ(first->StringHeader(":message-type"), "event");
  EXPECT_EQ(rest.size(), 5u);
  EXPECT_TRUE(absl::IsOutOfRange(DecodeNext(rest).status()));
  EXPECT_EQ(rest.size(), 5u);
  rest = std::string_view(both).substr(a.size());
  absl::StatusOr<Message> second = DecodeNext(rest);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->StringHeader(":message-type"), "exception");
  EXPECT_EQ(second->StringHeader(":exception-type"), "ResourceInUseException");
  EXPECT_TRUE(rest.empty());
}

TEST(EventStreamTest, BadFramesAreErrorsNotCrashes) {
  const std::string good = Hex(kOneStringHeader);
  std::string bad_prelude_crc = good;
  bad_prelude_crc[9] ^= 1;
  EXPECT_NE(Decode(bad_prelude_crc).status().message().find("prelude CRC"), std::string::npos);
  std::string bad_message_crc = good;
  bad_message_crc[30] ^= 1;  // a payload byte
  EXPECT_NE(Decode(bad_message_crc).status().message().find("message CRC"), std::string::npos);
  EXPECT_FALSE(Decode(good.substr(0, 20)).ok());  // truncated
  EXPECT_FALSE(Decode(good + "x").ok());          // trailing bytes
  EXPECT_FALSE(Decode("").ok());
  // A headers length beyond the total, with both CRCs right: only the lengths are wrong.
  std::string lying = Hex("0000001000000020");
  lying += Crcs(lying);
  lying += Crcs(lying);
  EXPECT_NE(Decode(lying).status().message().find("does not fit"), std::string::npos);
  // An unknown header type inside a frame whose CRCs are right.
  std::string unknown = Encode(Message{{StringHeader("a", "b")}, ""});
  unknown[12 + 2] = 42;  // the type byte of header "a"
  unknown = unknown.substr(0, unknown.size() - 4);
  unknown += Crcs(unknown);
  EXPECT_NE(Decode(unknown).status().message().find("unknown type 42"), std::string::npos);
  // A header whose string length runs past the header block.
  std::string overrun = Encode(Message{{StringHeader("a", "b")}, "payload"});
  overrun[12 + 4] = 0x10;  // the value's length: 0x0010 -> past the headers
  overrun = overrun.substr(0, overrun.size() - 4);
  overrun += Crcs(overrun);
  EXPECT_FALSE(Decode(overrun).ok());
}

}  // namespace
}  // namespace shardsim::server::event_stream
