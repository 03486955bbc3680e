// The failure report's timeline, folded from structured trace records.
#include "properties/failure_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shardsim::properties {
namespace {

using sim::TraceRecord;

TraceRecord At(int seconds, std::string actor, std::string kind,
               std::vector<sim::TraceField> fields) {
  return TraceRecord{sim::kDefaultEpoch + Duration::Seconds(seconds), std::move(actor),
                     std::move(kind), std::move(fields)};
}

TraceRecord Page(int seconds, std::string actor, uint64_t bucket, int records) {
  return At(seconds, std::move(actor), "GetRecords",
            {{"shard", "shardId-000000000000"}, {"bucket", bucket}, {"records", records}});
}

std::string Lines(const std::vector<TraceRecord>& records) {
  std::string out;
  for (const TraceRecord& r : records) out += r.ToText() + "\n";
  return out;
}

TEST(Timeline, FoldsMoreThanThreeEmptyPagesByOneClientIntoOneLine) {
  std::vector<TraceRecord> records = {At(0, "harness", "scenario", {{"name", "x"}})};
  for (uint64_t b = 0; b < 6; ++b) records.push_back(Page(1 + b, "consumer", b, 0));
  records.push_back(Page(9, "consumer", 6, 2));
  const std::string want = Lines({records[0], records[1]}) +
                           "    ... 4 more empty GetRecords by consumer walking buckets 1 to 4 "
                           "...\n" +
                           Lines({records[6], records[7]});
  EXPECT_EQ(Timeline(records), want);
}

TEST(Timeline, KeepsThreeEmptyPagesAsTheyAre) {
  std::vector<TraceRecord> records;
  for (uint64_t b = 0; b < 3; ++b) records.push_back(Page(1 + b, "consumer", b, 0));
  EXPECT_EQ(Timeline(records), Lines(records));
}

TEST(Timeline, AnotherClientOrAPageWithRecordsBreaksTheRun) {
  std::vector<TraceRecord> records;
  for (uint64_t b = 0; b < 3; ++b) records.push_back(Page(1 + b, "consumer", b, 0));
  records.push_back(Page(4, "reader-0", 0, 0));
  for (uint64_t b = 3; b < 5; ++b) records.push_back(Page(5 + b, "consumer", b, 0));
  records.push_back(Page(11, "consumer", 5, 1));
  for (uint64_t b = 6; b < 8; ++b) records.push_back(Page(12 + b, "consumer", b, 0));
  EXPECT_EQ(Timeline(records), Lines(records));
}

TEST(Timeline, ReadsTheRecordCountFieldNotTextThatLooksLikeIt) {
  // A text fold would see " records=0 " inside the key and take these for empty pages.
  std::vector<TraceRecord> records;
  for (int i = 0; i < 5; ++i) {
    records.push_back(At(i, "consumer", "GetRecords",
                         {{"shard", "a records=0 b"}, {"bucket", 0}, {"records", 1}}));
  }
  EXPECT_EQ(Timeline(records), Lines(records));
}

TEST(Timeline, OfNoRecordsIsEmpty) { EXPECT_EQ(Timeline({}), ""); }

}  // namespace
}  // namespace shardsim::properties
