// Example-based tests of KinesisModel against the contract in model/kinesis_model.h and issue 3:
// buckets, MillisBehindLatest, sequence numbers, iterators, limits, retention, resharding,
// request validation and virtual time. Streams start at kT0 (2023-01-01T00:00:00Z); most use a
// fixed 60 s bucket profile, so bucket k of a shard created at kT0 is [kT0 + 60k s, +60 s).
#include "model/kinesis_model.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "model/hash_key.h"
#include "model/sequence_number.h"
#include "sim/hash.h"

namespace shardsim::model {
namespace {

// EXPECT_HAS(text, part): `text` contains `part`.
::testing::AssertionResult HasPart(const char* text_expr, const char*, const std::string& text,
                                   const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << text_expr << " is \"" << text << "\", which does not contain \"" << part << "\"";
}
#define EXPECT_HAS(text, part) EXPECT_PRED_FORMAT2(HasPart, text, part)

constexpr Instant kT0 = sim::kDefaultEpoch;
constexpr char kStream[] = "orders";
constexpr char kShard0[] = "shardId-000000000000";
constexpr char kShard1[] = "shardId-000000000001";
constexpr char kShard2[] = "shardId-000000000002";
constexpr char kAccount[] = "123456789012";
// The lowest hash key of the upper half of the key space: 2^127.
constexpr char kUpperHalf[] = "170141183460469231731687303715884105728";

Duration Sec(int64_t s) { return Duration::Seconds(s); }
Duration Ms(int64_t ms) { return Duration::Millis(ms); }

StreamOptions Fixed(Duration width = Sec(60)) {
  StreamOptions options;
  options.buckets = BucketProfile::Fixed(width);
  options.limits = ShardLimits::Unlimited();
  return options;
}

StreamOptions Dense() {
  StreamOptions options = Fixed();
  options.buckets = BucketProfile::Dense();
  return options;
}

// With the documented limits switched on.
StreamOptions FixedWithLimits(Duration width = Sec(60)) {
  StreamOptions options;
  options.buckets = BucketProfile::Fixed(width);
  return options;
}

uint64_t CounterOf(const std::string& sequence_number) {
  const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(sequence_number);
  EXPECT_TRUE(fields.ok()) << sequence_number << ": " << fields.status();
  return fields.ok() ? fields->counter : 0;
}

SequenceNumber Seq(const std::string& text) {
  absl::StatusOr<SequenceNumber> s = SequenceNumber::Parse(text);
  SHARDSIM_CHECK(s.ok(), text);
  return *s;
}

std::vector<std::string> Data(const GetRecordsResponse& page) {
  std::vector<std::string> out;
  for (const Record& r : page.Records) out.push_back(r.Data);
  return out;
}

using Strings = std::vector<std::string>;

// One model with one stream, and a virtual clock that tests move forward with At().
class World {
 public:
  explicit World(StreamOptions options = Fixed(), int shard_count = 1, uint64_t seed = 1)
      : model(seed) {
    const Outcome<Empty> created =
        model.CreateStream(now, {.StreamName = kStream, .ShardCount = shard_count}, options);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
  }

  // Moves the clock to kT0 + `since_creation`.
  void At(Duration since_creation) { now = kT0 + since_creation; }

  Outcome<PutRecordResponse> TryPut(std::string data, std::string key = "k",
                                    std::optional<std::string> explicit_hash_key = {}) {
    return model.PutRecord(now, {kStream, key, data, explicit_hash_key});
  }
  PutRecordResponse Put(std::string data, std::string key = "k",
                        std::optional<std::string> explicit_hash_key = {}) {
    Outcome<PutRecordResponse> r = TryPut(data, key, explicit_hash_key);
    if (!r.ok()) {
      ADD_FAILURE() << "PutRecord: " << r.error().ToString();
      return {};
    }
    return *std::move(r);
  }
  // Puts at kT0 + `at`.
  PutRecordResponse PutAt(Duration at, std::string data, std::string key = "k") {
    At(at);
    return Put(data, key);
  }

  Outcome<GetShardIteratorResponse> TryIterator(ShardIteratorType type,
                                                std::optional<std::string> sequence_number = {},
                                                std::optional<Instant> timestamp = {},
                                                std::string shard = kShard0) {
    return model.GetShardIterator(now, {kStream, shard, type, sequence_number, timestamp});
  }
  std::string Iterator(ShardIteratorType type, std::optional<std::string> sequence_number = {},
                       std::optional<Instant> timestamp = {}, std::string shard = kShard0) {
    Outcome<GetShardIteratorResponse> r = TryIterator(type, sequence_number, timestamp, shard);
    if (!r.ok()) {
      ADD_FAILURE() << "GetShardIterator: " << r.error().ToString();
      return "";
    }
    return r->ShardIterator;
  }
  std::string TrimHorizon(std::string shard = kShard0) {
    return Iterator(ShardIteratorType::TRIM_HORIZON, {}, {}, shard);
  }

  Outcome<GetRecordsResponse> TryGet(const std::string& iterator, std::optional<int> limit = {}) {
    return model.GetRecords(now, {iterator, limit, std::nullopt});
  }
  GetRecordsResponse Get(const std::string& iterator, std::optional<int> limit = {}) {
    Outcome<GetRecordsResponse> r = TryGet(iterator, limit);
    if (!r.ok()) {
      ADD_FAILURE() << "GetRecords: " << r.error().ToString();
      return {};
    }
    return *std::move(r);
  }
  // GetRecords on the page's NextShardIterator.
  GetRecordsResponse Next(const GetRecordsResponse& page, std::optional<int> limit = {}) {
    if (!page.NextShardIterator.has_value()) {
      ADD_FAILURE() << "the page has no NextShardIterator";
      return {};
    }
    return Get(*page.NextShardIterator, limit);
  }

  IteratorInfo Describe(const std::string& iterator) const {
    Outcome<IteratorInfo> info = model.DescribeIterator(iterator);
    if (!info.ok()) {
      ADD_FAILURE() << "DescribeIterator: " << info.error().ToString();
      return {};
    }
    return *info;
  }

  std::vector<Shard> Shards() {
    Outcome<ListShardsResponse> r = model.ListShards(now, {.StreamName = kStream});
    if (!r.ok()) {
      ADD_FAILURE() << "ListShards: " << r.error().ToString();
      return {};
    }
    return r->Shards;
  }

  KinesisModel model;
  Instant now = kT0;
};

// Following NextShardIterator at one instant until the reader is caught up (MillisBehindLatest
// 0) or the shard ends, at most `max_calls` calls.
struct Walk {
  std::vector<std::string> data;
  int calls = 0;
  int empty_calls = 0;
  GetRecordsResponse last;
};

Walk WalkFrom(World& world, std::string iterator, int max_calls = 10'000) {
  Walk walk;
  while (walk.calls < max_calls) {
    walk.last = world.Get(iterator);
    ++walk.calls;
    if (walk.last.Records.empty()) ++walk.empty_calls;
    for (const Record& r : walk.last.Records) walk.data.push_back(r.Data);
    if (!walk.last.NextShardIterator.has_value() || walk.last.MillisBehindLatest == 0) break;
    iterator = *walk.last.NextShardIterator;
  }
  return walk;
}

// Follows NextShardIterator at one instant until a page carries records, at most `max_calls`
// calls; returns that page and the number of calls it took (0 if none did).
struct Reach {
  int calls = 0;
  GetRecordsResponse page;
};

Reach UntilRecords(World& world, std::string iterator, int max_calls = 10'000) {
  for (int calls = 1; calls <= max_calls; ++calls) {
    GetRecordsResponse page = world.Get(iterator);
    if (!page.Records.empty()) return {calls, std::move(page)};
    if (!page.NextShardIterator.has_value()) break;
    iterator = *page.NextShardIterator;
  }
  return {};
}

// =============================================================================================
// Buckets

TEST(GetRecords, ReturnsOnlyTheIteratorsBucketEvenWhenLaterRecordsExist) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(70), "b");
  w.PutAt(Sec(130), "c");
  w.At(Sec(200));
  const GetRecordsResponse first = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(first), Strings{"a"});
  EXPECT_EQ(first.MillisBehindLatest, 130'000);  // now - arrival of b, the record at P
  const GetRecordsResponse second = w.Next(first);
  EXPECT_EQ(Data(second), Strings{"b"});
  EXPECT_EQ(second.MillisBehindLatest, 70'000);
  const GetRecordsResponse third = w.Next(second);
  EXPECT_EQ(Data(third), Strings{"c"});
  EXPECT_EQ(third.MillisBehindLatest, 0);  // P is in bucket 3, which contains now
  EXPECT_EQ(w.Describe(*third.NextShardIterator).bucket, 3u);
}

TEST(GetRecords, LimitTruncationKeepsNextShardIteratorInTheBucket) {
  World w;
  for (const char* d : {"0", "1", "2", "3", "4"}) w.PutAt(Sec(10), d);
  w.PutAt(Sec(70), "later");
  w.At(Sec(200));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon(), 2);
  EXPECT_EQ(Data(p1), (Strings{"0", "1"}));
  const IteratorInfo at1 = w.Describe(*p1.NextShardIterator);
  EXPECT_EQ(at1.bucket, 0u);
  EXPECT_EQ(at1.ordinal, 2u);
  EXPECT_EQ(p1.MillisBehindLatest, 190'000);  // now - arrival of record 2
  const GetRecordsResponse p2 = w.Next(p1, 2);
  EXPECT_EQ(Data(p2), (Strings{"2", "3"}));
  const GetRecordsResponse p3 = w.Next(p2, 2);
  EXPECT_EQ(Data(p3), Strings{"4"});
  EXPECT_EQ(w.Describe(*p3.NextShardIterator).bucket, 1u);
  EXPECT_EQ(Data(w.Next(p3, 2)), Strings{"later"});
}

TEST(GetRecords, ByteCapTruncationAlsoKeepsNextShardIteratorInTheBucket) {
  StreamOptions options = Fixed();
  options.limits.max_get_records_bytes = 100;
  World w(options);
  w.PutAt(Sec(1), std::string(59, 'a'));  // 60 bytes with the key
  w.PutAt(Sec(2), std::string(59, 'b'));
  w.At(Sec(100));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon());
  ASSERT_EQ(p1.Records.size(), 1u);
  EXPECT_EQ(w.Describe(*p1.NextShardIterator).bucket, 0u);
  const GetRecordsResponse p2 = w.Next(p1);
  ASSERT_EQ(p2.Records.size(), 1u);
  EXPECT_EQ(p2.Records[0].Data[0], 'b');
}

TEST(GetRecords, OneRecordLargerThanTheByteCapIsStillReturnedAlone) {
  StreamOptions options = Fixed();
  options.limits.max_get_records_bytes = 10;
  World w(options);
  w.PutAt(Sec(1), std::string(50, 'x'));
  w.PutAt(Sec(1), "y");
  w.At(Sec(100));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon());
  ASSERT_EQ(p1.Records.size(), 1u);
  EXPECT_EQ(Data(w.Next(p1)), Strings{"y"});
}

