#include "server/protocol.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

constexpr int kMaxNesting = 64;
constexpr int64_t kMaxDataBytes = 1 << 20;
constexpr int kMaxPutRecordsEntries = 500;
constexpr int kMaxLimit = 10'000;
constexpr int64_t kMaxEpochSeconds = int64_t{1} << 36;

constexpr std::array<std::pair<Operation, std::string_view>, 15> kOperations = {{
    {Operation::kCreateStream, "CreateStream"},
    {Operation::kDeleteStream, "DeleteStream"},
    {Operation::kDescribeStream, "DescribeStream"},
    {Operation::kDescribeStreamSummary, "DescribeStreamSummary"},
    {Operation::kListStreams, "ListStreams"},
    {Operation::kListShards, "ListShards"},
    {Operation::kGetShardIterator, "GetShardIterator"},
    {Operation::kGetRecords, "GetRecords"},
    {Operation::kPutRecord, "PutRecord"},
    {Operation::kPutRecords, "PutRecords"},
    {Operation::kSplitShard, "SplitShard"},
    {Operation::kMergeShards, "MergeShards"},
    {Operation::kUpdateShardCount, "UpdateShardCount"},
    {Operation::kIncreaseStreamRetentionPeriod, "IncreaseStreamRetentionPeriod"},
    {Operation::kDecreaseStreamRetentionPeriod, "DecreaseStreamRetentionPeriod"},
}};

// The rest of the 2013-12-02 API (botocore's service-2.json).
constexpr std::array<std::string_view, 24> kUnimplemented = {
    "AddTagsToStream",
    "DeleteResourcePolicy",
    "DeregisterStreamConsumer",
    "DescribeLimits",
    "DescribeStreamConsumer",
    "DisableEnhancedMonitoring",
    "EnableEnhancedMonitoring",
    "GetResourcePolicy",
    "ListStreamConsumers",
    "ListTagsForResource",
    "ListTagsForStream",
    "PutResourcePolicy",
    "RegisterStreamConsumer",
    "RemoveTagsFromStream",
    "StartStreamEncryption",
    "StopStreamEncryption",
    "SubscribeToShard",
    "TagResource",
    "UntagResource",
    "UpdateStreamMode",
    "DescribeAccountSettings",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateStreamWarmThroughput",
};

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = absl::ascii_tolower(out[0]);
  return out;
}

std::string TypeName(const Json& v) {
  if (v.is_binary()) return "a byte string";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a structure";
  return "null";
}

// Nesting depth of a JSON text, counted outside strings; false past kMaxNesting.
bool JsonNestingWithinLimit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// The CBOR item sequence without its tag heads (nlohmann 3.11.2 cannot skip tags 0-5, and
// the Java SDK sends timestamps under tag 1), walked without recursion; nullopt for a head that
// cannot be read or nesting past kMaxNesting (nlohmann's reader recurses once per level, so
// this also bounds its stack).
std::optional<std::string> StripCborTags(std::string_view in) {
  std::string out;
  size_t copied_from = 0;
  // Per open container: items still expected (-1 for an indefinite length).
  std::vector<int64_t> open;
  size_t at = 0;
  auto item_done = [&open]() {
    while (!open.empty() && open.back() > 0 && --open.back() == 0) open.pop_back();
  };
  for (size_t steps = 0; at < in.size(); ++steps) {
    if (steps > in.size()) return std::nullopt;
    const size_t head_at = at;
    const uint8_t head = static_cast<uint8_t>(in[at++]);
    if (head == 0xff) {  // break
      if (open.empty() || open.back() != -1) return std::nullopt;
      open.pop_back();
      item_done();
      continue;
    }
    const int major = head >> 5;
    const int info = head & 0x1f;
    uint64_t arg = 0;
    bool indefinite = false;
    if (info < 24) {
      arg = static_cast<uint64_t>(info);
    } else if (info <= 27) {
      const size_t bytes = size_t{1} << (info - 24);
      if (in.size() - at < bytes) return std::nullopt;
      for (size_t i = 0; i < bytes; ++i) arg = (arg << 8) | static_cast<uint8_t>(in[at++]);
    } else if (info == 31 && major >= 2 && major <= 5) {
      indefinite = true;
    } else if (!(major == 7 && info < 28)) {
      return std::nullopt;
    }
    switch (major) {
      case 2:
      case 3:
        if (indefinite) {
          open.push_back(-1);
          if (open.size() > static_cast<size_t>(kMaxNesting)) return std::nullopt;
          continue;
        }
        if (arg > in.size() - at) return std::nullopt;
        at += static_cast<size_t>(arg);
        item_done();
        break;
      case 4:
      case 5: {
        if (!indefinite && arg == 0) {
          item_done();
          break;
        }
        if (!indefinite && arg > in.size()) return std::nullopt;  // more items than bytes left
        const int64_t items = indefinite ? -1 : static_cast<int64_t>(major == 5 ? 2 * arg : arg);
        open.push_back(items);
        if (open.size() > static_cast<size_t>(kMaxNesting)) return std::nullopt;
        break;
      }
      case 6:  // a tag: dropped; the next item is its content
        out.append(in.substr(copied_from, head_at - copied_from));
        copied_from = at;
        open.push_back(1);
        if (open.size() > static_cast<size_t>(kMaxNesting)) return std::nullopt;
        break;
      default:
        item_done();
    }
  }
  out.append(in.substr(copied_from));
  return out;
}

