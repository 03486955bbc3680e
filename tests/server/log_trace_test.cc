// The trace of a served session (server/log_trace.h): a logged session replayed into the
// simulated client's vocabulary, so the timeline can draw a real client's run.
#include "server/log_trace.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "server/service.h"

namespace shardsim::server {
namespace {

// A session driven straight through KinesisService (no transport), its log kept.
class Session {
 public:
  Session() : service_(Options()) {
    service_.SetLogSink([this](std::string_view line) { log_ += std::string(line) + "\n"; });
  }

  Json Call(const std::string& op, const Json& body, const std::string& client = "alice") {
    const std::string text = body.dump();
    const std::string target = "Kinesis_20131202." + op;
    const std::string auth =
        "AWS4-HMAC-SHA256 Credential=" + client + "/20230101/us-east-1/kinesis/aws4_request";
    const HttpResponse r =
        service_.Handle(HttpRequest{"POST", "/", target, "application/x-amz-json-1.1", auth, text});
    return r.body.empty() ? Json::object() : Json::parse(r.body);
  }

  void Advance(const std::string& by) {
    const std::string body = Json{{"advance", by}}.dump();
    service_.Handle(HttpRequest{"POST", "/_shardsim/clock", "", "application/json", "", body});
  }

  std::string log() const { return log_; }

 private:
  static ServiceOptions Options() {
    ServiceOptions options;
    options.profile = *model::BucketProfile::Parse("fixed:30s");
    return options;
  }

  KinesisService service_;
  std::string log_;
};

std::vector<const sim::TraceRecord*> OfKind(const ServedSession& s, const std::string& kind) {
  std::vector<const sim::TraceRecord*> out;
  for (const sim::TraceRecord& r : s.records) {
    if (r.kind == kind) out.push_back(&r);
  }
  return out;
}

int64_t Int(const sim::TraceRecord& r, const char* key) {
  const sim::TraceValue* v = r.Find(key);
  if (v == nullptr) return -1;
  if (const auto* i = std::get_if<int64_t>(&v->value())) return *i;
  if (const auto* u = std::get_if<uint64_t>(&v->value())) return static_cast<int64_t>(*u);
  return -1;
}

std::string Str(const sim::TraceRecord& r, const char* key) {
  const sim::TraceValue* v = r.Find(key);
  const auto* s = v ? std::get_if<std::string>(&v->value()) : nullptr;
  return s ? *s : std::string();
}

TEST(LogTrace, AServedWalkBecomesPutsAndReadsAtTheBucketsTheyRead) {
  Session s;
  s.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  s.Advance("1s");
  s.Call("PutRecords",
         {{"StreamName", "s"},
          {"Records",
           {{{"Data", "YQ=="}, {"PartitionKey", "1"}}, {{"Data", "Yg=="}, {"PartitionKey", "2"}}}}},
         "producer");
  const Json it = s.Call("GetShardIterator", {{"StreamName", "s"},
                                              {"ShardId", "shardId-000000000000"},
                                              {"ShardIteratorType", "TRIM_HORIZON"}});
  Json page = s.Call("GetRecords", {{"ShardIterator", it["ShardIterator"]}});
  ASSERT_EQ(page["Records"].size(), 2u);
  s.Advance("2m");  // four idle buckets; the iterator (five minutes) still valid
  for (int i = 0; i < 3; ++i)
    page = s.Call("GetRecords", {{"ShardIterator", page["NextShardIterator"]}});
  s.Call("GetRecords", {{"ShardIterator", "not-an-iterator"}});

  std::istringstream in(s.log());
  const absl::StatusOr<ServedSession> session = TraceOfLog(in);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->streams, std::vector<std::string>{"s"});
  EXPECT_EQ(session->clients, (std::vector<std::string>{"alice", "producer"}));
  EXPECT_EQ(session->difference, "");
  EXPECT_EQ(OfKind(*session, "clock").size(), 2u);

  const auto puts = OfKind(*session, "PutRecord");
  ASSERT_EQ(puts.size(), 2u);  // one per stored entry of the PutRecords
  EXPECT_EQ(puts[0]->actor, "producer");
  EXPECT_EQ(Str(*puts[0], "shard"), "shardId-000000000000");
  EXPECT_EQ(Str(*puts[1], "key"), "2");

  const auto reads = OfKind(*session, "GetRecords");
  ASSERT_EQ(reads.size(), 5u);
  EXPECT_EQ(Int(*reads[0], "records"), 2);
  EXPECT_EQ(Int(*reads[0], "bucket"), 0);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(Int(*reads[i], "records"), 0) << i;
    EXPECT_EQ(Int(*reads[i], "next_bucket"), Int(*reads[i], "bucket") + 1) << i;
    EXPECT_GT(Int(*reads[i], "behind_ms"), 0) << i;
  }
  EXPECT_LT(Int(*reads[3], "behind_ms"), Int(*reads[1], "behind_ms"));
  EXPECT_EQ(Int(*reads[2], "bucket"), Int(*reads[1], "bucket") + 1);
  EXPECT_EQ(Str(*reads[4], "error"), "InvalidArgumentException");
  EXPECT_EQ(reads[4]->Find("shard"), nullptr);
  EXPECT_GT(reads[3]->time, reads[0]->time);
}

TEST(LogTrace, ALogThatIsNotALogIsAnError) {
  std::istringstream empty("");
  EXPECT_FALSE(TraceOfLog(empty).ok());
  std::istringstream garbage("{\"shardsim_log\":1}\nnot json\n");
  EXPECT_FALSE(TraceOfLog(garbage).ok());
}

}  // namespace
}  // namespace shardsim::server
