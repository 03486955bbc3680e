#include "sim/trace.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <concepts>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/check.h"

namespace shardsim::sim {

namespace {

// Escapes for both forms; JSON needs \u00NN where the text form uses \xNN.
bool NeedsEscaping(std::string_view s) {
  // Eight bytes at a time (every trace line quotes shard ids and 56-digit sequence numbers):
  // a byte needs escaping when it is below 0x20, 0x7f, '"' or '\\'.
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_byte = [](uint64_t w, uint8_t b) {
    const uint64_t x = w ^ (kOnes * b);
    return ((x - kOnes) & ~x & kHighs) != 0;
  };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof(w));
    const bool below_space = ((w - kOnes * 0x20) & ~w & kHighs) != 0;
    if (below_space || has_byte(w, 0x7f) || has_byte(w, '"') || has_byte(w, '\\')) return true;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return true;
  }
  return false;
}

void AppendQuoted(std::string& out, std::string_view s, bool json) {
  if (!NeedsEscaping(s)) {
    out.push_back('"');
    out.append(s.data(), s.size());
    out.push_back('"');
    return;
  }
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += json ? absl::StrFormat("\\u%04x", c) : absl::StrFormat("\\x%02x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// The text form of each kind of value (shared by TraceValue and TraceLine, so both give the
// same bytes).
void AppendTextOf(std::string& out, bool v) { out += v ? "true" : "false"; }
void AppendTextOf(std::string& out, std::string_view v) { AppendQuoted(out, v, /*json=*/false); }
void AppendTextOf(std::string& out, Instant v) { v.AppendTo(out); }
template <std::integral T>
requires(!std::same_as<T, bool>) void AppendTextOf(std::string& out, T v) {
  char buf[24];  // the longest 64-bit integer is 20 characters
  const std::to_chars_result end = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end.ptr);
}
void AppendTextOf(std::string& out, Duration v) {
  AppendTextOf<int64_t>(out, v.micros());
  out += "us";
}

// The hash encoding of records (written down in trace.h): the pieces are in trace.h's
// trace_internal, shared with TraceLine's inline writers.
using trace_internal::EncodeRecordStart;
using trace_internal::HashTag;
using trace_internal::kBoolTag;
using trace_internal::kDurationTag;
using trace_internal::kEndOfRecord;
using trace_internal::kInstantTag;
using trace_internal::kInt64Tag;
using trace_internal::kMaxLengthBytes;
using trace_internal::kStringTag;
using trace_internal::kUint64Tag;
using trace_internal::PutBytes;
using trace_internal::PutU64;

constexpr HashTag TagOf(int64_t) { return kInt64Tag; }
constexpr HashTag TagOf(uint64_t) { return kUint64Tag; }
constexpr HashTag TagOf(bool) { return kBoolTag; }
constexpr HashTag TagOf(std::string_view) { return kStringTag; }
constexpr HashTag TagOf(Instant) { return kInstantTag; }
constexpr HashTag TagOf(Duration) { return kDurationTag; }

size_t MaxPayloadBytes(std::string_view v) { return kMaxLengthBytes + v.size(); }
template <typename T>
constexpr size_t MaxPayloadBytes(T) {
  return 8;
}

char* PutPayload(char* p, int64_t v) { return PutU64(p, static_cast<uint64_t>(v)); }
char* PutPayload(char* p, uint64_t v) { return PutU64(p, v); }
char* PutPayload(char* p, bool v) {
  *p = v ? 1 : 0;
  return p + 1;
}
char* PutPayload(char* p, std::string_view v) { return PutBytes(p, v); }
char* PutPayload(char* p, Instant v) { return PutU64(p, static_cast<uint64_t>(v.unix_micros())); }
char* PutPayload(char* p, Duration v) { return PutU64(p, static_cast<uint64_t>(v.micros())); }

using trace_internal::ByteBuffer;

// T is one of the six kinds of value (a std::string is passed as a string_view).
template <typename T>
void EncodeField(std::string_view key, T value, ByteBuffer& out) {
  char* p = out.Reserve(1 + kMaxLengthBytes + key.size() + MaxPayloadBytes(value));
  *p++ = TagOf(value);
  p = PutBytes(p, key);
  out.CommitUpTo(PutPayload(p, value));
}

void EncodeFieldOf(const TraceField& f, ByteBuffer& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          EncodeField(f.key, std::string_view(v), out);
        } else {
          EncodeField(f.key, v, out);
        }
      },
      f.value.value());
}

void EncodeRecordEnd(ByteBuffer& out) {
  char* p = out.Reserve(1);
  *p = kEndOfRecord;
  out.CommitUpTo(p + 1);
}

}  // namespace

void TraceValue::AppendText(std::string& out) const {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          AppendTextOf(out, std::string_view(v));
        } else {
          AppendTextOf(out, v);
        }
      },
      value_);
}

