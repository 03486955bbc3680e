#include "server/clock.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

class RealWall final : public WallSource {
 public:
  absl::Time RealNow() override { return absl::Now(); }
  int64_t SteadyMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

WallSource& WallSource::Real() {
  static RealWall wall;
  return wall;
}

absl::StatusOr<ClockMode> ClockMode::Parse(std::string_view text) {
  if (text == "manual") return ClockMode{Kind::kManual, 1.0, std::nullopt};
  if (text == "wall") return ClockMode{Kind::kWall, 1.0, std::nullopt};
  constexpr std::string_view kPerRequest = "per-request";
  if (text == kPerRequest) return ClockMode{Kind::kPerRequest, 1.0, std::nullopt};
  if (text.substr(0, kPerRequest.size() + 1) == sim::Cat(kPerRequest, ":")) {
    absl::StatusOr<Duration> step = ParseDurationText(text.substr(kPerRequest.size() + 1));
    if (!step.ok() || *step <= Duration::Zero()) {
      return absl::InvalidArgumentError(sim::Cat("clock mode '", text,
                                                 "': STEP in per-request:STEP must be a positive "
                                                 "duration such as 1.2s or 250ms"));
    }
    return ClockMode{Kind::kPerRequest, 1.0, *step};
  }
  constexpr std::string_view kScaled = "scaled:";
  if (text.substr(0, kScaled.size()) == kScaled) {
    double k = 0;
    const std::string_view number = text.substr(kScaled.size());
    if (absl::SimpleAtod(sim::ToAbsl(number), &k) && std::isfinite(k) && k > 0 && k <= 1e9) {
      return ClockMode{Kind::kScaled, k, std::nullopt};
    }
    return absl::InvalidArgumentError(sim::Cat(
        "clock mode '", text, "': K in scaled:K must be a number above 0 and at most 1e9"));
  }
  return absl::InvalidArgumentError(
      sim::Cat("clock mode '", text, "' is not manual, scaled:K, wall or per-request[:STEP]"));
}

std::string ClockMode::ToString() const {
  switch (kind) {
    case Kind::kManual:
      return "manual";
    case Kind::kWall:
      return "wall";
    case Kind::kScaled:
      return sim::Cat("scaled:", scale);
    case Kind::kPerRequest:
      return step ? sim::Cat("per-request:", step->ToString()) : std::string("per-request");
  }
  return "?";
}

VirtualClock::VirtualClock(ClockMode mode, Instant start, Duration latency, WallSource& wall)
    : mode_(mode), latency_(latency), wall_(wall) {
  steady_base_us_ = wall_.SteadyMicros();
  base_ = mode_.kind == ClockMode::Kind::kWall ? Instant::FromAbsl(wall_.RealNow()) : start;
  last_ = base_;
}

Instant VirtualClock::Computed() {
  if (mode_.kind == ClockMode::Kind::kManual || mode_.kind == ClockMode::Kind::kPerRequest) {
    return base_;
  }
  const int64_t elapsed_us = wall_.SteadyMicros() - steady_base_us_;
  const double scaled = static_cast<double>(elapsed_us) * mode_.scale;
  // A scaled clock runs for centuries before this bound; past it, time stops (never wraps).
  constexpr double kMaxUs = 1e17;
  return base_ + Duration::Micros(static_cast<int64_t>(std::min(scaled, kMaxUs)));
}

Instant VirtualClock::Now() {
  last_ = std::max(last_, Computed());
  return last_;
}

void VirtualClock::AfterCall() {
  if (mode_.kind == ClockMode::Kind::kManual) base_ = base_ + latency_;
  if (mode_.kind == ClockMode::Kind::kPerRequest) base_ = base_ + mode_.step.value_or(latency_);
}

absl::Status VirtualClock::Advance(Duration by) {
  if (by < Duration::Zero()) {
    return absl::InvalidArgumentError(
        sim::Cat("cannot advance by a negative duration (", by.ToString(), ")"));
  }
  constexpr int64_t kMaxAdvanceUs = int64_t{100} * 366 * 86'400 * 1'000'000;  // 100 years
  if (by.micros() > kMaxAdvanceUs) {
    return absl::InvalidArgumentError("cannot advance by more than 100 years at once");
  }
  // Sequence numbers encode times up to 2^36 s (the year 4147); time stops short of that.
  const Instant limit = Instant::FromUnixSeconds((int64_t{1} << 36) - 1);
  if (Now() > limit - by) {
    return absl::InvalidArgumentError(
        sim::Cat("cannot advance by ", by.ToString(), ": the clock cannot pass the year 4147"));
  }
  base_ = base_ + by;
  return absl::OkStatus();
}

absl::Status VirtualClock::Set(Instant to) {
  const Instant now = Now();
  if (to < now) {
    return absl::InvalidArgumentError(
        sim::Cat("cannot set the clock back from ", FormatTime(now), " to ", FormatTime(to)));
  }
  return Advance(to - now);
}

std::string FormatTime(Instant t) { return t.ToString(); }

absl::StatusOr<Instant> ParseTime(std::string_view text) {
  const absl::StatusOr<Instant> t = Instant::Parse(text);
  if (!t.ok()) return t.status();
  constexpr int64_t kMaxSeconds = int64_t{1} << 36;  // what sequence numbers encode
  if (t->unix_micros() < 0 || t->unix_seconds() > kMaxSeconds) {
    return absl::InvalidArgumentError(sim::Cat("'", text, "' lies outside 1970 to the year 4147"));
  }
  return *t;
}

absl::StatusOr<Duration> ParseDurationText(std::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(std::string(text), &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        sim::Cat("'", text, "' is not a duration such as 17h33m, 250ms or 1.5s"));
  }
  if ((d < absl::ZeroDuration() ? -d : d) > absl::Hours(24 * 366 * 1000)) {
    return absl::InvalidArgumentError(sim::Cat("duration '", text, "' is too long"));
  }
  return Duration::FromAbsl(d);
}

}  // namespace shardsim::server
