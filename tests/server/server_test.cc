// An in-process `shardsim serve` driven over real HTTP/1.1 keep-alive: the seed article's idle
// gap, stream status, paging, resharding, per-entry PutRecords failures, the clock API,
// byte-identical answers for identical sessions, CBOR against JSON, and log replay.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "server/replay.h"
#include "server/responses.h"
#include "sim/strings.h"
#include "tests/server/test_server.h"

namespace shardsim::server {
namespace {

using testing::Client;
using testing::Reply;
using testing::TestServer;

const char kShard0[] = "shardId-000000000000";

ServiceOptions Options(const std::string& profile = "observed") {
  ServiceOptions options;
  options.profile = *model::BucketProfile::Parse(profile);
  options.start = *ParseTime("2023-04-05T07:06:12Z");
  return options;
}

Json Ok(const Reply& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body.empty() ? Json::object() : r.json();
}

std::string Base64(const std::string& s) {
  return BlobValue(s, Encoding::kJson).get<std::string>();
}

// The JSON form of a request body to its CBOR form: base64 Data to byte strings.
Json ToCborForm(Json body) {
  if (body.is_array()) {
    for (Json& v : body) v = ToCborForm(v);
  } else if (body.is_object()) {
    for (auto& [key, v] : body.items()) {
      if (key == "Data" && v.is_string()) {
        std::string raw;
        EXPECT_TRUE(absl::Base64Unescape(v.get<std::string>(), &raw));
        v = Json::binary(std::vector<uint8_t>(raw.begin(), raw.end()));
      } else {
        v = ToCborForm(v);
      }
    }
  }
  return body;
}

void CreateActiveStream(Client& c, const std::string& name, int shards = 1) {
  Ok(c.Call("CreateStream", {{"StreamName", name}, {"ShardCount", shards}}));
  Ok(c.Clock({{"advance", "1s"}}));
}

TEST(ServerTest, AnswersOverOneKeepAliveConnectionWithDateRequestIdAndVirtualTime) {
  TestServer server(Options());
  Client c(server.port());
  const Reply created = c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(created.body, "");
  for (const char* header : {"date", "x-amzn-requestid", "x-amz-id-2", "x-shardsim-virtual-time"}) {
    EXPECT_TRUE(created.headers.count(header)) << header;
  }
  EXPECT_EQ(created.headers.at("x-shardsim-virtual-time"), "2023-04-05T07:06:12.000000Z");
  EXPECT_EQ(created.headers.at("content-type"), "application/x-amz-json-1.1");
  const Json put =
      Ok(c.Call("PutRecord", {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  EXPECT_EQ(put["ShardId"], kShard0);
  EXPECT_EQ(put["SequenceNumber"].get<std::string>().size(), 56u);
  // The manual clock moved by the default latency (200 ms) per call.
  EXPECT_EQ(c.Call("ListStreams", Json::object()).headers.at("x-shardsim-virtual-time"),
            "2023-04-05T07:06:12.400000Z");
}

TEST(ServerTest, SeedArticleIdleGapCostsAboutGapOverWidthEmptyCalls) {
  TestServer server(Options());
  Client c(server.port());
  CreateActiveStream(c, "test-offsets");
  Ok(c.Clock({{"set", "2023-04-05T07:08:10.670Z"}}));
  Ok(c.Call("PutRecord",
            {{"StreamName", "test-offsets"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  Ok(c.Clock({{"set", "2023-04-05T07:08:27.176Z"}}));
  const Json b = Ok(c.Call(
      "PutRecord", {{"StreamName", "test-offsets"}, {"Data", Base64("b")}, {"PartitionKey", "2"}}));
  const Json it = Ok(c.Call("GetShardIterator", {{"StreamName", "test-offsets"},
                                                 {"ShardId", "shardId-0000000000"},
                                                 {"ShardIteratorType", "TRIM_HORIZON"}}));
  const Json first = Ok(c.Call("GetRecords", {{"ShardIterator", it["ShardIterator"]}}));
  ASSERT_EQ(first["Records"].size(), 2u);
  EXPECT_EQ(first["Records"][0]["Data"], "YQ==");
  EXPECT_EQ(first["MillisBehindLatest"], 0);

  // "Waiting 1 day": the article's reads came 17.55 h after its puts.
  Ok(c.Clock({{"set", "2023-04-06T00:41:28Z"}}));
  const Json after =
      Ok(c.Call("GetShardIterator", {{"StreamName", "test-offsets"},
                                     {"ShardId", kShard0},
                                     {"ShardIteratorType", "AFTER_SEQUENCE_NUMBER"},
                                     {"StartingSequenceNumber", b["SequenceNumber"]}}));
  Json page = Ok(c.Call("GetRecords", {{"ShardIterator", after["ShardIterator"]}}));
  EXPECT_TRUE(page["Records"].empty());
  int64_t behind = page["MillisBehindLatest"].get<int64_t>();
  EXPECT_NEAR(behind, 63'180'000, 240'000);
  for (int i = 0; i < 3; ++i) {
    page = Ok(c.Call("GetRecords", {{"ShardIterator", page["NextShardIterator"]}}));
    const int64_t now_behind = page["MillisBehindLatest"].get<int64_t>();
    EXPECT_GE(behind - now_behind, 150'000);
    EXPECT_LE(behind - now_behind, 250'000);
    behind = now_behind;
  }
  Ok(c.Call("PutRecord",
            {{"StreamName", "test-offsets"}, {"Data", Base64("3")}, {"PartitionKey", "3"}}));
  int calls = 0;
  while (page["Records"].empty() && calls < 1000) {
    ++calls;
    page = Ok(c.Call("GetRecords", {{"ShardIterator", page["NextShardIterator"]}}));
  }
  ASSERT_EQ(page["Records"].size(), 1u);
  EXPECT_EQ(page["Records"][0]["Data"], Base64("3"));
  // About 17.5 h / 210 s = 300 calls (widths 180-240 s).
  EXPECT_GE(calls, 17 * 3600 / 240);
  EXPECT_LE(calls, 18 * 3600 / 180);
}

TEST(ServerTest, StreamIsCreatingUntilTheCreateDelayHasPassed) {
  ServiceOptions options = Options();
  options.create_delay = Duration::Seconds(5);
  TestServer server(options);
  Client c(server.port());
  Ok(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}}));
  EXPECT_EQ(
      Ok(c.Call("DescribeStream", {{"StreamName", "s"}}))["StreamDescription"]["StreamStatus"],
      "CREATING");
  EXPECT_EQ(
      c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}}).type(),
      "ResourceNotFoundException");
  EXPECT_EQ(c.Call("SplitShard",
                   {{"StreamName", "s"}, {"ShardToSplit", kShard0}, {"NewStartingHashKey", "100"}})
                .type(),
            "ResourceInUseException");
  Ok(c.Clock({{"advance", "5s"}}));
  const Json summary =
      Ok(c.Call("DescribeStreamSummary", {{"StreamName", "s"}}))["StreamDescriptionSummary"];
  EXPECT_EQ(summary["StreamStatus"], "ACTIVE");
  EXPECT_EQ(summary["OpenShardCount"], 2);
  EXPECT_EQ(summary["StreamARN"], "arn:aws:kinesis:us-east-1:123456789012:stream/s");
  Ok(c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}}));
}

TEST(ServerTest, ReadingAcrossASplitEndsTheParentWithChildShards) {
  TestServer server(Options("fixed:1s"));
  Client c(server.port());
  CreateActiveStream(c, "s");
  Ok(c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}}));
  Ok(c.Call("SplitShard", {{"StreamARN", "arn:aws:kinesis:us-east-1:123456789012:stream/s"},
                           {"ShardToSplit", kShard0},
                           {"NewStartingHashKey", "170141183460469231731687303715884105728"}}));
  Json page = Ok(
      c.Call("GetShardIterator",
             {{"StreamName", "s"}, {"ShardId", kShard0}, {"ShardIteratorType", "TRIM_HORIZON"}}));
  page["NextShardIterator"] = page["ShardIterator"];
  size_t records = 0;
  for (int i = 0; i < 50 && page.contains("NextShardIterator"); ++i) {
    page = Ok(c.Call("GetRecords", {{"ShardIterator", page["NextShardIterator"]}, {"Limit", 1}}));
    records += page["Records"].size();
  }
  EXPECT_EQ(records, 1u);
  ASSERT_FALSE(page.contains("NextShardIterator"));
  ASSERT_EQ(page["ChildShards"].size(), 2u);
  EXPECT_EQ(page["ChildShards"][0]["ParentShards"], Json::array({kShard0}));
  const Json listed =
      Ok(c.Call("ListShards", {{"StreamName", "s"}, {"ShardFilter", {{"Type", "AT_LATEST"}}}}));
  EXPECT_EQ(listed["Shards"].size(), 2u);
  EXPECT_EQ(Ok(c.Call("ListShards", {{"StreamName", "s"}}))["Shards"].size(), 3u);
}

