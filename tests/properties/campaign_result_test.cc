#include "properties/campaign_result.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "properties/check.h"
#include "properties/scenario_files.h"

namespace shardsim::properties {
namespace {

using testing::HasSubstr;

const consumer::StrategyInfo& Drain() {
  return *consumer::StrategyRegistry::Global().Find("drain-until-caught-up");
}

// The campaign result of checking drain-until-caught-up on shard `index` of `count`.
CampaignResult Check(uint64_t seed, uint64_t cases, uint64_t index, uint64_t count,
                     const std::vector<std::pair<std::string, Scenario>>& corpus = {}) {
  CheckOptions options;
  options.seed = seed;
  options.cases = cases;
  options.shard_index = index;
  options.shard_count = count;
  options.corpus = corpus;
  const absl::StatusOr<CheckResult> result = CheckStrategy(Drain(), options);
  EXPECT_TRUE(result.ok()) << result.status();
  return CampaignResult{{StrategyResultOf(Drain(), *result, options, "generated", "saved.json")}};
}

// A corpus scenario drain-until-caught-up fails: one call per virtual second allowed.
std::vector<std::pair<std::string, Scenario>> FailingCorpus() {
  absl::StatusOr<Scenario> s = ReadScenarioFile(std::string(SHARDSIM_CORPUS_DIR) +
                                                "/one-record-just-before-a-bucket-edge.json");
  EXPECT_TRUE(s.ok()) << s.status();
  s->strategy = Drain().name;
  s->max_calls_per_second = 1;
  return {{"one-call-per-second.json", *s}};
}

absl::StatusOr<CampaignResult> Merge(const std::vector<CampaignResult>& shards) {
  std::vector<NamedCampaignResult> named;
  for (size_t i = 0; i < shards.size(); ++i) {
    named.push_back({"shard" + std::to_string(i) + ".json", shards[i]});
  }
  return MergeCampaignResults(named);
}

TEST(CampaignResult, APassingResultSurvivesAJsonRoundTripByteForByte) {
  const CampaignResult result = Check(3, 12, 1, 2);
  const std::string json = CampaignResultToJson(result);
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, result);
  EXPECT_EQ(CampaignResultToJson(*back), json);
  EXPECT_THAT(json, HasSubstr("\"format\": \"shardsim-check-result\""));
}

TEST(CampaignResult, AFailingResultSurvivesAJsonRoundTripWithItsMinimalScenario) {
  const CampaignResult result = Check(1, 5, 0, 1, FailingCorpus());
  ASSERT_TRUE(result.results[0].failure.has_value());
  EXPECT_EQ(result.results[0].failure->property, "bounded_call_rate");
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(CampaignResultToJson(result));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, result);
  EXPECT_FALSE(back->all_as_expected());
  EXPECT_TRUE(back->any_failed());
}

