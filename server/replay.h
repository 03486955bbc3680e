// Replaying a `shardsim serve --log` file: every logged request is sent again, in order, to a
// fresh KinesisService built from the log's header (seed, profile, clock, start, latency,
// create delay), and its time, status and response are compared with the logged ones.
//
// Requests are re-sent in the JSON form the log holds (a CBOR request as its JSON form, so the
// JSON form of the answers is compared); bodies that did not parse are re-sent byte for byte.
// A log recorded with a scaled or wall clock is replayed on a manual clock set to each line's
// logged time, so it reproduces as well. A subscription's deliveries (one line each, operation
// SubscribeToShardEvent) are replayed by pulling the replayed SubscribeToShard's stream at
// their logged time, whatever the clock, and comparing what it sends with what was logged.
#ifndef SHARDSIM_SERVER_REPLAY_H_
#define SHARDSIM_SERVER_REPLAY_H_

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/protocol.h"
#include "server/service.h"

namespace shardsim::server {

struct ReplayDifference {
  int line = 0;          // 1-based line of the log (the header is line 1)
  std::string field;     // "time", "status" or "response"
  std::string logged;    // the logged value (JSON)
  std::string replayed;  // what the replay answered (JSON)
};

struct ReplayResult {
  int requests = 0;                            // requests replayed
  std::optional<ReplayDifference> difference;  // the first one, if any
};

// What a log's session played besides its requests (the header's "scenario"): given the fresh
// service, the hooks that play it again; an error if they cannot.
using ReplayHooksFactory =
    std::function<absl::StatusOr<std::unique_ptr<ServiceHooks>>(KinesisService&)>;

// An error for a log that cannot be read (no header, a line that is not a logged request).
// A log whose header names a scenario needs `hooks` (an error otherwise).
absl::StatusOr<ReplayResult> ReplayLog(std::istream& log, const ReplayHooksFactory& hooks = {});

// One replayed request: its log line (1-based), the logged entry, and what the service answered.
struct ReplayedRequest {
  int line = 0;
  const Json& entry;
  const HttpResponse& response;
};

// The service a replay builds, and what plays the header's scenario in it (if any).
struct ReplaySession {
  std::unique_ptr<KinesisService> service;
  std::unique_ptr<ServiceHooks> playback;  // destroyed first: it may refer to the service
};

// The replay loop under ReplayLog and the pictures of served sessions: builds the service from
// the log's header into `session` (with `hooks`' playback when the header names a scenario),
// re-sends every logged request to it in order and calls `each` after each one; stops early
// when `each` returns false. Returns the number of requests re-sent, or an error for a log that
// cannot be read.
// `observer`, when given, sees every observed call of the replayed service (see
// KinesisService::AddCallObserver).
absl::StatusOr<int> ReplayEach(std::istream& log, ReplaySession& session,
                               const std::function<bool(const ReplayedRequest&)>& each,
                               const ReplayHooksFactory& hooks = {},
                               model::CallObserver* observer = nullptr);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_REPLAY_H_
