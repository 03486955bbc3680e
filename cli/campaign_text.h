// What `check` prints for a campaign's results, written once from the result document
// (properties/campaign_result.h), so that `merge` of a campaign's shards prints, line for line,
// what the unsharded `check` printed, and exits as it did.
//
// A failure's report shows the timeline of the minimal scenario's run. `check` has that run;
// `merge` runs the minimal scenario again (the run is deterministic, so it is the same run)
// when this command knows the strategy, and otherwise prints the stored verdict and says why
// the timeline is missing.
#ifndef SHARDSIM_CLI_CAMPAIGN_TEXT_H_
#define SHARDSIM_CLI_CAMPAIGN_TEXT_H_

#include <string>
#include <string_view>

#include "properties/campaign_result.h"
#include "properties/generators.h"
#include "properties/harness.h"

namespace shardsim::cli {

// The generator options a result's `profile` names ("generated", "fixed:1s",
// "generated+long-gaps", ...); InputError for a profile this command cannot parse.
properties::GeneratorOptions GeneratorOptionsOfProfile(const std::string& profile);

// One strategy's block: "PASS name: ..." or "FAIL name (expected ...)" with its failure report
// and, when the minimal scenario was saved, the line naming the picture of the failing run
// (drawn next to the saved scenario, which is written there first if it is missing).
// `minimal_run` is the judged run of the failure's minimal scenario, with its trace.
// `all_strategies` (`check --all`) gives the probes one line; a check of one strategy prints
// their table.
std::string StrategyResultText(const properties::StrategyResult& result,
                               const properties::RunReport& minimal_run, bool all_strategies);

// The same block for a result whose minimal scenario cannot be run here (`why`: e.g. its
// strategy is not registered in this command): the stored verdict, without the timeline,
// saying why.
std::string StrategyResultTextWithoutRun(const properties::StrategyResult& result,
                                         std::string_view why, bool all_strategies);

// The domain situations (properties/probes.h) the result's cases reached: for one strategy a
// table of every probe that applies to how it reads, with the number of cases that reached it;
// for `check --all` one line; then, for a strategy that passed, a warning for each situation no
// case reached ("warning: NAME never saw ..."). "" for a result without probes.
std::string ProbeText(const properties::StrategyResult& result, bool all_strategies);

// The closing line of `check --all` ("every strategy met its expected verdict"; for a shard,
// whether a strategy expected to pass failed, and that the merge decides the rest), or "" for
// a check of one strategy.
std::string CampaignClosingLine(const properties::CampaignResult& campaign);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_CAMPAIGN_TEXT_H_
