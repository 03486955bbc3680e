// ScenarioPlayback's side of a real client's crashes and reruns (PlayProcess), driven through
// KinesisService::Handle as the HTTP server drives it, with the runner's calls made by hand.
#include "clientcheck/playback.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

#include "server/service.h"

namespace shardsim::clientcheck {
namespace {

using sim::Duration;

constexpr const char* kAuthorization =
    "AWS4-HMAC-SHA256 Credential=runner/20230405/us-east-1/kinesis/aws4_request, "
    "SignedHeaders=host, Signature=0";

properties::Scenario CrashingScenario() {
  properties::Scenario s;
  s.name = "crash";
  s.seed = 3;
  s.puts = {{Duration::Seconds(5), "k", "a"}, {Duration::Seconds(200), "k", "b"}};
  s.crashes = {{Duration::Seconds(10), Duration::Seconds(60)}};
  s.liveness_budget = Duration::Hours(2);
  return s;
}

struct Session {
  explicit Session(const properties::Scenario& scenario)
      : service([&] {
          server::ServiceOptions o;
          o.seed = scenario.seed;
          o.start = scenario.start;
          o.clock =
              server::ClockMode{server::ClockMode::Kind::kPerRequest, 1.0, Duration::Seconds(4)};
          o.latency = Duration::Seconds(4);
          return o;
        }()) {
    auto made = ScenarioPlayback::Create(scenario, service);
    EXPECT_TRUE(made.ok()) << made.status();
    playback = *std::move(made);
    service.SetHooks(playback.get());
    playback->PlayProcess();
  }
  server::HttpResponse ListShards() {
    const std::string body = R"({"StreamName":"stream"})";
    return service.Handle(server::HttpRequest{"POST", "/", "Kinesis_20131202.ListShards",
                                              "application/x-amz-json-1.1", kAuthorization, body});
  }
  server::KinesisService service;
  std::unique_ptr<ScenarioPlayback> playback;
};

TEST(PlaybackProcess, ACrashHoldsTheFirstRequestAtItsTimeUntilTheKillThenDropsIt) {
  const properties::Scenario scenario = CrashingScenario();
  Session session(scenario);
  // Steps of 4 s: calls at 0, 4 and 8 s are answered; the one at 12 s is the first at or after
  // the crash (10 s).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(session.ListShards().status, 200);
  EXPECT_FALSE(session.playback->kill_due());
  std::future<server::HttpResponse> held =
      std::async(std::launch::async, [&] { return session.ListShards(); });
  for (int i = 0; i < 2000 && !session.playback->kill_due(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(session.playback->kill_due());
  EXPECT_EQ(held.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "the request is held until the runner has killed the client";
  const std::optional<sim::Instant> restart = session.playback->Killed();
  EXPECT_EQ(held.get().status, 503);
  ASSERT_TRUE(restart.has_value());
  EXPECT_EQ(*restart, scenario.start + Duration::Seconds(70));
  EXPECT_EQ(session.service.clock().Now(), scenario.start + Duration::Seconds(12))
      << "a dropped request does not move the clock";
  EXPECT_EQ(session.playback->requests(), 3u) << "nor is it counted";
  EXPECT_EQ(session.playback->crashes_played(), 1);

  ASSERT_TRUE(session.service.clock().Set(*restart).ok());
  EXPECT_EQ(session.ListShards().status, 200);
  session.playback->Release();
  const std::vector<ClientVerdict> verdicts = session.playback->Finish(false);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].stats.crashes, 1u);
  EXPECT_EQ(verdicts[0].stats.restarts, 1u);
}

TEST(PlaybackProcess, ABatchJobsRerunIsARestartAndACrashWhileItIsStoppedOnlyBringsItBackSooner) {
  properties::Scenario scenario = CrashingScenario();
  scenario.crashes = {{Duration::Seconds(20), Duration::Seconds(30)}};
  scenario.rerun_after_exit = Duration::Hours(1);
  Session session(scenario);
  EXPECT_EQ(session.ListShards().status, 200);  // at 0 s; the clock then reads 4 s
  // It exits at 4 s: the crash at 20 s finds it stopped, and its restart at 50 s starts it
  // before its rerun at 1h4s would.
  const std::optional<sim::Instant> next =
      session.playback->Exited(scenario.start + Duration::Seconds(4));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, scenario.start + Duration::Seconds(50));
  ASSERT_TRUE(session.service.clock().Set(*next).ok());
  EXPECT_EQ(session.ListShards().status, 200);
  EXPECT_FALSE(session.playback->kill_due()) << "a client that was not running is not crashed";
  // It exits again at 54 s: its rerun comes an hour later, a restart too.
  const std::optional<sim::Instant> rerun =
      session.playback->Exited(scenario.start + Duration::Seconds(54));
  ASSERT_TRUE(rerun.has_value());
  EXPECT_EQ(*rerun, scenario.start + Duration::Seconds(54) + Duration::Hours(1));
  ASSERT_TRUE(session.service.clock().Set(*rerun).ok());
  EXPECT_EQ(session.ListShards().status, 200);
  session.playback->Release();
  const std::vector<ClientVerdict> verdicts = session.playback->Finish(true);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].stats.crashes, 0u);
  EXPECT_EQ(verdicts[0].stats.restarts, 2u);
}

}  // namespace
}  // namespace shardsim::clientcheck
