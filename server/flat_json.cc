#include "server/flat_json.h"

#include <cstdint>
#include <string>

namespace shardsim::server {

namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : text_(text) {}

  std::optional<Json> Object() {
    Json doc = Json::object();
    SkipSpace();
    if (!Take('{')) return std::nullopt;
    SkipSpace();
    if (Take('}')) return End(std::move(doc));
    // Each member takes at least one character, so text_.size() members bound the loop.
    for (size_t members = 0; members <= text_.size(); ++members) {
      std::optional<std::string_view> key = String();
      if (!key) return std::nullopt;
      SkipSpace();
      if (!Take(':')) return std::nullopt;
      SkipSpace();
      std::optional<Json> value = Value();
      if (!value) return std::nullopt;
      if (!doc.get_ref<Json::object_t&>().emplace(std::string(*key), *std::move(value)).second) {
        return std::nullopt;  // a key twice: nlohmann decides
      }
      SkipSpace();
      if (Take('}')) return End(std::move(doc));
      if (!Take(',')) return std::nullopt;
      SkipSpace();
    }
    return std::nullopt;
  }

 private:
  std::optional<Json> End(Json doc) {
    SkipSpace();
    if (at_ != text_.size()) return std::nullopt;
    return doc;
  }
  void SkipSpace() {
    while (at_ < text_.size() && IsJsonSpace(text_[at_])) ++at_;
  }
  bool Take(char c) {
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool TakeWord(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  std::optional<std::string_view> String() {
    if (!Take('"')) return std::nullopt;
    const size_t begin = at_;
    for (; at_ < text_.size(); ++at_) {
      const char c = text_[at_];
      if (c == '"') return text_.substr(begin, at_++ - begin);
      if (c < 0x20 || c > 0x7e || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<Json> Value() {
    if (at_ >= text_.size()) return std::nullopt;
    const char c = text_[at_];
    if (c == '"') {
      std::optional<std::string_view> s = String();
      if (!s) return std::nullopt;
      return Json(std::string(*s));
    }
    if (TakeWord("true")) return Json(true);
    if (TakeWord("false")) return Json(false);
    if (TakeWord("null")) return Json(nullptr);
    return Integer();
  }
  // -?(0|[1-9][0-9]{0,17}), then a delimiter; "-0", fractions and exponents go to nlohmann.
  std::optional<Json> Integer() {
    const bool negative = Take('-');
    const size_t begin = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    const size_t digits = at_ - begin;
    if (digits == 0 || digits > 18 || (text_[begin] == '0' && (digits > 1 || negative))) {
      return std::nullopt;
    }
    if (at_ < text_.size() && !IsJsonSpace(text_[at_]) && text_[at_] != ',' && text_[at_] != '}') {
      return std::nullopt;
    }
    int64_t v = 0;
    for (size_t i = begin; i < at_; ++i) v = v * 10 + (text_[i] - '0');
    if (negative) return Json(static_cast<Json::number_integer_t>(-v));
    return Json(static_cast<Json::number_unsigned_t>(v));
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

std::optional<Json> ParseFlatJsonObject(std::string_view text) {
  return FlatJsonReader(text).Object();
}

}  // namespace shardsim::server
