// The trace: a structured record of everything a simulation did, in order.
//
// Each record is (virtual time, actor, kind, ordered fields). It has one deterministic text
// line (`ToText`) and one JSON object (`ToJson`, for JSON Lines); fields keep the order in
// which they were given, so no hash-map order can reach the output. A trace can keep its
// records (for printing and replays) or only the running hash (for fast property runs);
// observers see every record as it is appended either way.
//
// The trace hash is XXH3-64 (sim/hash.h, seed 0) of the records' hash encodings, one after
// another (`TraceRecord::HashBytes`), computed as the records arrive, so a run that keeps
// only the hash renders no text. The encoding is a function of the record alone and can be
// decoded back to it, so two traces whose text differs have different hashes (up to hash
// collisions); it is fixed, and changing it re-pins every trace hash. One record:
//   time      8 bytes: Unix microseconds, two's complement, little-endian
//   actor     LEB128 byte count, then the bytes
//   kind      the same
//   fields    for each, in order: a tag byte (1 int64, 2 uint64, 3 bool, 4 string,
//             5 instant, 6 duration), the key as LEB128 count and bytes, then the value:
//             int64, uint64, instant (Unix us), duration (us) as 8 bytes little-endian;
//             bool as one byte 0 or 1; string as LEB128 count and bytes
//   end       one byte 0
//
// Text form:  2023-01-01T00:00:00.000000Z <actor> <kind> key=value key="string" ...
//   integers and booleans bare, strings double-quoted with \" \\ \n \t \xNN escapes,
//   instants as RFC 3339, durations in microseconds with a `us` suffix.
// JSON form:  {"t":"<RFC 3339>","t_us":<int>,"actor":"..","kind":"..","fields":{..}}
//   durations as integer microseconds, instants as RFC 3339 strings.
#ifndef SHARDSIM_SIM_TRACE_H_
#define SHARDSIM_SIM_TRACE_H_

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/hash.h"
#include "sim/time.h"

namespace shardsim::sim {

class TraceValue {
 public:
  using Variant = std::variant<int64_t, uint64_t, bool, std::string, Instant, Duration>;

  template <std::signed_integral T>
  TraceValue(T v) : value_(static_cast<int64_t>(v)) {}  // NOLINT: implicit on purpose
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) TraceValue(T v) : value_(static_cast<uint64_t>(v)) {}  // NOLINT
  TraceValue(bool v) : value_(v) {}                                                       // NOLINT
  TraceValue(const char* v) : value_(std::string(v)) {}                                   // NOLINT
  TraceValue(std::string_view v) : value_(std::string(v)) {}                              // NOLINT
  TraceValue(std::string v) : value_(std::move(v)) {}                                     // NOLINT
  TraceValue(Instant v) : value_(v) {}                                                    // NOLINT
  TraceValue(Duration v) : value_(v) {}                                                   // NOLINT

  const Variant& value() const { return value_; }
  void AppendText(std::string& out) const;
  void AppendJson(std::string& out) const;
  friend bool operator==(const TraceValue&, const TraceValue&) = default;

 private:
  Variant value_;
};

struct TraceField {
  std::string key;
  TraceValue value;
  friend bool operator==(const TraceField&, const TraceField&) = default;
};

struct TraceRecord {
  Instant time;
  std::string actor;
  std::string kind;
  std::vector<TraceField> fields;

  // The value of field `key`, or nullptr.
  const TraceValue* Find(std::string_view key) const;
  std::string ToText() const;
  std::string ToJson() const;
  // The bytes this record adds to the trace hash (the encoding in the header comment).
  std::string HashBytes() const;
  friend bool operator==(const TraceRecord&, const TraceRecord&) = default;
};

class Trace;

namespace trace_internal {
// A byte string written at its end through a raw pointer: Reserve room, write, CommitUpTo the
// end written. Measured: std::string::append per piece (about ten per trace line) cost more
// than the rest of the encoding.
class ByteBuffer {
 public:
  // Room for at least `n` more bytes at the returned pointer (invalidated by the next Reserve).
  char* Reserve(size_t n);
  // REQUIRES: `end` lies within the room of the last Reserve.
  void CommitUpTo(const char* end) { size_ = static_cast<size_t>(end - bytes_.data()); }
  // REQUIRES: size <= size().
  void Truncate(size_t size) { size_ = size; }
  size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.data(), size_}; }

 private:
  std::string bytes_;  // size_ bytes written, then spare room
  size_t size_ = 0;
};
}  // namespace trace_internal

