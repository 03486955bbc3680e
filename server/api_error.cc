#include "server/api_error.h"

namespace shardsim::server {

ApiError SerializationError(std::string message) {
  return ApiError{400, "SerializationException", std::move(message)};
}
ApiError ValidationError(std::string message) {
  return ApiError{400, "ValidationException", std::move(message)};
}
ApiError InvalidArgumentError(std::string message) {
  return ApiError{400, "InvalidArgumentException", std::move(message)};
}
ApiError FromModel(const model::KinesisError& error) {
  return ApiError{400, std::string(model::ErrorName(error.code)), error.message};
}

std::string JsonTypeName(const Json& v) {
  if (v.is_binary()) return "a byte string";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a structure";
  return "null";
}

}  // namespace shardsim::server