TEST(ServerTest, ListShardsPagesWithNextTokenWhichExpiresAfterFiveMinutes) {
  TestServer server(Options());
  Client c(server.port());
  CreateActiveStream(c, "s", 5);
  Json page = Ok(c.Call("ListShards", {{"StreamName", "s"}, {"MaxResults", 2}}));
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    for (const Json& s : page["Shards"]) ids.push_back(s["ShardId"]);
    if (!page.contains("NextToken")) break;
    page = Ok(c.Call("ListShards", {{"NextToken", page["NextToken"]}, {"MaxResults", 2}}));
  }
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[4], "shardId-000000000004");
  const Json first = Ok(c.Call("ListShards", {{"StreamName", "s"}, {"MaxResults", 1}}));
  EXPECT_EQ(c.Call("ListShards", {{"NextToken", first["NextToken"]}, {"StreamName", "s"}}).type(),
            "InvalidArgumentException");
  Ok(c.Clock({{"advance", "301s"}}));
  EXPECT_EQ(c.Call("ListShards", {{"NextToken", first["NextToken"]}}).type(),
            "ExpiredNextTokenException");
  EXPECT_EQ(c.Call("ListShards", {{"NextToken", "garbage"}}).type(), "InvalidArgumentException");
  const Json after = Ok(c.Call(
      "ListShards", {{"StreamName", "s"}, {"ExclusiveStartShardId", "shardId-000000000002"}}));
  EXPECT_EQ(after["Shards"].size(), 2u);
}

