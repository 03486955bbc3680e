#include "sim/hash.h"

#include <bit>

namespace shardsim::sim {

namespace {

inline uint64_t Mix(uint64_t h, uint64_t word) {
  return std::rotl(h ^ (word * 0xbf58476d1ce4e5b9ULL), 29) * 0x94d049bb133111ebULL;
}

inline uint64_t LoadLittleEndian(const char* p, size_t n) {
  uint64_t w = 0;
  for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return w;
}

}  // namespace

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed ^ (static_cast<uint64_t>(bytes.size()) * 0x9e3779b97f4a7c15ULL);
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    h = Mix(h, LoadLittleEndian(p, 8));
    p += 8;
    n -= 8;
  }
  if (n > 0) h = Mix(h, LoadLittleEndian(p, n));
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

uint64_t Fnv1a64(std::string_view bytes, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace shardsim::sim
