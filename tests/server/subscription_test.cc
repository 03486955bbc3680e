// SubscribeToShard served (server/subscription_stream.cc): the event stream's frames, the
// errors before it starts, a takeover ending it with an exception, observers seeing every
// delivery, virtual time under the manual and scaled clocks (an idle day walked within
// seconds of real time), byte-identical streams for identical sessions, and the stream sent
// chunked over HTTP/1.1.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "server/log_trace.h"
#include "server/replay.h"
#include "server/responses.h"
#include "tests/server/service_calls.h"
#include "tests/server/test_server.h"

namespace shardsim::server {
namespace {

using event_stream::Message;
using testing::Call;
using testing::ErrorType;
using testing::Frames;
using testing::Ok;

const char kShard0[] = "shardId-000000000000";
const char kStreamArn[] = "arn:aws:kinesis:us-east-1:123456789012:stream/s";

ServiceOptions Options() {
  ServiceOptions options;
  options.profile = *model::BucketProfile::Parse("observed");
  options.start = *ParseTime("2023-04-05T07:06:12Z");
  return options;
}

std::string Base64(const std::string& s) {
  return BlobValue(s, Encoding::kJson).get<std::string>();
}

// A stream "s" of one shard and an ACTIVE consumer "c" of it; the consumer's ARN.
std::string StreamWithConsumer(KinesisService& service) {
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  const Json registered = Ok(
      Call(service, "RegisterStreamConsumer", {{"StreamARN", kStreamArn}, {"ConsumerName", "c"}}));
  const std::string arn = registered["Consumer"]["ConsumerARN"].get<std::string>();
  const Json described = Ok(Call(service, "DescribeStreamConsumer", {{"ConsumerARN", arn}}));
  EXPECT_EQ(described["ConsumerDescription"]["ConsumerStatus"], "ACTIVE");
  return arn;
}

HttpResponse Subscribe(KinesisService& service, const std::string& arn, Json start,
                       const std::string& key = "AKIDTEST") {
  return Call(service, "SubscribeToShard",
              {{"ConsumerARN", arn}, {"ShardId", kShard0}, {"StartingPosition", std::move(start)}},
              key);
}

// Pulls `stream` as a transport would (without waiting) until it is done; every frame.
std::vector<Message> Drain(ResponseStream& stream, int max_pulls = 100'000) {
  std::vector<Message> frames;
  for (int i = 0; i < max_pulls; ++i) {
    const ResponseStream::Step step = stream.Pull();
    for (Message& m : Frames(step.bytes)) frames.push_back(std::move(m));
    if (step.done) return frames;
  }
  ADD_FAILURE() << "the stream did not end in " << max_pulls << " pulls";
  return frames;
}

Json Payload(const Message& m) { return Json::parse(m.payload, nullptr, false); }

TEST(SubscriptionTest, AnswersAnEventStreamThatOpensWithInitialResponseThenRecords) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  Ok(Call(service, "PutRecord",
          {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  const HttpResponse r = Subscribe(service, arn, {{"Type", "TRIM_HORIZON"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/vnd.amazon.eventstream");
  EXPECT_EQ(r.body, "");
  ASSERT_NE(r.stream, nullptr);
  const ResponseStream::Step first = r.stream->Pull();
  const std::vector<Message> frames = Frames(first.bytes);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].StringHeader(":message-type"), "event");
  EXPECT_EQ(frames[0].StringHeader(":event-type"), "initial-response");
  EXPECT_EQ(frames[0].payload, "{}");
  EXPECT_EQ(frames[1].StringHeader(":event-type"), "SubscribeToShardEvent");
  EXPECT_EQ(frames[1].StringHeader(":content-type"), "application/x-amz-json-1.1");
  const Json event = Payload(frames[1]);
  ASSERT_EQ(event["Records"].size(), 1u);
  EXPECT_EQ(event["Records"][0]["Data"], Base64("a"));
  EXPECT_TRUE(event["Records"][0]["ApproximateArrivalTimestamp"].is_number());
  EXPECT_TRUE(event["ContinuationSequenceNumber"].is_string());
  EXPECT_TRUE(event.contains("MillisBehindLatest"));
  EXPECT_FALSE(first.done);
}

TEST(SubscriptionTest, ErrorsBeforeTheStreamStartsAreOrdinaryAwsErrors) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  const HttpResponse unknown = Subscribe(service, arn + "0", {{"Type", "LATEST"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorType(unknown), "ResourceNotFoundException");
  EXPECT_EQ(unknown.stream, nullptr);
  const HttpResponse no_number = Subscribe(service, arn, {{"Type", "AT_SEQUENCE_NUMBER"}});
  EXPECT_EQ(ErrorType(no_number), "InvalidArgumentException") << no_number.body;
  const HttpResponse bad_type = Subscribe(service, arn, {{"Type", "SOMEWHERE"}});
  EXPECT_EQ(ErrorType(bad_type), "ValidationException") << bad_type.body;
  const HttpResponse no_position =
      Call(service, "SubscribeToShard", {{"ConsumerARN", arn}, {"ShardId", kShard0}});
  EXPECT_EQ(ErrorType(no_position), "ValidationException") << no_position.body;
  ASSERT_EQ(Subscribe(service, arn, {{"Type", "LATEST"}}).status, 200);
  const HttpResponse again = Subscribe(service, arn, {{"Type", "LATEST"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(ErrorType(again), "ResourceInUseException") << again.body;
}

TEST(SubscriptionTest, ATakeoverAfterFiveSecondsEndsTheOlderStreamWithAnException) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  const HttpResponse older = Subscribe(service, arn, {{"Type", "LATEST"}});
  ASSERT_NE(older.stream, nullptr);
  EXPECT_EQ(Frames(older.stream->Pull().bytes).size(), 2u);  // initial-response, first event
  ASSERT_TRUE(service.clock().Advance(Duration::Millis(6000)).ok());
  const HttpResponse newer = Subscribe(service, arn, {{"Type", "LATEST"}});
  ASSERT_EQ(newer.status, 200) << newer.body;
  const ResponseStream::Step ended = older.stream->Pull();
  EXPECT_TRUE(ended.done);
  const std::vector<Message> frames = Frames(ended.bytes);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].StringHeader(":message-type"), "exception");
  EXPECT_EQ(frames[0].StringHeader(":exception-type"), "ResourceInUseException");
  EXPECT_TRUE(Payload(frames[0])["message"].is_string());
}

struct CountingObserver : model::CallObserver {
  int subscribes = 0;
  int events = 0;
  int ends = 0;
  std::vector<int64_t> behind;
  std::vector<std::pair<Instant, uint64_t>> deliveries;  // (time, subscription) of each
  void OnSubscribeToShard(const model::SubscribeToShardCall& call) override {
    subscribes += call.outcome.ok();
  }
  void OnSubscriptionDelivery(const model::SubscriptionDelivery& d) override {
    deliveries.emplace_back(d.at, d.subscription_id);
    if (d.poll.kind == model::SubscriptionPoll::Kind::kEvent) {
      ++events;
      behind.push_back(d.poll.event->MillisBehindLatest);
    } else {
      ++ends;
    }
  }
};

// The seed article with enhanced fan-out: records a, b; an idle day; record "3"; a consumer
// subscribing after b walks empty events with MillisBehindLatest shrinking (resubscribing from
// ContinuationSequenceNumber each time five minutes end) until "3" arrives. The manual clock
// moves with the subscription alone: the whole walk takes well under seconds of real time.
struct IdleDayWalk {
  std::vector<std::string> bytes;  // every pull's bytes, in order
  int empty_events = 0;
  int subscriptions = 0;
  bool shrinking = true;
  std::string found;
};

IdleDayWalk WalkAnIdleDay(KinesisService& service, CountingObserver* observer = nullptr) {
  if (observer != nullptr) service.AddCallObserver(observer);
  IdleDayWalk walk;
  const std::string arn = StreamWithConsumer(service);
  Ok(Call(service, "PutRecord",
          {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  const Json b = Ok(Call(service, "PutRecord",
                         {{"StreamName", "s"}, {"Data", Base64("b")}, {"PartitionKey", "2"}}));
  EXPECT_TRUE(service.clock().Set(*ParseTime("2023-04-06T00:41:28Z")).ok());
  Ok(Call(service, "PutRecord",
          {{"StreamName", "s"}, {"Data", Base64("3")}, {"PartitionKey", "3"}}));
  std::string after = b["SequenceNumber"].get<std::string>();
  int64_t last_behind = INT64_MAX;
  while (walk.found.empty() && walk.subscriptions < 10) {
    ++walk.subscriptions;
    const HttpResponse r =
        Subscribe(service, arn, {{"Type", "AFTER_SEQUENCE_NUMBER"}, {"SequenceNumber", after}});
    if (r.stream == nullptr) {
      ADD_FAILURE() << r.body;
      break;
    }
    for (int pulls = 0; pulls < 10'000; ++pulls) {
      const ResponseStream::Step step = r.stream->Pull();
      walk.bytes.push_back(step.bytes);
      for (const Message& m : Frames(step.bytes)) {
        if (m.StringHeader(":event-type") != "SubscribeToShardEvent") continue;
        const Json event = Payload(m);
        after = event["ContinuationSequenceNumber"].get<std::string>();
        if (!event["Records"].empty()) {
          walk.found = event["Records"][0]["Data"].get<std::string>();
          break;
        }
        ++walk.empty_events;
        const int64_t behind = event["MillisBehindLatest"].get<int64_t>();
        walk.shrinking = walk.shrinking && behind < last_behind;
        last_behind = behind;
      }
      if (step.done || !walk.found.empty()) break;
    }
    if (walk.found.empty()) {
      // Five minutes are over: the stream ended; the consumer waits out the 5-second guard.
      EXPECT_TRUE(service.clock().Advance(Duration::Millis(5000)).ok());
    }
  }
  return walk;
}

TEST(SubscriptionTest, AnIdleDayIsWalkedInEmptyEventsWithShrinkingLagThenTheRecord) {
  KinesisService service(Options());
  CountingObserver observer;
  const auto started = std::chrono::steady_clock::now();
  const IdleDayWalk walk = WalkAnIdleDay(service, &observer);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(walk.found, Base64("3"));
  // 17.5 idle hours in buckets of 180-240 s: about 300 empty events, over two subscriptions.
  EXPECT_GE(walk.empty_events, 17 * 3600 / 240);
  EXPECT_LE(walk.empty_events, 18 * 3600 / 180);
  EXPECT_GE(walk.subscriptions, 2);
  EXPECT_TRUE(walk.shrinking);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // The observers saw every subscription and every delivery the stream sent.
  EXPECT_EQ(observer.subscribes, walk.subscriptions);
  EXPECT_EQ(observer.events, walk.empty_events + 1);
  EXPECT_EQ(observer.ends, walk.subscriptions - 1);  // each expired stream's end
}

TEST(SubscriptionTest, SameRequestsInTheSameOrderGiveByteIdenticalStreams) {
  KinesisService one(Options());
  KinesisService two(Options());
  const IdleDayWalk a = WalkAnIdleDay(one);
  const IdleDayWalk b = WalkAnIdleDay(two);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_GT(a.bytes.size(), 300u);
}

TEST(SubscriptionTest, ALoggedSubscriptionReplaysIdenticallyAndIsTraced) {
  std::ostringstream log;
  {
    KinesisService service(Options());
    service.SetLogSink([&](std::string_view line) { log << line << "\n"; });
    const std::string arn = StreamWithConsumer(service);
    Ok(Call(service, "PutRecord",
            {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
    const std::string advance = R"({"advance": "1h"})";
    ASSERT_EQ(service.Handle(HttpRequest{"POST", "/_shardsim/clock", "", "", "", advance}).status,
              200);
    Ok(Call(service, "PutRecord",
            {{"StreamName", "s"}, {"Data", Base64("b")}, {"PartitionKey", "2"}}));
    const HttpResponse r = Subscribe(service, arn, {{"Type", "TRIM_HORIZON"}});
    const std::vector<Message> frames = Drain(*r.stream);
    EXPECT_GT(frames.size(), 20u);
    Ok(Call(service, "ListStreams", Json::object()));
  }
  std::istringstream in(log.str());
  const absl::StatusOr<ReplayResult> replayed = ReplayLog(in);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_FALSE(replayed->difference.has_value())
      << "line " << replayed->difference->line << " " << replayed->difference->field << ": "
      << replayed->difference->logged << " vs " << replayed->difference->replayed;
  std::istringstream again(log.str());
  const absl::StatusOr<ServedSession> traced = TraceOfLog(again);
  ASSERT_TRUE(traced.ok()) << traced.status();
  int subscribes = 0, events = 0;
  for (const sim::TraceRecord& record : traced->records) {
    subscribes += record.kind == model::trace_call::kSubscribeToShard;
    events += record.kind == model::trace_call::kSubscriptionEvent;
  }
  EXPECT_EQ(subscribes, 1);
  EXPECT_GT(events, 20);
  // A changed event is found.
  std::string changed = log.str();
  const size_t at = changed.find("\"MillisBehindLatest\":");
  ASSERT_NE(at, std::string::npos);
  changed.insert(at + std::string("\"MillisBehindLatest\":").size(), "1");
  std::istringstream tampered(changed);
  const absl::StatusOr<ReplayResult> differs = ReplayLog(tampered);
  ASSERT_TRUE(differs.ok()) << differs.status();
  EXPECT_TRUE(differs->difference.has_value());
}

TEST(SubscriptionTest, UnderAScaledClockTheStreamWaitsInWallTimeAndLeavesTheClockAlone) {
  ServiceOptions options = Options();
  options.clock = *ClockMode::Parse("scaled:100");
  options.create_delay = Duration::Zero();
  KinesisService service(options);
  const std::string arn = StreamWithConsumer(service);
  const HttpResponse r = Subscribe(service, arn, {{"Type", "LATEST"}});
  ASSERT_NE(r.stream, nullptr);
  const Instant before = service.clock().Now();
  const ResponseStream::Step first = r.stream->Pull();
  EXPECT_EQ(Frames(first.bytes).size(), 2u);
  // The next event is due 1 s of virtual time later: 10 ms of wall time at 100x.
  EXPECT_GE(first.retry_after, std::chrono::milliseconds(1));
  EXPECT_LE(first.retry_after, std::chrono::milliseconds(12));
  const ResponseStream::Step waiting = r.stream->Pull();
  EXPECT_TRUE(waiting.bytes.empty());
  EXPECT_LE(waiting.retry_after, std::chrono::milliseconds(12));
  EXPECT_LT(service.clock().Now() - before, Duration::Millis(1000));  // not jumped by the stream
  r.stream->Cancel();
}

TEST(SubscriptionTest, UnderTheManualClockOtherRequestsMoveTimeAndTheStreamSendsWhatIsDue) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  const HttpResponse r = Subscribe(service, arn, {{"Type", "LATEST"}});
  ASSERT_EQ(Frames(r.stream->Pull().bytes).size(), 2u);
  // A request came: for the next pulls the stream does not move the clock.
  Ok(Call(service, "ListStreams", Json::object()));
  const Instant before = service.clock().Now();
  for (int pull = 1; pull <= 4; ++pull) {
    const ResponseStream::Step step = r.stream->Pull();
    EXPECT_TRUE(step.bytes.empty()) << "pull " << pull;
    EXPECT_EQ(service.clock().Now(), before) << "pull " << pull;
  }
  // The fourth pull in a row that saw no request moves the clock to the next event and sends it.
  const ResponseStream::Step moved = r.stream->Pull();
  EXPECT_EQ(Frames(moved.bytes).size(), 1u);
  EXPECT_GT(service.clock().Now(), before);
  EXPECT_LE(moved.retry_after, std::chrono::milliseconds(10));
}

// Hooks that see scripted clients: each look at them returns the next of `looks` (the last
// one again when they run out); NextScheduledAfter and Admit as set.
class ScriptedClients : public ServiceHooks {
 public:
  std::vector<ClientActivity> looks;
  size_t next_look = 0;
  std::optional<Duration> scheduled_in;  // NextScheduledAfter(now): now + this
  bool admit = true;
  std::vector<Instant> admitted;

  std::optional<ClientActivity> ClientActivityNow() override {
    const ClientActivity& look = looks.at(std::min(next_look, looks.size() - 1));
    ++next_look;
    return look;
  }
  std::optional<Instant> NextScheduledAfter(Instant now) override {
    if (!scheduled_in) return std::nullopt;
    return now + *scheduled_in;
  }
  bool Admit(Instant now) override {
    admitted.push_back(now);
    return admit;
  }
};

ClientActivity Waiting(uint64_t cpu_ns) { return ClientActivity{false, cpu_ns, 1, {100}}; }
ClientActivity Busy(uint64_t cpu_ns) { return ClientActivity{true, cpu_ns, 1, {100}}; }

// A subscription at LATEST on a quiet stream, its first event already pulled.
struct OpenAtRest {
  explicit OpenAtRest(KinesisService& service)
      : r(Subscribe(service, StreamWithConsumer(service), {{"Type", "LATEST"}})) {
    EXPECT_EQ(Frames(r.stream->Pull().bytes).size(), 2u);
  }
  HttpResponse r;
};

TEST(SubscriptionTest, MovesTheClockOnlyWhenTwoLooksInARowFindTheClientsWaitingAndUnchanged) {
  KinesisService service(Options());
  ScriptedClients clients;
  // Busy, then waiting but still using CPU, then waiting twice alike.
  clients.looks = {Busy(10), Busy(20), Waiting(30), Waiting(40), Waiting(40)};
  OpenAtRest open(service);
  service.SetHooks(&clients);
  const Instant before = service.clock().Now();
  for (int pull = 1; pull <= 4; ++pull) {
    EXPECT_TRUE(open.r.stream->Pull().bytes.empty()) << "pull " << pull;
    EXPECT_EQ(service.clock().Now(), before) << "pull " << pull;
  }
  const ResponseStream::Step moved = open.r.stream->Pull();
  EXPECT_EQ(Frames(moved.bytes).size(), 1u);
  EXPECT_GT(service.clock().Now(), before);
  ASSERT_FALSE(clients.admitted.empty());  // where a crash would have been played
  EXPECT_EQ(clients.admitted.back(), service.clock().Now());
}

TEST(SubscriptionTest, AClientThatRanOrStartedAThreadBetweenTwoLooksKeepsTheClockStill) {
  KinesisService service(Options());
  ScriptedClients clients;
  ClientActivity more_threads = Waiting(50);
  more_threads.tasks = {100, 101};
  ClientActivity ran_again = Waiting(50);
  ran_again.runs = 2;
  clients.looks = {Waiting(40), Waiting(50), more_threads, Waiting(50), ran_again};
  OpenAtRest open(service);
  service.SetHooks(&clients);
  const Instant before = service.clock().Now();
  for (int pull = 1; pull <= 5; ++pull) {
    EXPECT_TRUE(open.r.stream->Pull().bytes.empty()) << "pull " << pull;
  }
  EXPECT_EQ(service.clock().Now(), before);
}

TEST(SubscriptionTest, ARequestOnItsWayKeepsTheClockStillUntilItIsHandled) {
  KinesisService service(Options());
  ScriptedClients clients;
  clients.looks = {Waiting(40)};
  OpenAtRest open(service);
  service.SetHooks(&clients);
  bool on_its_way = true;
  service.SetInputProbe([&] { return on_its_way; });
  const Instant before = service.clock().Now();
  for (int pull = 1; pull <= 10; ++pull) EXPECT_TRUE(open.r.stream->Pull().bytes.empty());
  EXPECT_EQ(service.clock().Now(), before);
  on_its_way = false;
  EXPECT_TRUE(open.r.stream->Pull().bytes.empty());  // the first look of two
  EXPECT_EQ(Frames(open.r.stream->Pull().bytes).size(), 1u);
}

TEST(SubscriptionTest, MovesTheClockNoFurtherThanTheHooksNextScheduledEvent) {
  KinesisService service(Options());
  ScriptedClients clients;
  clients.looks = {Waiting(40)};
  clients.scheduled_in = Duration::Millis(300);
  OpenAtRest open(service);
  service.SetHooks(&clients);
  const Instant before = service.clock().Now();
  open.r.stream->Pull();
  open.r.stream->Pull();
  // It moves 300 ms at a time (a scenario's put could fall there), never past the next.
  ASSERT_FALSE(clients.admitted.empty());
  EXPECT_EQ(clients.admitted[0], before + Duration::Millis(300));
  for (size_t i = 1; i < clients.admitted.size(); ++i) {
    EXPECT_LE(clients.admitted[i] - clients.admitted[i - 1], Duration::Millis(300));
  }
}

TEST(SubscriptionTest, ACrashDueWhereTheClockWouldMoveIsPlayedAndTheClockStays) {
  KinesisService service(Options());
  ScriptedClients clients;
  clients.looks = {Waiting(40)};
  clients.admit = false;  // the hooks kill the client there
  OpenAtRest open(service);
  service.SetHooks(&clients);
  const Instant before = service.clock().Now();
  for (int pull = 1; pull <= 5; ++pull) EXPECT_TRUE(open.r.stream->Pull().bytes.empty());
  EXPECT_EQ(service.clock().Now(), before);
  EXPECT_FALSE(clients.admitted.empty());
}

// Two consumers' subscriptions to one shard with records spread over an hour, pulled in a given
// order by a transport; every delivery's (time, subscription).
std::vector<std::pair<Instant, uint64_t>> TwoSubscriptionsPulled(const std::string& order) {
  KinesisService service(Options());
  ScriptedClients clients;
  clients.looks = {Waiting(40)};
  service.SetHooks(&clients);
  CountingObserver observer;
  service.AddCallObserver(&observer);
  Ok(Call(service, "CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}));
  std::vector<std::string> arns;
  for (const char* name : {"c1", "c2"}) {
    arns.push_back(
        Ok(Call(service, "RegisterStreamConsumer",
                {{"StreamARN", kStreamArn}, {"ConsumerName", name}}))["Consumer"]["ConsumerARN"]
            .get<std::string>());
  }
  for (int i = 0; i < 3; ++i) {
    Ok(Call(service, "PutRecord",
            {{"StreamName", "s"}, {"Data", Base64("r")}, {"PartitionKey", std::to_string(i)}}));
    EXPECT_TRUE(service.clock().Set(service.clock().Now() + Duration::Millis(1'200'000)).ok());
  }
  const HttpResponse a = Subscribe(service, arns[0], {{"Type", "TRIM_HORIZON"}});
  const HttpResponse b = Subscribe(service, arns[1], {{"Type", "TRIM_HORIZON"}});
  std::vector<ResponseStream*> streams{a.stream.get(), b.stream.get()};
  std::vector<bool> done(2, false);
  for (int round = 0; round < 20'000 && !(done[0] && done[1]); ++round) {
    for (char which : order) {
      const int i = which - 'a';
      if (!done[i]) done[i] = streams[i]->Pull().done;
    }
  }
  EXPECT_TRUE(done[0] && done[1]);
  return observer.deliveries;
}

TEST(SubscriptionTest, TheOrderInWhichATransportPullsTwoSubscriptionsChangesNoDelivery) {
  const auto ab = TwoSubscriptionsPulled("ab");
  ASSERT_GT(ab.size(), 100u);  // both walk the hour and live out their five minutes
  EXPECT_EQ(TwoSubscriptionsPulled("ba"), ab);
  EXPECT_EQ(TwoSubscriptionsPulled("aaab"), ab);
  EXPECT_EQ(TwoSubscriptionsPulled("abbbb"), ab);
}

TEST(SubscriptionTest, AnIdleSubscriptionSendsHeartbeatsAndEndsAfterFiveMinutes) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  const Instant start = service.clock().Now();
  const HttpResponse r = Subscribe(service, arn, {{"Type", "LATEST"}});
  const std::vector<Message> frames = Drain(*r.stream);
  // initial-response, the first event, then a heartbeat every 5 s for 5 minutes.
  EXPECT_GE(frames.size(), 2u + 58u);
  EXPECT_LE(frames.size(), 2u + 61u);
  const Duration lived = service.clock().Now() - start;
  EXPECT_GE(lived, Duration::Millis(300'000));
  EXPECT_LT(lived, Duration::Millis(302'000));
}

TEST(SubscriptionTest, AClosedShardsLastEventCarriesChildShardsAndEndsTheStreamInTheSamePull) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  Ok(Call(service, "PutRecord",
          {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  Ok(Call(service, "SplitShard",
          {{"StreamName", "s"},
           {"ShardToSplit", kShard0},
           {"NewStartingHashKey", "170141183460469231731687303715884105728"}}));
  const HttpResponse r = Subscribe(service, arn, {{"Type", "TRIM_HORIZON"}});
  ASSERT_NE(r.stream, nullptr) << r.body;
  for (int pulls = 0; pulls < 10'000; ++pulls) {
    const ResponseStream::Step step = r.stream->Pull();
    const std::vector<Message> frames = Frames(step.bytes);
    if (frames.empty()) continue;
    const Json last = Payload(frames.back());
    if (!last.contains("ChildShards")) {
      EXPECT_FALSE(step.done);
      continue;
    }
    EXPECT_FALSE(last.contains("ContinuationSequenceNumber"));
    EXPECT_EQ(last["ChildShards"].size(), 2u);
    EXPECT_TRUE(step.done);
    return;
  }
  FAIL() << "no event with ChildShards";
}

TEST(SubscriptionTest, CborSubscriptionsCarryCborPayloads) {
  KinesisService service(Options());
  const std::string arn = StreamWithConsumer(service);
  Ok(Call(service, "PutRecord",
          {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}}));
  const Json body{
      {"ConsumerARN", arn}, {"ShardId", kShard0}, {"StartingPosition", {{"Type", "TRIM_HORIZON"}}}};
  const std::vector<uint8_t> cbor = Json::to_cbor(body);
  const std::string text(cbor.begin(), cbor.end());
  const HttpResponse r = service.Handle(HttpRequest{
      "POST", "/", "Kinesis_20131202.SubscribeToShard", "application/x-amz-cbor-1.1", "", text});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<Message> frames = Frames(r.stream->Pull().bytes);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].StringHeader(":content-type"), "application/x-amz-cbor-1.1");
  const Json event = Json::from_cbor(frames[1].payload);
  ASSERT_EQ(event["Records"].size(), 1u);
  EXPECT_TRUE(event["Records"][0]["Data"].is_binary());
  EXPECT_TRUE(event["Records"][0]["ApproximateArrivalTimestamp"].is_number_integer());
}

TEST(SubscriptionTest, IsSentChunkedOverHttp1AndEndsWhenTheSubscriptionDoes) {
  ServiceOptions options = Options();
  testing::TestServer server(options);
  testing::Client c(server.port());
  const auto call = [&](const std::string& op, const Json& body) {
    const testing::Reply reply = c.Call(op, body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.body.empty() ? Json::object() : reply.json();
  };
  call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
  const std::string arn =
      call("RegisterStreamConsumer",
           {{"StreamARN", kStreamArn}, {"ConsumerName", "c"}})["Consumer"]["ConsumerARN"]
          .get<std::string>();
  call("PutRecord", {{"StreamName", "s"}, {"Data", Base64("a")}, {"PartitionKey", "1"}});
  const auto started = std::chrono::steady_clock::now();
  namespace http = boost::beast::http;
  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard");
  req.set(http::field::content_type, "application/x-amz-json-1.1");
  req.body() = Json{{"ConsumerARN", arn},
                    {"ShardId", kShard0},
                    {"StartingPosition", {{"Type", "TRIM_HORIZON"}}}}
                   .dump();
  req.prepare_payload();
  c.stream().expires_after(std::chrono::seconds(20));
  http::write(c.stream(), req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  boost::beast::flat_buffer buffer;
  http::read(c.stream(), buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200) << parser.get().body();
  EXPECT_EQ(parser.get()[http::field::content_type], "application/vnd.amazon.eventstream");
  EXPECT_TRUE(parser.chunked());
  const std::vector<Message> frames = Frames(parser.get().body());
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[0].StringHeader(":event-type"), "initial-response");
  EXPECT_EQ(Payload(frames[1])["Records"].size(), 1u);
  for (size_t i = 1; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].StringHeader(":event-type"), "SubscribeToShardEvent");
  }
  // Five minutes of heartbeats in well under a few seconds of real time.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(SubscriptionTest, AClientThatGoesAwayMidStreamLeavesTheServerServing) {
  ServiceOptions options = Options();
  options.clock = *ClockMode::Parse("scaled:1");  // a subscription of five real minutes
  testing::TestServer server(options);
  {
    testing::Client c(server.port());
    c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // ACTIVE after 200 ms
    const testing::Reply reg =
        c.Call("RegisterStreamConsumer", {{"StreamARN", kStreamArn}, {"ConsumerName", "c"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    namespace http = boost::beast::http;
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard");
    req.set(http::field::content_type, "application/x-amz-json-1.1");
    req.body() = Json{{"ConsumerARN", reg.json()["Consumer"]["ConsumerARN"]},
                      {"ShardId", kShard0},
                      {"StartingPosition", {{"Type", "LATEST"}}}}
                     .dump();
    req.prepare_payload();
    http::write(c.stream(), req);
    http::response_parser<http::string_body> parser;
    boost::beast::flat_buffer buffer;
    http::read_header(c.stream(), buffer, parser);
    EXPECT_EQ(parser.get().result_int(), 200);
  }  // the client closes its connection mid-stream
  testing::Client other(server.port());
  EXPECT_EQ(other.Call("ListStreams", Json::object()).status, 200);
}

}  // namespace
}  // namespace shardsim::server