TEST(ServerTest, PutRecordsReportsThrottledEntriesOneByOne) {
  TestServer server(Options());
  Client c(server.port());
  CreateActiveStream(c, "s");
  Json records = Json::array();
  for (int i = 0; i < 400; ++i) records.push_back({{"Data", "YQ=="}, {"PartitionKey", "k"}});
  EXPECT_EQ(
      Ok(c.Call("PutRecords", {{"StreamName", "s"}, {"Records", records}}))["FailedRecordCount"],
      0);
  EXPECT_EQ(
      Ok(c.Call("PutRecords", {{"StreamName", "s"}, {"Records", records}}))["FailedRecordCount"],
      0);
  // 1,000 records per second per shard: 200 of the third batch fit.
  const Json third = Ok(c.Call("PutRecords", {{"StreamName", "s"}, {"Records", records}}));
  EXPECT_EQ(third["FailedRecordCount"], 200);
  EXPECT_TRUE(third["Records"][199].contains("SequenceNumber"));
  EXPECT_EQ(third["Records"][200]["ErrorCode"], "ProvisionedThroughputExceededException");
}

TEST(ServerTest, UpdateShardCountRetentionAndDeleteWork) {
  TestServer server(Options());
  Client c(server.port());
  CreateActiveStream(c, "s", 2);
  const Json updated = Ok(
      c.Call("UpdateShardCount",
             {{"StreamName", "s"}, {"TargetShardCount", 3}, {"ScalingType", "UNIFORM_SCALING"}}));
  EXPECT_EQ(updated["CurrentShardCount"], 2);
  EXPECT_EQ(updated["TargetShardCount"], 3);
  EXPECT_EQ(Ok(c.Call("DescribeStreamSummary",
                      {{"StreamName", "s"}}))["StreamDescriptionSummary"]["OpenShardCount"],
            3);
  Ok(c.Call("IncreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 48}}));
  EXPECT_EQ(Ok(c.Call("DescribeStream",
                      {{"StreamName", "s"}}))["StreamDescription"]["RetentionPeriodHours"],
            48);
  EXPECT_EQ(
      c.Call("DecreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 72}})
          .type(),
      "InvalidArgumentException");
  Ok(c.Call("DeleteStream", {{"StreamName", "s"}}));
  EXPECT_EQ(c.Call("DescribeStream", {{"StreamName", "s"}}).type(), "ResourceNotFoundException");
  EXPECT_TRUE(Ok(c.Call("ListStreams", Json::object()))["StreamNames"].empty());
}

std::string StatusOf(Client& c, const std::string& stream) {
  return Ok(c.Call("DescribeStreamSummary",
                   {{"StreamName", stream}}))["StreamDescriptionSummary"]["StreamStatus"];
}

TEST(ServerTest, AChangeLeavesTheStreamUpdatingAndADeleteDeletingForTheDelay) {
  ServiceOptions options = Options("fixed:1s");
  options.create_delay = Duration::Seconds(2);  // ten 200 ms calls
  TestServer server(options);
  Client c(server.port());
  Ok(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  Ok(c.Clock({{"advance", "2s"}}));
  EXPECT_EQ(StatusOf(c, "s"), "ACTIVE");
  Ok(c.Call("SplitShard", {{"StreamName", "s"},
                           {"ShardToSplit", kShard0},
                           {"NewStartingHashKey", "170141183460469231731687303715884105728"}}));
  EXPECT_EQ(StatusOf(c, "s"), "UPDATING");
  // Reads, writes and listings go on; a further change waits for ACTIVE.
  Ok(c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}}));
  EXPECT_EQ(Ok(c.Call("ListShards", {{"StreamName", "s"}}))["Shards"].size(), 3u);
  const Reply busy =
      c.Call("UpdateShardCount",
             {{"StreamName", "s"}, {"TargetShardCount", 1}, {"ScalingType", "UNIFORM_SCALING"}});
  EXPECT_EQ(busy.type(), "ResourceInUseException");
  EXPECT_NE(busy.body.find("instead in state UPDATING"), std::string::npos) << busy.body;
  Ok(c.Clock({{"advance", "2s"}}));
  EXPECT_EQ(StatusOf(c, "s"), "ACTIVE");
  Ok(c.Call("IncreaseStreamRetentionPeriod", {{"StreamName", "s"}, {"RetentionPeriodHours", 48}}));
  EXPECT_EQ(StatusOf(c, "s"), "UPDATING");
  Ok(c.Clock({{"advance", "2s"}}));

  Ok(c.Call("DeleteStream", {{"StreamName", "s"}}));
  EXPECT_EQ(StatusOf(c, "s"), "DELETING");
  EXPECT_EQ(Ok(c.Call("ListStreams", Json::object()))["StreamNames"], Json::array({"s"}));
  Ok(c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "Yg=="}, {"PartitionKey", "2"}}));
  EXPECT_EQ(c.Call("DeleteStream", {{"StreamName", "s"}}).type(), "ResourceInUseException");
  EXPECT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).type(),
            "ResourceInUseException");
  Ok(c.Clock({{"advance", "2s"}}));
  EXPECT_EQ(c.Call("DescribeStreamSummary", {{"StreamName", "s"}}).type(),
            "ResourceNotFoundException");
  EXPECT_TRUE(Ok(c.Call("ListStreams", Json::object()))["StreamNames"].empty());
  Ok(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));  // the name is free again
  EXPECT_EQ(StatusOf(c, "s"), "CREATING");
}