TEST(CampaignResult, ThreeShardsMergeToTheUnshardedResult) {
  const CampaignResult whole = Check(9, 31, 0, 1);
  const absl::StatusOr<CampaignResult> merged =
      Merge({Check(9, 31, 2, 3), Check(9, 31, 0, 3), Check(9, 31, 1, 3)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(CampaignResultToJson(*merged), CampaignResultToJson(whole));
  EXPECT_EQ(merged->results[0].cases_run, 31u);
}

TEST(CampaignResult, ShardsFailingOnTheCorpusMergeToTheUnshardedFailure) {
  const CampaignResult whole = Check(1, 20, 0, 1, FailingCorpus());
  const absl::StatusOr<CampaignResult> merged =
      Merge({Check(1, 20, 0, 2, FailingCorpus()), Check(1, 20, 1, 2, FailingCorpus())});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(CampaignResultToJson(*merged), CampaignResultToJson(whole));
  EXPECT_EQ(merged->results[0].cases_run, 0u) << "a corpus failure stops before any case";
}

TEST(CampaignResult, TheMergedFailureIsTheLowestFailingCaseAndLaterCasesAreDropped) {
  const CampaignResult failing = Check(1, 5, 0, 1, FailingCorpus());
  CampaignResult shard0 = Check(5, 10, 0, 2);
  CampaignResult shard1 = Check(5, 10, 1, 2);
  // Shard 0 stopped at case 6 and shard 1 at case 3 (shard 1 ran cases 1 and 3).
  auto fail_at = [&](CampaignResult& shard, uint64_t k) {
    StrategyResult& r = shard.results[0];
    r.failure = failing.results[0].failure;
    r.failure->case_index = k;
    r.failure->origin = "case " + std::to_string(k);
    std::erase_if(r.case_hashes, [k](const auto& p) { return p.first > k; });
    r.cases_run = r.case_hashes.size();
  };
  fail_at(shard0, 6);
  fail_at(shard1, 3);
  const absl::StatusOr<CampaignResult> merged = Merge({shard0, shard1});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const StrategyResult& m = merged->results[0];
  ASSERT_TRUE(m.failure.has_value());
  EXPECT_EQ(m.failure->case_index, 3u);
  ASSERT_EQ(m.case_hashes.size(), 4u) << "cases 0 to 3";
  EXPECT_EQ(m.case_hashes.back().first, 3u);
  EXPECT_EQ(m.cases_run, 4u);
  EXPECT_EQ(m.shard_count, 1u);
}

TEST(CampaignResult, ProbesOfEveryCaseSurviveTheRoundTripAndMergeLikeTheCaseHashes) {
  const CampaignResult whole = Check(9, 31, 0, 1);
  const StrategyResult& r = whole.results[0];
  ASSERT_TRUE(r.case_probes.has_value());
  EXPECT_EQ(r.case_probes->size(), 31u);
  EXPECT_EQ(r.probe_counts().cases, 31u);
  EXPECT_EQ(r.reads, "polling");
  const std::string json = CampaignResultToJson(whole);
  EXPECT_THAT(json, HasSubstr("\"bit_names\""));
  EXPECT_THAT(json, HasSubstr("\"same_millisecond_burst\": "));
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, whole);
  const absl::StatusOr<CampaignResult> merged = Merge({Check(9, 31, 1, 2), Check(9, 31, 0, 2)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->results[0].case_probes, r.case_probes);
}

TEST(CampaignResult, AResultWithoutProbesIsReadAsOneWithoutCoverage) {
  nlohmann::json doc = nlohmann::json::parse(CampaignResultToJson(Check(3, 4, 0, 1)));
  doc["results"][0].erase("probes");  // as written before probes existed
  doc["results"][0].erase("reads");
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(doc.dump());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->results[0].case_probes.has_value());
  EXPECT_EQ(back->results[0].probe_counts().cases, 0u);
}

TEST(CampaignResult, AnUnknownProbeNameIsAnErrorNamingIt) {
  std::string json = CampaignResultToJson(Check(3, 4, 0, 1));
  const size_t at = json.find("\"same_millisecond_burst\",");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 24, "\"a_probe_from_elsewhere\"");
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(json);
  ASSERT_FALSE(back.ok());
  EXPECT_THAT(std::string(back.status().message()), HasSubstr("a_probe_from_elsewhere"));
}

// One shard split at 1 min (its children shardId-000000000001 and -2), then shard 1 merged
// with shard 2 at 2 min.
Scenario SplitThenMerge() {
  Scenario s;
  s.shard_count = 1;
  s.reshards = {
      ReshardSpec{Duration::Minutes(1), ReshardSpec::Kind::kSplit, "shardId-000000000000", "", ""},
      ReshardSpec{Duration::Minutes(2), ReshardSpec::Kind::kMerge, "shardId-000000000001", "",
                  "shardId-000000000002"}};
  return s;
}

TEST(CampaignResult, TheShardsAWitnessInvolvesIncludeTheChildrenOfReshardsBeforeIt) {
  const Scenario s = SplitThenMerge();
  EXPECT_EQ(ShardsInvolved(s, s.start + Duration::Seconds(30)), 1) << "before the split";
  EXPECT_EQ(ShardsInvolved(s, s.start + Duration::Seconds(90)), 3) << "the parent, 2 children";
  EXPECT_EQ(ShardsInvolved(s, s.start + Duration::Minutes(5)), 4) << "and the merge's child";
  EXPECT_EQ(ShardsInvolved(s, std::nullopt), 4);
}

TEST(CampaignResult, AReshardTheStreamRefusesAddsNoShard) {
  Scenario s = SplitThenMerge();
  s.reshards[0].shard_id = "shardId-000000000007";  // no such shard: the merge fails too
  EXPECT_EQ(ShardsInvolved(s, std::nullopt), 1);
}

TEST(CampaignResult, ASplitWitnessReportsItsChildrenAsMinimalShards) {
  const consumer::StrategyInfo* ignore =
      consumer::StrategyRegistry::Global().Find("ignore-child-shards");
  ASSERT_NE(ignore, nullptr);
  CheckOptions options;
  options.seed = 1;
  const absl::StatusOr<CheckResult> result = CheckStrategy(*ignore, options);
  ASSERT_TRUE(result.ok() && result->failure.has_value());
  const Scenario& minimal = result->failure->minimal;
  ASSERT_FALSE(minimal.reshards.empty()) << "a child shard needs a reshard";
  const CampaignResult campaign{{StrategyResultOf(*ignore, *result, options, "generated", "")}};
  const std::string json = CampaignResultToJson(campaign);
  const int involved = ShardsInvolved(minimal, result->failure->report.violation->at);
  EXPECT_GT(involved, minimal.shard_count);
  EXPECT_THAT(json, HasSubstr(absl::StrCat("\"minimal_shards\": ", involved, ",")));
  // Read back, it is recomputed the same.
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(CampaignResultToJson(*back), json);
}

