// The judge on its own: synthetic event sequences (puts, reads, processing, checkpoints,
// declarations, crashes, restarts, shard closes) fed straight to properties::Judge, with no
// model and no strategy. For every property and every exemption there is one sequence that
// must violate it and a near-identical one that must not.
#include "properties/judge.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "model/sequence_number.h"

namespace shardsim::properties {
namespace {

using model::ErrorCode;
using model::KinesisError;

constexpr int kMaxCallsPerSecond = 5;
const Duration kRetention = Duration::Hours(24);

std::string ShardId(uint32_t index) {
  std::string digits = std::to_string(index);
  return "shardId-" + std::string(12 - digits.size(), '0') + digits;
}

// Drives one Judge in virtual time: each step happens at the instant the script last moved to.
class Script {
 public:
  Script() : sim_(sim::Simulation::Options{}), judge_(sim_, kMaxCallsPerSecond, kRetention) {}

  // Moves virtual time to `offset` after the start (never backwards).
  Script& At(Duration offset) {
    const Instant t = sim_.start() + offset;
    for (int i = 0; i < 2 && sim_.now() < t; ++i) sim_.RunUntil(t);  // a Stop() ends the first
    EXPECT_EQ(sim_.now(), t);
    return *this;
  }

  // Puts a record with `key` on shard `index`; returns its sequence number.
  std::string Put(uint32_t index, const std::string& key) {
    const uint64_t counter = ++counters_[index];
    const std::string seq =
        model::EncodeSequenceNumber({.shard_creation_seconds = sim_.start().unix_seconds(),
                                     .shard_index = index,
                                     .counter = counter,
                                     .put_seconds = sim_.now().unix_seconds()});
    model::PutCall call{sim_.now(),
                        "producer",
                        {"stream", key, "data", std::nullopt},
                        model::PutRecordResponse{ShardId(index), seq}};
    judge_.OnPut(call);
    records_[seq] = model::Record{seq, sim_.now(), "data", key};
    return seq;
  }

  // A successful GetRecords on shard `index` with an iterator `token`, returning `records`.
  void Read(uint32_t index, std::vector<std::string> records = {},
            const std::string& token = "token") {
    model::GetRecordsResponse page;
    for (const std::string& seq : records) page.Records.push_back(records_.at(seq));
    page.NextShardIterator = "next";
    Call(index, token, std::move(page));
  }
  // A GetRecords on shard `index` that fails with `code`.
  void FailedRead(uint32_t index, ErrorCode code, const std::string& token = "token") {
    Call(index, token, KinesisError{code, "synthetic"});
  }
  void GetShardIterator(uint32_t index) {
    judge_.OnGetShardIterator({sim_.now(),
                               "consumer",
                               {"stream", ShardId(index), model::ShardIteratorType::TRIM_HORIZON,
                                std::nullopt, std::nullopt},
                               model::GetShardIteratorResponse{"t"},
                               std::nullopt});
  }

