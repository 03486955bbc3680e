// The errors of the Kinesis wire protocol as AWS sends them, and the result type of every
// decoding step: a value or one ApiError. Shared by the decoders (protocol.h, cbor.h,
// request_fields.h) and the service (service.h); no I/O, no model state.
#ifndef SHARDSIM_SERVER_API_ERROR_H_
#define SHARDSIM_SERVER_API_ERROR_H_

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "model/kinesis_api.h"

namespace shardsim::server {

using Json = nlohmann::json;

// An error as AWS sends it: the HTTP status and the body {"__type": type, "message": message}.
struct ApiError {
  int http_status = 400;
  std::string type;
  std::string message;
  friend bool operator==(const ApiError&, const ApiError&) = default;
};
ApiError SerializationError(std::string message);
ApiError ValidationError(std::string message);
ApiError InvalidArgumentError(std::string message);
// A model error, one to one.
ApiError FromModel(const model::KinesisError& error);

template <typename T>
using Decoded = std::variant<T, ApiError>;

// What a value is, for error messages: "a string", "a list", "a structure", "null", ...
std::string JsonTypeName(const Json& v);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_API_ERROR_H_
