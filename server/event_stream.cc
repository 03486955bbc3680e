#include "server/event_stream.h"

#include <zlib.h>

#include <utility>

#include "absl/status/status.h"
#include "sim/check.h"
#include "sim/strings.h"

namespace shardsim::server::event_stream {

namespace {

constexpr size_t kPreludeBytes = 12;

uint32_t Crc32(std::string_view bytes, uint32_t crc = 0) {
  return static_cast<uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void PutBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t BigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[static_cast<size_t>(i)]);
  return v;
}

// Width of a fixed-size value, or 0 for the length-prefixed types; -1 for an unknown type.
int FixedWidth(uint8_t type) {
  switch (static_cast<HeaderType>(type)) {
    case HeaderType::kTrue:
    case HeaderType::kFalse:
      return 0;
    case HeaderType::kByte:
      return 1;
    case HeaderType::kShort:
      return 2;
    case HeaderType::kInt:
      return 4;
    case HeaderType::kLong:
    case HeaderType::kTimestamp:
      return 8;
    case HeaderType::kUuid:
      return 16;
    case HeaderType::kBytes:
    case HeaderType::kString:
      return 0;
  }
  return -1;
}

void EncodeHeader(const Header& h, std::string& out) {
  SHARDSIM_CHECK(!h.name.empty() && h.name.size() <= 255,
                 "an event-stream header name of 1..255 bytes");
  out.push_back(static_cast<char>(h.name.size()));
  out.append(h.name);
  out.push_back(static_cast<char>(h.type));
  switch (h.type) {
    case HeaderType::kTrue:
    case HeaderType::kFalse:
      return;
    case HeaderType::kByte:
    case HeaderType::kShort:
    case HeaderType::kInt:
    case HeaderType::kLong:
    case HeaderType::kTimestamp:
      return PutBigEndian(out, static_cast<uint64_t>(h.number),
                          FixedWidth(static_cast<uint8_t>(h.type)));
    case HeaderType::kUuid:
      SHARDSIM_CHECK(h.bytes.size() == 16, "an event-stream UUID header of 16 bytes");
      out.append(h.bytes);
      return;
    case HeaderType::kBytes:
    case HeaderType::kString:
      SHARDSIM_CHECK(h.bytes.size() <= UINT16_MAX, "an event-stream header value below 64 KiB");
      PutBigEndian(out, h.bytes.size(), 2);
      out.append(h.bytes);
      return;
  }
  SHARDSIM_CHECK(false, "an event-stream header of an unknown type");
}

// Sign-extends the low `bytes` bytes of `v`.
int64_t Signed(uint64_t v, int bytes) {
  if (bytes == 8) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (8 * bytes - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

absl::StatusOr<std::vector<Header>> DecodeHeaders(std::string_view in) {
  std::vector<Header> headers;
  size_t at = 0;
  const auto need = [&](size_t n, std::string_view what) -> absl::Status {
    if (in.size() - at >= n) return absl::OkStatus();
    return absl::InvalidArgumentError(
        sim::Cat("event-stream header block ends inside ", what, " at byte ", at));
  };
  while (at < in.size()) {
    Header h;
    const size_t name_size = static_cast<uint8_t>(in[at++]);
    if (name_size == 0) return absl::InvalidArgumentError("event-stream header with an empty name");
    if (absl::Status s = need(name_size + 1, "a header name"); !s.ok()) return s;
    h.name.assign(in.substr(at, name_size));
    at += name_size;
    const uint8_t type = static_cast<uint8_t>(in[at++]);
    const int width = FixedWidth(type);
    if (width < 0) {
      return absl::InvalidArgumentError(
          sim::Cat("event-stream header '", h.name, "' has unknown type ", type));
    }
    h.type = static_cast<HeaderType>(type);
    if (h.type == HeaderType::kBytes || h.type == HeaderType::kString) {
      if (absl::Status s = need(2, "a value length"); !s.ok()) return s;
      const size_t size = BigEndian(in.substr(at), 2);
      at += 2;
      if (absl::Status s = need(size, "a header value"); !s.ok()) return s;
      h.bytes.assign(in.substr(at, size));
      at += size;
    } else if (h.type == HeaderType::kUuid) {
      if (absl::Status s = need(16, "a UUID"); !s.ok()) return s;
      h.bytes.assign(in.substr(at, 16));
      at += 16;
    } else if (width > 0) {
      if (absl::Status s = need(static_cast<size_t>(width), "a number"); !s.ok()) return s;
      h.number = Signed(BigEndian(in.substr(at), width), width);
      at += static_cast<size_t>(width);
    }
    headers.push_back(std::move(h));
  }
  return headers;
}

}  // namespace

std::optional<std::string_view> Message::StringHeader(std::string_view name) const {
  for (const Header& h : headers) {
    if (h.name == name && h.type == HeaderType::kString) return h.bytes;
  }
  return std::nullopt;
}

Header StringHeader(std::string name, std::string value) {
  return Header{std::move(name), HeaderType::kString, 0, std::move(value)};
}

std::string Encode(const Message& message) {
  std::string headers;
  for (const Header& h : message.headers) EncodeHeader(h, headers);
  SHARDSIM_CHECK(headers.size() <= kMaxHeadersBytes, "event-stream headers within 128 KiB");
  SHARDSIM_CHECK(message.payload.size() <= kMaxPayloadBytes,
                 "an event-stream payload within 16 MiB");
  const size_t total = kOverheadBytes + headers.size() + message.payload.size();
  std::string out;
  out.reserve(total);
  PutBigEndian(out, total, 4);
  PutBigEndian(out, headers.size(), 4);
  PutBigEndian(out, Crc32(out), 4);
  out.append(headers);
  out.append(message.payload);
  PutBigEndian(out, Crc32(out), 4);
  return out;
}

absl::StatusOr<Message> DecodeNext(std::string_view& buffer) {
  if (buffer.size() < kPreludeBytes) {
    return absl::OutOfRangeError("event-stream message incomplete: no whole prelude yet");
  }
  const uint64_t total = BigEndian(buffer, 4);
  const uint64_t headers_size = BigEndian(buffer.substr(4), 4);
  const uint32_t prelude_crc = static_cast<uint32_t>(BigEndian(buffer.substr(8), 4));
  if (const uint32_t crc = Crc32(buffer.substr(0, 8)); crc != prelude_crc) {
    return absl::InvalidArgumentError(
        sim::Cat("event-stream prelude CRC mismatch: carried ", prelude_crc, ", computed ", crc));
  }
  if (headers_size > kMaxHeadersBytes) {
    return absl::InvalidArgumentError(
        sim::Cat("event-stream headers length ", headers_size, " exceeds ", kMaxHeadersBytes));
  }
  if (total < kOverheadBytes + headers_size ||
      total - kOverheadBytes - headers_size > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(sim::Cat("event-stream total length ", total,
                                               " does not fit headers length ", headers_size,
                                               " and a payload of at most ", kMaxPayloadBytes));
  }
  if (buffer.size() < total) {
    return absl::OutOfRangeError(
        sim::Cat("event-stream message incomplete: ", buffer.size(), " of ", total, " bytes"));
  }
  const std::string_view whole = buffer.substr(0, total);
  const uint32_t message_crc = static_cast<uint32_t>(BigEndian(whole.substr(total - 4), 4));
  if (const uint32_t crc = Crc32(whole.substr(0, total - 4)); crc != message_crc) {
    return absl::InvalidArgumentError(
        sim::Cat("event-stream message CRC mismatch: carried ", message_crc, ", computed ", crc));
  }
  absl::StatusOr<std::vector<Header>> headers =
      DecodeHeaders(whole.substr(kPreludeBytes, headers_size));
  if (!headers.ok()) return headers.status();
  Message message{*std::move(headers),
                  std::string(whole.substr(kPreludeBytes + headers_size,
                                           total - kOverheadBytes - headers_size))};
  buffer.remove_prefix(total);
  return message;
}

absl::StatusOr<Message> Decode(std::string_view bytes) {
  std::string_view rest = bytes;
  absl::StatusOr<Message> message = DecodeNext(rest);
  if (absl::IsOutOfRange(message.status())) {
    return absl::InvalidArgumentError(message.status().message());
  }
  if (message.ok() && !rest.empty()) {
    return absl::InvalidArgumentError(
        sim::Cat("event-stream message followed by ", rest.size(), " more bytes"));
  }
  return message;
}

std::string EncodeEvent(std::string_view event_type, std::string_view content_type,
                        std::string payload) {
  return Encode(Message{{StringHeader(":event-type", std::string(event_type)),
                         StringHeader(":content-type", std::string(content_type)),
                         StringHeader(":message-type", "event")},
                        std::move(payload)});
}

std::string EncodeException(std::string_view exception_type, std::string_view content_type,
                            std::string payload) {
  return Encode(Message{{StringHeader(":exception-type", std::string(exception_type)),
                         StringHeader(":content-type", std::string(content_type)),
                         StringHeader(":message-type", "exception")},
                        std::move(payload)});
}

}  // namespace shardsim::server::event_stream
