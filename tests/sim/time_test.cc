#include "sim/time.h"

#include <gtest/gtest.h>

namespace shardsim::sim {
namespace {

TEST(Duration, UnitConstructorsAgreeWithEachOther) {
  EXPECT_EQ(Duration::Millis(1), Duration::Micros(1'000));
  EXPECT_EQ(Duration::Seconds(1), Duration::Millis(1'000));
  EXPECT_EQ(Duration::Minutes(1), Duration::Seconds(60));
  EXPECT_EQ(Duration::Hours(1), Duration::Minutes(60));
  EXPECT_EQ(Duration::Days(1), Duration::Hours(24));
}

TEST(Duration, MillisAndSecondsTruncateTowardNegativeInfinity) {
  EXPECT_EQ(Duration::Micros(1'999).millis(), 1);
  EXPECT_EQ(Duration::Micros(-1).millis(), -1);
  EXPECT_EQ(Duration::Micros(-1'000'001).seconds(), -2);
  EXPECT_EQ(Duration::Micros(-1'000'000).seconds(), -1);
}

TEST(Duration, ConvertsToAndFromAbslDurationAtMicrosecondResolution) {
  EXPECT_EQ(Duration::Millis(1'500).ToAbsl(), absl::Milliseconds(1'500));
  EXPECT_EQ(Duration::FromAbsl(absl::Nanoseconds(2'999)), Duration::Micros(2));
  EXPECT_EQ(Duration::FromAbsl(absl::Nanoseconds(-1)), Duration::Micros(-1));
}

TEST(Duration, DividesIntoWholeCounts) { EXPECT_EQ(Duration::Hours(1) / Duration::Minutes(7), 8); }

TEST(Instant, PrintsAsRfc3339WithMicroseconds) {
  const Instant t = Instant::FromUnixMillis(1'680'678'490'670);  // the article's record 'a'
  EXPECT_EQ(t.ToString(), "2023-04-05T07:08:10.670000Z");
}

TEST(Instant, PrintsTheSameAsAbslFormatTimeAcrossCenturiesAndBeforeTheEpoch) {
  for (int64_t us : {int64_t{0}, int64_t{-1}, int64_t{951'782'400'000'000},  // 2000-02-29
                     int64_t{-2'208'988'800'000'001}, int64_t{4'102'444'800'123'456},
                     int64_t{1'709'251'199'999'999}, int64_t{253'402'300'799'999'999}}) {
    const Instant t = Instant::FromUnixMicros(us);
    EXPECT_EQ(t.ToString(),
              absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t.ToAbsl(), absl::UTCTimeZone()))
        << us;
  }
  // One step per 37 h 11 min 13.000017 s over 40 years.
  for (int64_t us = 0; us < 1'262'304'000'000'000; us += 133'873'000'017) {
    const Instant t = Instant::FromUnixMicros(us);
    ASSERT_EQ(t.ToString(),
              absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t.ToAbsl(), absl::UTCTimeZone()));
  }
}

TEST(Instant, DefaultEpochIsTheFirstOfJanuary2023) {
  EXPECT_EQ(kDefaultEpoch.ToString(), "2023-01-01T00:00:00.000000Z");
}

TEST(Instant, RoundTripsThroughAbslTime) {
  const Instant t = kDefaultEpoch + Duration::Micros(123'456'789);
  EXPECT_EQ(Instant::FromAbsl(t.ToAbsl()), t);
  EXPECT_EQ(Instant::FromAbsl(absl::FromUnixNanos(1'999)), Instant::FromUnixMicros(1));
}

TEST(Instant, DifferenceOfInstantsIsADuration) {
  const Instant a = kDefaultEpoch;
  const Instant b = a + Duration::Hours(17) + Duration::Minutes(33);
  EXPECT_EQ(b - a, Duration::Minutes(17 * 60 + 33));
  EXPECT_LT(a, b);
}

TEST(TimeDeathTest, OverflowStopsTheProgramWithAMessage) {
  EXPECT_DEATH((void)(Instant::FromUnixMicros(INT64_MAX) + Duration::Micros(1)),
               "virtual time overflow");
  EXPECT_DEATH((void)Duration::Days(INT64_MAX / 1000), "virtual time overflow");
}

}  // namespace
}  // namespace shardsim::sim
