// DecodeRequest (protocol.h): one decoder per operation, each reading its members through
// Fields (request_fields.h) and returning the typed request or the first error.
#include <algorithm>
#include <cstdint>

#include "server/protocol.h"
#include "server/request_fields.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

constexpr int64_t kMaxDataBytes = 1 << 20;
constexpr int kMaxPutRecordsEntries = 500;
constexpr int kMaxLimit = 10'000;

template <typename T>
Decoded<Request> Done(Fields& f, T call) {
  if (f.error()) return *f.error();
  return Request(std::move(call));
}

// A required shard id member, canonical ("" when absent: the error is recorded).
std::string RequiredShardId(Fields& f, std::string_view key) {
  return f.Required(key, f.ShardId(key)).value_or("");
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
  r.ShardId = RequiredShardId(f, "ShardId");
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
          sim::Cat("'Records' entries must be structures, got ", JsonTypeName(entry))));
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

Decoded<Request> DecodeDeleteStream(Fields& f) {
  DeleteStreamCall call;
  call.request.StreamName = f.Stream().value_or("");
  f.Bool("EnforceConsumerDeletion");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeDescribeStream(Fields& f) {
  DescribeStreamCall call;
  call.request.StreamName = f.Stream().value_or("");
  std::optional<int64_t> limit = f.Integer("Limit");
  f.Range("Limit", limit, 1, model::kMaxPageSize);
  if (limit) call.request.Limit = ToInt(*limit);
  call.request.ExclusiveStartShardId = f.ShardId("ExclusiveStartShardId");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeListStreams(Fields& f) {
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

Decoded<Request> DecodeSplitShard(Fields& f) {
  SplitShardCall call;
  call.request.StreamName = f.Stream().value_or("");
  call.request.ShardToSplit = RequiredShardId(f, "ShardToSplit");
  std::optional<std::string> key = f.Required("NewStartingHashKey", f.String("NewStartingHashKey"));
  f.Decimal("NewStartingHashKey", key, 39);
  call.request.NewStartingHashKey = key.value_or("");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeMergeShards(Fields& f) {
  MergeShardsCall call;
  call.request.StreamName = f.Stream().value_or("");
  call.request.ShardToMerge = RequiredShardId(f, "ShardToMerge");
  call.request.AdjacentShardToMerge = RequiredShardId(f, "AdjacentShardToMerge");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeUpdateShardCount(Fields& f) {
  UpdateShardCountCall call;
  call.request.StreamName = f.Stream().value_or("");
  std::optional<int64_t> target = f.Required("TargetShardCount", f.Integer("TargetShardCount"));
  f.Range("TargetShardCount", target, 1, 100'000);
  std::optional<std::string> scaling = f.Required("ScalingType", f.String("ScalingType"));
  f.Enum("ScalingType", scaling, {"UNIFORM_SCALING"});
  call.request.TargetShardCount = ToInt(target.value_or(1));
  return Done(f, std::move(call));
}

Decoded<Request> DecodeRetention(Fields& f, bool increase) {
  RetentionCall call;
  call.increase = increase;
  call.request.StreamName = f.Stream().value_or("");
  std::optional<int64_t> hours =
      f.Required("RetentionPeriodHours", f.Integer("RetentionPeriodHours"));
  f.Range("RetentionPeriodHours", hours, 1, 100'000);
  call.request.RetentionPeriodHours = ToInt(hours.value_or(24));
  return Done(f, std::move(call));
}

// A required StreamARN (1..2048 characters), as the consumer operations take it.
std::optional<std::string> StreamArnMember(Fields& f, bool required) {
  std::optional<std::string> arn = f.String("StreamARN");
  if (required) f.Required("StreamARN", arn);
  f.Length("StreamARN", arn, 1, 2048);
  return arn;
}

Decoded<Request> DecodeRegisterStreamConsumer(Fields& f) {
  RegisterStreamConsumerCall call;
  call.request.StreamARN = StreamArnMember(f, /*required=*/true).value_or("");
  std::optional<std::string> name = f.Required("ConsumerName", f.String("ConsumerName"));
  f.Length("ConsumerName", name, 1, 128);
  call.request.ConsumerName = name.value_or("");
  return Done(f, std::move(call));
}

model::ConsumerSelector Selector(Fields& f) {
  model::ConsumerSelector selector;
  selector.StreamARN = StreamArnMember(f, /*required=*/false);
  selector.ConsumerName = f.String("ConsumerName");
  f.Length("ConsumerName", selector.ConsumerName, 1, 128);
  selector.ConsumerARN = f.String("ConsumerARN");
  f.Length("ConsumerARN", selector.ConsumerARN, 1, 2048);
  return selector;
}

Decoded<Request> DecodeListStreamConsumers(Fields& f) {
  ListStreamConsumersCall call;
  model::ListStreamConsumersRequest& r = call.request;
  r.StreamARN = StreamArnMember(f, /*required=*/true).value_or("");
  r.NextToken = f.String("NextToken");
  f.Length("NextToken", r.NextToken, 1, 1048576);
  std::optional<int64_t> max = f.Integer("MaxResults");
  f.Range("MaxResults", max, 1, model::kMaxPageSize);
  if (max) r.MaxResults = ToInt(*max);
  r.StreamCreationTimestamp = f.Time("StreamCreationTimestamp");
  return Done(f, std::move(call));
}

Decoded<Request> DecodeSubscribeToShard(Fields& f) {
  SubscribeToShardCall call;
  model::SubscribeToShardRequest& r = call.request;
  std::optional<std::string> arn = f.Required("ConsumerARN", f.String("ConsumerARN"));
  f.Length("ConsumerARN", arn, 1, 2048);
  r.ConsumerARN = arn.value_or("");
  r.ShardId = RequiredShardId(f, "ShardId");
  const Json* start = f.Object("StartingPosition");
  if (start == nullptr) {
    if (!f.error()) f.Missing("StartingPosition");
    return Done(f, std::move(call));
  }
  Fields sp(*start);
  std::optional<std::string> type = sp.Required("Type", sp.String("Type"));
  sp.Enum(
      "Type", type,
      {"AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"});
  for (model::ShardIteratorType t :
       {model::ShardIteratorType::AT_SEQUENCE_NUMBER,
        model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, model::ShardIteratorType::TRIM_HORIZON,
        model::ShardIteratorType::LATEST, model::ShardIteratorType::AT_TIMESTAMP}) {
    if (type && *type == model::ShardIteratorTypeName(t)) r.StartingPosition.Type = t;
  }
  r.StartingPosition.SequenceNumber = sp.String("SequenceNumber");
  sp.Decimal("SequenceNumber", r.StartingPosition.SequenceNumber, 129);
  r.StartingPosition.Timestamp = sp.Time("Timestamp");
  if (sp.error()) f.Fail(*sp.error());
  return Done(f, std::move(call));
}

// A list of 1..`max` strings of 1..`max_length` characters.
std::vector<std::string> StringList(Fields& f, std::string_view key, size_t max,
                                    size_t max_length) {
  std::vector<std::string> out;
  const Json* list = f.Array(key);
  if (list == nullptr) {
    if (!f.error()) f.Missing(key);
    return out;
  }
  if (list->empty() || list->size() > max) {
    f.Violation(key, "'[...]'", sim::Cat("must have length between 1 and ", max));
    return out;
  }
  for (const Json& item : *list) {
    if (!item.is_string()) {
      f.Fail(SerializationError(
          sim::Cat("'", key, "' entries must be strings, got ", JsonTypeName(item))));
      return out;
    }
    const std::string& text = item.get_ref<const std::string&>();
    if (text.empty() || text.size() > max_length) {
      f.Violation(key, "'[...]'",
                  sim::Cat("must have entries of length between 1 and ", max_length));
      return out;
    }
    out.push_back(text);
  }
  return out;
}

Decoded<Request> DecodeAddTagsToStream(Fields& f) {
  AddTagsToStreamCall call;
  call.request.StreamName = f.Stream().value_or("");
  const Json* tags = f.Object("Tags");
  if (tags == nullptr) {
    if (!f.error()) f.Missing("Tags");
    return Done(f, std::move(call));
  }
  if (tags->empty() || tags->size() > 200) {
    f.Violation("Tags", "'{...}'", "must have length between 1 and 200");
    return Done(f, std::move(call));
  }
  for (const auto& [key, value] : tags->items()) {
    if (!value.is_string()) {
      f.Fail(
          SerializationError(sim::Cat("'Tags' values must be strings, got ", JsonTypeName(value))));
      break;
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (key.empty() || key.size() > 128 || text.size() > 256) {
      f.Violation("Tags", "'{...}'",
                  "must have keys of length between 1 and 128 and values of at most 256");
      break;
    }
    call.request.Tags.push_back(model::Tag{key, text});
  }
  return Done(f, std::move(call));
}

Decoded<Request> DecodeRemoveTagsFromStream(Fields& f) {
  RemoveTagsFromStreamCall call;
  call.request.StreamName = f.Stream().value_or("");
  call.request.TagKeys = StringList(f, "TagKeys", 50, 128);
  return Done(f, std::move(call));
}

Decoded<Request> DecodeListTagsForStream(Fields& f) {
  ListTagsForStreamCall call;
  call.request.StreamName = f.Stream().value_or("");
  call.request.ExclusiveStartTagKey = f.String("ExclusiveStartTagKey");
  f.Length("ExclusiveStartTagKey", call.request.ExclusiveStartTagKey, 1, 128);
  std::optional<int64_t> limit = f.Integer("Limit");
  f.Range("Limit", limit, 1, model::kMaxTagsPerStream);
  if (limit) call.request.Limit = ToInt(*limit);
  return Done(f, std::move(call));
}

Decoded<Request> DecodeEnhancedMonitoring(Fields& f, bool enable) {
  EnhancedMonitoringCall call;
  call.enable = enable;
  call.request.StreamName = f.Stream().value_or("");
  call.request.ShardLevelMetrics = StringList(f, "ShardLevelMetrics", 7, 64);
  for (const std::string& name : call.request.ShardLevelMetrics) {
    f.Enum("ShardLevelMetrics", name,
           {"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
            "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded",
            "IteratorAgeMilliseconds", "ALL"});
  }
  return Done(f, std::move(call));
}

Decoded<Request> DecodeStreamEncryption(Fields& f, bool start) {
  StreamEncryptionCall call;
  call.start = start;
  call.request.StreamName = f.Stream().value_or("");
  std::optional<std::string> type = f.Required("EncryptionType", f.String("EncryptionType"));
  f.Enum("EncryptionType", type, {"NONE", "KMS"});
  call.request.EncryptionType =
      type.value_or("KMS") == "KMS" ? model::EncryptionType::KMS : model::EncryptionType::NONE;
  std::optional<std::string> key = f.Required("KeyId", f.String("KeyId"));
  f.Length("KeyId", key, 1, 2048);
  call.request.KeyId = key.value_or("");
  return Done(f, std::move(call));
}

}  // namespace

// Every case returns and there is no default: -Wswitch makes an Operation without a decoder a
// compile error.
Decoded<Request> DecodeRequest(Operation op, const Json& body) {
  Fields f(body);
  switch (op) {
    case Operation::kCreateStream:
      return DecodeCreateStream(f);
    case Operation::kDeleteStream:
      return DecodeDeleteStream(f);
    case Operation::kDescribeStream:
      return DecodeDescribeStream(f);
    case Operation::kDescribeStreamSummary:
      return Done(f, DescribeStreamSummaryCall{f.Stream().value_or("")});
    case Operation::kListStreams:
      return DecodeListStreams(f);
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
    case Operation::kSplitShard:
      return DecodeSplitShard(f);
    case Operation::kMergeShards:
      return DecodeMergeShards(f);
    case Operation::kUpdateShardCount:
      return DecodeUpdateShardCount(f);
    case Operation::kIncreaseStreamRetentionPeriod:
      return DecodeRetention(f, /*increase=*/true);
    case Operation::kDecreaseStreamRetentionPeriod:
      return DecodeRetention(f, /*increase=*/false);
    case Operation::kRegisterStreamConsumer:
      return DecodeRegisterStreamConsumer(f);
    case Operation::kDescribeStreamConsumer:
      return Done(f, DescribeStreamConsumerCall{Selector(f)});
    case Operation::kListStreamConsumers:
      return DecodeListStreamConsumers(f);
    case Operation::kDeregisterStreamConsumer:
      return Done(f, DeregisterStreamConsumerCall{Selector(f)});
    case Operation::kSubscribeToShard:
      return DecodeSubscribeToShard(f);
    case Operation::kAddTagsToStream:
      return DecodeAddTagsToStream(f);
    case Operation::kRemoveTagsFromStream:
      return DecodeRemoveTagsFromStream(f);
    case Operation::kListTagsForStream:
      return DecodeListTagsForStream(f);
    case Operation::kEnableEnhancedMonitoring:
      return DecodeEnhancedMonitoring(f, /*enable=*/true);
    case Operation::kDisableEnhancedMonitoring:
      return DecodeEnhancedMonitoring(f, /*enable=*/false);
    case Operation::kStartStreamEncryption:
      return DecodeStreamEncryption(f, /*start=*/true);
    case Operation::kStopStreamEncryption:
      return DecodeStreamEncryption(f, /*start=*/false);
    case Operation::kDescribeLimits:
      return Done(f, DescribeLimitsCall{});
  }
}

}  // namespace shardsim::server
