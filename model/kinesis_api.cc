#include "model/kinesis_api.h"

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

}  // namespace shardsim::model
