// FastForward, the per-request clock's jumps after idle calls (clientcheck/fast_forward.h):
// each rule with a call sequence that triggers it and one that must not.
#include "clientcheck/fast_forward.h"

#include <gtest/gtest.h>

#include "clientcheck/client_run.h"

namespace shardsim::clientcheck {
namespace {

using sim::Duration;
using sim::Instant;

constexpr char kClient[] = "client";
constexpr char kShard[] = "shardId-000000000000";
const Duration kStep = Duration::Seconds(1);

properties::Scenario OneShard(Duration width) {
  properties::Scenario s;
  s.stream.buckets = model::BucketProfile::Fixed(width);
  s.puts = {{Duration::Hours(20), "k", "late"}};
  s.liveness_budget = Duration::Hours(2);
  return s;
}

struct Clock {
  properties::Scenario scenario;
  FastForward ff;
  Instant now;
  explicit Clock(const properties::Scenario& s)
      : scenario(s),
        ff(s, s.start + s.SafetyPhaseEnd(), s.start + s.SafetyPhaseEnd() + s.liveness_budget),
        now(s.start) {}

  Duration Finish() {
    now = now + kStep;
    const Duration jump = ff.JumpAfterCall(now, kClient, kStep);
    now = now + jump;
    return jump;
  }
  Duration ListShards() {
    ff.BeginCall();
    return Finish();
  }
  Duration GetShardIterator() {
    ff.BeginCall();
    model::GetShardIteratorRequest request;
    model::GetShardIteratorResponse response;
    ff.OnGetShardIterator(model::GetShardIteratorCall{
        now, kClient, request, response, model::IteratorInfo{"stream", kShard, 0, 0, now}});
    return Finish();
  }
  // A page with `records` records, `behind_ms` behind the tip; `end`: the shard's last page.
  Duration GetRecords(int records, int64_t behind_ms, bool end = false) {
    ff.BeginCall();
    model::GetRecordsResponse response;
    response.Records.resize(static_cast<size_t>(records));
    response.MillisBehindLatest = behind_ms;
    std::optional<model::IteratorInfo> next;
    if (!end) {
      response.NextShardIterator = "next";
      next = model::IteratorInfo{"stream", kShard, 0, 0, now};
    }
    ff.OnGetRecords(model::GetRecordsCall{
        now, kClient, {}, model::IteratorInfo{"stream", kShard, 0, 0, now}, response, next});
    return Finish();
  }
  Duration SubscribeToShard() {
    ff.BeginCall();
    model::SubscribeToShardRequest request;
    request.ShardId = kShard;
    ff.OnSubscribeToShard(model::SubscribeToShardCall{
        now, kClient, request, model::SubscribeToShardResponse{1, now + Duration::Minutes(5)},
        model::IteratorInfo{"stream", kShard, 0, 0, now}});
    return Finish();
  }
  // An event of the open subscription `after` its call (not a call: the clock moves by itself).
  void Event(Duration after, int records, int64_t behind_ms) {
    now = now + after;
    model::SubscribeToShardEvent event;
    event.Records.resize(static_cast<size_t>(records));
    event.MillisBehindLatest = behind_ms;
    event.ContinuationSequenceNumber = "1";
    model::SubscriptionDelivery delivery{.at = now, .client = kClient, .subscription_id = 1};
    delivery.shard_id = kShard;
    delivery.poll =
        model::SubscriptionPoll{.kind = model::SubscriptionPoll::Kind::kEvent, .event = event};
    ff.OnSubscriptionDelivery(delivery);
  }
  Duration Throttled() {
    ff.BeginCall();
    ff.OnGetRecords(model::GetRecordsCall{
        now,
        kClient,
        {},
        model::IteratorInfo{"stream", kShard, 0, 0, now},
        model::KinesisError{model::ErrorCode::kProvisionedThroughputExceeded, "slow down"},
        std::nullopt});
    return Finish();
  }
};

TEST(FastForward, AnEfoClientAtItsTipJumpsToTheNextEventBetweenSubscriptions) {
  Clock c(OneShard(Duration::Minutes(2)));
  EXPECT_EQ(c.SubscribeToShard(), Duration::Zero());  // busy
  c.Event(Duration::Seconds(1), 0, 0);                // at its tip
  c.Event(Duration::Minutes(5), 0, 0);                // five minutes later, still at its tip
  // The subscription ended; the client lists its shards: the clock jumps to the put at 20 h.
  const Instant before = c.now;
  const Duration jump = c.ListShards();
  EXPECT_EQ(c.now, c.scenario.start + Duration::Hours(20));
  EXPECT_EQ(jump, c.scenario.start + Duration::Hours(20) - (before + kStep));
}

TEST(FastForward, AnEfoClientBehindItsTipOrWithAPutSinceItsLastEventDoesNotJump) {
  Clock behind(OneShard(Duration::Minutes(2)));
  behind.SubscribeToShard();
  behind.Event(Duration::Seconds(1), 0, 3'600'000);  // an idle stretch still to walk
  EXPECT_EQ(behind.ListShards(), Duration::Zero());

  properties::Scenario s = OneShard(Duration::Minutes(2));
  s.puts = {{Duration::Minutes(1), "k", "early"}, {Duration::Hours(20), "k", "late"}};
  Clock stale(s);
  stale.SubscribeToShard();
  stale.Event(Duration::Seconds(1), 0, 0);       // at its tip, before the put at 1 minute
  stale.now = stale.now + Duration::Minutes(2);  // the client was away; the put happened
  EXPECT_EQ(stale.ListShards(), Duration::Zero());
}

TEST(FastForward, AReaderAtItsTipJumpsAtMostOneBucketAndKeepsItsIteratorValid) {
  Clock clock(OneShard(Duration::Minutes(2)));
  EXPECT_EQ(clock.GetShardIterator(), Duration::Zero()) << "a new iterator: busy";
  EXPECT_EQ(clock.GetRecords(0, 0), Duration::Minutes(2)) << "empty at the tip: one bucket";
  Clock wide(OneShard(Duration::Hours(1)));
  wide.GetShardIterator();
  const Duration jump = wide.GetRecords(0, 0);
  // 300 s of iterator lifetime, less the 30 s margin, the step of the call that issued it and
  // two more (its next use, and one to spare).
  EXPECT_EQ(jump, Duration::Seconds(300 - 30 - 1 - 2));
}

TEST(FastForward, AReaderBehindItsTipOrGivenRecordsDoesNotJump) {
  Clock clock(OneShard(Duration::Minutes(2)));
  clock.GetShardIterator();
  EXPECT_EQ(clock.GetRecords(0, 60'000), Duration::Zero()) << "an empty page behind the tip";
  EXPECT_EQ(clock.ListShards(), Duration::Zero()) << "its iterator is still behind";
  EXPECT_EQ(clock.GetRecords(3, 0), Duration::Zero()) << "records: there may be more";
  EXPECT_EQ(clock.Throttled(), Duration::Zero()) << "an error: it will retry";
}

TEST(FastForward, AJumpNeverPassesTheNextScenarioEvent) {
  properties::Scenario s = OneShard(Duration::Hours(1));
  s.puts = {{Duration::Seconds(100), "k", "soon"}};
  Clock clock(s);
  clock.GetShardIterator();
  const Duration jump = clock.GetRecords(0, 0);
  EXPECT_EQ(clock.now, s.start + Duration::Seconds(100)) << "jumped " << jump.ToString();
}

TEST(FastForward, AClientThatStoppedReadingJumpsFromEventToEventAndThenHasStopped) {
  Clock clock(OneShard(Duration::Minutes(2)));
  clock.GetShardIterator();
  clock.GetRecords(0, 60'000);  // behind, and then left
  for (uint64_t i = 0; i + 1 < FastForward::kLiveCalls; ++i) {
    EXPECT_EQ(clock.ListShards(), Duration::Zero()) << "call " << i;
  }
  EXPECT_FALSE(clock.ff.StoppedReading());
  clock.ListShards();
  EXPECT_TRUE(clock.ff.StoppedReading());
  clock.ListShards();
  EXPECT_EQ(clock.now, clock.scenario.start + Duration::Hours(20)) << "the put's time";
}

TEST(FastForward, AClientThatJustStartedOrHasNoIteratorYetDoesNotJump) {
  Clock clock(OneShard(Duration::Minutes(2)));
  EXPECT_EQ(clock.ListShards(), Duration::Zero());
  EXPECT_EQ(clock.ListShards(), Duration::Zero());
  clock.GetShardIterator();
  clock.GetRecords(0, 0, /*end=*/true);
  EXPECT_EQ(clock.ListShards(), Duration::Zero()) << "between a shard's end and its children";
  EXPECT_FALSE(clock.ff.StoppedReading());
}

TEST(FastForward, DescribesWhatAClientWasReadingAndItsThrottling) {
  Clock clock(OneShard(Duration::Minutes(2)));
  clock.GetShardIterator();
  clock.GetRecords(0, 3 * 3'600'000);
  clock.Throttled();
  EXPECT_EQ(clock.ff.DescribeReading(kClient),
            "shardId-000000000000 (its last page 3h behind its tip, on its last call)");
  EXPECT_EQ(clock.ff.throttled(kClient), 1u);
  EXPECT_EQ(clock.ff.last_throttled_shard(kClient), kShard);
}

TEST(CallBudget, EachCompetingReadersWindowAddsACallPerStepForAClientItThrottles) {
  properties::Scenario s;
  // A put at 40 minutes: the safety phase lasts as long with the reader as without it.
  s.puts = {{sim::Duration::Seconds(1), "k0", "a"}, {sim::Duration::Minutes(40), "k0", "b"}};
  const sim::Duration step = sim::Duration::Seconds(1);
  const uint64_t without = CallBudget(s, step);
  s.competing_readers = {{sim::Duration::Zero(), sim::Duration::Minutes(40),
                          sim::Duration::Millis(20), "shardId-000000000000"}};
  ASSERT_EQ(s.SafetyPhaseEnd(), s.puts.back().at + sim::Duration::Seconds(1));
  // 2,401 calls of retrying every step while the reader holds the shard, four times over.
  EXPECT_EQ(CallBudget(s, step), without + 4 * 2'401);
}

}  // namespace
}  // namespace shardsim::clientcheck
