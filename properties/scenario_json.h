// Scenarios as versioned JSON text, so a failing case can be saved, replayed and kept in a
// regression corpus (the files themselves: properties/scenario_files.h).
//
// The format is {"format": "shardsim-scenario", "version": 1, ...} with every Scenario field;
// durations and instants are integer microseconds (keys ending in `_us`), limits that are
// switched off are null. Reading is strict: a missing or unknown key, a wrong type, an
// unknown version or a value out of range is an InvalidArgument naming the key. Pure: no
// file system, no environment.
#ifndef SHARDSIM_PROPERTIES_SCENARIO_JSON_H_
#define SHARDSIM_PROPERTIES_SCENARIO_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "properties/scenario.h"

namespace shardsim::properties {

inline constexpr int kScenarioFormatVersion = 1;

// Pretty-printed (or on one line, for a fuzzer's inputs) with sorted keys, so the same scenario
// always gives the same bytes.
enum class JsonLayout { kPretty, kCompact };
std::string ScenarioToJson(const Scenario& scenario, JsonLayout layout = JsonLayout::kPretty);
absl::StatusOr<Scenario> ScenarioFromJson(std::string_view json);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_JSON_H_