TEST(GetRecords, AnExhaustedOpenBucketKeepsTheIteratorPutUntilItsSliceEnds) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(20));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(p1), Strings{"a"});
  EXPECT_EQ(w.Describe(*p1.NextShardIterator).bucket, 0u);
  EXPECT_EQ(p1.MillisBehindLatest, 0);
  w.At(Sec(59));
  const GetRecordsResponse p2 = w.Next(p1);
  EXPECT_TRUE(p2.Records.empty());
  EXPECT_EQ(w.Describe(*p2.NextShardIterator).bucket, 0u);  // no move past the tip
  EXPECT_EQ(w.Describe(*p2.NextShardIterator).ordinal, 1u);
  EXPECT_EQ(p2.MillisBehindLatest, 0);
  w.At(Sec(60));  // bucket 0's slice is over: the iterator moves to bucket 1, the new tip
  const GetRecordsResponse p3 = w.Next(p2);
  EXPECT_EQ(w.Describe(*p3.NextShardIterator).bucket, 1u);
  EXPECT_EQ(p3.MillisBehindLatest, 0);
  w.PutAt(Sec(61), "b");
  EXPECT_EQ(Data(w.Next(p3)), Strings{"b"});
}

TEST(GetRecords, EachEmptyBucketTakesOneCall) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(610), "b");  // bucket 10
  w.At(Sec(660));
  GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(page), Strings{"a"});
  for (uint64_t bucket = 1; bucket <= 9; ++bucket) {
    EXPECT_EQ(w.Describe(*page.NextShardIterator).bucket, bucket);
    page = w.Next(page);
    EXPECT_TRUE(page.Records.empty()) << "bucket " << bucket;
    if (bucket < 9) {
      // now - start of the next empty bucket
      EXPECT_EQ(page.MillisBehindLatest, (660 - 60 * static_cast<int64_t>(bucket + 1)) * 1000);
    } else {
      EXPECT_EQ(page.MillisBehindLatest, 50'000);  // now - arrival of b
    }
  }
  page = w.Next(page);
  EXPECT_EQ(Data(page), Strings{"b"});
  EXPECT_EQ(page.MillisBehindLatest, 0);
}

TEST(GetRecords, DenseProfileReturnsEveryLaterRecordInOneCall) {
  World w(Dense());
  w.PutAt(Sec(1), "a");
  w.PutAt(Duration::Hours(1), "b");
  w.PutAt(Duration::Hours(5), "c");
  w.At(Duration::Hours(6));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(page), (Strings{"a", "b", "c"}));
  EXPECT_EQ(page.MillisBehindLatest, 0);
}

TEST(GetRecords, DenseProfileStillHonoursLimit) {
  World w(Dense());
  w.PutAt(Sec(1), "a");
  w.PutAt(Duration::Hours(1), "b");
  w.PutAt(Duration::Hours(5), "c");
  w.At(Duration::Hours(6));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon(), 2);
  EXPECT_EQ(Data(p1), (Strings{"a", "b"}));
  EXPECT_EQ(p1.MillisBehindLatest, 3'600'000);  // now - arrival of c
  const GetRecordsResponse p2 = w.Next(p1, 2);
  EXPECT_EQ(Data(p2), Strings{"c"});
  EXPECT_EQ(p2.MillisBehindLatest, 0);
}

TEST(Buckets, ObservedWidthsLieBetween180And240Seconds) {
  StreamOptions options;
  options.limits = ShardLimits::Unlimited();
  World w(options);
  Instant previous = *w.model.BucketStart(kStream, kShard0, 0);
  EXPECT_EQ(previous, kT0);
  bool differ = false;
  for (uint64_t b = 1; b <= 200; ++b) {
    const Instant start = *w.model.BucketStart(kStream, kShard0, b);
    EXPECT_GE(start - previous, Sec(180));
    EXPECT_LE(start - previous, Sec(240));
    if (b > 1 && start - previous != *w.model.BucketStart(kStream, kShard0, 1) - kT0) {
      differ = true;
    }
    previous = start;
  }
  EXPECT_TRUE(differ) << "observed widths are drawn, not all equal";
}

TEST(Buckets, RangeWidthsLieWithinTheRange) {
  StreamOptions options = Fixed();
  options.buckets = BucketProfile::Range(Sec(1), Sec(5));
  World w(options);
  for (uint64_t b = 0; b < 500; ++b) {
    const Duration width =
        *w.model.BucketStart(kStream, kShard0, b + 1) - *w.model.BucketStart(kStream, kShard0, b);
    EXPECT_GE(width, Sec(1));
    EXPECT_LE(width, Sec(5));
  }
}

TEST(Buckets, TheChainDependsOnTheSeedNotOnTheOrderShardsAreRead) {
  StreamOptions options;
  options.limits = ShardLimits::Unlimited();
  World a(options, 2, 42);
  World b(options, 2, 42);
  World c(options, 2, 43);
  // `a` draws shard 1's chain first, `b` shard 0's.
  const Instant a1 = *a.model.BucketStart(kStream, kShard1, 50);
  const Instant a0 = *a.model.BucketStart(kStream, kShard0, 50);
  const Instant b0 = *b.model.BucketStart(kStream, kShard0, 50);
  const Instant b1 = *b.model.BucketStart(kStream, kShard1, 50);
  EXPECT_EQ(a0, b0);
  EXPECT_EQ(a1, b1);
  EXPECT_NE(a0, a1);
  EXPECT_NE(*c.model.BucketStart(kStream, kShard0, 50), a0);
}

TEST(Buckets, BucketStartIsNulloptForAnUnknownStreamOrShard) {
  World w;
  EXPECT_FALSE(w.model.BucketStart("nope", kShard0, 0).has_value());
  EXPECT_FALSE(w.model.BucketStart(kStream, kShard1, 0).has_value());
  EXPECT_EQ(*w.model.BucketStart(kStream, kShard0, 3), kT0 + Sec(180));
}

TEST(Buckets, TwentyHoursBehindOnOneSecondBucketsTheReaderCrossesOneBucketPerCall) {
  StreamOptions options = Fixed(Sec(1));
  World w(options);
  const PutRecordResponse a = w.PutAt(Ms(500), "a");
  const Duration gap = Duration::Hours(20);
  w.PutAt(gap + Ms(500), "b");  // bucket 72,000
  w.At(gap + Sec(1));
  const Walk walk =
      WalkFrom(w, w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber), 200'000);
  EXPECT_EQ(walk.data, Strings{"b"});
  // Buckets 0 .. 71,999 are each left by one empty call; the next call returns b.
  EXPECT_EQ(walk.calls, 72'001);
  EXPECT_EQ(walk.empty_calls, 72'000);
}

// =============================================================================================
// MillisBehindLatest

TEST(MillisBehindLatest, IsZeroExactlyWhenCaughtUpAtTheTip) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(11));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(page), Strings{"a"});
  EXPECT_EQ(page.MillisBehindLatest, 0);
  w.PutAt(Sec(12), "b");
  const GetRecordsResponse next = w.Next(page, 1);
  EXPECT_EQ(Data(next), Strings{"b"});
  EXPECT_EQ(next.MillisBehindLatest, 0);
}

TEST(MillisBehindLatest, IsAtLeastOneWhenALimitTruncatedPageLeavesRecordsInTheOpenBucket) {
  World w;
  w.At(Sec(10));
  w.Put("a");
  w.Put("b");
  const GetRecordsResponse page = w.Get(w.TrimHorizon(), 1);
  EXPECT_EQ(Data(page), Strings{"a"});
  EXPECT_EQ(page.MillisBehindLatest, 1);  // b arrived at `now`: max(1, 0)
  w.At(Sec(15));
  const GetRecordsResponse again = w.Get(w.TrimHorizon(), 1);
  EXPECT_EQ(again.MillisBehindLatest, 5'000);
}

TEST(MillisBehindLatest, EqualsNowMinusBucketStartForAnEmptyOldBucket) {
  World w;
  w.At(Sec(10));
  const std::string latest = w.Iterator(ShardIteratorType::LATEST);
  w.At(Sec(250));
  const GetRecordsResponse page = w.Get(latest);
  EXPECT_TRUE(page.Records.empty());
  EXPECT_EQ(w.Describe(*page.NextShardIterator).bucket, 1u);
  EXPECT_EQ(page.MillisBehindLatest, 190'000);  // 250 s - start of bucket 1 (60 s)
}

TEST(MillisBehindLatest, ShrinksByOneBucketWidthPerCallLessTheTimeBetweenCalls) {
  World w;
  const PutRecordResponse a = w.PutAt(Sec(10), "a");
  w.At(Duration::Hours(1));
  GetRecordsResponse page =
      w.Get(w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber));
  EXPECT_EQ(page.MillisBehindLatest, 3'600'000 - 60'000);
  for (int i = 1; i <= 5; ++i) {
    const int64_t previous = page.MillisBehindLatest;
    w.At(Duration::Hours(1) + Sec(i));
    page = w.Next(page);
    EXPECT_TRUE(page.Records.empty());
    EXPECT_EQ(previous - page.MillisBehindLatest, 59'000);
  }
}

TEST(MillisBehindLatest, IsZeroOnTheResponseThatEndsAClosedShard) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(20));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  w.At(Duration::Hours(2));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(page), Strings{"a"});
  EXPECT_FALSE(page.NextShardIterator.has_value());
  EXPECT_EQ(page.MillisBehindLatest, 0);
}

// =============================================================================================
// Sequence numbers

TEST(SequenceNumbers, StrictlyIncreaseWithinAShardAndHave56Digits) {
  World w;
  std::vector<std::string> numbers;
  for (int i = 0; i < 20; ++i) {
    w.At(Sec(7 * i * i));
    numbers.push_back(w.Put(absl::StrCat(i)).SequenceNumber);
  }
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(numbers[i].size(), 56u);
    if (i > 0) EXPECT_LT(Seq(numbers[i - 1]), Seq(numbers[i]));
  }
}

TEST(SequenceNumbers, RecordsOfOneBucketGetConsecutiveCounters) {
  World w;
  EXPECT_EQ(CounterOf(w.PutAt(Sec(1), "a").SequenceNumber), 0u);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(30), "b").SequenceNumber), 1u);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(59), "c").SequenceNumber), 2u);
}

TEST(SequenceNumbers, CounterJumpsByTheStepForEveryCrossedBucket) {
  World w;
  EXPECT_EQ(CounterOf(w.PutAt(Sec(10), "a").SequenceNumber), 0u);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(20), "b").SequenceNumber), 1u);
  // Bucket 2: two boundaries crossed since b.
  EXPECT_EQ(CounterOf(w.PutAt(Sec(130), "c").SequenceNumber), 1u + 1 + 2 * 2'000);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(185), "d").SequenceNumber), 4'002u + 1 + 2'000);
}

TEST(SequenceNumbers, CounterStartAndStepAreConfigurable) {
  StreamOptions options = Fixed();
  options.counter_start = 100;
  options.counter_step_per_bucket = 7;
  World w(options);
  // The first record, in bucket 3, counts the three boundaries since the shard began.
  EXPECT_EQ(CounterOf(w.PutAt(Sec(190), "a").SequenceNumber), 100u + 3 * 7);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(250), "b").SequenceNumber), 121u + 1 + 7);
}

TEST(SequenceNumbers, DenseStreamsCountBoundariesOnTheDenseCounterSlotGrid) {
  World w(Dense());  // dense_counter_slot 210 s
  EXPECT_EQ(CounterOf(w.PutAt(Sec(1), "a").SequenceNumber), 0u);
  EXPECT_EQ(CounterOf(w.PutAt(Sec(500), "b").SequenceNumber), 1u + 2 * 2'000);
}

TEST(SequenceNumbers, DecodeToTheShardIndexCreationTimeAndPutTime) {
  World w(Fixed(), 2);
  w.At(Sec(42) + Ms(700));
  const PutRecordResponse r = w.Put("x", "k", kUpperHalf);
  EXPECT_EQ(r.ShardId, kShard1);
  const absl::StatusOr<SequenceNumberFields> f = DecodeSequenceNumber(r.SequenceNumber);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->shard_index, 1u);
  EXPECT_EQ(f->shard_creation_seconds, kT0.unix_seconds());
  // The put-time field runs one second behind the arrival's whole seconds (the article).
  EXPECT_EQ(f->put_seconds, kT0.unix_seconds() + 41);
  EXPECT_EQ(f->version, 2);
  EXPECT_EQ(EncodeSequenceNumber(*f), r.SequenceNumber);
}

