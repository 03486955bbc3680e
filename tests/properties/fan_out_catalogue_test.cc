// The catalogue's enhanced fan-out loops, by behaviour: a ContinuationSequenceNumber sorts
// between the records, so checkpointing it is no checkpoint ahead of processing (and one taken
// after an unprocessed record's event is); the fan-out worker checkpoints continuations, resumes
// AFTER one after a crash, waits while its consumer is CREATING, finds the consumer an earlier
// run registered, waits out ResourceInUseException, renews every subscription AFTER the last
// continuation, and starts children only after their parents' SHARD_END; the Lambda mapping
// hands records on in batches, checkpointing after each.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/client.h"
#include "model/sequence_number.h"
#include "properties/harness.h"
#include "properties/judge.h"
#include "sim/simulation.h"

namespace shardsim::properties {
namespace {

using model::BucketProfile;
using model::KinesisClient;
using model::KinesisModel;
using model::SequenceNumber;
using model::SubscribeToShardEvent;

const std::string kShard0 = "shardId-000000000000";

// --- A continuation, as the judge orders it -------------------------------------------------

struct Seen {
  std::vector<SubscribeToShardEvent> events;
};

sim::Task<void> ReadEvents(KinesisClient& kinesis, std::string arn, Seen& seen) {
  auto subscription = co_await kinesis.SubscribeToShard(
      {.ConsumerARN = arn,
       .ShardId = kShard0,
       .StartingPosition = {.Type = model::ShardIteratorType::TRIM_HORIZON}});
  if (!subscription.ok()) co_return;
  model::EventStream events = std::move(subscription).value();
  for (int i = 0; i < 400; ++i) {
    auto event = co_await events.Next();
    if (!event.ok() || !event->has_value()) co_return;
    seen.events.push_back(**event);
  }
}

SequenceNumber Parsed(const std::string& text) {
  const auto parsed = SequenceNumber::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : SequenceNumber::FromFields({});
}

// One shard of one-minute buckets: record "a" at 10 s, record "b" at 4 min; a subscription from
// TRIM_HORIZON reads both over four minutes of events. `judge` observes the puts.
struct OneSubscription {
  sim::Simulation simulation;
  KinesisModel model{1};
  KinesisClient producer{simulation, model, "producer", Duration::Zero()};
  KinesisClient consumer{simulation, model, "consumer"};
  Judge judge{simulation, 1'000, Duration::Hours(24)};
  Seen seen;
  std::vector<model::Record> records;  // as the events delivered them

  OneSubscription() {
    producer.AddObserver(&judge);
    model::StreamOptions options;
    options.buckets = BucketProfile::Fixed(Duration::Seconds(60));
    EXPECT_TRUE(producer.CreateStreamNow({.StreamName = "s", .ShardCount = 1}, options).ok());
    const std::string arn =
        consumer
            .RegisterStreamConsumerNow({.StreamARN = model::StreamArn("s"), .ConsumerName = "c"})
            ->Consumer.ConsumerARN;
    simulation.Spawn("reader", ReadEvents(consumer, arn, seen));
    simulation.RunUntil(simulation.start() + Duration::Seconds(10));
    EXPECT_TRUE(producer.PutRecordNow({"s", "k", "a", std::nullopt}).ok());
    simulation.RunUntil(simulation.start() + Duration::Minutes(4));
    EXPECT_TRUE(producer.PutRecordNow({"s", "k", "b", std::nullopt}).ok());
    simulation.RunUntil(simulation.start() + Duration::Minutes(4) + Duration::Seconds(30));
    for (const SubscribeToShardEvent& e : seen.events) {
      records.insert(records.end(), e.Records.begin(), e.Records.end());
    }
  }

  // The continuation of the first event of the walk between the records (after "a"'s bucket).
  std::optional<std::string> ContinuationBetween() const {
    bool delivered_a = false;
    for (const SubscribeToShardEvent& e : seen.events) {
      if (!e.Records.empty()) {
        if (e.Records.front().Data == "b") return std::nullopt;
        delivered_a = true;
        continue;
      }
      if (delivered_a && e.ContinuationSequenceNumber != records.front().SequenceNumber) {
        return e.ContinuationSequenceNumber;
      }
    }
    return std::nullopt;
  }
};

TEST(FanOutContinuation, SortsAfterTheRecordsDeliveredAndBeforeTheNext) {
  OneSubscription run;
  ASSERT_EQ(run.records.size(), 2u);
  const SequenceNumber a = Parsed(run.records[0].SequenceNumber);
  const SequenceNumber b = Parsed(run.records[1].SequenceNumber);
  // Before "a" is put, after it (in its bucket, and past it), and after "b": every continuation
  // lies after every record delivered before it and before every record delivered after it.
  size_t delivered = 0;
  for (const SubscribeToShardEvent& e : run.seen.events) {
    delivered += e.Records.size();
    ASSERT_TRUE(e.ContinuationSequenceNumber.has_value());
    const SequenceNumber c = Parsed(*e.ContinuationSequenceNumber);
    if (delivered >= 1) EXPECT_GE(c, a);
    if (delivered == 0) EXPECT_LT(c, a);
    if (delivered <= 1) EXPECT_LT(c, b);
    if (delivered == 2) EXPECT_GE(c, b);
  }
  const std::optional<std::string> between = run.ContinuationBetween();
  ASSERT_TRUE(between.has_value()) << "no event walked the idle buckets between the records";
  EXPECT_GT(Parsed(*between), a) << "past \"a\"'s bucket: not \"a\"'s own number";
}

TEST(FanOutContinuation, CheckpointingItAfterProcessingWhatItFollowsKeepsCheckpointSafety) {
  OneSubscription run;
  const std::optional<std::string> between = run.ContinuationBetween();
  ASSERT_TRUE(between.has_value());
  // Before any record: the first event's continuation covers nothing.
  run.judge.OnCheckpoint(kShard0, {*run.seen.events.front().ContinuationSequenceNumber, false});
  run.judge.OnProcess(kShard0, run.records[0]);
  run.judge.OnCheckpoint(kShard0, {*between, false});
  EXPECT_FALSE(run.judge.violation().has_value()) << run.judge.violation()->message;
}

TEST(FanOutContinuation, CheckpointingOnePastAnUnprocessedRecordBreaksCheckpointSafety) {
  OneSubscription run;
  run.judge.OnProcess(kShard0, run.records[0]);
  // The last event's continuation lies past "b", which has not been processed.
  run.judge.OnCheckpoint(kShard0, {*run.seen.events.back().ContinuationSequenceNumber, false});
  ASSERT_TRUE(run.judge.violation().has_value());
  EXPECT_EQ(run.judge.violation()->property, Property::kCheckpointSafety);
}

// --- The fan-out worker, on hand-written scenarios ------------------------------------------

Scenario Base(std::string name, std::string strategy) {
  Scenario s;
  s.name = std::move(name);
  s.strategy = std::move(strategy);
  s.seed = 11;
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  s.liveness_budget = Duration::Minutes(30);
  return s;
}

PutSpec Put(Duration at, std::string data) { return PutSpec{at, "k", std::move(data)}; }

RunReport RunOn(const Scenario& scenario) {
  absl::StatusOr<RunReport> report = RunScenario(scenario, {.keep_trace = true});
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *std::move(report) : RunReport{};
}

// The trace lines of `actor kind` (e.g. "consumer SubscribeToShard"), in time order.
std::vector<std::string> Lines(const RunReport& report, const std::string& actor_kind) {
  std::vector<std::string> lines;
  std::istringstream in(report.trace_text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(" " + actor_kind + " ") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// The value of `field="..."` in a trace line ("" when absent).
std::string Field(const std::string& line, const std::string& field) {
  const std::string key = " " + field + "=\"";
  const size_t at = line.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return line.substr(start, line.find('"', start) - start);
}

std::string TimeOf(const std::string& line) { return line.substr(0, line.find(' ')); }

void ExpectPassesReadingEverything(const RunReport& report) {
  EXPECT_TRUE(report.passed()) << report.Summary() << "\n" << report.trace_text;
  EXPECT_EQ(report.stats.records_processed, report.stats.records_put) << report.Summary();
}

// Two records in the first bucket; the worker walks idle buckets after them, checkpointing each
// continuation, and crashes at five and a half minutes (its first subscription renewed AFTER
// one); a record arrives while it is down. It restarts AFTER its last checkpoint, a
// continuation that is no record's number, and reads the third record once.
TEST(FanOutWorker, ResumesAfterACheckpointedContinuationAndReadsEachRecordOnce) {
  Scenario s = Base("resume-after-a-continuation", "fan-out-worker");
  s.puts = {Put(Duration::Seconds(10), "a"), Put(Duration::Seconds(20), "b"),
            Put(Duration::Minutes(6), "c")};
  s.crashes = {{Duration::Minutes(5) + Duration::Seconds(30), Duration::Minutes(2)}};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  EXPECT_EQ(report.stats.redeliveries, 0u);
  std::vector<std::string> record_numbers;
  for (const std::string& line : Lines(report, "producer PutRecord")) {
    record_numbers.push_back(Field(line, "seq"));
  }
  std::string last_before_crash;
  const std::string crash_at = TimeOf(Lines(report, "harness crash").at(0));
  for (const std::string& line : Lines(report, "app checkpoint")) {
    if (TimeOf(line) < crash_at) last_before_crash = Field(line, "seq");
  }
  ASSERT_FALSE(last_before_crash.empty());
  EXPECT_EQ(std::count(record_numbers.begin(), record_numbers.end(), last_before_crash), 0)
      << "the last checkpoint before the crash is a continuation, not a record's number";
  std::vector<std::string> after_restart;
  for (const std::string& line : Lines(report, "consumer SubscribeToShard")) {
    if (TimeOf(line) > crash_at) after_restart.push_back(line);
  }
  ASSERT_FALSE(after_restart.empty());
  EXPECT_EQ(Field(after_restart.front(), "type"), "AFTER_SEQUENCE_NUMBER");
  EXPECT_EQ(Field(after_restart.front(), "seq"), last_before_crash);
}

TEST(FanOutWorker, RenewsEverySubscriptionAfterTheLastContinuation) {
  Scenario s = Base("renewals", "fan-out-worker");
  s.puts = {Put(Duration::Seconds(10), "a"), Put(Duration::Minutes(7), "b"),
            Put(Duration::Minutes(16), "c")};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  const std::vector<std::string> subscribes = Lines(report, "consumer SubscribeToShard");
  ASSERT_GE(subscribes.size(), 4u) << report.trace_text;
  EXPECT_EQ(Field(subscribes[0], "type"), "TRIM_HORIZON");
  std::vector<std::string> continuations;
  for (const std::string& line : Lines(report, "consumer SubscribeToShardEvent")) {
    continuations.push_back(Field(line, "continuation"));
  }
  for (size_t i = 1; i < subscribes.size(); ++i) {
    EXPECT_EQ(Field(subscribes[i], "type"), "AFTER_SEQUENCE_NUMBER") << subscribes[i];
    EXPECT_NE(std::find(continuations.begin(), continuations.end(), Field(subscribes[i], "seq")),
              continuations.end())
        << "renewed from a continuation it was sent: " << subscribes[i];
  }
}

TEST(FanOutWorker, WaitsWhileTheStreamAndItsConsumerAreBeingCreated) {
  Scenario s = Base("consumer-creating", "fan-out-worker");
  s.stream.status_change_delay = Duration::Seconds(30);
  s.puts = {Put(Duration::Seconds(45), "a"), Put(Duration::Minutes(2), "b")};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  const std::vector<std::string> registered = Lines(report, "consumer RegisterStreamConsumer");
  const auto created = std::find_if(registered.begin(), registered.end(), [](const auto& line) {
    return Field(line, "status") == "CREATING";
  });
  ASSERT_NE(created, registered.end()) << report.trace_text;
  const std::vector<std::string> described = Lines(report, "consumer DescribeStreamConsumer");
  EXPECT_TRUE(std::any_of(described.begin(), described.end(), [](const auto& line) {
    return Field(line, "status") == "CREATING";
  })) << report.trace_text;
  const std::vector<std::string> subscribes = Lines(report, "consumer SubscribeToShard");
  ASSERT_FALSE(subscribes.empty());
  EXPECT_EQ(subscribes.front().find("error="), std::string::npos)
      << "it subscribed only once the consumer was ACTIVE: " << subscribes.front();
}

// Down for three seconds: on restart the consumer exists (ResourceInUseException, then
// DescribeStreamConsumer by name), and the dead run's subscription is less than 5 s old
// (ResourceInUseException), so the worker waits and subscribes again.
TEST(FanOutWorker, FindsItsConsumerAndWaitsOutTheDeadRunsSubscriptionAfterACrash) {
  Scenario s = Base("quick-restart", "fan-out-worker");
  s.puts = {Put(Duration::Seconds(1), "a"), Put(Duration::Seconds(30), "b")};
  s.crashes = {{Duration::Seconds(2), Duration::Seconds(1)}};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  const std::vector<std::string> registered = Lines(report, "consumer RegisterStreamConsumer");
  ASSERT_EQ(registered.size(), 2u) << report.trace_text;
  EXPECT_EQ(Field(registered[1], "error"), "ResourceInUseException");
  EXPECT_FALSE(Lines(report, "consumer DescribeStreamConsumer").empty());
  const std::vector<std::string> subscribes = Lines(report, "consumer SubscribeToShard");
  ASSERT_GE(subscribes.size(), 3u) << report.trace_text;
  EXPECT_EQ(Field(subscribes[1], "error"), "ResourceInUseException");
  EXPECT_EQ(Field(subscribes[2], "error"), "");
  EXPECT_GE(TimeOf(subscribes[2]), "2023-01-01T00:00:08");
}

TEST(FanOutWorker, SubscribesToChildrenOnlyAfterTheirParentsShardEnd) {
  Scenario s = Base("split", "fan-out-worker");
  s.processing_time_per_record = Duration::Seconds(2);
  for (int i = 0; i < 20; ++i) s.puts.push_back(Put(Duration::Seconds(10 + i), "r"));
  for (int i = 0; i < 10; ++i) s.puts.push_back(Put(Duration::Seconds(40 + i), "s"));
  s.reshards = {
      {.at = Duration::Seconds(35), .kind = ReshardSpec::Kind::kSplit, .shard_id = kShard0}};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  const std::vector<std::string> ends = Lines(report, "app declare.shard_end");
  ASSERT_EQ(ends.size(), 1u) << report.trace_text;
  for (const std::string& line : Lines(report, "consumer SubscribeToShard")) {
    if (Field(line, "shard") != kShard0) EXPECT_GE(TimeOf(line), TimeOf(ends[0])) << line;
  }
}

// --- The Lambda mapping ---------------------------------------------------------------------

TEST(LambdaEfo, HandsRecordsOnInBatchesAndCheckpointsAfterEach) {
  Scenario s = Base("batches", "lambda-efo");
  s.params = {{"batch_size", 2}};
  for (int i = 0; i < 5; ++i) s.puts.push_back(Put(Duration::Seconds(10), "r"));
  // Started after the puts (a subscription at the tip would send the first record the moment
  // it arrives, before the other four).
  s.crashes = {{Duration::Zero(), Duration::Seconds(20)}};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  // One event of five records: batches of 2, 2 and 1, each followed by its checkpoint.
  std::vector<std::string> app;
  std::istringstream in(report.trace_text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(" app process ") != std::string::npos) app.push_back("p");
    if (line.find(" app checkpoint ") != std::string::npos) app.push_back("c");
  }
  const std::string order = [&] {
    std::string out;
    for (const std::string& step : app) out += step;
    return out;
  }();
  const size_t first = order.find('p');
  ASSERT_NE(first, std::string::npos) << order;
  EXPECT_EQ(order.substr(first, 8), "ppcppcpc") << order;
}

TEST(LambdaEfo, ReplaysTheWholeBatchAfterACrashInIt) {
  Scenario s = Base("crash-mid-batch", "lambda-efo");
  s.processing_time_per_record = Duration::Seconds(1);
  for (int i = 0; i < 10; ++i) s.puts.push_back(Put(Duration::Seconds(10), "r"));
  s.crashes = {{Duration::Seconds(15), Duration::Seconds(30)}};
  const RunReport report = RunOn(s);
  ExpectPassesReadingEverything(report);
  EXPECT_GT(report.stats.redeliveries, 0u);
}

}  // namespace
}  // namespace shardsim::properties