  void Process(uint32_t index, const std::string& seq) {
    judge_.OnProcess(ShardId(index), records_.at(seq));
  }
  void Checkpoint(uint32_t index, const std::string& seq) {
    const consumer::Checkpoint cp{seq, false};
    store_.Write(ShardId(index), cp);
    judge_.OnCheckpoint(ShardId(index), cp);
  }
  void CheckpointShardEnd(uint32_t index) {
    const consumer::Checkpoint cp{"", true};
    store_.Write(ShardId(index), cp);
    judge_.OnCheckpoint(ShardId(index), cp);
  }
  void CaughtUp(uint32_t index) { judge_.OnDeclareCaughtUp(ShardId(index)); }
  void ShardEnd(uint32_t index) { judge_.OnDeclareShardEnd(ShardId(index)); }
  void Close(uint32_t index) { judge_.OnShardClosed(ShardId(index)); }
  void Crash() { judge_.OnCrash(store_); }
  void Deliveries() { judge_.JudgeDeliveries(); }
  void Exited() { judge_.OnConsumerExited(); }
  void Parents(uint32_t child, std::vector<std::string> parents) {
    judge_.OnShardParents(ShardId(child), std::move(parents));
  }
  // A GetRecords page on shard `index` whose NextShardIterator stays before the shard's record
  // number `next_ordinal`, answering `behind_ms`.
  void ReadTo(uint32_t index, std::vector<std::string> records, uint64_t next_ordinal,
              int64_t behind_ms) {
    model::GetRecordsResponse page;
    for (const std::string& seq : records) page.Records.push_back(records_.at(seq));
    page.NextShardIterator = "next";
    page.MillisBehindLatest = behind_ms;
    model::GetRecordsCall call{
        sim_.now(),
        "client",
        {"token", std::nullopt, std::nullopt},
        model::IteratorInfo{"stream", ShardId(index), 0, 0, sim_.now(), false},
        std::move(page),
        model::IteratorInfo{"stream", ShardId(index), 1, next_ordinal, sim_.now(), false}};
    judge_.OnGetRecords(call);
  }
  // SubscribeToShard on shard `index` starting before the shard's record number `ordinal`.
  void Subscribe(uint32_t index, model::ShardIteratorType type, uint64_t ordinal,
                 std::optional<std::string> seq = std::nullopt) {
    model::SubscribeToShardRequest request{
        .ConsumerARN = "arn", .ShardId = ShardId(index), .StartingPosition = {type, seq, {}}};
    judge_.OnSubscribeToShard(
        {sim_.now(), "consumer", request,
         model::SubscribeToShardResponse{++subscriptions_, sim_.now() + Duration::Minutes(5)},
         model::IteratorInfo{"stream", ShardId(index), 0, ordinal, sim_.now(), false}});
  }
  // An event on shard `index` delivering `records`, read from record number `from` and leaving
  // the subscription before record number `next` (absent: the shard's last event).
  void Event(uint32_t index, std::vector<std::string> records, uint64_t from,
             std::optional<uint64_t> next, int64_t behind_ms) {
    model::SubscribeToShardEvent event;
    for (const std::string& seq : records) event.Records.push_back(records_.at(seq));
    event.MillisBehindLatest = behind_ms;
    if (next) event.ContinuationSequenceNumber = "continuation";
    model::SubscriptionDelivery delivery{
        .at = sim_.now(),
        .client = "consumer",
        .subscription_id = subscriptions_,
        .consumer_arn = "arn",
        .shard_id = ShardId(index),
        .poll = {.kind = model::SubscriptionPoll::Kind::kEvent, .event = std::move(event)},
        .from = model::IteratorInfo{"stream", ShardId(index), 0, from, sim_.now(), false}};
    if (next) {
      delivery.next = model::IteratorInfo{"stream", ShardId(index), 1, *next, sim_.now(), false};
    }
    judge_.OnSubscriptionDelivery(delivery);
  }
  // The current subscription to shard `index` ran out its five minutes.
  void SubscriptionExpired(uint32_t index) {
    judge_.OnSubscriptionDelivery(
        {.at = sim_.now(),
         .client = "consumer",
         .subscription_id = subscriptions_,
         .consumer_arn = "arn",
         .shard_id = ShardId(index),
         .poll = {.kind = model::SubscriptionPoll::Kind::kComplete, .expired = true}});
  }
  // The current subscription to shard `index` completed after the shard's last event.
  void SubscriptionCompleted(uint32_t index) {
    judge_.OnSubscriptionDelivery({.at = sim_.now(),
                                   .client = "consumer",
                                   .subscription_id = subscriptions_,
                                   .consumer_arn = "arn",
                                   .shard_id = ShardId(index),
                                   .poll = {.kind = model::SubscriptionPoll::Kind::kComplete}});
  }
  void Restart(bool after_crash = true) { judge_.OnRestart(after_crash); }
  void Finish(bool bound_hit = false) {
    judge_.Finish(bound_hit, "the event bound", Duration::Hours(1));
  }

  // The property violated so far, or nullopt.
  std::optional<Property> verdict() const {
    if (!judge_.violation().has_value()) return std::nullopt;
    return judge_.violation()->property;
  }
  const Judge& judge() const { return judge_; }
  // Another application reads shard `index` from `from` to `to` after the start.
  void CompetingReader(uint32_t index, Duration from, Duration to, double budget_share) {
    judge_.OnCompetingReader(ShardId(index), sim_.start() + from, sim_.start() + to, budget_share);
  }

