// Bad input, table-driven: every row is one request and the exact HTTP status and __type AWS
// would send. After the table the stream holds exactly what it held before. Then the transport
// cases: a 20 MiB body, a truncated body, a slow client (while another client is served).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "tests/server/test_server.h"

namespace shardsim::server {
namespace {

using testing::Client;
using testing::Reply;
using testing::TestServer;

namespace http = boost::beast::http;

struct Row {
  const char* name;
  std::string target;  // operation, or a full X-Amz-Target when it contains '.', or "" for none
  std::string body;    // JSON text with $placeholders, or raw bytes for non-JSON rows
  int status;
  const char* type;
  std::string content_type = "application/x-amz-json-1.1";
  std::string method = "POST";
  std::string path = "/";
};

std::string Repeat(const std::string& item, int n, const std::string& sep = ",") {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? sep : "") + item;
  return out;
}

std::vector<Row> Rows() {
  const std::string entry = R"({"Data":"YQ==","PartitionKey":"k"})";
  const std::string two_mib_data(2 * 1024 * 1024 / 3 * 4, 'A');
  std::vector<uint8_t> cbor_text_data =
      Json::to_cbor(Json{{"StreamName", "s"}, {"PartitionKey", "k"}, {"Data", "YQ=="}});
  return {
      {"missing target", "", "{}", 400, "UnknownOperationException"},
      {"unknown operation", "Frobnicate", "{}", 400, "UnknownOperationException"},
      {"another service's target", "DynamoDB_20120810.ListTables", "{}", 400,
       "UnknownOperationException"},
      {"unimplemented operation", "PutResourcePolicy", "{}", 400, "UnknownOperationException"},
      {"malformed JSON", "ListStreams", "{\"Limit\": ", 400, "SerializationException"},
      {"malformed CBOR", "ListStreams", "\xbf\x61", 400, "SerializationException",
       "application/x-amz-cbor-1.1"},
      {"CBOR Data as text", "PutRecord", std::string(cbor_text_data.begin(), cbor_text_data.end()),
       400, "SerializationException", "application/x-amz-cbor-1.1"},
      {"body is a list", "ListStreams", "[]", 400, "SerializationException"},
      {"unsupported content type", "ListStreams", "{}", 400, "SerializationException",
       "text/plain"},
      {"deeply nested body", "ListStreams", std::string(1000, '['), 400, "SerializationException"},
      {"StreamName a number", "DescribeStream", R"({"StreamName": 5})", 400,
       "SerializationException"},
      {"Limit a string", "GetRecords", R"({"ShardIterator": "$it", "Limit": "1"})", 400,
       "SerializationException"},
      {"Records not a list", "PutRecords", R"({"StreamName": "s", "Records": {}})", 400,
       "SerializationException"},
      {"Timestamp a string", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "yesterday"})",
       400, "SerializationException"},
      {"bad base64 Data", "PutRecord", R"({"StreamName": "s", "PartitionKey": "k", "Data": "!!!"})",
       400, "SerializationException"},
      {"missing StreamName", "PutRecord", R"({"PartitionKey": "k", "Data": "YQ=="})", 400,
       "ValidationException"},
      {"missing ShardIterator", "GetRecords", "{}", 400, "ValidationException"},
      {"missing ShardIteratorType", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000"})", 400, "ValidationException"},
      {"unknown ShardIteratorType", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "OLDEST"})",
       400, "ValidationException"},
      {"Limit 0", "GetRecords", R"({"ShardIterator": "$it", "Limit": 0})", 400,
       "ValidationException"},
      {"Limit 10001", "GetRecords", R"({"ShardIterator": "$it", "Limit": 10001})", 400,
       "ValidationException"},
      {"a 2 MiB record", "PutRecord",
       R"({"StreamName": "s", "PartitionKey": "k", "Data": ")" + two_mib_data + "\"}", 400,
       "ValidationException"},
      {"PutRecords with 501 entries", "PutRecords",
       R"({"StreamName": "s", "Records": [)" + Repeat(entry, 501) + "]}", 400,
       "ValidationException"},
      {"PutRecords with no entries", "PutRecords", R"({"StreamName": "s", "Records": []})", 400,
       "ValidationException"},
      {"invalid stream name", "CreateStream", R"({"StreamName": "bad name", "ShardCount": 1})", 400,
       "ValidationException"},
      {"ShardCount 0", "CreateStream", R"({"StreamName": "u", "ShardCount": 0})", 400,
       "ValidationException"},
      {"ExplicitHashKey not a number", "PutRecord",
       R"({"StreamName": "s", "PartitionKey": "k", "Data": "YQ==", "ExplicitHashKey": "abc"})", 400,
       "ValidationException"},
      {"unknown ScalingType", "UpdateShardCount",
       R"({"StreamName": "s", "TargetShardCount": 3, "ScalingType": "WHATEVER"})", 400,
       "ValidationException"},
      {"garbage iterator", "GetRecords", R"({"ShardIterator": "AAAAAAAAAAEnotatoken"})", 400,
       "InvalidArgumentException"},
      {"expired iterator", "GetRecords", R"({"ShardIterator": "$expired"})", 400,
       "ExpiredIteratorException"},
      {"iterator from another stream", "GetRecords",
       R"({"ShardIterator": "$it_t", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"})",
       400, "InvalidArgumentException"},
      {"unknown stream", "DescribeStreamSummary", R"({"StreamName": "nope"})", 400,
       "ResourceNotFoundException"},
      {"stream of another account", "DescribeStreamSummary",
       R"({"StreamARN": "arn:aws:kinesis:us-east-1:210987654321:stream/s"})", 400,
       "ResourceNotFoundException"},
      {"unknown shard", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000009", "ShardIteratorType": "LATEST"})",
       400, "ResourceNotFoundException"},
      {"sequence number of another shard", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": "$seq1"})",
       400, "InvalidArgumentException"},
      {"AT_SEQUENCE_NUMBER without a number", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER"})",
       400, "InvalidArgumentException"},
      {"AT_TIMESTAMP in the future", "GetShardIterator",
       R"({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 4102444800})",
       400, "InvalidArgumentException"},
      {"stream exists", "CreateStream", R"({"StreamName": "s", "ShardCount": 1})", 400,
       "ResourceInUseException"},
      {"split key outside the shard", "SplitShard",
       R"({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "340282366920938463463374607431768211455"})",
       400, "InvalidArgumentException"},
      {"merge a shard with itself", "MergeShards",
       R"({"StreamName": "s", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000000"})",
       400, "InvalidArgumentException"},
      {"retention below 24 h", "DecreaseStreamRetentionPeriod",
       R"({"StreamName": "s", "RetentionPeriodHours": 23})", 400, "InvalidArgumentException"},
      {"garbage NextToken", "ListShards", R"({"NextToken": "garbage"})", 400,
       "InvalidArgumentException"},
      {"ListShards with neither stream nor token", "ListShards", "{}", 400,
       "InvalidArgumentException"},
      {"GET /", "", "", 404, "NotFoundException", "", "GET", "/"},
      {"another path", "ListStreams", "{}", 404, "NotFoundException", "application/x-amz-json-1.1",
       "POST", "/v1/streams"},
      {"clock with a bad body", "", R"({"advance": 5})", 400, "InvalidArgumentException",
       "application/json", "POST", "/_shardsim/clock"},
  };
}

class ServerBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Client c(server_.port());
    ASSERT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}}).status, 200);
    ASSERT_EQ(c.Call("CreateStream", {{"StreamName", "t"}, {"ShardCount", 1}}).status, 200);
    ASSERT_EQ(c.Clock({{"advance", "1s"}}).status, 200);
    expired_ = Iterator(c, "s");
    ASSERT_EQ(c.Clock({{"advance", "6m"}}).status, 200);
    // Records on both shards (hash keys below and above 2^127).
    for (const char* key : {"1", "170141183460469231731687303715884105728"}) {
      const Reply put = c.Call(
          "PutRecord",
          {{"StreamName", "s"}, {"PartitionKey", "k"}, {"Data", "YQ=="}, {"ExplicitHashKey", key}});
      ASSERT_EQ(put.status, 200);
      seq_last_ = put.json()["SequenceNumber"];
    }
    it_ = Iterator(c, "s");
    it_t_ = Iterator(c, "t");
  }

  static std::string Iterator(Client& c, const std::string& stream) {
    return c
        .Call("GetShardIterator", {{"StreamName", stream},
                                   {"ShardId", "shardId-000000000000"},
                                   {"ShardIteratorType", "TRIM_HORIZON"}})
        .json()["ShardIterator"];
  }

  // Every record of stream s, read from TRIM_HORIZON on each open shard.
  Json Snapshot(Client& c) {
    Json out = c.Call("ListShards", {{"StreamName", "s"}}).json();
    for (const char* shard : {"shardId-000000000000", "shardId-000000000001"}) {
      const std::string it =
          c.Call("GetShardIterator",
                 {{"StreamName", "s"}, {"ShardId", shard}, {"ShardIteratorType", "TRIM_HORIZON"}})
              .json()["ShardIterator"];
      out[shard] = c.Call("GetRecords", {{"ShardIterator", it}}).json()["Records"];
    }
    return out;
  }

  TestServer server_{[] {
    ServiceOptions o;
    o.profile = model::BucketProfile::Dense();
    return o;
  }()};
  std::string it_, it_t_, expired_, seq_last_;
};