TEST(ServerTest, ClockApiShowsAdvancesSetsAndRefusesToGoBack) {
  TestServer server(Options());
  Client c(server.port());
  const Reply shown = c.Send(boost::beast::http::verb::get, "/_shardsim/clock", {}, "");
  EXPECT_EQ(Ok(shown), (Json{{"now", "2023-04-05T07:06:12.000000Z"}, {"mode", "manual"}}));
  EXPECT_EQ(Ok(c.Clock({{"advance", "17h33m"}}))["now"], "2023-04-06T00:39:12.000000Z");
  EXPECT_EQ(Ok(c.Clock({{"set", "2023-04-06T00:41:28Z"}}))["now"], "2023-04-06T00:41:28.000000Z");
  EXPECT_EQ(c.Clock({{"set", "2023-04-05T00:00:00Z"}}).status, 400);
  EXPECT_EQ(c.Clock({{"advance", "soon"}}).status, 400);
  EXPECT_EQ(c.Clock({{"advance", "1s"}, {"set", "2024-01-01T00:00:00Z"}}).status, 400);
  EXPECT_EQ(c.Send(boost::beast::http::verb::post, "/_shardsim/clock", {}, "{").status, 400);
  EXPECT_EQ(c.Send(boost::beast::http::verb::post, "/_shardsim/clock", {}, std::string(100000, '['))
                .status,
            400);
  EXPECT_EQ(c.Send(boost::beast::http::verb::delete_, "/_shardsim/clock", {}, "").status, 405);
}

