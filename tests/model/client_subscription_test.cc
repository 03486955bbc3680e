// The simulated KinesisClient's enhanced fan-out, as a strategy uses it: register a consumer,
// subscribe, read the EventStream event by event with `co_await Next()` in virtual time,
// resubscribe AFTER the last continuation when a subscription ends, follow ChildShards; every
// subscription and delivery is traced and handed to the call observers.
#include <gtest/gtest.h>

#include <optional>
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
  return options;
}

struct Seen {
  std::vector<std::string> data;
  int subscriptions = 0;
  int events = 0;
  bool shard_end = false;
};

// A fan-out loop of one shard, as a boto3 one reads: resubscribe after the last continuation
// until the shard ends (or `max_subscriptions`).
sim::Task<void> ReadShard(KinesisClient& kinesis, std::string arn, Seen& seen,
                          int max_subscriptions) {
  std::optional<std::string> continuation;
  for (; seen.subscriptions < max_subscriptions && !seen.shard_end; ++seen.subscriptions) {
    StartingPosition start{.Type = ShardIteratorType::TRIM_HORIZON};
    if (continuation) {
      start = {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER, .SequenceNumber = continuation};
    }
    auto subscription = co_await kinesis.SubscribeToShard(
        {.ConsumerARN = arn, .ShardId = "shardId-000000000000", .StartingPosition = start});
    if (!subscription.ok()) co_return;
    EventStream events = std::move(subscription).value();
    for (int i = 0; i < 1'000; ++i) {
      auto event = co_await events.Next();
      if (!event.ok() || !event->has_value()) break;
      ++seen.events;
      for (const Record& r : (*event)->Records) seen.data.push_back(r.Data);
      if (!(*event)->ContinuationSequenceNumber) {
        seen.shard_end = true;
        break;
      }
      continuation = (*event)->ContinuationSequenceNumber;
    }
    co_await kinesis.simulation().Sleep(Duration::Seconds(5));
  }
}

struct Counter : CallObserver {
  void OnSubscribeToShard(const SubscribeToShardCall& call) override {
    subscribes += call.outcome.ok() ? 1 : 0;
  }
  void OnSubscriptionDelivery(const SubscriptionDelivery& d) override {
    if (d.poll.kind == SubscriptionPoll::Kind::kEvent) ++events;
  }
  int subscribes = 0;
  int events = 0;
};

TEST(ClientSubscription, ALoopResubscribingAfterTheContinuationReadsEveryRecordToTheShardsEnd) {
  sim::Simulation simulation;
  KinesisModel model(1);
  KinesisClient producer(simulation, model, "producer");
  KinesisClient consumer(simulation, model, "consumer");
  Counter counter;
  consumer.AddObserver(&counter);
  ASSERT_TRUE(producer.CreateStreamNow({.StreamName = "s", .ShardCount = 1}, Options()).ok());
  const std::string arn =
      consumer.RegisterStreamConsumerNow({.StreamARN = StreamArn("s"), .ConsumerName = "app"})
          ->Consumer.ConsumerARN;
  // Records an hour apart over 12 minutes, so the loop needs three subscriptions and walks
  // idle buckets in between; then the shard is split.
  const std::vector<Duration> puts{Duration::Seconds(1), Duration::Minutes(4), Duration::Minutes(9),
                                   Duration::Minutes(12)};
  Seen seen;
  simulation.Spawn("consumer", ReadShard(consumer, arn, seen, 20));
  for (size_t i = 0; i < puts.size(); ++i) {
    simulation.RunUntil(simulation.start() + puts[i]);
    ASSERT_TRUE(producer.PutRecordNow({"s", "k", std::to_string(i), std::nullopt}).ok());
  }
  simulation.RunUntil(simulation.start() + Duration::Minutes(13));
  const std::string half = HashKey::FromUint128(HashKey::Max().value() / 2 + 1).ToString();
  ASSERT_TRUE(producer.SplitShardNow({"s", "shardId-000000000000", half}).ok());
  simulation.RunFor(Duration::Minutes(30));
  EXPECT_EQ(seen.data, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_TRUE(seen.shard_end);
  EXPECT_GE(seen.subscriptions, 3);
  EXPECT_EQ(counter.subscribes, seen.subscriptions + (seen.shard_end ? 0 : 1));
  EXPECT_EQ(counter.events, seen.events);
  int traced_events = 0;
  for (const sim::TraceRecord& r : simulation.trace().records()) {
    if (r.kind == trace_call::kSubscriptionEvent) ++traced_events;
  }
  EXPECT_GE(traced_events, seen.events);  // plus each subscription's end
}

}  // namespace
}  // namespace shardsim::model