TEST(SequenceNumbers, APutInTheFirstSecondAfterTheEpochHasPutTimeFieldZero) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(Instant(), {.StreamName = "s", .ShardCount = 1}, Fixed()).ok());
  const auto put = model.PutRecord(Instant() + Ms(500), {"s", "k", "x", {}});
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  const SequenceNumberFields f = *DecodeSequenceNumber(put->SequenceNumber);
  EXPECT_EQ(f.shard_creation_seconds, 0);
  EXPECT_EQ(f.put_seconds, 0);
  const auto shards = model.ListShards(Instant() + Ms(500), {.StreamName = "s"});
  ASSERT_TRUE(shards.ok());
  EXPECT_EQ(DecodeSequenceNumber(shards->Shards[0].SequenceNumberRange.StartingSequenceNumber)
                ->put_seconds,
            0);
}

TEST(SequenceNumbers, PutsAfterTheLastEncodableSecondClampThePutTimeField) {
  const Instant late = Instant::FromUnixSeconds(kSequenceNumberMaxSeconds) - Duration::Hours(1);
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(late, {.StreamName = "s", .ShardCount = 1}, Fixed()).ok());
  const Instant after = late + Duration::Hours(2);
  const auto first = model.PutRecord(after, {"s", "k", "x", {}});
  const auto second = model.PutRecord(after + Sec(5), {"s", "k", "y", {}});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(DecodeSequenceNumber(second->SequenceNumber)->put_seconds, kSequenceNumberMaxSeconds);
  EXPECT_LT(Seq(first->SequenceNumber), Seq(second->SequenceNumber));
  // No shard can be created then: its creation time would not fit.
  const auto split = model.SplitShard(after + Sec(5), {"s", kShard0, kUpperHalf});
  ASSERT_TRUE(split.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(split.error().message, "year 4147");
}

TEST(SequenceNumbers, ReturnedRecordsCarryTheSequenceNumberPutRecordGave) {
  World w;
  const PutRecordResponse a = w.PutAt(Sec(3) + Ms(250), "a", "pk-a");
  w.At(Sec(30));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  ASSERT_EQ(page.Records.size(), 1u);
  EXPECT_EQ(page.Records[0].SequenceNumber, a.SequenceNumber);
  EXPECT_EQ(page.Records[0].PartitionKey, "pk-a");
  EXPECT_EQ(page.Records[0].ApproximateArrivalTimestamp, kT0 + Sec(3) + Ms(250));
}

// =============================================================================================
// GetShardIterator

TEST(GetShardIterator, TrimHorizonStartsAtTheOldestRecord) {
  World w;
  w.PutAt(Sec(5), "a");
  w.PutAt(Sec(6), "b");
  w.At(Sec(30));
  const std::string it = w.TrimHorizon();
  const IteratorInfo info = w.Describe(it);
  EXPECT_EQ(info.stream_name, kStream);
  EXPECT_EQ(info.shard_id, kShard0);
  EXPECT_EQ(info.bucket, 0u);
  EXPECT_EQ(info.ordinal, 0u);
  EXPECT_EQ(info.issued_at, w.now);
  EXPECT_FALSE(info.stuck_below_horizon);
  EXPECT_EQ(Data(w.Get(it)), (Strings{"a", "b"}));
}

TEST(GetShardIterator, LatestReturnsOnlyRecordsPutAfterIt) {
  World w;
  w.PutAt(Sec(5), "before");
  const std::string latest = w.Iterator(ShardIteratorType::LATEST);
  w.Put("after");  // same instant, but after the call
  w.At(Sec(20));
  const GetRecordsResponse page = w.Get(latest);
  EXPECT_EQ(Data(page), Strings{"after"});
  EXPECT_EQ(page.MillisBehindLatest, 0);
}

TEST(GetShardIterator, LatestOnAnIdleShardIsCaughtUp) {
  World w;
  w.At(Sec(5));
  const GetRecordsResponse page = w.Get(w.Iterator(ShardIteratorType::LATEST));
  EXPECT_TRUE(page.Records.empty());
  EXPECT_EQ(page.MillisBehindLatest, 0);
}

TEST(GetShardIterator, AtSequenceNumberIncludesTheRecordAfterSequenceNumberSkipsIt) {
  World w;
  w.PutAt(Sec(1), "a");
  const PutRecordResponse b = w.PutAt(Sec(2), "b");
  w.PutAt(Sec(3), "c");
  w.At(Sec(10));
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, b.SequenceNumber))),
            (Strings{"b", "c"}));
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, b.SequenceNumber))),
            Strings{"c"});
}

TEST(GetShardIterator, AtSequenceNumberOfARecordInAnOldBucketStartsInThatBucket) {
  World w;
  w.PutAt(Sec(10), "a");
  const PutRecordResponse b = w.PutAt(Sec(20), "b");
  w.PutAt(Sec(70), "c");
  w.At(Sec(300));
  const std::string it = w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, b.SequenceNumber);
  EXPECT_EQ(w.Describe(it).bucket, 0u);
  EXPECT_EQ(w.Describe(it).ordinal, 1u);
  const GetRecordsResponse page = w.Get(it);
  EXPECT_EQ(Data(page), Strings{"b"});  // c is in bucket 1
  EXPECT_EQ(page.MillisBehindLatest, 230'000);
  EXPECT_EQ(Data(w.Next(page)), Strings{"c"});
}

TEST(GetShardIterator, AfterTheLastRecordOfAnOldBucketWalksTheEmptyBucketsAfterIt) {
  World w;
  const PutRecordResponse a = w.PutAt(Sec(10), "a");
  w.At(Sec(610));
  const Walk walk =
      WalkFrom(w, w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber));
  EXPECT_TRUE(walk.data.empty());
  EXPECT_EQ(walk.calls, 10);  // buckets 0..9 each take a call; then P is in bucket 10, the tip
  EXPECT_EQ(walk.last.MillisBehindLatest, 0);
}

TEST(GetShardIterator, ASequenceNumberBetweenRecordsStartsAtTheNextRecord) {
  World w;
  const PutRecordResponse a = w.PutAt(Sec(10), "a");
  w.PutAt(Sec(70), "b");
  w.At(Sec(100));
  SequenceNumberFields between = *DecodeSequenceNumber(a.SequenceNumber);
  between.counter += 500;  // no record has this counter; b has 2001
  const std::string it =
      w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, EncodeSequenceNumber(between));
  EXPECT_EQ(w.Describe(it).ordinal, 1u);
  const Walk walk = WalkFrom(w, it);
  EXPECT_EQ(walk.data, Strings{"b"});
}

TEST(GetShardIterator, ASequenceNumberOfAnotherShardIsInvalidArgumentNamingBothShards) {
  World w(Fixed(), 2);
  w.At(Sec(1));
  const PutRecordResponse r = w.Put("x", "k", kUpperHalf);
  ASSERT_EQ(r.ShardId, kShard1);
  w.Put("y", "k", "0");
  const auto it = w.TryIterator(ShardIteratorType::AT_SEQUENCE_NUMBER, r.SequenceNumber);
  ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(it.error().message,
             "It encodes shardId-000000000001, while it was used in a call to a "
             "shard with shardId-000000000000");
  EXPECT_HAS(it.error().ToString(), "InvalidArgumentException: ");
}

TEST(GetShardIterator, ASequenceNumberOfAnotherIncarnationOfTheShardIsInvalidArgument) {
  World w;
  w.At(Sec(1));
  w.Put("x");
  SequenceNumberFields f = *DecodeSequenceNumber(w.Put("y").SequenceNumber);
  f.shard_creation_seconds -= 3'600;
  const auto it = w.TryIterator(ShardIteratorType::AT_SEQUENCE_NUMBER, EncodeSequenceNumber(f));
  ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(it.error().message, "another stream or incarnation");
}

TEST(GetShardIterator, MalformedSequenceNumbersAreInvalidArgument) {
  World w;
  w.At(Sec(1));
  const std::string good = w.Put("x").SequenceNumber;
  for (const std::string& bad :
       {std::string(""), std::string("abc"), std::string("-1"), good.substr(1), good + "0",
        std::string(56, '9'), std::string("0") + good.substr(1)}) {
    for (ShardIteratorType type :
         {ShardIteratorType::AT_SEQUENCE_NUMBER, ShardIteratorType::AFTER_SEQUENCE_NUMBER}) {
      const auto it = w.TryIterator(type, bad);
      ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument)) << "'" << bad << "'";
      EXPECT_HAS(it.error().message, "is not a valid sequence number");
    }
  }
}

TEST(GetShardIterator, ASequenceNumberBeyondTheNewestRecordIsInvalidArgument) {
  World w;
  w.At(Sec(1));
  const std::string newest = w.Put("x").SequenceNumber;
  SequenceNumberFields f = *DecodeSequenceNumber(newest);
  f.counter += 1;
  const auto it = w.TryIterator(ShardIteratorType::AT_SEQUENCE_NUMBER, EncodeSequenceNumber(f));
  ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(it.error().message, "beyond the newest record");
  // AFTER the newest record itself is fine: it waits for the next one.
  const std::string after = w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, newest);
  w.PutAt(Sec(2), "next");
  EXPECT_EQ(Data(w.Get(after)), Strings{"next"});
}

TEST(GetShardIterator, TheShardsStartingSequenceNumberReadsFromTheFirstRecord) {
  World w;
  w.PutAt(Sec(1), "a");
  w.PutAt(Sec(100), "b");
  w.At(Sec(130));
  const std::string start = w.Shards()[0].SequenceNumberRange.StartingSequenceNumber;
  const Walk walk = WalkFrom(w, w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, start));
  EXPECT_EQ(walk.data, (Strings{"a", "b"}));
}

TEST(GetShardIterator, AtTimestampStartsAtTheFirstRecordAtOrAfterIt) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(20), "b");
  w.PutAt(Sec(30), "c");
  w.At(Sec(40));
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0 + Sec(20)))),
            (Strings{"b", "c"}));
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AT_TIMESTAMP, {},
                                  kT0 + Sec(20) + Duration::Micros(1)))),
            Strings{"c"});
  const GetRecordsResponse now_page = w.Get(w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, w.now));
  EXPECT_TRUE(now_page.Records.empty());
  EXPECT_EQ(now_page.MillisBehindLatest, 0);
}

TEST(GetShardIterator, AtTimestampInAnOldBucketStartsInThatBucket) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(200), "b");
  w.At(Sec(400));
  const std::string it = w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0 + Sec(90));
  EXPECT_EQ(w.Describe(it).bucket, 1u);
  const Reach reach = UntilRecords(w, it);
  EXPECT_EQ(Data(reach.page), Strings{"b"});
  EXPECT_EQ(reach.calls, 3);  // bucket 1, bucket 2, then b in bucket 3
}

