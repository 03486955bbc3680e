// Calls into an in-process KinesisService without a transport, for the server tests: a
// Kinesis call in JSON as client `key` in `region`, and the frames of an event stream.
#ifndef SHARDSIM_TESTS_SERVER_SERVICE_CALLS_H_
#define SHARDSIM_TESTS_SERVER_SERVICE_CALLS_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/event_stream.h"
#include "server/service.h"

namespace shardsim::server::testing {

inline HttpResponse Call(KinesisService& service, const std::string& op, const Json& body,
                         const std::string& key = "AKIDTEST",
                         const std::string& region = "us-east-1") {
  const std::string text = body.dump();
  const std::string target = "Kinesis_20131202." + op;
  const std::string auth = "AWS4-HMAC-SHA256 Credential=" + key + "/20230405/" + region +
                           "/kinesis/aws4_request, SignedHeaders=host, Signature=0";
  return service.Handle(HttpRequest{"POST", "/", target, "application/x-amz-json-1.1", auth, text});
}

inline Json Ok(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.body.empty()) return Json::object();
  return Json::parse(r.body, nullptr, false);
}

inline std::string ErrorType(const HttpResponse& r) {
  const Json j = Json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("__type") ? j["__type"].get<std::string>() : "";
}

// Every frame in `bytes` (which must hold whole frames only).
inline std::vector<event_stream::Message> Frames(std::string_view bytes) {
  std::vector<event_stream::Message> out;
  while (!bytes.empty()) {
    absl::StatusOr<event_stream::Message> m = event_stream::DecodeNext(bytes);
    EXPECT_TRUE(m.ok()) << m.status();
    if (!m.ok()) break;
    out.push_back(*std::move(m));
  }
  return out;
}

}  // namespace shardsim::server::testing

#endif  // SHARDSIM_TESTS_SERVER_SERVICE_CALLS_H_