 private:
  void Call(uint32_t index, const std::string& token,
            model::Outcome<model::GetRecordsResponse> outcome) {
    model::GetRecordsCall call{
        sim_.now(),
        "consumer",
        {token, std::nullopt, std::nullopt},
        model::IteratorInfo{"stream", ShardId(index), 0, 0, sim_.now(), false},
        std::move(outcome),
        std::nullopt};
    judge_.OnGetRecords(call);
  }

  sim::Simulation sim_;
  Judge judge_;
  consumer::CheckpointStore store_;
  std::map<uint32_t, uint64_t> counters_;
  std::map<std::string, model::Record> records_;
  uint64_t subscriptions_ = 0;
};

// no_missed_records ------------------------------------------------------------------------

TEST(JudgeTest, ARecordNeverProcessedIsMissedAtTheEnd) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Seconds(10));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
  EXPECT_NE(s.judge().violation()->message.find("1 of 1 records"), std::string::npos);
}

TEST(JudgeTest, ARecordProcessedOnceIsNotMissed) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.Process(0, a);
  s.At(Duration::Seconds(10));
  s.Finish();
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ProcessingARecordThatWasNeverPutOnThatShardIsReportedAtOnce) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.Process(1, a);  // the same sequence number on a shard it was never put on
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
}

TEST(JudgeTest, ARecordThatExpiresWhileTheConsumerIsDownIsNotMissed) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(1));
  s.Crash();
  s.At(Duration::Hours(30));  // the record expired at 24 h, during the downtime
  s.Restart();
  s.At(Duration::Hours(31));
  s.Finish();
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ARecordThatExpiresWhileTheConsumerIsRunningIsMissed) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(1));
  s.Crash();
  s.At(Duration::Hours(2));  // back long before the record expires at 24 h
  s.Restart();
  s.At(Duration::Hours(31));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
}

// Competing readers of the record's shard from 20 h to 26 h; `share` of the read budget each.
std::optional<Property> VerdictWithReadersTaking(double share, int readers) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  for (int i = 0; i < readers; ++i) {
    s.CompetingReader(0, Duration::Hours(20), Duration::Hours(26), share);
  }
  s.At(Duration::Hours(31));
  s.Finish();
  return s.verdict();
}

TEST(JudgeTest, ARecordThatExpiresWhileCompetingReadersTakeTheWholeReadBudgetIsNotMissed) {
  EXPECT_EQ(VerdictWithReadersTaking(1.5, 1), std::nullopt);
  EXPECT_EQ(VerdictWithReadersTaking(0.5, 2), std::nullopt);  // together, all of it
}

TEST(JudgeTest, ARecordThatExpiresWhileCompetingReadersLeaveSomeReadBudgetIsMissed) {
  EXPECT_EQ(VerdictWithReadersTaking(0.9, 1), Property::kNoMissedRecords);
  EXPECT_EQ(VerdictWithReadersTaking(0.0, 3), Property::kNoMissedRecords);  // no limit
}

TEST(JudgeTest, AScheduledRerunIsNotADowntimeThatExcusesExpiry) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(30));
  s.Restart(/*after_crash=*/false);  // a batch job's rerun: it could have run earlier
  s.At(Duration::Hours(31));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
}

// termination --------------------------------------------------------------------------

TEST(JudgeTest, ARunThatHitsItsBoundFailsTermination) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Finish(/*bound_hit=*/true);
  EXPECT_EQ(s.verdict(), Property::kTermination);
}

