// The Kinesis wire protocol, encoding side: model responses to documents in either encoding.
//
// JSON (application/x-amz-json-1.1): blobs as base64 text, timestamps as epoch seconds (a
// fractional number, millisecond precision as AWS sends them). CBOR (application/x-amz-cbor-1.1):
// blobs as byte strings, timestamps as integer epoch milliseconds without tag 1 (what
// kinesis-mock sends and the Java SDK accepts; nlohmann cannot tag an integer). Optional AWS
// members are left out when absent, as AWS does (NextShardIterator at the end of a closed
// shard; ChildShards unless non-empty).
#ifndef SHARDSIM_SERVER_RESPONSES_H_
#define SHARDSIM_SERVER_RESPONSES_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "model/kinesis_api.h"
#include "server/protocol.h"
#include "server/response_stream.h"

namespace shardsim::server {

Json BlobValue(std::string_view bytes, Encoding encoding);
Json TimeValue(model::Instant t, Encoding encoding);

Json ShardValue(const model::Shard& shard);
Json ChildShardValue(const model::ChildShard& child);
Json RecordValue(const model::Record& record, Encoding encoding);

Json GetRecordsValue(const model::GetRecordsResponse& response, Encoding encoding);
// The JSON text of GetRecordsValue(response, kJson), written directly (the GetRecords hot
// path; nlohmann's tree and serializer took half its time). nullopt when a partition key needs
// escaping: then use GetRecordsValue.
std::optional<std::string> GetRecordsJsonText(const model::GetRecordsResponse& response);
// A SubscribeToShardEvent's payload: Records, ContinuationSequenceNumber (absent at a shard's
// end), MillisBehindLatest, ChildShards (when non-empty).
Json SubscribeToShardEventValue(const model::SubscribeToShardEvent& event, Encoding encoding);
// A consumer as RegisterStreamConsumer and ListStreamConsumers describe it, its ARN in `region`.
Json ConsumerValue(const model::Consumer& consumer, std::string_view region, Encoding encoding);
Json PutRecordValue(const model::PutRecordResponse& response);
Json PutRecordsValue(const model::PutRecordsResponse& response);
Json ErrorValue(const ApiError& error);

// A CBOR-form document in the JSON form (blobs to base64, millisecond timestamps to seconds),
// for the log.
Json JsonForm(const Json& cbor_doc);

// The body bytes of `doc` in `encoding`.
std::string Serialize(const Json& doc, Encoding encoding);

// A body already serialised (GetRecordsJsonText), sent as it is.
struct Serialized {
  std::string text;
};
// What the service answers a Kinesis call with: a document to encode (null: an empty body), a
// serialised body, an error, or a body sent over time (SubscribeToShard's event stream).
// KinesisService makes it a response in one place.
using Answer = std::variant<Json, Serialized, ApiError, std::shared_ptr<ResponseStream>>;

// AWS ARNs in the model name region us-east-1; on the wire they name the region of the request
// (its SigV4 credential scope). ModelArn rewrites a Kinesis ARN of any region to the model's;
// RegionalArn a model ARN to `region`. Other text is returned as it is.
std::string ModelArn(std::string_view arn);
std::string RegionalArn(std::string_view model_arn, std::string_view region);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_RESPONSES_H_
