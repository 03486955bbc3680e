// The picture's time axis: piecewise linear from virtual time to x pixels, with every long
// stretch between two instants worth showing compressed into a fixed-width break.
//
// Given the instants worth showing, a gap between consecutive ones longer than a tenth of the
// whole span (and than a minute) becomes a break of kBreakPx; the other gaps share the
// remaining width, three quarters in proportion to their length and a quarter evenly (so that
// instants close together stay apart). At most ten breaks exist. Integer arithmetic
// only, so the same instants always map to the same pixels.
#ifndef SHARDSIM_TIMELINE_INTERNAL_AXIS_H_
#define SHARDSIM_TIMELINE_INTERNAL_AXIS_H_

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace shardsim::timeline::internal {

class Axis {
 public:
  static constexpr int64_t kBreakPx = 48;
  static constexpr int64_t kMarginPx = 10;

  struct Segment {
    int64_t t0, t1;  // unix microseconds
    int64_t x0, x1;
    bool compressed;
  };

  Axis() = default;
  // REQUIRES: x_left + 2 * kMarginPx + 10 * kBreakPx < x_right.
  Axis(std::vector<int64_t> instants_us, int64_t x_left, int64_t x_right);

  // Instants before the first or after the last worth showing are clamped to the ends.
  int64_t X(sim::Instant t) const;
  // Whether t lies strictly inside a compressed stretch.
  bool InBreak(sim::Instant t) const;
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  const Segment& SegmentOf(int64_t t_us) const;
  std::vector<Segment> segments_;
};

}  // namespace shardsim::timeline::internal

#endif  // SHARDSIM_TIMELINE_INTERNAL_AXIS_H_