TEST(JudgeTest, ARunThatEndsWithinItsBoundTerminates) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Finish(/*bound_hit=*/false);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ABudgetRunningOutWhileTheConsumerWalksTowardItsTipIsTermination) {
  // Shard 0 holds no record; the consumer walks its empty buckets, still behind its tip, while
  // a record waits on shard 1: a drainer on its way there, late rather than lossy.
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(1, "k");
  s.At(Duration::Seconds(2));
  s.ReadTo(0, {}, 0, 60'000);
  s.At(Duration::Seconds(3));
  s.ReadTo(0, {}, 0, 59'000);
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kTermination);
}

TEST(JudgeTest, FollowingTheTipOfAShardReadToItsEndIsNoProgressTowardMissedRecords) {
  // The same reads, but the consumer had reached shard 0's tip (MillisBehindLatest 0) before:
  // the buckets that close behind it as time passes lead to no record, and the one on shard 1
  // is missed, not late.
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(1, "k");
  s.At(Duration::Seconds(2));
  s.ReadTo(0, {}, 0, 0);
  s.At(Duration::Seconds(3));
  s.ReadTo(0, {}, 0, 59'000);
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
}

TEST(JudgeTest, ANewRecordOnAShardFollowedToItsTipMakesReadingTowardItProgressAgain) {
  Script s;
  s.At(Duration::Seconds(1));
  s.ReadTo(0, {}, 0, 0);
  s.At(Duration::Seconds(2));
  s.Put(0, "k");
  s.At(Duration::Seconds(3));
  s.ReadTo(0, {}, 0, 2'000);
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kTermination);
}

TEST(JudgeTest, AfterARestartWalkingAShardOnceFollowedToItsTipIsProgressAgain) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(1, "k");
  s.At(Duration::Seconds(2));
  s.ReadTo(0, {}, 0, 0);
  s.Restart(/*after_crash=*/false);
  s.At(Duration::Seconds(3));
  s.ReadTo(0, {}, 0, 59'000);
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kTermination);
}

// no_false_caught_up ---------------------------------------------------------------------

TEST(JudgeTest, CaughtUpWithARecordPutBeforeTheLastReadIsFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Seconds(2));
  s.Read(0);  // an empty page: the record lies in a later bucket
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

TEST(JudgeTest, CaughtUpAfterProcessingEveryRecordReadIsTrue) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.Process(0, a);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ARecordPutAtTheSameInstantAfterTheReadDoesNotMakeCaughtUpFalse) {
  Script s;
  s.At(Duration::Seconds(2));
  s.Read(0);
  s.Put(0, "k");  // same instant, after the read
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ARecordPutAtTheSameInstantBeforeTheReadMakesCaughtUpFalse) {
  Script s;
  s.At(Duration::Seconds(2));
  s.Put(0, "k");  // same instant, before the read
  s.Read(0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

TEST(JudgeTest, AThrottledCallIsNotAReadThatCaughtUpIsJudgedAgainst) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Read(0);
  s.At(Duration::Seconds(2));
  s.Put(0, "k");
  s.At(Duration::Seconds(3));
  s.FailedRead(0, ErrorCode::kProvisionedThroughputExceeded);
  s.CaughtUp(0);  // true as of the last read that answered (1 s)
  EXPECT_EQ(s.verdict(), std::nullopt);
  EXPECT_EQ(s.judge().stats().throttled_calls, 1u);
}

TEST(JudgeTest, ASuccessfulCallInPlaceOfTheThrottledOneMakesCaughtUpFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Read(0);
  s.At(Duration::Seconds(2));
  s.Put(0, "k");
  s.At(Duration::Seconds(3));
  s.Read(0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

TEST(JudgeTest, AnExpiredRecordDoesNotMakeCaughtUpFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(25));
  s.Read(0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ARecordJustInsideTheRetentionPeriodMakesCaughtUpFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(23));
  s.Read(0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

TEST(JudgeTest, CaughtUpOnOneShardIgnoresAnotherShardsRecords) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(1, "k");
  s.At(Duration::Seconds(2));
  s.Read(0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.Read(1);
  s.CaughtUp(1);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

// no_false_shard_end ---------------------------------------------------------------------

TEST(JudgeTest, ShardEndOnAnOpenShardIsFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.ShardEnd(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseShardEnd);
}

TEST(JudgeTest, ShardEndOnAClosedShardWithEveryRecordProcessedIsTrue) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.Process(0, a);
  s.ShardEnd(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ShardEndOnAClosedShardWithARecordUnprocessedIsFalse) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Seconds(2));
  s.Read(0);
  s.ShardEnd(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseShardEnd);
}

TEST(JudgeTest, ShardEndIsJudgedAgainstEveryRecordNotOnlyThoseBeforeTheLastRead) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Read(0);
  s.At(Duration::Seconds(2));
  s.Put(0, "k");  // after the last read, and still the shard's
  s.Close(0);
  s.ShardEnd(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseShardEnd);
}

TEST(JudgeTest, ShardEndWithOnlyExpiredRecordsUnprocessedIsTrue) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Hours(25));
  s.ShardEnd(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, AMergeClosesBothParentsForShardEnd) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "a");
  const std::string b = s.Put(1, "b");
  s.Close(0);  // the harness closes both parents of a merge
  s.Close(1);
  s.At(Duration::Seconds(2));
  s.Process(0, a);
  s.Process(1, b);
  s.ShardEnd(0);
  s.ShardEnd(1);
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.ShardEnd(2);  // the merged child is open
  EXPECT_EQ(s.verdict(), Property::kNoFalseShardEnd);
}

