// The JSON fast path of request decoding: the flat JSON object most requests are, read without
// nlohmann's lexer. Hand-written because nlohmann's lexer cost a fifth of a GetRecords request
// when measured.
#ifndef SHARDSIM_SERVER_FLAT_JSON_H_
#define SHARDSIM_SERVER_FLAT_JSON_H_

#include <optional>
#include <string_view>

#include "server/api_error.h"

namespace shardsim::server {

// One flat object whose values are strings of printable ASCII without escapes, integers, true,
// false or null, with no key twice: exactly what nlohmann::json::parse gives for that text
// (non-negative integers unsigned, negative ones signed). nullopt for any other text, which
// then goes to nlohmann.
std::optional<Json> ParseFlatJsonObject(std::string_view text);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_FLAT_JSON_H_
