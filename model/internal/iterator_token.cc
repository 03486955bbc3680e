#include "model/internal/iterator_token.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/escaping.h"
#include "sim/check.h"
#include "sim/hash.h"
#include "sim/strings.h"

namespace shardsim::model::internal {

namespace {

constexpr uint64_t kMagic = 1;
constexpr uint8_t kVersion = 2;
constexpr size_t kMaxTokenChars = 4096;
constexpr size_t kMaxStreamNameBytes = 128;
constexpr size_t kStreamHeadBytes = 8 + 1 + 1;  // magic, version, name length
// Flags, two zero bytes, shard index, bucket, ordinal, issue time; then the checksum.
constexpr size_t kCheckedIteratorBytes = 1 + 2 + 4 + 3 * 8;
constexpr size_t kIteratorBytes = kCheckedIteratorBytes + 8;
static_assert(kIteratorBytes % 3 == 0 &&
              kIteratorBytes / 3 * 4 == IteratorTokenMemo::kIteratorChars);

// The stream part's size for a name of `name_bytes`: whole groups of three.
size_t StreamPartBytes(size_t name_bytes) { return (kStreamHeadBytes + name_bytes + 2) / 3 * 3; }

void PutU64(char* at, uint64_t v) {  // big-endian, as one store
  const uint64_t big = __builtin_bswap64(v);
  std::memcpy(at, &big, sizeof big);
}

uint64_t GetU64(const char* at) {
  uint64_t big;
  std::memcpy(&big, at, sizeof big);
  return __builtin_bswap64(big);
}

// The stream part of `stream`'s tokens.
std::string StreamPart(std::string_view stream) {
  std::string raw(StreamPartBytes(stream.size()), '\0');
  PutU64(raw.data(), kMagic);
  raw[8] = static_cast<char>(kVersion);
  raw[9] = static_cast<char>(std::min<size_t>(stream.size(), 255));
  stream.copy(raw.data() + kStreamHeadBytes, stream.size());
  return raw;
}

// The iterator part of `token` into `raw` (kIteratorBytes), its checksum seeded with the hash
// of the stream part.
void WriteIteratorPart(const IteratorToken& token, uint64_t stream_part_hash, char* raw) {
  raw[0] = static_cast<char>(token.stuck ? 1 : 0);
  raw[1] = 0;
  raw[2] = 0;
  const uint32_t shard = __builtin_bswap32(token.shard_index);
  std::memcpy(raw + 3, &shard, sizeof shard);
  PutU64(raw + 7, token.position.bucket);
  PutU64(raw + 15, token.position.ordinal);
  PutU64(raw + 23, static_cast<uint64_t>(token.issued.unix_micros()));
  PutU64(raw + kCheckedIteratorBytes,
         sim::HashBytes(std::string_view(raw, kCheckedIteratorBytes), stream_part_hash));
}

// The value of a standard base64 digit, or -1.
int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// True when `text` is exactly what Base64Escape gives for `raw` bytes it decoded to: absl's
// decoder also accepts missing padding, whitespace and non-zero padding bits, and the token
// has one spelling. Checked on the text (length, alphabet, padding, zero padding bits) rather
// than by encoding `raw` again.
bool IsCanonicalBase64Of(std::string_view text, size_t raw_size) {
  if (text.size() != (raw_size + 2) / 3 * 4) return false;
  const size_t padding = (3 - raw_size % 3) % 3;
  const size_t digits = text.size() - padding;
  for (size_t i = digits; i < text.size(); ++i) {
    if (text[i] != '=') return false;
  }
  for (size_t i = 0; i < digits; ++i) {
    if (Base64Digit(text[i]) < 0) return false;
  }
  // The last digit carries 2 (one byte left) or 4 (two bytes left) bits that must be zero.
  if (padding == 0 || digits == 0) return true;
  const int unused_bits_mask = padding == 2 ? 0x0f : 0x03;
  return (Base64Digit(text[digits - 1]) & unused_bits_mask) == 0;
}

std::optional<std::string> DecodeCanonicalBase64(std::string_view text) {
  std::string raw;
  if (!absl::Base64Unescape(sim::ToAbsl(text), &raw)) return std::nullopt;
  if (!IsCanonicalBase64Of(text, raw.size())) return std::nullopt;
  return raw;
}

constexpr char kBase64Digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The two digits of every 12 bits, so that a 3-byte group is two loads and two stores.
constexpr std::array<char, 2 * 4096> kBase64DigitPairs = [] {
  std::array<char, 2 * 4096> pairs{};
  for (size_t i = 0; i < 4096; ++i) {
    pairs[2 * i] = kBase64Digits[i >> 6];
    pairs[2 * i + 1] = kBase64Digits[i & 63];
  }
  return pairs;
}();

// Standard base64 of `raw`, whole groups of three bytes as both parts of a token are, at `out`
// (raw.size() / 3 * 4 characters, never padded): what absl::Base64Escape gives, by hand because
// that was 7% of a polling run (one token per GetRecords).
void Base64Into(std::string_view raw, char* out) {
  SHARDSIM_CHECK(raw.size() % 3 == 0, "a token part of whole groups of three bytes");
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(raw[i])); };
  size_t i = 0;
  // Six bytes (eight digits) from one 8-byte load while a whole load fits. Measured: about 120
  // instructions fewer per token than three bytes at a time.
  for (; i + 8 <= raw.size(); i += 6) {
    uint64_t word;
    std::memcpy(&word, raw.data() + i, sizeof word);
    const uint64_t v = __builtin_bswap64(word) >> 16;  // bytes i..i+5, big-endian
    std::memcpy(out, &kBase64DigitPairs[2 * ((v >> 36) & 0xfff)], 2);
    std::memcpy(out + 2, &kBase64DigitPairs[2 * ((v >> 24) & 0xfff)], 2);
    std::memcpy(out + 4, &kBase64DigitPairs[2 * ((v >> 12) & 0xfff)], 2);
    std::memcpy(out + 6, &kBase64DigitPairs[2 * (v & 0xfff)], 2);
    out += 8;
  }
  for (; i + 3 <= raw.size(); i += 3) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    std::memcpy(out, &kBase64DigitPairs[2 * (v >> 12)], 2);
    std::memcpy(out + 2, &kBase64DigitPairs[2 * (v & 0xfff)], 2);
    out += 4;
  }
}

