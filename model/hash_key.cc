#include "model/hash_key.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "sim/check.h"
#include "sim/strings.h"

namespace shardsim::model {
namespace {

constexpr size_t kMaxHashKeyDigits = 39;  // 2^128 - 1 has 39 decimal digits

// The caller's text for an error message: escaped, and cut short if long.
std::string Quoted(absl::string_view text) {
  constexpr size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return absl::StrCat("\"", absl::CHexEscape(text), "\"");
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, kMaxShown)), "...\" (", text.size(),
                      " characters)");
}

absl::Status InvalidHashKey(absl::string_view text, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("hash key ", Quoted(text), " ", problem));
}

void CheckWellFormed(const HashKeyRange& range) {
  SHARDSIM_CHECK(range.starting <= range.ending, "hash key range starts after it ends");
}

}  // namespace

absl::StatusOr<HashKey> HashKey::Parse(std::string_view std_text) {
  const absl::string_view text = sim::ToAbsl(std_text);
  if (text.empty()) return absl::InvalidArgumentError("hash key is empty");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return InvalidHashKey(
          text, absl::StrCat("has the non-digit character '", absl::CHexEscape(text.substr(i, 1)),
                             "' at position ", i, "; a hash key is a decimal integer"));
    }
  }
  if (text.size() > 1 && text[0] == '0') return InvalidHashKey(text, "has a leading zero");
  const std::string too_large =
      absl::StrCat("is larger than the largest hash key, 2^128 - 1 = ", Max().ToString());
  if (text.size() > kMaxHashKeyDigits) return InvalidHashKey(text, too_large);

  constexpr Uint128 kMax = ~Uint128{0};
  Uint128 value = 0;
  for (char c : text) {
    const auto digit = static_cast<Uint128>(c - '0');
    if (value > (kMax - digit) / 10) return InvalidHashKey(text, too_large);
    value = value * 10 + digit;
  }
  return HashKey(value);
}

std::string HashKey::ToString() const {
  char digits[kMaxHashKeyDigits];
  size_t count = 0;
  Uint128 rest = value_;
  do {
    digits[count++] = static_cast<char>('0' + static_cast<int>(rest % 10));
    rest /= 10;
  } while (rest != 0);
  std::reverse(digits, digits + count);
  return std::string(digits, count);
}

HashKey HashKeyForPartitionKey(std::string_view partition_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  const int ok = EVP_Digest(partition_key.data(), partition_key.size(), digest, &digest_size,
                            EVP_md5(), nullptr);
  SHARDSIM_CHECK(ok == 1, "OpenSSL could not compute an MD5 digest");
  SHARDSIM_CHECK(digest_size == 16, "OpenSSL's MD5 digest is not 16 bytes");
  Uint128 value = 0;
  for (unsigned int i = 0; i < digest_size; ++i) value = (value << 8) | digest[i];
  return HashKey::FromUint128(value);
}

std::string HashKeyRange::ToString() const {
  return absl::StrCat("[", starting.ToString(), ", ", ending.ToString(), "]");
}

absl::StatusOr<HashKeyRangeSplit> SplitHashKeyRange(const HashKeyRange& parent,
                                                    HashKey new_starting_hash_key) {
  CheckWellFormed(parent);
  const Uint128 k = new_starting_hash_key.value();
  const Uint128 start = parent.starting.value();
  const bool valid = k > start && k - start >= 2 && k < parent.ending.value();
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("new starting hash key ", new_starting_hash_key.ToString(), " does not split ",
                     parent.ToString(),
                     ": it must be greater than one plus the starting hash key and less "
                     "than the ending hash key"));
  }
  return HashKeyRangeSplit{
      .lower = {parent.starting, HashKey::FromUint128(k - 1)},
      .upper = {new_starting_hash_key, parent.ending},
  };
}

absl::StatusOr<HashKeyRange> MergeHashKeyRanges(const HashKeyRange& a, const HashKeyRange& b) {
  CheckWellFormed(a);
  CheckWellFormed(b);
  auto directly_below = [](const HashKeyRange& low, const HashKeyRange& high) {
    return low.ending != HashKey::Max() && low.ending.value() + 1 == high.starting.value();
  };
  if (directly_below(a, b)) return HashKeyRange{a.starting, b.ending};
  if (directly_below(b, a)) return HashKeyRange{b.starting, a.ending};
  return absl::InvalidArgumentError(absl::StrCat("hash key ranges ", a.ToString(), " and ",
                                                 b.ToString(),
                                                 " are not adjacent, so they cannot be merged"));
}

std::vector<HashKeyRange> EvenlySplitHashKeySpace(int shard_count) {
  SHARDSIM_CHECK(shard_count >= 1, "a stream has at least one shard");
  const auto n = static_cast<Uint128>(shard_count);
  constexpr Uint128 kMax = ~Uint128{0};
  // floor(2^128 / n) without computing 2^128: floor((2^128 - 1) / n), plus one when n divides
  // 2^128. Only needed (and only representable) for n >= 2.
  const Uint128 step = shard_count == 1 ? 0 : kMax / n + (kMax % n == n - 1 ? 1 : 0);

  std::vector<HashKeyRange> ranges;
  ranges.reserve(static_cast<size_t>(shard_count));
  for (int i = 0; i < shard_count; ++i) {
    const Uint128 starting = step * static_cast<Uint128>(i);
    const Uint128 ending = i == shard_count - 1 ? kMax : step * static_cast<Uint128>(i + 1) - 1;
    ranges.push_back({HashKey::FromUint128(starting), HashKey::FromUint128(ending)});
  }
  return ranges;
}

}  // namespace shardsim::model
