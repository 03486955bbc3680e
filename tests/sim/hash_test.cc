#include "sim/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace shardsim::sim {
namespace {

// xxHash's own sanity vectors (cli/xsum_sanity_check.c upstream): XXH3-64 of the first `len`
// bytes of its generated buffer, with seed 0 and seed PRIME64. The lengths reach every code
// path of XXH3: empty, 1-3, 4-8, 9-16, 17-128, 129-240 bytes and the long, striped path.
constexpr uint64_t kPrime32 = 2654435761U;
constexpr uint64_t kPrime64 = 11400714785074694797ULL;

std::string SanityBuffer() {
  std::string buffer(2367, '\0');
  uint64_t byte_gen = kPrime32;
  for (char& c : buffer) {
    c = static_cast<char>(byte_gen >> 56);
    byte_gen *= kPrime64;
  }
  return buffer;
}

struct Vector {
  size_t len;
  uint64_t seed0;
  uint64_t seed_prime64;
};
constexpr Vector kVectors[] = {
    {0, 0x2d06800538d394c2ULL, 0xa8a6b918b2f0364aULL},
    {1, 0xc44bdff4074eecdbULL, 0x032be332dd766ef8ULL},
    {6, 0x27b56a84cd2d7325ULL, 0x84589c116ab59ab9ULL},
    {12, 0xa713daf0dfbb77e7ULL, 0xe7303e1b2336de0eULL},
    {24, 0xa3fe70bf9d3510ebULL, 0x850e80fc35bdd690ULL},
    {48, 0x397da259ecba1f11ULL, 0xadc2cbaa44acc616ULL},
    {80, 0xbcdefbbb2c47c90aULL, 0xc6dd0cb699532e73ULL},
    {195, 0xcd94217ee362ec3aULL, 0xba68003d370cb3d9ULL},
    {403, 0xcdeb804d65c6dea4ULL, 0x6259f6ecfd6443fdULL},
    {512, 0x617e49599013cb6bULL, 0x3ce457de14c27708ULL},
    {2048, 0xdd59e2c3a5f038e0ULL, 0x66f81670669ababcULL},
    {2240, 0x6e73a90539cf2948ULL, 0x757ba8487d1b5247ULL},
    {2367, 0xcb37aeb9e5d361edULL, 0xd2db3415b942b42aULL},
};

TEST(HashBytes, IsXxh3MatchingTheLibrarysReferenceVectors) {
  const std::string buffer = SanityBuffer();
  for (const Vector& v : kVectors) {
    const std::string_view bytes(buffer.data(), v.len);
    EXPECT_EQ(HashBytes(bytes), v.seed0) << "len " << v.len;
    EXPECT_EQ(HashBytes(bytes, kPrime64), v.seed_prime64) << "len " << v.len;
  }
}

TEST(StreamingHash, GivesTheOneShotHashWhateverTheChunking) {
  const std::string buffer = SanityBuffer();
  for (const Vector& v : kVectors) {
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}, size_t{1000}}) {
      StreamingHash h(kPrime64);
      for (size_t at = 0; at < v.len; at += chunk) {
        h.Update(std::string_view(buffer).substr(at, std::min(chunk, v.len - at)));
      }
      EXPECT_EQ(h.Digest(), v.seed_prime64) << "len " << v.len << " chunk " << chunk;
    }
  }
}

TEST(StreamingHash, ACopyContinuesIndependently) {
  StreamingHash a;
  a.Update("shard");
  StreamingHash b = a;
  a.Update("sim");
  b.Update("ing");
  EXPECT_EQ(a.Digest(), HashBytes("shardsim"));
  EXPECT_EQ(b.Digest(), HashBytes("sharding"));
  b = a;
  EXPECT_EQ(b.Digest(), HashBytes("shardsim"));
}

TEST(HashBytes, DistinguishesLengthsAndSingleByteChanges) {
  std::set<uint64_t> seen;
  std::string s;
  for (int i = 0; i < 64; ++i) {
    s.push_back('\0');
    EXPECT_TRUE(seen.insert(HashBytes(s)).second) << "length " << s.size();
  }
  std::string text(100, 'x');
  const uint64_t base = HashBytes(text);
  for (size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = 'y';
    EXPECT_NE(HashBytes(changed), base) << i;
  }
}

TEST(Fnv1a64, MatchesItsPublishedVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace shardsim::sim