// The token `raw` holds, or nullopt.
std::optional<IteratorToken> ParseFields(std::string_view raw) {
  if (raw.size() < kStreamHeadBytes + kIteratorBytes) return std::nullopt;
  const auto version = static_cast<uint8_t>(raw[8]);
  const auto name_bytes = static_cast<uint8_t>(raw[9]);
  if (GetU64(raw.data()) != kMagic || version != kVersion || name_bytes > kMaxStreamNameBytes) {
    return std::nullopt;
  }
  const size_t stream_part_bytes = StreamPartBytes(name_bytes);
  if (raw.size() != stream_part_bytes + kIteratorBytes) return std::nullopt;
  for (size_t i = kStreamHeadBytes + name_bytes; i < stream_part_bytes; ++i) {
    if (raw[i] != 0) return std::nullopt;
  }
  const char* it = raw.data() + stream_part_bytes;
  const auto flags = static_cast<uint8_t>(it[0]);
  if (flags > 1 || it[1] != 0 || it[2] != 0) return std::nullopt;
  const uint64_t stream_part_hash = sim::HashBytes(raw.substr(0, stream_part_bytes));
  if (GetU64(it + kCheckedIteratorBytes) !=
      sim::HashBytes(std::string_view(it, kCheckedIteratorBytes), stream_part_hash)) {
    return std::nullopt;
  }
  uint32_t shard;
  std::memcpy(&shard, it + 3, sizeof shard);
  return IteratorToken{std::string(raw.substr(kStreamHeadBytes, name_bytes)),
                       __builtin_bswap32(shard), Position{GetU64(it + 7), GetU64(it + 15)},
                       Instant::FromUnixMicros(static_cast<int64_t>(GetU64(it + 23))), flags == 1};
}

}  // namespace

std::string EncodeIteratorToken(const IteratorToken& token) {
  std::string text;
  EncodeIteratorTokenInto(token, text);
  return text;
}

void EncodeIteratorTokenInto(const IteratorToken& token, std::string& text) {
  const std::string stream_part = StreamPart(token.stream);
  char iterator_part[kIteratorBytes];
  WriteIteratorPart(token, sim::HashBytes(stream_part), iterator_part);
  const size_t stream_chars = stream_part.size() / 3 * 4;
  text.resize(stream_chars + IteratorTokenMemo::kIteratorChars);
  Base64Into(stream_part, text.data());
  Base64Into(std::string_view(iterator_part, kIteratorBytes), text.data() + stream_chars);
}