// One record, built field by field and appended by Commit(). When the trace keeps records or
// has observers it collects a TraceRecord; otherwise it writes the record's hash encoding
// straight into the trace's pending hash input, so a hash-only run builds no record, renders
// no text and allocates nothing per line. Either way the hash is the same. A line that is never
// committed is dropped. REQUIRES: one open line per trace at a time, committed before the next
// Begin.
class TraceLine {
 public:
  TraceLine(const TraceLine&) = delete;
  TraceLine& operator=(const TraceLine&) = delete;
  ~TraceLine();

  TraceLine& Add(std::string_view key, int64_t value);
  TraceLine& Add(std::string_view key, uint64_t value);
  TraceLine& Add(std::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  TraceLine& Add(std::string_view key, bool value);
  TraceLine& Add(std::string_view key, std::string_view value);
  TraceLine& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  TraceLine& Add(std::string_view key, Instant value);
  TraceLine& Add(std::string_view key, Duration value);
  // Appends a field only when `value` is set.
  template <typename T>
  TraceLine& AddIf(std::string_view key, const T* value) {
    if (value != nullptr) Add(key, *value);
    return *this;
  }
  void Commit();

 private:
  friend class Trace;
  TraceLine(Trace& trace, Instant time, std::string_view actor, std::string_view kind);
  template <typename T>
  TraceLine& AddValue(std::string_view key, T value);

  Trace* trace_;
  bool keep_;  // collecting a TraceRecord (else encoding into the trace's pending bytes)
  size_t line_start_ = 0;  // where this line's bytes begin in the trace's pending bytes
  bool committed_ = false;
  TraceRecord record_;
};

class Trace {
 public:
  enum class Mode { kKeepRecords, kHashOnly };
  using Observer = std::function<void(const TraceRecord&)>;

  explicit Trace(Mode mode = Mode::kKeepRecords);

  void Append(TraceRecord record);
  // The same record as Append(TraceRecord{time, actor, kind, fields}), without building it
  // when nothing keeps or observes records.
  void Append(Instant time, std::string_view actor, std::string_view kind,
              std::initializer_list<TraceField> fields);
  // A record to be built field by field (see TraceLine).
  TraceLine Begin(Instant time, std::string_view actor, std::string_view kind);
  // True when records are kept or observed: only then is a TraceRecord built for each line.
  bool builds_records() const { return mode_ == Mode::kKeepRecords || !observers_.empty(); }
  // Observers are called in the order they were added, for every record appended after.
  void AddObserver(Observer observer);

  Mode mode() const { return mode_; }
  // The trace hash of every record appended so far.
  uint64_t hash() const;
  // Number of records appended (also in kHashOnly mode).
  uint64_t size() const { return count_; }
  // The kept records; empty in kHashOnly mode.
  const std::vector<TraceRecord>& records() const { return records_; }
  // All kept records as text lines / JSON Lines, each line ending in '\n'.
  std::string ToText() const;
  std::string ToJsonLines() const;

 private:
  // Encoded records are hashed in chunks of about this many bytes: one XXH3 update per chunk
  // rather than one per record (a record takes some 40 to 200 bytes).
  static constexpr size_t kPendingFlushBytes = 4096;
  void EndRecord();  // ends the record being encoded into pending_

  Mode mode_;
  StreamingHash hash_;                  // of every byte before pending_
  trace_internal::ByteBuffer pending_;  // encoded records not yet passed to hash_
  uint64_t count_ = 0;
  std::vector<TraceRecord> records_;
  std::vector<Observer> observers_;
  bool line_open_ = false;  // a TraceLine is encoding into pending_
  friend class TraceLine;
};

// Hex form of a trace hash: 16 lower-case digits.
std::string FormatTraceHash(uint64_t hash);

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_TRACE_H_
