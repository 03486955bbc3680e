// The CBOR 1.1 side of request decoding (the Java SDK's and the KCL's default): CBOR bytes made
// readable by nlohmann, and a CBOR document normalised to the form the JSON protocol uses, so
// the decoders (protocol.h) and the log see one form whatever the wire encoding.
#ifndef SHARDSIM_SERVER_CBOR_H_
#define SHARDSIM_SERVER_CBOR_H_

#include <optional>
#include <string>
#include <string_view>

#include "server/api_error.h"

namespace shardsim::server {

// The CBOR item sequence `in` without its tag heads (nlohmann 3.11.2 cannot skip tags 0-5, and
// the Java SDK sends timestamps under tag 1), walked without recursion; nullopt for a head that
// cannot be read or nesting past `max_nesting` (nlohmann's reader recurses once per level, so
// this also bounds its stack).
std::optional<std::string> StripCborTags(std::string_view in, int max_nesting);

// A document read from CBOR, in place to the JSON form: byte strings (only `Data` may be one,
// and `Data` must be one) to base64 text, `Timestamp` and `StreamCreationTimestamp` from epoch
// milliseconds to epoch seconds. A SerializationException for a misplaced or missing byte
// string; `key` is the member `v` is the value of ("" at the top).
std::optional<ApiError> NormalizeCbor(Json& v, std::string_view key = "");

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_CBOR_H_
