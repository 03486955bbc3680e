// Enhanced fan-out in the model: stream consumers (register, describe, list, deregister, their
// status and limits) and SubscribeToShard (starting positions, the five-minute life, the 5 s
// takeover rule, events walking the buckets, the cadence, ContinuationSequenceNumber, the end
// of a closed shard), each rule of kinesis_model.h with an example, and a property: a consumer
// that always resubscribes AFTER_SEQUENCE_NUMBER of the last continuation sees every record
// exactly once, in order, whatever the gaps and whenever it resubscribes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/hash_key.h"
#include "model/kinesis_model.h"
#include "model/sequence_number.h"

namespace shardsim::model {
namespace {

constexpr Instant kT0 = sim::kDefaultEpoch;
const std::string kStream = "s";
const std::string kShard0 = "shardId-000000000000";
using Kind = SubscriptionPoll::Kind;

StreamOptions Options(Duration status_change_delay = Duration::Zero(), uint64_t counter_start = 0) {
  StreamOptions options;
  options.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  options.limits = ShardLimits::Unlimited();
  options.status_change_delay = status_change_delay;
  options.counter_start = counter_start;
  return options;
}

// A model with one stream of `shards` shards and one consumer, ACTIVE at kT0.
struct Fixture {
  explicit Fixture(int shards = 1, StreamOptions options = Options()) : model(7) {
    EXPECT_TRUE(
        model.CreateStream(kT0, {.StreamName = kStream, .ShardCount = shards}, options).ok());
    Outcome<RegisterStreamConsumerResponse> registered =
        model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = "c"});
    EXPECT_TRUE(registered.ok()) << registered.error().ToString();
    arn = registered->Consumer.ConsumerARN;
  }
  std::string Put(Instant at, std::string data) {
    Outcome<PutRecordResponse> put =
        model.PutRecord(at, {kStream, "k", std::move(data), std::nullopt});
    EXPECT_TRUE(put.ok()) << put.error().ToString();
    return put->SequenceNumber;
  }
  Outcome<SubscribeToShardResponse> Subscribe(Instant at, StartingPosition start,
                                              const std::string& shard = kShard0) {
    return model.SubscribeToShard(
        at, {.ConsumerARN = arn, .ShardId = shard, .StartingPosition = start});
  }
  // Polls from `at` until something is delivered; `at` moves to the delivery time.
  SubscriptionPoll NextDelivery(uint64_t id, Instant& at) {
    for (int i = 0; i < 400; ++i) {
      SubscriptionPoll poll = model.PollSubscription(at, id);
      if (poll.kind != Kind::kWait) return poll;
      EXPECT_GT(poll.wake_at, at);
      at = poll.wake_at;
    }
    ADD_FAILURE() << "no delivery in 400 polls";
    return {};
  }
  KinesisModel model;
  std::string arn;
};

std::vector<std::string> DataOf(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) out.push_back(r.Data);
  return out;
}

// Consumers ---------------------------------------------------------------------------------

TEST(StreamConsumers, RegisteringGivesAnArnInAwsFormatActiveAtOnceWithoutADelay) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = kStream, .ShardCount = 1}, Options()).ok());
  Outcome<RegisterStreamConsumerResponse> r =
      model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = "app"});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->Consumer.ConsumerARN,
            absl::StrCat("arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/app:",
                         kT0.unix_seconds()));
  EXPECT_EQ(r->Consumer.ConsumerStatus, ConsumerStatus::ACTIVE);
  Outcome<DescribeStreamConsumerResponse> d =
      model.DescribeStreamConsumer(kT0, {.ConsumerARN = r->Consumer.ConsumerARN});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ConsumerDescription.StreamARN, StreamArn(kStream));
  EXPECT_EQ(d->ConsumerDescription.ConsumerName, "app");
}

