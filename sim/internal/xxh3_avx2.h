// Between sim/hash.cc and sim/internal/xxh3_avx2.cc: XXH3's streaming update compiled for AVX2,
// over the same state (XXH3_state_t, which each file defines from the same xxhash.h).
#ifndef SHARDSIM_SIM_INTERNAL_XXH3_AVX2_H_
#define SHARDSIM_SIM_INTERNAL_XXH3_AVX2_H_

#include <cstddef>

namespace shardsim::sim::hash_internal {

// sizeof(XXH3_state_t), checked on both sides.
inline constexpr size_t kXxh3StateBytes = 576;

// XXH3_64bits_update(state, bytes, size). REQUIRES: the CPU has AVX2.
void Xxh3UpdateAvx2(void* state, const void* bytes, size_t size);

}  // namespace shardsim::sim::hash_internal

#endif  // SHARDSIM_SIM_INTERNAL_XXH3_AVX2_H_