void TraceValue::AppendJson(std::string& out) const {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendQuoted(out, v, /*json=*/true);
        } else if constexpr (std::is_same_v<T, Instant>) {
          AppendQuoted(out, v.ToString(), /*json=*/true);
        } else if constexpr (std::is_same_v<T, Duration>) {
          absl::StrAppend(&out, v.micros());
        } else {
          absl::StrAppend(&out, v);
        }
      },
      value_);
}

const TraceValue* TraceRecord::Find(std::string_view key) const {
  for (const TraceField& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

namespace {
void AppendLineStart(Instant time, std::string_view actor, std::string_view kind,
                     std::string& out) {
  time.AppendTo(out);
  out.push_back(' ');
  out.append(actor);
  out.push_back(' ');
  out.append(kind);
}

void AppendFieldText(const TraceField& f, std::string& out) {
  out.push_back(' ');
  out += f.key;
  out.push_back('=');
  f.value.AppendText(out);
}

void AppendRecordText(const TraceRecord& r, std::string& out) {
  AppendLineStart(r.time, r.actor, r.kind, out);
  for (const TraceField& f : r.fields) AppendFieldText(f, out);
}
}  // namespace

std::string TraceRecord::ToText() const {
  std::string out;
  AppendRecordText(*this, out);
  return out;
}

std::string TraceRecord::ToJson() const {
  std::string out = "{\"t\":";
  AppendQuoted(out, time.ToString(), true);
  absl::StrAppend(&out, ",\"t_us\":", time.unix_micros(), ",\"actor\":");
  AppendQuoted(out, actor, true);
  out += ",\"kind\":";
  AppendQuoted(out, kind, true);
  out += ",\"fields\":{";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendQuoted(out, fields[i].key, true);
    out.push_back(':');
    fields[i].value.AppendJson(out);
  }
  out += "}}";
  return out;
}

std::string TraceRecord::HashBytes() const {
  ByteBuffer out;
  EncodeRecordStart(time, actor, kind, out);
  for (const TraceField& f : fields) EncodeFieldOf(f, out);
  EncodeRecordEnd(out);
  return std::string(out.view());
}

namespace trace_internal {
void ByteBuffer::Grow(size_t n) { bytes_.resize(std::max(2 * bytes_.size(), size_ + n)); }
}  // namespace trace_internal

Trace::Trace(Mode mode) : mode_(mode) { pending_.Reserve(2 * kPendingFlushBytes); }

uint64_t Trace::hash() const {
  StreamingHash copy = hash_;
  copy.Update(pending_.view());
  return copy.Digest();
}

void Trace::FlushPending() {
  hash_.Update(pending_.view());
  pending_.Truncate(0);
}

void Trace::Append(TraceRecord record) {
  SHARDSIM_CHECK(!line_open_, "a TraceLine is open: commit it before appending another record");
  EncodeRecordStart(record.time, record.actor, record.kind, pending_);
  for (const TraceField& f : record.fields) EncodeFieldOf(f, pending_);
  EndRecord();
  for (const Observer& observer : observers_) observer(record);
  if (mode_ == Mode::kKeepRecords) records_.push_back(std::move(record));
}

void Trace::Append(Instant time, std::string_view actor, std::string_view kind,
                   std::initializer_list<TraceField> fields) {
  if (builds_records()) {
    Append(
        TraceRecord{time, std::string(actor), std::string(kind), std::vector<TraceField>(fields)});
    return;
  }
  SHARDSIM_CHECK(!line_open_, "a TraceLine is open: commit it before appending another record");
  EncodeRecordStart(time, actor, kind, pending_);
  for (const TraceField& f : fields) EncodeFieldOf(f, pending_);
  EndRecord();
}

void TraceLine::StartSlow(Instant time, std::string_view actor, std::string_view kind) {
  if (keep_) {
    record_ =
        std::make_unique<TraceRecord>(TraceRecord{time, std::string(actor), std::string(kind), {}});
    record_->fields.reserve(10);
    return;
  }
  SHARDSIM_CHECK(!trace_->line_open_, "only one TraceLine may be open on a trace at a time");
}

TraceLine& TraceLine::Keep(std::string_view key, TraceValue value) {
  record_->fields.push_back(TraceField{std::string(key), std::move(value)});
  return *this;
}

void TraceLine::Drop() {
  trace_->pending_.Truncate(line_start_);  // dropped uncommitted: its bytes are not hashed
  trace_->line_open_ = false;
}

void TraceLine::CommitSlow() {
  SHARDSIM_CHECK(!committed_, "a TraceLine was committed twice");
  committed_ = true;
  trace_->Append(std::move(*record_));  // keep_: the only other way here
}

void Trace::AddObserver(Observer observer) { observers_.push_back(std::move(observer)); }

std::string Trace::ToText() const {
  std::string out;
  for (const TraceRecord& r : records_) absl::StrAppend(&out, r.ToText(), "\n");
  return out;
}

std::string Trace::ToJsonLines() const {
  std::string out;
  for (const TraceRecord& r : records_) absl::StrAppend(&out, r.ToJson(), "\n");
  return out;
}

std::string FormatTraceHash(uint64_t hash) { return absl::StrFormat("%016x", hash); }

}  // namespace shardsim::sim
