// The NextToken codec of ListShards, ListStreams and ListStreamConsumers: where the next page
// starts, as the opaque text a caller passes back. Internal to the model.
//
// A token is the JSON object {"k": kind, "a": the last name listed, "s": the stream (shards and
// consumers), "f": the ShardFilter (shards, when given), "t": the issue time in Unix
// microseconds}, a newline, the decimal sim::HashBytes checksum of that JSON text, all in URL-safe
// base64. Every member is type-checked on the way back, so a token altered along with its checksum
// is an InvalidArgumentException, never a crash; a token older than kNextTokenLifetime is an
// ExpiredNextTokenException, one issued in the future is invalid.
#ifndef SHARDSIM_MODEL_INTERNAL_NEXT_TOKEN_H_
#define SHARDSIM_MODEL_INTERNAL_NEXT_TOKEN_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/kinesis_api.h"

namespace shardsim::model::internal {

inline constexpr Duration kNextTokenLifetime = Duration::Micros(300'000'000);  // 300 s

// Where a ListShards listing resumes.
struct ShardsPage {
  std::string stream;
  std::string after;  // the last shard id listed
  std::optional<ShardFilter> filter;
};

std::string EncodeShardsToken(const ShardsPage& page, Instant issued);
Outcome<ShardsPage> DecodeShardsToken(std::string_view token, Instant now);

// ListStreams resumes after the stream name it returns.
std::string EncodeStreamsToken(std::string_view after, Instant issued);
Outcome<std::string> DecodeStreamsToken(std::string_view token, Instant now);

// ListStreamConsumers resumes after the consumer name it returns last.
struct ConsumersPage {
  std::string stream;
  std::string after;
};
std::string EncodeConsumersToken(const ConsumersPage& page, Instant issued);
Outcome<ConsumersPage> DecodeConsumersToken(std::string_view token, Instant now);

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_NEXT_TOKEN_H_
