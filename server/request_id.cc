#include "server/request_id.h"

#include "absl/strings/escaping.h"
#include "sim/random.h"

namespace shardsim::server {

namespace {

void AppendHex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 0xf]);
}

}  // namespace

std::string RequestId(uint64_t seed, uint64_t n, std::string& id2) {
  uint64_t state = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  const uint64_t a = sim::SplitMix64Next(state);
  const uint64_t b = sim::SplitMix64Next(state);
  const uint64_t c = sim::SplitMix64Next(state);
  char raw[24];
  char* byte = raw;
  for (uint64_t w : {a, b, c}) {
    for (int i = 7; i >= 0; --i) *byte++ = static_cast<char>((w >> (8 * i)) & 0xff);
  }
  absl::Base64Escape(absl::string_view(raw, sizeof raw), &id2);
  std::string id;
  id.reserve(36);
  AppendHex(id, a >> 32, 8);
  id.push_back('-');
  AppendHex(id, (a >> 16) & 0xffff, 4);
  id.push_back('-');
  AppendHex(id, a & 0xffff, 4);
  id.push_back('-');
  AppendHex(id, b >> 48, 4);
  id.push_back('-');
  AppendHex(id, b & 0xffffffffffffULL, 12);
  return id;
}

std::string FormatVirtualTime(sim::Instant t) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached_prefix;  // "2023-04-05T07:08:10."
  const int64_t second = t.unix_seconds();
  if (second != cached_second) {
    const std::string full = sim::Instant::FromUnixSeconds(second).ToString();
    cached_prefix = full.substr(0, full.size() - 7);
    cached_second = second;
  }
  const int64_t micros = t.unix_micros() - second * 1'000'000;
  std::string out = cached_prefix;
  char digits[7];
  for (int i = 5, v = static_cast<int>(micros); i >= 0; --i, v /= 10)
    digits[i] = static_cast<char>('0' + v % 10);
  out.append(digits, 6);
  out.push_back('Z');
  return out;
}

}  // namespace shardsim::server
