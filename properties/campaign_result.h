// The result of a check campaign: what `shardsim check --output` writes for one shard and
// `shardsim merge` reads back, and the rule that merges the shards of a campaign into the
// result one unsharded run would have given.
//
// The format is {"format": "shardsim-check-result", "version": 1, "results": [...],
// "all_strategies": bool, "all_as_expected": bool}, one entry per strategy checked, with its seed,
// case count, bucket profile, shard, the trace hash of every generated case it ran and its failure,
// if any (including the minimal scenario). Keys are sorted, so the same result is the same bytes.
//
// Merging: the shards of one strategy must agree on seed, cases, profile and shard count, and
// each shard must appear exactly once. The campaign's failure is the one with the lowest case
// index (a corpus failure comes first of all), and the cases above it are dropped, as an
// unsharded run stops there. Shards must agree on `all_strategies` (`check --all` or one
// strategy), which decides the exit status of the campaign as of the unsharded run. Pure: no
// file system, no environment.
#ifndef SHARDSIM_PROPERTIES_CAMPAIGN_RESULT_H_
#define SHARDSIM_PROPERTIES_CAMPAIGN_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "consumer/strategy_registry.h"
#include "properties/check.h"
#include "properties/probes.h"
#include "properties/property.h"
#include "properties/scenario.h"
#include "sim/time.h"

namespace shardsim::properties {

inline constexpr int kCampaignResultVersion = 1;

struct CampaignFailure {
  std::string property;  // the property's name
  std::string message;
  std::string at;  // virtual time of the violation (RFC 3339)
  std::vector<std::string> witness;
  std::string origin;                  // "case 17" or the corpus file
  std::optional<uint64_t> case_index;  // none for a corpus failure
  int shrink_steps = 0;
  int shrink_runs = 0;
  std::string saved_scenario;  // where the minimal scenario was saved ("" if not)
  Scenario minimal_scenario;
  bool operator==(const CampaignFailure&) const = default;
};

// One strategy's result on one shard (or, merged, on the whole campaign: shard 0 of 1).
struct StrategyResult {
  std::string strategy;
  std::string expected;  // "pass" or the name of the property the strategy is known to fail
  uint64_t seed = 0;
  uint64_t cases = 0;   // of the whole campaign
  std::string profile;  // "generated", a bucket profile, with "+long-gaps" if so
  uint64_t shard_index = 0;
  uint64_t shard_count = 1;
  uint64_t cases_run = 0;  // generated cases this shard ran
  uint64_t corpus_run = 0;
  std::optional<CampaignFailure> failure;
  std::vector<std::pair<uint64_t, uint64_t>> case_hashes;  // (case, trace hash), case order
  // How the strategy reads (consumer::ReadApiName): which probes apply to it.
  std::string reads = "polling";
  // (case, the probes it reached), case order; absent in a result written before probes.
  std::optional<std::vector<std::pair<uint64_t, ProbeSet>>> case_probes;

  bool matches_expected() const;
  // How many of the cases run reached each probe (zero cases without case_probes).
  ProbeCounts probe_counts() const;
  consumer::ReadApi read_api() const;
  // One hash of every (case, trace hash) pair, in order.
  uint64_t cases_hash() const;
  bool operator==(const StrategyResult&) const = default;
};

struct CampaignResult {
  std::vector<StrategyResult> results;
  // `check --all` (judged against each strategy's expected verdict) rather than `--strategy`
  // (judged pass or fail). Read as false from a file without the key unless it holds more than
  // one strategy, which only `--all` writes.
  bool all_strategies = false;
  bool all_as_expected() const;
  bool any_failed() const;
  // Whether one of its results is a shard of a larger campaign (shard_count above 1).
  bool is_a_shard() const;
  // Whether `check` exits 1 for this result, which is so exactly when the merge of the whole
  // campaign will: for one strategy, when it failed; for `--all`, unsharded, when a strategy
  // missed its expected verdict, and as a shard, when a strategy expected to pass failed
  // (whether a known-buggy one failed as expected is known only once the shards are merged).
  bool failed_as_a_command() const;
  // A strategy expected to pass failed.
  bool a_passing_strategy_failed() const;
  bool operator==(const CampaignResult&) const = default;
};

// `check` of `strategy` with `options` as a result entry; `profile` names the generator
// settings and `saved_scenario` where the failure's minimal scenario was saved.
StrategyResult StrategyResultOf(const consumer::StrategyInfo& strategy, const CheckResult& check,
                                const CheckOptions& options, const std::string& profile,
                                const std::string& saved_scenario);

// The shards of `scenario`'s run up to `until` (a failure's time: its run ends there; absent:
// the whole run): its initial shards and the children of every reshard the stream model accepts
// by then (two for a split, one for a merge). A failure's `minimal_shards` in the JSON, so a
// witness that needs a split of one shard involves 3.
int ShardsInvolved(const Scenario& scenario, std::optional<sim::Instant> until);

// "pass" or the name of the property `strategy` is expected to fail.
std::string ExpectedVerdictName(const consumer::StrategyInfo& strategy);

// Pretty-printed JSON with sorted keys and a final newline.
std::string CampaignResultToJson(const CampaignResult& result);
// InvalidArgument naming the problem (invalid JSON, another format or version, a missing key
// or a value of the wrong type); a caller reading a file puts the file's name in front.
absl::StatusOr<CampaignResult> CampaignResultFromJson(std::string_view text);

// A shard's result and where it came from (a file name), for messages.
struct NamedCampaignResult {
  std::string source;
  CampaignResult result;
};
// The campaign's result, one entry per strategy in the order they first appear.
// InvalidArgument "<source>: ..." for shards that disagree or appear twice, and
// "<strategy>: N of M shards given" for a missing shard.
absl::StatusOr<CampaignResult> MergeCampaignResults(const std::vector<NamedCampaignResult>& shards);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_CAMPAIGN_RESULT_H_
