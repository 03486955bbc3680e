#include "model/internal/iterator_token.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/escaping.h"
#include "sim/hash.h"
#include "sim/strings.h"

namespace shardsim::model::internal {

namespace {

constexpr uint64_t kMagic = 1;
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxTokenChars = 4096;
constexpr uint64_t kMaxStreamNameBytes = 128;

bool GetU64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(8);
  return true;
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

// Standard padded base64 of `raw` into `text` (its capacity reused): what absl::Base64Escape
// gives, by hand because that was 7% of a polling run (one token per GetRecords).
void Base64Into(std::string_view raw, std::string& text) {
  text.resize((raw.size() + 2) / 3 * 4);
  char* out = text.data();
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
  if (const size_t rest = raw.size() - i; rest > 0) {
    const uint32_t v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    *out++ = kBase64Digits[v >> 18];
    *out++ = kBase64Digits[(v >> 12) & 63];
    *out++ = rest == 2 ? kBase64Digits[(v >> 6) & 63] : '=';
    *out++ = '=';
  }
}

// The fields after the magic number and before the checksum, or nullopt.
std::optional<IteratorToken> ParseFields(std::string_view raw) {
  std::string_view in = raw;
  uint64_t magic, shard, bucket, ordinal, issued, name_size, checksum;
  if (!GetU64(in, magic) || magic != kMagic || in.size() < 2) return std::nullopt;
  const auto version = static_cast<uint8_t>(in[0]);
  const auto flags = static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  if (version != kVersion || flags > 1) return std::nullopt;
  if (!GetU64(in, shard) || !GetU64(in, bucket) || !GetU64(in, ordinal) || !GetU64(in, issued) ||
      !GetU64(in, name_size)) {
    return std::nullopt;
  }
  if (shard > UINT32_MAX || name_size > kMaxStreamNameBytes || in.size() != name_size + 8) {
    return std::nullopt;
  }
  const std::string_view name = in.substr(0, name_size);
  in.remove_prefix(name_size);
  if (!GetU64(in, checksum) || checksum != sim::HashBytes(raw.substr(0, raw.size() - 8))) {
    return std::nullopt;
  }
  return IteratorToken{std::string(name), static_cast<uint32_t>(shard), Position{bucket, ordinal},
                       Instant::FromUnixMicros(static_cast<int64_t>(issued)), flags == 1};
}

}  // namespace

std::string EncodeIteratorToken(const IteratorToken& token) {
  std::string text;
  EncodeIteratorTokenInto(token, text);
  return text;
}

void EncodeIteratorTokenInto(const IteratorToken& token, std::string& text) {
  // The bytes on the stack when the stream name fits a valid token (every token the model
  // issues); a longer name (which no token decodes to) on the heap.
  constexpr size_t kFixedBytes = 8 + 2 + 5 * 8 + 8;
  char stack[kFixedBytes + kMaxStreamNameBytes];
  std::string heap;
  char* raw = stack;
  if (token.stream.size() > kMaxStreamNameBytes) {
    heap.resize(kFixedBytes + token.stream.size());
    raw = heap.data();
  }
  size_t size = 0;
  const auto put_u64 = [&](uint64_t v) {  // big-endian, as one store
    const uint64_t big = __builtin_bswap64(v);
    std::memcpy(raw + size, &big, sizeof big);
    size += sizeof big;
  };
  put_u64(kMagic);
  raw[size++] = static_cast<char>(kVersion);
  raw[size++] = static_cast<char>(token.stuck ? 1 : 0);
  put_u64(token.shard_index);
  put_u64(token.position.bucket);
  put_u64(token.position.ordinal);
  put_u64(static_cast<uint64_t>(token.issued.unix_micros()));
  put_u64(token.stream.size());
  token.stream.copy(raw + size, token.stream.size());
  size += token.stream.size();
  put_u64(sim::HashBytes(std::string_view(raw, size)));
  Base64Into(std::string_view(raw, size), text);
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
  // Into the oldest entry in place, so its strings' capacity is reused.
  Entry& e = entries_[next_++ % entries_.size()];
  EncodeIteratorTokenInto(token, e.text);
  e.tail = TailOf(e.text);
  if (e.decoded.has_value()) {
    e.decoded->token = token;
    if (e.decoded->shard_id != shard_id)
      e.decoded->shard_id.assign(shard_id.data(), shard_id.size());
  } else {
    e.decoded.emplace(DecodedToken{token, std::string(shard_id)});
  }
  out.assign(e.text);
}

const DecodedToken* IteratorTokenMemo::Decode(std::string_view text) {
  // Newest first: the token passed back is most often the one issued last.
  const uint64_t tail = TailOf(text);
  for (size_t age = 1; age <= entries_.size(); ++age) {
    const Entry& e = entries_[(next_ - age) % entries_.size()];
    if (e.tail == tail && e.text.size() == text.size() && !e.text.empty() && e.text == text) {
      return e.decoded.has_value() ? &*e.decoded : nullptr;
    }
  }
  std::optional<IteratorToken> token = DecodeIteratorToken(text);
  if (!token.has_value()) return Remember(text, std::nullopt);
  std::string shard_id = ShardIdFor(token->shard_index);
  return Remember(text, DecodedToken{*std::move(token), std::move(shard_id)});
}

const DecodedToken* IteratorTokenMemo::Remember(std::string_view text,
                                                std::optional<DecodedToken> decoded) {
  Entry& e = entries_[next_++ % entries_.size()];
  e.text.assign(text.data(), text.size());
  e.tail = TailOf(text);
  e.decoded = std::move(decoded);
  return e.decoded.has_value() ? &*e.decoded : nullptr;
}

}  // namespace shardsim::model::internal
