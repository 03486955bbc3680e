// The Kinesis wire protocol, decoding side: request bodies (JSON 1.1 or CBOR 1.1) to typed
// requests, with AWS-shaped errors. No I/O, no model state, so it can be fuzzed on its own.
//
// Two steps:
//   1. ParseBody: bytes -> a *normalized* JSON document, the form the JSON protocol uses: blobs
//      (`Data`) as base64 text and timestamps as epoch seconds. A CBOR body (the Java SDK's and
//      the KCL's default) has blobs as byte strings and timestamps as epoch milliseconds,
//      optionally under tag 1; both are converted (cbor.h). Most JSON bodies take a fast path
//      (flat_json.h). The log records this normalized form.
//   2. DecodeRequest: a normalized document -> the typed request of one operation
//      (request_decoders.cc), its members read by Fields (request_fields.h). Wrong JSON
//      types are SerializationException, missing or out-of-range members ValidationException
//      (with AWS's "1 validation error detected: ..." text), contradictory ones
//      InvalidArgumentException. Unknown members are ignored, as AWS does.
// Errors and the Decoded<T> result type are in api_error.h.
#ifndef SHARDSIM_SERVER_PROTOCOL_H_
#define SHARDSIM_SERVER_PROTOCOL_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "model/kinesis_api.h"
#include "server/api_error.h"
#include "server/flat_json.h"

namespace shardsim::server {

enum class Encoding { kJson, kCbor };
// The Content-Type of requests and responses in `encoding`.
std::string_view ContentType(Encoding encoding);
// application/x-amz-json-1.1 (also 1.0 and application/json) or application/x-amz-cbor-1.1;
// nullopt for anything else. Parameters after ';' are ignored.
std::optional<Encoding> EncodingForContentType(std::string_view content_type);

// The operations shardsim serves, by their X-Amz-Target suffix.
enum class Operation {
  kCreateStream,
  kDeleteStream,
  kDescribeStream,
  kDescribeStreamSummary,
  kListStreams,
  kListShards,
  kGetShardIterator,
  kGetRecords,
  kPutRecord,
  kPutRecords,
  kSplitShard,
  kMergeShards,
  kUpdateShardCount,
  kIncreaseStreamRetentionPeriod,
  kDecreaseStreamRetentionPeriod,
  kRegisterStreamConsumer,
  kDescribeStreamConsumer,
  kListStreamConsumers,
  kDeregisterStreamConsumer,
  kSubscribeToShard,
  kAddTagsToStream,
  kRemoveTagsFromStream,
  kListTagsForStream,
  kEnableEnhancedMonitoring,
  kDisableEnhancedMonitoring,
  kStartStreamEncryption,
  kStopStreamEncryption,
  kDescribeLimits,
};
inline constexpr std::string_view kTargetPrefix = "Kinesis_20131202.";
std::optional<Operation> OperationFromName(std::string_view name);
std::string_view OperationName(Operation op);
// True for the other operations of the Kinesis API (resource policies, TagResource,
// UpdateStreamMode, account settings, ...), which shardsim does not implement.
bool IsUnimplementedKinesisOperation(std::string_view name);

// Step 1. The body as a normalized document (see the header comment); an empty body is {}.
Decoded<Json> ParseBody(std::string_view body, Encoding encoding);

// Step 2: typed requests. Streams named by StreamARN are resolved to their name here (an ARN of
// another account names no stream: ResourceNotFoundException).
struct CreateStreamCall {
  model::CreateStreamRequest request;  // ON_DEMAND when ShardCount is absent (then 4 shards)
};
struct DeleteStreamCall {
  model::DeleteStreamRequest request;
};
struct DescribeStreamCall {
  model::DescribeStreamRequest request;
};
struct DescribeStreamSummaryCall {
  std::string stream;
};
struct ListStreamsCall {
  model::ListStreamsRequest request;
};
struct ListShardsCall {
  model::ListShardsRequest request;
};
struct GetShardIteratorCall {
  model::GetShardIteratorRequest request;
};
struct GetRecordsCall {
  model::GetRecordsRequest request;
};
struct PutRecordCall {
  model::PutRecordRequest request;
};
struct PutRecordsCall {
  model::PutRecordsRequest request;
};
struct SplitShardCall {
  model::SplitShardRequest request;
};
struct MergeShardsCall {
  model::MergeShardsRequest request;
};
struct UpdateShardCountCall {
  model::UpdateShardCountRequest request;
};
struct RetentionCall {
  model::RetentionPeriodRequest request;
  bool increase = true;
};

// Enhanced fan-out. Consumers are named by ARN (StreamARN, ConsumerARN); a StreamARN of another
// account names no stream.
struct RegisterStreamConsumerCall {
  model::RegisterStreamConsumerRequest request;
};
struct DescribeStreamConsumerCall {
  model::DescribeStreamConsumerRequest request;
};
struct ListStreamConsumersCall {
  model::ListStreamConsumersRequest request;
};
struct DeregisterStreamConsumerCall {
  model::DeregisterStreamConsumerRequest request;
};
struct SubscribeToShardCall {
  model::SubscribeToShardRequest request;
};
// Stream settings.
struct AddTagsToStreamCall {
  model::AddTagsToStreamRequest request;
};
struct RemoveTagsFromStreamCall {
  model::RemoveTagsFromStreamRequest request;
};
struct ListTagsForStreamCall {
  model::ListTagsForStreamRequest request;
};
struct EnhancedMonitoringCall {
  model::EnhancedMonitoringRequest request;
  bool enable = true;
};
struct StreamEncryptionCall {
  model::StreamEncryptionRequest request;
  bool start = true;
};
struct DescribeLimitsCall {};

using Request =
    std::variant<CreateStreamCall, DeleteStreamCall, DescribeStreamCall, DescribeStreamSummaryCall,
                 ListStreamsCall, ListShardsCall, GetShardIteratorCall, GetRecordsCall,
                 PutRecordCall, PutRecordsCall, SplitShardCall, MergeShardsCall,
                 UpdateShardCountCall, RetentionCall, RegisterStreamConsumerCall,
                 DescribeStreamConsumerCall, ListStreamConsumersCall, DeregisterStreamConsumerCall,
                 SubscribeToShardCall, AddTagsToStreamCall, RemoveTagsFromStreamCall,
                 ListTagsForStreamCall, EnhancedMonitoringCall, StreamEncryptionCall,
                 DescribeLimitsCall>;

Decoded<Request> DecodeRequest(Operation op, const Json& body);

// The account every stream belongs to (as in the model's messages).
inline constexpr std::string_view kAccount = "123456789012";
// "arn:aws:kinesis:<region>:123456789012:stream/<name>".
std::string StreamArn(std::string_view region, std::string_view stream);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_PROTOCOL_H_
