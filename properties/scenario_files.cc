#include "properties/scenario_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "properties/scenario_json.h"
#include "sim/strings.h"

namespace shardsim::properties {

absl::Status WriteScenarioFile(const Scenario& scenario, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  out << ScenarioToJson(scenario);
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<Scenario> scenario = ScenarioFromJson(buffer.str());
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", sim::ToString(scenario.status().message())));
  }
  return scenario;
}

absl::StatusOr<std::vector<std::pair<std::string, Scenario>>> ReadScenarioCorpus(
    const std::string& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return absl::NotFoundError(absl::StrCat(directory, ": not a directory"));
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) return absl::UnavailableError(absl::StrCat(directory, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, Scenario>> out;
  for (const std::string& file : files) {
    absl::StatusOr<Scenario> scenario = ReadScenarioFile(file);
    if (!scenario.ok()) return scenario.status();
    out.emplace_back(file, *std::move(scenario));
  }
  return out;
}

absl::StatusOr<std::string> SaveScenarioInDirectory(const Scenario& scenario,
                                                    const std::string& directory,
                                                    const std::string& stem) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot create ", directory, ": ", ec.message()));
  }
  const std::string path =
      (std::filesystem::path(directory) / absl::StrCat(stem, ".json")).string();
  if (absl::Status s = WriteScenarioFile(scenario, path); !s.ok()) return s;
  return std::filesystem::absolute(path, ec).string();
}

}  // namespace shardsim::properties
