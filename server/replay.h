// Replaying a `shardsim serve --log` file: every logged request is sent again, in order, to a
// fresh KinesisService built from the log's header (seed, profile, clock, start, latency,
// create delay), and its time, status and response are compared with the logged ones.
//
// Requests are re-sent in the JSON form the log holds (a CBOR request as its JSON form, so the
// JSON form of the answers is compared); bodies that did not parse are re-sent byte for byte.
// A log recorded with a scaled or wall clock is replayed on a manual clock set to each line's
// logged time, so it reproduces as well.
#ifndef SHARDSIM_SERVER_REPLAY_H_
#define SHARDSIM_SERVER_REPLAY_H_

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace shardsim::server {

struct ReplayDifference {
  int line = 0;            // 1-based line of the log (the header is line 1)
  std::string field;       // "time", "status" or "response"
  std::string logged;      // the logged value (JSON)
  std::string replayed;    // what the replay answered (JSON)
};

struct ReplayResult {
  int requests = 0;  // requests replayed
  std::optional<ReplayDifference> difference;  // the first one, if any
};

class KinesisService;
class ServiceHooks;
// What a log's session played besides its requests (the header's "scenario"): given the fresh
// service, the hooks that play it again; an error if they cannot.
using ReplayHooksFactory =
    std::function<absl::StatusOr<std::unique_ptr<ServiceHooks>>(KinesisService&)>;

// An error for a log that cannot be read (no header, a line that is not a logged request).
// A log whose header names a scenario needs `hooks` (an error otherwise).
absl::StatusOr<ReplayResult> ReplayLog(std::istream& log, const ReplayHooksFactory& hooks = {});

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_REPLAY_H_
