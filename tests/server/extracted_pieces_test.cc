// The service's pieces that stand alone (issue 22): who a request is from (credential.h), the
// stamps of a response (request_id.h), the clock control API (clock_api.h), the events API
// (events_api.h) and CBOR tag stripping (cbor.h). The HTTP tests (server_test.cc) drive them
// through the service.
#include <gtest/gtest.h>

#include <string>

#include "server/cbor.h"
#include "server/clock_api.h"
#include "server/credential.h"
#include "server/events_api.h"
#include "server/request_id.h"

namespace shardsim::server {
namespace {

TEST(Credential, TheAccessKeyIdNamesTheClientAndTheScopeGivesTheRegion) {
  const Credential c = CredentialOf(
      "AWS4-HMAC-SHA256 Credential=reader-1/20230405/eu-west-1/kinesis/aws4_request, "
      "SignedHeaders=host, Signature=abc");
  EXPECT_EQ(c.client, "reader-1");
  EXPECT_EQ(c.region, "eu-west-1");
}

TEST(Credential, AMissingOrUnprintablePartKeepsItsDefault) {
  EXPECT_EQ(CredentialOf("").client, "anonymous");
  EXPECT_EQ(CredentialOf("").region, "us-east-1");
  const Credential c = CredentialOf("AWS4-HMAC-SHA256 Credential=key\x01/20230405/\x7f/kinesis");
  EXPECT_EQ(c.client, "anonymous");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(CredentialOf("Credential=only-a-key").client, "only-a-key");
}

TEST(RequestId, TheSameSeedAndCounterGiveTheSameIdsAndTheNextCounterOthers) {
  std::string id2_a, id2_b, id2_c;
  const std::string a = RequestId(7, 3, id2_a);
  const std::string b = RequestId(7, 3, id2_b);
  const std::string c = RequestId(7, 4, id2_c);
  EXPECT_EQ(a, b);
  EXPECT_EQ(id2_a, id2_b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 36u);
  for (size_t dash : {8u, 13u, 18u, 23u}) EXPECT_EQ(a[dash], '-');
  EXPECT_EQ(id2_a.size(), 32u);
}

TEST(FormatVirtualTime, PrintsWhatInstantToStringPrintsAcrossSecondsAndMicroseconds) {
  const sim::Instant start = sim::Instant::FromUnixMicros(1'680'678'490'670'123);
  for (int64_t step :
       {int64_t{0}, int64_t{1}, int64_t{999'999}, int64_t{1'000'000}, int64_t{86'400'000'000}}) {
    const sim::Instant t = start + sim::Duration::Micros(step);
    EXPECT_EQ(FormatVirtualTime(t), t.ToString());
  }
}

TEST(ClockApi, AdvanceMovesTheClockAndAnythingElseIsRefusedWithTheUsage) {
  VirtualClock clock(ClockMode{}, sim::kDefaultEpoch, sim::Duration::Millis(200));
  const sim::Instant before = clock.Now();
  EXPECT_FALSE(ApplyClockCommand(Json{{"advance", "1h"}}, clock).has_value());
  EXPECT_EQ(clock.Now(), before + sim::Duration::Hours(1));
  for (const std::optional<Json>& body :
       {std::optional<Json>(), std::optional<Json>(Json::object()),
        std::optional<Json>(Json{{"advance", 5}}),
        std::optional<Json>(Json{{"advance", "1h"}, {"set", "2023-04-06T00:41:28Z"}})}) {
    const std::optional<ApiError> refused = ApplyClockCommand(body, clock);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->type, "InvalidArgumentException");
  }
  EXPECT_EQ(clock.Now(), before + sim::Duration::Hours(1)) << "a refused command moves nothing";
  EXPECT_EQ(ClockState(clock)["now"], clock.Now().ToString());
}

TEST(EventsApi, ABatchIsAcceptedWholeOrRefusedNamingItsFirstBadEvent) {
  const Json good = Json::parse(R"({"client": "app", "events": [
      {"type": "caught_up", "shard_id": "shardId-000000000000"},
      {"type": "checkpoint", "shard_id": "shardId-000000000000", "shard_end": true}]})");
  const Decoded<EventBatch> batch = ParseEvents(good, "from-header");
  ASSERT_TRUE(std::holds_alternative<EventBatch>(batch));
  EXPECT_EQ(std::get<EventBatch>(batch).client, "app");
  ASSERT_EQ(std::get<EventBatch>(batch).events.size(), 2u);
  EXPECT_TRUE(std::get<EventBatch>(batch).events[1].shard_end);

  const Json bad = Json::parse(R"({"events": [
      {"type": "caught_up", "shard_id": "s"}, {"type": "processed", "shard_id": "s"}]})");
  const Decoded<EventBatch> refused = ParseEvents(bad, "from-header");
  ASSERT_TRUE(std::holds_alternative<ApiError>(refused));
  EXPECT_EQ(std::get<ApiError>(refused).message,
            "event 1: a processed event needs a \"sequence_number\"");
}

TEST(EventsApi, OneEventWithoutAClientMemberIsTheAuthorizationHeadersClient) {
  const Decoded<EventBatch> batch =
      ParseEvents(Json{{"type", "shard_end"}, {"shard_id", "s"}}, "from-header");
  ASSERT_TRUE(std::holds_alternative<EventBatch>(batch));
  EXPECT_EQ(std::get<EventBatch>(batch).client, "from-header");
  EXPECT_EQ(std::get<EventBatch>(batch).events.at(0).type, ApplicationEvent::Type::kShardEnd);
}

TEST(Cbor, TagHeadsAreDroppedAndTheirContentKept) {
  // {"T": 1(1680678490)} with the timestamp under tag 1 (0xc1).
  const std::string tagged("\xa1\x61T\xc1\x1a\x64\x2d\x2b\x5a", 9);
  const std::optional<std::string> untagged = StripCborTags(tagged, 64);
  ASSERT_TRUE(untagged.has_value());
  EXPECT_EQ(*untagged, std::string("\xa1\x61T\x1a\x64\x2d\x2b\x5a", 8));
}

TEST(Cbor, NestingPastTheBoundIsRefused) {
  const std::string deep(65, '\x81');  // 65 nested one-item arrays
  EXPECT_FALSE(StripCborTags(deep + std::string(1, '\x00'), 64).has_value());
  EXPECT_TRUE(StripCborTags(std::string(64, '\x81') + std::string(1, '\x00'), 64).has_value());
}

}  // namespace
}  // namespace shardsim::server
