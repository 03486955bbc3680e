// Whatever bytes a client sends, the service answers with an AWS-shaped 4xx (never a 500, never
// a crash). Mutations of valid bodies in JSON and CBOR, seeded.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/replay.h"
#include "server/service.h"
#include "sim/hash.h"
#include "sim/random.h"

namespace shardsim::server {
namespace {

const std::vector<std::pair<std::string, std::string>>& Seeds() {
  static const std::vector<std::pair<std::string, std::string>> seeds = {
      {"CreateStream", R"({"StreamName":"x","ShardCount":2})"},
      {"PutRecord", R"({"StreamName":"s","Data":"YQ==","PartitionKey":"1"})"},
      {"PutRecords", R"({"StreamName":"s","Records":[{"Data":"YQ==","PartitionKey":"1"}]})"},
      {"GetShardIterator",
       R"({"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1672531200.5})"},
      {"GetRecords",
       R"({"ShardIterator":"AAAAAAAAAAECAXMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABfEohA1AADap9Y08Hnlg","Limit":1})"},
      {"ListShards",
       R"({"StreamName":"s","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1672531200},"MaxResults":2})"},
      {"DescribeStream",
       R"({"StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","Limit":1})"},
      {"SplitShard",
       R"({"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"12345"})"},
      {"MergeShards",
       R"({"StreamName":"s","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"})"},
      {"UpdateShardCount",
       R"({"StreamName":"s","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"})"},
      {"ListStreams", R"({"Limit":1,"NextToken":"eyJrIjoic3RyZWFtcyJ9"})"},
  };
  return seeds;
}

std::string Mutate(std::string body, sim::Random& rng) {
  const int edits = 1 + static_cast<int>(rng.Below(4));
  for (int e = 0; e < edits && !body.empty(); ++e) {
    const size_t at = rng.Below(body.size());
    switch (rng.Below(4)) {
      case 0:
        body[at] = static_cast<char>(rng.Below(256));
        break;
      case 1:
        body.erase(at, 1 + rng.Below(8));
        break;
      case 2:
        body.insert(at, std::string(1 + rng.Below(4), "{}[]\",:0-9e"[rng.Below(11)]));
        break;
      default:
        body = body.substr(0, at);
        break;
    }
  }
  return body;
}

TEST(RobustnessTest, MutatedBodiesGetAwsShapedAnswersAndNeverAFiveHundred) {
  ServiceOptions options;
  options.latency = Duration::Zero();
  KinesisService service(options);
  auto call = [&](const std::string& op, const std::string& body, const char* type) {
    const std::string target = "Kinesis_20131202." + op;
    return service.Handle(HttpRequest{"POST", "/", target, type, "", body});
  };
  ASSERT_EQ(
      call("CreateStream", R"({"StreamName":"s","ShardCount":2})", "application/x-amz-json-1.1")
          .status,
      200);
  (void)service.clock().Advance(Duration::Seconds(1));
  sim::Random rng(20231201);
  int ok = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto& [op, seed] = Seeds()[rng.Below(Seeds().size())];
    const bool cbor = rng.Bernoulli(0.3);
    std::string body = seed;
    if (cbor) {
      const std::vector<uint8_t> bytes = Json::to_cbor(Json::parse(seed));
      body.assign(bytes.begin(), bytes.end());
    }
    body = Mutate(body, rng);
    const HttpResponse r =
        call(op, body, cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
    ASSERT_NE(r.status, 500) << op << " " << r.body;
    ASSERT_TRUE(r.status == 200 || r.status == 400) << op << " " << r.status;
    if (r.status == 200) {
      ++ok;
    } else {
      const Json error =
          cbor ? Json::from_cbor(r.body, true, false) : Json::parse(r.body, nullptr, false);
      ASSERT_TRUE(error.is_object() && error["__type"].is_string()) << op << " " << r.body;
    }
  }
  EXPECT_GT(ok, 0);  // some mutations stay valid, so the stream did change along the way
}

// Found while writing fuzz/next_token_fuzzer, which forges tokens the same way: a NextToken
// whose JSON was altered along with its checksum got a 500 (json::value() threw on a member of
// another type) or, with an issue time of INT64_MIN microseconds, stopped the server (now -
// issued overflowed).
TEST(RobustnessTest, AForgedNextTokenWithAWrongMemberOrAnImpossibleIssueTimeIsInvalid) {
  KinesisService service(ServiceOptions{});
  auto call = [&](const std::string& op, const std::string& body) {
    return service.Handle(
        HttpRequest{"POST", "/", "Kinesis_20131202." + op, "application/x-amz-json-1.1", "", body});
  };
  ASSERT_EQ(call("CreateStream", R"({"StreamName":"s","ShardCount":3})").status, 200);
  (void)service.clock().Advance(Duration::Seconds(1));
  const std::string now = absl::StrCat(service.clock().Now().unix_micros());
  auto forged = [](const std::string& text) {
    return absl::WebSafeBase64Escape(absl::StrCat(text, "\n", sim::HashBytes(text)));
  };
  for (const std::string& inside :
       {R"({"k":5,"a":"x","t":)" + now + "}", R"({"k":"shards","s":"s","a":7,"t":)" + now + "}",
        R"({"k":"shards","s":["s"],"a":"shardId-000000000000","t":)" + now + "}",
        R"({"k":"streams","a":null,"t":)" + now + "}",
        std::string(
            R"({"k":"shards","s":"s","a":"shardId-000000000000","t":-9223372036854775808})"),
        std::string(R"({"k":"streams","a":"s","t":-1})")}) {
    for (const char* op : {"ListShards", "ListStreams"}) {
      const HttpResponse r = call(op, Json{{"NextToken", forged(inside)}}.dump());
      EXPECT_EQ(r.status, 400) << op << " " << inside << ": " << r.body;
      EXPECT_EQ(Json::parse(r.body).value("__type", ""), "InvalidArgumentException") << r.body;
    }
  }
  // A filter whose Type is not a string still lists (the filter is the service's own).
  const HttpResponse r = call(
      "ListShards",
      Json{{"NextToken", forged(R"({"k":"shards","s":"s","a":"","f":{"Type":3},"t":)" + now + "}")}}
          .dump());
  EXPECT_NE(r.status, 500) << r.body;
}

// Found while writing fuzz/replay_log_fuzzer (the inputs are in fuzz/corpus/replay_log/):
// `shardsim replay --log` aborted on a header whose shardsim_log is a string (json::value()
// threw), read a missing "time" of a const document (undefined behaviour), and threw on a
// "rejected" member that is not an object.
TEST(RobustnessTest, AMalformedServeLogIsAnErrorNamingTheLineNotACrash) {
  const std::string header =
      R"({"clock":"manual","create_delay":"200ms","latency":"200ms","limits":"aws",)"
      R"("profile":"observed","seed":1,"shardsim_log":1,"start":"2023-01-01T00:00:00.000000Z"})";
  for (const std::string& log :
       {std::string(R"({"shardsim_log":"1"})"), std::string(R"({"shardsim_log":1,"seed":1})"),
        std::string("[1]"), header + "\n" + R"({"status":200,"response":{}})"}) {
    std::istringstream in(log);
    const absl::StatusOr<ReplayResult> result = ReplayLog(in);
    EXPECT_FALSE(result.ok()) << log;
    EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  }
  std::istringstream rejected(header + "\n" +
                              R"({"rejected":5,"status":400,"response":{},"time":"x"})");
  const absl::StatusOr<ReplayResult> result = ReplayLog(rejected);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 1);
  EXPECT_TRUE(result->difference.has_value());
}

}  // namespace
}  // namespace shardsim::server
