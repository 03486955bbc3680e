#include "sim/trace.h"

#include <charconv>
#include <concepts>
#include <cstring>

#include "sim/check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

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
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
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
  requires(!std::same_as<T, bool>)
void AppendTextOf(std::string& out, T v) {
  char buf[24];  // the longest 64-bit integer is 20 characters
  const std::to_chars_result end = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end.ptr);
}
void AppendTextOf(std::string& out, Duration v) {
  AppendTextOf<int64_t>(out, v.micros());
  out += "us";
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

Trace::Trace(Mode mode) : mode_(mode) {}

void Trace::Append(TraceRecord record) {
  SHARDSIM_CHECK(!line_open_, "a TraceLine is open: commit it before appending another record");
  scratch_.clear();
  AppendRecordText(record, scratch_);
  scratch_.push_back('\n');
  hash_.Update(scratch_);
  ++count_;
  for (const Observer& observer : observers_) observer(record);
  if (mode_ == Mode::kKeepRecords) records_.push_back(std::move(record));
}

void Trace::Append(Instant time, std::string_view actor, std::string_view kind,
                   std::initializer_list<TraceField> fields) {
  if (builds_records()) {
    Append(TraceRecord{time, std::string(actor), std::string(kind), std::vector<TraceField>(fields)});
    return;
  }
  SHARDSIM_CHECK(!line_open_, "a TraceLine is open: commit it before appending another record");
  scratch_.clear();
  AppendLineStart(time, actor, kind, scratch_);
  for (const TraceField& f : fields) AppendFieldText(f, scratch_);
  scratch_.push_back('\n');
  hash_.Update(scratch_);
  ++count_;
}

TraceLine Trace::Begin(Instant time, std::string_view actor, std::string_view kind) {
  return TraceLine(*this, time, actor, kind);
}

TraceLine::TraceLine(Trace& trace, Instant time, std::string_view actor, std::string_view kind)
    : trace_(&trace), keep_(trace.builds_records()) {
  if (keep_) {
    record_ = TraceRecord{time, std::string(actor), std::string(kind), {}};
    record_.fields.reserve(10);
    return;
  }
  SHARDSIM_CHECK(!trace.line_open_, "only one TraceLine may be open on a trace at a time");
  trace.line_open_ = true;
  trace.scratch_.clear();
  AppendLineStart(time, actor, kind, trace.scratch_);
}

template <typename T>
TraceLine& TraceLine::AddValue(std::string_view key, T value) {
  if (keep_) {
    record_.fields.push_back(TraceField{std::string(key), TraceValue(value)});
    return *this;
  }
  std::string& out = trace_->scratch_;
  out.push_back(' ');
  out.append(key);
  out.push_back('=');
  AppendTextOf(out, value);
  return *this;
}

TraceLine& TraceLine::Add(std::string_view key, int64_t value) { return AddValue(key, value); }
TraceLine& TraceLine::Add(std::string_view key, uint64_t value) { return AddValue(key, value); }
TraceLine& TraceLine::Add(std::string_view key, bool value) { return AddValue(key, value); }
TraceLine& TraceLine::Add(std::string_view key, std::string_view value) {
  return AddValue(key, value);
}
TraceLine& TraceLine::Add(std::string_view key, Instant value) { return AddValue(key, value); }
TraceLine& TraceLine::Add(std::string_view key, Duration value) { return AddValue(key, value); }

TraceLine::~TraceLine() {
  if (!keep_ && !committed_) trace_->line_open_ = false;  // dropped uncommitted
}

void TraceLine::Commit() {
  SHARDSIM_CHECK(!committed_, "a TraceLine was committed twice");
  committed_ = true;
  if (keep_) {
    trace_->Append(std::move(record_));
    return;
  }
  trace_->line_open_ = false;
  trace_->scratch_.push_back('\n');
  trace_->hash_.Update(trace_->scratch_);
  ++trace_->count_;
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
