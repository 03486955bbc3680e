// The model's stream status (CREATING, ACTIVE, UPDATING, DELETING and what each allows), its
// ShardFilter and its paging (ListShards' MaxResults and NextToken, ListStreams' Limit and
// NextToken, DescribeStream's Limit and ExclusiveStartShardId): examples, and properties that
// compare every paged listing with the one-page listing it must add up to.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/hash_key.h"
#include "model/kinesis_model.h"

namespace shardsim::model {
namespace {

constexpr Instant kT0 = sim::kDefaultEpoch;
const std::string kShard0 = "shardId-000000000000";
const Uint128 kHalf = HashKey::Max().value() / 2 + 1;

std::string Key(Uint128 value) { return HashKey::FromUint128(value).ToString(); }

StreamOptions Options(Duration status_change_delay = Duration::Zero()) {
  StreamOptions options;
  options.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  options.limits = ShardLimits::Unlimited();
  options.status_change_delay = status_change_delay;
  return options;
}

StreamStatus StatusOf(KinesisModel& model, Instant now, const std::string& stream) {
  return model.DescribeStreamSummary(now, stream).value().StreamStatus;
}

std::vector<std::string> Ids(const std::vector<Shard>& shards) {
  std::vector<std::string> out;
  for (const Shard& s : shards) out.push_back(s.ShardId);
  return out;
}

// Every shard ListShards returns for `first` and the NextTokens that follow, page by page.
std::vector<std::string> PagedIds(KinesisModel& model, Instant now, ListShardsRequest first,
                                  int* pages = nullptr) {
  std::vector<std::string> out;
  ListShardsRequest request = std::move(first);
  for (int page = 1; page <= 10'000; ++page) {
    const Outcome<ListShardsResponse> listed = model.ListShards(now, request);
    EXPECT_TRUE(listed.ok()) << listed.error().ToString();
    if (!listed.ok()) break;
    for (const Shard& s : listed->Shards) out.push_back(s.ShardId);
    if (pages != nullptr) *pages = page;
    if (!listed->NextToken) break;
    request = ListShardsRequest{.NextToken = listed->NextToken, .MaxResults = request.MaxResults};
  }
  return out;
}

// Stream status -----------------------------------------------------------------------------

TEST(StreamStatus, WithoutADelayAStreamIsActiveAtOnceAndAfterEveryChange) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 2}, Options()).ok());
  EXPECT_EQ(StatusOf(model, kT0, "s"), StreamStatus::ACTIVE);
  ASSERT_TRUE(model.MergeShards(kT0, {"s", kShard0, "shardId-000000000001"}).ok());
  EXPECT_EQ(StatusOf(model, kT0, "s"), StreamStatus::ACTIVE);
  ASSERT_TRUE(model.DeleteStream(kT0, {"s"}).ok());
  EXPECT_TRUE(model.DescribeStreamSummary(kT0, "s").Is(ErrorCode::kResourceNotFound));
}

TEST(StreamStatus, ACreatingStreamHidesFromReadsAndWritesAndRefusesListingsAndChanges) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(30);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}, Options(delay)).ok());
  EXPECT_EQ(StatusOf(model, kT0, "s"), StreamStatus::CREATING);
  EXPECT_TRUE(model.PutRecord(kT0, {"s", "k", "x", {}}).Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(model.GetShardIterator(kT0, {.StreamName = "s", .ShardId = kShard0})
                  .Is(ErrorCode::kResourceNotFound));
  const auto listed = model.ListShards(kT0, {.StreamName = "s"});
  ASSERT_TRUE(listed.Is(ErrorCode::kResourceInUse));
  EXPECT_EQ(listed.error().message,
            "Stream s under account 123456789012 not ACTIVE, instead in state CREATING");
  EXPECT_TRUE(model.DeleteStream(kT0, {"s"}).Is(ErrorCode::kResourceInUse));
  // DescribeStream and ListStreams report it.
  EXPECT_EQ(model.DescribeStream(kT0, {.StreamName = "s"}).value().StreamDescription.StreamStatus,
            StreamStatus::CREATING);
  EXPECT_EQ(model.ListStreams(kT0).value().StreamSummaries.at(0).StreamStatus,
            StreamStatus::CREATING);

  const Instant active = kT0 + delay;
  EXPECT_EQ(StatusOf(model, active - Duration::Micros(1), "s"), StreamStatus::CREATING);
  EXPECT_EQ(StatusOf(model, active, "s"), StreamStatus::ACTIVE);
  EXPECT_TRUE(model.PutRecord(active, {"s", "k", "x", {}}).ok());
}