// Records what the service hands its hooks.
class RecordingHooks : public ServiceHooks {
 public:
  void BeforeCall(Instant now, model::KinesisModel&) override { before.push_back(now); }
  void OnGetRecords(const model::GetRecordsCall& call) override {
    reads.push_back(call.client + " " + (call.iterator ? call.iterator->shard_id : "?"));
  }
  void OnPut(const model::PutCall& call) override { puts.push_back(call.outcome->SequenceNumber); }
  void OnApplicationEvent(Instant, const std::string& client, const ApplicationEvent& e) override {
    events.push_back(client + " " + e.shard_id + " " + e.sequence_number);
  }
  std::vector<Instant> before;
  std::vector<std::string> reads, puts, events;
};

TEST(ServerTest, HooksSeeEveryCallAndTheApplicationEventsAClientReports) {
  RecordingHooks hooks;
  KinesisService service(ServiceOptions{});
  service.SetHooks(&hooks);
  ASSERT_TRUE(service.AddStream("s", 1, model::StreamOptions{}).ok());
  auto call = [&](std::string_view op, std::string body) {
    const std::string target = sim::Cat("Kinesis_20131202.", op);
    return service.Handle(HttpRequest{
        "POST", "/", target, "application/x-amz-json-1.1",
        "AWS4-HMAC-SHA256 Credential=reader-1/20230405/us-east-1/kinesis/aws4_request", body});
  };
  const HttpResponse put =
      call("PutRecord", R"({"StreamName":"s","Data":"YQ==","PartitionKey":"k"})");
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string seq = Json::parse(put.body)["SequenceNumber"];
  const HttpResponse it =
      call("GetShardIterator", sim::Cat(R"({"StreamName":"s","ShardId":")", kShard0,
                                        R"(","ShardIteratorType":"TRIM_HORIZON"})"));
  ASSERT_EQ(it.status, 200) << it.body;
  const std::string token = Json::parse(it.body)["ShardIterator"];
  ASSERT_EQ(call("GetRecords", sim::Cat(R"({"ShardIterator":")", token, R"("})")).status, 200);
  EXPECT_EQ(hooks.puts, std::vector<std::string>{seq});
  EXPECT_EQ(hooks.reads, std::vector<std::string>{sim::Cat("reader-1 ", kShard0)});
  ASSERT_EQ(hooks.before.size(), 3u);
  EXPECT_LT(hooks.before[0], hooks.before[2]);

  auto post = [&](std::string body) {
    return service.Handle(
        HttpRequest{"POST", "/_shardsim/events", "", "application/json", "", body});
  };
  const HttpResponse ok =
      post(sim::Cat(R"({"client":"reader-1","events":[{"type":"processed","shard_id":")", kShard0,
                    R"(","sequence_number":")", seq, R"("},{"type":"caught_up","shard_id":")",
                    kShard0, R"("}]})"));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json::parse(ok.body), (Json{{"accepted", 2}}));
  EXPECT_EQ(hooks.events, (std::vector<std::string>{sim::Cat("reader-1 ", kShard0, " ", seq),
                                                    sim::Cat("reader-1 ", kShard0, " ")}));
  for (const std::string bad :
       {R"({"type":"lost","shard_id":"x"})", R"({"type":"processed","shard_id":"x"})",
        R"({"type":"processed","shard_id":"x","sequence_number":"12"})", R"({"shard_id":"x"})",
        R"({"events":{}})", "{", R"({"client":7})"}) {
    const HttpResponse r = post(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(hooks.events.size(), 2u) << bad;
  }
  EXPECT_EQ(service.Handle(HttpRequest{"GET", "/_shardsim/events", "", "", "", ""}).status, 405);
}

