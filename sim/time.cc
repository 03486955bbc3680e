#include "sim/time.h"

namespace shardsim::sim {

namespace {
int64_t FloorMicros(absl::Duration d) {
  return absl::ToInt64Microseconds(absl::Floor(d, absl::Microseconds(1)));
}
}  // namespace

Duration Duration::FromAbsl(absl::Duration d) { return Duration(FloorMicros(d)); }

std::string Duration::ToString() const { return absl::FormatDuration(ToAbsl()); }

Instant Instant::FromAbsl(absl::Time t) {
  return Instant(FloorMicros(t - absl::UnixEpoch()));
}

std::string Instant::ToString() const {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", ToAbsl(), absl::UTCTimeZone());
}

}  // namespace shardsim::sim
