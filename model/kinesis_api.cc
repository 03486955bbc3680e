#include "model/kinesis_api.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace shardsim::model {

std::string_view ErrorName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kExpiredIterator:
      return "ExpiredIteratorException";
    case ErrorCode::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceededException";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgumentException";
    case ErrorCode::kResourceNotFound:
      return "ResourceNotFoundException";
    case ErrorCode::kResourceInUse:
      return "ResourceInUseException";
    case ErrorCode::kLimitExceeded:
      return "LimitExceededException";
    case ErrorCode::kExpiredNextToken:
      return "ExpiredNextTokenException";
  }
  return "?";
}

std::string KinesisError::ToString() const {
  const std::string_view name = ErrorName(code);
  return absl::StrCat(absl::string_view(name.data(), name.size()), ": ", message);
}

std::string_view ShardIteratorTypeName(ShardIteratorType type) {
  switch (type) {
    case ShardIteratorType::AT_SEQUENCE_NUMBER:
      return "AT_SEQUENCE_NUMBER";
    case ShardIteratorType::AFTER_SEQUENCE_NUMBER:
      return "AFTER_SEQUENCE_NUMBER";
    case ShardIteratorType::TRIM_HORIZON:
      return "TRIM_HORIZON";
    case ShardIteratorType::LATEST:
      return "LATEST";
    case ShardIteratorType::AT_TIMESTAMP:
      return "AT_TIMESTAMP";
  }
  return "?";
}

std::string_view ConsumerStatusName(ConsumerStatus status) {
  switch (status) {
    case ConsumerStatus::CREATING:
      return "CREATING";
    case ConsumerStatus::DELETING:
      return "DELETING";
    case ConsumerStatus::ACTIVE:
      return "ACTIVE";
  }
  return "?";
}

std::string_view StreamStatusName(StreamStatus status) {
  switch (status) {
    case StreamStatus::CREATING:
      return "CREATING";
    case StreamStatus::DELETING:
      return "DELETING";
    case StreamStatus::ACTIVE:
      return "ACTIVE";
    case StreamStatus::UPDATING:
      return "UPDATING";
  }
  return "?";
}

std::string_view EncryptionTypeName(EncryptionType type) {
  return type == EncryptionType::KMS ? "KMS" : "NONE";
}

std::string_view StreamModeName(StreamMode mode) {
  return mode == StreamMode::ON_DEMAND ? "ON_DEMAND" : "PROVISIONED";
}

namespace {
constexpr std::pair<ShardFilterType, std::string_view> kShardFilterTypes[] = {
    {ShardFilterType::AFTER_SHARD_ID, "AFTER_SHARD_ID"},
    {ShardFilterType::AT_TRIM_HORIZON, "AT_TRIM_HORIZON"},
    {ShardFilterType::FROM_TRIM_HORIZON, "FROM_TRIM_HORIZON"},
    {ShardFilterType::AT_LATEST, "AT_LATEST"},
    {ShardFilterType::AT_TIMESTAMP, "AT_TIMESTAMP"},
    {ShardFilterType::FROM_TIMESTAMP, "FROM_TIMESTAMP"},
};
}  // namespace

std::string_view ShardFilterTypeName(ShardFilterType type) {
  for (const auto& [t, name] : kShardFilterTypes) {
    if (t == type) return name;
  }
  return "?";
}

std::optional<ShardFilterType> ShardFilterTypeFromName(std::string_view name) {
  for (const auto& [t, type_name] : kShardFilterTypes) {
    if (type_name == name) return t;
  }
  return std::nullopt;
}

}  // namespace shardsim::model
