#include "server/clock_api.h"

#include <string>

#include "absl/status/statusor.h"

namespace shardsim::server {

Json ClockState(VirtualClock& clock) {
  return Json{{"now", clock.Now().ToString()}, {"mode", clock.mode().ToString()}};
}

std::optional<ApiError> ApplyClockCommand(const std::optional<Json>& body, VirtualClock& clock) {
  const ApiError usage = InvalidArgumentError(
      R"(the clock takes {"advance": "17h33m"} or {"set": "2023-04-06T00:41:28Z"})");
  if (!body || body->size() != 1) return usage;
  absl::Status status;
  if (body->contains("advance") && body->at("advance").is_string()) {
    absl::StatusOr<Duration> by = ParseDurationText(body->at("advance").get<std::string>());
    status = by.ok() ? clock.Advance(*by) : by.status();
  } else if (body->contains("set") && body->at("set").is_string()) {
    absl::StatusOr<Instant> to = ParseTime(body->at("set").get<std::string>());
    status = to.ok() ? clock.Set(*to) : to.status();
  } else {
    return usage;
  }
  if (!status.ok()) return InvalidArgumentError(std::string(status.message()));
  return std::nullopt;
}

}  // namespace shardsim::server
