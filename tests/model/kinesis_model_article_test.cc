// The seed article's experiment, replayed against the model in virtual time.
#include <gtest/gtest.h>

#include "model/kinesis_model.h"

namespace shardsim::model {
namespace {

Instant ParseTime(const char* rfc3339) {
  const absl::StatusOr<Instant> t = Instant::Parse(rfc3339);
  SHARDSIM_CHECK(t.ok(), "the article's times are RFC 3339");
  return *t;
}

constexpr char kSeqA[] = "49639543389862895699365693304023657829928072185817071618";
constexpr char kSeqB[] = "49639543389862895699365693304024866755747687983222882306";

struct Article {
  KinesisModel model{2023};
  Instant now = ParseTime("2023-04-05T07:06:12Z");
  StreamOptions options;

  Article() {
    options.counter_start = 8398;
    EXPECT_TRUE(
        model.CreateStream(now, {.StreamName = "test-offsets", .ShardCount = 1}, options).ok());
  }
  PutRecordResponse Put(const char* at, const char* data, const char* key) {
    now = ParseTime(at);
    auto r = model.PutRecord(now, {"test-offsets", key, data, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.value();
  }
  GetRecordsResponse Get(const std::string& iterator, Duration after) {
    now = now + after;
    auto r = model.GetRecords(now, {iterator, std::nullopt, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.value();
  }
  std::string Iterator(ShardIteratorType type, std::optional<std::string> seq = std::nullopt) {
    auto r = model.GetShardIterator(
        now, {"test-offsets", "shardId-000000000000", type, seq, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r->ShardIterator;
  }
};

TEST(KinesisModelArticle, TheTwoRecordsGetTheArticlesSequenceNumbers) {
  Article a;
  EXPECT_EQ(a.Put("2023-04-05T07:08:10.670Z", "a", "1").SequenceNumber, kSeqA);
  EXPECT_EQ(a.Put("2023-04-05T07:08:27.176Z", "b", "2").SequenceNumber, kSeqB);
  const GetRecordsResponse first =
      a.Get(a.Iterator(ShardIteratorType::TRIM_HORIZON), Duration::Seconds(5));
  ASSERT_EQ(first.Records.size(), 2u);
  EXPECT_EQ(first.Records[0].SequenceNumber, kSeqA);
  EXPECT_EQ(first.Records[1].Data, "b");
  EXPECT_EQ(first.MillisBehindLatest, 0);
}

TEST(KinesisModelArticle, AfterAnIdleDayEmptyPagesWalkTowardTheNewRecord) {
  Article a;
  a.Put("2023-04-05T07:08:10.670Z", "a", "1");
  a.Put("2023-04-05T07:08:27.176Z", "b", "2");
  a.now = a.now + Duration::Hours(17) + Duration::Minutes(33);
  const std::string it = a.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, kSeqB);
  GetRecordsResponse page = a.Get(it, Duration::Millis(200));
  EXPECT_TRUE(page.Records.empty());
  EXPECT_NEAR(page.MillisBehindLatest, 63'180'000, 240'000);
  int64_t previous = page.MillisBehindLatest;
  for (int i = 0; i < 3; ++i) {
    page = a.Get(*page.NextShardIterator, Duration::Millis(500));
    EXPECT_TRUE(page.Records.empty());
    EXPECT_GE(previous - page.MillisBehindLatest, 150'000);
    EXPECT_LE(previous - page.MillisBehindLatest, 250'000);
    previous = page.MillisBehindLatest;
  }
  a.Put(absl::FormatTime(absl::RFC3339_full, (a.now + Duration::Seconds(1)).ToAbsl(),
                         absl::UTCTimeZone())
            .c_str(),
        "3", "3");
  int calls = 0;
  while (page.Records.empty() && calls < 1000) {
    page = a.Get(*page.NextShardIterator, Duration::Millis(250));
    ++calls;
  }
  ASSERT_EQ(page.Records.size(), 1u);
  EXPECT_EQ(page.Records[0].Data, "3");
  std::printf("calls to reach the new record: %d, last MillisBehindLatest %lld\n", calls,
              static_cast<long long>(page.MillisBehindLatest));
}

}  // namespace
}  // namespace shardsim::model
