#include "sim/hash.h"

// xxHash compiled in from its header (XXH_INLINE_ALL, the library's documented header-only
// mode): shardsim's libraries and the users who link them need no libxxhash at link time.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sim/internal/xxh3_avx2.h"

namespace shardsim::sim {
namespace {

static_assert(sizeof(XXH3_state_t) == hash_internal::kXxh3StateBytes,
              "internal/xxh3_avx2.cc's state has another size");

using Xxh3Update = void (*)(void* state, const void* bytes, size_t size);

void Xxh3UpdateBaseline(void* state, const void* bytes, size_t size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state), bytes, size);
}

// AVX2 where the CPU has it (the same hash; fewer instructions over long inputs), the
// baseline build (SSE2 on x86-64) otherwise.
Xxh3Update ChooseXxh3Update() {
#if defined(SHARDSIM_XXH3_AVX2)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return hash_internal::Xxh3UpdateAvx2;
#endif
  return Xxh3UpdateBaseline;
}

const Xxh3Update kXxh3Update = ChooseXxh3Update();

}  // namespace

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

struct StreamingHash::State {
  XXH3_state_t xxh;
};

StreamingHash::StreamingHash(uint64_t seed) : state_(std::make_unique<State>()) {
  XXH3_INITSTATE(&state_->xxh);
  XXH3_64bits_reset_withSeed(&state_->xxh, seed);
}

StreamingHash::~StreamingHash() = default;

StreamingHash::StreamingHash(const StreamingHash& other) : state_(std::make_unique<State>()) {
  XXH3_copyState(&state_->xxh, &other.state_->xxh);
}

StreamingHash& StreamingHash::operator=(const StreamingHash& other) {
  if (this != &other) XXH3_copyState(&state_->xxh, &other.state_->xxh);
  return *this;
}

void StreamingHash::Update(std::string_view bytes) {
  kXxh3Update(&state_->xxh, bytes.data(), bytes.size());
}

uint64_t StreamingHash::Digest() const { return XXH3_64bits_digest(&state_->xxh); }

uint64_t Fnv1a64(std::string_view bytes, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace shardsim::sim
