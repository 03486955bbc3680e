// The server's virtual clock: the one place `shardsim serve` reads wall time.
//
// Modes:
//   manual    time moves only by `latency` after each Kinesis call and when told (Advance/Set);
//             the default, and the only deterministic one.
//   scaled:K  K virtual seconds pass per wall second (K > 0, e.g. 60 or 0.5), from `start`.
//   wall      virtual time is the real time (taken once at start, then advanced by a steady
//             clock, so it never goes back).
//   per-request:STEP
//             time moves only by STEP after each Kinesis call (and when told), never with the
//             wall clock: a real client's run is then a function of its requests alone. It
//             assumes the client does not measure its own wall time (its sleeps cost it wall
//             time and nothing else). Deterministic, like manual.
// In every mode Advance adds to the clock and Set jumps to a time; neither may move it back
// (an error). Now() never decreases, as the model requires.
#ifndef SHARDSIM_SERVER_CLOCK_H_
#define SHARDSIM_SERVER_CLOCK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/time.h"

namespace shardsim::server {

using sim::Duration;
using sim::Instant;

// Where wall time comes from; tests substitute their own.
class WallSource {
 public:
  virtual ~WallSource() = default;
  virtual absl::Time RealNow() = 0;
  // A monotonic clock in microseconds (any origin).
  virtual int64_t SteadyMicros() = 0;
  // The process's real clocks.
  static WallSource& Real();
};

struct ClockMode {
  enum class Kind { kManual, kScaled, kWall, kPerRequest };
  Kind kind = Kind::kManual;
  double scale = 1.0;  // virtual seconds per wall second, for kScaled
  // kPerRequest: the virtual time each Kinesis call takes; absent in "per-request" without a
  // step (the command fills it in, see `shardsim serve --clock`).
  std::optional<Duration> step;

  // "manual", "scaled:K", "wall", "per-request" or "per-request:STEP" (STEP as 1.2s, 250ms).
  static absl::StatusOr<ClockMode> Parse(std::string_view text);
  std::string ToString() const;
};

class VirtualClock {
 public:
  // `start` is ignored in wall mode. REQUIRES: `wall` outlives the clock.
  VirtualClock(ClockMode mode, Instant start, Duration latency,
               WallSource& wall = WallSource::Real());

  Instant Now();
  // After a Kinesis call: manual mode moves by the latency, per-request by its step; the
  // others by nothing.
  void AfterCall();
  absl::Status Advance(Duration by);
  absl::Status Set(Instant to);
  const ClockMode& mode() const { return mode_; }
  Duration latency() const { return latency_; }

 private:
  Instant Computed();

  ClockMode mode_;
  Duration latency_;
  WallSource& wall_;
  Instant base_;  // virtual time at steady_base_us_ (plus offsets)
  int64_t steady_base_us_ = 0;
  Instant last_;  // the latest time Now() returned
};

// RFC 3339 with microseconds: "2023-04-05T07:08:10.670000Z".
std::string FormatTime(Instant t);
// Accepts RFC 3339 ("2023-04-06T00:41:28Z", fractions and offsets allowed).
absl::StatusOr<Instant> ParseTime(std::string_view text);
// Go-style durations as absl::ParseDuration reads them ("17h33m", "250ms", "1.5s").
absl::StatusOr<Duration> ParseDurationText(std::string_view text);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_CLOCK_H_
