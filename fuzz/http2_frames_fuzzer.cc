// Fuzz target: HTTP/2 framing into the server (server/internal/http2.h) — what a client sends
// after (or instead of) the connection preface, fed to an Http2Connection over a live service
// in pieces, as a socket would deliver it.
//
// Input: the bytes a client sends; the preface is put in front unless the input opens with
// "PRI". The first byte also chooses the piece size (1 to 256 bytes). After each piece the
// server's output is taken; at the end the request timeouts fire and the connection shuts
// down. Properties: nothing crashes (ASan, UBSan) and every byte the server sends is whole
// HTTP/2 frames (a 9-byte header, a known type, a length within the 16 KiB the server may send
// before the client raises it), opening with SETTINGS; a fatal input ends the connection.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/internal/http2.h"
#include "server/internal/transport.h"
#include "server/service.h"

namespace {

namespace server = shardsim::server;
namespace internal = shardsim::server::internal;

// Checks that `out` (everything sent so far) is a sequence of whole frames, the first SETTINGS.
void CheckFrames(std::string_view out, uint32_t max_frame_bytes) {
  size_t at = 0;
  bool first = true;
  while (at < out.size()) {
    FUZZ_CHECK(at + 9 <= out.size(), "a frame header cut short");
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(out[at + i]); };
    const uint32_t length = (uint32_t{byte(0)} << 16) | (uint32_t{byte(1)} << 8) | byte(2);
    const uint8_t type = byte(3);
    if (first) FUZZ_CHECK(type == NGHTTP2_SETTINGS, "the server's preface is not SETTINGS");
    first = false;
    FUZZ_CHECK(type <= NGHTTP2_CONTINUATION, "an unknown frame type sent");
    FUZZ_CHECK(length <= max_frame_bytes, "a frame longer than the peer allows");
    FUZZ_CHECK(at + 9 + length <= out.size(), "a frame cut short");
    at += 9 + length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  server::ServiceOptions options;
  options.profile = shardsim::model::BucketProfile::Fixed(shardsim::sim::Duration::Seconds(1));
  server::KinesisService service(options);
  server::ServerOptions http;
  http.max_body_bytes = 4096;  // so that inputs reach the 413 path
  internal::Shared shared(service, http);
  boost::asio::io_context io;
  std::string sent;
  {
    internal::Http2Connection connection(shared, io.get_executor(), nullptr);
    std::string bytes = input.substr(0, 3) == "PRI"
                            ? std::string(input)
                            : std::string(internal::kHttp2Preface) + std::string(input);
    const size_t piece = size == 0 ? 64 : 1 + static_cast<uint8_t>(input[0]);
    bool alive = true;
    for (size_t at = 0; at < bytes.size() && alive; at += piece) {
      alive = connection.Receive(std::string_view(bytes).substr(at, piece));
      connection.Produce(sent, SIZE_MAX);
      io.poll();
    }
    if (!alive) FUZZ_CHECK(!connection.Alive(), "a fatal input left the connection alive");
    shared.ticks += 1'000'000;  // every request timeout passes
    connection.Sweep();
    connection.Produce(sent, SIZE_MAX);
    connection.Shutdown();
    connection.Produce(sent, SIZE_MAX);
  }
  // A client may raise SETTINGS_MAX_FRAME_SIZE up to 2^24-1.
  CheckFrames(sent, (1u << 24) - 1);
  FUZZ_CHECK(shared.live_streams == 0, "a response stream outlived its connection");
  return 0;
}
