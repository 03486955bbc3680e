#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <ctime>
#include <list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/internal/http2.h"
#include "server/internal/transport.h"
#include "server/tls.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using internal::AnyStream;
using internal::Shared;

// What the service needs of a request, kept by the session and reused (its strings keep their
// capacity), so reading a request allocates nothing once a connection is warm.
struct RequestParts {
  std::string method;
  std::string target;
  std::string amz_target;
  std::string content_type;
  std::string authorization;
  std::string expect;
  std::string upgrade;         // Upgrade (h2c)
  std::string http2_settings;  // HTTP2-Settings
  std::string body;
  int version = 11;

  void Clear() {
    for (std::string* s : {&method, &target, &amz_target, &content_type, &authorization, &expect,
                           &upgrade, &http2_settings, &body}) {
      s->clear();
    }
    version = 11;
  }
};

// Beast's HTTP/1.1 request parser, keeping only the fields the service reads (the first of
// each, as beast::http::fields::operator[] does) in place of http::request_parser's field
// tree, which allocated per field and cost 8% of a GetRecords request when measured.
class RequestParser : public http::basic_parser<true> {
 public:
  explicit RequestParser(RequestParts& parts) : parts_(parts) { parts_.Clear(); }

 private:
  static void KeepFirst(std::string& into, std::string_view value, bool& seen) {
    if (seen) return;
    seen = true;
    into.assign(value);
  }

