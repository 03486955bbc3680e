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

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "model/kinesis_api.h"
#include "server/protocol.h"

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
// serialised body, or an error. KinesisService makes it a response in one place.
using Answer = std::variant<Json, Serialized, ApiError>;

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_RESPONSES_H_
