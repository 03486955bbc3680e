#include "server/responses.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "sim/strings.h"

namespace shardsim::server {

Json BlobValue(std::string_view bytes, Encoding encoding) {
  if (encoding == Encoding::kCbor) {
    return Json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }
  return absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()));
}

Json TimeValue(model::Instant t, Encoding encoding) {
  const int64_t ms = t.unix_millis();
  if (encoding == Encoding::kCbor) return ms;
  return static_cast<double>(ms) / 1000.0;
}

namespace {
Json HashKeyRangeValue(const model::HashKeyRangeText& range) {
  return Json{{"StartingHashKey", range.StartingHashKey}, {"EndingHashKey", range.EndingHashKey}};
}
}  // namespace

Json ShardValue(const model::Shard& shard) {
  Json out{{"ShardId", shard.ShardId}, {"HashKeyRange", HashKeyRangeValue(shard.HashKeyRange)}};
  if (shard.ParentShardId) out["ParentShardId"] = *shard.ParentShardId;
  if (shard.AdjacentParentShardId) out["AdjacentParentShardId"] = *shard.AdjacentParentShardId;
  Json range{{"StartingSequenceNumber", shard.SequenceNumberRange.StartingSequenceNumber}};
  if (shard.SequenceNumberRange.EndingSequenceNumber) {
    range["EndingSequenceNumber"] = *shard.SequenceNumberRange.EndingSequenceNumber;
  }
  out["SequenceNumberRange"] = std::move(range);
  return out;
}

Json ChildShardValue(const model::ChildShard& child) {
  return Json{{"ShardId", child.ShardId},
              {"ParentShards", child.ParentShards},
              {"HashKeyRange", HashKeyRangeValue(child.HashKeyRange)}};
}

Json RecordValue(const model::Record& record, Encoding encoding) {
  return Json{
      {"SequenceNumber", record.SequenceNumber},
      {"ApproximateArrivalTimestamp", TimeValue(record.ApproximateArrivalTimestamp, encoding)},
      {"Data", BlobValue(record.Data, encoding)},
      {"PartitionKey", record.PartitionKey}};
}

Json GetRecordsValue(const model::GetRecordsResponse& response, Encoding encoding) {
  Json records = Json::array();
  for (const model::Record& r : response.Records) records.push_back(RecordValue(r, encoding));
  Json out{{"Records", std::move(records)}, {"MillisBehindLatest", response.MillisBehindLatest}};
  if (response.NextShardIterator) out["NextShardIterator"] = *response.NextShardIterator;
  if (!response.ChildShards.empty()) {
    Json children = Json::array();
    for (const model::ChildShard& c : response.ChildShards) children.push_back(ChildShardValue(c));
    out["ChildShards"] = std::move(children);
  }
  return out;
}

namespace {

bool PlainJsonText(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void AppendString(std::string& out, std::string_view s) {
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

// Epoch milliseconds as nlohmann prints ms / 1000.0: the shortest round-trip form, "S.0" or
// "S.f", "S.ff", "S.fff" without trailing zeros.
void AppendSeconds(std::string& out, int64_t ms) {
  out += std::to_string(ms / 1000);
  int64_t frac = ms % 1000;
  out.push_back('.');
  if (frac == 0) {
    out.push_back('0');
    return;
  }
  char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10)};
  size_t n = 3;
  while (digits[n - 1] == '0') --n;
  out.append(digits, n);
}

}  // namespace

