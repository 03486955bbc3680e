#include "server/cbor.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

// Per open container: items still expected (-1 for an indefinite length).
class OpenItems {
 public:
  explicit OpenItems(int max_nesting) : max_nesting_(static_cast<size_t>(max_nesting)) {}
  // false past the nesting bound.
  bool Open(int64_t items) {
    open_.push_back(items);
    return open_.size() <= max_nesting_;
  }
  void ItemDone() {
    while (!open_.empty() && open_.back() > 0 && --open_.back() == 0) open_.pop_back();
  }
  // A break (0xff): closes an indefinite container; false when none is open.
  bool Break() {
    if (open_.empty() || open_.back() != -1) return false;
    open_.pop_back();
    ItemDone();
    return true;
  }

 private:
  size_t max_nesting_;
  std::vector<int64_t> open_;
};

}  // namespace

std::optional<std::string> StripCborTags(std::string_view in, int max_nesting) {
  std::string out;
  size_t copied_from = 0;
  OpenItems open(max_nesting);
  size_t at = 0;
  for (size_t steps = 0; at < in.size(); ++steps) {
    if (steps > in.size()) return std::nullopt;
    const size_t head_at = at;
    const uint8_t head = static_cast<uint8_t>(in[at++]);
    if (head == 0xff) {
      if (!open.Break()) return std::nullopt;
      continue;
    }
    const int major = head >> 5;
    const int info = head & 0x1f;
    uint64_t arg = 0;
    bool indefinite = false;
    if (info < 24) {
      arg = static_cast<uint64_t>(info);
    } else if (info <= 27) {
      const size_t bytes = size_t{1} << (info - 24);
      if (in.size() - at < bytes) return std::nullopt;
      for (size_t i = 0; i < bytes; ++i) arg = (arg << 8) | static_cast<uint8_t>(in[at++]);
    } else if (info == 31 && major >= 2 && major <= 5) {
      indefinite = true;
    } else if (!(major == 7 && info < 28)) {
      return std::nullopt;
    }
    switch (major) {
      case 2:
      case 3:
        if (indefinite) {
          if (!open.Open(-1)) return std::nullopt;
          continue;
        }
        if (arg > in.size() - at) return std::nullopt;
        at += static_cast<size_t>(arg);
        open.ItemDone();
        break;
      case 4:
      case 5: {
        if (!indefinite && arg == 0) {
          open.ItemDone();
          break;
        }
        if (!indefinite && arg > in.size()) return std::nullopt;  // more items than bytes left
        const int64_t items = indefinite ? -1 : static_cast<int64_t>(major == 5 ? 2 * arg : arg);
        if (!open.Open(items)) return std::nullopt;
        break;
      }
      case 6:  // a tag: dropped; the next item is its content
        out.append(in.substr(copied_from, head_at - copied_from));
        copied_from = at;
        if (!open.Open(1)) return std::nullopt;
        break;
      default:
        open.ItemDone();
    }
  }
  out.append(in.substr(copied_from));
  return out;
}

namespace {

bool IsTimestampKey(std::string_view key) {
  return key == "Timestamp" || key == "StreamCreationTimestamp";
}

}  // namespace

std::optional<ApiError> NormalizeCbor(Json& v, std::string_view key) {
  if (v.is_binary()) {
    if (key != "Data") {
      return SerializationError(sim::Cat("'", key, "' must not be a byte string"));
    }
    const std::vector<uint8_t>& bytes = v.get_binary();
    v = absl::Base64Escape(
        absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    return std::nullopt;
  }
  if (key == "Data" && !v.is_null()) {
    return SerializationError(sim::Cat("'Data' must be a byte string, got ", JsonTypeName(v)));
  }
  if (IsTimestampKey(key) && v.is_number()) {
    v = v.get<double>() / 1000.0;
    return std::nullopt;
  }
  if (v.is_object()) {
    for (auto& [k, child] : v.items()) {
      if (auto e = NormalizeCbor(child, k)) return e;
    }
  } else if (v.is_array()) {
    for (Json& child : v) {
      if (auto e = NormalizeCbor(child, key == "Records" ? "" : key)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace shardsim::server