TEST(StreamConsumers, AConsumerIsCreatingForTheDelayAndCannotSubscribeUntilActive) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(10);
  ASSERT_TRUE(
      model.CreateStream(kT0, {.StreamName = kStream, .ShardCount = 1}, Options(delay)).ok());
  const Instant ready = kT0 + delay;
  const std::string arn =
      model.RegisterStreamConsumer(ready, {.StreamARN = StreamArn(kStream), .ConsumerName = "c"})
          ->Consumer.ConsumerARN;
  EXPECT_EQ(
      model.DescribeStreamConsumer(ready, {.ConsumerARN = arn})->ConsumerDescription.ConsumerStatus,
      ConsumerStatus::CREATING);
  Outcome<SubscribeToShardResponse> early =
      model.SubscribeToShard(ready + Duration::Seconds(9),
                             {.ConsumerARN = arn, .ShardId = kShard0, .StartingPosition = {}});
  ASSERT_TRUE(early.Is(ErrorCode::kResourceInUse));
  EXPECT_NE(early.error().message.find("is not in ACTIVE status"), std::string::npos);
  EXPECT_TRUE(
      model
          .SubscribeToShard(ready + delay,
                            {.ConsumerARN = arn, .ShardId = kShard0, .StartingPosition = {}})
          .ok());
}

TEST(StreamConsumers, NamesAreUniqueValidAndAtMostTwentyAStream) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = kStream, .ShardCount = 1}, Options()).ok());
  for (int i = 0; i < kMaxConsumersPerStream; ++i) {
    ASSERT_TRUE(model
                    .RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream),
                                                  .ConsumerName = absl::StrCat("c", i)})
                    .ok());
  }
  EXPECT_TRUE(
      model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = "c3"})
          .Is(ErrorCode::kResourceInUse));
  EXPECT_TRUE(
      model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = "c20"})
          .Is(ErrorCode::kLimitExceeded));
  EXPECT_TRUE(
      model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = "a b"})
          .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(model.RegisterStreamConsumer(kT0, {.StreamARN = "stream/s", .ConsumerName = "x"})
                  .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn("nope"), .ConsumerName = "x"})
          .Is(ErrorCode::kResourceNotFound));
}

TEST(StreamConsumers, ListingPagesByNameWithAtMostAHundredAPageAndATokenThatExpires) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = kStream, .ShardCount = 1}, Options()).ok());
  for (const char* name : {"e", "b", "d", "a", "c"}) {
    ASSERT_TRUE(
        model.RegisterStreamConsumer(kT0, {.StreamARN = StreamArn(kStream), .ConsumerName = name})
            .ok());
  }
  std::vector<std::string> names;
  ListStreamConsumersRequest request{.StreamARN = StreamArn(kStream), .MaxResults = 2};
  std::optional<std::string> token;
  for (int page = 0; page < 10; ++page) {
    Outcome<ListStreamConsumersResponse> listed = model.ListStreamConsumers(kT0, request);
    ASSERT_TRUE(listed.ok()) << listed.error().ToString();
    for (const Consumer& c : listed->Consumers) names.push_back(c.ConsumerName);
    if (!listed->NextToken) break;
    token = listed->NextToken;
    request.NextToken = listed->NextToken;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  ASSERT_TRUE(token.has_value());
  EXPECT_TRUE(model
                  .ListStreamConsumers(kT0 + Duration::Seconds(301),
                                       {.StreamARN = StreamArn(kStream), .NextToken = token})
                  .Is(ErrorCode::kExpiredNextToken));
  EXPECT_TRUE(model
                  .ListStreamConsumers(kT0 + Duration::Seconds(301),
                                       {.StreamARN = StreamArn(kStream), .MaxResults = 0})
                  .Is(ErrorCode::kInvalidArgument));
}