bool IsTimestampKey(std::string_view key) {
  return key == "Timestamp" || key == "StreamCreationTimestamp";
}

// CBOR -> the JSON form: blobs to base64, epoch milliseconds to seconds.
std::optional<ApiError> NormalizeCbor(Json& v, std::string_view key) {
  if (v.is_binary()) {
    if (key != "Data") {
      return SerializationError(sim::Cat("'", key, "' must not be a byte string"));
    }
    const std::vector<uint8_t>& bytes = v.get_binary();
    v = absl::Base64Escape(
        absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    return std::nullopt;
  }
  if (key == "Data" && !v.is_null()) {
    return SerializationError(sim::Cat("'Data' must be a byte string, got ", TypeName(v)));
  }
  if (IsTimestampKey(key) && v.is_number()) {
    v = v.get<double>() / 1000.0;
    return std::nullopt;
  }
  if (v.is_object()) {
    for (auto& [k, child] : v.items()) {
      if (auto e = NormalizeCbor(child, k)) return e;
    }
  } else if (v.is_array()) {
    for (Json& child : v) {
      if (auto e = NormalizeCbor(child, key == "Records" ? "" : key)) return e;
    }
  }
  return std::nullopt;
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

// AWS reads the number of a shard id, so "shardId-0000000000" (the seed article's spelling)
// names shardId-000000000000; ids are printed with 12 digits.
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

// Reads the members of one structure, keeping the first error.
class Fields {
 public:
  explicit Fields(const Json& object) : object_(object) {}

  const std::optional<ApiError>& error() const { return error_; }
  void Fail(ApiError e) {
    if (!error_) error_ = std::move(e);
  }
  void Violation(std::string_view key, std::string value_text, std::string constraint) {
    Fail(ValidationError(sim::Cat("1 validation error detected: Value ", value_text, " at '",
                                  LowerFirst(key), "' failed to satisfy constraint: Member ",
                                  constraint)));
  }
  void Missing(std::string_view key) { Violation(key, "null", "must not be null"); }

  const Json* Get(std::string_view key) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool Has(std::string_view key) { return Get(key) != nullptr; }

  std::optional<std::string> String(std::string_view key) {
    const Json* v = Get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return WrongType<std::string>(key, *v, "a string");
    return v->get<std::string>();
  }
  std::optional<int64_t> Integer(std::string_view key) {
    const Json* v = Get(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return v->get<int64_t>();
    if (v->is_number_unsigned()) {
      const uint64_t u = v->get<uint64_t>();
      return u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
    }
    return WrongType<int64_t>(key, *v, "an integer");
  }
  std::optional<bool> Bool(std::string_view key) {
    const Json* v = Get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) return WrongType<bool>(key, *v, "a boolean");
    return v->get<bool>();
  }
  // A base64 blob (JSON form), decoded.
  std::optional<std::string> Blob(std::string_view key) {
    std::optional<std::string> text = String(key);
    if (!text) return std::nullopt;
    std::string raw;
    if (!absl::Base64Unescape(sim::ToAbsl(*text), &raw)) {
      Fail(SerializationError(sim::Cat("'", key, "' is not valid base64")));
      return std::nullopt;
    }
    return raw;
  }
  // Epoch seconds, fractional.
  std::optional<model::Instant> Time(std::string_view key) {
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
  const Json* Array(std::string_view key) {
    const Json* v = Get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) return WrongType<const Json*>(key, *v, "a list").value_or(nullptr);
    return v;
  }
  const Json* Object(std::string_view key) {
    const Json* v = Get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) return WrongType<const Json*>(key, *v, "a structure").value_or(nullptr);
    return v;
  }

  // Constraint checks (ValidationException), which pass through absent values.
  template <typename T>
  std::optional<T> Required(std::string_view key, std::optional<T> value) {
    if (!value && !error_) Missing(key);
    return value;
  }
  void Length(std::string_view key, const std::optional<std::string>& v, size_t min, size_t max) {
    if (!v) return;
    if (v->size() < min) {
      Violation(key, Quote(*v), sim::Cat("must have length greater than or equal to ", min));
    } else if (v->size() > max) {
      Violation(key, Quote(*v), sim::Cat("must have length less than or equal to ", max));
    }
  }
  void Range(std::string_view key, const std::optional<int64_t>& v, int64_t min, int64_t max) {
    if (!v) return;
    if (*v < min) {
      Violation(key, sim::Cat("'", *v, "'"),
                sim::Cat("must have value greater than or equal to ", min));
    } else if (*v > max) {
      Violation(key, sim::Cat("'", *v, "'"),
                sim::Cat("must have value less than or equal to ", max));
    }
  }
  void Name(std::string_view key, const std::optional<std::string>& v) {
    Length(key, v, 1, 128);
    if (v && !v->empty() && v->size() <= 128 && !ValidName(*v)) {
      Violation(key, Quote(*v), "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
  }
  std::optional<std::string> ShardId(std::string_view key) {
    std::optional<std::string> id = String(key);
    Name(key, id);
    if (id) id = CanonicalShardId(*std::move(id));
    return id;
  }
  void Decimal(std::string_view key, const std::optional<std::string>& v, size_t max_digits) {
    if (v && !DecimalPattern(*v, max_digits)) {
      Violation(key, Quote(*v),
                sim::Cat("must satisfy regular expression pattern: 0|([1-9]\\d{0,", max_digits - 1,
                         "})"));
    }
  }
  void Enum(std::string_view key, const std::optional<std::string>& v,
            std::initializer_list<std::string_view> allowed) {
    if (!v) return;
    for (std::string_view a : allowed) {
      if (*v == a) return;
    }
    Violation(
        key, Quote(*v),
        sim::Cat("must satisfy enum value set: [",
                 absl::StrJoin(std::vector<std::string>(allowed.begin(), allowed.end()), ", "),
                 "]"));
  }

  // StreamName or StreamARN (the ARN wins when both name the same stream).
  std::optional<std::string> Stream(bool required = true) {
    std::optional<std::string> name = String("StreamName");
    std::optional<std::string> arn = String("StreamARN");
    Name("StreamName", name);
    Length("StreamARN", arn, 1, 2048);
    if (error_) return std::nullopt;
    if (!arn) {
      if (!name && required) Missing("StreamName");
      return name;
    }
    // arn:aws:kinesis:<region>:<account>:stream/<name>
    const std::vector<absl::string_view> parts = absl::StrSplit(*arn, absl::MaxSplits(':', 5));
    if (parts.size() != 6 || !absl::StartsWith(parts[0], "arn") ||
        !absl::StartsWith(parts[1], "aws") || parts[2] != "kinesis" ||
        !absl::StartsWith(parts[5], "stream/") || parts[4].size() != 12 ||
        !std::all_of(parts[4].begin(), parts[4].end(), absl::ascii_isdigit)) {
      Violation("StreamARN", Quote(*arn),
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
          sim::Cat("StreamARN ", *arn, " and StreamName ", *name, " name different streams.")));
      return std::nullopt;
    }
    return from_arn;
  }

 private:
  static std::string Quote(std::string_view v) {
    return sim::Cat("'", v.substr(0, 256), v.size() > 256 ? "...'" : "'");
  }
  template <typename T>
  std::optional<T> WrongType(std::string_view key, const Json& v, std::string_view wanted) {
    Fail(SerializationError(sim::Cat("'", key, "' must be ", wanted, ", got ", TypeName(v))));
    return std::nullopt;
  }

  const Json& object_;
  std::optional<ApiError> error_;
};

template <typename T>
Decoded<Request> Done(Fields& f, T call) {
  if (f.error()) return *f.error();
  return Request(std::move(call));
}

int ToInt(int64_t v) { return static_cast<int>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)); }

