// The simulated KinesisClient offers the listing calls a production loop makes, as the model
// answers them (and as `shardsim serve` answers them on the wire): a C++ loop pages ListShards
// with MaxResults and NextToken, and sees its stream UPDATING after a reshard.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/client.h"
#include "model/hash_key.h"
#include "model/kinesis_model.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::model {
namespace {

StreamOptions Options() {
  StreamOptions options;
  options.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  options.status_change_delay = Duration::Seconds(5);
  return options;
}

// What a paginating production loop does: list every shard, MaxResults at a time.
sim::Task<void> ListAllShards(KinesisClient& kinesis, std::vector<std::string>& ids, int& calls) {
  ListShardsRequest request{.StreamName = "s", .MaxResults = 2};
  for (int page = 0; page < 100; ++page) {
    auto listed = co_await kinesis.ListShards(request);
    ++calls;
    if (!listed.ok()) co_return;
    for (const Shard& shard : listed->Shards) ids.push_back(shard.ShardId);
    if (!listed->NextToken) co_return;
    request = ListShardsRequest{.NextToken = listed->NextToken, .MaxResults = 2};
  }
}

sim::Task<void> Watch(KinesisClient& kinesis, std::vector<StreamStatus>& seen) {
  for (int i = 0; i < 4; ++i) {
    auto summary = co_await kinesis.DescribeStreamSummary({.StreamName = "s"});
    if (summary.ok()) seen.push_back(summary->StreamDescriptionSummary.StreamStatus);
    co_await kinesis.simulation().Sleep(Duration::Seconds(2));
  }
}

TEST(ClientListing, ALoopPagesListShardsWithMaxResultsAndNextToken) {
  sim::Simulation simulation;
  KinesisModel model(1);
  KinesisClient kinesis(simulation, model, "consumer");
  ASSERT_TRUE(kinesis.CreateStreamNow({.StreamName = "s", .ShardCount = 5}, Options()).ok());
  simulation.RunFor(Duration::Seconds(10));
  std::vector<std::string> ids;
  int calls = 0;
  simulation.Spawn("consumer", ListAllShards(kinesis, ids, calls));
  simulation.Run();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(ids, (std::vector<std::string>{"shardId-000000000000", "shardId-000000000001",
                                           "shardId-000000000002", "shardId-000000000003",
                                           "shardId-000000000004"}));
}

TEST(ClientListing, ALoopSeesItsStreamUpdatingAfterAReshardThenActive) {
  sim::Simulation simulation;
  KinesisModel model(1);
  KinesisClient kinesis(simulation, model, "consumer");
  ASSERT_TRUE(kinesis.CreateStreamNow({.StreamName = "s", .ShardCount = 1}, Options()).ok());
  simulation.RunFor(Duration::Seconds(10));
  const std::string half = HashKey::FromUint128(HashKey::Max().value() / 2 + 1).ToString();
  ASSERT_TRUE(kinesis.SplitShardNow({"s", "shardId-000000000000", half}).ok());
  std::vector<StreamStatus> seen;
  simulation.Spawn("consumer", Watch(kinesis, seen));
  simulation.Run();
  // Calls at about 0 s, 2 s, 4 s and 6 s after the split; it is UPDATING for 5 s.
  EXPECT_EQ(seen, (std::vector<StreamStatus>{StreamStatus::UPDATING, StreamStatus::UPDATING,
                                             StreamStatus::UPDATING, StreamStatus::ACTIVE}));
  const std::string trace = simulation.trace().ToText();
  EXPECT_NE(trace.find("DescribeStreamSummary stream=\"s\" status=\"UPDATING\""), std::string::npos)
      << trace;
}

}  // namespace
}  // namespace shardsim::model