TEST(GetShardIterator, AtTimestampOlderThanTheHorizonBehavesLikeTrimHorizon) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(30));
  const IteratorInfo horizon = w.Describe(w.TrimHorizon());
  const IteratorInfo before_creation =
      w.Describe(w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0 - Duration::Days(3)));
  EXPECT_EQ(before_creation.bucket, horizon.bucket);
  EXPECT_EQ(before_creation.ordinal, horizon.ordinal);

  World old(Dense());
  old.PutAt(Duration::Hours(1), "a");
  old.PutAt(Duration::Hours(3), "b");
  old.At(Duration::Hours(26));  // a has expired
  const std::string it = old.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0);
  EXPECT_EQ(old.Describe(it).ordinal, old.Describe(old.TrimHorizon()).ordinal);
  EXPECT_EQ(Data(old.Get(it)), Strings{"b"});
}

TEST(GetShardIterator, AtTimestampInTheFutureIsInvalidArgument) {
  World w;
  w.At(Sec(30));
  const auto it = w.TryIterator(ShardIteratorType::AT_TIMESTAMP, {}, w.now + Ms(1));
  ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(it.error().message, "in the future");
}

TEST(GetShardIterator, MissingOrContradictoryParametersAreInvalidArgument) {
  World w;
  w.At(Sec(1));
  const std::string seq = w.Put("x").SequenceNumber;
  struct Case {
    ShardIteratorType type;
    std::optional<std::string> seq;
    std::optional<Instant> ts;
    const char* names;
  };
  const std::vector<Case> cases = {
      {ShardIteratorType::AT_SEQUENCE_NUMBER, {}, {}, "StartingSequenceNumber"},
      {ShardIteratorType::AFTER_SEQUENCE_NUMBER, {}, {}, "StartingSequenceNumber"},
      {ShardIteratorType::TRIM_HORIZON, seq, {}, "StartingSequenceNumber"},
      {ShardIteratorType::LATEST, seq, {}, "StartingSequenceNumber"},
      {ShardIteratorType::AT_TIMESTAMP, seq, kT0, "StartingSequenceNumber"},
      {ShardIteratorType::AT_TIMESTAMP, {}, {}, "Timestamp"},
      {ShardIteratorType::LATEST, {}, kT0, "Timestamp"},
      {ShardIteratorType::AT_SEQUENCE_NUMBER, seq, kT0, "Timestamp"},
  };
  for (const Case& c : cases) {
    const auto it = w.TryIterator(c.type, c.seq, c.ts);
    ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument)) << ShardIteratorTypeName(c.type);
    EXPECT_HAS(it.error().message, c.names);
  }
}

TEST(GetShardIterator, AnUnknownStreamOrShardIsResourceNotFound) {
  World w;
  const auto no_stream =
      w.model.GetShardIterator(w.now, {"nope", kShard0, ShardIteratorType::LATEST, {}, {}});
  ASSERT_TRUE(no_stream.Is(ErrorCode::kResourceNotFound));
  EXPECT_EQ(no_stream.error().message,
            absl::StrCat("Stream nope under account ", kAccount, " not found."));
  for (const char* shard : {kShard1, "shardId-0", "0", ""}) {
    const auto it = w.TryIterator(ShardIteratorType::LATEST, {}, {}, shard);
    ASSERT_TRUE(it.Is(ErrorCode::kResourceNotFound)) << shard;
    EXPECT_HAS(it.error().message, "does not exist");
  }
}

// Puts records at 10 s and 20 s to the only shard, then splits it at `close`.
void SplitAt(World& w, Duration close) {
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(20), "b");
  w.At(close);
  const Outcome<Empty> split = w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf});
  EXPECT_TRUE(split.ok()) << split.error().ToString();
}

TEST(GetShardIterator, LatestOnAClosedShardEndsTheShardAtOnce) {
  World w;
  SplitAt(w, Sec(130));
  w.At(Sec(500));
  const GetRecordsResponse page = w.Get(w.Iterator(ShardIteratorType::LATEST));
  EXPECT_TRUE(page.Records.empty());
  EXPECT_FALSE(page.NextShardIterator.has_value());
  EXPECT_EQ(page.ChildShards.size(), 2u);
}

TEST(GetShardIterator, TrimHorizonOnAClosedShardReadsItsRecordsThenItsEnd) {
  World w;
  SplitAt(w, Sec(130));  // closes in bucket 2
  w.At(Sec(500));
  const Walk walk = WalkFrom(w, w.TrimHorizon());
  EXPECT_EQ(walk.data, (Strings{"a", "b"}));
  EXPECT_EQ(walk.calls, 3);  // bucket 0 (a, b), bucket 1, bucket 2 (the end)
  EXPECT_FALSE(walk.last.NextShardIterator.has_value());
  EXPECT_EQ(walk.last.ChildShards.size(), 2u);
}

TEST(GetShardIterator, AfterTheEndingSequenceNumberOfAClosedShardEndsTheShard) {
  World w;
  SplitAt(w, Sec(130));
  w.At(Sec(500));
  const std::optional<std::string> ending = w.Shards()[0].SequenceNumberRange.EndingSequenceNumber;
  ASSERT_TRUE(ending.has_value());
  for (ShardIteratorType type :
       {ShardIteratorType::AT_SEQUENCE_NUMBER, ShardIteratorType::AFTER_SEQUENCE_NUMBER}) {
    const GetRecordsResponse page = w.Get(w.Iterator(type, ending));
    EXPECT_TRUE(page.Records.empty());
    EXPECT_FALSE(page.NextShardIterator.has_value());
    EXPECT_EQ(page.ChildShards.size(), 2u);
  }
}

TEST(GetShardIterator, AtTimestampAfterTheCloseEndsTheShard) {
  World w;
  SplitAt(w, Sec(130));
  w.At(Sec(500));
  const GetRecordsResponse page =
      w.Get(w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0 + Sec(400)));
  EXPECT_TRUE(page.Records.empty());
  EXPECT_FALSE(page.NextShardIterator.has_value());
}

// =============================================================================================
// Iterator tokens

TEST(ShardIterator, GarbageIsInvalidArgument) {
  World w;
  for (const std::string& garbage :
       {std::string(""), std::string("garbage"), std::string("AAAA"), std::string("!!!!"),
        std::string(5'000, 'A'), std::string("AAAAAAAAAAE=")}) {
    const auto page = w.TryGet(garbage);
    ASSERT_TRUE(page.Is(ErrorCode::kInvalidArgument)) << garbage.substr(0, 20);
    EXPECT_HAS(page.error().message, "Invalid ShardIterator");
    EXPECT_FALSE(w.model.DescribeIterator(garbage).ok());
  }
}

TEST(ShardIterator, ATruncatedTokenIsInvalidArgument) {
  World w;
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  for (size_t keep : {token.size() - 1, token.size() - 4, token.size() / 2, size_t{12}}) {
    EXPECT_TRUE(w.TryGet(token.substr(0, keep)).Is(ErrorCode::kInvalidArgument)) << keep;
  }
}

TEST(ShardIterator, ChangingAnySingleCharacterOfATokenMakesItInvalid) {
  World w;
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  ASSERT_TRUE(w.TryGet(token).ok());
  constexpr std::string_view kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= ";
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : kChars) {
      if (c == token[i]) continue;
      std::string tampered = token;
      tampered[i] = c;
      EXPECT_TRUE(w.TryGet(tampered).Is(ErrorCode::kInvalidArgument))
          << "character " << i << " of " << token << " changed to '" << c << "'";
    }
  }
}

TEST(ShardIterator, OnlyTheExactSpellingOfATokenIsAccepted) {
  World w;
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  std::string spaced = token;
  spaced.insert(8, " ");
  EXPECT_TRUE(w.TryGet(spaced).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryGet(token + "\n").Is(ErrorCode::kInvalidArgument));
  // A token is whole groups of three bytes, never padded: padding added is another spelling.
  ASSERT_NE(token.back(), '=');
  EXPECT_TRUE(w.TryGet(token + "=").Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryGet(token + "==").Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryGet(token + "====").Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryGet(token.substr(0, token.size() - 4)).Is(ErrorCode::kInvalidArgument));
}

TEST(ShardIterator, UsedWithAnotherStreamsNameIsInvalidArgument) {
  World w;
  ASSERT_TRUE(w.model.CreateStream(w.now, {.StreamName = "other", .ShardCount = 1}, Fixed()).ok());
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  const auto page = w.model.GetRecords(w.now, {token, std::nullopt, std::string("other")});
  ASSERT_TRUE(page.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(page.error().message, "belongs to stream orders");
  EXPECT_TRUE(w.model.GetRecords(w.now, {token, std::nullopt, std::string(kStream)}).ok());
}

TEST(ShardIterator, ATokenForAStreamThisModelDoesNotHaveIsResourceNotFound) {
  KinesisModel elsewhere(1);
  ASSERT_TRUE(
      elsewhere.CreateStream(kT0, {.StreamName = "elsewhere", .ShardCount = 1}, Fixed()).ok());
  const auto token = elsewhere.GetShardIterator(
      kT0, {"elsewhere", kShard0, ShardIteratorType::TRIM_HORIZON, {}, {}});
  ASSERT_TRUE(token.ok());
  World w;
  const auto page = w.TryGet(token->ShardIterator);
  ASSERT_TRUE(page.Is(ErrorCode::kResourceNotFound));
  EXPECT_HAS(page.error().message, "Stream elsewhere under account");
}

TEST(ShardIterator, ExpiresAfterThreeHundredSecondsWithTheToleratedDelayMessage) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(100));
  const std::string token = w.TrimHorizon();
  w.At(Sec(400));  // exactly 300 s: still valid
  EXPECT_EQ(Data(w.Get(token)), Strings{"a"});
  w.At(Sec(400) + Ms(1));
  const auto page = w.TryGet(token);
  ASSERT_TRUE(page.Is(ErrorCode::kExpiredIterator));
  EXPECT_HAS(page.error().message, "Iterator expired");
  EXPECT_HAS(page.error().message,
             "further in the future than the tolerated delay of 300000 milliseconds");
  EXPECT_HAS(page.error().ToString(), "ExpiredIteratorException: ");
}

TEST(ShardIterator, TheLifetimeIsConfigurable) {
  StreamOptions options = Fixed();
  options.iterator_lifetime = Sec(30);
  World w(options);
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  w.At(Sec(32));
  const auto page = w.TryGet(token);
  ASSERT_TRUE(page.Is(ErrorCode::kExpiredIterator));
  EXPECT_HAS(page.error().message, "tolerated delay of 30000 milliseconds");
}

TEST(ShardIterator, NextShardIteratorIsANewTokenWithItsOwnLifetime) {
  World w;
  w.At(Sec(1));
  GetRecordsResponse page = w.Get(w.TrimHorizon());
  for (int i = 1; i <= 5; ++i) {  // 5 x 250 s: longer than one lifetime
    w.At(Sec(1 + 250 * i));
    page = w.Next(page);
    EXPECT_EQ(w.Describe(*page.NextShardIterator).issued_at, w.now);
  }
}

TEST(ShardIterator, ReusingATokenWithinItsLifetimeGivesTheSameAnswer) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(20), "b");
  w.PutAt(Sec(70), "c");
  w.At(Sec(100));
  const std::string token = w.TrimHorizon();
  const GetRecordsResponse first = w.Get(token);
  w.At(Sec(399));
  const GetRecordsResponse again = w.Get(token);
  EXPECT_EQ(Data(first), (Strings{"a", "b"}));
  EXPECT_EQ(Data(again), Data(first));
  EXPECT_EQ(again.Records[0].SequenceNumber, first.Records[0].SequenceNumber);
  const IteratorInfo n1 = w.Describe(*first.NextShardIterator);
  const IteratorInfo n2 = w.Describe(*again.NextShardIterator);
  EXPECT_EQ(n1.bucket, n2.bucket);
  EXPECT_EQ(n1.ordinal, n2.ordinal);
}

