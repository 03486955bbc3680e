// The clock control API of `shardsim serve`, GET and POST /_shardsim/clock: GET answers the
// virtual clock's state, POST {"advance": "17h33m"} or {"set": "2023-04-06T00:41:28Z"} moves it
// (never back) and answers the new state. The service (service.h) routes, logs and stamps the
// answer; this is what the request means.
#ifndef SHARDSIM_SERVER_CLOCK_API_H_
#define SHARDSIM_SERVER_CLOCK_API_H_

#include <optional>
#include <string_view>

#include "server/api_error.h"
#include "server/clock.h"

namespace shardsim::server {

inline constexpr std::string_view kClockPath = "/_shardsim/clock";

// {"now": the clock's time (RFC 3339), "mode": its mode's text}.
Json ClockState(VirtualClock& clock);

// Applies a POST body (nullopt: not a JSON object) to `clock`. nullopt when applied; else the
// InvalidArgumentException to answer: the usage when the body is not exactly one "advance"
// duration or one "set" time, or why the clock refused it.
std::optional<ApiError> ApplyClockCommand(const std::optional<Json>& body, VirtualClock& clock);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_CLOCK_API_H_
