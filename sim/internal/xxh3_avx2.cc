// XXH3's streaming update built for AVX2, chosen at run time by hash.cc where the CPU has it:
// the same hash as the SSE2 build, with the trace's long inputs hashed in about half the
// instructions (the trace hash was 2 to 4% of a property run; measured).
#include "sim/internal/xxh3_avx2.h"

#include <cstddef>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace shardsim::sim::hash_internal {

static_assert(sizeof(XXH3_state_t) == kXxh3StateBytes, "hash.cc's state has another size");

void Xxh3UpdateAvx2(void* state, const void* bytes, size_t size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state), bytes, size);
}

}  // namespace shardsim::sim::hash_internal