TEST(StreamConsumers, DeregisteringEndsTheConsumersSubscriptionsAndFreesItsName) {
  Fixture f;
  const uint64_t id = f.Subscribe(kT0, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  ASSERT_TRUE(
      f.model.DeregisterStreamConsumer(kT0 + Duration::Seconds(2), {.ConsumerARN = f.arn}).ok());
  Instant at = kT0 + Duration::Seconds(2);
  const SubscriptionPoll poll = f.NextDelivery(id, at);
  ASSERT_EQ(poll.kind, Kind::kFailed);
  EXPECT_EQ(poll.error->code, ErrorCode::kResourceNotFound);
  EXPECT_TRUE(
      f.model.DescribeStreamConsumer(at, {.ConsumerARN = f.arn}).Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(
      f.model.RegisterStreamConsumer(at, {.StreamARN = StreamArn(kStream), .ConsumerName = "c"})
          .ok());
}

// SubscribeToShard --------------------------------------------------------------------------

TEST(SubscribeToShard, FromTrimHorizonDeliversEveryRecordInOrderThenCompletesAfterFiveMinutes) {
  Fixture f;
  f.Put(kT0 + Duration::Seconds(1), "a");
  f.Put(kT0 + Duration::Seconds(2), "b");
  f.Put(kT0 + Duration::Seconds(90), "c");  // in the next bucket
  const Instant start = kT0 + Duration::Seconds(91);
  Instant at = start;
  const Outcome<SubscribeToShardResponse> sub =
      f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON});
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  EXPECT_EQ(sub->EndsAt, at + KinesisModel::kSubscriptionLifetime);
  SubscriptionPoll first = f.NextDelivery(sub->SubscriptionId, at);
  ASSERT_EQ(first.kind, Kind::kEvent);
  EXPECT_EQ(at, start);  // the first event at once
  EXPECT_EQ(DataOf(first.event->Records), (std::vector<std::string>{"a", "b"}));
  std::vector<std::string> later;
  std::vector<Instant> times{at};
  for (;;) {
    SubscriptionPoll poll = f.NextDelivery(sub->SubscriptionId, at);
    if (poll.kind != Kind::kEvent) {
      EXPECT_EQ(poll.kind, Kind::kComplete);
      break;
    }
    times.push_back(at);
    for (const std::string& d : DataOf(poll.event->Records)) later.push_back(d);
  }
  EXPECT_EQ(later, (std::vector<std::string>{"c"}));
  EXPECT_EQ(at, sub->EndsAt);
  EXPECT_EQ(times[1] - times[0], KinesisModel::kEventInterval);
  // Then at the tip, a heartbeat every 5 s.
  for (size_t i = 3; i < times.size(); ++i) {
    EXPECT_EQ(times[i] - times[i - 1], KinesisModel::kHeartbeatInterval) << i;
  }
  const SubscriptionPoll end =
      f.model.PollSubscription(at + Duration::Seconds(1), sub->SubscriptionId);
  EXPECT_EQ(end.kind, Kind::kComplete);
  EXPECT_TRUE(end.expired);
}

TEST(SubscribeToShard, AfterAnIdleStretchEventsComeWithoutRecordsWhileMillisBehindLatestShrinks) {
  Fixture f;
  f.Put(kT0 + Duration::Seconds(1), "old");
  f.Put(kT0 + Duration::Hours(2), "new");
  Instant at = kT0 + Duration::Hours(2) + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  std::vector<int64_t> behind;
  int empty_events = 0;
  std::vector<std::string> seen;
  while (seen.size() < 2) {
    SubscriptionPoll poll = f.NextDelivery(id, at);
    ASSERT_EQ(poll.kind, Kind::kEvent);
    if (poll.event->Records.empty()) ++empty_events;
    for (const std::string& d : DataOf(poll.event->Records)) seen.push_back(d);
    behind.push_back(poll.event->MillisBehindLatest);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"old", "new"}));
  EXPECT_GE(empty_events, 100);  // two hours of one-minute buckets, one bucket an event
  for (size_t i = 2; i + 1 < behind.size(); ++i) EXPECT_LT(behind[i], behind[i - 1]) << i;
}

