#include "model/shard_id_map.h"

#include "model/internal/digits.h"

namespace shardsim::model {

std::optional<uint32_t> ShardIdNumber(std::string_view id) {
  constexpr std::string_view kPrefix = "shardId-";
  constexpr size_t kDigits = 12;
  if (id.size() != kPrefix.size() + kDigits ||
      std::memcmp(id.data(), kPrefix.data(), kPrefix.size()) != 0) {
    return std::nullopt;
  }
  // Two overlapping loads of eight digits: the first eight, and the last eight (a digit loop was
  // 4% of a fan-out run, which looks a shard up several times per event).
  uint64_t first8 = 0;
  uint64_t last8 = 0;
  if (!internal::EightDigits(id.data() + kPrefix.size(), first8) ||
      !internal::EightDigits(id.data() + kPrefix.size() + 4, last8)) {
    return std::nullopt;
  }
  const uint64_t value = first8 / 10'000 * 100'000'000 + last8;
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::optional<uint32_t> SmallShardIdNumber(std::string_view id) {
  if (id.size() != 20) return std::nullopt;
  // "shardId-" and seven zeros, as little-endian words (bytes 0-7, and bytes 8-14 of 8-15).
  constexpr uint64_t kPrefixWord = 0x2d64496472616873;  // "shardId-"
  constexpr uint64_t kZerosWord = 0x0030303030303030;   // "0000000", and byte 15 masked
  constexpr uint64_t kSevenBytes = 0x00ffffffffffffff;
  uint64_t prefix = 0;
  uint64_t zeros = 0;
  std::memcpy(&prefix, id.data(), sizeof prefix);
  std::memcpy(&zeros, id.data() + 8, sizeof zeros);
  if (prefix != kPrefixWord || (zeros & kSevenBytes) != kZerosWord) return std::nullopt;
  uint64_t value = 0;  // bytes 12-19: three of the zeros, then the five digits
  if (!internal::EightDigits(id.data() + 12, value)) return std::nullopt;
  return static_cast<uint32_t>(value);
}

}  // namespace shardsim::model
