#include "sim/time.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace shardsim::sim {

namespace {
int64_t FloorMicros(absl::Duration d) {
  return absl::ToInt64Microseconds(absl::Floor(d, absl::Microseconds(1)));
}
}  // namespace

Duration Duration::FromAbsl(absl::Duration d) { return Duration(FloorMicros(d)); }

std::string Duration::ToString() const { return absl::FormatDuration(ToAbsl()); }

Instant Instant::FromAbsl(absl::Time t) { return Instant(FloorMicros(t - absl::UnixEpoch())); }

absl::StatusOr<Instant> Instant::Parse(std::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(text), "' is not an RFC 3339 time such as 2023-04-06T00:41:28Z"));
  }
  return FromAbsl(t);
}

std::string Instant::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

void Instant::AppendTo(std::string& text) const {
  // Civil date from days since the epoch (H. Hinnant's days_from_civil, inverted), which is
  // exact for the proleptic Gregorian calendar and much cheaper than a time-zone library.
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  int64_t days = us_ / kMicrosPerDay;
  int64_t micros_of_day = us_ % kMicrosPerDay;
  if (micros_of_day < 0) {
    micros_of_day += kMicrosPerDay;
    --days;
  }
  const int64_t z = days + 719'468;
  const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const int64_t doe = z - era * 146'097;
  const int64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const int64_t seconds = micros_of_day / 1'000'000;
  if (year < 0 || year > 9999) {
    char buffer[64];
    const int n = std::snprintf(
        buffer, sizeof(buffer), "%lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ",
        static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
        static_cast<long long>(seconds / 3'600), static_cast<long long>(seconds / 60 % 60),
        static_cast<long long>(seconds % 60), static_cast<long long>(micros_of_day % 1'000'000));
    text.append(buffer, static_cast<size_t>(n));
    return;
  }
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ", written digit by digit (this is on every trace line).
  char out[27];
  auto put = [&out](size_t at, int64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year, 4);
  out[4] = '-';
  put(5, month, 2);
  out[7] = '-';
  put(8, day, 2);
  out[10] = 'T';
  put(11, seconds / 3'600, 2);
  out[13] = ':';
  put(14, seconds / 60 % 60, 2);
  out[16] = ':';
  put(17, seconds % 60, 2);
  out[19] = '.';
  put(20, micros_of_day % 1'000'000, 6);
  out[26] = 'Z';
  text.append(out, sizeof(out));
}

}  // namespace shardsim::sim