TEST(SubscribeToShard, ResubscribingAfterTheContinuationResumesPastTheIdleStretchWalkedSoFar) {
  Fixture f;
  f.Put(kT0 + Duration::Seconds(1), "old");
  f.Put(kT0 + Duration::Hours(2), "new");
  Instant at = kT0 + Duration::Hours(2) + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  SubscriptionPoll last;
  for (int i = 0; i < 30; ++i) last = f.NextDelivery(id, at);
  ASSERT_EQ(last.kind, Kind::kEvent);
  ASSERT_TRUE(last.event->Records.empty());
  const int64_t behind = last.event->MillisBehindLatest;
  at = at + Duration::Seconds(6);
  const uint64_t again = f.Subscribe(at, {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER,
                                          .SequenceNumber = last.event->ContinuationSequenceNumber})
                             ->SubscriptionId;
  const SubscriptionPoll resumed = f.NextDelivery(again, at);
  ASSERT_EQ(resumed.kind, Kind::kEvent);
  EXPECT_TRUE(resumed.event->Records.empty());
  // One bucket further on, not back at the start of the gap (less the 6 s that passed).
  EXPECT_LE(resumed.event->MillisBehindLatest, behind + 6'000);
  EXPECT_GE(resumed.event->MillisBehindLatest, behind - 61'000);
}

TEST(SubscribeToShard, TheContinuationInTheLastRecordsBucketIsThatRecordsNumberSoAtRepeatsIt) {
  Fixture f;
  const std::string b =
      (f.Put(kT0 + Duration::Seconds(1), "a"), f.Put(kT0 + Duration::Seconds(2), "b"));
  Instant at = kT0 + Duration::Seconds(3);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  const SubscriptionPoll event = f.NextDelivery(id, at);
  ASSERT_EQ(event.event->ContinuationSequenceNumber, b);
  at = at + Duration::Seconds(5);
  const uint64_t at_seq =
      f.Subscribe(at, {.Type = ShardIteratorType::AT_SEQUENCE_NUMBER, .SequenceNumber = b})
          ->SubscriptionId;
  EXPECT_EQ(DataOf(f.NextDelivery(at_seq, at).event->Records), (std::vector<std::string>{"b"}));
  at = at + Duration::Seconds(5);
  const uint64_t after_seq =
      f.Subscribe(at, {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER, .SequenceNumber = b})
          ->SubscriptionId;
  EXPECT_TRUE(f.NextDelivery(after_seq, at).event->Records.empty());
}

TEST(SubscribeToShard, ASecondSubscriptionWithinFiveSecondsIsRefusedAndOneAfterTakesOver) {
  Fixture f;
  const uint64_t first = f.Subscribe(kT0, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  const Outcome<SubscribeToShardResponse> refused =
      f.Subscribe(kT0 + Duration::Millis(4'999), {.Type = ShardIteratorType::LATEST});
  ASSERT_TRUE(refused.Is(ErrorCode::kResourceInUse));
  EXPECT_NE(refused.error().message.find("Another active subscription exists"), std::string::npos);
  const Instant later = kT0 + Duration::Seconds(5);
  ASSERT_TRUE(f.Subscribe(later, {.Type = ShardIteratorType::LATEST}).ok());
  const SubscriptionPoll old = f.model.PollSubscription(later, first);
  ASSERT_EQ(old.kind, Kind::kFailed);
  EXPECT_EQ(old.error->code, ErrorCode::kResourceInUse);
  // Another shard, or another consumer, is a separate subscription.
  Fixture two(2);
  ASSERT_TRUE(two.Subscribe(kT0, {.Type = ShardIteratorType::LATEST}).ok());
  EXPECT_TRUE(two.Subscribe(kT0, {.Type = ShardIteratorType::LATEST}, "shardId-000000000001").ok());
}

TEST(SubscribeToShard, StartingPositionsFollowGetShardIteratorsRules) {
  Fixture f;
  f.Put(kT0 + Duration::Seconds(1), "a");
  const std::string b = f.Put(kT0 + Duration::Seconds(2), "b");
  f.Put(kT0 + Duration::Seconds(3), "c");
  const auto first_data = [&](Instant at, StartingPosition start) {
    const Outcome<SubscribeToShardResponse> sub = f.Subscribe(at, start);
    EXPECT_TRUE(sub.ok()) << sub.error().ToString();
    return DataOf(f.NextDelivery(sub->SubscriptionId, at).event->Records);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(first_data(kT0 + Duration::Seconds(10), {.Type = ShardIteratorType::TRIM_HORIZON}),
            (V{"a", "b", "c"}));
  EXPECT_EQ(first_data(kT0 + Duration::Seconds(20),
                       {.Type = ShardIteratorType::AT_SEQUENCE_NUMBER, .SequenceNumber = b}),
            (V{"b", "c"}));
  EXPECT_EQ(first_data(kT0 + Duration::Seconds(30),
                       {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER, .SequenceNumber = b}),
            (V{"c"}));
  EXPECT_EQ(first_data(kT0 + Duration::Seconds(40), {.Type = ShardIteratorType::AT_TIMESTAMP,
                                                     .Timestamp = kT0 + Duration::Seconds(3)}),
            (V{"c"}));
  EXPECT_EQ(first_data(kT0 + Duration::Seconds(50), {.Type = ShardIteratorType::LATEST}), V{});
  EXPECT_TRUE(
      f.Subscribe(kT0 + Duration::Seconds(60), {.Type = ShardIteratorType::AT_SEQUENCE_NUMBER})
          .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(f.Subscribe(kT0 + Duration::Seconds(70), {.Type = ShardIteratorType::LATEST},
                          "shardId-000000000009")
                  .Is(ErrorCode::kResourceNotFound));
}

TEST(SubscribeToShard, TheLastEventOfAClosedShardNamesTheChildrenWithoutAContinuation) {
  Fixture f;
  f.Put(kT0 + Duration::Seconds(1), "a");
  const std::string half = HashKey::FromUint128(HashKey::Max().value() / 2 + 1).ToString();
  ASSERT_TRUE(f.model.SplitShard(kT0 + Duration::Seconds(2), {kStream, kShard0, half}).ok());
  Instant at = kT0 + Duration::Seconds(3);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  SubscriptionPoll poll;
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    poll = f.NextDelivery(id, at);
    ASSERT_EQ(poll.kind, Kind::kEvent);
    for (const std::string& d : DataOf(poll.event->Records)) seen.push_back(d);
    if (!poll.event->ContinuationSequenceNumber) break;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a"}));
  ASSERT_FALSE(poll.event->ContinuationSequenceNumber.has_value());
  EXPECT_EQ(poll.event->ChildShards.size(), 2u);
  EXPECT_EQ(poll.event->MillisBehindLatest, 0);
  EXPECT_EQ(f.NextDelivery(id, at).kind, Kind::kComplete);
}

TEST(SubscribeToShard, ASplitWhileSubscribedEndsTheParentsEventsWithItsChildren) {
  Fixture f;
  Instant at = kT0 + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  ASSERT_EQ(f.NextDelivery(id, at).kind, Kind::kEvent);
  f.Put(at + Duration::Millis(500), "last");
  const std::string half = HashKey::FromUint128(HashKey::Max().value() / 2 + 1).ToString();
  ASSERT_TRUE(f.model.SplitShard(at + Duration::Millis(600), {kStream, kShard0, half}).ok());
  at = at + Duration::Millis(600);
  std::vector<std::string> seen;
  SubscriptionPoll poll;
  for (int i = 0; i < 200; ++i) {
    poll = f.NextDelivery(id, at);
    ASSERT_EQ(poll.kind, Kind::kEvent);
    for (const std::string& d : DataOf(poll.event->Records)) seen.push_back(d);
    if (!poll.event->ContinuationSequenceNumber) break;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"last"}));
  EXPECT_EQ(poll.event->ChildShards.size(), 2u);
  const SubscriptionPoll after = f.model.PollSubscription(at + Duration::Seconds(1), id);
  EXPECT_EQ(after.kind, Kind::kComplete);
  EXPECT_FALSE(after.expired);  // completed by the shard's end, not by its five minutes
}

TEST(SubscribeToShard, ARecordArrivingAtTheTipWakesTheSubscriptionAndGoesOutAsItArrives) {
  Fixture f;
  Instant at = kT0 + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  ASSERT_EQ(f.NextDelivery(id, at).kind, Kind::kEvent);  // the first, at once
  at = at + Duration::Seconds(1);
  const SubscriptionPoll rest = f.model.PollSubscription(at, id);
  ASSERT_EQ(rest.kind, Kind::kWait);
  EXPECT_TRUE(rest.until_change);
  EXPECT_EQ(rest.wake_at, kT0 + Duration::Seconds(6)) << "the heartbeat, 5 s after the event";
  int wakes = 0;
  f.model.WakeOnChange(id, [&] { ++wakes; });
  const Instant put_at = at + Duration::Millis(2'300);
  f.Put(put_at, "x");
  EXPECT_EQ(wakes, 1);
  const SubscriptionPoll event = f.model.PollSubscription(put_at, id);
  ASSERT_EQ(event.kind, Kind::kEvent);
  EXPECT_EQ(DataOf(event.event->Records), (std::vector<std::string>{"x"}));
  EXPECT_EQ(event.event->MillisBehindLatest, 0);
  f.Put(put_at + Duration::Millis(1), "y");
  EXPECT_EQ(wakes, 1) << "a wake fires once";
}

TEST(SubscribeToShard, ARecordArrivingWithinASecondOfTheLastEventGoesOutASecondAfterIt) {
  Fixture f;
  Instant at = kT0 + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  ASSERT_EQ(f.NextDelivery(id, at).kind, Kind::kEvent);
  f.Put(at + Duration::Millis(300), "x");
  const SubscriptionPoll early = f.model.PollSubscription(at + Duration::Millis(300), id);
  ASSERT_EQ(early.kind, Kind::kWait);
  EXPECT_FALSE(early.until_change);
  EXPECT_EQ(early.wake_at, at + Duration::Seconds(1));
  const SubscriptionPoll event = f.model.PollSubscription(early.wake_at, id);
  ASSERT_EQ(event.kind, Kind::kEvent);
  EXPECT_EQ(DataOf(event.event->Records), (std::vector<std::string>{"x"}));
}

TEST(SubscribeToShard, ASubscriptionRestingAtTheTipKeepsUpWithItThroughMinutesOfEmptyBuckets) {
  StreamOptions options = Options();
  options.buckets = BucketProfile::Fixed(Duration::Seconds(1));
  Fixture f(1, options);
  Instant at = kT0 + Duration::Seconds(1);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::LATEST})->SubscriptionId;
  ASSERT_EQ(f.NextDelivery(id, at).kind, Kind::kEvent);
  // Four minutes at the tip, asked only when told: heartbeats every 5 s.
  int heartbeats = 0;
  for (;;) {
    const SubscriptionPoll poll = f.model.PollSubscription(at, id);
    if (poll.kind == Kind::kEvent) {
      EXPECT_TRUE(poll.event->Records.empty());
      EXPECT_EQ(poll.event->MillisBehindLatest, 0);
      ++heartbeats;
      continue;
    }
    ASSERT_EQ(poll.kind, Kind::kWait);
    if (poll.wake_at > kT0 + Duration::Minutes(4)) break;
    at = poll.wake_at;
  }
  EXPECT_EQ(heartbeats, 47);
  const Instant put_at = kT0 + Duration::Minutes(4) + Duration::Millis(500);
  f.Put(put_at, "x");
  const SubscriptionPoll event = f.model.PollSubscription(put_at, id);
  ASSERT_EQ(event.kind, Kind::kEvent) << "the record goes out at once, not 4 minutes of buckets on";
  EXPECT_EQ(DataOf(event.event->Records), (std::vector<std::string>{"x"}));
}

TEST(SubscribeToShard, OnlyAChangeOfItsOwnShardWakesASubscriptionAndCancelDropsTheWake) {
  Fixture f(2);
  Instant at = kT0 + Duration::Seconds(1);
  const std::string shard1 = "shardId-000000000001";
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::LATEST}, shard1)->SubscriptionId;
  ASSERT_EQ(f.NextDelivery(id, at).kind, Kind::kEvent);
  ASSERT_TRUE(f.model.PollSubscription(at + Duration::Seconds(1), id).until_change);
  int wakes = 0;
  f.model.WakeOnChange(id, [&] { ++wakes; });
  // Explicit hash keys route to shard 0 (the lower half) and to shard 1.
  ASSERT_TRUE(f.model.PutRecord(at + Duration::Seconds(2), {kStream, "k", "a", "0"}).ok());
  EXPECT_EQ(wakes, 0);
  f.model.CancelWake(id);
  ASSERT_TRUE(f.model
                  .PutRecord(at + Duration::Seconds(3),
                             {kStream, "k", "b", "340282366920938463463374607431768211455"})
                  .ok());
  EXPECT_EQ(wakes, 0);
  f.model.WakeOnChange(id, [&] { ++wakes; });
  ASSERT_TRUE(f.model
                  .SplitShard(at + Duration::Seconds(4),
                              {.StreamName = kStream,
                               .ShardToSplit = shard1,
                               .NewStartingHashKey = "300000000000000000000000000000000000000"})
                  .ok());
  EXPECT_EQ(wakes, 1) << "a split ends the shard's events";
}

TEST(SubscribeToShard, AConsumerThatAsksLateGetsEventsLateAndStillLosesItAtFiveMinutes) {
  Fixture f;
  for (int i = 0; i < 20; ++i) f.Put(kT0 + Duration::Minutes(i), absl::StrCat("r", i));
  const Instant start = kT0 + Duration::Minutes(30);
  Instant at = start;
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  // Each event costs the consumer 60 s of processing before it asks again.
  int events = 0;
  size_t records = 0;
  for (;;) {
    const SubscriptionPoll poll = f.NextDelivery(id, at);
    if (poll.kind != Kind::kEvent) {
      EXPECT_EQ(poll.kind, Kind::kComplete);
      break;
    }
    ++events;
    records += poll.event->Records.size();
    at = at + Duration::Seconds(60);
  }
  EXPECT_EQ(events, 5);  // at 0, 60, 120, 180, 240 s: one bucket each
  EXPECT_EQ(records, 5u);
  EXPECT_EQ(at, start + Duration::Seconds(300));
}

TEST(SubscribeToShard, ASubscriptionHeldWhileItsRecordsExpireResumesAtTheTrimHorizon) {
  StreamOptions options = Options();
  options.retention = Duration::Hours(24);
  Fixture f(1, options);
  f.Put(kT0 + Duration::Seconds(1), "old");
  f.Put(kT0 + Duration::Minutes(5), "young");
  Instant at = kT0 + Duration::Hours(24) - Duration::Seconds(30);
  const uint64_t id = f.Subscribe(at, {.Type = ShardIteratorType::TRIM_HORIZON})->SubscriptionId;
  // Not asked for until the old record has expired (within the subscription's five minutes).
  at = kT0 + Duration::Hours(24) + Duration::Minutes(3);
  std::vector<std::string> seen;
  for (int i = 0; i < 400 && seen.empty(); ++i) {
    const SubscriptionPoll poll = f.NextDelivery(id, at);
    if (poll.kind != Kind::kEvent) break;
    for (const std::string& d : DataOf(poll.event->Records)) seen.push_back(d);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"young"}));
}

