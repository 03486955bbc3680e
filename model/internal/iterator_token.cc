#include "model/internal/iterator_token.h"

#include "absl/strings/escaping.h"
#include "sim/hash.h"

namespace shardsim::model::internal {

namespace {

constexpr uint64_t kMagic = 1;
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxTokenChars = 4096;
constexpr uint64_t kMaxStreamNameBytes = 128;

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(8);
  return true;
}

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// absl's decoder also accepts missing padding, whitespace and non-zero padding bits; only the
// text Base64Escape gives back for the decoded bytes is the token's one spelling.
std::optional<std::string> DecodeCanonicalBase64(std::string_view text) {
  std::string raw;
  if (!absl::Base64Unescape(AsAbsl(text), &raw)) return std::nullopt;
  if (absl::Base64Escape(raw) != AsAbsl(text)) return std::nullopt;
  return raw;
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
  if (!GetU64(in, shard) || !GetU64(in, bucket) || !GetU64(in, ordinal) ||
      !GetU64(in, issued) || !GetU64(in, name_size)) {
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
  return IteratorToken{std::string(name), static_cast<uint32_t>(shard),
                       Position{bucket, ordinal},
                       Instant::FromUnixMicros(static_cast<int64_t>(issued)), flags == 1};
}

}  // namespace

std::string EncodeIteratorToken(const IteratorToken& token) {
  std::string raw;
  raw.reserve(8 + 2 + 5 * 8 + token.stream.size() + 8);
  PutU64(raw, kMagic);
  raw.push_back(static_cast<char>(kVersion));
  raw.push_back(static_cast<char>(token.stuck ? 1 : 0));
  PutU64(raw, token.shard_index);
  PutU64(raw, token.position.bucket);
  PutU64(raw, token.position.ordinal);
  PutU64(raw, static_cast<uint64_t>(token.issued.unix_micros()));
  PutU64(raw, token.stream.size());
  raw += token.stream;
  PutU64(raw, sim::HashBytes(raw));
  return absl::Base64Escape(raw);
}

std::optional<IteratorToken> DecodeIteratorToken(std::string_view text) {
  if (text.size() > kMaxTokenChars) return std::nullopt;
  const std::optional<std::string> raw = DecodeCanonicalBase64(text);
  if (!raw.has_value()) return std::nullopt;
  return ParseFields(*raw);
}

std::string IteratorTokenMemo::Encode(const IteratorToken& token) {
  std::string text = EncodeIteratorToken(token);
  Remember(text, token);
  return text;
}

std::optional<IteratorToken> IteratorTokenMemo::Decode(std::string_view text) {
  for (const Entry& e : entries_) {
    if (!e.text.empty() && e.text == text) return e.token;
  }
  std::optional<IteratorToken> token = DecodeIteratorToken(text);
  Remember(text, token);
  return token;
}

void IteratorTokenMemo::Remember(std::string_view text,
                                 const std::optional<IteratorToken>& token) {
  Entry& e = entries_[next_++ % entries_.size()];
  e.text.assign(text.data(), text.size());
  e.token = token;
}

}  // namespace shardsim::model::internal