TEST(CampaignResult, ACheckAllResultFailsAsACommandOnlyWhenAStrategyMissesItsExpectedVerdict) {
  CampaignResult failing = Check(1, 5, 0, 1, FailingCorpus());
  EXPECT_TRUE(failing.failed_as_a_command()) << "one strategy that failed: exit 1";
  failing.all_strategies = true;
  EXPECT_TRUE(failing.failed_as_a_command()) << "drain is expected to pass";
  failing.results[0].expected = "bounded_call_rate";
  EXPECT_FALSE(failing.failed_as_a_command()) << "failed as expected: exit 0";
  failing.all_strategies = false;
  EXPECT_TRUE(failing.failed_as_a_command()) << "`check --strategy` exits 1 on any failure";
}

TEST(CampaignResult, AShardOfCheckAllFailsAsACommandOnlyWhenAStrategyExpectedToPassFailed) {
  CampaignResult shard = Check(1, 6, 0, 2);
  shard.all_strategies = true;
  shard.results[0].expected = "no_missed_records";
  EXPECT_TRUE(shard.is_a_shard());
  EXPECT_FALSE(shard.failed_as_a_command())
      << "the known-buggy strategy's failing case may lie in another shard";
  const CampaignResult failing = Check(1, 5, 0, 1, FailingCorpus());
  shard.results[0].failure = failing.results[0].failure;
  shard.results[0].expected = "pass";
  EXPECT_TRUE(shard.failed_as_a_command()) << "a strategy expected to pass failed";
  shard.results[0].expected = "no_missed_records";
  EXPECT_FALSE(shard.failed_as_a_command())
      << "another shard may hold a lower case failing with the expected property";
}

TEST(CampaignResult, AllStrategiesSurvivesTheRoundTripAndTheMerge) {
  CampaignResult shard0 = Check(4, 6, 0, 2);
  CampaignResult shard1 = Check(4, 6, 1, 2);
  shard0.all_strategies = shard1.all_strategies = true;
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(CampaignResultToJson(shard0));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->all_strategies);
  const absl::StatusOr<CampaignResult> merged = Merge({shard0, shard1});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->all_strategies);
}

TEST(CampaignResult, AFileWithoutAllStrategiesIsReadAsCheckAllOnlyWhenItHoldsSeveralStrategies) {
  CampaignResult one = Check(4, 3, 0, 1);
  auto without_key = [](const CampaignResult& r) {
    std::string json = CampaignResultToJson(r);
    const std::string key = "  \"all_strategies\": false,\n";
    json.erase(json.find(key), key.size());
    return CampaignResultFromJson(json);
  };
  absl::StatusOr<CampaignResult> read = without_key(one);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->all_strategies);
  CampaignResult two = one;
  two.results.push_back(one.results[0]);
  two.results.back().strategy = "another";
  read = without_key(two);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->all_strategies);
}

