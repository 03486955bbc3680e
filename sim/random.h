// The simulation's only source of randomness.
//
// Algorithm (fixed; changing it changes every trace, so the test vectors pin it):
//   * Seeding: the 64-bit seed is expanded into xoshiro256** state with SplitMix64
//     (Steele, Lea, Flood 2014; constants 0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9,
//     0x94d049bb133111eb).
//   * Generation: xoshiro256** 1.0 (Blackman & Vigna 2018): rotl(s1 * 5, 7) * 9.
//   * Bounded integers: Lemire's multiply-shift with rejection (unbiased).
//   * Reals in [0, 1): the top 53 bits of one output times 2^-53.
//   * Log-uniform durations: u in [0, 1) as above, then min * (max/min)^u computed with this
//     file's own exp2/log2 made only of IEEE-754 +, -, *, / (no libm), so every build and
//     standard library gives the same bits.
//   * Sub-streams: Fork(label) derives a new generator from this generator's *key* (its seed
//     lineage) and the FNV-1a 64 hash (sim/hash.h) of the label, never from its current state.
//     Draws made from one stream therefore never shift another stream's draws.
// Never use std::*_distribution, std::random_device or absl::BitGen in the simulation.
#ifndef SHARDSIM_SIM_RANDOM_H_
#define SHARDSIM_SIM_RANDOM_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/time.h"

namespace shardsim::sim {

// SplitMix64 step: advances `state` and returns the next output.
uint64_t SplitMix64Next(uint64_t& state);

class Random {
 public:
  explicit Random(uint64_t seed);

  // The next raw 64-bit output of xoshiro256**.
  uint64_t NextU64();
  // Uniform in [0, bound). REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound);
  // Uniform in [lo, hi], both inclusive. REQUIRES: lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi);
  // Uniform in [0, 1), 53 bits of precision.
  double UniformReal();
  // True with probability `p` (clamped to [0, 1]).
  bool Bernoulli(double p);
  // Uniform in [lo, hi] at microsecond resolution. REQUIRES: lo <= hi.
  Duration UniformDuration(Duration lo, Duration hi);
  // Log-uniform in [lo, hi]: every factor-of-ten band between lo and hi is equally likely.
  // REQUIRES: 0 < lo <= hi.
  Duration LogUniformDuration(Duration lo, Duration hi);

  // An independent generator for the sub-system named `label`. Deterministic in (this
  // generator's seed lineage, label); unaffected by how many draws this generator has made.
  Random Fork(std::string_view label) const;

  // The key this generator was derived from (its seed, or its fork lineage).
  uint64_t key() const { return key_; }

 private:
  std::array<uint64_t, 4> state_;
  uint64_t key_;
};

namespace random_internal {
// Deterministic base-2 logarithm and exponential made of basic IEEE operations only.
// Accuracy is about 1e-12 relative, which is ample for drawing durations.
double Log2(double x);  // REQUIRES: x > 0 and finite.
double Exp2(double x);  // REQUIRES: |x| < 1000.
}  // namespace random_internal

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_RANDOM_H_