// no_duplicates --------------------------------------------------------------------------

TEST(JudgeTest, ProcessingARecordTwiceWithoutACrashIsADuplicate) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), Property::kNoDuplicates);
}

TEST(JudgeTest, RedeliveryAfterACrashBeforeTheCheckpointIsAtLeastOnce) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  s.Crash();  // before the checkpoint that would cover `a`
  s.At(Duration::Seconds(5));
  s.Restart();
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), std::nullopt);
  EXPECT_EQ(s.judge().stats().redeliveries, 1u);
}

TEST(JudgeTest, RedeliveryAfterACrashThatTheCheckpointCoveredIsADuplicate) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  s.Checkpoint(0, a);
  s.Crash();
  s.At(Duration::Seconds(5));
  s.Restart();
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), Property::kNoDuplicates);
}

TEST(JudgeTest, ACrashBeforeTheFirstProcessingExcusesNoLaterDuplicate) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Crash();
  s.At(Duration::Seconds(5));
  s.Restart();
  s.Process(0, a);
  s.Process(0, a);  // twice in the same incarnation
  EXPECT_EQ(s.verdict(), Property::kNoDuplicates);
}

TEST(JudgeTest, ARecordBeforeACheckpointOfAnotherShardIsStillRedeliverable) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  const std::string b = s.Put(1, "j");
  s.Process(0, a);
  s.Process(1, b);
  s.Checkpoint(1, b);
  s.Crash();
  s.Restart();
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.Process(1, b);
  EXPECT_EQ(s.verdict(), Property::kNoDuplicates);
}

// lineage_order --------------------------------------------------------------------------

TEST(JudgeTest, AChildsRecordBeforeItsParentsRecordOfTheSameKeyBreaksLineageOrder) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string parent = s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Seconds(2));
  const std::string child = s.Put(1, "k");
  s.Process(1, child);
  s.Process(0, parent);
  EXPECT_EQ(s.verdict(), Property::kLineageOrder);
}

TEST(JudgeTest, ParentThenChildKeepsLineageOrder) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string parent = s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Seconds(2));
  const std::string child = s.Put(1, "k");
  s.Process(0, parent);
  s.Process(1, child);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, DifferentKeysMayBeProcessedInAnyOrder) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string parent = s.Put(0, "k");
  s.Close(0);
  s.At(Duration::Seconds(2));
  const std::string child = s.Put(1, "j");
  s.Process(1, child);
  s.Process(0, parent);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ARedeliveryOfAnEarlierRecordAfterACrashIsNotAnOrderViolation) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string first = s.Put(0, "k");
  const std::string second = s.Put(0, "k");
  s.Process(0, first);
  s.Process(0, second);
  s.Crash();
  s.Restart();
  s.Process(0, first);
  s.Process(0, second);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

// checkpoint_safety ----------------------------------------------------------------------

TEST(JudgeTest, ACheckpointAheadOfProcessingIsUnsafe) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  const std::string b = s.Put(0, "k");
  s.Process(0, a);
  s.Checkpoint(0, b);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

TEST(JudgeTest, ACheckpointAtTheLastProcessedRecordIsSafe) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  const std::string b = s.Put(0, "k");
  s.Process(0, a);
  s.Checkpoint(0, a);
  s.Process(0, b);
  s.Checkpoint(0, b);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ACheckpointPastAnExpiredRecordIsNotRunningAhead) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");  // expires at 24 h
  s.At(Duration::Hours(24) + Duration::Seconds(2));
  const std::string b = s.Put(0, "k");
  s.Process(0, b);
  s.Checkpoint(0, b);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ACheckpointPastARecordStillInRetentionIsRunningAhead) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(23));
  const std::string b = s.Put(0, "k");
  s.Process(0, b);
  s.Checkpoint(0, b);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

TEST(JudgeTest, ACheckpointThatGoesBackwardsIsUnsafe) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  const std::string b = s.Put(0, "k");
  s.Process(0, a);
  s.Process(0, b);
  s.Checkpoint(0, b);
  s.Checkpoint(0, a);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