TEST(ShardIterator, DescribeIteratorNamesStreamShardAndPosition) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(70), "b");
  w.At(Sec(80));
  const IteratorInfo latest = w.Describe(w.Iterator(ShardIteratorType::LATEST));
  EXPECT_EQ(latest.stream_name, kStream);
  EXPECT_EQ(latest.shard_id, kShard0);
  EXPECT_EQ(latest.bucket, 1u);
  EXPECT_EQ(latest.ordinal, 2u);
  EXPECT_EQ(latest.issued_at, kT0 + Sec(80));
}

// Rewrites one field of a token and re-signs it, as a caller who read
// model/internal/iterator_token.h could: the stream's part (10 bytes and the name, to whole
// groups of three), then flags, two zero bytes, the 4-byte shard, 8-byte bucket, ordinal and
// issue time, and sim::HashBytes of those seeded with sim::HashBytes of the stream's part.
struct TokenField {
  size_t offset;  // in the iterator's part
  int bytes;
};
constexpr TokenField kShardField{3, 4}, kBucketField{7, 8}, kOrdinalField{15, 8},
    kIssuedField{23, 8};
std::string Reforge(const std::string& token, TokenField field, uint64_t value) {
  std::string raw;
  SHARDSIM_CHECK(absl::Base64Unescape(token, &raw), "token is base64");
  const size_t stream_part = (10 + static_cast<uint8_t>(raw[9]) + 2) / 3 * 3;
  const std::string_view view(raw);
  for (int i = 0; i < field.bytes; ++i) {
    raw[stream_part + field.offset + i] = static_cast<char>(value >> (8 * (field.bytes - 1 - i)));
  }
  const uint64_t sum =
      sim::HashBytes(view.substr(stream_part, 31), sim::HashBytes(view.substr(0, stream_part)));
  for (int i = 0; i < 8; ++i) raw[stream_part + 31 + i] = static_cast<char>(sum >> (8 * (7 - i)));
  return absl::Base64Escape(raw);
}

TEST(ShardIterator, AForgedTokenNamingABucketBeyondTheTipIsInvalidArgument) {
  World w;
  w.At(Sec(90));  // bucket 1
  const std::string token = w.TrimHorizon();
  EXPECT_TRUE(w.TryGet(Reforge(token, kBucketField, 1)).ok());  // forging works
  for (uint64_t bucket : {uint64_t{2}, uint64_t{1} << 40, ~uint64_t{0}}) {
    const auto page = w.TryGet(Reforge(token, kBucketField, bucket));
    ASSERT_TRUE(page.Is(ErrorCode::kInvalidArgument)) << bucket;
    EXPECT_HAS(page.error().message, "never had");
  }
}

TEST(ShardIterator, AForgedTokenWithAnAbsurdPositionOrTimeGetsATypedError) {
  World w;
  w.PutAt(Sec(1), "a");
  w.At(Sec(90));
  const std::string token = w.TrimHorizon();
  EXPECT_TRUE(w.TryGet(Reforge(token, kOrdinalField, 2)).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryGet(Reforge(token, kShardField, 7)).Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(w.TryGet(Reforge(token, kIssuedField, (w.now + Sec(1)).unix_micros()))
                  .Is(ErrorCode::kInvalidArgument));
  for (uint64_t issued : {uint64_t{0}, uint64_t{1} << 63}) {  // 1970, and INT64_MIN
    EXPECT_TRUE(w.TryGet(Reforge(token, kIssuedField, issued)).Is(ErrorCode::kExpiredIterator));
  }
}

// =============================================================================================
// Limits

TEST(Limits, TheSixthGetRecordsWithinASecondIsThrottledAndTheShardRecoversAfterASecond) {
  World w(FixedWithLimits(), 2);
  w.At(Sec(10));
  const std::string token = w.TrimHorizon();
  for (int i = 0; i < 5; ++i) {
    w.At(Sec(10) + Ms(100 * i));
    EXPECT_TRUE(w.TryGet(token).ok()) << i;
  }
  w.At(Sec(10) + Ms(999));
  const auto sixth = w.TryGet(token);
  ASSERT_TRUE(sixth.Is(ErrorCode::kProvisionedThroughputExceeded));
  EXPECT_EQ(sixth.error().message,
            absl::StrCat("Rate exceeded for shard shardId-000000000000 in stream orders under "
                         "account ",
                         kAccount, "."));
  EXPECT_TRUE(w.TryGet(w.TrimHorizon(kShard1)).ok()) << "another shard is not throttled";
  w.At(Sec(11) + Ms(999));
  EXPECT_TRUE(w.TryGet(token).ok());
}

TEST(Limits, ThrottledCallsCountTowardTheWindow) {
  World w(FixedWithLimits());
  w.PutAt(Sec(1), "a");
  w.At(Sec(10));
  const std::string token = w.TrimHorizon();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(w.TryGet(token).ok());
  w.At(Sec(10) + Ms(500));
  EXPECT_TRUE(w.TryGet(token).Is(ErrorCode::kProvisionedThroughputExceeded));
  w.At(Sec(11));  // the five at 10 s have left the window; the throttled one at 10.5 s has not
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(w.TryGet(token).ok()) << i;
  EXPECT_TRUE(w.TryGet(token).Is(ErrorCode::kProvisionedThroughputExceeded));
}

TEST(Limits, ReadBytesPerSecondThrottlesTheNextCallUntilTheWindowPasses) {
  StreamOptions options = FixedWithLimits();
  options.limits.read_bytes_per_second = 1'000;
  World w(options);
  w.PutAt(Sec(1), std::string(599, 'a'));
  w.PutAt(Sec(1), std::string(599, 'b'));
  w.At(Sec(10));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(page.Records.size(), 2u);  // a call may overshoot; the next one pays
  w.At(Sec(10) + Ms(500));
  EXPECT_TRUE(w.TryGet(*page.NextShardIterator).Is(ErrorCode::kProvisionedThroughputExceeded));
  w.At(Sec(11));
  EXPECT_TRUE(w.TryGet(*page.NextShardIterator).ok());
}

TEST(Limits, ATenMebibyteResponseThrottlesTheShardForFiveSeconds) {
  World w(FixedWithLimits());
  const std::string mib(1 << 20, 'x');
  for (int i = 0; i < 10; ++i) {  // 1 MiB/s written: one full record per second
    w.At(Sec(1 + i));
    ASSERT_TRUE(w.TryPut(mib.substr(1), "k").ok()) << i;
  }
  w.At(Sec(20));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  ASSERT_EQ(page.Records.size(), 10u);  // exactly 10 MiB with the keys
  for (const Duration later : {Sec(1), Sec(4) + Ms(999)}) {
    w.At(Sec(20) + later);
    EXPECT_TRUE(w.TryGet(*page.NextShardIterator).Is(ErrorCode::kProvisionedThroughputExceeded))
        << later.ToString();
  }
  w.At(Sec(25));
  EXPECT_TRUE(w.TryGet(*page.NextShardIterator).ok());
}

TEST(Limits, TheLargeResponseThresholdIsConfigurable) {
  StreamOptions options = FixedWithLimits();
  options.limits.large_response_bytes = 100;
  options.limits.throttle_after_large_response = Sec(2);
  World w(options);
  w.PutAt(Sec(1), std::string(99, 'x'));
  w.At(Sec(10));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  w.At(Sec(11) + Ms(999));
  EXPECT_TRUE(w.TryGet(*page.NextShardIterator).Is(ErrorCode::kProvisionedThroughputExceeded));
  w.At(Sec(12));
  EXPECT_TRUE(w.TryGet(*page.NextShardIterator).ok());
}

TEST(Limits, OneResponseCarriesAtMostTenMebibytes) {
  World w(Fixed());  // unlimited, but the response cap stays
  const std::string mib(1 << 20, 'x');
  w.At(Sec(1));
  for (int i = 0; i < 11; ++i) ASSERT_TRUE(w.TryPut(mib.substr(1), "k").ok());
  w.At(Sec(10));
  const GetRecordsResponse p1 = w.Get(w.TrimHorizon());
  EXPECT_EQ(p1.Records.size(), 10u);
  EXPECT_EQ(w.Describe(*p1.NextShardIterator).bucket, 0u);
  EXPECT_GE(p1.MillisBehindLatest, 1);
  EXPECT_EQ(w.Next(p1).Records.size(), 1u);
}

TEST(Limits, GetShardIteratorIsLimitedToFivePerSecondPerShard) {
  World w(FixedWithLimits(), 2);
  w.At(Sec(1));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(w.TryIterator(ShardIteratorType::LATEST).ok()) << i;
  const auto sixth = w.TryIterator(ShardIteratorType::LATEST);
  ASSERT_TRUE(sixth.Is(ErrorCode::kProvisionedThroughputExceeded));
  EXPECT_HAS(sixth.error().message, "Rate exceeded for shard shardId-000000000000");
  EXPECT_TRUE(w.TryIterator(ShardIteratorType::LATEST, {}, {}, kShard1).ok());
  w.At(Sec(2));
  EXPECT_TRUE(w.TryIterator(ShardIteratorType::LATEST).ok());
}

TEST(Limits, WritesAreLimitedToAThousandRecordsPerSecondPerShard) {
  World w(FixedWithLimits());
  w.At(Sec(1));
  PutRecordsRequest batch{kStream, std::vector<PutRecordsRequestEntry>(500, {"k", "x", {}})};
  for (int i = 0; i < 2; ++i) {
    const auto r = w.model.PutRecords(w.now, batch);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->FailedRecordCount, 0);
  }
  const auto third = w.model.PutRecords(w.now, batch);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->FailedRecordCount, 500);
  ASSERT_EQ(third->Records.size(), 500u);
  EXPECT_EQ(third->Records[0].ErrorCode, "ProvisionedThroughputExceededException");
  EXPECT_HAS(*third->Records[0].ErrorMessage, "Rate exceeded for shard");
  EXPECT_FALSE(third->Records[0].SequenceNumber.has_value());
  EXPECT_FALSE(third->Records[0].ShardId.has_value());
  const auto one = w.TryPut("x");
  ASSERT_TRUE(one.Is(ErrorCode::kProvisionedThroughputExceeded));
  EXPECT_HAS(one.error().message, "Rate exceeded for shard shardId-000000000000 in stream orders");
  w.At(Sec(2));
  EXPECT_TRUE(w.TryPut("x").ok());
}

