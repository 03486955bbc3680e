// HTTP/2 (RFC 9113) for `shardsim serve`, with libnghttp2, on the server's one thread and the
// same dispatch as HTTP/1.1 (Shared::Handle, so the service sees requests in arrival order).
//
// Http2Connection is the protocol without the socket: bytes in (Receive), bytes out (Produce).
// Each request (HEADERS, DATA, END_STREAM) becomes one HttpRequest, answered at once with the
// headers HTTP/1.1 sends; a body sent over time (HttpResponse::stream) goes out as DATA frames
// as its ResponseStream yields bytes (a deferred data source, resumed when Pull gives some),
// pulled at once, after every other request and when its retry_after has passed, cancelled
// when its stream is reset or the connection ends. Flow control is nghttp2's. Limits: 100
// concurrent streams and a 64 KiB header list (SETTINGS; a longer list resets its stream),
// `max_body_bytes` per request body (413), `request_timeout` to finish a request (408); a
// protocol error is a stream error or a GOAWAY, never more.
//
// StartHttp2Session runs a connection on a socket (plain, after the client's preface or an
// `Upgrade: h2c`, or TLS after ALPN chose h2) until the peer leaves, a timeout, or shutdown.
#ifndef SHARDSIM_SERVER_INTERNAL_HTTP2_H_
#define SHARDSIM_SERVER_INTERNAL_HTTP2_H_

#include <nghttp2/nghttp2.h>

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/internal/transport.h"

namespace shardsim::server::internal {

// What a client sends first on an HTTP/2 connection (RFC 9113, 3.4).
inline constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
inline constexpr uint32_t kHttp2MaxConcurrentStreams = 100;
inline constexpr uint32_t kHttp2MaxHeaderListBytes = 64 * 1024;

class Http2Connection {
 public:
  // `wake` is called when there is output to Produce outside a Receive (a response stream
  // gave bytes); timers for response streams run on `executor`.
  Http2Connection(Shared& shared, boost::asio::any_io_executor executor,
                  std::function<void()> wake);
  ~Http2Connection();
  Http2Connection(const Http2Connection&) = delete;
  Http2Connection& operator=(const Http2Connection&) = delete;

  // `Upgrade: h2c`: the upgraded request (already answered: `response`) becomes stream 1.
  // `settings` is the HTTP2-Settings header's payload, decoded. false: it is malformed.
  bool Upgrade(std::string_view settings, bool head_request, HttpResponse response);
  // false: a fatal error (not a client preface, flooding); the connection is to end after
  // what Produce still gives.
  bool Receive(std::string_view bytes);
  // Appends the bytes to send now, up to about `max_bytes`.
  void Produce(std::string& out, size_t max_bytes);
  // false: the connection is over (GOAWAY sent and received, or fatal) once output is sent.
  bool Alive() const;
  bool Idle() const { return streams_.empty(); }

  // Request timeouts (408), on every sweeper tick.
  void Sweep();
  // Pulls the waiting response streams.
  void PullStreams();
  // GOAWAY, and every response stream cancelled.
  void Shutdown();
  // The connection is gone: every response stream not done is cancelled.
  void CancelAll();

 private:
  struct Stream;
  struct Callbacks;

  Stream* Find(int32_t id);
  Stream& NewStream(int32_t id);
  // nghttp2 closed it: its response stream (if any) is cancelled, the Stream recycled.
  void CloseStream(int32_t id);
  void Dispatch(Stream& s);
  void Submit(Stream& s, HttpResponse r);
  void Reject(Stream& s, const ApiError& error);
  void Pull(Stream& s);
  void EndLive(Stream& s, bool cancel);

  Shared& shared_;
  boost::asio::any_io_executor executor_;
  std::function<void()> wake_;
  nghttp2_session* session_ = nullptr;
  bool fatal_ = false;
  // Open streams in the order they opened (at most kHttp2MaxConcurrentStreams, so searched
  // linearly); closed ones kept for reuse.
  std::vector<std::shared_ptr<Stream>> streams_;
  std::vector<std::shared_ptr<Stream>> spare_;
};

struct Http2Upgrade {
  std::string settings;  // HTTP2-Settings, decoded
  bool head_request = false;
  HttpResponse response;  // the answer to the upgraded request, sent on stream 1
};

// Serves HTTP/2 on `stream`; `already_read` is what was read from it before (the preface or
// part of it, or what followed the upgraded request).
void StartHttp2Session(AnyStream stream, Shared& shared, std::string_view already_read,
                       std::optional<Http2Upgrade> upgrade = std::nullopt);

}  // namespace shardsim::server::internal

#endif  // SHARDSIM_SERVER_INTERNAL_HTTP2_H_
