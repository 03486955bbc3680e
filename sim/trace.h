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

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
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
  char* Reserve(size_t n) {
    if (bytes_.size() - size_ < n) [[unlikely]]
      Grow(n);
    return bytes_.data() + size_;
  }
  // REQUIRES: `end` lies within the room of the last Reserve.
  void CommitUpTo(const char* end) { size_ = static_cast<size_t>(end - bytes_.data()); }
  // REQUIRES: size <= size().
  void Truncate(size_t size) { size_ = size; }
  size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.data(), size_}; }

 private:
  void Grow(size_t n);
  std::string bytes_;  // size_ bytes written, then spare room
  size_t size_ = 0;
};

// The pieces of the hash encoding (the header comment), inline so that a trace line's writer,
// whose keys are constants, compiles to a few stores per field: a field through an out-of-line
// call cost some 90 instructions, and a subscription event writes ten.
enum HashTag : char {
  kEndOfRecord = 0,
  kInt64Tag = 1,
  kUint64Tag = 2,
  kBoolTag = 3,
  kStringTag = 4,
  kInstantTag = 5,
  kDurationTag = 6,
};
inline constexpr size_t kMaxLengthBytes = 10;  // LEB128 of a 64-bit count

[[gnu::always_inline]] inline char* PutU64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, sizeof(v));
  } else {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
  }
  return p + 8;
}

