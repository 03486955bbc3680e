#include "sim/trace.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace shardsim::sim {

namespace {

// Escapes for both forms; JSON needs \u00NN where the text form uses \xNN.
bool NeedsEscaping(std::string_view s) {
  for (unsigned char c : s) {
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

}  // namespace

void TraceValue::AppendText(std::string& out) const {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendQuoted(out, v, /*json=*/false);
        } else if constexpr (std::is_same_v<T, Instant>) {
          out += v.ToString();
        } else if constexpr (std::is_same_v<T, Duration>) {
          absl::StrAppend(&out, v.micros(), "us");
        } else {
          char buf[24];  // the longest 64-bit integer is 20 characters
          const std::to_chars_result end = std::to_chars(buf, buf + sizeof(buf), v);
          out.append(buf, end.ptr);
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
void AppendRecordText(const TraceRecord& r, std::string& out) {
  out += r.time.ToString();
  out.push_back(' ');
  out += r.actor;
  out.push_back(' ');
  out += r.kind;
  for (const TraceField& f : r.fields) {
    out.push_back(' ');
    out += f.key;
    out.push_back('=');
    f.value.AppendText(out);
  }
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
  scratch_.clear();
  AppendRecordText(record, scratch_);
  scratch_.push_back('\n');
  hash_.Update(scratch_);
  ++count_;
  for (const Observer& observer : observers_) observer(record);
  if (mode_ == Mode::kKeepRecords) records_.push_back(std::move(record));
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
