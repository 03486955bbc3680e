// What the server's transports (HTTP/1.1 in http_server.cc, HTTP/2 in http2_session.h) share on
// the one thread that runs them: the service, the options, the Date header, the sweeper's
// ticks, the open connections, and a byte stream that is plain TCP or TLS.
//
// Every request goes to the service through Shared::Handle (or Shared::Reject), which then
// lets every connection holding a ResponseStream pull it (a put may have given it something to
// send; response_stream.h). Not part of the installed API.
#ifndef SHARDSIM_SERVER_INTERNAL_TRANSPORT_H_
#define SHARDSIM_SERVER_INTERNAL_TRANSPORT_H_

#include <sys/ioctl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "server/http_server.h"
#include "server/service.h"

namespace shardsim::server::internal {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using TlsStream = net::ssl::stream<tcp::socket>;

// The real date for the Date header (RFC 7231), formatted once per second.
class DateHeader {
 public:
  std::string_view Now() {
    const std::time_t t = std::time(nullptr);
    if (t != last_) {
      std::tm tm{};
      gmtime_r(&t, &tm);
      size_ = std::strftime(text_, sizeof text_, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      last_ = t;
    }
    return std::string_view(text_, size_);
  }

 private:
  std::time_t last_ = -1;
  char text_[64] = {};
  size_t size_ = 0;
};

// An open connection, as the server sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // On every sweeper tick: enforce this connection's timeouts.
  virtual void Sweep() = 0;
  // After any connection handed a request to the service: pull the response streams this
  // connection holds that are waiting.
  virtual void AfterRequest() {}
  // The server stops: finish what can be finished soon (HTTP/2: GOAWAY) and close.
  virtual void Shutdown() = 0;
  // Whether the peer has sent bytes this connection has not yet read or handled.
  virtual bool HoldsInput() = 0;
};

struct Shared {
  Shared(KinesisService& s, ServerOptions o) : service(s), options(std::move(o)) {}

  KinesisService& service;
  ServerOptions options;
  DateHeader date;
  // Timeouts without a timer per request (re-arming one costs a system call per request,
  // which halved throughput when measured): one sweeper ticks every `tick`, and each
  // connection holds the tick count by which its current read or write must finish.
  std::chrono::milliseconds tick{100};
  uint64_t ticks = 0;
  std::list<Connection*> connections;
  // Response streams open on all connections; AfterRequest is called only while some are.
  int live_streams = 0;
  bool stopping = false;

  uint64_t DeadlineAfter(std::chrono::milliseconds timeout) const {
    return ticks + static_cast<uint64_t>((timeout + tick - std::chrono::milliseconds(1)) / tick) +
           1;
  }
  // For tests of the transports: answers requests in place of the service when set.
  std::function<HttpResponse(const HttpRequest&)> handler;

  HttpResponse Handle(const HttpRequest& request) {
    HttpResponse r = handler ? handler(request) : service.Handle(request);
    PullStreams();
    return r;
  }
  HttpResponse Reject(const ApiError& error, std::string_view content_type) {
    HttpResponse r = service.Reject(error, content_type);
    PullStreams();
    return r;
  }
  // KinesisService::SetInputProbe: some connection holds bytes of a request not yet handled.
  bool InputPending() {
    for (Connection* c : connections) {
      if (c->HoldsInput()) return true;
    }
    return false;
  }
  void PullStreams() {
    if (live_streams == 0) return;
    for (Connection* c : connections) c->AfterRequest();
  }
};

// Registers a connection in `shared` for its lifetime.
class Registered {
 public:
  Registered(Shared& shared, Connection* c) : shared_(shared) {
    shared_.connections.push_front(c);
    it_ = shared_.connections.begin();
  }
  ~Registered() { shared_.connections.erase(it_); }
  Registered(const Registered&) = delete;
  Registered& operator=(const Registered&) = delete;

 private:
  Shared& shared_;
  std::list<Connection*>::iterator it_;
};

// A connection's bytes: plain TCP or TLS (an AsyncReadStream and AsyncWriteStream for Beast
// and Asio's composed operations, which call it with completion handlers only).
class AnyStream {
 public:
  using executor_type = tcp::socket::executor_type;

  explicit AnyStream(tcp::socket socket) : plain_(std::move(socket)) {}
  explicit AnyStream(std::unique_ptr<TlsStream> tls) : tls_(std::move(tls)) {}

  executor_type get_executor() { return Lowest().get_executor(); }
  bool tls() const { return tls_ != nullptr; }

  template <typename Buffers, typename Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }
  template <typename Buffers, typename Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_write_some(buffers, std::forward<Handler>(handler));
    }
  }

  tcp::socket& Lowest() { return tls_ ? tls_->next_layer() : *plain_; }
  // Bytes the peer sent that nobody has read yet: in the kernel's buffer, or decrypted and
  // held by TLS.
  bool HoldsUnreadBytes() {
    int unread = 0;
    if (::ioctl(Lowest().native_handle(), FIONREAD, &unread) == 0 && unread > 0) return true;
    return tls_ != nullptr && SSL_pending(tls_->native_handle()) > 0;
  }
  void Cancel() {
    boost::system::error_code ignored;
    Lowest().cancel(ignored);
  }
  void Close() {
    boost::system::error_code ignored;
    Lowest().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().close(ignored);
  }

 private:
  std::optional<tcp::socket> plain_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace shardsim::server::internal

#endif  // SHARDSIM_SERVER_INTERNAL_TRANSPORT_H_
