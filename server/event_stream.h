// The AWS event-stream encoding (`application/vnd.amazon.eventstream`): the binary frames in
// which SubscribeToShard's events travel (botocore's eventstream.py, aws-c-event-stream).
//
// One message is: total length (u32 BE, the whole message), headers length (u32 BE), the
// CRC32 of those 8 bytes, the headers, the payload, and the CRC32 of everything before it; so
// 16 bytes of overhead. A header is its name (u8 length, 1..255 bytes), a type byte and a value
// of that type: 0 true, 1 false (no value), 2 byte, 3 i16, 4 i32, 5 i64 (BE), 6 byte array and
// 7 string (u16 length, then the bytes), 8 timestamp (i64 BE epoch milliseconds), 9 UUID (16
// bytes). CRC32 is zlib's (the gzip polynomial).
//
// Encode(Decode(x)) == x for every x that Decode accepts: header order, types and repeats are
// kept. Decode never crashes on bad input; it reports what is wrong as InvalidArgument (or
// OutOfRange for a frame not complete yet, from DecodeNext) and never reads past its input.
#ifndef SHARDSIM_SERVER_EVENT_STREAM_H_
#define SHARDSIM_SERVER_EVENT_STREAM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace shardsim::server::event_stream {

enum class HeaderType : uint8_t {
  kTrue = 0,
  kFalse = 1,
  kByte = 2,
  kShort = 3,
  kInt = 4,
  kLong = 5,
  kBytes = 6,
  kString = 7,
  kTimestamp = 8,
  kUuid = 9,
};

struct Header {
  std::string name;
  HeaderType type = HeaderType::kString;
  int64_t number = 0;  // kByte .. kLong and kTimestamp (milliseconds)
  std::string bytes;   // kBytes, kString, kUuid (16 bytes)
  friend bool operator==(const Header&, const Header&) = default;
};

struct Message {
  std::vector<Header> headers;
  std::string payload;

  // The value of the first string header `name`, if any.
  std::optional<std::string_view> StringHeader(std::string_view name) const;
  friend bool operator==(const Message&, const Message&) = default;
};

// botocore's limits: a header block of at most 128 KiB, a payload of at most 16 MiB.
inline constexpr uint32_t kMaxHeadersBytes = 128 * 1024;
inline constexpr uint32_t kMaxPayloadBytes = 16 * 1024 * 1024;
inline constexpr uint32_t kOverheadBytes = 16;

Header StringHeader(std::string name, std::string value);

// REQUIRES: names of 1..255 bytes, string and byte-array values below 64 KiB, UUIDs of 16
// bytes, headers and payload within the limits above (checked: a violation stops the process).
std::string Encode(const Message& message);

// Exactly one message, the whole of `bytes`.
absl::StatusOr<Message> Decode(std::string_view bytes);
// The first message of `buffer`, which is then consumed; OutOfRange (buffer untouched) when
// the buffer does not hold a whole message yet.
absl::StatusOr<Message> DecodeNext(std::string_view& buffer);

// The messages SubscribeToShard sends (wire-protocol.md): an event of `event_type` with a
// payload of `content_type`, and an exception.
std::string EncodeEvent(std::string_view event_type, std::string_view content_type,
                        std::string payload);
std::string EncodeException(std::string_view exception_type, std::string_view content_type,
                            std::string payload);

}  // namespace shardsim::server::event_stream

#endif  // SHARDSIM_SERVER_EVENT_STREAM_H_
