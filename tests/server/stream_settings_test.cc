// The operations beside reading and writing, answered as AWS answers them: stream consumers
// (paged, ARNs in the request's region), tags (paged, 50 at most, validated), enhanced
// monitoring and encryption (reported by DescribeStream and DescribeStreamSummary), and
// DescribeLimits.
#include <gtest/gtest.h>

#include <string>

#include "tests/server/service_calls.h"

namespace shardsim::server {
namespace {

using testing::Call;
using testing::ErrorType;
using testing::Ok;

ServiceOptions Options() {
  ServiceOptions options;
  options.start = *ParseTime("2023-04-05T07:06:12Z");
  options.create_delay = Duration::Zero();
  return options;
}

const char kArn[] = "arn:aws:kinesis:us-east-1:123456789012:stream/s";

TEST(StreamSettingsTest, ConsumersAreRegisteredDescribedListedInPagesAndDeregistered) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  for (const char* name : {"b", "a", "c"}) {
    const Json r =
        Ok(Call(service, "RegisterStreamConsumer", {{"StreamARN", kArn}, {"ConsumerName", name}}));
    EXPECT_EQ(r["Consumer"]["ConsumerName"], name);
    EXPECT_TRUE(r["Consumer"]["ConsumerCreationTimestamp"].is_number());
  }
  const HttpResponse twice =
      Call(service, "RegisterStreamConsumer", {{"StreamARN", kArn}, {"ConsumerName", "a"}});
  EXPECT_EQ(ErrorType(twice), "ResourceInUseException");
  Json page = Ok(Call(service, "ListStreamConsumers", {{"StreamARN", kArn}, {"MaxResults", 2}}));
  ASSERT_EQ(page["Consumers"].size(), 2u);
  EXPECT_EQ(page["Consumers"][0]["ConsumerName"], "a");
  ASSERT_TRUE(page["NextToken"].is_string());
  page = Ok(Call(service, "ListStreamConsumers",
                 {{"StreamARN", kArn}, {"NextToken", page["NextToken"]}}));
  ASSERT_EQ(page["Consumers"].size(), 1u);
  EXPECT_EQ(page["Consumers"][0]["ConsumerName"], "c");
  EXPECT_FALSE(page.contains("NextToken"));
  const Json described =
      Ok(Call(service, "DescribeStreamConsumer", {{"StreamARN", kArn}, {"ConsumerName", "b"}}));
  EXPECT_EQ(described["ConsumerDescription"]["StreamARN"], kArn);
  EXPECT_EQ(described["ConsumerDescription"]["ConsumerStatus"], "ACTIVE");
  EXPECT_EQ(Ok(Call(service, "DescribeStreamSummary",
                    {{"StreamName", "s"}}))["StreamDescriptionSummary"]["ConsumerCount"],
            3);
  Ok(Call(service, "DeregisterStreamConsumer",
          {{"ConsumerARN", described["ConsumerDescription"]["ConsumerARN"]}}));
  const HttpResponse gone =
      Call(service, "DescribeStreamConsumer", {{"StreamARN", kArn}, {"ConsumerName", "b"}});
  EXPECT_EQ(ErrorType(gone), "ResourceNotFoundException") << gone.body;
  const HttpResponse neither = Call(service, "DescribeStreamConsumer", {{"ConsumerName", "b"}});
  EXPECT_EQ(ErrorType(neither), "InvalidArgumentException");
  const HttpResponse no_arn = Call(service, "ListStreamConsumers", Json::object());
  EXPECT_EQ(ErrorType(no_arn), "ValidationException");
}

TEST(StreamSettingsTest, ConsumerArnsNameTheRegionOfTheRequest) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  const std::string west = "arn:aws:kinesis:us-west-2:123456789012:stream/s";
  const Json r = Ok(Call(service, "RegisterStreamConsumer",
                         {{"StreamARN", west}, {"ConsumerName", "c"}}, "AKID", "us-west-2"));
  const std::string arn = r["Consumer"]["ConsumerARN"].get<std::string>();
  EXPECT_EQ(arn.rfind(west + "/consumer/c:", 0), 0u) << arn;
  const Json d =
      Ok(Call(service, "DescribeStreamConsumer", {{"ConsumerARN", arn}}, "AKID", "us-west-2"));
  EXPECT_EQ(d["ConsumerDescription"]["StreamARN"], west);
}