TEST(Limits, WritesAreLimitedToOneMebibytePerSecondPerShardEntryByEntry) {
  World w(FixedWithLimits());
  w.At(Sec(1));
  const std::string chunk(400 << 10, 'x');
  const auto r = w.model.PutRecords(
      w.now, {kStream, {{"a", chunk, {}}, {"b", chunk, {}}, {"c", chunk, {}}, {"d", "small", {}}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->FailedRecordCount, 1);
  ASSERT_EQ(r->Records.size(), 4u);
  EXPECT_TRUE(r->Records[0].SequenceNumber.has_value());
  EXPECT_TRUE(r->Records[1].SequenceNumber.has_value());
  EXPECT_EQ(r->Records[2].ErrorCode, "ProvisionedThroughputExceededException");
  EXPECT_FALSE(r->Records[2].SequenceNumber.has_value());
  EXPECT_EQ(r->Records[3].ShardId, kShard0);  // a later small entry still fits
  EXPECT_TRUE(w.TryPut(chunk).Is(ErrorCode::kProvisionedThroughputExceeded));
  w.At(Sec(2));
  EXPECT_TRUE(w.TryPut(chunk).ok());
}

TEST(Limits, ARecordOverOneMebibyteIsInvalidArgument) {
  World w(FixedWithLimits());
  w.At(Sec(1));
  const std::string data((1 << 20) - 1, 'x');
  EXPECT_TRUE(w.TryPut(data, "k").ok());  // exactly 1 MiB with its key
  w.At(Sec(2));
  const auto big = w.TryPut(data, "kk");
  ASSERT_TRUE(big.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(big.error().message, "exceeds the limit of 1048576 bytes");
  const auto batch = w.model.PutRecords(w.now, {kStream, {{"k", "ok", {}}, {"kk", data, {}}}});
  ASSERT_TRUE(batch.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(batch.error().message, "Records[1]");
}

TEST(Limits, UnlimitedSwitchesEveryLimitOff) {
  World w(Fixed());
  w.At(Sec(1));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(w.TryIterator(ShardIteratorType::LATEST).ok());
  PutRecordsRequest batch{kStream, std::vector<PutRecordsRequestEntry>(500, {"k", "x", {}})};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(w.model.PutRecords(w.now, batch)->FailedRecordCount, 0);
  ASSERT_TRUE(w.TryPut(std::string(3 << 20, 'x')).ok());
  const std::string token = w.TrimHorizon();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(w.TryGet(token).ok()) << i;
}

TEST(Limits, EachLimitCanBeSwitchedOffAlone) {
  StreamOptions options = FixedWithLimits();
  options.limits.get_records_per_second.reset();
  options.limits.put_records_per_second.reset();
  World w(options);
  w.At(Sec(1));
  for (int i = 0; i < 2'000; ++i) ASSERT_TRUE(w.TryPut("x").ok()) << i;
  const std::string token = w.TrimHorizon();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(w.TryGet(token, 1).ok()) << i;
  // The others are still on.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(w.TryIterator(ShardIteratorType::LATEST).ok());
  EXPECT_TRUE(
      w.TryIterator(ShardIteratorType::LATEST).Is(ErrorCode::kProvisionedThroughputExceeded));
  EXPECT_TRUE(w.TryPut(std::string(1 << 20, 'x')).Is(ErrorCode::kInvalidArgument));
}

TEST(Limits, LimitOutsideOneToTenThousandIsInvalidArgument) {
  World w;
  w.At(Sec(1));
  const std::string token = w.TrimHorizon();
  for (int limit : {0, -1, 10'001}) {
    const auto page = w.TryGet(token, limit);
    ASSERT_TRUE(page.Is(ErrorCode::kInvalidArgument)) << limit;
    EXPECT_HAS(page.error().message, "failed to satisfy constraint");
  }
  EXPECT_TRUE(w.TryGet(token, 10'000).ok());
  EXPECT_TRUE(w.TryGet(token, 1).ok());
}

// =============================================================================================
// Retention

TEST(Retention, RecordsOlderThanTheRetentionPeriodDisappear) {
  World w(Dense());
  w.PutAt(Duration::Hours(1), "a");
  w.PutAt(Duration::Hours(2), "b");
  w.At(Duration::Hours(25));  // a arrived exactly 24 h ago: still retained
  EXPECT_EQ(Data(w.Get(w.TrimHorizon())), (Strings{"a", "b"}));
  w.At(Duration::Hours(25) + Duration::Micros(1));
  EXPECT_EQ(Data(w.Get(w.TrimHorizon())), Strings{"b"});
  EXPECT_EQ(w.model.RetainedRecords(kStream, kShard0), 1u);
}

TEST(Retention, TrimHorizonMovesWithTheRetentionPeriod) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(200), "b");               // bucket 3
  w.At(Duration::Hours(24) + Sec(90));  // horizon at 90 s, in bucket 1
  const std::string it = w.TrimHorizon();
  EXPECT_EQ(w.Describe(it).bucket, 1u);
  EXPECT_EQ(w.Describe(it).ordinal, 1u);
  const Reach reach = UntilRecords(w, it);
  EXPECT_EQ(Data(reach.page), Strings{"b"});
  EXPECT_EQ(reach.calls, 3);  // buckets 1 and 2 are empty; b is in bucket 3
}

TEST(Retention, RetentionIsConfigurable) {
  StreamOptions options = Dense();
  options.retention = Duration::Hours(48);
  World w(options);
  w.PutAt(Duration::Hours(1), "a");
  w.At(Duration::Hours(30));
  EXPECT_EQ(Data(w.Get(w.TrimHorizon())), Strings{"a"});
  w.At(Duration::Hours(50));
  EXPECT_TRUE(w.Get(w.TrimHorizon()).Records.empty());
}

TEST(Retention, ASequenceNumberBelowTheHorizonIsInvalidArgumentByDefault) {
  World w(Dense());
  const PutRecordResponse a = w.PutAt(Duration::Hours(1), "a");
  w.PutAt(Duration::Hours(2), "b");
  w.At(Duration::Hours(26));
  const auto it = w.TryIterator(ShardIteratorType::AT_SEQUENCE_NUMBER, a.SequenceNumber);
  ASSERT_TRUE(it.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(it.error().message, "below the trim horizon");
}

TEST(Retention, AfterTheNewestExpiredRecordReadsOnFromTheHorizon) {
  World w(Dense());
  const PutRecordResponse a = w.PutAt(Duration::Hours(1), "a");
  w.PutAt(Duration::Hours(2), "b");
  w.At(Duration::Hours(26));
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber))),
            Strings{"b"});
}

TEST(Retention, AnIteratorAfterAnExpiredRecordNeverStandsBeforeTheHorizonsBucket) {
  World w;  // 60 s buckets
  const PutRecordResponse a = w.PutAt(Sec(10), "a");
  w.PutAt(Duration::Hours(3), "b");
  w.At(Duration::Hours(25));  // horizon at 1 h: bucket 60
  const std::string after = w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber);
  const std::string horizon = w.TrimHorizon();
  EXPECT_EQ(w.Describe(after).bucket, 60u);
  EXPECT_EQ(w.Describe(after).bucket, w.Describe(horizon).bucket);
  const GetRecordsResponse first = w.Get(after);
  EXPECT_LE(first.MillisBehindLatest, Duration::Hours(24).millis());
  // Buckets 60..179 are empty; b is in bucket 180 (3 h).
  const Reach from_after = UntilRecords(w, after);
  EXPECT_EQ(Data(from_after.page), Strings{"b"});
  EXPECT_EQ(from_after.calls, 121);
  EXPECT_EQ(UntilRecords(w, horizon).calls, 121);
}

TEST(Retention, AnIteratorHeldWhileItsRecordsExpireResumesAtTheHorizon) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(20), "b");
  w.PutAt(Sec(200), "c");  // bucket 3
  w.At(Duration::Hours(24) + Sec(5));
  const std::string it = w.TrimHorizon();  // a, b still retained
  w.At(Duration::Hours(24) + Sec(65));     // a, b expired; horizon at 65 s, in bucket 1
  const GetRecordsResponse page = w.Get(it);
  EXPECT_TRUE(page.Records.empty());
  const IteratorInfo next = w.Describe(*page.NextShardIterator);
  EXPECT_EQ(next.bucket, 2u);  // bucket 1 (the horizon's) done, moved on
  EXPECT_EQ(next.ordinal, 2u);
  const GetRecordsResponse bucket2 = w.Next(page);
  EXPECT_TRUE(bucket2.Records.empty());
  EXPECT_EQ(Data(w.Next(bucket2)), Strings{"c"});
}

TEST(Retention, StuckEmptyPagesPinMillisBehindLatestAtTheRetentionPeriodForever) {
  StreamOptions options = Dense();
  options.below_horizon = BelowHorizonBehavior::kStuckEmptyPages;
  World w(options);
  const PutRecordResponse a = w.PutAt(Duration::Hours(1), "a");
  w.PutAt(Duration::Hours(2), "b");
  w.At(Duration::Hours(26));
  const std::string it = w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, a.SequenceNumber);
  EXPECT_TRUE(w.Describe(it).stuck_below_horizon);
  GetRecordsResponse page = w.Get(it);
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(page.Records.empty());
    EXPECT_EQ(page.MillisBehindLatest, 86'400'000);
    ASSERT_TRUE(page.NextShardIterator.has_value());
    w.At(Duration::Hours(26) + Sec(100 * (i + 1)));  // past several iterator lifetimes
    w.PutAt(w.now - kT0, "more");
    page = w.Next(page);
  }
  // Switching to TRIM_HORIZON gets the consumer out (b has expired by now too).
  EXPECT_EQ(w.Get(w.TrimHorizon()).Records.size(), 20u);
}

TEST(Retention, StuckEmptyPagesReportTheConfiguredRetention) {
  StreamOptions options = Dense();
  options.below_horizon = BelowHorizonBehavior::kStuckEmptyPages;
  options.retention = Duration::Hours(48);
  World w(options);
  const PutRecordResponse a = w.PutAt(Duration::Hours(1), "a");
  w.PutAt(Duration::Hours(2), "b");
  w.At(Duration::Hours(50));
  // AFTER a is not below the horizon (a is the newest expired record): b comes back.
  EXPECT_EQ(Data(w.Get(w.Iterator(ShardIteratorType::AFTER_SEQUENCE_NUMBER, a.SequenceNumber))),
            Strings{"b"});
  const GetRecordsResponse stuck =
      w.Get(w.Iterator(ShardIteratorType::AT_SEQUENCE_NUMBER, a.SequenceNumber));
  EXPECT_EQ(stuck.MillisBehindLatest, 172'800'000);
}

// =============================================================================================
// Resharding

HashKey Key(const std::string& text) {
  absl::StatusOr<HashKey> key = HashKey::Parse(text);
  SHARDSIM_CHECK(key.ok(), text);
  return *key;
}

TEST(SplitShard, ClosesTheParentAndListsChildrenThatPartitionItsRange) {
  World w;
  const PutRecordResponse a = w.PutAt(Sec(10), "a");
  w.At(Sec(30));
  const std::string split_key = "100000000000000000000000000000000000000";
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, split_key}).ok());
  const std::vector<Shard> shards = w.Shards();
  ASSERT_EQ(shards.size(), 3u);
  const Shard& parent = shards[0];
  EXPECT_EQ(parent.ShardId, kShard0);
  ASSERT_TRUE(parent.SequenceNumberRange.EndingSequenceNumber.has_value());
  EXPECT_GE(Seq(*parent.SequenceNumberRange.EndingSequenceNumber), Seq(a.SequenceNumber));
  EXPECT_EQ(shards[1].ShardId, kShard1);
  EXPECT_EQ(shards[2].ShardId, kShard2);
  for (const Shard& child : {shards[1], shards[2]}) {
    EXPECT_EQ(child.ParentShardId, kShard0);
    EXPECT_FALSE(child.AdjacentParentShardId.has_value());
    EXPECT_FALSE(child.SequenceNumberRange.EndingSequenceNumber.has_value());
    const SequenceNumberFields start =
        *DecodeSequenceNumber(child.SequenceNumberRange.StartingSequenceNumber);
    EXPECT_EQ(start.shard_creation_seconds, w.now.unix_seconds());
  }
  EXPECT_EQ(shards[1].HashKeyRange.StartingHashKey, parent.HashKeyRange.StartingHashKey);
  EXPECT_EQ(shards[1].HashKeyRange.EndingHashKey, "99999999999999999999999999999999999999");
  EXPECT_EQ(shards[2].HashKeyRange.StartingHashKey, split_key);
  EXPECT_EQ(shards[2].HashKeyRange.EndingHashKey, parent.HashKeyRange.EndingHashKey);
}