TEST(StreamStatus, AReshardLeavesTheStreamUpdatingWhereReadsGoOnAndAFurtherChangeIsRefused) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(10);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}, Options(delay)).ok());
  const Instant t = kT0 + delay;
  ASSERT_TRUE(model.SplitShard(t, {"s", kShard0, Key(kHalf)}).ok());
  EXPECT_EQ(StatusOf(model, t, "s"), StreamStatus::UPDATING);
  EXPECT_TRUE(model.PutRecord(t, {"s", "k", "x", {}}).ok());
  EXPECT_EQ(model.ListShards(t, {.StreamName = "s"}).value().Shards.size(), 3u);
  EXPECT_TRUE(model.MergeShards(t, {"s", "shardId-000000000001", "shardId-000000000002"})
                  .Is(ErrorCode::kResourceInUse));
  EXPECT_TRUE(model.UpdateShardCount(t, {"s", 4}).Is(ErrorCode::kResourceInUse));
  EXPECT_TRUE(model.IncreaseStreamRetentionPeriod(t, {"s", 48}).Is(ErrorCode::kResourceInUse));
  EXPECT_EQ(StatusOf(model, t + delay, "s"), StreamStatus::ACTIVE);
  EXPECT_TRUE(
      model.MergeShards(t + delay, {"s", "shardId-000000000001", "shardId-000000000002"}).ok());
}

TEST(StreamStatus, UpdateShardCountIsOneChangeHoweverManySplitsAndMergesItTakes) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(10);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 3}, Options(delay)).ok());
  const Instant t = kT0 + delay;
  const auto scaled = model.UpdateShardCount(t, {"s", 5});
  ASSERT_TRUE(scaled.ok()) << scaled.error().ToString();
  EXPECT_EQ(StatusOf(model, t, "s"), StreamStatus::UPDATING);
  EXPECT_EQ(model.DescribeStreamSummary(t, "s").value().OpenShardCount, 5);
}

TEST(StreamStatus, ADeletingStreamStillServesReadsThenIsGoneAndItsNameFree) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(5);
  ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}, Options(delay)).ok());
  const Instant t = kT0 + delay;
  ASSERT_TRUE(model.DeleteStream(t, {"s"}).ok());
  EXPECT_EQ(StatusOf(model, t, "s"), StreamStatus::DELETING);
  EXPECT_TRUE(model.PutRecord(t, {"s", "k", "x", {}}).ok());
  EXPECT_TRUE(model.DeleteStream(t, {"s"}).Is(ErrorCode::kResourceInUse));
  EXPECT_TRUE(model.CreateStream(t, {.StreamName = "s", .ShardCount = 1}, Options(delay))
                  .Is(ErrorCode::kResourceInUse));
  const Instant gone = t + delay;
  EXPECT_TRUE(model.DescribeStreamSummary(gone, "s").Is(ErrorCode::kResourceNotFound));
  EXPECT_TRUE(model.ListStreams(gone).value().StreamNames.empty());
  EXPECT_TRUE(model.CreateStream(gone, {.StreamName = "s", .ShardCount = 1}, Options()).ok());
}

TEST(StreamStatus, ModeIsReportedAsCreated) {
  KinesisModel model(1);
  ASSERT_TRUE(model
                  .CreateStream(kT0,
                                {.StreamName = "s",
                                 .ShardCount = 4,
                                 .StreamModeDetails = {.StreamMode = StreamMode::ON_DEMAND}},
                                Options())
                  .ok());
  EXPECT_EQ(model.DescribeStreamSummary(kT0, "s").value().StreamModeDetails.StreamMode,
            StreamMode::ON_DEMAND);
}