// LEB128 byte count, then the bytes. REQUIRES: room for kMaxLengthBytes + s.size().
[[gnu::always_inline]] inline char* PutBytes(char* p, std::string_view s) {
  uint64_t v = s.size();
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// One field whose value is 8 bytes (int64, uint64, instant, duration).
[[gnu::always_inline]] inline void EncodeWordField(HashTag tag, std::string_view key,
                                                   uint64_t value, ByteBuffer& out) {
  char* p = out.Reserve(1 + kMaxLengthBytes + key.size() + 8);
  *p++ = tag;
  p = PutBytes(p, key);
  out.CommitUpTo(PutU64(p, value));
}

[[gnu::always_inline]] inline void EncodeStringField(std::string_view key, std::string_view value,
                                                     ByteBuffer& out) {
  char* p = out.Reserve(1 + 2 * kMaxLengthBytes + key.size() + value.size());
  *p++ = kStringTag;
  p = PutBytes(p, key);
  out.CommitUpTo(PutBytes(p, value));
}

[[gnu::always_inline]] inline void EncodeRecordStart(Instant time, std::string_view actor,
                                                     std::string_view kind, ByteBuffer& out) {
  char* p = out.Reserve(8 + 2 * kMaxLengthBytes + actor.size() + kind.size());
  p = PutU64(p, static_cast<uint64_t>(time.unix_micros()));
  p = PutBytes(p, actor);
  out.CommitUpTo(PutBytes(p, kind));
}

[[gnu::always_inline]] inline void EncodeBoolField(std::string_view key, bool value,
                                                   ByteBuffer& out) {
  char* p = out.Reserve(1 + kMaxLengthBytes + key.size() + 1);
  *p++ = kBoolTag;
  p = PutBytes(p, key);
  *p++ = value ? 1 : 0;
  out.CommitUpTo(p);
}
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
  ~TraceLine() {
    if (!keep_ && !committed_) [[unlikely]]
      Drop();
  }

  [[gnu::always_inline]] TraceLine& Add(std::string_view key, int64_t value) {
    return AddWord(trace_internal::kInt64Tag, key, static_cast<uint64_t>(value), value);
  }
  [[gnu::always_inline]] TraceLine& Add(std::string_view key, uint64_t value) {
    return AddWord(trace_internal::kUint64Tag, key, value, value);
  }
  [[gnu::always_inline]] TraceLine& Add(std::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  inline TraceLine& Add(std::string_view key, bool value);
  inline TraceLine& Add(std::string_view key, std::string_view value);
  [[gnu::always_inline]] TraceLine& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  [[gnu::always_inline]] TraceLine& Add(std::string_view key, Instant value) {
    return AddWord(trace_internal::kInstantTag, key, static_cast<uint64_t>(value.unix_micros()),
                   value);
  }
  [[gnu::always_inline]] TraceLine& Add(std::string_view key, Duration value) {
    return AddWord(trace_internal::kDurationTag, key, static_cast<uint64_t>(value.micros()), value);
  }
  // Appends a field only when `value` is set.
  template <typename T>
  TraceLine& AddIf(std::string_view key, const T* value) {
    if (value != nullptr) Add(key, *value);
    return *this;
  }
  inline void Commit();

 private:
  friend class Trace;
  inline TraceLine(Trace& trace, Instant time, std::string_view actor, std::string_view kind);
  // The cold halves of the constructor, Commit and the destructor: a line that keeps its record,
  // or a broken rule (a line opened while another is, a second Commit); a line dropped.
  void StartSlow(Instant time, std::string_view actor, std::string_view kind);
  void CommitSlow();
  void Drop();
  // A field of 8 bytes: `payload` encoded straight into the trace's pending bytes, or `value`
  // kept in the record being collected.
  template <typename T>
  inline TraceLine& AddWord(trace_internal::HashTag tag, std::string_view key, uint64_t payload,
                            T value);
  TraceLine& Keep(std::string_view key, TraceValue value);

  Trace* trace_;
  bool keep_;  // collecting a TraceRecord (else encoding into the trace's pending bytes)
  size_t line_start_ = 0;  // where this line's bytes begin in the trace's pending bytes
  bool committed_ = false;
  // Only a line that keeps its record builds one: an empty record made and destroyed with every
  // hash-only line was a cost per line (measured).
  std::unique_ptr<TraceRecord> record_;
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
  inline TraceLine Begin(Instant time, std::string_view actor, std::string_view kind);
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
  inline void EndRecord();  // ends the record being encoded into pending_
  void FlushPending();      // passes pending_ to hash_

  Mode mode_;
  StreamingHash hash_;                  // of every byte before pending_
  trace_internal::ByteBuffer pending_;  // encoded records not yet passed to hash_
  uint64_t count_ = 0;
  std::vector<TraceRecord> records_;
  std::vector<Observer> observers_;
  bool line_open_ = false;  // a TraceLine is encoding into pending_
  friend class TraceLine;
};

inline TraceLine Trace::Begin(Instant time, std::string_view actor, std::string_view kind) {
  return TraceLine(*this, time, actor, kind);
}

inline void Trace::EndRecord() {
  char* p = pending_.Reserve(1);
  *p = trace_internal::kEndOfRecord;
  pending_.CommitUpTo(p + 1);
  ++count_;
  if (pending_.size() >= kPendingFlushBytes) [[unlikely]]
    FlushPending();
}

inline TraceLine::TraceLine(Trace& trace, Instant time, std::string_view actor,
                            std::string_view kind)
    : trace_(&trace), keep_(trace.builds_records()) {
  if (keep_ || trace.line_open_) [[unlikely]] {
    StartSlow(time, actor, kind);
    return;
  }
  trace.line_open_ = true;
  line_start_ = trace.pending_.size();
  trace_internal::EncodeRecordStart(time, actor, kind, trace.pending_);
}

inline void TraceLine::Commit() {
  if (keep_ || committed_) [[unlikely]] {
    CommitSlow();
    return;
  }
  committed_ = true;
  trace_->line_open_ = false;
  trace_->EndRecord();
}

template <typename T>
[[gnu::always_inline]] inline TraceLine& TraceLine::AddWord(trace_internal::HashTag tag,
                                                            std::string_view key, uint64_t payload,
                                                            T value) {
  if (keep_) [[unlikely]]
    return Keep(key, TraceValue(value));
  trace_internal::EncodeWordField(tag, key, payload, trace_->pending_);
  return *this;
}

[[gnu::always_inline]] inline TraceLine& TraceLine::Add(std::string_view key,
                                                        std::string_view value) {
  if (keep_) [[unlikely]]
    return Keep(key, TraceValue(value));
  trace_internal::EncodeStringField(key, value, trace_->pending_);
  return *this;
}

[[gnu::always_inline]] inline TraceLine& TraceLine::Add(std::string_view key, bool value) {
  if (keep_) [[unlikely]]
    return Keep(key, TraceValue(value));
  trace_internal::EncodeBoolField(key, value, trace_->pending_);
  return *this;
}

// Hex form of a trace hash: 16 lower-case digits.
std::string FormatTraceHash(uint64_t hash);

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_TRACE_H_
