// Fuzz target: the event-stream decoder (server/event_stream.h). Any input decodes to messages
// or to an error, never a crash or a read past the input; DecodeNext consumes exactly the
// message it returns; and every message that decodes encodes back to the very bytes it came
// from (Encode(Decode(x)) == x), which also proves both CRCs and lengths were checked.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "server/event_stream.h"

namespace {

namespace event_stream = shardsim::server::event_stream;

constexpr int kMaxMessages = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxMessages && !rest.empty(); ++i) {
    const std::string_view before = rest;
    absl::StatusOr<event_stream::Message> m = event_stream::DecodeNext(rest);
    if (!m.ok()) {
      FUZZ_CHECK(absl::IsInvalidArgument(m.status()) || absl::IsOutOfRange(m.status()),
                 m.status().ToString());
      FUZZ_CHECK(rest.size() == before.size(), "a failed DecodeNext consumed input");
      break;
    }
    const size_t used = before.size() - rest.size();
    FUZZ_CHECK(used >= event_stream::kOverheadBytes, absl::StrCat("a message of ", used, " bytes"));
    const std::string again = event_stream::Encode(*m);
    FUZZ_CHECK(again == before.substr(0, used), "Encode(Decode(x)) differs from x");
    const absl::StatusOr<event_stream::Message> whole = event_stream::Decode(again);
    FUZZ_CHECK(whole.ok() && *whole == *m, "Decode of one whole message disagrees with DecodeNext");
  }
  return 0;
}
