// Scenarios as versioned JSON, so a failing case can be saved, replayed and kept in a
// regression corpus.
//
// The format is {"format": "shardsim-scenario", "version": 1, ...} with every Scenario field;
// durations and instants are integer microseconds (keys ending in `_us`), limits that are
// switched off are null. Reading is strict: a missing or unknown key, a wrong type, an
// unknown version or a value out of range is an InvalidArgument naming the key (and, for
// files, the file).
#ifndef SHARDSIM_PROPERTIES_SCENARIO_JSON_H_
#define SHARDSIM_PROPERTIES_SCENARIO_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "properties/scenario.h"

namespace shardsim::properties {

inline constexpr int kScenarioFormatVersion = 1;

// Pretty-printed with sorted keys, so the same scenario always gives the same bytes.
std::string ScenarioToJson(const Scenario& scenario);
absl::StatusOr<Scenario> ScenarioFromJson(std::string_view json);

absl::Status WriteScenarioFile(const Scenario& scenario, const std::string& path);
absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path);

// Every *.json file of `directory`, read in name order; an unreadable, malformed or
// unknown-version file is an error naming it. A missing directory is NotFound.
absl::StatusOr<std::vector<std::pair<std::string, Scenario>>> ReadScenarioCorpus(
    const std::string& directory);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_JSON_H_
