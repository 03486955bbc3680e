// A strict reader of one JSON object, for versioned file formats: every key the format names
// must be read, a key it does not name is an error, and every value is checked for its type
// and range. The first problem is kept as an InvalidArgument "<path> <what>" (for example
// `scenario.stream key "retention_us" must be between 1 and ...`); later reads after a
// problem return neutral values, so a reader function can read straight through and ask
// Finish() once.
#ifndef SHARDSIM_PROPERTIES_INTERNAL_STRICT_JSON_READER_H_
#define SHARDSIM_PROPERTIES_INTERNAL_STRICT_JSON_READER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "sim/time.h"

namespace shardsim::properties::internal {

// The longest duration a file may give: 100 years, in microseconds. Virtual time holds about
// 292,000 years, so any sum of a few such durations and a start time stays representable.
inline constexpr int64_t kMaxMicros = int64_t{100} * 366 * 24 * 3600 * 1'000'000;

class StrictJsonReader {
 public:
  // `path` names the object in messages ("scenario", "scenario.stream", "scenario.puts[3]").
  StrictJsonReader(const nlohmann::json& object, std::string path);

  // The value of `key`, marked as read; a missing key is an error (and returns null).
  const nlohmann::json& Get(const std::string& key);
  // "<path>.<key>", the path of a nested object.
  std::string Path(const std::string& key) const;

  int64_t Int(const std::string& key, int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  uint64_t Unsigned(const std::string& key);
  // At most kMaxMicros, so that the sums a run makes of a file's times cannot overflow.
  sim::Duration Micros(const std::string& key, int64_t min = 0);
  // null reads as nullopt.
  std::optional<int64_t> OptionalInt(const std::string& key, int64_t min = 1,
                                     int64_t max = INT64_MAX);
  std::string String(const std::string& key);
  const nlohmann::json& Array(const std::string& key);

  // Call after reading every key: an unknown key is an error. Returns the first problem.
  absl::Status Finish();
  // Records a problem "<path> <what>" unless one is already recorded.
  void Fail(const std::string& what);
  bool ok() const { return error_.ok(); }
  // Keeps `inner` (the status of a nested read) as this reader's problem if it has none.
  absl::Status Merge(const absl::Status& inner);

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> seen_;
  absl::Status error_;
};

}  // namespace shardsim::properties::internal

#endif  // SHARDSIM_PROPERTIES_INTERNAL_STRICT_JSON_READER_H_
