// Fuzz target: the NextToken of ListShards and ListStreams (server/service.cc), against a live
// service holding streams "fuzz" (5 shards, one split) and "fuzz2".
//   byte 0 even: the rest is the token text as a client sends it.
//   byte 0 odd: the rest is the JSON inside a token ("$NOW" stands for the current virtual time
//     in Unix microseconds), wrapped with a valid checksum as the service wraps its own, so
//     what the service does with a token's contents is what gets fuzzed.
// Both operations answer every token with a listing or an AWS-shaped 4xx error (an expired or
// invalid token, a missing stream), never a 5xx. Afterwards the service still pages: ListShards
// with MaxResults 2, followed by NextToken, lists every shard once, in order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "fuzz/fuzz_check.h"
#include "server/protocol.h"
#include "server/service.h"
#include "sim/hash.h"
#include "sim/time.h"

namespace {

namespace server = shardsim::server;
using server::Json;

server::HttpResponse Send(server::KinesisService& service, std::string_view op, const Json& body) {
  const std::string target = absl::StrCat(std::string(server::kTargetPrefix), std::string(op));
  const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return service.Handle(server::HttpRequest{.method = "POST",
                                            .path = "/",
                                            .amz_target = target,
                                            .content_type = "application/x-amz-json-1.1",
                                            .authorization = "",
                                            .body = text});
}

Json Checked(std::string_view op, const server::HttpResponse& r) {
  const std::string what =
      absl::StrCat(std::string(op), ": ", r.status, " ", absl::CHexEscape(r.body.substr(0, 400)));
  FUZZ_CHECK(r.status == 200 || (r.status >= 400 && r.status < 500), what);
  const Json doc = r.body.empty() ? Json::object() : Json::parse(r.body, nullptr, false);
  FUZZ_CHECK(doc.is_object(), what);
  if (r.status != 200) {
    FUZZ_CHECK(doc.contains("__type") && doc["__type"].is_string() && doc.contains("message"),
               what);
  }
  return doc;
}

Json Ok(server::KinesisService& service, std::string_view op, const Json& body) {
  const server::HttpResponse r = Send(service, op, body);
  FUZZ_CHECK(r.status == 200, absl::StrCat(std::string(op), " ", body.dump(), ": ", r.body));
  return Checked(op, r);
}

void Setup(server::KinesisService& service) {
  Ok(service, "CreateStream", {{"StreamName", "fuzz"}, {"ShardCount", 5}});
  Ok(service, "CreateStream", {{"StreamName", "fuzz2"}, {"ShardCount", 1}});
  Ok(service, "SplitShard",
     {{"StreamName", "fuzz"},
      {"ShardToSplit", "shardId-000000000001"},
      {"NewStartingHashKey", "100000000000000000000000000000000000000"}});
}

// The token a service would issue for `text`.
std::string Wrap(const std::string& text) {
  return absl::WebSafeBase64Escape(absl::StrCat(text, "\n", shardsim::sim::HashBytes(text)));
}

void CheckPaging(server::KinesisService& service) {
  const Json all = Ok(service, "ListShards", {{"StreamName", "fuzz"}});
  std::vector<Json> paged;
  Json request{{"StreamName", "fuzz"}, {"MaxResults", 2}};
  for (int page = 0; page < 10; ++page) {
    const Json answer = Ok(service, "ListShards", request);
    for (const Json& s : answer["Shards"]) paged.push_back(s);
    if (!answer.contains("NextToken")) break;
    request = Json{{"NextToken", answer["NextToken"]}, {"MaxResults", 2}};
  }
  FUZZ_CHECK(Json(paged) == all["Shards"], "paged ListShards differs from one page");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  server::KinesisService service(server::ServiceOptions{});
  Setup(service);
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string token = rest;
  if (data[0] & 1) {
    const std::string now = absl::StrCat(service.clock().Now().unix_micros());
    token = Wrap(absl::StrReplaceAll(rest, {{"$NOW", now}}));
  }
  for (const char* op : {"ListShards", "ListStreams"}) {
    Json body{{"NextToken", token}};
    if (data[0] & 2) body["MaxResults"] = 1;
    if (data[0] & 4) body["Limit"] = 1;
    Checked(op, Send(service, op, body));
  }
  CheckPaging(service);
  return 0;
}