  void on_request_impl(http::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code&) override {
    parts_.method.assign(method.data(), method.size());
    parts_.target.assign(target.data(), target.size());
    parts_.version = version;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = http::error::bad_version;  // a request parser never sees a status line
  }
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    const std::string_view v(value.data(), value.size());
    switch (name) {
      case http::field::content_type:
        return KeepFirst(parts_.content_type, v, seen_content_type_);
      case http::field::authorization:
        return KeepFirst(parts_.authorization, v, seen_authorization_);
      case http::field::expect:
        return KeepFirst(parts_.expect, v, seen_expect_);
      case http::field::upgrade:
        return KeepFirst(parts_.upgrade, v, seen_upgrade_);
      default:
        break;
    }
    if (beast::iequals(name_string, "X-Amz-Target")) {
      KeepFirst(parts_.amz_target, v, seen_target_);
    } else if (beast::iequals(name_string, "HTTP2-Settings")) {
      KeepFirst(parts_.http2_settings, v, seen_settings_);
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         beast::error_code&) override {
    if (content_length) parts_.body.reserve(static_cast<size_t>(*content_length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    parts_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    parts_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  RequestParts& parts_;
  bool seen_content_type_ = false;
  bool seen_authorization_ = false;
  bool seen_expect_ = false;
  bool seen_target_ = false;
  bool seen_upgrade_ = false;
  bool seen_settings_ = false;
};

// The response's status line and headers, written by hand into one reused buffer and sent
// with the body in one gathered write (beast's serializer and field tree cost 19% of a
// GetRecords request when measured). The same headers, in the same order, as beast wrote.
void FormatResponseHead(const HttpResponse& r, std::string_view date, bool keep_alive,
                        std::string& out) {
  out.clear();
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  char number[24];
  const auto append_number = [&](uint64_t v) {
    const auto [end, ec] = std::to_chars(number, number + sizeof number, v);
    out.append(number, static_cast<size_t>(end - number));
  };
  out.append("HTTP/1.1 ");
  append_number(static_cast<uint64_t>(r.status));
  out.push_back(' ');
  out.append(reason.data(), reason.size());
  out.append("\r\nDate: ").append(date);
  out.append("\r\nContent-Type: ").append(r.content_type);
  out.append("\r\nx-amzn-RequestId: ").append(r.request_id);
  out.append("\r\nx-amz-id-2: ").append(r.id2);
  out.append("\r\nx-shardsim-virtual-time: ").append(r.virtual_time);
  if (!keep_alive) out.append("\r\nConnection: close");
  if (r.stream != nullptr) {
    out.append("\r\nTransfer-Encoding: chunked\r\n\r\n");
    return;
  }
  out.append("\r\nContent-Length: ");
  append_number(r.body.size());
  out.append("\r\n\r\n");
}

// One chunk of a chunked body (RFC 9112, 7.1) holding `bytes`, appended to `out`; `bytes`
// must not be empty (an empty chunk ends the body).
void AppendChunk(std::string_view bytes, std::string& out) {
  char size[20];
  const auto [end, ec] = std::to_chars(size, size + sizeof size, bytes.size(), 16);
  out.append(size, static_cast<size_t>(end - size)).append("\r\n").append(bytes).append("\r\n");
}

class Session : public internal::Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(AnyStream socket, Shared& shared)
      : socket_(std::move(socket)),
        shared_(shared),
        registered_(shared, this),
        pull_timer_(socket_.get_executor()) {}
  ~Session() override { EndStream(/*cancel=*/true); }

  // A request was handled: a stream waiting for its next pull is pulled now.
  void AfterRequest() override {
    if (stream_ == nullptr) return;
    if (waiting_) {
      pull_timer_.cancel();
    } else {
      poked_ = true;  // writing: pull as soon as the write is done
    }
  }

  // `detect_http2`: the client may open with the HTTP/2 preface (prior knowledge), which
  // hands the connection to HTTP/2.
  void Start(bool detect_http2) {
    parser_.emplace(parts_);
    if (!detect_http2) return ReadHeader();
    Expect(shared_.options.idle_timeout, /*writing=*/false);
    DetectPreface();
  }

  // Called by the sweeper on every tick.
  void Sweep() override {
    if (deadline_ > shared_.ticks) return;
    deadline_ = UINT64_MAX;
    timed_out_ = true;
    if (writing_) {
      socket_.Close();
    } else {
      socket_.Cancel();
    }
  }

  bool HoldsInput() override {
    if (switched_) return false;  // the socket is the HTTP/2 session's now
    return socket_.HoldsUnreadBytes() || buffer_.size() > 0;
  }

  void Shutdown() override {
    EndStream(/*cancel=*/true);
    if (!switched_) socket_.Close();
  }

 private:
  // Reads until the bytes so far are not a prefix of the HTTP/2 preface (HTTP/1.1, parsed
  // from buffer_ as usual) or are the whole preface.
  void DetectPreface() {
    socket_.async_read_some(
        buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->buffer_.commit(n);
          if (ec) {
            self->deadline_ = UINT64_MAX;
            return self->Close();
          }
          const auto data = self->buffer_.cdata();
          const std::string_view seen(static_cast<const char*>(data.data()), data.size());
          const size_t k = std::min(seen.size(), internal::kHttp2Preface.size());
          if (seen.substr(0, k) != internal::kHttp2Preface.substr(0, k)) return self->ReadHeader();
          if (k < internal::kHttp2Preface.size()) return self->DetectPreface();
          self->SwitchToHttp2(std::nullopt);
        });
  }

  // Hands the socket, and what is in buffer_, to an HTTP/2 session.
  void SwitchToHttp2(std::optional<internal::Http2Upgrade> upgrade) {
    deadline_ = UINT64_MAX;
    switched_ = true;
    const auto data = buffer_.cdata();
    internal::StartHttp2Session(
        std::move(socket_), shared_,
        std::string_view(static_cast<const char*>(data.data()), data.size()), std::move(upgrade));
  }

  // `Upgrade: h2c` with an HTTP2-Settings header that decodes (RFC 7540, 3.2; otherwise the
  // request is answered over HTTP/1.1, as the RFC allows).
  std::optional<std::string> Http2SettingsOfUpgrade() const {
    if (socket_.tls() || parts_.http2_settings.empty()) return std::nullopt;
    bool h2c = false;
    for (std::string_view rest = parts_.upgrade; !rest.empty();) {
      const size_t comma = rest.find(',');
      std::string_view token = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      h2c = h2c || beast::iequals(token, "h2c");
    }
    std::string settings;
    if (!h2c || !absl::WebSafeBase64Unescape(parts_.http2_settings, &settings)) {
      return std::nullopt;
    }
    return settings;
  }

  // Answers the request (in arrival order, now), says 101, and sends the answer as HTTP/2
  // stream 1.
  void UpgradeToHttp2(const HttpRequest& request, std::string settings) {
    internal::Http2Upgrade upgrade{std::move(settings), parts_.method == "HEAD",
                                   shared_.Handle(request)};
    static constexpr std::string_view kSwitching =
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
    Expect(shared_.options.request_timeout, /*writing=*/true);
    net::async_write(socket_, net::buffer(kSwitching.data(), kSwitching.size()),
                     [self = shared_from_this(), upgrade = std::move(upgrade)](beast::error_code ec,
                                                                               size_t) mutable {
                       self->deadline_ = UINT64_MAX;
                       if (ec) return self->Close();
                       self->SwitchToHttp2(std::move(upgrade));
                     });
  }

  void ReadHeader() {
    // Stopping: no request is read or answered any more (a handler queued before the stop
    // would otherwise read a closed socket, and log a rejection that depends on timing).
    if (shared_.stopping) return Close();
    parser_.emplace(parts_);
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    Expect(shared_.options.idle_timeout, /*writing=*/false);
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void Expect(std::chrono::milliseconds timeout, bool writing) {
    deadline_ = shared_.DeadlineAfter(timeout);
    writing_ = writing;
    timed_out_ = false;
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (beast::iequals(parts_.expect, "100-continue")) {
      continue_.emplace(http::status::continue_, parts_.version);
      Expect(shared_.options.request_timeout, /*writing=*/true);
      http::async_write(socket_, *continue_,
                        [self = shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Expect(shared_.options.request_timeout, /*writing=*/false);
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnReadError(beast::error_code ec) {
    deadline_ = UINT64_MAX;
    if (shared_.stopping) return Close();
    if (timed_out_) ec = beast::error::timeout;
    const bool started = parser_->got_some() || buffer_.size() > 0;
    if (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      if (!started) return Close();
    }
    if (ec == beast::error::timeout && !started) return Close();
    ApiError error;
    if (ec == beast::error::timeout) {
      error = ApiError{408, "RequestTimeoutException",
                       "The request was not received in time; the connection is closed."};
    } else if (ec == http::error::body_limit) {
      error = ApiError{
          413, "RequestEntityTooLargeException",
          sim::Cat("The request body exceeds ", shared_.options.max_body_bytes, " bytes.")};
    } else if (ec == http::error::partial_message || ec == http::error::end_of_stream ||
               ec == net::error::eof) {
      error = SerializationError("The request ended before its body was complete.");
    } else if (ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return Close();
    } else if (StartsWithHttp2Preface()) {
      error = SerializationError(
          "Malformed HTTP request: an HTTP/2 connection preface (PRI * HTTP/2.0) where an "
          "HTTP/1.1 request was expected; HTTP/2 opens a connection with the whole preface, or "
          "follows Upgrade: h2c");
    } else {
      error = SerializationError(sim::Cat("Malformed HTTP request: ", ec.message()));
    }
    const std::string content_type =
        parser_->is_header_done() ? parts_.content_type : std::string();
    Respond(shared_.Reject(error, content_type), /*keep_alive=*/false);
  }

  // What HTTP/2 clients with prior knowledge send first (RFC 9113, 3.4), seen where HTTP/1.1
  // was expected (after a request on the connection, or a preface gone wrong).
  bool StartsWithHttp2Preface() const {
    constexpr std::string_view kPreface = "PRI * HTTP/2.0";
    const auto data = buffer_.cdata();
    const std::string_view seen(static_cast<const char*>(data.data()),
                                std::min(data.size(), kPreface.size()));
    return !seen.empty() && kPreface.substr(0, seen.size()) == seen && seen.size() >= 3;
  }

  void OnRead(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (shared_.stopping) return Close();
    deadline_ = UINT64_MAX;
    std::string_view target = parts_.target;
    target = target.substr(0, target.find('?'));
    HttpRequest request{parts_.method,        target,     parts_.amz_target, parts_.content_type,
                        parts_.authorization, parts_.body};
    if (std::optional<std::string> settings = Http2SettingsOfUpgrade()) {
      return UpgradeToHttp2(request, *std::move(settings));
    }
    Respond(shared_.Handle(request), parser_->keep_alive());
  }

  // A ResponseStream, chunked (response_stream.h): the head, then a chunk of whatever each
  // Pull yields, at once, after its retry_after, and after every request the server handles
  // (AfterRequest); the last chunk when it is done, then the connection closes (the head says
  // so). A read that fails meanwhile means the client went away: Cancel.
  void StartStream(HttpResponse r) {
    FormatResponseHead(r, shared_.date.Now(), /*keep_alive=*/false, head_);  // chunked
    stream_ = std::move(r.stream);
    ++shared_.live_streams;
    WatchForClose();
    retry_after_ = std::chrono::milliseconds(0);  // the first Pull at once
    Write(std::move(head_), /*last=*/false);
  }

  void WatchForClose() {
    socket_.async_read_some(net::buffer(watch_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (self->stream_ == nullptr) return;
                              if (ec) return self->Abort();
                              self->WatchForClose();  // bytes sent meanwhile are dropped
                            });
  }

  void Write(std::string bytes, bool last) {
    out_ = std::move(bytes);
    Expect(shared_.options.request_timeout, /*writing=*/true);
    net::async_write(socket_, net::buffer(out_),
                     [self = shared_from_this(), last](beast::error_code ec, size_t) {
                       self->deadline_ = UINT64_MAX;
                       if (ec) return self->Abort();
                       if (last) {
                         self->EndStream(/*cancel=*/false);
                         return self->Close();
                       }
                       self->Wait(self->retry_after_);
                     });
  }

  void PullStream() {
    if (stream_ == nullptr) return;
    ResponseStream::Step step = stream_->Pull();
    std::string chunk;
    if (!step.bytes.empty()) AppendChunk(step.bytes, chunk);
    if (step.done) {
      chunk.append("0\r\n\r\n");
      return Write(std::move(chunk), /*last=*/true);
    }
    if (!chunk.empty()) {
      retry_after_ = step.retry_after;
      return Write(std::move(chunk), /*last=*/false);
    }
    Wait(step.retry_after);
  }

  void Wait(std::chrono::milliseconds retry_after) {
    if (stream_ == nullptr) return;
    waiting_ = true;
    pull_timer_.expires_after(poked_ ? std::chrono::milliseconds(0) : retry_after);
    poked_ = false;
    pull_timer_.async_wait([self = shared_from_this()](beast::error_code) {
      self->waiting_ = false;
      self->PullStream();  // when the time is up, or poked
    });
  }

  void Abort() {
    EndStream(/*cancel=*/true);
    Close();
  }

  // Forgets the stream (cancelling it when `cancel`).
  void EndStream(bool cancel) {
    if (stream_ == nullptr) return;
    if (cancel) stream_->Cancel();
    stream_.reset();
    --shared_.live_streams;
    pull_timer_.cancel();
  }

  void Respond(HttpResponse r, bool keep_alive) {
    if (r.stream != nullptr) return StartStream(std::move(r));
    FormatResponseHead(r, shared_.date.Now(), keep_alive, head_);
    body_ = std::move(r.body);
    Expect(shared_.options.request_timeout, /*writing=*/true);
    const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(socket_, buffers,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       self->deadline_ = UINT64_MAX;
                       if (ec || !keep_alive) return self->Close();
                       self->ReadHeader();
                     });
  }

  void Close() { socket_.Close(); }

  AnyStream socket_;
  beast::flat_buffer buffer_;
  Shared& shared_;
  internal::Registered registered_;
  RequestParts parts_;
  std::optional<RequestParser> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::string head_;
  std::string body_;
  uint64_t deadline_ = UINT64_MAX;
  bool writing_ = false;
  bool timed_out_ = false;
  bool switched_ = false;  // the socket went to HTTP/2
  // The ResponseStream being sent, chunked, if any (StartStream).
  std::shared_ptr<ResponseStream> stream_;
  net::steady_timer pull_timer_;
  bool waiting_ = false;
  bool poked_ = false;
  std::chrono::milliseconds retry_after_{0};
  std::string out_;
  std::array<char, 512> watch_{};
};

// ALPN (RFC 7301): h2 when the client offers it, else http/1.1; neither offered, no ALPN (the
// connection is HTTP/1.1, or HTTP/2 with prior knowledge).
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static constexpr unsigned char kOurs[] = "\x02h2\x08http/1.1";
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, kOurs, sizeof kOurs - 1, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

absl::StatusOr<std::unique_ptr<net::ssl::context>> TlsContext(const TlsCredentials& tls) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context->use_certificate_chain(net::buffer(tls.cert_pem), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        sim::Cat("the TLS certificate is not a PEM certificate: ", ec.message()));
  }
  context->use_private_key(net::buffer(tls.key_pem), net::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        sim::Cat("the TLS key is not a PEM private key: ", ec.message()));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return absl::InvalidArgumentError("the TLS key does not belong to the certificate");
  }
  SSL_CTX_set_alpn_select_cb(context->native_handle(), &SelectAlpn, nullptr);
  return context;
}

}  // namespace

struct HttpServer::Impl {
  Impl(KinesisService& service, ServerOptions options)
      : shared(service, std::move(options)), acceptor(io, tcp::v4()), sweeper(io) {
    const auto shortest = std::min(shared.options.idle_timeout, shared.options.request_timeout);
    shared.tick =
        std::clamp(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
    service.SetInputProbe([this] { return shared.InputPending(); });
  }
  ~Impl() { shared.service.SetInputProbe(nullptr); }

  void Sweep() {
    sweeper.expires_after(shared.tick);
    sweeper.async_wait([this](beast::error_code ec) {
      if (ec) return;
      ++shared.ticks;
      // A sweep may close a connection, which unregisters it when its handlers have run, not
      // now: the list is stable during the loop.
      for (internal::Connection* c : shared.connections) c->Sweep();
      Sweep();
    });
  }

  void Accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, say: try again shortly rather than spin.
        backoff.expires_after(std::chrono::milliseconds(50));
        backoff.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls) {
        Handshake(std::move(socket));
      } else {
        std::make_shared<Session>(AnyStream(std::move(socket)), shared)->Start(true);
      }
      Accept();
    });
  }

  // TLS, within `request_timeout`; then HTTP/2 if ALPN chose h2, else HTTP/1.1 (which still
  // recognises an HTTP/2 preface).
  void Handshake(tcp::socket socket) {
    auto stream = std::make_shared<std::unique_ptr<internal::TlsStream>>(
        std::make_unique<internal::TlsStream>(std::move(socket), *tls));
    auto timer = std::make_shared<net::steady_timer>(io, shared.options.request_timeout);
    timer->async_wait([weak = std::weak_ptr(stream)](beast::error_code ec) {
      if (ec) return;
      if (auto s = weak.lock(); s && *s) {
        beast::error_code ignored;
        (*s)->next_layer().close(ignored);
      }
    });
    (*stream)->async_handshake(
        net::ssl::stream_base::server, [this, stream, timer](beast::error_code ec) {
          timer->cancel();
          if (ec || shared.stopping) return;
          const unsigned char* alpn = nullptr;
          unsigned int alpn_size = 0;
          SSL_get0_alpn_selected((*stream)->native_handle(), &alpn, &alpn_size);
          const bool h2 = std::string_view(reinterpret_cast<const char*>(alpn), alpn_size) == "h2";
          AnyStream any(std::move(*stream));
          if (h2) return internal::StartHttp2Session(std::move(any), shared, {});
          std::make_shared<Session>(std::move(any), shared)->Start(true);
        });
  }

  // Stops accepting, lets each connection finish (HTTP/2: GOAWAY, answers already queued go
  // out), and stops the loop when all are closed or after a second.
  void Shutdown() {
    if (shared.stopping) return;
    shared.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    sweeper.cancel();
    backoff.cancel();
    if (signals) signals->cancel(ignored);
    const std::vector<internal::Connection*> open(shared.connections.begin(),
                                                  shared.connections.end());
    for (internal::Connection* c : open) c->Shutdown();
    stop_by = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    WaitForConnections();
  }

  void WaitForConnections() {
    if (shared.connections.empty() || std::chrono::steady_clock::now() >= stop_by) {
      io.stop();
      return;
    }
    backoff.expires_after(std::chrono::milliseconds(5));
    backoff.async_wait([this](beast::error_code) { WaitForConnections(); });
  }

  // Sessions live in io's handlers and unregister from `shared` when destroyed, so `shared`
  // (and the TLS context of their streams) outlive io.
  Shared shared;
  std::unique_ptr<net::ssl::context> tls;
  net::io_context io{1};
  tcp::acceptor acceptor;
  net::steady_timer sweeper;
  net::steady_timer backoff{io};
  std::optional<net::signal_set> signals;
  std::chrono::steady_clock::time_point stop_by;
  uint16_t port = 0;
};

