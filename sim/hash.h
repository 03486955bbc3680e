// A fixed 64-bit hash of byte strings, for the trace hash and iterator checksums.
//
// Algorithm (written down because traces are compared by it across machines and versions):
//   h = seed ^ (length * 0x9e3779b97f4a7c15)
//   for each full 8-byte little-endian word w:  h = rotl64(h ^ (w * 0xbf58476d1ce4e5b9), 29)
//                                                 * 0x94d049bb133111eb
//   the 1-7 trailing bytes, zero-padded to a little-endian word w, are mixed the same way
//   result = SplitMix64 finaliser of h:
//     h ^= h >> 30; h *= 0xbf58476d1ce4e5b9; h ^= h >> 27; h *= 0x94d049bb133111eb; h ^= h >> 31
// It reads a word per step (about 8x faster than byte-wise FNV-1a) and is not cryptographic.
// Chaining (passing the previous result as `seed`) hashes a sequence of strings.
#ifndef SHARDSIM_SIM_HASH_H_
#define SHARDSIM_SIM_HASH_H_

#include <cstdint>
#include <string_view>

namespace shardsim::sim {

uint64_t HashBytes(std::string_view bytes, uint64_t seed = 0);

// FNV-1a 64-bit hash of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3); it
// names Random::Fork's sub-streams, so changing it would change every draw.
uint64_t Fnv1a64(std::string_view bytes, uint64_t basis = 0xcbf29ce484222325ULL);

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_HASH_H_
