// MillisBehindLatest as a pure function of what a GetRecords response leaves behind: the rule
// stated in kinesis_model.h, with no shard to consult, so that a test can check it case by case.
// Internal to the model.
#ifndef SHARDSIM_MODEL_INTERNAL_MILLIS_BEHIND_LATEST_H_
#define SHARDSIM_MODEL_INTERNAL_MILLIS_BEHIND_LATEST_H_

#include <cstdint>
#include <optional>

#include "sim/time.h"

namespace shardsim::model::internal {

// Facts about P, the position NextShardIterator names, at the time of the call.
struct NextPositionFacts {
  sim::Instant now;
  sim::Instant bucket_start;               // start of P's bucket
  std::optional<sim::Instant> bucket_end;  // end of P's bucket; nullopt: it has no end
  bool record_waiting = false;             // a record that has arrived lies at or after P
  // Arrival time of the record at P when P's bucket still holds it.
  std::optional<sim::Instant> record_at_position;
};

// 0 when P lies in the open bucket (one with no end, or one ending after now) and no record
// is waiting; otherwise max(1, now - T) in milliseconds, T being the arrival time of the record
// at P if P's bucket holds one, else the start of P's bucket. (A response that ends a closed
// shard has no P; its MillisBehindLatest is 0.)
int64_t MillisBehindLatest(const NextPositionFacts& p);

}  // namespace shardsim::model::internal

#endif  // SHARDSIM_MODEL_INTERNAL_MILLIS_BEHIND_LATEST_H_
