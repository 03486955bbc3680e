#include "properties/scenario_json.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>

#include "properties/generators.h"
#include "properties/scenario_files.h"

namespace shardsim::properties {
namespace {

const consumer::StrategyInfo& Drain() {
  return *consumer::StrategyRegistry::Global().Find("drain-until-caught-up");
}

RC_GTEST_PROP(ScenarioJsonProperty, EveryGeneratedScenarioSurvivesARoundTrip, ()) {
  const Scenario scenario = *GenScenario(Drain());
  const std::string json = ScenarioToJson(scenario);
  const absl::StatusOr<Scenario> back = ScenarioFromJson(json);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == scenario);
  RC_ASSERT(ScenarioToJson(*back) == json);
}

Scenario Sample() {
  Scenario s;
  s.name = "sample";
  s.strategy = "drain-until-caught-up";
  s.params["limit"] = 100;
  s.stream.buckets = model::BucketProfile::Range(Duration::Seconds(1), Duration::Seconds(9));
  s.stream.limits.read_bytes_per_second.reset();
  s.stream.below_horizon = model::BelowHorizonBehavior::kStuckEmptyPages;
  s.puts = {{Duration::Millis(5), "k", "v"}};
  s.reshards = {{Duration::Seconds(3), ReshardSpec::Kind::kMerge, "shardId-000000000000", "",
                 "shardId-000000000001"}};
  s.crashes = {{Duration::Seconds(4), Duration::Seconds(5)}};
  s.competing_readers = {{Duration::Seconds(1), Duration::Seconds(2), Duration::Millis(50),
                          "shardId-000000000000"}};
  s.rerun_after_exit = Duration::Minutes(3);
  return s;
}

TEST(ScenarioJson, EveryFieldRoundTrips) {
  const Scenario s = Sample();
  const absl::StatusOr<Scenario> back = ScenarioFromJson(ScenarioToJson(s));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == s) << ShowScenario(*back);
}

std::string Mutate(const std::string& from, const std::string& to) {
  std::string json = ScenarioToJson(Sample());
  const size_t at = json.find(from);
  SHARDSIM_CHECK(at != std::string::npos, from);
  return json.replace(at, from.size(), to);
}

void ExpectError(const std::string& json, const std::string& message) {
  const absl::StatusOr<Scenario> s = ScenarioFromJson(json);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.status().message()), message);
}

TEST(ScenarioJson, RejectsWhatItCannotReadWithAMessageNamingTheKey) {
  ExpectError("{", "not valid JSON");
  ExpectError("[]", "scenario must be an object");
  ExpectError(Mutate("\"version\": 1", "\"version\": 2"),
              "scenario version 2 is not supported (this shardsim reads version 1)");
  ExpectError(Mutate("\"format\": \"shardsim-scenario\"", "\"format\": \"x\""),
              "scenario key \"format\" must be \"shardsim-scenario\"");
  ExpectError(Mutate("\"seed\": 1", "\"seed\": \"1\""),
              "scenario key \"seed\" must be a non-negative integer");
  ExpectError(Mutate("\"name\": \"sample\"", "\"name\": \"sample\", \"colour\": 3"),
              "scenario has unknown key \"colour\"");
  ExpectError(Mutate("\"shard_count\": 1", "\"shard_count\": 0"),
              "scenario key \"shard_count\" must be between 1 and 64, got 0");
  ExpectError(Mutate("\"buckets\": \"range:1s-9s\"", "\"buckets\": \"sparse\""),
              "scenario.stream key \"buckets\": unknown bucket profile 'sparse'; expected "
              "observed, dense, fixed:WIDTH or range:MIN-MAX");
  ExpectError(Mutate("\"kind\": \"merge\"", "\"kind\": \"shuffle\""),
              "scenario.reshards[0] key \"kind\" must be \"split\" or \"merge\"");
  ExpectError(Mutate("\"data\": \"v\",", ""), "scenario.puts[0] is missing key \"data\"");
  ExpectError(Mutate("\"limit\": 100", "\"limit\": 1.5"), "scenario params.limit must be an integer");
}

class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shardsim-json-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ScenarioFiles, AFileRoundTripsAndErrorsNameTheFile) {
  const std::string path = (dir_ / "ok.json").string();
  ASSERT_TRUE(WriteScenarioFile(Sample(), path).ok());
  const absl::StatusOr<Scenario> back = ReadScenarioFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == Sample());
  const std::string bad = Write("bad.json", "{\"format\": 1}");
  const absl::StatusOr<Scenario> broken = ReadScenarioFile(bad);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(std::string(broken.status().message()),
            bad + ": scenario key \"format\" must be a string");
  EXPECT_EQ(ReadScenarioFile((dir_ / "missing.json").string()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ScenarioFiles, ACorpusIsReadInNameOrderAndOneBadFileFailsItNamingTheFile) {
  ASSERT_TRUE(WriteScenarioFile(Sample(), (dir_ / "b.json").string()).ok());
  ASSERT_TRUE(WriteScenarioFile(Sample(), (dir_ / "a.json").string()).ok());
  Write("notes.txt", "not a scenario, and not read");
  auto corpus = ReadScenarioCorpus(dir_.string());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->size(), 2u);
  EXPECT_EQ((*corpus)[0].first, (dir_ / "a.json").string());
  const std::string bad = Write("c.json", Mutate("\"version\": 1", "\"version\": 9"));
  corpus = ReadScenarioCorpus(dir_.string());
  ASSERT_FALSE(corpus.ok());
  EXPECT_EQ(std::string(corpus.status().message()),
            bad + ": scenario version 9 is not supported (this shardsim reads version 1)");
  EXPECT_EQ(ReadScenarioCorpus((dir_ / "nope").string()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ScenarioJson, TheCheckedInCorpusReads) {
  const auto corpus = ReadScenarioCorpus(SHARDSIM_CORPUS_DIR);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_GE(corpus->size(), 3u);
}

}  // namespace
}  // namespace shardsim::properties