TEST(CampaignResult, ResultsOfCheckAllAndOfOneStrategyDoNotMerge) {
  CampaignResult shard0 = Check(4, 6, 0, 2);
  shard0.all_strategies = true;
  const absl::StatusOr<CampaignResult> merged = Merge({shard0, Check(4, 6, 1, 2)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "shard1.json: a result of one strategy, while shard0.json is of check --all");
}

TEST(CampaignResult, ShardsOfDifferentSeedsDoNotMerge) {
  const absl::StatusOr<CampaignResult> merged = Merge({Check(1, 6, 0, 2), Check(2, 6, 1, 2)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "shard1.json: \"seed\" of drain-until-caught-up differs from shard0.json");
}

TEST(CampaignResult, ShardsOfDifferentCaseCountsOrProfilesDoNotMerge) {
  EXPECT_THAT(std::string(Merge({Check(1, 6, 0, 2), Check(1, 7, 1, 2)}).status().message()),
              HasSubstr("\"cases\""));
  CampaignResult other_profile = Check(1, 6, 1, 2);
  other_profile.results[0].profile = "dense";
  EXPECT_THAT(std::string(Merge({Check(1, 6, 0, 2), other_profile}).status().message()),
              HasSubstr("\"profile\""));
}

TEST(CampaignResult, AShardGivenTwiceDoesNotMerge) {
  const absl::StatusOr<CampaignResult> merged =
      Merge({Check(1, 6, 0, 2), Check(1, 6, 0, 2), Check(1, 6, 1, 2)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "shard1.json: shard 0 of drain-until-caught-up appears twice");
}

TEST(CampaignResult, AMissingShardDoesNotMerge) {
  const absl::StatusOr<CampaignResult> merged = Merge({Check(1, 6, 1, 3), Check(1, 6, 0, 3)});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(), "drain-until-caught-up: 2 of 3 shards given");
}

TEST(CampaignResult, ShardsOfDifferentStrategiesEachLackTheirOtherShards) {
  CampaignResult other = Check(1, 6, 1, 2);
  other.results[0].strategy = "another-loop";
  const absl::StatusOr<CampaignResult> merged = Merge({Check(1, 6, 0, 2), other});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(), "drain-until-caught-up: 1 of 2 shards given");
}

TEST(CampaignResult, NothingToMergeIsAnError) { EXPECT_FALSE(MergeCampaignResults({}).ok()); }

TEST(CampaignResult, BadJsonIsAnErrorNamingTheProblem) {
  const std::string good = CampaignResultToJson(Check(1, 4, 0, 1));
  auto message = [](const std::string& text) {
    const absl::StatusOr<CampaignResult> r = CampaignResultFromJson(text);
    EXPECT_FALSE(r.ok()) << text;
    return std::string(r.status().message());
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_EQ(message("{\"format\": "), "not valid JSON");
  EXPECT_EQ(message("[]"), "not a shardsim check result (format \"shardsim-check-result\")");
  EXPECT_EQ(message(replaced("\"version\": 1", "\"version\": 2")),
            "unsupported result version (this shardsim reads 1)");
  EXPECT_EQ(message(replaced("\"results\"", "\"outcomes\"")), "missing \"results\" array");
  EXPECT_EQ(message(replaced("\"seed\": 1", "\"seed\": \"1\"")),
            "a result \"seed\" must be a non-negative integer");
  EXPECT_EQ(message(replaced("\"shard_index\": 0", "\"shard_index\": 4")),
            "result of drain-until-caught-up has shard index 4, not below its shard count 1");
  EXPECT_EQ(message(replaced("\"failure\": null", "\"failure\": \"oops\"")),
            "result of drain-until-caught-up \"failure\" must be null or an object");
  EXPECT_EQ(message(replaced("\"case_hashes\": [", "\"case_hashes\": [[0, \"xyz\"],")),
            "result of drain-until-caught-up \"case_hashes\" must be an array of [case, hex "
            "hash] pairs");
}

// Found while writing fuzz/campaign_result_fuzzer (its input is kept in
// fuzz/corpus/campaign_result/format-not-a-string): `shardsim merge` aborted with an uncaught
// nlohmann::json::type_error.
TEST(CampaignResult, AFormatThatIsNotAStringIsAnErrorNotACrash) {
  for (const char* text : {R"({"format": 1})", R"({"format": null, "version": 1, "results": []})",
                           R"({"format": ["shardsim-check-result"]})"}) {
    const absl::StatusOr<CampaignResult> r = CampaignResultFromJson(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().message(),
              "not a shardsim check result (format \"shardsim-check-result\")");
  }
}

TEST(CampaignResult, ShrinkCountsOutsideAnIntAreAnErrorNotTruncated) {
  std::string text = CampaignResultToJson(Check(1, 5, 0, 1, FailingCorpus()));
  for (const char* count : {"4294967297", "-1"}) {
    std::string bad = text;
    const std::string from = "\"shrink_steps\": ";
    const size_t at = bad.find(from) + from.size();
    bad.replace(at, bad.find(',', at) - at, count);
    const absl::StatusOr<CampaignResult> r = CampaignResultFromJson(bad);
    ASSERT_FALSE(r.ok()) << count;
    EXPECT_THAT(std::string(r.status().message()),
                HasSubstr("\"shrink_steps\" must be an integer from 0 to 2147483647"));
  }
}

TEST(CampaignResult, AFailureWithABrokenMinimalScenarioIsAnErrorNamingIt) {
  std::string text = CampaignResultToJson(Check(1, 5, 0, 1, FailingCorpus()));
  const std::string from = "\"max_calls_per_second\": 1";
  text.replace(text.find(from), from.size(), "\"max_calls_per_second\": 0");
  const absl::StatusOr<CampaignResult> r = CampaignResultFromJson(text);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("result of drain-until-caught-up failure \"minimal_scenario\": scenario "
                        "key \"max_calls_per_second\""));
}

}  // namespace
}  // namespace shardsim::properties