TEST(JudgeTest, ARepeatedCheckpointIsNotBackwards) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  s.Checkpoint(0, a);
  s.Checkpoint(0, a);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, AShardEndCheckpointOnAnOpenShardIsUnsafe) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Process(0, a);
  s.CheckpointShardEnd(0);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

TEST(JudgeTest, AShardEndCheckpointOnAClosedFullyProcessedShardIsSafe) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Close(0);
  s.Process(0, a);
  s.CheckpointShardEnd(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, AShardEndCheckpointOnAClosedShardWithARecordUnprocessedIsUnsafe) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.Close(0);
  s.CheckpointShardEnd(0);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

TEST(JudgeTest, ASequenceCheckpointAfterShardEndGoesBackwards) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Close(0);
  s.Process(0, a);
  s.CheckpointShardEnd(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.Checkpoint(0, a);
  EXPECT_EQ(s.verdict(), Property::kCheckpointSafety);
}

// expired_iterator_recovered -------------------------------------------------------------

TEST(JudgeTest, ReusingAnIteratorThatExpiredIsNotRecovering) {
  Script s;
  s.At(Duration::Seconds(1));
  s.FailedRead(0, ErrorCode::kExpiredIterator, "old");
  s.At(Duration::Seconds(2));
  s.FailedRead(0, ErrorCode::kExpiredIterator, "old");
  EXPECT_EQ(s.verdict(), Property::kExpiredIteratorRecovered);
}

TEST(JudgeTest, AFreshIteratorAfterExpiryRecovers) {
  Script s;
  s.At(Duration::Seconds(1));
  s.FailedRead(0, ErrorCode::kExpiredIterator, "old");
  s.At(Duration::Seconds(2));
  s.GetShardIterator(0);
  s.Read(0, {}, "fresh");
  EXPECT_EQ(s.verdict(), std::nullopt);
  EXPECT_EQ(s.judge().stats().expired_iterator_errors, 1u);
}

TEST(JudgeTest, RetryingAThrottledIteratorIsNotReusingAnExpiredOne) {
  Script s;
  s.At(Duration::Seconds(1));
  s.FailedRead(0, ErrorCode::kProvisionedThroughputExceeded, "same");
  s.At(Duration::Seconds(2));
  s.Read(0, {}, "same");
  EXPECT_EQ(s.verdict(), std::nullopt);
}

// bounded_call_rate ----------------------------------------------------------------------

TEST(JudgeTest, MoreCallsOnAShardThanTheBoundWithinOneSecondIsTooMany) {
  Script s;
  for (int i = 0; i <= kMaxCallsPerSecond; ++i) {
    s.At(Duration::Millis(1000 + 150 * i));
    s.Read(0);
  }
  EXPECT_EQ(s.verdict(), Property::kBoundedCallRate);
}

TEST(JudgeTest, TheSameCallsSpreadOverMoreThanOneSecondAreWithinTheBound) {
  Script s;
  for (int i = 0; i <= kMaxCallsPerSecond; ++i) {
    s.At(Duration::Millis(1000 + 200 * i));  // the first leaves the window as the last comes
    s.Read(0);
  }
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ThrottledCallsCountTowardsTheCallRate) {
  Script s;
  for (int i = 0; i <= kMaxCallsPerSecond; ++i) {
    s.At(Duration::Millis(1000 + 150 * i));
    s.FailedRead(0, ErrorCode::kProvisionedThroughputExceeded);
  }
  EXPECT_EQ(s.verdict(), Property::kBoundedCallRate);
}

TEST(JudgeTest, TheCallRateIsBoundedPerShard) {
  Script s;
  for (int i = 0; i < kMaxCallsPerSecond; ++i) {
    s.At(Duration::Millis(1000 + 150 * i));
    s.Read(0);
    s.Read(1);
  }
  EXPECT_EQ(s.verdict(), std::nullopt);
  s.GetShardIterator(1);  // GetShardIterator counts on its shard too
  EXPECT_EQ(s.verdict(), Property::kBoundedCallRate);
}

// The first violation wins ---------------------------------------------------------------

TEST(JudgeTest, OnlyTheFirstViolationIsKept) {
  Script s;
  s.At(Duration::Seconds(1));
  s.ShardEnd(0);
  s.At(Duration::Seconds(2));
  s.Finish(/*bound_hit=*/true);
  EXPECT_EQ(s.verdict(), Property::kNoFalseShardEnd);
  EXPECT_EQ(s.judge().violation()->at, sim::kDefaultEpoch + Duration::Seconds(1));
}

