// Fuzz target: `shardsim replay --log` (server/replay.h) reading a serve log. Any bytes replay
// to a result (the requests replayed and the first difference, if any) or to an
// InvalidArgument naming the line; nothing a log holds crashes it or makes the service it
// replays against answer with a 5xx it did not log.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "fuzz/fuzz_check.h"
#include "server/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream log(std::string(reinterpret_cast<const char*>(data), size));
  const absl::StatusOr<shardsim::server::ReplayResult> result = shardsim::server::ReplayLog(log);
  if (!result.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(result.status()), result.status().ToString());
    return 0;
  }
  if (result->difference && result->difference->field == "status") {
    FUZZ_CHECK(result->difference->replayed.size() != 3 || result->difference->replayed[0] != '5',
               "a replayed request was answered " + result->difference->replayed);
  }
  return 0;
}
