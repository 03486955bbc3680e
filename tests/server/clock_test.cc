// The virtual clock in its three modes, with a fake wall clock.
#include "server/clock.h"

#include <gtest/gtest.h>

namespace shardsim::server {
namespace {

class FakeWall : public WallSource {
 public:
  absl::Time RealNow() override {
    return absl::FromUnixSeconds(1'700'000'000) + absl::Microseconds(steady_us);
  }
  int64_t SteadyMicros() override { return steady_us; }
  int64_t steady_us = 5'000'000;
};

constexpr Instant kStart = sim::kDefaultEpoch;

TEST(ClockTest, ModesParseAndPrintBack) {
  EXPECT_EQ(ClockMode::Parse("manual")->kind, ClockMode::Kind::kManual);
  EXPECT_EQ(ClockMode::Parse("wall")->kind, ClockMode::Kind::kWall);
  EXPECT_EQ(ClockMode::Parse("scaled:60")->scale, 60);
  EXPECT_EQ(ClockMode::Parse("scaled:60")->ToString(), "scaled:60");
  EXPECT_FALSE(ClockMode::Parse("scaled:0").ok());
  EXPECT_FALSE(ClockMode::Parse("scaled:-1").ok());
  EXPECT_FALSE(ClockMode::Parse("scaled:x").ok());
  EXPECT_FALSE(ClockMode::Parse("fast").ok());
}

TEST(ClockTest, ManualClockMovesOnlyByLatencyAndWhenTold) {
  FakeWall wall;
  VirtualClock clock(ClockMode{}, kStart, Duration::Millis(200), wall);
  wall.steady_us += 60'000'000;
  EXPECT_EQ(clock.Now(), kStart);
  clock.AfterCall();
  EXPECT_EQ(clock.Now(), kStart + Duration::Millis(200));
  ASSERT_TRUE(clock.Advance(Duration::Hours(17) + Duration::Minutes(33)).ok());
  EXPECT_EQ(clock.Now(),
            kStart + Duration::Millis(200) + Duration::Hours(17) + Duration::Minutes(33));
  ASSERT_TRUE(clock.Set(*ParseTime("2023-04-06T00:41:28Z")).ok());
  EXPECT_EQ(FormatTime(clock.Now()), "2023-04-06T00:41:28.000000Z");
}

TEST(ClockTest, PerRequestClockMovesByItsStepAfterEachCallAndNeverWithTheWallClock) {
  const absl::StatusOr<ClockMode> mode = ClockMode::Parse("per-request:1.5s");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(mode->ToString(), "per-request:1.5s");
  EXPECT_EQ(ClockMode::Parse("per-request")->kind, ClockMode::Kind::kPerRequest);
  EXPECT_FALSE(ClockMode::Parse("per-request")->step.has_value());
  EXPECT_FALSE(ClockMode::Parse("per-request:0s").ok());
  EXPECT_FALSE(ClockMode::Parse("per-request:soon").ok());
  FakeWall wall;
  VirtualClock clock(*mode, kStart, Duration::Millis(200), wall);
  wall.steady_us += 3'600'000'000;
  EXPECT_EQ(clock.Now(), kStart);
  clock.AfterCall();
  clock.AfterCall();
  EXPECT_EQ(clock.Now(), kStart + Duration::Seconds(3));
  ASSERT_TRUE(clock.Advance(Duration::Hours(6)).ok());
  EXPECT_EQ(clock.Now(), kStart + Duration::Seconds(3) + Duration::Hours(6));
}

TEST(ClockTest, NoModeGoesBack) {
  FakeWall wall;
  VirtualClock clock(ClockMode{}, kStart, Duration::Zero(), wall);
  EXPECT_FALSE(clock.Set(kStart - Duration::Seconds(1)).ok());
  EXPECT_FALSE(clock.Advance(Duration::Seconds(-1)).ok());
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(ClockTest, TimeStopsShortOfWhatSequenceNumbersEncode) {
  FakeWall wall;
  VirtualClock clock(ClockMode{}, kStart, Duration::Zero(), wall);
  for (int i = 0; i < 30; ++i) (void)clock.Advance(Duration::Days(36'600));
  EXPECT_LT(clock.Now(), Instant::FromUnixSeconds(int64_t{1} << 36));
  EXPECT_FALSE(clock.Advance(Duration::Days(36'600)).ok());
}

TEST(ClockTest, ScaledClockRunsKTimesWallTimeFromTheStart) {
  FakeWall wall;
  VirtualClock clock(*ClockMode::Parse("scaled:60"), kStart, Duration::Millis(200), wall);
  wall.steady_us += 2'000'000;
  EXPECT_EQ(clock.Now(), kStart + Duration::Minutes(2));
  clock.AfterCall();  // no latency outside manual mode
  EXPECT_EQ(clock.Now(), kStart + Duration::Minutes(2));
  ASSERT_TRUE(clock.Advance(Duration::Hours(1)).ok());
  EXPECT_EQ(clock.Now(), kStart + Duration::Minutes(62));
}

TEST(ClockTest, WallClockStartsAtRealTime) {
  FakeWall wall;
  VirtualClock clock(*ClockMode::Parse("wall"), kStart, Duration::Zero(), wall);
  EXPECT_EQ(clock.Now(), Instant::FromUnixSeconds(1'700'000'005));
  wall.steady_us += 1'500'000;
  EXPECT_EQ(clock.Now(), Instant::FromUnixMicros(1'700'000'006'500'000));
}

TEST(ClockTest, DurationsAndTimesParseAsDocumented) {
  EXPECT_EQ(*ParseDurationText("17h33m"), Duration::Hours(17) + Duration::Minutes(33));
  EXPECT_EQ(*ParseDurationText("250ms"), Duration::Millis(250));
  EXPECT_FALSE(ParseDurationText("17 hours").ok());
  EXPECT_FALSE(ParseDurationText("inf").ok());
  EXPECT_FALSE(ParseTime("yesterday").ok());
  EXPECT_EQ(*ParseTime("2023-04-05T07:08:10.670Z"), Instant::FromUnixMillis(1680678490670));
}

}  // namespace
}  // namespace shardsim::server