// A session touching every operation, as (operation, body) pairs; iterators are taken from
// the previous answer where the body says "$iterator".
std::vector<Reply> RunSession(Client& c, bool cbor) {
  std::vector<Reply> replies;
  auto call = [&](const std::string& op, Json body) {
    if (body.contains("ShardIterator") && body["ShardIterator"] == "$iterator") {
      const Json last =
          cbor ? JsonForm(Json::from_cbor(replies.back().body)) : replies.back().json();
      body["ShardIterator"] =
          last.contains("ShardIterator") ? last["ShardIterator"] : last["NextShardIterator"];
    }
    if (cbor) {
      replies.push_back(c.Cbor(op, Json::to_cbor(ToCborForm(body))));
    } else {
      replies.push_back(c.Call(op, body));
    }
  };
  call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}});
  call("DescribeStream", {{"StreamName", "s"}});
  call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}});
  call("PutRecords",
       {{"StreamName", "s"}, {"Records", {{{"Data", "Yg=="}, {"PartitionKey", "2"}}}}});
  call("GetShardIterator",
       {{"StreamName", "s"}, {"ShardId", kShard0}, {"ShardIteratorType", "TRIM_HORIZON"}});
  call("GetRecords", {{"ShardIterator", "$iterator"}});
  call("GetRecords", {{"ShardIterator", "$iterator"}, {"Limit", 1}});
  call("ListShards", {{"StreamName", "s"}});
  call("DescribeStreamSummary", {{"StreamName", "s"}});
  call("ListStreams", Json::object());
  call("GetRecords", {{"ShardIterator", "bogus"}});
  call("SplitShard",
       {{"StreamName", "s"}, {"ShardToSplit", kShard0}, {"NewStartingHashKey", "1000"}});
  return replies;
}