std::optional<IteratorToken> DecodeIteratorToken(std::string_view text) {
  if (text.size() > kMaxTokenChars) return std::nullopt;
  const std::optional<std::string> raw = DecodeCanonicalBase64(text);
  if (!raw.has_value()) return std::nullopt;
  return ParseFields(*raw);
}

namespace {

// Tokens share their first dozens of characters and differ near the end (the position, the
// issue time and the checksum), so the last eight bytes tell most of them apart.
uint64_t TailOf(std::string_view text) {
  uint64_t tail = 0;
  const size_t n = std::min<size_t>(text.size(), sizeof tail);
  if (n > 0) std::memcpy(&tail, text.data() + text.size() - n, n);
  return tail;
}

}  // namespace

std::string IteratorTokenMemo::Encode(const IteratorToken& token, std::string_view shard_id) {
  std::string text;
  EncodeInto(token, shard_id, text);
  return text;
}

void IteratorTokenMemo::EncodeInto(const IteratorToken& token, std::string_view shard_id,
                                   std::string& out) {
  if (stream_part_text_.empty() || token.stream != stream_) {
    const std::string stream_part = StreamPart(token.stream);
    stream_part_text_.resize(stream_part.size() / 3 * 4);
    Base64Into(stream_part, stream_part_text_.data());
    stream_part_hash_ = sim::HashBytes(stream_part);
    stream_ = token.stream;
    ++generation_;
  }
  // Into the oldest entry in place, so its strings' capacity is reused.
  Entry& e = entries_[next_++ % entries_.size()];
  char iterator_part[kIteratorBytes];
  WriteIteratorPart(token, stream_part_hash_, iterator_part);
  Base64Into(std::string_view(iterator_part, kIteratorBytes), e.iterator_text.data());
  e.issued = true;
  e.generation = generation_;
  e.size = stream_part_text_.size() + kIteratorChars;
  e.tail = TailOf(std::string_view(e.iterator_text.data(), kIteratorChars));
  if (e.decoded.has_value()) {
    // Field by field: the stream's name is most often the one the entry held already.
    IteratorToken& held = e.decoded->token;
    if (held.stream != token.stream) held.stream.assign(token.stream);
    held.shard_index = token.shard_index;
    held.position = token.position;
    held.issued = token.issued;
    held.stuck = token.stuck;
    if (e.decoded->shard_id != shard_id) {
      e.decoded->shard_id.assign(shard_id.data(), shard_id.size());
    }
  } else {
    e.decoded.emplace(DecodedToken{token, std::string(shard_id)});
  }
  out.resize(e.size);
  std::memcpy(out.data(), stream_part_text_.data(), stream_part_text_.size());
  std::memcpy(out.data() + stream_part_text_.size(), e.iterator_text.data(), kIteratorChars);
}

bool IteratorTokenMemo::Matches(const Entry& e, std::string_view text, uint64_t tail) const {
  if (e.size == 0 || e.size != text.size() || e.tail != tail) return false;
  if (!e.issued) return e.text == text;
  // Issued under this generation, e.size is the stream part's text and the iterator's.
  const size_t stream_chars = stream_part_text_.size();
  return e.generation == generation_ &&
         std::memcmp(text.data(), stream_part_text_.data(), stream_chars) == 0 &&
         std::memcmp(text.data() + stream_chars, e.iterator_text.data(), kIteratorChars) == 0;
}

const DecodedToken* IteratorTokenMemo::Decode(std::string_view text) {
  // Newest first: the token passed back is most often the one issued last.
  const uint64_t tail = TailOf(text);
  for (size_t age = 1; age <= entries_.size(); ++age) {
    const Entry& e = entries_[(next_ - age) % entries_.size()];
    if (Matches(e, text, tail)) return e.decoded.has_value() ? &*e.decoded : nullptr;
  }
  std::optional<IteratorToken> token = DecodeIteratorToken(text);
  if (!token.has_value()) return Remember(text, std::nullopt);
  std::string shard_id = ShardIdFor(token->shard_index);
  return Remember(text, DecodedToken{*std::move(token), std::move(shard_id)});
}

const DecodedToken* IteratorTokenMemo::Remember(std::string_view text,
                                                std::optional<DecodedToken> decoded) {
  Entry& e = entries_[next_++ % entries_.size()];
  e.issued = false;
  e.text.assign(text.data(), text.size());
  e.size = text.size();
  e.tail = TailOf(text);
  e.decoded = std::move(decoded);
  return e.decoded.has_value() ? &*e.decoded : nullptr;
}

}  // namespace shardsim::model::internal
