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

}  // namespace shardsim::model
