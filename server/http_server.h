// HttpServer: HTTP/1.1 with keep-alive (Boost.Beast) in front of a KinesisService.
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
#include <string>

#include "absl/status/status.h"
#include "server/service.h"

namespace shardsim::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: a free port, see HttpServer::port()
  // Room for PutRecords' 5 MiB of records in base64; a 20 MiB body is refused.
  uint64_t max_body_bytes = 10ull << 20;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds request_timeout{10'000};
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
  // Serves on this thread until Stop() or SIGINT/SIGTERM (when `handle_signals`).
  void Run(bool handle_signals = false);
  // Thread-safe: makes Run() return soon.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_HTTP_SERVER_H_
