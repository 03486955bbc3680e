// HttpServer: HTTP/1.1 with keep-alive (Boost.Beast) and HTTP/2 (libnghttp2), in the clear or
// over TLS, in front of a KinesisService. In the clear, a connection that opens with the HTTP/2
// preface (prior knowledge) or asks `Upgrade: h2c` speaks HTTP/2; over TLS, ALPN chooses h2 or
// http/1.1. Both versions hand requests to the same service and send the same headers
// (server/internal/http2.h has HTTP/2's limits).
//
// One thread runs everything (accepting, reading, the service, writing), so the service sees
// requests in arrival order and owns the model alone. Timeouts keep a slow or stalled client
// from holding a connection forever: `idle_timeout` while waiting for a request's headers,
// `request_timeout` for its body. A request cut off by a timeout gets 408
// RequestTimeoutException; one whose body ends early (the client closed its side) 400
// SerializationException; one above `max_body_bytes` 413 RequestEntityTooLargeException;
// malformed HTTP 400 SerializationException. Each of these closes the connection.
#ifndef SHARDSIM_SERVER_HTTP_SERVER_H_
#define SHARDSIM_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "server/service.h"
#include "server/tls.h"

namespace shardsim::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: a free port, see HttpServer::port()
  // Room for PutRecords' 5 MiB of records in base64; a 20 MiB body is refused.
  uint64_t max_body_bytes = 10ull << 20;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds request_timeout{10'000};
  // Set: every connection is TLS, HTTP/1.1 or HTTP/2 as ALPN chooses (h2 preferred).
  std::optional<TlsCredentials> tls;
};

class HttpServer {
 public:
  // REQUIRES: `service` outlives the server.
  HttpServer(KinesisService& service, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; an error names the address.
  absl::Status Listen();
  // The port bound by Listen().
  uint16_t port() const;
  // From now on SIGINT and SIGTERM make Run() return (call before announcing the port, so a
  // signal sent right after cannot kill the process instead).
  void StopOnSignals();
  // Serves on this thread until Stop() (or a signal, after StopOnSignals()).
  void Run();
  // Thread-safe: makes Run() return soon.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_HTTP_SERVER_H_