TEST(SplitShard, NewPutsRouteByTheMd5OfThePartitionKeyToTheChildren) {
  World w;
  w.At(Sec(30));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  int to_lower = 0, to_upper = 0;
  for (int i = 0; i < 64; ++i) {
    const std::string key = absl::StrCat("user-", i);
    const PutRecordResponse r = w.Put("x", key);
    const bool upper = HashKeyForPartitionKey(key) >= Key(kUpperHalf);
    EXPECT_EQ(r.ShardId, upper ? kShard2 : kShard1) << key;
    (upper ? to_upper : to_lower)++;
  }
  EXPECT_GT(to_lower, 0);
  EXPECT_GT(to_upper, 0);
  EXPECT_EQ(w.Put("x", "k", "0").ShardId, kShard1);
  EXPECT_EQ(w.Put("x", "k", kUpperHalf).ShardId, kShard2);
}

TEST(SplitShard, ReadingTheParentPastItsLastRecordEndsWithBothChildren) {
  World w;
  SplitAt(w, Sec(30));  // closes in bucket 0
  w.At(Sec(100));
  const GetRecordsResponse page = w.Get(w.TrimHorizon());
  EXPECT_EQ(Data(page), (Strings{"a", "b"}));
  EXPECT_FALSE(page.NextShardIterator.has_value());
  EXPECT_EQ(page.MillisBehindLatest, 0);
  ASSERT_EQ(page.ChildShards.size(), 2u);
  const std::vector<Shard> shards = w.Shards();
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(page.ChildShards[i].ShardId, shards[i + 1].ShardId);
    EXPECT_EQ(page.ChildShards[i].ParentShards, Strings{kShard0});
    EXPECT_EQ(page.ChildShards[i].HashKeyRange.StartingHashKey,
              shards[i + 1].HashKeyRange.StartingHashKey);
    EXPECT_EQ(page.ChildShards[i].HashKeyRange.EndingHashKey,
              shards[i + 1].HashKeyRange.EndingHashKey);
  }
}

TEST(SplitShard, AnIteratorIssuedBeforeTheCloseReachesTheEndAfterIt) {
  World w;
  w.PutAt(Sec(10), "a");
  const std::string it = w.TrimHorizon();
  w.At(Sec(30));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  w.PutAt(Sec(31), "to-a-child");
  w.At(Sec(40));
  const GetRecordsResponse page = w.Get(it);
  EXPECT_EQ(Data(page), Strings{"a"});
  EXPECT_FALSE(page.NextShardIterator.has_value());
}

TEST(SplitShard, TheParentEndsOnlyAfterTheIteratorWalksToTheBucketOfTheClose) {
  World w;
  SplitAt(w, Sec(330));  // bucket 5
  w.At(Sec(600));
  const Walk walk = WalkFrom(w, w.TrimHorizon());
  EXPECT_EQ(walk.data, (Strings{"a", "b"}));
  EXPECT_EQ(walk.calls, 6);  // buckets 0..5
  EXPECT_FALSE(walk.last.NextShardIterator.has_value());
  EXPECT_EQ(walk.last.ChildShards.size(), 2u);
}

TEST(SplitShard, ACloseExactlyOnABucketBoundaryEndsInTheBucketBefore) {
  // Bucket 5 starts at 300 s; the shard's life ends just before it.
  World on_boundary, just_before;
  SplitAt(on_boundary, Sec(300));
  SplitAt(just_before, Sec(300) - Duration::Micros(1));
  for (World* w : {&on_boundary, &just_before}) {
    w->At(Sec(600));
    const Walk walk = WalkFrom(*w, w->TrimHorizon());
    EXPECT_EQ(walk.data, (Strings{"a", "b"}));
    EXPECT_EQ(walk.calls, 5);  // buckets 0..4
    EXPECT_FALSE(walk.last.NextShardIterator.has_value());
    EXPECT_EQ(w->Describe(w->Iterator(ShardIteratorType::LATEST)).bucket, 4u);
  }
}

TEST(SplitShard, AnIteratorIssuedAtTheInstantOfABoundaryCloseStillReachesTheEnd) {
  World w;
  w.PutAt(Sec(10), "a");
  w.At(Sec(299));
  const std::string in_bucket_4 = w.Iterator(ShardIteratorType::AT_TIMESTAMP, {}, kT0 + Sec(250));
  w.At(Sec(300));  // bucket 5 begins; both iterators below stand in it
  const std::string latest = w.Iterator(ShardIteratorType::LATEST);
  const GetRecordsResponse moved = w.Get(in_bucket_4);
  ASSERT_EQ(w.Describe(latest).bucket, 5u);
  ASSERT_EQ(w.Describe(*moved.NextShardIterator).bucket, 5u);
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  w.At(Sec(400));
  for (const std::string& it : {latest, *moved.NextShardIterator}) {
    const Outcome<GetRecordsResponse> page = w.TryGet(it);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    EXPECT_TRUE(page->Records.empty());
    EXPECT_FALSE(page->NextShardIterator.has_value());
    EXPECT_EQ(page->ChildShards.size(), 2u);
  }
}

TEST(SplitShard, ARecordPutAtTheInstantOfTheCloseIsStillRead) {
  World w;
  w.PutAt(Sec(10), "a");
  w.PutAt(Sec(300), "at-close");  // first instant of bucket 5
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  w.At(Sec(600));
  const Walk walk = WalkFrom(w, w.TrimHorizon());
  EXPECT_EQ(walk.data, (Strings{"a", "at-close"}));
  EXPECT_EQ(walk.calls, 6);
  EXPECT_EQ(Data(walk.last), Strings{"at-close"});  // the last page carries records and the end
  EXPECT_FALSE(walk.last.NextShardIterator.has_value());
  EXPECT_EQ(walk.last.ChildShards.size(), 2u);
}

TEST(SplitShard, TheEndingSequenceNumberOfAnEmptyShardClosedInItsFirstBucketIsItsStart) {
  World w;
  w.At(Sec(10));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  const Shard parent = w.Shards()[0];
  ASSERT_TRUE(parent.SequenceNumberRange.EndingSequenceNumber.has_value());
  EXPECT_EQ(CounterOf(*parent.SequenceNumberRange.EndingSequenceNumber),
            CounterOf(parent.SequenceNumberRange.StartingSequenceNumber));
}

TEST(SplitShard, TheEndingSequenceNumberCoversEveryRecordOfTheParent) {
  World w;
  w.PutAt(Sec(10), "a");
  const PutRecordResponse b = w.PutAt(Sec(50), "b");
  w.At(Sec(55));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  const std::string ending = *w.Shards()[0].SequenceNumberRange.EndingSequenceNumber;
  EXPECT_GE(Seq(ending), Seq(b.SequenceNumber));
  EXPECT_EQ(CounterOf(ending), CounterOf(b.SequenceNumber));  // same bucket: nothing between
  EXPECT_EQ(DecodeSequenceNumber(ending)->shard_index, 0u);
}

TEST(SplitShard, ChildShardIdsIncrease) {
  World w;
  w.At(Sec(10));
  ASSERT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).ok());
  w.At(Sec(20));
  ASSERT_TRUE(
      w.model.SplitShard(w.now, {kStream, kShard2, "255211775190703847597530955573826158592"})
          .ok());
  const std::vector<Shard> shards = w.Shards();
  ASSERT_EQ(shards.size(), 5u);
  for (size_t i = 0; i < shards.size(); ++i) {
    EXPECT_EQ(shards[i].ShardId, absl::StrCat("shardId-00000000000", i));
  }
  EXPECT_EQ(shards[3].ParentShardId, kShard2);
  EXPECT_EQ(shards[4].ParentShardId, kShard2);
}

TEST(SplitShard, ASplitOfAClosedShardIsInvalidArgument) {
  World w;
  SplitAt(w, Sec(30));
  const auto again = w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf});
  ASSERT_TRUE(again.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(again.error().message, "has already been merged or split");
}

TEST(SplitShard, ABadNewStartingHashKeyIsInvalidArgument) {
  World w;
  w.At(Sec(1));
  for (const char* key :
       {"", "abc", "-1", "01", "0", "1", "340282366920938463463374607431768211455",
        "340282366920938463463374607431768211456"}) {
    EXPECT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, key}).Is(ErrorCode::kInvalidArgument))
        << key;
  }
  EXPECT_TRUE(w.model.SplitShard(w.now, {kStream, kShard0, "2"}).ok());  // children [0,1], [2,max]
}

TEST(SplitShard, AnUnknownStreamOrShardIsResourceNotFound) {
  World w;
  EXPECT_TRUE(
      w.model.SplitShard(w.now, {"nope", kShard0, kUpperHalf}).Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(
      w.model.SplitShard(w.now, {kStream, kShard1, kUpperHalf}).Is(ErrorCode::kResourceNotFound));
}

TEST(MergeShards, ListsTheChildWithBothParentsAndTheUnionOfTheirRanges) {
  World w(Fixed(), 2);
  w.At(Sec(1));
  w.Put("lo", "k", "0");
  w.Put("hi", "k", kUpperHalf);
  w.At(Sec(30));
  ASSERT_TRUE(w.model.MergeShards(w.now, {kStream, kShard1, kShard0}).ok());
  const std::vector<Shard> shards = w.Shards();
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_TRUE(shards[0].SequenceNumberRange.EndingSequenceNumber.has_value());
  EXPECT_TRUE(shards[1].SequenceNumberRange.EndingSequenceNumber.has_value());
  EXPECT_EQ(shards[2].ShardId, kShard2);
  EXPECT_EQ(shards[2].ParentShardId, kShard1);
  EXPECT_EQ(shards[2].AdjacentParentShardId, kShard0);
  EXPECT_EQ(shards[2].HashKeyRange.StartingHashKey, "0");
  EXPECT_EQ(shards[2].HashKeyRange.EndingHashKey, HashKey::Max().ToString());
  EXPECT_EQ(w.Put("x", "any").ShardId, kShard2);
  w.At(Sec(100));
  for (const char* parent : {kShard0, kShard1}) {
    const GetRecordsResponse page = w.Get(w.TrimHorizon(parent));
    EXPECT_EQ(page.Records.size(), 1u);
    EXPECT_FALSE(page.NextShardIterator.has_value());
    ASSERT_EQ(page.ChildShards.size(), 1u);
    EXPECT_EQ(page.ChildShards[0].ShardId, kShard2);
    EXPECT_EQ(page.ChildShards[0].ParentShards, (Strings{kShard1, kShard0}));
  }
}

TEST(MergeShards, NonAdjacentOrClosedOrIdenticalShardsAreInvalidArgument) {
  World w(Fixed(), 3);
  w.At(Sec(1));
  const auto gap = w.model.MergeShards(w.now, {kStream, kShard0, kShard2});
  ASSERT_TRUE(gap.Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      w.model.MergeShards(w.now, {kStream, kShard0, kShard0}).Is(ErrorCode::kInvalidArgument));
  ASSERT_TRUE(w.model.MergeShards(w.now, {kStream, kShard0, kShard1}).ok());
  const auto closed = w.model.MergeShards(w.now, {kStream, kShard1, kShard2});
  ASSERT_TRUE(closed.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(closed.error().message, "has already been merged or split");
  EXPECT_TRUE(w.model.MergeShards(w.now, {kStream, kShard2, "shardId-000000000003"}).ok());
  EXPECT_TRUE(w.model.MergeShards(w.now, {kStream, kShard2, "shardId-000000000009"})
                  .Is(ErrorCode::kResourceNotFound));
}

TEST(Resharding, ClosedShardsDisappearAfterTheRetentionPeriodWithTheirIterators) {
  World w;
  SplitAt(w, Sec(60));
  w.At(Sec(60) + Duration::Hours(24) - Sec(10));
  ASSERT_EQ(w.Shards().size(), 3u);
  const std::string it = w.TrimHorizon();
  w.At(Sec(60) + Duration::Hours(24));
  const std::vector<Shard> shards = w.Shards();
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(shards[0].ShardId, kShard1);
  const auto page = w.TryGet(it);
  ASSERT_TRUE(page.Is(ErrorCode::kResourceNotFound));
  EXPECT_HAS(page.error().message, "Shard shardId-000000000000 in stream orders");
  EXPECT_TRUE(w.TryIterator(ShardIteratorType::TRIM_HORIZON).Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(
      w.model.SplitShard(w.now, {kStream, kShard0, kUpperHalf}).Is(ErrorCode::kResourceNotFound));
  EXPECT_EQ(w.Put("x").ShardId.substr(0, 8), "shardId-");
}

// =============================================================================================
// CreateStream, ListShards and request validation

TEST(CreateStream, RejectsBadNamesWithInvalidArgument) {
  KinesisModel model(1);
  for (const std::string& name : {std::string(""), std::string(129, 'a'), std::string("has space"),
                                  std::string("a/b"), std::string("caf\xc3\xa9")}) {
    const auto r = model.CreateStream(kT0, {.StreamName = name, .ShardCount = 1});
    ASSERT_TRUE(r.Is(ErrorCode::kInvalidArgument)) << name;
    EXPECT_HAS(r.error().message, "StreamName");
  }
  EXPECT_TRUE(model.CreateStream(kT0, {.StreamName = std::string(128, 'a'), .ShardCount = 1}).ok());
  EXPECT_TRUE(model.CreateStream(kT0, {.StreamName = "Az09_.-", .ShardCount = 1}).ok());
}

TEST(CreateStream, ADuplicateNameIsResourceInUse) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}).ok());
  const auto again = model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 2});
  ASSERT_TRUE(again.Is(ErrorCode::kResourceInUse));
  EXPECT_HAS(again.error().message, "already exists");
  EXPECT_EQ(again.error().ToString().substr(0, 22), "ResourceInUseException");
}