TEST(StreamStatus, ADelayOutsideZeroToADayIsAnInvalidOption) {
  KinesisModel model(1);
  EXPECT_TRUE(
      model.CreateStream(kT0, {.StreamName = "a", .ShardCount = 1}, Options(Duration::Hours(25)))
          .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      model.CreateStream(kT0, {.StreamName = "b", .ShardCount = 1}, Options(Duration::Micros(-1)))
          .Is(ErrorCode::kInvalidArgument));
}

// ShardFilter ----------------------------------------------------------------------------------

// Shard 0 split at kT0 + 1 h into 1 and 2; shard 2 split at kT0 + 2 h into 3 and 4.
KinesisModel& SplitTwice(KinesisModel& model) {
  EXPECT_TRUE(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 1}, Options()).ok());
  EXPECT_TRUE(model.SplitShard(kT0 + Duration::Hours(1), {"s", kShard0, Key(kHalf)}).ok());
  EXPECT_TRUE(model
                  .SplitShard(kT0 + Duration::Hours(2),
                              {"s", "shardId-000000000002", Key(kHalf + kHalf / 2)})
                  .ok());
  return model;
}

std::vector<std::string> Filtered(KinesisModel& model, Instant now, ShardFilter filter) {
  const auto listed = model.ListShards(now, {.StreamName = "s", .ShardFilter = filter});
  EXPECT_TRUE(listed.ok()) << listed.error().ToString();
  return listed.ok() ? Ids(listed->Shards) : std::vector<std::string>{};
}

std::vector<std::string> Shards(std::initializer_list<int> indexes) {
  std::vector<std::string> out;
  for (int i : indexes) out.push_back(absl::StrCat("shardId-00000000000", i));
  return out;
}

TEST(ShardFilterTest, EachTypeSelectsTheShardsAwsDocumentsForIt) {
  KinesisModel model(1);
  SplitTwice(model);
  const Instant now = kT0 + Duration::Hours(3);
  using T = ShardFilterType;
  EXPECT_EQ(Filtered(model, now, {T::AT_LATEST, {}, {}}), Shards({1, 3, 4}));
  EXPECT_EQ(Filtered(model, now, {T::FROM_TRIM_HORIZON, {}, {}}), Shards({0, 1, 2, 3, 4}));
  EXPECT_EQ(Filtered(model, now, {T::AT_TRIM_HORIZON, {}, {}}), Shards({0}));
  EXPECT_EQ(Filtered(model, now, {T::AFTER_SHARD_ID, "shardId-000000000002", {}}), Shards({3, 4}));
  const Instant between = kT0 + Duration::Minutes(90);
  EXPECT_EQ(Filtered(model, now, {T::AT_TIMESTAMP, {}, between}), Shards({1, 2}));
  EXPECT_EQ(Filtered(model, now, {T::FROM_TIMESTAMP, {}, between}), Shards({1, 2, 3, 4}));
  // Before the stream existed counts as its creation.
  EXPECT_EQ(Filtered(model, now, {T::AT_TIMESTAMP, {}, kT0 - Duration::Hours(5)}), Shards({0}));
}

TEST(ShardFilterTest, AMemberTheTypeDoesNotTakeOrAMissingOneIsInvalid) {
  KinesisModel model(1);
  SplitTwice(model);
  const Instant now = kT0 + Duration::Hours(3);
  using T = ShardFilterType;
  for (const ShardFilter& bad :
       {ShardFilter{T::AFTER_SHARD_ID, {}, {}}, ShardFilter{T::AT_LATEST, kShard0, {}},
        ShardFilter{T::AT_TIMESTAMP, {}, {}}, ShardFilter{T::AT_TRIM_HORIZON, {}, now}}) {
    EXPECT_TRUE(model.ListShards(now, {.StreamName = "s", .ShardFilter = bad})
                    .Is(ErrorCode::kInvalidArgument))
        << ShardFilterTypeName(bad.Type);
  }
}

// Paging ---------------------------------------------------------------------------------------

