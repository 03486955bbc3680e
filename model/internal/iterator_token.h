// The shard-iterator token codec: what an iterator names, as the opaque base64 text a
// consumer holds. Internal to the model.
//
// Token bytes: 7 zero bytes and a 1 (so tokens start "AAAAAAAAAAE", as real ones do), the
// version, flags (1 = stuck below the trim horizon), then big-endian 64-bit shard index,
// bucket, ordinal, issue time (Unix microseconds) and stream-name length, the stream name, and
// a sim::HashBytes checksum of everything before it; the whole is standard padded base64.
// A token is accepted only exactly as issued: any other spelling of the same bytes, a
// checksum mismatch or a malformed field decodes to nullopt.
#ifndef SHARDSIM_MODEL_INTERNAL_ITERATOR_TOKEN_H_
#define SHARDSIM_MODEL_INTERNAL_ITERATOR_TOKEN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/internal/shard_store.h"
#include "sim/time.h"

namespace shardsim::model::internal {

struct IteratorToken {
  std::string stream;
  uint32_t shard_index = 0;
  Position position;
  Instant issued;
  bool stuck = false;
};

std::string EncodeIteratorToken(const IteratorToken& token);
// The same text into `text` (its capacity reused).
void EncodeIteratorTokenInto(const IteratorToken& token, std::string& text);
// The token `text` spells, or nullopt when it is not exactly a token EncodeIteratorToken gives.
std::optional<IteratorToken> DecodeIteratorToken(std::string_view text);

// A decoded token and the id of the shard it names (ShardIdFor(token.shard_index), kept so
// that describing an iterator needs neither a stream lookup nor a formatting).
struct DecodedToken {
  IteratorToken token;
  std::string shard_id;
};

// A memo of the tokens most recently encoded or decoded. Decoding is a pure function of the
// text, so answers from the memo are exact; it spares the decode of the token a consumer
// passes back right after receiving it. Not thread-safe: one per KinesisModel.
class IteratorTokenMemo {
 public:
  // `shard_id`: the id of the shard the token names (its issuer has it at hand).
  std::string Encode(const IteratorToken& token, std::string_view shard_id);
  // The same, into `out`'s room.
  void EncodeInto(const IteratorToken& token, std::string_view shard_id, std::string& out);
  // The token `text` spells, or nullptr when it is none. Valid until the next call.
  const DecodedToken* Decode(std::string_view text);

 private:
  struct Entry {
    std::string text;
    uint64_t tail = 0;  // the last 8 bytes of `text` (TailOf), compared before the text
    std::optional<DecodedToken> decoded;
  };
  const DecodedToken* Remember(std::string_view text, std::optional<DecodedToken> decoded);

  // Enough for every iterator a consumer holds while competing readers and its other shards'
  // readers get theirs: with 8, one poller in seven decoded its token again (a base64 decode
  // and a checksum, some 2,700 instructions), while a look at an entry that is not it costs a
  // compare of two words.
  std::array<Entry, 32> entries_;
  size_t next_ = 0;
};

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_ITERATOR_TOKEN_H_
