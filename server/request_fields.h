// Fields: the members of one request structure (a normalised document, protocol.h), read with
// AWS's type checks and constraints. Every accessor records the first error and then keeps
// answering (absent values pass through the constraint checks), so a decoder reads all its
// members straight through and asks error() once: a wrong JSON type is a
// SerializationException, a missing or out-of-range member a ValidationException with AWS's
// "1 validation error detected: ..." text, a StreamARN that contradicts StreamName an
// InvalidArgumentException.
#ifndef SHARDSIM_SERVER_REQUEST_FIELDS_H_
#define SHARDSIM_SERVER_REQUEST_FIELDS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "model/kinesis_api.h"
#include "server/api_error.h"

namespace shardsim::server {

class Fields {
 public:
  // `object` must outlive the Fields.
  explicit Fields(const Json& object) : object_(object) {}

  const std::optional<ApiError>& error() const { return error_; }
  // Records `e` unless an error is recorded already.
  void Fail(ApiError e);
  // A ValidationException: `value_text` at `key` fails `constraint`.
  void Violation(std::string_view key, std::string value_text, std::string constraint);
  void Missing(std::string_view key) { Violation(key, "null", "must not be null"); }

  // The member, or nullptr when absent or null.
  const Json* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }

  // Typed reads: nullopt (nullptr) when absent, or after recording a wrong type.
  std::optional<std::string> String(std::string_view key);
  std::optional<int64_t> Integer(std::string_view key);  // saturated to int64
  std::optional<bool> Bool(std::string_view key);
  std::optional<std::string> Blob(std::string_view key);     // base64 text, decoded
  std::optional<model::Instant> Time(std::string_view key);  // fractional epoch seconds
  const Json* Array(std::string_view key);
  const Json* Object(std::string_view key);

  // Constraint checks (ValidationException), which pass through absent values.
  template <typename T>
  std::optional<T> Required(std::string_view key, std::optional<T> value) {
    if (!value && !error_) Missing(key);
    return value;
  }
  void Length(std::string_view key, const std::optional<std::string>& v, size_t min, size_t max);
  void Range(std::string_view key, const std::optional<int64_t>& v, int64_t min, int64_t max);
  // [a-zA-Z0-9_.-]{1,128}: stream and shard names.
  void Name(std::string_view key, const std::optional<std::string>& v);
  void Decimal(std::string_view key, const std::optional<std::string>& v, size_t max_digits);
  void Enum(std::string_view key, const std::optional<std::string>& v,
            std::initializer_list<std::string_view> allowed);

  // A shard id, canonical: AWS reads the number, so "shardId-0000000000" (the seed article's
  // spelling) names shardId-000000000000.
  std::optional<std::string> ShardId(std::string_view key);
  // StreamName or StreamARN (the ARN wins when both name the same stream); an ARN of another
  // account names no stream: ResourceNotFoundException.
  std::optional<std::string> Stream(bool required = true);

 private:
  std::optional<std::string> StreamOfArn(const std::string& arn,
                                         const std::optional<std::string>& name);
  template <typename T>
  std::optional<T> WrongType(std::string_view key, const Json& v, std::string_view wanted) {
    WrongTypeError(key, v, wanted);
    return std::nullopt;
  }
  void WrongTypeError(std::string_view key, const Json& v, std::string_view wanted);

  const Json& object_;
  std::optional<ApiError> error_;
};

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_REQUEST_FIELDS_H_