TEST(StreamSettingsTest, TagsAreAddedOverwrittenListedInPagesRemovedAndLimitedToFifty) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  Ok(Call(service, "AddTagsToStream",
          {{"StreamName", "s"}, {"Tags", {{"team", "a"}, {"env", "x"}}}}));
  Ok(Call(service, "AddTagsToStream", {{"StreamName", "s"}, {"Tags", {{"team", "b"}}}}));
  Json tags = Ok(Call(service, "ListTagsForStream", {{"StreamName", "s"}, {"Limit", 1}}));
  ASSERT_EQ(tags["Tags"].size(), 1u);
  EXPECT_EQ(tags["Tags"][0], (Json{{"Key", "env"}, {"Value", "x"}}));
  EXPECT_EQ(tags["HasMoreTags"], true);
  tags = Ok(
      Call(service, "ListTagsForStream", {{"StreamName", "s"}, {"ExclusiveStartTagKey", "env"}}));
  ASSERT_EQ(tags["Tags"].size(), 1u);
  EXPECT_EQ(tags["Tags"][0], (Json{{"Key", "team"}, {"Value", "b"}}));
  EXPECT_EQ(tags["HasMoreTags"], false);
  Ok(Call(service, "RemoveTagsFromStream", {{"StreamName", "s"}, {"TagKeys", {"env", "absent"}}}));
  EXPECT_EQ(Ok(Call(service, "ListTagsForStream", {{"StreamName", "s"}}))["Tags"].size(), 1u);

  Json many = Json::object();
  for (int i = 0; i < 49; ++i) many["k" + std::to_string(i)] = "v";
  Ok(Call(service, "AddTagsToStream", {{"StreamName", "s"}, {"Tags", many}}));  // 50 now
  const HttpResponse over =
      Call(service, "AddTagsToStream", {{"StreamName", "s"}, {"Tags", {{"one-more", "v"}}}});
  EXPECT_EQ(ErrorType(over), "InvalidArgumentException") << over.body;
  Ok(Call(service, "AddTagsToStream",
          {{"StreamName", "s"}, {"Tags", {{"team", "c"}}}}));  // overwrite
  EXPECT_EQ(ErrorType(Call(service, "AddTagsToStream",
                           {{"StreamName", "s"}, {"Tags", {{"bad#key", "v"}}}})),
            "InvalidArgumentException");
  EXPECT_EQ(
      ErrorType(Call(service, "AddTagsToStream", {{"StreamName", "s"}, {"Tags", Json::object()}})),
      "ValidationException");
  EXPECT_EQ(ErrorType(Call(service, "AddTagsToStream",
                           {{"StreamName", "s"}, {"Tags", {{std::string(129, 'k'), "v"}}}})),
            "ValidationException");
  EXPECT_EQ(ErrorType(Call(service, "ListTagsForStream", {{"StreamName", "nope"}})),
            "ResourceNotFoundException");
}

TEST(StreamSettingsTest, EnhancedMonitoringIsKeptAndReportedByBothDescriptions) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  const Json on = Ok(Call(service, "EnableEnhancedMonitoring",
                          {{"StreamName", "s"}, {"ShardLevelMetrics", {"ALL"}}}));
  EXPECT_TRUE(on["CurrentShardLevelMetrics"].empty());
  EXPECT_EQ(on["DesiredShardLevelMetrics"].size(), 7u);
  EXPECT_EQ(on["StreamARN"], kArn);
  const Json off = Ok(Call(service, "DisableEnhancedMonitoring",
                           {{"StreamName", "s"}, {"ShardLevelMetrics", {"IncomingBytes"}}}));
  EXPECT_EQ(off["CurrentShardLevelMetrics"].size(), 7u);
  EXPECT_EQ(off["DesiredShardLevelMetrics"].size(), 6u);
  const Json d = Ok(Call(service, "DescribeStream", {{"StreamName", "s"}}));
  EXPECT_EQ(d["StreamDescription"]["EnhancedMonitoring"][0]["ShardLevelMetrics"],
            off["DesiredShardLevelMetrics"]);
  const Json summary = Ok(Call(service, "DescribeStreamSummary", {{"StreamName", "s"}}));
  EXPECT_EQ(summary["StreamDescriptionSummary"]["EnhancedMonitoring"][0]["ShardLevelMetrics"],
            off["DesiredShardLevelMetrics"]);
  EXPECT_EQ(ErrorType(Call(service, "EnableEnhancedMonitoring",
                           {{"StreamName", "s"}, {"ShardLevelMetrics", {"Nonsense"}}})),
            "ValidationException");
}

TEST(StreamSettingsTest, EncryptionIsReportedWithItsKeyAndStoppedOnlyWithThatKey) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  Ok(Call(service, "StartStreamEncryption",
          {{"StreamName", "s"}, {"EncryptionType", "KMS"}, {"KeyId", "alias/aws/kinesis"}}));
  Json summary = Ok(Call(service, "DescribeStreamSummary", {{"StreamName", "s"}}));
  EXPECT_EQ(summary["StreamDescriptionSummary"]["EncryptionType"], "KMS");
  EXPECT_EQ(summary["StreamDescriptionSummary"]["KeyId"], "alias/aws/kinesis");
  EXPECT_EQ(Ok(Call(service, "DescribeStream",
                    {{"StreamName", "s"}}))["StreamDescription"]["EncryptionType"],
            "KMS");
  EXPECT_EQ(ErrorType(Call(service, "StopStreamEncryption",
                           {{"StreamName", "s"}, {"EncryptionType", "KMS"}, {"KeyId", "other"}})),
            "InvalidArgumentException");
  Ok(Call(service, "StopStreamEncryption",
          {{"StreamName", "s"}, {"EncryptionType", "KMS"}, {"KeyId", "alias/aws/kinesis"}}));
  summary = Ok(Call(service, "DescribeStreamSummary", {{"StreamName", "s"}}));
  EXPECT_EQ(summary["StreamDescriptionSummary"]["EncryptionType"], "NONE");
  EXPECT_FALSE(summary["StreamDescriptionSummary"].contains("KeyId"));
  EXPECT_EQ(ErrorType(Call(service, "StartStreamEncryption",
                           {{"StreamName", "s"}, {"EncryptionType", "KMS"}})),
            "ValidationException");
}

TEST(StreamSettingsTest, DescribeLimitsCountsOpenShardsAndOnDemandStreams) {
  KinesisService service(Options());
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 3}}));
  Ok(Call(service, "CreateStream", {{"StreamName", "od"}}));  // on demand: 4 shards
  const Json limits = Ok(Call(service, "DescribeLimits", Json::object()));
  EXPECT_EQ(limits["ShardLimit"], 500);
  EXPECT_EQ(limits["OpenShardCount"], 7);
  EXPECT_EQ(limits["OnDemandStreamCount"], 1);
  EXPECT_EQ(limits["OnDemandStreamCountLimit"], 50);
}

}  // namespace
}  // namespace shardsim::server