// delivery mode (real clients judged from what the server saw) ------------------------------

TEST(JudgeTest, InDeliveryModeARecordReturnedTwiceIsDeliveredNotDuplicated) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.At(Duration::Seconds(3));
  s.Read(0, {a});  // a client that started again from TRIM_HORIZON
  s.At(Duration::Seconds(10));
  s.Finish();
  EXPECT_EQ(s.verdict(), std::nullopt);
  EXPECT_EQ(s.judge().stats().redeliveries, 1u);
}

TEST(JudgeTest, InDeliveryModeARecordNeverReturnedIsMissed) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Put(1, "j");
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.At(Duration::Seconds(10));
  s.Exited();
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
}

TEST(JudgeTest, InDeliveryModeReadingAChildBeforeItsParentWasReadToItsEndBreaksLineage) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.Close(0);
  s.Parents(1, {ShardId(0)});
  s.At(Duration::Seconds(2));
  s.Read(1, {});
  EXPECT_EQ(s.verdict(), Property::kLineageOrder);
  EXPECT_NE(s.judge().violation()->message.find("child shard shardId-000000000001"),
            std::string::npos);
}

TEST(JudgeTest, InDeliveryModeReadingAChildAfterItsParentWasReadToItsEndKeepsLineage) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Close(0);
  s.Parents(1, {ShardId(0)});
  s.At(Duration::Seconds(2));
  s.Read(0, {a});
  s.Read(1, {});
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, InDeliveryModeStoppingWithRecordsPastTheLastPositionAbandonsTheShard) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.At(Duration::Hours(17));
  s.Put(0, "k");
  s.At(Duration::Hours(17) + Duration::Seconds(1));
  s.ReadTo(0, {a}, 1, 63'180'000);
  s.ReadTo(0, {}, 1, 63'000'000);
  s.ReadTo(0, {}, 1, 62'800'000);
  s.Exited();
  s.Finish();
  ASSERT_EQ(s.verdict(), Property::kNoAbandonedShard);
  const std::string& message = s.judge().violation()->message;
  EXPECT_NE(message.find("MillisBehindLatest 62800000, after 2 empty pages in a row"),
            std::string::npos)
      << message;
}

TEST(JudgeTest, InDeliveryModeStoppingAfterTheLastRecordWasReturnedAbandonsNothing) {
  Script s;
  s.Deliveries();
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.At(Duration::Hours(17));
  const std::string b = s.Put(0, "k");
  s.At(Duration::Hours(17) + Duration::Seconds(1));
  s.ReadTo(0, {a}, 1, 63'180'000);
  s.ReadTo(0, {}, 1, 63'000'000);
  s.ReadTo(0, {b}, 2, 0);
  s.Exited();
  s.Finish();
  EXPECT_EQ(s.verdict(), std::nullopt);
}

// Enhanced fan-out -----------------------------------------------------------------------------

TEST(JudgeTest, ResubscribingAtLatestPastAnUnprocessedRecordSkipsIt) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {a}, 0, 1, 0);
  s.Process(0, a);
  s.At(Duration::Minutes(5));
  s.SubscriptionExpired(0);
  const std::string b = s.Put(0, "k");
  s.At(Duration::Minutes(6));
  s.Subscribe(0, model::ShardIteratorType::LATEST, 2);  // past b
  EXPECT_EQ(s.verdict(), Property::kNoSkippingSubscription);
  EXPECT_NE(s.judge().violation()->message.find("at LATEST"), std::string::npos);
  EXPECT_NE(s.judge().violation()->witness.at(0).find(b), std::string::npos);
}

