#include "sim/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace shardsim::sim {
namespace {

// Reference values from a direct Python transcription of the algorithm in sim/hash.h.
TEST(HashBytes, MatchesItsWrittenDownAlgorithm) {
  EXPECT_EQ(HashBytes(""), 0x0ULL);
  EXPECT_EQ(HashBytes("", 42), 0xa759ea27d4727622ULL);
  EXPECT_EQ(HashBytes("a"), 0x66dd9dfc04b01141ULL);
  EXPECT_EQ(HashBytes("a", 42), 0x848ecd2ae49774f3ULL);
  EXPECT_EQ(HashBytes("shardsim"), 0x666c727c36f9e869ULL);
  EXPECT_EQ(HashBytes("shardsim", 42), 0x90954a04d05e3010ULL);
  EXPECT_EQ(HashBytes("shardsim trace hash\n"), 0x3d282ed72c46b0caULL);
  EXPECT_EQ(HashBytes("shardsim trace hash\n", 42), 0xcbb9c8bce4f68095ULL);
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