HttpServer::HttpServer(KinesisService& service, ServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

HttpServer::~HttpServer() = default;

absl::Status HttpServer::Listen() {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(impl_->shared.options.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        sim::Cat("'", impl_->shared.options.host, "' is not an IP address"));
  }
  if (impl_->shared.options.tls) {
    absl::StatusOr<std::unique_ptr<net::ssl::context>> context =
        TlsContext(*impl_->shared.options.tls);
    if (!context.ok()) return context.status();
    impl_->tls = *std::move(context);
  }
  const tcp::endpoint endpoint(address, impl_->shared.options.port);
  tcp::acceptor& acceptor = impl_->acceptor;
  if (address.is_v6()) {
    acceptor.close(ec);
    acceptor.open(tcp::v6(), ec);
  }
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(sim::Cat("cannot listen on ", impl_->shared.options.host, ":",
                                           impl_->shared.options.port, ": ", ec.message()));
  }
  impl_->port = acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->Sweep();
  return absl::OkStatus();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::StopOnSignals() {
  impl_->signals.emplace(impl_->io, SIGINT, SIGTERM);
  impl_->signals->async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->Shutdown();
  });
}

void HttpServer::Run() { impl_->io.run(); }

void HttpServer::Stop() {
  net::post(impl_->io, [this] { impl_->Shutdown(); });
}

}  // namespace shardsim::server
