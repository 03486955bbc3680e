#include "properties/internal/strict_json_reader.h"

#include "absl/strings/str_cat.h"

namespace shardsim::properties::internal {

using nlohmann::json;

StrictJsonReader::StrictJsonReader(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) Fail("must be an object");
}

const json& StrictJsonReader::Get(const std::string& key) {
  seen_.insert(key);
  if (!object_.is_object() || !object_.contains(key)) {
    Fail(absl::StrCat("is missing key \"", key, "\""));
    static const json kNull;
    return kNull;
  }
  return object_.at(key);
}

std::string StrictJsonReader::Path(const std::string& key) const {
  return absl::StrCat(path_, ".", key);
}

int64_t StrictJsonReader::Int(const std::string& key, int64_t min, int64_t max) {
  const json& v = Get(key);
  if (!error_.ok()) return 0;
  if (!v.is_number_integer()) {
    Fail(absl::StrCat("key \"", key, "\" must be an integer"));
    return 0;
  }
  const bool above_int64 =
      v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  const int64_t out = above_int64 ? INT64_MAX : v.get<int64_t>();
  if (out < min || out > max) {
    Fail(absl::StrCat("key \"", key, "\" must be between ", min, " and ", max, ", got ", v.dump()));
  }
  return out;
}

uint64_t StrictJsonReader::Unsigned(const std::string& key) {
  const json& v = Get(key);
  if (!error_.ok()) return 0;
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    Fail(absl::StrCat("key \"", key, "\" must be a non-negative integer"));
    return 0;
  }
  return v.get<uint64_t>();
}

sim::Duration StrictJsonReader::Micros(const std::string& key, int64_t min) {
  return sim::Duration::Micros(Int(key, min, kMaxMicros));
}

std::optional<int64_t> StrictJsonReader::OptionalInt(const std::string& key, int64_t min,
                                                     int64_t max) {
  const json& v = Get(key);
  if (!error_.ok() || v.is_null()) return std::nullopt;
  return Int(key, min, max);
}

std::string StrictJsonReader::String(const std::string& key) {
  const json& v = Get(key);
  if (!error_.ok()) return "";
  if (!v.is_string()) {
    Fail(absl::StrCat("key \"", key, "\" must be a string"));
    return "";
  }
  return v.get<std::string>();
}

const json& StrictJsonReader::Array(const std::string& key) {
  const json& v = Get(key);
  if (error_.ok() && !v.is_array()) Fail(absl::StrCat("key \"", key, "\" must be an array"));
  return v;
}

absl::Status StrictJsonReader::Finish() {
  if (error_.ok() && object_.is_object()) {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) Fail(absl::StrCat("has unknown key \"", key, "\""));
    }
  }
  return error_;
}

void StrictJsonReader::Fail(const std::string& what) {
  if (error_.ok()) error_ = absl::InvalidArgumentError(absl::StrCat(path_, " ", what));
}

absl::Status StrictJsonReader::Merge(const absl::Status& inner) {
  if (error_.ok() && !inner.ok()) error_ = inner;
  return error_;
}

}  // namespace shardsim::properties::internal