TEST(ServerTest, SameRequestsInTheSameOrderGiveByteIdenticalResponses) {
  std::vector<Reply> runs[2];
  for (auto& run : runs) {
    TestServer server(Options());
    Client c(server.port());
    run = RunSession(c, /*cbor=*/false);
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    EXPECT_EQ(runs[0][i].status, runs[1][i].status) << i;
    EXPECT_EQ(runs[0][i].body, runs[1][i].body) << i;
    for (const char* h : {"x-amzn-requestid", "x-amz-id-2", "x-shardsim-virtual-time"}) {
      EXPECT_EQ(runs[0][i].headers.at(h), runs[1][i].headers.at(h)) << i << " " << h;
    }
  }
  // Not trivially so: ids differ per request, and another seed gives other ids.
  EXPECT_NE(runs[0][0].headers.at("x-amzn-requestid"), runs[0][1].headers.at("x-amzn-requestid"));
  ServiceOptions other = Options();
  other.seed = 2;
  TestServer server(other);
  Client c(server.port());
  EXPECT_NE(RunSession(c, false)[0].headers.at("x-amzn-requestid"),
            runs[0][0].headers.at("x-amzn-requestid"));
}

TEST(ServerTest, CborAnswersDecodeToTheSameValuesAsJsonAnswers) {
  std::vector<Reply> json_run, cbor_run;
  {
    TestServer server(Options());
    Client c(server.port());
    json_run = RunSession(c, false);
  }
  {
    TestServer server(Options());
    Client c(server.port());
    cbor_run = RunSession(c, true);
  }
  ASSERT_EQ(json_run.size(), cbor_run.size());
  for (size_t i = 0; i < json_run.size(); ++i) {
    EXPECT_EQ(json_run[i].status, cbor_run[i].status) << i;
    if (json_run[i].body.empty()) {
      EXPECT_TRUE(cbor_run[i].body.empty()) << i;
      continue;
    }
    EXPECT_EQ(cbor_run[i].headers.at("content-type"), "application/x-amz-cbor-1.1");
    const Json decoded = Json::from_cbor(cbor_run[i].body);
    EXPECT_EQ(JsonForm(decoded), json_run[i].json()) << i;
  }
}

TEST(ServerTest, ALoggedSessionReplaysIdenticallyAndAChangedAnswerIsFound) {
  std::vector<std::string> lines;
  {
    TestServer server(Options());
    server.service().SetLogSink([&lines](std::string_view line) { lines.emplace_back(line); });
    Client c(server.port());
    RunSession(c, /*cbor=*/true);
    Ok(c.Clock({{"advance", "17h"}}));
    RunSession(c, /*cbor=*/false);
    c.Send(boost::beast::http::verb::get, "/nowhere", {}, "");
    c.Call("PutRecord", Json::parse("{\"StreamName\": \"s\"}"));
    c.Send(boost::beast::http::verb::post, "/",
           {{"X-Amz-Target", "Kinesis_20131202.ListStreams"},
            {"Content-Type", "application/x-amz-json-1.1"}},
           "{nope");
  }
  ASSERT_GT(lines.size(), 25u);
  const Json entry = Json::parse(lines[3]);
  EXPECT_EQ(entry["client"], "anonymous");  // the CBOR calls carry no Authorization
  EXPECT_EQ(entry["operation"], "PutRecord");
  EXPECT_EQ(entry["request"]["Data"], "YQ==");
  EXPECT_EQ(Json::parse(lines[14])["client"], "AKIDTEST");
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  std::istringstream in(text);
  const absl::StatusOr<ReplayResult> replayed = ReplayLog(in);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_FALSE(replayed->difference.has_value())
      << replayed->difference->line << " " << replayed->difference->field << "\n"
      << replayed->difference->logged << "\n"
      << replayed->difference->replayed;
  EXPECT_EQ(replayed->requests, static_cast<int>(lines.size()) - 1);

  Json changed = Json::parse(lines[6]);
  changed["response"]["MillisBehindLatest"] = 12345;
  lines[6] = changed.dump();
  text.clear();
  for (const std::string& l : lines) text += l + "\n";
  std::istringstream in2(text);
  const absl::StatusOr<ReplayResult> diff = ReplayLog(in2);
  ASSERT_TRUE(diff.ok());
  ASSERT_TRUE(diff->difference.has_value());
  EXPECT_EQ(diff->difference->line, 7);
  EXPECT_EQ(diff->difference->field, "response");
}

}  // namespace
}  // namespace shardsim::server