TEST_F(ServerBadInputTest, EveryRowGetsItsExactStatusAndTypeAndTheStreamIsUnchanged) {
  const std::vector<Row> rows = Rows();
  ASSERT_GE(rows.size(), 30u);
  Client c(server_.port());
  const Json before = Snapshot(c);
  ASSERT_EQ(before["shardId-000000000001"].size(), 1u);
  for (const Row& row : rows) {
    std::string body = absl::StrReplaceAll(
        row.body, {{"$it_t", it_t_}, {"$it", it_}, {"$expired", expired_}, {"$seq1", seq_last_}});
    std::map<std::string, std::string> headers;
    if (!row.content_type.empty()) headers["Content-Type"] = row.content_type;
    if (!row.target.empty()) {
      headers["X-Amz-Target"] =
          row.target.find('.') != std::string::npos ? row.target : "Kinesis_20131202." + row.target;
    }
    Client fresh(server_.port());  // rows that close the connection do not affect the next
    const Reply reply = fresh.Send(http::string_to_verb(row.method), row.path, headers, body);
    EXPECT_EQ(reply.status, row.status) << row.name << ": " << reply.body.substr(0, 300);
    Json parsed = reply.json();
    if (row.content_type.find("cbor") != std::string::npos)
      parsed = Json::from_cbor(reply.body, true, false);
    ASSERT_TRUE(parsed.is_object()) << row.name;
    EXPECT_EQ(parsed.value("__type", ""), row.type)
        << row.name << ": " << reply.body.substr(0, 300);
    EXPECT_FALSE(parsed.value("message", "").empty()) << row.name;
    EXPECT_TRUE(reply.headers.count("x-amzn-requestid")) << row.name;
  }
  EXPECT_EQ(Snapshot(c), before);
}

// A raw connection: send bytes, optionally half-close, read one response.
Reply Raw(uint16_t port, const std::string& bytes, bool half_close) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(std::chrono::seconds(10));
  boost::beast::error_code ec;
  boost::asio::write(stream.socket(), boost::asio::buffer(bytes), ec);
  if (half_close) stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  Reply reply;
  reply.status = ec ? -1 : res.result_int();
  reply.body = res.body();
  return reply;
}

std::string Head(const std::string& op, size_t content_length) {
  return "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
         "X-Amz-Target: Kinesis_20131202." +
         op + "\r\nContent-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

TEST(TransportTest, ATwentyMebibyteBodyIsRefusedWith413) {
  TestServer server;
  const Reply reply = Raw(server.port(), Head("PutRecords", 20u << 20), /*half_close=*/false);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.type(), "RequestEntityTooLargeException");
}

TEST(TransportTest, ATruncatedBodyIsASerializationError) {
  TestServer server;
  const Reply reply =
      Raw(server.port(), Head("ListStreams", 100) + "{\"Limit\":", /*half_close=*/true);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.type(), "SerializationException");
}

TEST(TransportTest, ASlowClientTimesOutWhileOthersAreServed) {
  ServerOptions http;
  http.request_timeout = std::chrono::milliseconds(300);
  TestServer server({}, http);
  boost::asio::io_context io;
  boost::beast::tcp_stream slow(io);
  slow.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
  boost::asio::write(slow.socket(), boost::asio::buffer(Head("ListStreams", 50) + "{"));
  // Meanwhile another connection is answered at once.
  Client other(server.port());
  EXPECT_EQ(other.Call("ListStreams", Json::object()).status, 200);
  slow.expires_after(std::chrono::seconds(10));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  boost::beast::error_code ec;
  http::read(slow, buffer, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 408);
  EXPECT_EQ(Json::parse(res.body())["__type"], "RequestTimeoutException");
}

TEST(TransportTest, MalformedHttpIsASerializationError) {
  TestServer server;
  const Reply reply = Raw(server.port(), "NOT HTTP AT ALL\r\n\r\n", /*half_close=*/false);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.type(), "SerializationException");
}

}  // namespace
}  // namespace shardsim::server
