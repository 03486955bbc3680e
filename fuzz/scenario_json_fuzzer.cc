// Fuzz target: scenario JSON (properties/scenario_json.h). Any bytes load to a scenario or to
// an InvalidArgument; what loads saves to bytes that load to an equal scenario, and saving
// that again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fuzz/fuzz_check.h"
#include "properties/scenario.h"
#include "properties/scenario_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using shardsim::properties::Scenario;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<Scenario> loaded = shardsim::properties::ScenarioFromJson(text);
  if (!loaded.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(loaded.status()), loaded.status().ToString());
    FUZZ_CHECK(!loaded.status().message().empty(), "an error without a message");
    return 0;
  }
  const std::string saved = shardsim::properties::ScenarioToJson(*loaded);
  const absl::StatusOr<Scenario> reloaded = shardsim::properties::ScenarioFromJson(saved);
  FUZZ_CHECK(reloaded.ok(), reloaded.status().ToString() + "\nsaved:\n" + saved);
  FUZZ_CHECK(*reloaded == *loaded, "the saved scenario loads to a different one:\n" + saved);
  FUZZ_CHECK(shardsim::properties::ScenarioToJson(*reloaded) == saved,
             "saving the reloaded scenario gives other bytes:\n" + saved);
  return 0;
}