TEST(ListShardsPaging, NextTokenResumesWithTheFilterAndExpiresAfterFiveMinutes) {
  KinesisModel model(1);
  SplitTwice(model);
  const Instant now = kT0 + Duration::Hours(3);
  const auto first =
      model.ListShards(now, {.StreamName = "s",
                             .MaxResults = 1,
                             .ShardFilter = ShardFilter{ShardFilterType::AT_LATEST, {}, {}}});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(first->Shards), Shards({1}));
  ASSERT_TRUE(first->NextToken.has_value());
  const auto second = model.ListShards(now, {.NextToken = first->NextToken, .MaxResults = 5});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Ids(second->Shards), Shards({3, 4}));
  EXPECT_FALSE(second->NextToken.has_value());
  const auto late = model.ListShards(now + Duration::Seconds(301), {.NextToken = first->NextToken});
  ASSERT_TRUE(late.Is(ErrorCode::kExpiredNextToken));
  EXPECT_EQ(ErrorName(late.error().code), "ExpiredNextTokenException");
}

TEST(ListShardsPaging, ATokenTogetherWithAStreamOrNeitherIsInvalid) {
  KinesisModel model(1);
  SplitTwice(model);
  const Instant now = kT0 + Duration::Hours(3);
  const auto first = model.ListShards(now, {.StreamName = "s", .MaxResults = 1});
  ASSERT_TRUE(first.ok() && first->NextToken);
  EXPECT_TRUE(model.ListShards(now, {.StreamName = "s", .NextToken = first->NextToken})
                  .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      model.ListShards(now, {.NextToken = first->NextToken, .ExclusiveStartShardId = kShard0})
          .Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(model.ListShards(now, {}).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(model.ListShards(now, {.NextToken = "garbage"}).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(
      model.ListShards(now, {.StreamName = "s", .MaxResults = 0}).Is(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(model.ListShards(now, {.StreamName = "s", .MaxResults = 10'001})
                  .Is(ErrorCode::kInvalidArgument));
}

TEST(ListStreamsPaging, LimitAndNextTokenListEveryStreamOnceInByteOrder) {
  KinesisModel model(1);
  for (const char* name : {"d", "b", "a", "c", "E"}) {
    ASSERT_TRUE(model.CreateStream(kT0, {.StreamName = name, .ShardCount = 1}, Options()).ok());
  }
  std::vector<std::string> names;
  ListStreamsRequest request{.Limit = 2};
  for (int page = 0; page < 10; ++page) {
    const auto listed = model.ListStreams(kT0, request);
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->StreamSummaries.size(), listed->StreamNames.size());
    names.insert(names.end(), listed->StreamNames.begin(), listed->StreamNames.end());
    EXPECT_EQ(listed->HasMoreStreams, listed->NextToken.has_value());
    if (!listed->NextToken) break;
    request = ListStreamsRequest{.Limit = 2, .NextToken = listed->NextToken};
  }
  EXPECT_EQ(names, (std::vector<std::string>{"E", "a", "b", "c", "d"}));
  EXPECT_EQ(model.ListStreams(kT0, {.ExclusiveStartStreamName = "b"}).value().StreamNames,
            (std::vector<std::string>{"c", "d"}));
}

TEST(DescribeStreamPaging, LimitAndExclusiveStartShardIdPageTheShards) {
  KinesisModel model(1);
  SplitTwice(model);
  const Instant now = kT0 + Duration::Hours(3);
  const auto first = model.DescribeStream(now, {.StreamName = "s", .Limit = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(first->StreamDescription.Shards), Shards({0, 1}));
  EXPECT_TRUE(first->StreamDescription.HasMoreShards);
  const auto rest = model.DescribeStream(
      now, {.StreamName = "s", .Limit = 10, .ExclusiveStartShardId = "shardId-000000000001"});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Ids(rest->StreamDescription.Shards), Shards({2, 3, 4}));
  EXPECT_FALSE(rest->StreamDescription.HasMoreShards);
}

// Properties -----------------------------------------------------------------------------------

// A stream of `shards` shards reshaped by `splits` splits of a random open shard.
void Build(KinesisModel& model, int shards, const std::vector<int>& splits, Instant& now) {
  RC_ASSERT(model.CreateStream(now, {.StreamName = "s", .ShardCount = shards}, Options()).ok());
  for (int pick : splits) {
    now = now + Duration::Minutes(7);
    std::vector<Shard> open;
    const auto listed = model.ListShards(now, {.StreamName = "s", .MaxResults = 10'000});
    RC_ASSERT(listed.ok());
    for (const Shard& s : listed->Shards) {
      if (!s.SequenceNumberRange.EndingSequenceNumber) open.push_back(s);
    }
    const Shard& parent = open[static_cast<size_t>(pick) % open.size()];
    const Uint128 start = HashKey::Parse(parent.HashKeyRange.StartingHashKey)->value();
    const Uint128 end = HashKey::Parse(parent.HashKeyRange.EndingHashKey)->value();
    if (start == end) continue;
    RC_ASSERT(
        model.SplitShard(now, {"s", parent.ShardId, Key(start + (end - start) / 2 + 1)}).ok());
  }
}

RC_GTEST_PROP(ListShardsPagingProperty, PagesOfAnySizeAddUpToTheOnePageListingForEveryFilter, ()) {
  KinesisModel model(*rc::gen::arbitrary<uint64_t>());
  Instant now = kT0;
  const int shards = *rc::gen::inRange(1, 6);
  const auto splits =
      *rc::gen::container<std::vector<int>>(*rc::gen::inRange(0, 8), rc::gen::inRange(0, 100));
  Build(model, shards, splits, now);
  now = now + Duration::Minutes(*rc::gen::inRange(0, 60));
  const auto type = static_cast<ShardFilterType>(*rc::gen::inRange(0, 7));  // 6: no filter
  std::optional<ShardFilter> filter;
  if (static_cast<int>(type) < 6) {
    filter = ShardFilter{type, {}, {}};
    if (type == ShardFilterType::AFTER_SHARD_ID)
      filter->ShardId = absl::StrCat("shardId-00000000000", *rc::gen::inRange(0, 9));
    if (type == ShardFilterType::AT_TIMESTAMP || type == ShardFilterType::FROM_TIMESTAMP)
      filter->Timestamp = kT0 + Duration::Minutes(*rc::gen::inRange(-10, 120));
  }
  const auto whole = model.ListShards(now, {.StreamName = "s", .ShardFilter = filter});
  RC_ASSERT(whole.ok());
  RC_ASSERT(!whole->NextToken.has_value());
  const int page_size = *rc::gen::inRange(1, 5);
  int pages = 0;
  const std::vector<std::string> paged = PagedIds(
      model, now, {.StreamName = "s", .MaxResults = page_size, .ShardFilter = filter}, &pages);
  RC_ASSERT(paged == Ids(whole->Shards));
  // No empty last page: a token is given only when another shard matches.
  const int wanted_pages =
      std::max<int>(1, (static_cast<int>(paged.size()) + page_size - 1) / page_size);
  RC_ASSERT(pages == wanted_pages);
}

// A reference for the status rules: the last change and its time decide the status.
RC_GTEST_PROP(StreamStatusProperty, StatusFollowsTheLastChangeForExactlyTheDelay, ()) {
  KinesisModel model(1);
  const Duration delay = Duration::Seconds(*rc::gen::inRange(1, 20));
  RC_ASSERT(model.CreateStream(kT0, {.StreamName = "s", .ShardCount = 2}, Options(delay)).ok());
  StreamStatus busy = StreamStatus::CREATING;
  Instant busy_until = kT0 + delay;
  Instant now = kT0;
  int retention_hours = 24;
  const int steps = *rc::gen::inRange(1, 30);
  for (int i = 0; i < steps; ++i) {
    now = now + Duration::Seconds(*rc::gen::inRange(0, 25));
    const StreamStatus expected = now < busy_until ? busy : StreamStatus::ACTIVE;
    RC_ASSERT(StatusOf(model, now, "s") == expected);
    const bool active = expected == StreamStatus::ACTIVE;
    // A change: allowed exactly when ACTIVE, and then UPDATING for the delay.
    const auto changed = model.IncreaseStreamRetentionPeriod(now, {"s", ++retention_hours});
    RC_ASSERT(changed.ok() == active);
    if (!active) {
      RC_ASSERT(changed.Is(ErrorCode::kResourceInUse));
      --retention_hours;
    } else {
      busy = StreamStatus::UPDATING;
      busy_until = now + delay;
    }
    // Writes: refused exactly while CREATING.
    RC_ASSERT(model.PutRecord(now, {"s", "k", "x", {}}).ok() !=
              (expected == StreamStatus::CREATING));
  }
}

}  // namespace
}  // namespace shardsim::model
