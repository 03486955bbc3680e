#include "timeline/internal/axis.h"

#include <algorithm>

#include "sim/check.h"

namespace shardsim::timeline::internal {

Axis::Axis(std::vector<int64_t> instants_us, int64_t x_left, int64_t x_right) {
  SHARDSIM_CHECK(x_left + 2 * kMarginPx + 10 * kBreakPx < x_right, "the axis is too narrow");
  std::sort(instants_us.begin(), instants_us.end());
  instants_us.erase(std::unique(instants_us.begin(), instants_us.end()), instants_us.end());
  if (instants_us.empty()) instants_us.push_back(0);
  if (instants_us.size() == 1) instants_us.push_back(instants_us.front() + 1'000'000);
  const int64_t span = instants_us.back() - instants_us.front();
  const int64_t threshold = std::max<int64_t>(span / 10, 60'000'000);
  int64_t breaks = 0;
  int64_t linear_us = 0;
  for (size_t i = 0; i + 1 < instants_us.size(); ++i) {
    const int64_t gap = instants_us[i + 1] - instants_us[i];
    if (gap > threshold) {
      ++breaks;
    } else {
      linear_us += gap;
    }
  }
  // Each cluster (the linear segments between two breaks) gets a share of the width spread
  // evenly over its segments, so that events close in time stay apart; the rest of the width
  // goes by duration.
  const int64_t linear_px = x_right - x_left - 2 * kMarginPx - breaks * kBreakPx;
  const int64_t linear_segments = static_cast<int64_t>(instants_us.size()) - 1 - breaks;
  const int64_t even_px = linear_segments == 0 ? 0 : linear_px / 4;
  const int64_t by_time_px = linear_px - even_px;
  int64_t breaks_so_far = 0;
  int64_t linear_so_far = 0;
  int64_t segments_so_far = 0;
  auto x_at = [&] {
    const int64_t by_time =
        linear_us == 0
            ? 0
            : static_cast<int64_t>(static_cast<__int128>(linear_so_far) * by_time_px / linear_us);
    const int64_t even = linear_segments == 0 ? 0 : segments_so_far * even_px / linear_segments;
    return x_left + kMarginPx + breaks_so_far * kBreakPx + by_time + even;
  };
  for (size_t i = 0; i + 1 < instants_us.size(); ++i) {
    const int64_t gap = instants_us[i + 1] - instants_us[i];
    const bool compressed = gap > threshold;
    const int64_t x0 = x_at();
    if (compressed) {
      ++breaks_so_far;
    } else {
      linear_so_far += gap;
      ++segments_so_far;
    }
    segments_.push_back({instants_us[i], instants_us[i + 1], x0, x_at(), compressed});
  }
}

const Axis::Segment& Axis::SegmentOf(int64_t t_us) const {
  SHARDSIM_CHECK(!segments_.empty(), "an axis has at least one segment");
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t_us,
                             [](int64_t t, const Segment& s) { return t < s.t1; });
  if (it == segments_.end()) return segments_.back();
  return *it;
}

int64_t Axis::X(sim::Instant t) const {
  const int64_t t_us = std::clamp(t.unix_micros(), segments_.front().t0, segments_.back().t1);
  const Segment& s = SegmentOf(t_us);
  if (s.t1 == s.t0) return s.x0;
  return s.x0 +
         static_cast<int64_t>(static_cast<__int128>(t_us - s.t0) * (s.x1 - s.x0) / (s.t1 - s.t0));
}

bool Axis::InBreak(sim::Instant t) const {
  const int64_t t_us = t.unix_micros();
  for (const Segment& s : segments_) {
    if (s.compressed && s.t0 < t_us && t_us < s.t1) return true;
  }
  return false;
}

}  // namespace shardsim::timeline::internal
