#include "model/internal/millis_behind_latest.h"

#include <algorithm>

namespace shardsim::model::internal {

int64_t MillisBehindLatest(const NextPositionFacts& p) {
  const bool in_open_bucket = !p.bucket_end.has_value() || *p.bucket_end > p.now;
  if (in_open_bucket && !p.record_waiting) return 0;
  const sim::Instant position_time = p.record_at_position.value_or(p.bucket_start);
  return std::max<int64_t>(1, (p.now - position_time).millis());
}

}  // namespace shardsim::model::internal
