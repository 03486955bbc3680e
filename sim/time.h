// Virtual time for the simulation kernel.
//
// Time is an integer count of microseconds held in two strong types: `Duration` (a signed
// span) and `Instant` (a point, microseconds since the Unix epoch). Nothing in `sim/` reads a
// wall clock; a simulation starts at a chosen `Instant` (by default `kDefaultEpoch`) and time
// moves only when the kernel jumps to the next event.
//
// Arithmetic that would overflow 64 bits is a broken invariant and stops the program with a
// message (see check.h); ±292,000 years of microseconds leaves ample room for any scenario.
// Conversions to `absl::Time` / `absl::Duration` exist for the edges (printing, parsing,
// interop); sub-microsecond parts are truncated toward negative infinity.
#ifndef SHARDSIM_SIM_TIME_H_
#define SHARDSIM_SIM_TIME_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/check.h"

namespace shardsim::sim {

namespace time_internal {
inline int64_t CheckedAdd(int64_t a, int64_t b) {
  int64_t out;
  SHARDSIM_CHECK(!__builtin_add_overflow(a, b, &out), "virtual time overflow in addition");
  return out;
}
inline int64_t CheckedSub(int64_t a, int64_t b) {
  int64_t out;
  SHARDSIM_CHECK(!__builtin_sub_overflow(a, b, &out), "virtual time overflow in subtraction");
  return out;
}
inline int64_t CheckedMul(int64_t a, int64_t b) {
  int64_t out;
  SHARDSIM_CHECK(!__builtin_mul_overflow(a, b, &out), "virtual time overflow in multiplication");
  return out;
}
}  // namespace time_internal

// A signed span of virtual time with microsecond resolution.
class Duration {
 public:
  constexpr Duration() = default;

  static constexpr Duration Micros(int64_t us) { return Duration(us); }
  static Duration Millis(int64_t ms) { return Duration(time_internal::CheckedMul(ms, 1'000)); }
  static Duration Seconds(int64_t s) { return Duration(time_internal::CheckedMul(s, 1'000'000)); }
  static Duration Minutes(int64_t m) { return Seconds(time_internal::CheckedMul(m, 60)); }
  static Duration Hours(int64_t h) { return Seconds(time_internal::CheckedMul(h, 3'600)); }
  static Duration Days(int64_t d) { return Seconds(time_internal::CheckedMul(d, 86'400)); }
  static constexpr Duration Zero() { return Duration(0); }
  // Truncates toward negative infinity to whole microseconds.
  static Duration FromAbsl(absl::Duration d);

  constexpr int64_t micros() const { return us_; }
  // Whole milliseconds / seconds, truncated toward negative infinity.
  constexpr int64_t millis() const { return FloorDiv(us_, 1'000); }
  constexpr int64_t seconds() const { return FloorDiv(us_, 1'000'000); }
  absl::Duration ToAbsl() const { return absl::Microseconds(us_); }
  // "1h2m3.5s"-style text, as absl::FormatDuration prints it.
  std::string ToString() const;

  friend Duration operator+(Duration a, Duration b) {
    return Duration(time_internal::CheckedAdd(a.us_, b.us_));
  }
  friend Duration operator-(Duration a, Duration b) {
    return Duration(time_internal::CheckedSub(a.us_, b.us_));
  }
  friend Duration operator*(Duration a, int64_t k) {
    return Duration(time_internal::CheckedMul(a.us_, k));
  }
  friend Duration operator*(int64_t k, Duration a) { return a * k; }
  // Integer division of spans: how many whole `b` fit in `a` (truncated toward zero).
  friend int64_t operator/(Duration a, Duration b) {
    SHARDSIM_CHECK(b.us_ != 0, "division of a duration by a zero duration");
    return a.us_ / b.us_;
  }
  Duration& operator+=(Duration b) { return *this = *this + b; }
  Duration& operator-=(Duration b) { return *this = *this - b; }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t us) : us_(us) {}
  static constexpr int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  }
  int64_t us_ = 0;
};

// A point in virtual time: microseconds since 1970-01-01T00:00:00Z.
class Instant {
 public:
  constexpr Instant() = default;

  static constexpr Instant FromUnixMicros(int64_t us) { return Instant(us); }
  static Instant FromUnixMillis(int64_t ms) {
    return Instant(time_internal::CheckedMul(ms, 1'000));
  }
  static Instant FromUnixSeconds(int64_t s) {
    return Instant(time_internal::CheckedMul(s, 1'000'000));
  }
  // Truncates toward negative infinity to whole microseconds.
  static Instant FromAbsl(absl::Time t);
  // RFC 3339 ("2023-04-06T00:41:28Z"; fractions and offsets allowed), truncated to whole
  // microseconds; InvalidArgument naming the text otherwise. The one parser of times in the
  // tree: flags, scenario files, the clock API and the scripted walks all use it.
  static absl::StatusOr<Instant> Parse(std::string_view text);

  constexpr int64_t unix_micros() const { return us_; }
  int64_t unix_millis() const { return (*this - Instant()).millis(); }
  int64_t unix_seconds() const { return (*this - Instant()).seconds(); }
  absl::Time ToAbsl() const { return absl::FromUnixMicros(us_); }
  // RFC 3339 in UTC with six fractional digits, e.g. "2023-04-05T07:08:10.670000Z".
  std::string ToString() const;
  // Appends ToString()'s text to `out` (without a temporary string).
  void AppendTo(std::string& out) const;

  friend Instant operator+(Instant t, Duration d) {
    return Instant(time_internal::CheckedAdd(t.us_, d.micros()));
  }
  friend Instant operator-(Instant t, Duration d) {
    return Instant(time_internal::CheckedSub(t.us_, d.micros()));
  }
  friend Duration operator-(Instant a, Instant b) {
    return Duration::Micros(time_internal::CheckedSub(a.us_, b.us_));
  }
  Instant& operator+=(Duration d) { return *this = *this + d; }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// Where a simulation starts unless told otherwise: 2023-01-01T00:00:00Z.
inline constexpr Instant kDefaultEpoch = Instant::FromUnixMicros(1'672'531'200'000'000);

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_TIME_H_