TEST(CreateStream, AtATimeASequenceNumberCannotEncodeIsInvalidArgument) {
  KinesisModel model(1);
  const auto before_1970 =
      model.CreateStream(Instant() - Sec(1), {.StreamName = "a", .ShardCount = 1});
  ASSERT_TRUE(before_1970.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(before_1970.error().message, "from 1970 to the year 4147");
  EXPECT_TRUE(model.CreateStream(Instant(), {.StreamName = "b", .ShardCount = 1}).ok());
  const auto after_4147 =
      model.CreateStream(Instant::FromUnixSeconds(kSequenceNumberMaxSeconds + 1),
                         {.StreamName = "c", .ShardCount = 1});
  ASSERT_TRUE(after_4147.Is(ErrorCode::kInvalidArgument));
}

TEST(CreateStream, ShardCountMustBeBetweenOneAndAThousand) {
  KinesisModel model(1);
  for (int count : {0, -3, 1'001}) {
    const auto r =
        model.CreateStream(kT0, {.StreamName = absl::StrCat("s", count + 10), .ShardCount = count});
    ASSERT_TRUE(r.Is(ErrorCode::kInvalidArgument)) << count;
    EXPECT_HAS(r.error().message, "ShardCount");
  }
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "big", .ShardCount = 1'000}).ok());
  const auto shards = model.ListShards(kT0, {.StreamName = "big"});
  ASSERT_TRUE(shards.ok());
  EXPECT_EQ(shards->Shards.size(), 1'000u);
  EXPECT_EQ(shards->Shards.back().ShardId, "shardId-000000000999");
}

TEST(CreateStream, InvalidOptionsAreInvalidArgumentNamingTheField) {
  struct Case {
    const char* field;
    StreamOptions options;
  };
  std::vector<Case> cases;
  auto add = [&](const char* field, auto change) {
    StreamOptions o;
    change(o);
    cases.push_back({field, o});
  };
  add("retention", [](StreamOptions& o) { o.retention = Duration::Hours(23); });
  add("retention", [](StreamOptions& o) { o.retention = Duration::Hours(8'761); });
  add("bucket width",
      [](StreamOptions& o) { o.buckets = BucketProfile::Fixed(Duration::Micros(999)); });
  add("bucket width range",
      [](StreamOptions& o) { o.buckets = BucketProfile::Range(Sec(2), Sec(1)); });
  add("get_records_per_second", [](StreamOptions& o) { o.limits.get_records_per_second = 0; });
  add("read_bytes_per_second", [](StreamOptions& o) { o.limits.read_bytes_per_second = -1; });
  add("get_shard_iterator_per_second",
      [](StreamOptions& o) { o.limits.get_shard_iterator_per_second = 0; });
  add("put_records_per_second", [](StreamOptions& o) { o.limits.put_records_per_second = 0; });
  add("put_bytes_per_second", [](StreamOptions& o) { o.limits.put_bytes_per_second = 0; });
  add("max_record_bytes", [](StreamOptions& o) { o.limits.max_record_bytes = 0; });
  add("throttle_after_large_response",
      [](StreamOptions& o) { o.limits.throttle_after_large_response = Duration::Zero(); });
  add("max_get_records_bytes", [](StreamOptions& o) { o.limits.max_get_records_bytes = 0; });
  add("large_response_bytes", [](StreamOptions& o) { o.limits.large_response_bytes = 0; });
  add("iterator_lifetime", [](StreamOptions& o) { o.iterator_lifetime = Duration::Zero(); });
  add("dense_counter_slot", [](StreamOptions& o) { o.dense_counter_slot = Duration::Zero(); });
  add("counter_start", [](StreamOptions& o) { o.counter_start = ~uint64_t{0}; });
  add("counter_step_per_bucket",
      [](StreamOptions& o) { o.counter_step_per_bucket = uint64_t{1} << 40; });
  KinesisModel model(1);
  for (const Case& c : cases) {
    const auto r = model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}, c.options);
    ASSERT_TRUE(r.Is(ErrorCode::kInvalidArgument)) << c.field;
    EXPECT_HAS(r.error().message, c.field);
  }
  EXPECT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}).ok())
      << "no stream was left behind";
}

TEST(ListShards, EvenlySplitsTheHashKeySpaceAndStartsEachShardsSequenceNumbers) {
  World w(Fixed(), 4);
  const std::vector<Shard> shards = w.Shards();
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_EQ(shards.front().HashKeyRange.StartingHashKey, "0");
  EXPECT_EQ(shards.back().HashKeyRange.EndingHashKey, HashKey::Max().ToString());
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_FALSE(shards[i].ParentShardId.has_value());
    EXPECT_FALSE(shards[i].SequenceNumberRange.EndingSequenceNumber.has_value());
    const SequenceNumberFields f =
        *DecodeSequenceNumber(shards[i].SequenceNumberRange.StartingSequenceNumber);
    EXPECT_EQ(f.shard_index, i);
    EXPECT_EQ(f.shard_creation_seconds, kT0.unix_seconds());
    EXPECT_EQ(f.counter, 0u);
    if (i > 0) {
      EXPECT_TRUE(Key(shards[i - 1].HashKeyRange.EndingHashKey).value() + 1 ==
                  Key(shards[i].HashKeyRange.StartingHashKey).value());
    }
  }
}

TEST(ListShards, AnUnknownStreamIsResourceNotFound) {
  KinesisModel model(1);
  EXPECT_TRUE(model.ListShards(kT0, {.StreamName = "nope"}).Is(ErrorCode::kResourceNotFound));
}

TEST(PutRecords, TakesOneToFiveHundredEntries) {
  World w;
  w.At(Sec(1));
  PutRecordsRequest request{kStream, std::vector<PutRecordsRequestEntry>(501, {"k", "x", {}})};
  const auto too_many = w.model.PutRecords(w.now, request);
  ASSERT_TRUE(too_many.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(too_many.error().message, "1 to 500");
  EXPECT_EQ(w.model.RetainedRecords(kStream, kShard0), 0u) << "nothing of it was written";
  EXPECT_TRUE(w.model.PutRecords(w.now, {kStream, {}}).Is(ErrorCode::kInvalidArgument));
  request.Records.resize(500);
  const auto ok = w.model.PutRecords(w.now, request);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->Records.size(), 500u);
  EXPECT_EQ(CounterOf(*ok->Records[499].SequenceNumber), 499u);
}

TEST(PutRecords, RejectsTheWholeRequestWhenOneEntryIsMalformed) {
  World w;
  w.At(Sec(1));
  const auto r = w.model.PutRecords(w.now, {kStream, {{"k", "ok", {}}, {"", "no key", {}}}});
  ASSERT_TRUE(r.Is(ErrorCode::kInvalidArgument));
  EXPECT_HAS(r.error().message, "Records[1]: PartitionKey");
  EXPECT_EQ(w.model.RetainedRecords(kStream, kShard0), 0u);
}

TEST(PutRecord, PartitionKeysAreOneTo256Characters) {
  World w;
  w.At(Sec(1));
  EXPECT_TRUE(w.TryPut("x", "").Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryPut("x", std::string(257, 'k')).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(w.TryPut("x", std::string(256, 'k')).ok());
  EXPECT_TRUE(w.TryPut("", "k").ok()) << "empty data is allowed";
}

TEST(PutRecord, AnExplicitHashKeyMustBeADecimal128BitNumber) {
  World w(Fixed(), 2);
  w.At(Sec(1));
  for (const char* bad : {"x", "-1", "1.5", "340282366920938463463374607431768211456"}) {
    const auto r = w.TryPut("x", "k", bad);
    ASSERT_TRUE(r.Is(ErrorCode::kInvalidArgument)) << bad;
    EXPECT_HAS(r.error().message, "ExplicitHashKey");
  }
  EXPECT_EQ(w.Put("x", "k", HashKey::Max().ToString()).ShardId, kShard1);
}

TEST(PutRecord, AnUnknownStreamIsResourceNotFound) {
  KinesisModel model(1);
  const auto r = model.PutRecord(kT0, {"nope", "k", "x", {}});
  ASSERT_TRUE(r.Is(ErrorCode::kResourceNotFound));
  EXPECT_EQ(r.error().message, "Stream nope under account 123456789012 not found.");
  EXPECT_TRUE(model.PutRecords(kT0, {"nope", {{"k", "x", {}}}}).Is(ErrorCode::kResourceNotFound));
}

// =============================================================================================
// Virtual time

TEST(VirtualTimeDeathTest, ACallEarlierThanThePreviousOneStopsTheProgram) {
  EXPECT_DEATH(
      {
        KinesisModel model(1);
        (void)model.CreateStream(kT0 + Sec(10), {.StreamName = "s", .ShardCount = 1});
        (void)model.ListShards(kT0 + Sec(10) - Duration::Micros(1), {.StreamName = "s"});
      },
      "must not go back");
}

TEST(VirtualTime, CallsAtTheSameInstantAreFine) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}).ok());
  EXPECT_TRUE(model.ListShards(kT0, {.StreamName = "s"}).ok());
  EXPECT_TRUE(model.PutRecord(kT0, {"s", "k", "x", {}}).ok());
}

}  // namespace
}  // namespace shardsim::model
