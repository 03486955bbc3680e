// The MillisBehindLatest rule of kinesis_model.h, case by case, on the pure function.
#include "model/internal/millis_behind_latest.h"

#include <gtest/gtest.h>

namespace shardsim::model::internal {
namespace {

using sim::Duration;
using sim::Instant;

const Instant kNow = Instant::FromUnixSeconds(1'700'000'000);

TEST(MillisBehindLatest, IsZeroInTheOpenBucketWithNoRecordWaiting) {
  EXPECT_EQ(MillisBehindLatest({.now = kNow,
                                .bucket_start = kNow - Duration::Seconds(3),
                                .bucket_end = kNow + Duration::Seconds(2)}),
            0);
  EXPECT_EQ(
      MillisBehindLatest(
          {.now = kNow, .bucket_start = kNow - Duration::Seconds(3), .bucket_end = std::nullopt}),
      0);
}

TEST(MillisBehindLatest, CountsFromTheWaitingRecordsArrivalEvenInTheOpenBucket) {
  EXPECT_EQ(MillisBehindLatest({.now = kNow,
                                .bucket_start = kNow - Duration::Seconds(3),
                                .bucket_end = kNow + Duration::Seconds(2),
                                .record_waiting = true,
                                .record_at_position = kNow - Duration::Millis(1'250)}),
            1'250);
}

TEST(MillisBehindLatest, CountsFromTheBucketStartWhenItsSliceIsOverAndHoldsNoRecord) {
  // An iterator parked in an old, empty bucket reports its age though nothing is waiting.
  EXPECT_EQ(MillisBehindLatest({.now = kNow,
                                .bucket_start = kNow - Duration::Hours(1),
                                .bucket_end = kNow - Duration::Minutes(59)}),
            3'600'000);
  // A record waiting in a later bucket does not lend its arrival time to this one.
  EXPECT_EQ(MillisBehindLatest({.now = kNow,
                                .bucket_start = kNow - Duration::Seconds(10),
                                .bucket_end = kNow - Duration::Seconds(5),
                                .record_waiting = true}),
            10'000);
}

TEST(MillisBehindLatest, IsAtLeastOneWhenBehindByLessThanAMillisecond) {
  EXPECT_EQ(MillisBehindLatest({.now = kNow,
                                .bucket_start = kNow - Duration::Micros(300),
                                .bucket_end = kNow,
                                .record_waiting = true,
                                .record_at_position = kNow}),
            1);
}

TEST(MillisBehindLatest, TreatsABucketEndingExactlyNowAsClosed) {
  EXPECT_EQ(MillisBehindLatest(
                {.now = kNow, .bucket_start = kNow - Duration::Seconds(2), .bucket_end = kNow}),
            2'000);
}

}  // namespace
}  // namespace shardsim::model::internal
