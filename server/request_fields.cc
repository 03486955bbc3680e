#include "server/request_fields.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/protocol.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

constexpr int64_t kMaxEpochSeconds = int64_t{1} << 36;

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = absl::ascii_tolower(out[0]);
  return out;
}

std::string Quote(std::string_view v) {
  return sim::Cat("'", v.substr(0, 256), v.size() > 256 ? "...'" : "'");
}

bool ValidName(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool DecimalPattern(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Ids are printed with 12 digits.
std::string CanonicalShardId(std::string id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (id.size() <= kPrefix.size() || id.size() > kPrefix.size() + 20 ||
      std::string_view(id).substr(0, kPrefix.size()) != kPrefix) {
    return id;
  }
  uint64_t value = 0;
  for (size_t i = kPrefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return id;
    value = value * 10 + static_cast<uint64_t>(id[i] - '0');
    if (value > UINT32_MAX) return id;
  }
  std::string digits = std::to_string(value);
  if (digits.size() < 12) digits.insert(0, 12 - digits.size(), '0');
  return sim::Cat(kPrefix, digits);
}

}  // namespace

void Fields::Fail(ApiError e) {
  if (!error_) error_ = std::move(e);
}

void Fields::Violation(std::string_view key, std::string value_text, std::string constraint) {
  Fail(ValidationError(sim::Cat("1 validation error detected: Value ", value_text, " at '",
                                LowerFirst(key), "' failed to satisfy constraint: Member ",
                                constraint)));
}

void Fields::WrongTypeError(std::string_view key, const Json& v, std::string_view wanted) {
  Fail(SerializationError(sim::Cat("'", key, "' must be ", wanted, ", got ", JsonTypeName(v))));
}

const Json* Fields::Get(std::string_view key) const {
  const auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> Fields::String(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return WrongType<std::string>(key, *v, "a string");
  return v->get<std::string>();
}

std::optional<int64_t> Fields::Integer(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    return u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
  }
  return WrongType<int64_t>(key, *v, "an integer");
}

std::optional<bool> Fields::Bool(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) return WrongType<bool>(key, *v, "a boolean");
  return v->get<bool>();
}

std::optional<std::string> Fields::Blob(std::string_view key) {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  std::string raw;
  if (!absl::Base64Unescape(sim::ToAbsl(*text), &raw)) {
    Fail(SerializationError(sim::Cat("'", key, "' is not valid base64")));
    return std::nullopt;
  }
  return raw;
}

std::optional<model::Instant> Fields::Time(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) return WrongType<model::Instant>(key, *v, "a timestamp (epoch seconds)");
  const double seconds = v->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > static_cast<double>(kMaxEpochSeconds)) {
    Fail(SerializationError(sim::Cat("'", key,
                                     "' is not a timestamp between 1970 and the "
                                     "year 4147: ",
                                     v->dump())));
    return std::nullopt;
  }
  return model::Instant::FromUnixMicros(static_cast<int64_t>(std::llround(seconds * 1e6)));
}

const Json* Fields::Array(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) return WrongType<const Json*>(key, *v, "a list").value_or(nullptr);
  return v;
}

const Json* Fields::Object(std::string_view key) {
  const Json* v = Get(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) return WrongType<const Json*>(key, *v, "a structure").value_or(nullptr);
  return v;
}

void Fields::Length(std::string_view key, const std::optional<std::string>& v, size_t min,
                    size_t max) {
  if (!v) return;
  if (v->size() < min) {
    Violation(key, Quote(*v), sim::Cat("must have length greater than or equal to ", min));
  } else if (v->size() > max) {
    Violation(key, Quote(*v), sim::Cat("must have length less than or equal to ", max));
  }
}

void Fields::Range(std::string_view key, const std::optional<int64_t>& v, int64_t min,
                   int64_t max) {
  if (!v) return;
  if (*v < min) {
    Violation(key, sim::Cat("'", *v, "'"),
              sim::Cat("must have value greater than or equal to ", min));
  } else if (*v > max) {
    Violation(key, sim::Cat("'", *v, "'"), sim::Cat("must have value less than or equal to ", max));
  }
}

void Fields::Name(std::string_view key, const std::optional<std::string>& v) {
  Length(key, v, 1, 128);
  if (v && !v->empty() && v->size() <= 128 && !ValidName(*v)) {
    Violation(key, Quote(*v), "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
}

std::optional<std::string> Fields::ShardId(std::string_view key) {
  std::optional<std::string> id = String(key);
  Name(key, id);
  if (id) id = CanonicalShardId(*std::move(id));
  return id;
}

void Fields::Decimal(std::string_view key, const std::optional<std::string>& v, size_t max_digits) {
  if (v && !DecimalPattern(*v, max_digits)) {
    Violation(
        key, Quote(*v),
        sim::Cat("must satisfy regular expression pattern: 0|([1-9]\\d{0,", max_digits - 1, "})"));
  }
}

void Fields::Enum(std::string_view key, const std::optional<std::string>& v,
                  std::initializer_list<std::string_view> allowed) {
  if (!v) return;
  for (std::string_view a : allowed) {
    if (*v == a) return;
  }
  Violation(
      key, Quote(*v),
      sim::Cat("must satisfy enum value set: [",
               absl::StrJoin(std::vector<std::string>(allowed.begin(), allowed.end()), ", "), "]"));
}

std::optional<std::string> Fields::Stream(bool required) {
  std::optional<std::string> name = String("StreamName");
  std::optional<std::string> arn = String("StreamARN");
  Name("StreamName", name);
  Length("StreamARN", arn, 1, 2048);
  if (error_) return std::nullopt;
  if (!arn) {
    if (!name && required) Missing("StreamName");
    return name;
  }
  return StreamOfArn(*arn, name);
}

// arn:aws:kinesis:<region>:<account>:stream/<name>
std::optional<std::string> Fields::StreamOfArn(const std::string& arn,
                                               const std::optional<std::string>& name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(arn, absl::MaxSplits(':', 5));
  if (parts.size() != 6 || !absl::StartsWith(parts[0], "arn") ||
      !absl::StartsWith(parts[1], "aws") || parts[2] != "kinesis" ||
      !absl::StartsWith(parts[5], "stream/") || parts[4].size() != 12 ||
      !std::all_of(parts[4].begin(), parts[4].end(), absl::ascii_isdigit)) {
    Violation("StreamARN", Quote(arn),
              "must satisfy regular expression pattern: "
              "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
    return std::nullopt;
  }
  std::string from_arn(parts[5].substr(std::string_view("stream/").size()));
  if (parts[4] != sim::ToAbsl(kAccount)) {
    Fail(ApiError{400, "ResourceNotFoundException",
                  sim::Cat("Stream ", from_arn, " under account ", parts[4], " not found.")});
    return std::nullopt;
  }
  if (name && *name != from_arn) {
    Fail(InvalidArgumentError(
        sim::Cat("StreamARN ", arn, " and StreamName ", *name, " name different streams.")));
    return std::nullopt;
  }
  return from_arn;
}

}  // namespace shardsim::server
