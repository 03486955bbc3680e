#include "sim/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace shardsim::sim {
namespace {

// Reference values computed independently (a 20-line Python transcription of the published
// SplitMix64 and xoshiro256** algorithms). A change here changes every trace.
TEST(Random, SplitMix64MatchesThePublishedFirstOutputForSeedZero) {
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64Next(state), 0xe220a8397b1dcdafULL);
}

TEST(Random, FirstOutputsForSeedZeroArePinned) {
  Random rng(0);
  EXPECT_EQ(rng.NextU64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng.NextU64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(rng.NextU64(), 0x1a5f849d4933e6e0ULL);
  EXPECT_EQ(rng.NextU64(), 0x6aa594f1262d2d2cULL);
}

TEST(Random, FirstOutputsForSeed42ArePinned) {
  Random rng(42);
  EXPECT_EQ(rng.NextU64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(rng.NextU64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(rng.NextU64(), 0xae17533239e499a1ULL);
  EXPECT_EQ(rng.NextU64(), 0xecb8ad4703b360a1ULL);
}

TEST(Random, BoundedIntegersUseLemiresMethodAndArePinned) {
  Random rng(42);
  std::vector<uint64_t> got;
  for (int i = 0; i < 8; ++i) got.push_back(rng.Below(10));
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 3, 6, 9, 9, 7, 7, 8}));
}

TEST(Random, UniformIntStaysWithinInclusiveBoundsAndHitsBoth) {
  Random rng(7);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t v = rng.UniformInt(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    saw_lo |= v == -3;
    saw_hi |= v == 3;
  }
  EXPECT_TRUE(saw_lo && saw_hi);
}

TEST(Random, UniformIntCoversTheFullSixtyFourBitRange) {
  Random rng(7);
  const int64_t v = rng.UniformInt(INT64_MIN, INT64_MAX);
  Random again(7);
  // The whole range needs no rejection: the value is the raw output shifted by INT64_MIN.
  EXPECT_EQ(static_cast<uint64_t>(v) ^ (1ULL << 63), again.NextU64());
}

TEST(Random, BoundedIntegersAreRoughlyUniform) {
  Random rng(3);
  std::vector<int> counts(6);
  constexpr int kDraws = 60'000;
  for (int i = 0; i < kDraws; ++i) ++counts[rng.Below(6)];
  for (int c : counts) EXPECT_NEAR(c, kDraws / 6, 400);
}

TEST(Random, UniformRealIsInTheHalfOpenUnitInterval) {
  Random rng(11);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    const double u = rng.UniformReal();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
}

TEST(Random, BernoulliHonoursItsExtremesAndItsRate) {
  Random rng(5);
  int hits = 0;
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_FALSE(rng.Bernoulli(0.0));
    EXPECT_TRUE(rng.Bernoulli(1.0));
    hits += rng.Bernoulli(0.25);
  }
  EXPECT_NEAR(hits, 2'500, 200);
}

TEST(Random, LogUniformDurationsSpreadEvenlyOverDecades) {
  Random rng(9);
  const Duration lo = Duration::Millis(1);
  const Duration hi = Duration::Days(14);  // about 9.1 decades
  std::vector<int> per_decade(10);
  for (int i = 0; i < 50'000; ++i) {
    const Duration d = rng.LogUniformDuration(lo, hi);
    ASSERT_GE(d, lo);
    ASSERT_LE(d, hi);
    ++per_decade[static_cast<int>(std::log10(static_cast<double>(d.micros()) / 1'000.0))];
  }
  // Nine full decades each get about 1/9.08 of the draws.
  for (int decade = 0; decade < 9; ++decade) EXPECT_NEAR(per_decade[decade], 5'505, 350);
}

TEST(Random, LogUniformOfAnEmptyRangeIsItsBound) {
  Random rng(1);
  EXPECT_EQ(rng.LogUniformDuration(Duration::Seconds(3), Duration::Seconds(3)),
            Duration::Seconds(3));
}

TEST(Random, DeterministicLogAndExpAreAccurateEnoughForDrawing) {
  for (double x : {1e-6, 0.3, 1.0, 2.0, 3.7, 1234.5, 1.2e15}) {
    EXPECT_NEAR(random_internal::Log2(x), std::log2(x), 1e-9) << x;
  }
  for (double x : {-20.5, -1.0, 0.0, 0.5, 1.0, 30.25, 50.0}) {
    EXPECT_NEAR(random_internal::Exp2(x) / std::exp2(x), 1.0, 1e-12) << x;
  }
}

TEST(Random, ForkedStreamsDoNotShiftWhenTheParentDraws) {
  Random a(123);
  Random b(123);
  for (int i = 0; i < 17; ++i) b.NextU64();  // b has drawn, a has not
  Random fa = a.Fork("producer");
  Random fb = b.Fork("producer");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(fa.NextU64(), fb.NextU64());
}

TEST(Random, ForksWithDifferentLabelsOrSeedsDiffer) {
  Random root(123);
  EXPECT_NE(root.Fork("producer").NextU64(), root.Fork("consumer").NextU64());
  EXPECT_NE(Random(1).Fork("x").NextU64(), Random(2).Fork("x").NextU64());
  // A grandchild differs from the child it came from.
  EXPECT_NE(root.Fork("a").Fork("a").NextU64(), root.Fork("a").NextU64());
}

TEST(Random, AddingADrawInOneSubsystemLeavesAnotherUnchanged) {
  auto consumer_draws = [](bool producer_draws_extra) {
    Random root(2024);
    Random producer = root.Fork("producer");
    Random consumer = root.Fork("consumer");
    std::vector<uint64_t> out;
    for (int i = 0; i < 10; ++i) {
      producer.NextU64();
      if (producer_draws_extra) producer.NextU64();
      out.push_back(consumer.NextU64());
    }
    return out;
  };
  EXPECT_EQ(consumer_draws(false), consumer_draws(true));
}

TEST(RandomDeathTest, AnEmptyBoundIsABrokenInvariant) {
  Random rng(1);
  EXPECT_DEATH(rng.Below(0), "positive bound");
  EXPECT_DEATH(rng.UniformInt(2, 1), "lo <= hi");
  EXPECT_DEATH(rng.LogUniformDuration(Duration::Zero(), Duration::Seconds(1)), "positive lower");
}

}  // namespace
}  // namespace shardsim::sim