// A consumer that resubscribes AFTER_SEQUENCE_NUMBER of the last continuation (TRIM_HORIZON
// the first time), at random moments, sees every record once and in order, for any gaps, any
// counter start, before and after the first record.
RC_GTEST_PROP(SubscribeToShardProperty, ResubscribingAfterTheContinuationNeverSkipsOrRepeats, ()) {
  const uint64_t counter_start = *rc::gen::element<uint64_t>(0, 1, 8398);
  StreamOptions options = Options(Duration::Zero(), counter_start);
  // Buckets narrower than the put-time field's second, minutes wide, or none (dense).
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      options.buckets = BucketProfile::Fixed(Duration::Micros(1'085'000));
      break;
    case 1:
      options.buckets = BucketProfile::Range(Duration::Millis(700), Duration::Seconds(90));
      break;
    default:
      options.buckets = BucketProfile::Dense();
      break;
  }
  if (*rc::gen::arbitrary<bool>()) options.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  Fixture f(1, options);
  const int puts = *rc::gen::inRange(0, 12);
  std::vector<int64_t> gaps_ms = *rc::gen::container<std::vector<int64_t>>(
      static_cast<size_t>(puts), rc::gen::element<int64_t>(10, 900, 30'000, 61'000, 3'600'000));
  std::vector<std::pair<Instant, std::string>> schedule;
  Instant t = kT0 + Duration::Millis(*rc::gen::inRange<int64_t>(0, 120'000));
  for (int i = 0; i < puts; ++i) {
    t = t + Duration::Millis(gaps_ms[static_cast<size_t>(i)]);
    schedule.emplace_back(t, absl::StrCat("r", i));
  }
  std::vector<std::string> expected, seen;
  for (const auto& [when, data] : schedule) expected.push_back(data);

  Instant at = kT0 + Duration::Millis(*rc::gen::inRange<int64_t>(0, 60'000));
  size_t next_put = 0;
  const auto put_due = [&](Instant until) {
    while (next_put < schedule.size() && schedule[next_put].first <= until) {
      f.Put(schedule[next_put].first, schedule[next_put].second);
      ++next_put;
    }
  };
  std::optional<std::string> continuation;
  // One subscription from the last continuation: reads up to `events` events, or to its end.
  const auto read_subscription = [&](int events) {
    put_due(at);
    StartingPosition start{.Type = ShardIteratorType::TRIM_HORIZON};
    if (continuation) {
      start = {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER, .SequenceNumber = continuation};
    }
    const Outcome<SubscribeToShardResponse> sub = f.Subscribe(at, start);
    RC_ASSERT(sub.ok());
    for (int e = 0; e < events; ++e) {
      SubscriptionPoll poll = f.model.PollSubscription(at, sub->SubscriptionId);
      for (int w = 0; poll.kind == Kind::kWait && w < 400; ++w) {
        put_due(poll.wake_at);
        at = poll.wake_at;
        poll = f.model.PollSubscription(at, sub->SubscriptionId);
      }
      if (poll.kind != Kind::kEvent) break;
      for (const std::string& d : DataOf(poll.event->Records)) seen.push_back(d);
      RC_ASSERT(poll.event->ContinuationSequenceNumber.has_value());
      // Continuations never decrease, across resubscriptions too (a checkpoint of each must
      // never go backwards).
      const SequenceNumber made = *SequenceNumber::Parse(*poll.event->ContinuationSequenceNumber);
      if (continuation) RC_ASSERT(*SequenceNumber::Parse(*continuation) <= made);
      continuation = poll.event->ContinuationSequenceNumber;
    }
  };
  // Random subscriptions and pauses while the records arrive (within retention) ...
  const Instant last_put = schedule.empty() ? at : schedule.back().first;
  for (int subscription = 0; subscription < 60 && at < last_put + Duration::Hours(1);
       ++subscription) {
    read_subscription(*rc::gen::inRange(1, 400));
    at = at + Duration::Millis(*rc::gen::element<int64_t>(5'000, 5'001, 60'000, 7'200'000));
  }
  // ... then whole subscriptions, 5 s apart, until everything is read.
  for (int subscription = 0; subscription < 100 && seen.size() < expected.size(); ++subscription) {
    read_subscription(1'000);
    at = at + Duration::Seconds(5);
  }
  RC_ASSERT(seen == expected);
}

}  // namespace
}  // namespace shardsim::model
