// The failure report: its timeline, folded from structured trace records, the violation's
// sentences, and the length of every buggy catalogue entry's report.
#include "properties/failure_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "consumer/strategy_registry.h"
#include "properties/check.h"

namespace shardsim::properties {
namespace {

using sim::TraceRecord;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kShard[] = "shardId-000000000000";

TraceRecord At(int64_t millis, std::string actor, std::string kind,
               std::vector<sim::TraceField> fields) {
  return TraceRecord{sim::kDefaultEpoch + Duration::Millis(millis), std::move(actor),
                     std::move(kind), std::move(fields)};
}

// A GetRecords page read from `bucket` (records > 0: a page with records).
TraceRecord Page(int64_t millis, std::string actor, uint64_t bucket, int records,
                 std::string shard = kShard) {
  return At(millis, std::move(actor), "GetRecords",
            {{"shard", std::move(shard)},
             {"bucket", bucket},
             {"records", records},
             {"next_bucket", bucket + 1},
             {"behind_ms", 1000 * (20'000 - static_cast<int64_t>(bucket))}});
}

TraceRecord Throttled(int64_t millis, std::string actor, std::string shard = kShard) {
  return At(millis, std::move(actor), "GetRecords",
            {{"shard", std::move(shard)},
             {"bucket", 0},
             {"error", "ProvisionedThroughputExceededException"},
             {"message", "Rate exceeded"}});
}

std::string Lines(const std::vector<TraceRecord>& records) {
  std::string out;
  for (const TraceRecord& r : records) out += r.ToText() + "\n";
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The first record, then what follows it, then kUnfoldedTailRecords records of another actor
// that close the trace (the tail is never folded).
std::vector<TraceRecord> Framed(std::vector<TraceRecord> middle) {
  std::vector<TraceRecord> records = {At(0, "harness", "scenario", {{"name", "x"}})};
  records.insert(records.end(), middle.begin(), middle.end());
  const int64_t end = records.back().time.unix_millis() + 1;
  for (size_t i = 0; i < kUnfoldedTailRecords; ++i) {
    records.push_back(At(end, "producer", "PutRecord", {{"shard", kShard}, {"key", "k"}}));
  }
  return records;
}

TEST(Timeline, FoldsAnyNumberOfEmptyPagesIntoOneLineWithTheirCountAndTimeSpan) {
  std::vector<TraceRecord> walk;
  for (uint64_t b = 0; b < 10'000; ++b) {
    walk.push_back(Page(1000 + 250 * static_cast<int64_t>(b), "consumer", b, 0));
  }
  const std::vector<TraceRecord> records = Framed(walk);
  const std::vector<std::string> lines = SplitLines(Timeline(records));
  // The scenario line, the first empty page (the first of its kind), one folded line, the tail.
  ASSERT_EQ(lines.size(), 3 + kUnfoldedTailRecords);
  EXPECT_EQ(lines[1], records[1].ToText());
  EXPECT_EQ(lines[2],
            "    ... 9999 records over 41m39.5s (2023-01-01T00:00:01.250000Z to "
            "2023-01-01T00:41:40.750000Z) that put, read or process no record: "
            "consumer: 9999 empty GetRecords on shardId-000000000000 walking buckets 1 to 10000 "
            "(MillisBehindLatest 19999000 to 10001000)");
}

TEST(Timeline, KeepsTheFirstEmptyPageOfEachShardAsALine) {
  std::vector<TraceRecord> pages;
  for (int i = 0; i < 6; ++i) {
    pages.push_back(Page(10 + i, "consumer", 0, 0, i % 2 == 0 ? "shard-a" : "shard-b"));
  }
  const std::string text = Timeline(Framed(pages));
  EXPECT_THAT(text, HasSubstr(pages[0].ToText() + "\n" + pages[1].ToText() + "\n" +
                              "    ... 4 records over 3ms"));
  EXPECT_THAT(text, HasSubstr("consumer: 4 empty GetRecords on shard-a and shard-b\n"));
}

TEST(Timeline, FoldsThrottledCallsOfSeveralClientsIntoOneLineNamingEach) {
  std::vector<TraceRecord> calls;
  for (int i = 0; i < 40; ++i) {
    calls.push_back(Throttled(100 + 20 * i, i % 3 == 0 ? "reader-0" : "consumer"));
  }
  const std::vector<std::string> lines = SplitLines(Timeline(Framed(calls)));
  ASSERT_EQ(lines.size(), 4 + kUnfoldedTailRecords);  // the first of each client stays
  EXPECT_THAT(lines[3], StartsWith("    ... 38 records over 740ms"));
  EXPECT_THAT(lines[3],
              HasSubstr("consumer: 25 GetRecords answered ProvisionedThroughputExceededException "
                        "on shardId-000000000000; reader-0: 13 GetRecords answered "
                        "ProvisionedThroughputExceededException on shardId-000000000000"));
}

TEST(Timeline, FoldsIdlePollingOfManyShardsWithRepeatedListingsAndFailingIterators) {
  std::vector<TraceRecord> rounds;
  for (int round = 0; round < 500; ++round) {
    const int64_t t = 10'000 * round;
    rounds.push_back(At(t, "consumer", "ListShards", {{"stream", "s"}, {"shards", 3}}));
    rounds.push_back(At(t + 1, "consumer", "GetShardIterator",
                        {{"shard", "shard-c"},
                         {"type", "AFTER_SEQUENCE_NUMBER"},
                         {"seq", "42"},
                         {"error", "InvalidArgumentException"},
                         {"message", "below the trim horizon"}}));
    rounds.push_back(Page(t + 2, "consumer", 7, 0, "shard-a"));
    rounds.push_back(Page(t + 3, "consumer", 7, 0, "shard-b"));
    rounds.push_back(At(t + 4, "app", "declare.caught_up", {{"shard", "shard-a"}}));
  }
  const std::vector<std::string> lines = SplitLines(Timeline(Framed(rounds)));
  // The first round, line by line, then the 499 others in one line.
  ASSERT_EQ(lines.size(), 1 + 5 + 1 + kUnfoldedTailRecords);
  EXPECT_THAT(lines[6], StartsWith("    ... 2495 records over 1h23m0.004s "
                                   "(2023-01-01T00:00:10.000000Z to "
                                   "2023-01-01T01:23:10.004000Z)"));
  EXPECT_THAT(lines[6], HasSubstr("consumer: 499 ListShards, 499 GetShardIterator answered "
                                  "InvalidArgumentException on shard-c, 998 empty GetRecords "
                                  "on shard-a and shard-b; app: 499 declare.caught_up on shard-a"));
}

TEST(Timeline, NeverFoldsARecordThatPutsReadsProcessesOrCheckpointsOne) {
  std::vector<TraceRecord> records;
  for (int i = 0; i < 5; ++i) records.push_back(Page(i, "consumer", 0, 0));
  records.push_back(Page(5, "consumer", 0, 2));
  records.push_back(At(5, "app", "process", {{"shard", kShard}, {"seq", "1"}}));
  records.push_back(At(5, "app", "checkpoint", {{"shard", kShard}, {"seq", "1"}}));
  records.push_back(At(6, "producer", "PutRecord", {{"shard", kShard}, {"key", "k"}}));
  for (int i = 0; i < 5; ++i) records.push_back(Page(7 + i, "consumer", 0, 0));
  const std::string text = Timeline(Framed(records));
  for (size_t i = 5; i < 9; ++i) EXPECT_THAT(text, HasSubstr(records[i].ToText() + "\n"));
  EXPECT_THAT(text, HasSubstr("    ... 4 records over 3ms (2023-01-01T00:00:00.001000Z"));
  EXPECT_THAT(text, HasSubstr("    ... 5 records over 4ms (2023-01-01T00:00:00.007000Z"));
}

TEST(Timeline, KeepsRunsOfFewerThanFourIdleRecordsAsTheyAre) {
  std::vector<TraceRecord> records;
  for (int i = 0; i < 4; ++i) records.push_back(Page(i, "consumer", 0, 0));  // 1 new + 3 idle
  records.push_back(Page(4, "consumer", 0, 1));
  const std::vector<TraceRecord> framed = Framed(records);
  EXPECT_EQ(Timeline(framed), Lines(framed));
}

TEST(Timeline, NeverFoldsTheLastRecordsOfTheTrace) {
  std::vector<TraceRecord> records = {At(0, "harness", "scenario", {{"name", "x"}})};
  for (int i = 0; i < 20; ++i) records.push_back(Page(1 + i, "consumer", 0, 0));
  const std::vector<std::string> lines = SplitLines(Timeline(records));
  ASSERT_EQ(lines.size(), 3 + kUnfoldedTailRecords);
  EXPECT_THAT(lines[2], StartsWith("    ... 15 records"));
  for (size_t i = 0; i < kUnfoldedTailRecords; ++i) {
    EXPECT_EQ(lines[3 + i], records[records.size() - kUnfoldedTailRecords + i].ToText());
  }
}

TEST(Timeline, FoldsTheRerunsOfABatchJobThatFindNothingButNotTheRestartAfterACrash) {
  std::vector<TraceRecord> records;
  int64_t t = 0;
  for (int run = 0; run < 8; ++run, t += 1000) {
    const std::string name = "consumer#" + std::to_string(run);
    records.push_back(At(t, name, "process.spawn", {{"pid", run}}));
    records.push_back(At(t + 1, "consumer", "ListShards", {{"shards", 1}}));
    records.push_back(Page(t + 2, "consumer", 0, 0));
    records.push_back(At(t + 3, name, "process.exit", {{"pid", run}}));
  }
  records.push_back(At(t, "harness", "crash", {{"incarnation", 8}}));
  const TraceRecord restart = At(t + 5000, "consumer#9", "process.spawn", {{"pid", 9}});
  records.push_back(restart);
  for (int i = 0; i < 5; ++i) records.push_back(Page(t + 5001 + i, "consumer", 0, 0));
  const std::string text = Timeline(Framed(records));
  EXPECT_THAT(text, HasSubstr("consumer#1 to consumer#7: 7 process.spawn, 7 process.exit"));
  EXPECT_THAT(text, HasSubstr("\n" + restart.ToText() + "\n"));
}

TEST(Timeline, FoldsTheRenewalsOfASubscriptionThatDeliversNothingButNotTheShardsEnd) {
  std::vector<TraceRecord> records;
  int64_t t = 0;
  for (uint64_t sub = 1; sub <= 12; ++sub, t += 300'000) {
    records.push_back(At(t, "consumer", "SubscribeToShard",
                         {{"shard", kShard},
                          {"type", "AFTER_SEQUENCE_NUMBER"},
                          {"seq", "7"},
                          {"subscription", sub}}));
    for (int e = 0; e < 3; ++e) {
      records.push_back(
          At(t + 5000 * e, "consumer", "SubscribeToShardEvent",
             {{"shard", kShard}, {"subscription", sub}, {"records", 0}, {"continuation", "7"}}));
    }
    records.push_back(At(t + 299'999, "consumer", "SubscribeToShardEvent",
                         {{"shard", kShard}, {"subscription", sub}, {"end", "expired"}}));
  }
  const TraceRecord shard_end = At(t, "consumer", "SubscribeToShardEvent",
                                   {{"shard", kShard}, {"records", 0}, {"end", "shard_end"}});
  records.push_back(shard_end);
  const std::vector<std::string> lines = SplitLines(Timeline(Framed(records)));
  // The scenario line, the first subscription line by line, one fold, the shard's end, the tail.
  ASSERT_EQ(lines.size(), 1 + 5 + 1 + 1 + kUnfoldedTailRecords);
  EXPECT_THAT(lines[6], HasSubstr("consumer: 11 SubscribeToShard on shardId-000000000000, 33 "
                                  "empty SubscribeToShardEvent on shardId-000000000000, 11 "
                                  "SubscribeToShardEvent ending expired on shardId-000000000000"));
  EXPECT_EQ(lines[7], shard_end.ToText());
}

TEST(Timeline, FoldsCheckpointsOfContinuationsAfterEmptyEventsButNotOneAfterAProcessedRecord) {
  std::vector<TraceRecord> records;
  for (int e = 0; e < 6; ++e) {
    const std::string continuation = std::to_string(100 + e);
    records.push_back(At(
        1000 * e, "consumer", "SubscribeToShardEvent",
        {{"shard", kShard}, {"subscription", 1}, {"records", 0}, {"continuation", continuation}}));
    records.push_back(
        At(1000 * e, "app", "checkpoint", {{"shard", kShard}, {"seq", continuation}}));
  }
  const TraceRecord process = At(6000, "app", "process", {{"shard", kShard}, {"seq", "106"}});
  const TraceRecord after_process =
      At(6000, "app", "checkpoint", {{"shard", kShard}, {"seq", "106"}});
  const TraceRecord shard_end =
      At(7000, "app", "checkpoint", {{"shard", kShard}, {"seq", "SHARD_END"}});
  records.insert(records.end(), {process, after_process, shard_end});
  const std::vector<std::string> lines = SplitLines(Timeline(Framed(records)));
  // The scenario line, the first event and the shard's first checkpoint, one fold of the other
  // five events and their checkpoints, then the processed record, its checkpoint, the shard's
  // end and the tail.
  ASSERT_EQ(lines.size(), 1 + 2 + 1 + 3 + kUnfoldedTailRecords);
  EXPECT_EQ(lines[2], records[1].ToText());
  EXPECT_THAT(lines[3], HasSubstr("consumer: 5 empty SubscribeToShardEvent on "
                                  "shardId-000000000000; app: 5 checkpoint of a position past no "
                                  "new record on shardId-000000000000"));
  EXPECT_EQ(lines[4], process.ToText());
  EXPECT_EQ(lines[5], after_process.ToText());
  EXPECT_EQ(lines[6], shard_end.ToText());
}

TEST(Timeline, ReadsTheRecordCountFieldNotTextThatLooksLikeIt) {
  // A text fold would see " records=0 " inside the shard name and take these for empty pages.
  std::vector<TraceRecord> records;
  for (int i = 0; i < 8; ++i) {
    records.push_back(At(i, "consumer", "GetRecords",
                         {{"shard", "a records=0 b"}, {"bucket", 0}, {"records", 1}}));
  }
  EXPECT_EQ(Timeline(records), Lines(records));
}

TEST(Timeline, OfNoRecordsIsEmpty) { EXPECT_EQ(Timeline({}), ""); }

TEST(Timeline, ShowsTheViolationWithItsWitnessAsOneSentence) {
  const Violation violation{Property::kNoMissedRecords,
                            sim::kDefaultEpoch,
                            "1 of 2 records were never processed by the end of the run; the first:",
                            {"record 42 (shard s, processed 0x)"}};
  const std::vector<TraceRecord> records = {
      At(0, "judge", "violation",
         {{"property", "no_missed_records"}, {"message", violation.message}})};
  EXPECT_EQ(Timeline(records, &violation),
            "2023-01-01T00:00:00.000000Z judge violation property=\"no_missed_records\" "
            "message=\"1 of 2 records were never processed by the end of the run; the first: "
            "record 42 (shard s, processed 0x)\"\n");
  EXPECT_EQ(Timeline(records), Lines(records));  // without the violation: the record as it is
}

TEST(Timeline, ShowsTheWitnessOfAWholeMessageAfterAColon) {
  const Violation violation{Property::kNoDuplicates,
                            sim::kDefaultEpoch,
                            "the consumer processed a record a second time",
                            {"record 42 (shard s, processed 2x)", "record 43"}};
  const std::vector<TraceRecord> records = {
      At(0, "judge", "violation", {{"property", "no_duplicates"}, {"message", violation.message}})};
  EXPECT_THAT(Timeline(records, &violation),
              HasSubstr("message=\"the consumer processed a record a second time: record 42 "
                        "(shard s, processed 2x); record 43\"\n"));
}

// A walk of `pages` empty pages, then a page with a record, twice, framed.
std::vector<TraceRecord> TwoWalks(int pages) {
  std::vector<TraceRecord> middle;
  for (int walk = 0; walk < 2; ++walk) {
    for (int b = 0; b < pages; ++b) {
      middle.push_back(
          Page(10 * static_cast<int64_t>(middle.size()), "consumer", static_cast<uint64_t>(b), 0));
    }
    middle.push_back(Page(10 * static_cast<int64_t>(middle.size()), "consumer",
                          static_cast<uint64_t>(pages), 1));
  }
  return Framed(middle);
}

TEST(TimelineWriter, WritesWhatTimelineWritesFedRecordByRecord) {
  for (const int pages : {0, 1, 3, 4, 5, 1000}) {
    const std::vector<TraceRecord> records = TwoWalks(pages);
    std::string streamed;
    TimelineWriter writer([&](std::string_view text) { streamed.append(text); });
    for (const TraceRecord& r : records) writer.Add(r);
    writer.Finish();
    EXPECT_EQ(streamed, Timeline(records)) << pages << " pages";
  }
}

TEST(TimelineWriter, WritesAFoldOnceItsRunEndsWithoutWaitingForTheEndOfTheTrace) {
  const std::vector<TraceRecord> records = TwoWalks(1000);
  std::string streamed;
  TimelineWriter writer([&](std::string_view text) { streamed.append(text); });
  // Up to the first walk's page with a record, and kUnfoldedTailRecords records after it.
  const size_t first_walk_end = 1 + 1000 + 1;
  for (size_t i = 0; i < first_walk_end + kUnfoldedTailRecords; ++i) writer.Add(records[i]);
  EXPECT_THAT(streamed, HasSubstr("    ... 999 records over"));
  EXPECT_THAT(streamed, HasSubstr(records[first_walk_end - 1].ToText()));
  writer.Finish();
}

TEST(TimelineWriter, ShowsTheViolationWholeThoughRecordsFollowItBeyondTheTail) {
  const Violation violation{Property::kNoDuplicates,
                            sim::kDefaultEpoch,
                            "the consumer processed a record a second time",
                            {"record 42"}};
  std::vector<TraceRecord> records = {
      At(0, "judge", "violation", {{"property", "no_duplicates"}, {"message", violation.message}})};
  for (int i = 0; i < 20; ++i) records.push_back(Page(1 + i, "consumer", 0, 0));
  std::string streamed;
  TimelineWriter writer([&](std::string_view text) { streamed.append(text); });
  for (const TraceRecord& r : records) writer.Add(r);
  EXPECT_EQ(streamed, "");  // held from the violation record on
  writer.Finish(&violation);
  EXPECT_EQ(streamed, Timeline(records, &violation));
  EXPECT_THAT(streamed, HasSubstr("a second time: record 42\""));
  EXPECT_THAT(streamed, HasSubstr("    ... 15 records"));
}

TEST(ViolationSentences, AMessageThatEndsInAColonGoesOnWithItsFirstWitness) {
  EXPECT_THAT(ViolationSentences("2 of 3 records were never processed; the first:",
                                 {"record 7 (shard s)", "record 8 (shard s)"}),
              ::testing::ElementsAre("2 of 3 records were never processed; the first: record 7 "
                                     "(shard s)",
                                     "record 8 (shard s)"));
}

TEST(ViolationSentences, AWholeMessageKeepsItsWitnessesAsSentencesOfTheirOwn) {
  EXPECT_THAT(ViolationSentences("the consumer processed a record twice", {"record 7"}),
              ::testing::ElementsAre("the consumer processed a record twice", "record 7"));
  EXPECT_THAT(ViolationSentences("a message that ends in a colon:", {}),
              ::testing::ElementsAre("a message that ends in a colon:"));
}

TEST(RunReport, SummaryPutsAMessageAndTheWitnessItAnnouncesOnOneLine) {
  RunReport report;
  report.violation = Violation{Property::kNoMissedRecords,
                               sim::kDefaultEpoch,
                               "1 of 1 records were never processed; the first:",
                               {"record 7"}};
  EXPECT_EQ(report.Summary(),
            "FAIL no_missed_records at 2023-01-01T00:00:00.000000Z: 1 of 1 records were never "
            "processed; the first: record 7");
}

// What `check` prints around the report: its heading, the replay line of the case before
// shrinking, a blank line and the picture's line.
constexpr size_t kCheckLinesAroundTheReport = 6;
constexpr size_t kMaxCheckLines = 300;

std::vector<std::string> BuggyEntries() {
  std::vector<std::string> names;
  for (const consumer::StrategyInfo* info : consumer::StrategyRegistry::Global().All()) {
    if (info->expected.violates.has_value()) names.push_back(info->name);
  }
  return names;
}

std::string ReportOfSeedOne(const std::string& strategy) {
  const consumer::StrategyInfo* info = consumer::StrategyRegistry::Global().Find(strategy);
  if (info == nullptr) return "";
  const absl::StatusOr<CheckResult> result = CheckStrategy(*info, CheckOptions{.seed = 1});
  if (!result.ok() || !result->failure) return "";
  const Counterexample& c = *result->failure;
  return FormatFailureReport(FailureReportParts{&c.minimal, &c.report, c.origin, "saved.json",
                                                "shardsim", c.shrink_steps});
}

class BuggyEntryReport : public ::testing::TestWithParam<std::string> {};

TEST_P(BuggyEntryReport, OfSeedOneFitsInThreeHundredLinesAsCheckPrintsIt) {
  const std::string report = ReportOfSeedOne(GetParam());
  ASSERT_THAT(report, StartsWith("property ")) << GetParam() << " found no failure at seed 1";
  const size_t lines = static_cast<size_t>(std::count(report.begin(), report.end(), '\n'));
  EXPECT_LE(lines + kCheckLinesAroundTheReport, kMaxCheckLines) << report;
  EXPECT_THAT(report, Not(HasSubstr("; the first:\n"))) << "a sentence cut before its witness";
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BuggyEntryReport, ::testing::ValuesIn(BuggyEntries()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(FailureReport, IsTheSameBytesForTheSameSeed) {
  const std::string first = ReportOfSeedOne("stop-after-n-empty-pages");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(ReportOfSeedOne("stop-after-n-empty-pages"), first);
}

}  // namespace
}  // namespace shardsim::properties
