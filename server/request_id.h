// What stamps every response of the service: a deterministic request id pair (x-amzn-RequestId
// and x-amz-id-2) drawn from the seed and a request counter, and the call's virtual time
// (x-shardsim-virtual-time). Same seed and counter, same ids: sessions replay byte for byte.
#ifndef SHARDSIM_SERVER_REQUEST_ID_H_
#define SHARDSIM_SERVER_REQUEST_ID_H_

#include <cstdint>
#include <string>

#include "sim/time.h"

namespace shardsim::server {

// The n-th request's x-amzn-RequestId, a UUID-shaped 8-4-4-4-12 hex text; its x-amz-id-2
// (32 base64 characters) is appended to `id2`.
std::string RequestId(uint64_t seed, uint64_t n, std::string& id2);

// RFC 3339 with microseconds, exactly as sim::Instant::ToString() prints it. Hand-written
// because it is on every response: it caches the date part per second, and absl::FormatTime
// cost about a microsecond when measured.
std::string FormatVirtualTime(sim::Instant t);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_REQUEST_ID_H_