TEST(JudgeTest, ResubscribingAfterTheLastContinuationSkipsNothing) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {a}, 0, 1, 0);
  s.Process(0, a);
  s.At(Duration::Minutes(5));
  s.SubscriptionExpired(0);
  const std::string b = s.Put(0, "k");
  s.At(Duration::Minutes(6));
  s.Subscribe(0, model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, 1, "continuation");
  s.Event(0, {b}, 1, 2, 0);
  s.Process(0, b);
  s.Finish();
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, SubscribingPastOnlyExpiredRecordsSkipsNothing) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.Crash();
  s.At(Duration::Hours(25));
  s.Restart();
  s.Subscribe(0, model::ShardIteratorType::LATEST, 1);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ResubscribingBehindTheLastContinuationIsNoViolationByItself) {
  // Ignoring the continuation after an empty stretch re-walks the stretch: slow, not lossy.
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {a}, 0, 1, 60'000);
  s.Process(0, a);
  s.Event(0, {}, 1, 1, 30'000);
  s.At(Duration::Minutes(6));
  s.Subscribe(0, model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, 1, a);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ResubscribingAtTheLastProcessedRecordRedeliversItAsADuplicate) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {a}, 0, 1, 0);
  s.Process(0, a);
  s.At(Duration::Minutes(5));
  s.SubscriptionExpired(0);
  s.Subscribe(0, model::ShardIteratorType::AT_SEQUENCE_NUMBER, 0, a);
  EXPECT_EQ(s.verdict(), std::nullopt);  // starting at a processed record skips nothing
  s.Event(0, {a}, 0, 1, 0);
  s.Process(0, a);
  EXPECT_EQ(s.verdict(), Property::kNoDuplicates);
}

TEST(JudgeTest, AnEmptyEventBehindTheTipIsNotCaughtUp) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(2));
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {}, 0, 0, 7'000'000);  // walking the empty buckets before the record
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), Property::kNoFalseCaughtUp);
}

TEST(JudgeTest, AnEmptyEventAtTheTipAfterProcessingEverythingIsCaughtUp) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {a}, 0, 1, 0);
  s.Process(0, a);
  s.At(Duration::Seconds(6));
  s.Event(0, {}, 1, 1, 0);
  s.CaughtUp(0);
  EXPECT_EQ(s.verdict(), std::nullopt);
}

TEST(JudgeTest, ASubscriptionLeftToExpireWithRecordsRemainingMissesThemAndSaysSo) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.At(Duration::Minutes(5));
  s.SubscriptionExpired(0);
  s.At(Duration::Minutes(6));
  s.Put(0, "k");
  s.At(Duration::Hours(2));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
  EXPECT_NE(s.judge().violation()->message.find("ran out its five minutes"), std::string::npos);
}

TEST(JudgeTest, ARenewedSubscriptionIsNotReportedAsLeftToExpire) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.At(Duration::Minutes(5));
  s.SubscriptionExpired(0);
  s.At(Duration::Minutes(6));
  s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, 0, "continuation");
  s.At(Duration::Hours(2));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
  EXPECT_EQ(s.judge().violation()->message.find("ran out its five minutes"), std::string::npos);
}

TEST(JudgeTest, ASubscriptionCompletedByItsShardsEndIsNotReportedAsLeftToExpire) {
  Script s;
  s.At(Duration::Seconds(1));
  const std::string a = s.Put(0, "k");
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Put(1, "k");  // on another shard, never read
  s.Close(0);
  s.Event(0, {a}, 0, std::nullopt, 0);
  s.Process(0, a);
  s.SubscriptionCompleted(0);
  s.At(Duration::Hours(2));
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kNoMissedRecords);
  EXPECT_EQ(s.judge().violation()->message.find("ran out its five minutes"), std::string::npos);
}

TEST(JudgeTest, EventsWalkingTowardTheRecordsInTheLastWindowMakeTheRunLateNotLossy) {
  Script s;
  s.At(Duration::Seconds(1));
  s.Put(0, "k");
  s.At(Duration::Hours(3));
  s.Subscribe(0, model::ShardIteratorType::TRIM_HORIZON, 0);
  s.Event(0, {}, 0, 0, 9'000'000);
  s.At(Duration::Hours(3) + Duration::Seconds(1));
  s.Event(0, {}, 0, 0, 8'000'000);
  s.Finish();
  EXPECT_EQ(s.verdict(), Property::kTermination);
}

TEST(JudgeTest, SubscribeToShardCallsCountTowardsTheCallRate) {
  Script s;
  s.At(Duration::Seconds(1));
  for (int i = 0; i <= kMaxCallsPerSecond; ++i) {
    s.Subscribe(0, model::ShardIteratorType::LATEST, 0);
  }
  EXPECT_EQ(s.verdict(), Property::kBoundedCallRate);
}

}  // namespace
}  // namespace shardsim::properties
