// Fixed 64-bit hashes of byte strings: the trace hash, iterator-token checksums, sub-stream names.
//
// HashBytes and StreamingHash are XXH3-64 (xxHash 0.8, specified in xxhash_spec.md, from
// Debian's libxxhash-dev), so a trace hash can be checked with any xxHash implementation over
// the records' hash encoding (sim/trace.h). Fixed across machines and versions; not
// cryptographic.
// Chaining (passing a previous result as `seed`) hashes a sequence of strings.
#ifndef SHARDSIM_SIM_HASH_H_
#define SHARDSIM_SIM_HASH_H_

#include <cstdint>
#include <memory>
#include <string_view>

namespace shardsim::sim {

// XXH3_64bits_withSeed(bytes, seed).
uint64_t HashBytes(std::string_view bytes, uint64_t seed = 0);

// XXH3-64 of the concatenation of everything passed to Update, without keeping it:
// Digest() == HashBytes(all bytes so far, seed) at any point.
class StreamingHash {
 public:
  explicit StreamingHash(uint64_t seed = 0);
  ~StreamingHash();
  StreamingHash(const StreamingHash& other);
  StreamingHash& operator=(const StreamingHash& other);

  void Update(std::string_view bytes);
  uint64_t Digest() const;

 private:
  struct State;  // xxHash's streaming state, kept out of this header
  std::unique_ptr<State> state_;
};

// FNV-1a 64-bit hash of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3); it
// names Random::Fork's sub-streams, so changing it would change every draw.
uint64_t Fnv1a64(std::string_view bytes, uint64_t basis = 0xcbf29ce484222325ULL);

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_HASH_H_
