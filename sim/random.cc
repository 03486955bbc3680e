#include "sim/random.h"

#include <bit>

#include "sim/hash.h"

namespace shardsim::sim {

namespace {
__extension__ using Uint128 = unsigned __int128;
constexpr uint64_t kForkSalt = 0x6a09e667f3bcc909ULL;  // sqrt(2) fraction, keeps forks apart.
}  // namespace

uint64_t SplitMix64Next(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Random::Random(uint64_t seed) : key_(seed) {
  uint64_t sm = seed;
  for (auto& word : state_) word = SplitMix64Next(sm);
  // SplitMix64 never yields four zero words in a row, but the invariant is cheap to state.
  SHARDSIM_CHECK((state_[0] | state_[1] | state_[2] | state_[3]) != 0,
                 "xoshiro256** state must not be all zero");
}

uint64_t Random::NextU64() {
  const uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

uint64_t Random::Below(uint64_t bound) {
  SHARDSIM_CHECK(bound > 0, "Random::Below needs a positive bound");
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  Uint128 m = static_cast<Uint128>(NextU64()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<Uint128>(NextU64()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Random::UniformInt(int64_t lo, int64_t hi) {
  SHARDSIM_CHECK(lo <= hi, "Random::UniformInt needs lo <= hi");
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t offset = span == UINT64_MAX ? NextU64() : Below(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

double Random::UniformReal() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

bool Random::Bernoulli(double p) {
  if (!(p > 0.0)) return false;
  if (p >= 1.0) return true;
  return UniformReal() < p;
}

Duration Random::UniformDuration(Duration lo, Duration hi) {
  SHARDSIM_CHECK(lo <= hi, "Random::UniformDuration needs lo <= hi");
  return Duration::Micros(UniformInt(lo.micros(), hi.micros()));
}

Duration Random::LogUniformDuration(Duration lo, Duration hi) {
  SHARDSIM_CHECK(lo.micros() > 0, "Random::LogUniformDuration needs a positive lower bound");
  SHARDSIM_CHECK(lo <= hi, "Random::LogUniformDuration needs lo <= hi");
  const double u = UniformReal();
  if (lo == hi) return lo;
  const double lo_us = static_cast<double>(lo.micros());
  const double octaves = random_internal::Log2(static_cast<double>(hi.micros()) / lo_us);
  const double value = lo_us * random_internal::Exp2(u * octaves);
  // Rounding can step a hair outside the range; clamp, then truncate to whole microseconds.
  int64_t us = static_cast<int64_t>(value);
  if (us < lo.micros()) us = lo.micros();
  if (us > hi.micros()) us = hi.micros();
  return Duration::Micros(us);
}

Random Random::Fork(std::string_view label) const {
  uint64_t mix = key_ ^ kForkSalt;
  const uint64_t derived = SplitMix64Next(mix) ^ Fnv1a64(label);
  uint64_t again = derived;
  return Random(SplitMix64Next(again));
}

namespace random_internal {

double Log2(double x) {
  SHARDSIM_CHECK(x > 0 && x < 1e300, "Log2 needs a positive finite argument");
  // x = m * 2^e with m in [1, 2); exact scaling by powers of two.
  int e = 0;
  double m = x;
  while (m >= 2.0) {
    m *= 0.5;
    ++e;
  }
  while (m < 1.0) {
    m *= 2.0;
    --e;
  }
  // ln(m) = 2 * atanh(t), t = (m - 1) / (m + 1) in [0, 1/3): the series converges fast.
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double term = t;
  double sum = 0.0;
  for (int k = 1; k < 60; k += 2) {
    sum = sum + term / k;
    term = term * t2;
  }
  constexpr double kInvLn2 = 1.4426950408889634074;
  return e + 2.0 * sum * kInvLn2;
}

double Exp2(double x) {
  SHARDSIM_CHECK(x > -1000.0 && x < 1000.0, "Exp2 argument out of range");
  // 2^x = 2^n * e^(f ln 2), n integer, f in [0, 1).
  int n = static_cast<int>(x);
  if (static_cast<double>(n) > x) --n;
  const double f = x - n;
  constexpr double kLn2 = 0.69314718055994530942;
  const double y = f * kLn2;  // in [0, ln 2)
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k < 25; ++k) {
    term = term * y / k;
    sum = sum + term;
  }
  double scale = 1.0;
  for (int i = 0; i < n; ++i) scale *= 2.0;
  for (int i = 0; i > n; --i) scale *= 0.5;
  return sum * scale;
}

}  // namespace random_internal

}  // namespace shardsim::sim
