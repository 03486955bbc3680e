// The protocol layer on its own: bodies to normalized documents (JSON and CBOR as the Java SDK
// encodes it), documents to typed requests, and the errors of each step.
#include "server/protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/responses.h"

namespace shardsim::server {
namespace {

std::string Bytes(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

Json Doc(const Decoded<Json>& d) {
  const ApiError* e = std::get_if<ApiError>(&d);
  EXPECT_EQ(e, nullptr) << (e ? e->type + ": " + e->message : "");
  return e ? Json() : std::get<Json>(d);
}

ApiError Err(const Decoded<Json>& d) {
  const ApiError* e = std::get_if<ApiError>(&d);
  return e ? *e : ApiError{0, "none", ""};
}

template <typename T>
T Typed(const Decoded<Request>& d) {
  const ApiError* e = std::get_if<ApiError>(&d);
  EXPECT_EQ(e, nullptr) << (e ? e->type + ": " + e->message : "");
  return e ? T{} : std::get<T>(std::get<Request>(d));
}

ApiError Err(const Decoded<Request>& d) {
  const ApiError* e = std::get_if<ApiError>(&d);
  return e ? *e : ApiError{0, "none", ""};
}

TEST(ProtocolTest, ContentTypesNameTheirEncodingAndIgnoreParameters) {
  EXPECT_EQ(EncodingForContentType("application/x-amz-json-1.1"), Encoding::kJson);
  EXPECT_EQ(EncodingForContentType("application/x-amz-json-1.1; charset=utf-8"), Encoding::kJson);
  EXPECT_EQ(EncodingForContentType("application/x-amz-cbor-1.1"), Encoding::kCbor);
  EXPECT_EQ(EncodingForContentType("text/plain"), std::nullopt);
  EXPECT_EQ(EncodingForContentType(""), std::nullopt);
}

TEST(ProtocolTest, CborByteStringsBecomeBase64AndMillisecondsBecomeSeconds) {
  // As the Java SDK encodes GetShardIterator AT_TIMESTAMP: tag 1 on epoch milliseconds.
  Json doc = {{"StreamName", "s"},
              {"ShardId", "shardId-000000000000"},
              {"ShardIteratorType", "AT_TIMESTAMP"},
              {"Timestamp", 0}};
  std::vector<uint8_t> cbor = Json::to_cbor(doc);
  // Replace the final 0x00 (Timestamp 0) with tag 1 + uint64 1680678490670.
  cbor.pop_back();
  const uint64_t ms = 1680678490670;
  cbor.push_back(0xc1);
  cbor.push_back(0x1b);
  for (int i = 7; i >= 0; --i) cbor.push_back(static_cast<uint8_t>(ms >> (8 * i)));
  const Json parsed = Doc(ParseBody(Bytes(cbor), Encoding::kCbor));
  EXPECT_DOUBLE_EQ(parsed["Timestamp"].get<double>(), 1680678490.670);
  const auto call =
      Typed<GetShardIteratorCall>(DecodeRequest(Operation::kGetShardIterator, parsed));
  EXPECT_EQ(call.request.Timestamp, sim::Instant::FromUnixMillis(1680678490670));

  Json put = {{"StreamName", "s"},
              {"PartitionKey", "k"},
              {"Data", Json::binary(std::vector<uint8_t>{'a', 0, 0xff})}};
  const Json normalized = Doc(ParseBody(Bytes(Json::to_cbor(put)), Encoding::kCbor));
  EXPECT_EQ(normalized["Data"], "YQD/");
  const auto record = Typed<PutRecordCall>(DecodeRequest(Operation::kPutRecord, normalized));
  EXPECT_EQ(record.request.Data, std::string("a\0\xff", 3));
}

TEST(ProtocolTest, CborDataAsTextIsASerializationError) {
  Json put = {{"StreamName", "s"}, {"PartitionKey", "k"}, {"Data", "YQ=="}};
  EXPECT_EQ(Err(ParseBody(Bytes(Json::to_cbor(put)), Encoding::kCbor)).type,
            "SerializationException");
}

TEST(ProtocolTest, DeepNestingIsRefusedInBothEncodingsWithoutRecursion) {
  EXPECT_EQ(Err(ParseBody(std::string(100000, '['), Encoding::kJson)).type,
            "SerializationException");
  EXPECT_EQ(Err(ParseBody(std::string(100000, '\x81'), Encoding::kCbor)).type,
            "SerializationException");
  EXPECT_EQ(Err(ParseBody(std::string(100000, '\xc1'), Encoding::kCbor)).type,
            "SerializationException");
  // Brackets inside strings do not count.
  EXPECT_TRUE(
      Doc(ParseBody(
              R"({"StreamName": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})",
              Encoding::kJson))
          .is_object());
}

TEST(ProtocolTest, TruncatedAndNonObjectBodiesAreSerializationErrors) {
  EXPECT_EQ(Err(ParseBody("{\"StreamName\": \"s\"", Encoding::kJson)).type,
            "SerializationException");
  EXPECT_EQ(Err(ParseBody("[1, 2]", Encoding::kJson)).type, "SerializationException");
  std::vector<uint8_t> cbor = Json::to_cbor(Json{{"StreamName", "stream"}});
  cbor.resize(cbor.size() - 3);
  EXPECT_EQ(Err(ParseBody(Bytes(cbor), Encoding::kCbor)).type, "SerializationException");
  EXPECT_TRUE(Doc(ParseBody("", Encoding::kJson)).is_object());
}

TEST(ProtocolTest, WrongTypesAreSerializationErrorsAndMissingMembersValidationErrors) {
  EXPECT_EQ(Err(DecodeRequest(Operation::kCreateStream, Json{{"StreamName", 5}})).type,
            "SerializationException");
  EXPECT_EQ(
      Err(DecodeRequest(Operation::kCreateStream, Json{{"StreamName", "s"}, {"ShardCount", "1"}}))
          .type,
      "SerializationException");
  const ApiError missing = Err(DecodeRequest(Operation::kGetRecords, Json::object()));
  EXPECT_EQ(missing.type, "ValidationException");
  EXPECT_EQ(missing.message,
            "1 validation error detected: Value null at 'shardIterator' failed to satisfy "
            "constraint: Member must not be null");
  const ApiError limit =
      Err(DecodeRequest(Operation::kGetRecords, Json{{"ShardIterator", "x"}, {"Limit", 0}}));
  EXPECT_EQ(limit.message,
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
}

TEST(ProtocolTest, StreamArnNamesTheStreamAndMustAgreeWithStreamName) {
  const Json by_arn = {{"StreamARN", "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"}};
  EXPECT_EQ(
      Typed<DescribeStreamSummaryCall>(DecodeRequest(Operation::kDescribeStreamSummary, by_arn))
          .stream,
      "orders");
  Json both = by_arn;
  both["StreamName"] = "other";
  EXPECT_EQ(Err(DecodeRequest(Operation::kDescribeStreamSummary, both)).type,
            "InvalidArgumentException");
  const Json foreign = {{"StreamARN", "arn:aws:kinesis:eu-west-1:999999999999:stream/orders"}};
  EXPECT_EQ(Err(DecodeRequest(Operation::kDescribeStreamSummary, foreign)).type,
            "ResourceNotFoundException");
  const Json garbage = {{"StreamARN", "orders"}};
  EXPECT_EQ(Err(DecodeRequest(Operation::kDescribeStreamSummary, garbage)).type,
            "ValidationException");
}

TEST(ProtocolTest, ShardIdsWithFewerDigitsNameTheSameShard) {
  const Json body = {{"StreamName", "s"},
                     {"ShardId", "shardId-0000000000"},
                     {"ShardIteratorType", "TRIM_HORIZON"}};
  EXPECT_EQ(Typed<GetShardIteratorCall>(DecodeRequest(Operation::kGetShardIterator, body))
                .request.ShardId,
            "shardId-000000000000");
}

TEST(ProtocolTest, CreateStreamWithoutShardCountIsOnDemandWithFourShards) {
  const auto call =
      Typed<CreateStreamCall>(DecodeRequest(Operation::kCreateStream, Json{{"StreamName", "s"}}));
  EXPECT_EQ(call.request.ShardCount, 4);
  EXPECT_EQ(call.request.StreamModeDetails.StreamMode, model::StreamMode::ON_DEMAND);
}

TEST(ProtocolTest, CborAnswersCarryBytesAndMillisecondsAndTheirJsonFormEqualsTheJsonAnswer) {
  model::GetRecordsResponse response;
  response.Records.push_back(model::Record{"4963", sim::Instant::FromUnixMillis(1680678490670),
                                           std::string("a\0", 2), "1"});
  response.NextShardIterator = "AAAA";
  response.MillisBehindLatest = 5;
  const Json cbor = GetRecordsValue(response, Encoding::kCbor);
  EXPECT_TRUE(cbor["Records"][0]["Data"].is_binary());
  EXPECT_EQ(cbor["Records"][0]["ApproximateArrivalTimestamp"], 1680678490670);
  const Json json = GetRecordsValue(response, Encoding::kJson);
  EXPECT_EQ(json["Records"][0]["Data"], "YQA=");
  EXPECT_EQ(JsonForm(cbor), json);
  EXPECT_FALSE(json.contains("ChildShards"));
}

TEST(ProtocolTest, HandWrittenGetRecordsTextEqualsTheSerializedDocument) {
  model::GetRecordsResponse response;
  for (int64_t ms : {1680678490000, 1680678490670, 1680678490007, 1680678490120, int64_t{0}}) {
    response.Records.push_back(
        model::Record{"49639543389862895699365693304023657829928072185817071618",
                      sim::Instant::FromUnixMillis(ms), std::string("\0ab", 3), "key-1"});
  }
  response.NextShardIterator = "AAAAAAAAAAE+/=";
  response.MillisBehindLatest = 63180000;
  EXPECT_EQ(GetRecordsJsonText(response),
            Serialize(GetRecordsValue(response, Encoding::kJson), Encoding::kJson));
  response.NextShardIterator.reset();
  response.Records.clear();
  EXPECT_EQ(GetRecordsJsonText(response),
            Serialize(GetRecordsValue(response, Encoding::kJson), Encoding::kJson));
  response.Records.push_back(
      model::Record{"1", sim::Instant::FromUnixMillis(5), "", "needs \"escaping\""});
  EXPECT_EQ(GetRecordsJsonText(response), std::nullopt);
}

}  // namespace
}  // namespace shardsim::server
