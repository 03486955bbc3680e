// The shard-iterator token codec: what an iterator names, as the opaque base64 text a
// consumer holds. Internal to the model.
//
// Token bytes (version 2), in two parts that are each whole groups of three bytes, so the text
// is the text of the first part followed by that of the second:
// - the stream's part: 7 zero bytes and a 1 (so tokens start "AAAAAAAAAAE", as real ones do),
//   the version, the stream name's length (255 for any longer name, which no token decodes to)
//   and the name, then zero bytes to a multiple of three;
// - the iterator's 39 bytes: flags (1 = stuck below the trim horizon), two zero bytes, the
//   big-endian 32-bit shard index, 64-bit bucket, ordinal and issue time (Unix microseconds), and
//   a sim::HashBytes checksum of those 31 bytes seeded with sim::HashBytes of the stream's part.
// The whole is standard base64 (never padded). A token is accepted only exactly as issued: any
// other spelling of the same bytes, a non-zero filler byte, a checksum mismatch or a malformed
// field decodes to nullopt. Since the stream's part is the same for all of a stream's tokens, an
// issuer keeps its text and encodes only the 39 bytes (IteratorTokenMemo): encoding a whole
// token in one piece was 6-7% of a polling run.
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

  // The characters of a token's iterator part (its last ones).
  static constexpr size_t kIteratorChars = 52;

 private:
  struct Entry {
    // The text's size (0: no entry) and last 8 characters (TailOf), compared before the text.
    size_t size = 0;
    uint64_t tail = 0;
    // An issued token's text is the stream part's text of `generation` and `iterator_text`; a
    // decoded one's is `text`.
    bool issued = false;
    uint64_t generation = 0;
    std::array<char, kIteratorChars> iterator_text{};
    std::string text;
    std::optional<DecodedToken> decoded;
  };
  // Whether `e` holds `text` (whose TailOf is `tail`).
  bool Matches(const Entry& e, std::string_view text, uint64_t tail) const;
  const DecodedToken* Remember(std::string_view text, std::optional<DecodedToken> decoded);

  // The stream part of the stream last encoded for: the stream, the part's text and its hash,
  // and a count that tells entries issued under an earlier one apart.
  std::string stream_;
  std::string stream_part_text_;
  uint64_t stream_part_hash_ = 0;
  uint64_t generation_ = 0;
  // Enough for every iterator a consumer holds while competing readers and its other shards'
  // readers get theirs: with 8, one poller in seven decoded its token again (a base64 decode
  // and a checksum, some 2,700 instructions), while a look at an entry that is not it costs a
  // compare of two words.
  std::array<Entry, 32> entries_;
  size_t next_ = 0;
};

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_ITERATOR_TOKEN_H_
