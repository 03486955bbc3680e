#include "sim/hash.h"

// xxHash compiled in from its header (XXH_INLINE_ALL, the library's documented header-only
// mode): shardsim's libraries and the users who link them need no libxxhash at link time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace shardsim::sim {

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
  XXH3_64bits_update(&state_->xxh, bytes.data(), bytes.size());
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