Decoded<Request> DecodeCreateStream(Fields& f) {
  CreateStreamCall call;
  std::optional<std::string> name = f.Required("StreamName", f.String("StreamName"));
  f.Name("StreamName", name);
  std::optional<int64_t> count = f.Integer("ShardCount");
  f.Range("ShardCount", count, 1, 100'000);
  std::optional<std::string> mode;
  if (const Json* details = f.Object("StreamModeDetails")) {
    Fields d(*details);
    mode = d.Required("StreamMode", d.String("StreamMode"));
    d.Enum("StreamMode", mode, {"PROVISIONED", "ON_DEMAND"});
    if (d.error()) f.Fail(*d.error());
  }
  call.request.StreamName = name.value_or("");
  call.request.ShardCount = ToInt(count.value_or(4));  // on-demand streams start with 4
  call.request.StreamModeDetails.StreamMode =
      mode.value_or(count ? "PROVISIONED" : "ON_DEMAND") == "ON_DEMAND"
          ? model::StreamMode::ON_DEMAND
          : model::StreamMode::PROVISIONED;
  return Done(f, std::move(call));
}

// Types, lengths and ranges only: what the arguments mean together (NextToken with StreamName,
// ShardFilter's members) is the model's to judge.
Decoded<Request> DecodeListShards(Fields& f) {
  ListShardsCall call;
  model::ListShardsRequest& r = call.request;
  r.StreamName = f.Stream(/*required=*/false).value_or("");
  r.NextToken = f.String("NextToken");
  f.Length("NextToken", r.NextToken, 1, 1048576);
  r.ExclusiveStartShardId = f.ShardId("ExclusiveStartShardId");
  std::optional<int64_t> max = f.Integer("MaxResults");
  f.Range("MaxResults", max, 1, model::kMaxPageSize);
  if (max) r.MaxResults = ToInt(*max);
  f.Time("StreamCreationTimestamp");  // accepted (type-checked) and not needed
  if (const Json* filter = f.Object("ShardFilter")) {
    Fields sf(*filter);
    std::optional<std::string> type = sf.Required("Type", sf.String("Type"));
    sf.Enum("Type", type,
            {"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP",
             "FROM_TIMESTAMP"});
    model::ShardFilter out;
    if (type) out.Type = model::ShardFilterTypeFromName(*type).value_or(out.Type);
    out.ShardId = sf.ShardId("ShardId");
    out.Timestamp = sf.Time("Timestamp");
    if (sf.error()) f.Fail(*sf.error());
    r.ShardFilter = std::move(out);
  }
  return Done(f, std::move(call));
}

Decoded<Request> DecodeGetShardIterator(Fields& f) {
  GetShardIteratorCall call;
  model::GetShardIteratorRequest& r = call.request;
  r.StreamName = f.Stream().value_or("");
  std::optional<std::string> shard = f.Required("ShardId", f.ShardId("ShardId"));
  r.ShardId = shard.value_or("");
  std::optional<std::string> type = f.Required("ShardIteratorType", f.String("ShardIteratorType"));
  f.Enum("ShardIteratorType", type,
         {"AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"});
  for (model::ShardIteratorType t :
       {model::ShardIteratorType::AT_SEQUENCE_NUMBER,
        model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, model::ShardIteratorType::TRIM_HORIZON,
        model::ShardIteratorType::LATEST, model::ShardIteratorType::AT_TIMESTAMP}) {
    if (type && *type == model::ShardIteratorTypeName(t)) r.ShardIteratorType = t;
  }
  r.StartingSequenceNumber = f.String("StartingSequenceNumber");
  f.Decimal("StartingSequenceNumber", r.StartingSequenceNumber, 129);
  r.Timestamp = f.Time("Timestamp");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeGetRecords(Fields& f) {
  GetRecordsCall call;
  std::optional<std::string> iterator = f.Required("ShardIterator", f.String("ShardIterator"));
  f.Length("ShardIterator", iterator, 1, 512);
  call.request.ShardIterator = iterator.value_or("");
  std::optional<int64_t> limit = f.Integer("Limit");
  f.Range("Limit", limit, 1, kMaxLimit);
  if (limit) call.request.Limit = ToInt(*limit);
  if (f.Has("StreamARN")) call.request.StreamName = f.Stream(/*required=*/false);
  return Done(f, std::move(call));
}

std::optional<std::string> Data(Fields& f) {
  std::optional<std::string> data = f.Required("Data", f.Blob("Data"));
  if (data && static_cast<int64_t>(data->size()) > kMaxDataBytes) {
    f.Violation("Data",
                "'java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(data->size()) +
                    " cap=" + std::to_string(data->size()) + "]'",
                sim::Cat("must have length less than or equal to ", kMaxDataBytes));
  }
  return data;
}

void PartitionKeyAndHash(Fields& f, std::string& key, std::optional<std::string>& hash) {
  std::optional<std::string> k = f.Required("PartitionKey", f.String("PartitionKey"));
  f.Length("PartitionKey", k, 1, 256);
  key = k.value_or("");
  hash = f.String("ExplicitHashKey");
  f.Decimal("ExplicitHashKey", hash, 39);
}

Decoded<Request> DecodePutRecord(Fields& f) {
  PutRecordCall call;
  call.request.StreamName = f.Stream().value_or("");
  call.request.Data = Data(f).value_or("");
  PartitionKeyAndHash(f, call.request.PartitionKey, call.request.ExplicitHashKey);
  f.Decimal("SequenceNumberForOrdering", f.String("SequenceNumberForOrdering"), 129);
  return Done(f, std::move(call));
}

Decoded<Request> DecodePutRecords(Fields& f) {
  PutRecordsCall call;
  call.request.StreamName = f.Stream().value_or("");
  const Json* records = f.Array("Records");
  if (records == nullptr) {
    if (!f.error()) f.Missing("Records");
    return Done(f, std::move(call));
  }
  if (records->empty() || records->size() > kMaxPutRecordsEntries) {
    f.Violation("Records", "'[...]'",
                records->empty() ? "must have length greater than or equal to 1"
                                 : "must have length less than or equal to 500");
    return Done(f, std::move(call));
  }
  for (const Json& entry : *records) {
    if (!entry.is_object()) {
      f.Fail(SerializationError(
          sim::Cat("'Records' entries must be structures, got ", TypeName(entry))));
      break;
    }
    Fields e(entry);
    model::PutRecordsRequestEntry out;
    out.Data = Data(e).value_or("");
    PartitionKeyAndHash(e, out.PartitionKey, out.ExplicitHashKey);
    if (e.error()) {
      f.Fail(*e.error());
      break;
    }
    call.request.Records.push_back(std::move(out));
  }
  return Done(f, std::move(call));
}

}  // namespace

std::string_view ContentType(Encoding encoding) {
  return encoding == Encoding::kCbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
}

std::optional<Encoding> EncodingForContentType(std::string_view content_type) {
  const absl::string_view type =
      absl::StripAsciiWhitespace(sim::ToAbsl(content_type.substr(0, content_type.find(';'))));
  if (absl::EqualsIgnoreCase(type, "application/x-amz-json-1.1") ||
      absl::EqualsIgnoreCase(type, "application/x-amz-json-1.0") ||
      absl::EqualsIgnoreCase(type, "application/json")) {
    return Encoding::kJson;
  }
  if (absl::EqualsIgnoreCase(type, "application/x-amz-cbor-1.1") ||
      absl::EqualsIgnoreCase(type, "application/cbor")) {
    return Encoding::kCbor;
  }
  return std::nullopt;
}

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

std::optional<Operation> OperationFromName(std::string_view name) {
  for (const auto& [op, op_name] : kOperations) {
    if (op_name == name) return op;
  }
  return std::nullopt;
}

std::string_view OperationName(Operation op) {
  for (const auto& [o, name] : kOperations) {
    if (o == op) return name;
  }
  return "?";
}

bool IsUnimplementedKinesisOperation(std::string_view name) {
  return std::find(kUnimplemented.begin(), kUnimplemented.end(), name) != kUnimplemented.end();
}

std::string StreamArn(std::string_view region, std::string_view stream) {
  return sim::Cat("arn:aws:kinesis:", region, ":", kAccount, ":stream/", stream);
}

namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : text_(text) {}

  std::optional<Json> Object() {
    Json doc = Json::object();
    SkipSpace();
    if (!Take('{')) return std::nullopt;
    SkipSpace();
    if (Take('}')) return End(std::move(doc));
    while (true) {
      std::optional<std::string_view> key = String();
      if (!key) return std::nullopt;
      SkipSpace();
      if (!Take(':')) return std::nullopt;
      SkipSpace();
      std::optional<Json> value = Value();
      if (!value) return std::nullopt;
      if (!doc.get_ref<Json::object_t&>().emplace(std::string(*key), *std::move(value)).second) {
        return std::nullopt;  // a key twice: nlohmann decides
      }
      SkipSpace();
      if (Take('}')) return End(std::move(doc));
      if (!Take(',')) return std::nullopt;
      SkipSpace();
    }
  }

 private:
  std::optional<Json> End(Json doc) {
    SkipSpace();
    if (at_ != text_.size()) return std::nullopt;
    return doc;
  }
  void SkipSpace() {
    while (at_ < text_.size() && IsJsonSpace(text_[at_])) ++at_;
  }
  bool Take(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool TakeWord(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  std::optional<std::string_view> String() {
    if (!Take('"')) return std::nullopt;
    const size_t begin = at_;
    for (; at_ < text_.size(); ++at_) {
      const char c = text_[at_];
      if (c == '"') return text_.substr(begin, at_++ - begin);
      if (c < 0x20 || c > 0x7e || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<Json> Value() {
    if (at_ >= text_.size()) return std::nullopt;
    const char c = text_[at_];
    if (c == '"') {
      std::optional<std::string_view> s = String();
      if (!s) return std::nullopt;
      return Json(std::string(*s));
    }
    if (TakeWord("true")) return Json(true);
    if (TakeWord("false")) return Json(false);
    if (TakeWord("null")) return Json(nullptr);
    return Integer();
  }
  // -?(0|[1-9][0-9]{0,17}), then a delimiter; "-0", fractions and exponents go to nlohmann.
  std::optional<Json> Integer() {
    const bool negative = Take('-');
    const size_t begin = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    const size_t digits = at_ - begin;
    if (digits == 0 || digits > 18 || (text_[begin] == '0' && (digits > 1 || negative))) {
      return std::nullopt;
    }
    if (at_ < text_.size() && !IsJsonSpace(text_[at_]) && text_[at_] != ',' && text_[at_] != '}') {
      return std::nullopt;
    }
    int64_t v = 0;
    for (size_t i = begin; i < at_; ++i) v = v * 10 + (text_[i] - '0');
    if (negative) return Json(static_cast<Json::number_integer_t>(-v));
    return Json(static_cast<Json::number_unsigned_t>(v));
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

std::optional<Json> ParseFlatJsonObject(std::string_view text) {
  return FlatJsonReader(text).Object();
}

Decoded<Json> ParseBody(std::string_view body, Encoding encoding) {
  if (body.empty()) return Json::object();
  Json doc;
  if (encoding == Encoding::kJson) {
    if (std::optional<Json> flat = ParseFlatJsonObject(body)) return *std::move(flat);
    if (!JsonNestingWithinLimit(body)) {
      return SerializationError(sim::Cat("the body nests deeper than ", kMaxNesting, " levels"));
    }
    doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return SerializationError("the body is not valid JSON");
  } else {
    const std::optional<std::string> untagged = StripCborTags(body);
    if (!untagged) return SerializationError("the body is not valid CBOR (or nests too deep)");
    doc = Json::from_cbor(*untagged, /*strict=*/true, /*allow_exceptions=*/false,
                          Json::cbor_tag_handler_t::ignore);
    if (doc.is_discarded()) return SerializationError("the body is not valid CBOR");
  }
  if (!doc.is_object()) {
    return SerializationError(sim::Cat("the body must be a structure, got ", TypeName(doc)));
  }
  if (encoding == Encoding::kCbor) {
    if (auto e = NormalizeCbor(doc, "")) return *e;
  }
  return doc;
}

Decoded<Request> DecodeRequest(Operation op, const Json& body) {
  Fields f(body);
  switch (op) {
    case Operation::kCreateStream:
      return DecodeCreateStream(f);
    case Operation::kDeleteStream: {
      DeleteStreamCall call;
      call.request.StreamName = f.Stream().value_or("");
      f.Bool("EnforceConsumerDeletion");
      return Done(f, std::move(call));
    }
    case Operation::kDescribeStream: {
      DescribeStreamCall call;
      call.request.StreamName = f.Stream().value_or("");
      std::optional<int64_t> limit = f.Integer("Limit");
      f.Range("Limit", limit, 1, model::kMaxPageSize);
      if (limit) call.request.Limit = ToInt(*limit);
      call.request.ExclusiveStartShardId = f.ShardId("ExclusiveStartShardId");
      return Done(f, std::move(call));
    }
    case Operation::kDescribeStreamSummary:
      return Done(f, DescribeStreamSummaryCall{f.Stream().value_or("")});
    case Operation::kListStreams: {
      ListStreamsCall call;
      model::ListStreamsRequest& r = call.request;
      std::optional<int64_t> limit = f.Integer("Limit");
      f.Range("Limit", limit, 1, model::kMaxPageSize);
      if (limit) r.Limit = ToInt(*limit);
      r.ExclusiveStartStreamName = f.String("ExclusiveStartStreamName");
      f.Name("ExclusiveStartStreamName", r.ExclusiveStartStreamName);
      r.NextToken = f.String("NextToken");
      f.Length("NextToken", r.NextToken, 1, 1048576);
      return Done(f, std::move(call));
    }
    case Operation::kListShards:
      return DecodeListShards(f);
    case Operation::kGetShardIterator:
      return DecodeGetShardIterator(f);
    case Operation::kGetRecords:
      return DecodeGetRecords(f);
    case Operation::kPutRecord:
      return DecodePutRecord(f);
    case Operation::kPutRecords:
      return DecodePutRecords(f);
    case Operation::kSplitShard: {
      SplitShardCall call;
      call.request.StreamName = f.Stream().value_or("");
      std::optional<std::string> shard = f.Required("ShardToSplit", f.ShardId("ShardToSplit"));
      std::optional<std::string> key =
          f.Required("NewStartingHashKey", f.String("NewStartingHashKey"));
      f.Decimal("NewStartingHashKey", key, 39);
      call.request.ShardToSplit = shard.value_or("");
      call.request.NewStartingHashKey = key.value_or("");
      return Done(f, std::move(call));
    }
    case Operation::kMergeShards: {
      MergeShardsCall call;
      call.request.StreamName = f.Stream().value_or("");
      std::optional<std::string> a = f.Required("ShardToMerge", f.ShardId("ShardToMerge"));
      std::optional<std::string> b =
          f.Required("AdjacentShardToMerge", f.ShardId("AdjacentShardToMerge"));
      call.request.ShardToMerge = a.value_or("");
      call.request.AdjacentShardToMerge = b.value_or("");
      return Done(f, std::move(call));
    }
    case Operation::kUpdateShardCount: {
      UpdateShardCountCall call;
      call.request.StreamName = f.Stream().value_or("");
      std::optional<int64_t> target = f.Required("TargetShardCount", f.Integer("TargetShardCount"));
      f.Range("TargetShardCount", target, 1, 100'000);
      std::optional<std::string> scaling = f.Required("ScalingType", f.String("ScalingType"));
      f.Enum("ScalingType", scaling, {"UNIFORM_SCALING"});
      call.request.TargetShardCount = ToInt(target.value_or(1));
      return Done(f, std::move(call));
    }
    case Operation::kIncreaseStreamRetentionPeriod:
    case Operation::kDecreaseStreamRetentionPeriod: {
      RetentionCall call;
      call.increase = op == Operation::kIncreaseStreamRetentionPeriod;
      call.request.StreamName = f.Stream().value_or("");
      std::optional<int64_t> hours =
          f.Required("RetentionPeriodHours", f.Integer("RetentionPeriodHours"));
      f.Range("RetentionPeriodHours", hours, 1, 100'000);
      call.request.RetentionPeriodHours = ToInt(hours.value_or(24));
      return Done(f, std::move(call));
    }
  }
  return SerializationError("unknown operation");
}

}  // namespace shardsim::server
