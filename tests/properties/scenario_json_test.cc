#include "properties/scenario_json.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/pfr.hpp>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

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
  s.competing_readers = {
      {Duration::Seconds(1), Duration::Seconds(2), Duration::Millis(50), "shardId-000000000000"}};
  s.rerun_after_exit = Duration::Minutes(3);
  return s;
}

// A scenario whose every field, down to each stream option and shard limit, differs from its
// default (checked field by field below), so a field the JSON drops fails the round trip.
Scenario EveryFieldSet() {
  Scenario s = Sample();
  s.seed = 77;
  s.start = sim::kDefaultEpoch + Duration::Days(3);
  s.stream_name = "orders";
  s.shard_count = 3;
  s.call_latency = Duration::Millis(35);
  s.processing_time_per_record = Duration::Millis(7);
  s.liveness_budget = Duration::Hours(5);
  s.max_events = 123'456;
  s.max_calls_per_second = 11;
  model::StreamOptions& o = s.stream;
  o.retention = Duration::Hours(48);
  o.iterator_lifetime = Duration::Seconds(200);
  o.counter_start = 42;
  o.counter_step_per_bucket = 17;
  o.dense_counter_slot = Duration::Seconds(60);
  o.status_change_delay = Duration::Seconds(3);
  model::ShardLimits& l = o.limits;
  l.get_records_per_second = 4;
  l.read_bytes_per_second = 1 << 20;
  l.throttle_after_large_response = std::nullopt;
  l.large_response_bytes = 5 << 20;
  l.get_shard_iterator_per_second = 3;
  l.put_records_per_second = 500;
  l.put_bytes_per_second = std::nullopt;
  l.max_record_bytes = 1 << 19;
  l.max_get_records_bytes = 1 << 22;
  return s;
}

// The indices of the fields of `a` (an aggregate) equal to those of `b`.
template <typename T>
std::vector<size_t> FieldsEqual(const T& a, const T& b) {
  std::vector<size_t> equal;
  const auto ta = boost::pfr::structure_tie(a);
  const auto tb = boost::pfr::structure_tie(b);
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((std::get<I>(ta) == std::get<I>(tb) ? equal.push_back(I) : void()), ...);
  }
  (std::make_index_sequence<boost::pfr::tuple_size_v<T>>());
  return equal;
}

TEST(ScenarioJson, TheEveryFieldSampleSetsEveryFieldOfScenarioStreamOptionsAndLimits) {
  const Scenario s = EveryFieldSet();
  const Scenario defaults;
  EXPECT_EQ(FieldsEqual(s, defaults), std::vector<size_t>{})
      << "Scenario fields (by index) left at their default in EveryFieldSet()";
  EXPECT_EQ(FieldsEqual(s.stream, defaults.stream), std::vector<size_t>{})
      << "StreamOptions fields left at their default in EveryFieldSet()";
  EXPECT_EQ(FieldsEqual(s.stream.limits, defaults.stream.limits), std::vector<size_t>{})
      << "ShardLimits fields left at their default in EveryFieldSet()";
  EXPECT_EQ(FieldsEqual(s.stream.buckets, defaults.stream.buckets), std::vector<size_t>{});
}

TEST(ScenarioJson, EveryFieldRoundTrips) {
  const Scenario s = EveryFieldSet();
  const absl::StatusOr<Scenario> back = ScenarioFromJson(ScenarioToJson(s));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(FieldsEqual(*back, s).size(), boost::pfr::tuple_size_v<Scenario>)
      << ShowScenario(*back);
  EXPECT_EQ(FieldsEqual(back->stream, s.stream).size(),
            boost::pfr::tuple_size_v<model::StreamOptions>);
  EXPECT_EQ(FieldsEqual(back->stream.limits, s.stream.limits).size(),
            boost::pfr::tuple_size_v<model::ShardLimits>);
  EXPECT_TRUE(*back == s) << ShowScenario(*back);
}

TEST(ScenarioJson, EqualityComparesEveryField) {
  const Scenario s = EveryFieldSet();
  // For each field: a copy that differs from `s` in that field alone compares unequal.
  const Scenario defaults;
  const auto td = boost::pfr::structure_tie(defaults);
  [&]<size_t... I>(std::index_sequence<I...>) {
    (([&] {
       Scenario changed = s;
       std::get<I>(boost::pfr::structure_tie(changed)) = std::get<I>(td);
       EXPECT_FALSE(changed == s) << "field " << I;
     }()),
     ...);
  }
  (std::make_index_sequence<boost::pfr::tuple_size_v<Scenario>>());
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
  ExpectError(Mutate("\"limit\": 100", "\"limit\": 1.5"),
              "scenario params.limit must be an integer");
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

// Found while writing fuzz/scenario_run_fuzzer (the inputs are fuzz/corpus/scenario_json/
// huge-*.json): times near INT64_MAX loaded, and the run then stopped `shardsim replay
// --scenario` on a virtual-time overflow; a param above INT64_MAX wrapped to a negative value.
TEST(ScenarioJson, TimesBeyondAHundredYearsAndParamsBeyondSixtyFourBitsAreRefused) {
  ExpectError(Mutate("\"at_us\": 5000,", "\"at_us\": 9223372036854775000,"),
              "scenario.puts[0] key \"at_us\" must be between 0 and 3162240000000000, got "
              "9223372036854775000");
  ExpectError(
      Mutate("\"liveness_budget_us\": 7200000000", "\"liveness_budget_us\": 4000000000000000"),
      "scenario key \"liveness_budget_us\" must be between 0 and 3162240000000000, got "
      "4000000000000000");
  ExpectError(Mutate("\"start_us\": 1672531200000000", "\"start_us\": -1"),
              "scenario key \"start_us\" must be between 0 and 68719476735000000, got -1");
  ExpectError(Mutate("\"limit\": 100", "\"limit\": 9223372036854775808"),
              "scenario params.limit must be at most 9223372036854775807, got 9223372036854775808");
}

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
