// The events API of `shardsim serve`, POST /_shardsim/events: the application events a client
// reports (what it processed and checkpointed, and what it believes it has read), so the judge
// of a real client sees what the harness sees of an in-process one. The service (service.h)
// routes, logs and hands accepted events to its hooks; this is what a body means.
#ifndef SHARDSIM_SERVER_EVENTS_API_H_
#define SHARDSIM_SERVER_EVENTS_API_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_error.h"

namespace shardsim::server {

inline constexpr std::string_view kEventsPath = "/_shardsim/events";
// A bound on the events one request may carry.
inline constexpr size_t kMaxEventsPerRequest = 10'000;

// One event a client reports by POST /_shardsim/events, with a JSON body of one event or
// {"events": [...]}:
//   {"type": "processed",  "shard_id": S, "sequence_number": N}   the application consumed N
//   {"type": "checkpoint", "shard_id": S, "sequence_number": N}   it checkpointed at N
//   {"type": "checkpoint", "shard_id": S, "shard_end": true}      ... at the shard's end
//   {"type": "caught_up",  "shard_id": S}                         it believes S is read up to now
//   {"type": "shard_end",  "shard_id": S}                         it believes S is read to its end
// An optional "client" names the client (default: the Authorization header's access key id).
// The answer is {"accepted": count}, or 400 InvalidArgumentException naming the bad event.
struct ApplicationEvent {
  enum class Type { kProcessed, kCheckpoint, kCaughtUp, kShardEnd };
  Type type = Type::kProcessed;
  std::string shard_id;
  std::string sequence_number;  // processed, checkpoint (empty at a shard end)
  bool shard_end = false;       // checkpoint
};

// The events of one request and the client they are of.
struct EventBatch {
  std::string client;
  std::vector<ApplicationEvent> events;
};

// A request's body (a JSON object) read whole: every event valid, or the
// InvalidArgumentException naming the first bad one (and nothing accepted). `default_client`
// names the client when the body has no "client".
Decoded<EventBatch> ParseEvents(const Json& body, std::string default_client);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_EVENTS_API_H_