std::optional<std::string> GetRecordsJsonText(const model::GetRecordsResponse& response) {
  if (!response.ChildShards.empty()) return std::nullopt;
  std::string out;
  size_t size = 128;
  for (const model::Record& r : response.Records) {
    if (!PlainJsonText(r.PartitionKey) || r.ApproximateArrivalTimestamp.unix_micros() < 0) {
      return std::nullopt;
    }
    size += 160 + r.PartitionKey.size() + r.Data.size() * 4 / 3;
  }
  out.reserve(size + (response.NextShardIterator ? response.NextShardIterator->size() : 0));
  // Keys in nlohmann's (sorted) order, so the text equals GetRecordsValue(...).dump().
  out += "{\"MillisBehindLatest\":";
  out += std::to_string(response.MillisBehindLatest);
  if (response.NextShardIterator) {
    out += ",\"NextShardIterator\":";
    AppendString(out, *response.NextShardIterator);
  }
  out += ",\"Records\":[";
  bool first = true;
  for (const model::Record& r : response.Records) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"ApproximateArrivalTimestamp\":";
    AppendSeconds(out, r.ApproximateArrivalTimestamp.unix_millis());
    out += ",\"Data\":\"";
    out += absl::Base64Escape(absl::string_view(r.Data.data(), r.Data.size()));
    out += "\",\"PartitionKey\":";
    AppendString(out, r.PartitionKey);
    out += ",\"SequenceNumber\":";
    AppendString(out, r.SequenceNumber);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

Json SubscribeToShardEventValue(const model::SubscribeToShardEvent& event, Encoding encoding) {
  Json records = Json::array();
  for (const model::Record& r : event.Records) records.push_back(RecordValue(r, encoding));
  Json out{{"Records", std::move(records)}, {"MillisBehindLatest", event.MillisBehindLatest}};
  if (event.ContinuationSequenceNumber) {
    out["ContinuationSequenceNumber"] = *event.ContinuationSequenceNumber;
  }
  if (!event.ChildShards.empty()) {
    Json children = Json::array();
    for (const model::ChildShard& c : event.ChildShards) children.push_back(ChildShardValue(c));
    out["ChildShards"] = std::move(children);
  }
  return out;
}

Json ConsumerValue(const model::Consumer& consumer, std::string_view region, Encoding encoding) {
  return Json{
      {"ConsumerName", consumer.ConsumerName},
      {"ConsumerARN", RegionalArn(consumer.ConsumerARN, region)},
      {"ConsumerStatus", std::string(model::ConsumerStatusName(consumer.ConsumerStatus))},
      {"ConsumerCreationTimestamp", TimeValue(consumer.ConsumerCreationTimestamp, encoding)}};
}

namespace {
constexpr std::string_view kKinesisArnPrefix = "arn:aws:kinesis:";
constexpr std::string_view kModelRegion = "us-east-1";

// The ARN with its region replaced by `region` (ARNs of another kind as they are).
std::string WithRegion(std::string_view arn, std::string_view region) {
  if (arn.substr(0, kKinesisArnPrefix.size()) != kKinesisArnPrefix) return std::string(arn);
  const size_t end = arn.find(':', kKinesisArnPrefix.size());
  if (end == std::string_view::npos) return std::string(arn);
  return sim::Cat(kKinesisArnPrefix, region, arn.substr(end));
}
}  // namespace

std::string ModelArn(std::string_view arn) { return WithRegion(arn, kModelRegion); }

std::string RegionalArn(std::string_view model_arn, std::string_view region) {
  return WithRegion(model_arn, region.empty() ? kModelRegion : region);
}

Json PutRecordValue(const model::PutRecordResponse& response) {
  return Json{{"ShardId", response.ShardId}, {"SequenceNumber", response.SequenceNumber}};
}

Json PutRecordsValue(const model::PutRecordsResponse& response) {
  Json records = Json::array();
  for (const model::PutRecordsResultEntry& e : response.Records) {
    Json entry = Json::object();
    if (e.SequenceNumber) entry["SequenceNumber"] = *e.SequenceNumber;
    if (e.ShardId) entry["ShardId"] = *e.ShardId;
    if (e.ErrorCode) entry["ErrorCode"] = *e.ErrorCode;
    if (e.ErrorMessage) entry["ErrorMessage"] = *e.ErrorMessage;
    records.push_back(std::move(entry));
  }
  return Json{{"FailedRecordCount", response.FailedRecordCount}, {"Records", std::move(records)}};
}

Json ErrorValue(const ApiError& error) {
  return Json{{"__type", error.type}, {"message", error.message}};
}

Json JsonForm(const Json& cbor_doc) {
  if (cbor_doc.is_binary()) {
    const std::vector<uint8_t>& bytes = cbor_doc.get_binary();
    return absl::Base64Escape(
        absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  if (cbor_doc.is_array()) {
    Json out = Json::array();
    for (const Json& v : cbor_doc) out.push_back(JsonForm(v));
    return out;
  }
  if (!cbor_doc.is_object()) return cbor_doc;
  Json out = Json::object();
  for (const auto& [key, v] : cbor_doc.items()) {
    const bool timestamp = key == "ApproximateArrivalTimestamp" || key == "StreamCreationTimestamp";
    out[key] = timestamp && v.is_number_integer() ? Json(v.get<int64_t>() / 1000.0) : JsonForm(v);
  }
  return out;
}

std::string Serialize(const Json& doc, Encoding encoding) {
  if (encoding == Encoding::kJson) {
    return doc.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
  }
  std::vector<uint8_t> bytes = Json::to_cbor(doc);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace shardsim::server
