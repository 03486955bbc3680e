#include "sim/hash.h"

#include <cstring>

namespace shardsim::sim {

namespace {

constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

inline uint64_t Mix(uint64_t h, uint64_t word) {
  return Rotl(h ^ (word * 0xbf58476d1ce4e5b9ULL), 29) * 0x94d049bb133111ebULL;
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

}  // namespace shardsim::sim
