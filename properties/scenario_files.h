// Scenario files: the JSON of properties/scenario_json.h on disk, one scenario per file, and a
// regression corpus as a folder of them. Every function here reads or writes the file system,
// and only at the paths its caller gives: nothing is read from the environment or a default
// location.
#ifndef SHARDSIM_PROPERTIES_SCENARIO_FILES_H_
#define SHARDSIM_PROPERTIES_SCENARIO_FILES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "properties/scenario.h"

namespace shardsim::properties {

// Writes `scenario` to `path` (replacing it); Unavailable names the path when it cannot.
absl::Status WriteScenarioFile(const Scenario& scenario, const std::string& path);
// NotFound when `path` cannot be opened; InvalidArgument "<path>: <problem>" when it is not a
// valid scenario.
absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path);

// Every *.json file of `directory`, read in name order; an unreadable, malformed or
// unknown-version file is an error naming it. A missing directory is NotFound.
absl::StatusOr<std::vector<std::pair<std::string, Scenario>>> ReadScenarioCorpus(
    const std::string& directory);

// Saves `scenario` as <directory>/<stem>.json, creating `directory` if needed; returns the
// file's absolute path.
absl::StatusOr<std::string> SaveScenarioInDirectory(const Scenario& scenario,
                                                    const std::string& directory,
                                                    const std::string& stem);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_SCENARIO_FILES_H_
