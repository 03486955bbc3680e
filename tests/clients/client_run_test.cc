// A real client's case (RunClientCase) and its check (CheckClient, the check engine with a
// ClientRunner), with examples/python/drain.py as the client.
#include "clientcheck/client_run.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "clientcheck/client_check.h"
#include "properties/check.h"
#include "properties/scenario_files.h"
#include "sim/hash.h"

namespace shardsim::clientcheck {
namespace {

ClientOptions Drain() {
  ClientOptions options;
  options.command =
      std::string(SHARDSIM_CLIENTS_PYTHON) + " " + SHARDSIM_EXAMPLES_DIR + "/python/drain.py";
  return options;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ClientRun, ACaseHashIsTheHashOfItsServerLogAndTheSameTwice) {
  const consumer::StrategyInfo strategy = ClientStrategy(std::nullopt);
  const properties::Scenario scenario =
      properties::GenerateCase(strategy, 1, 0, ClientGeneratorOptions());
  const std::string log =
      (std::filesystem::temp_directory_path() / "shardsim-client-run-test.jsonl").string();
  ClientOptions with_log = Drain();
  with_log.log_path = log;
  const absl::StatusOr<ClientRun> logged = RunClientCase(scenario, with_log);
  ASSERT_TRUE(logged.ok()) << logged.status();
  const std::string bytes = ReadFile(log);
  std::remove(log.c_str());
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(logged->log_hash, sim::HashBytes(bytes));
  const absl::StatusOr<ClientRun> again = RunClientCase(scenario, Drain());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->log_hash, logged->log_hash) << "the log is written or not, the same run";
}

TEST(ClientCheck, EveryCaseHashIsThatCasesServerLogHash) {
  ClientCheckOptions options;
  options.client = Drain();
  options.cases = 2;
  options.jobs = 2;
  const absl::StatusOr<ClientCheckResult> result = CheckClient(options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_FALSE(result->check.failure.has_value());
  ASSERT_EQ(result->check.case_hashes.size(), 2u);
  EXPECT_EQ(result->case_wall_seconds.size(), 2u);
  const consumer::StrategyInfo strategy = ClientStrategy(std::nullopt);
  for (const auto& [k, hash] : result->check.case_hashes) {
    const absl::StatusOr<ClientRun> run =
        RunClientCase(properties::GenerateCase(strategy, 1, k, options.generator), Drain());
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->log_hash, hash) << "case " << k;
  }
}

// examples/python/poller.py with the seed article's bug, seed 1, 20 cases: case 3 fails; the
// minimal scenario and the shrink counts are pinned (the scenario file is what
// `shardsim check --client ... --cases 20` saved once the numbered cases took their foci).
TEST(ClientCheck, TheClientRunnerShrinksToThePinnedWitness) {
  ClientCheckOptions options;
  options.client.command = std::string(SHARDSIM_CLIENTS_PYTHON) + " " + SHARDSIM_EXAMPLES_DIR +
                           "/python/poller.py --stop-on-first-empty-page";
  options.cases = 20;
  const absl::StatusOr<ClientCheckResult> result = CheckClient(options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->check.failure.has_value());
  const properties::Counterexample& c = *result->check.failure;
  EXPECT_EQ(c.case_index, std::optional<uint64_t>(3));
  EXPECT_EQ(c.report.violation->property, properties::Property::kNoAbandonedShard);
  EXPECT_EQ(c.shrink_steps, 14);
  EXPECT_EQ(c.shrink_runs, 22);
  EXPECT_FALSE(result->shrink_stopped_at_bound);
  const absl::StatusOr<properties::Scenario> before =
      properties::ReadScenarioFile(std::string(SHARDSIM_CLIENTS_SCENARIOS) +
                                   "/poller-stop-on-first-empty-page-seed1-minimal.json");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(c.minimal == *before) << properties::ShowScenario(c.minimal);
  ASSERT_TRUE(result->failure_run.has_value());
  EXPECT_EQ(result->failure_run->violation->property, properties::Property::kNoAbandonedShard);
  EXPECT_EQ(result->check.cases_run, 4u);
}

}  // namespace
}  // namespace shardsim::clientcheck
