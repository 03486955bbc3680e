#include "server/internal/http2.h"

#include <sys/types.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "server/api_error.h"
#include "sim/check.h"
#include "sim/strings.h"

namespace shardsim::server::internal {

namespace {

// Closed streams kept for reuse.
constexpr size_t kSpareStreams = 16;
// Room for big request bodies without a WINDOW_UPDATE per 64 KiB.
constexpr int32_t kStreamWindowBytes = 1 << 20;
constexpr int32_t kConnectionWindowBytes = 16 << 20;

bool EndsStream(const nghttp2_frame* frame) {
  return (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
         (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
}

std::string_view View(const uint8_t* p, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(p), n);
}

}  // namespace

// A stream's request and response. Recycled (see NewStream): its strings keep their capacity,
// so a warm connection allocates little per request.
struct Http2Connection::Stream {
  void Reset(int32_t stream_id) {
    id = stream_id;
    for (std::string* s : {&method, &path, &amz_target, &content_type, &authorization}) s->clear();
    ClearKeepingSmall(body);
    ClearKeepingSmall(out);
    header_bytes = 0;
    deadline = UINT64_MAX;
    request_done = answered = live_done = deferred = false;
    sent = 0;
    live.reset();
  }
  static void ClearKeepingSmall(std::string& s) {
    s.clear();
    if (s.capacity() > 64 * 1024) s.shrink_to_fit();
  }

  int32_t id = 0;
  // The request.
  std::string method, path, amz_target, content_type, authorization, body;
  size_t header_bytes = 0;
  uint64_t deadline = UINT64_MAX;  // sweeper tick by which the request must be complete
  bool request_done = false;
  bool answered = false;
  // The response body: all of it, or what a response stream has given and not yet been sent.
  std::string out;
  size_t sent = 0;
  std::shared_ptr<ResponseStream> live;
  bool live_done = false;
  bool deferred = false;  // nghttp2 waits for resume_data
  // For a response stream only (a timer costs a lock to cancel, measurably per request).
  std::optional<boost::asio::steady_timer> retry;
};

struct Http2Connection::Callbacks {
  static Http2Connection& Self(void* user) { return *static_cast<Http2Connection*>(user); }

  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    Http2Connection& c = Self(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    Stream& s = c.NewStream(frame->hd.stream_id);
    s.deadline = c.shared_.DeadlineAfter(c.shared_.options.request_timeout);
    return 0;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    Stream* s = Self(user).Find(frame->hd.stream_id);
    if (s == nullptr) return 0;
    s->header_bytes += namelen + valuelen + 32;  // RFC 9113 6.5.2's accounting
    if (s->header_bytes > kHttp2MaxHeaderListBytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;  // trailers: ignored
    const std::string_view n = View(name, namelen);
    std::string* into = nullptr;
    switch (namelen) {  // by length first: a few compares per header, not five
      case 5:
        if (n == ":path") into = &s->path;
        break;
      case 7:
        if (n == ":method") into = &s->method;
        break;
      case 12:
        into = n == "content-type"   ? &s->content_type
               : n == "x-amz-target" ? &s->amz_target
                                     : nullptr;
        break;
      case 13:
        if (n == "authorization") into = &s->authorization;
        break;
      default:
        break;
    }
    // The first of each, as HTTP/1.1 keeps it (nghttp2 has already refused repeated
    // pseudo-headers).
    if (into != nullptr && into->empty()) into->assign(View(value, valuelen));
    return 0;
  }

  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                         void* user) {
    Http2Connection& c = Self(user);
    Stream* s = c.Find(id);
    if (s == nullptr || s->answered) return 0;
    if (s->body.size() + len > c.shared_.options.max_body_bytes) {
      c.Reject(*s, ApiError{413, "RequestEntityTooLargeException",
                            sim::Cat("The request body exceeds ", c.shared_.options.max_body_bytes,
                                     " bytes.")});
      return 0;
    }
    s->body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    Http2Connection& c = Self(user);
    if (!EndsStream(frame)) return 0;
    Stream* s = c.Find(frame->hd.stream_id);
    if (s == nullptr) return 0;
    s->request_done = true;
    s->deadline = UINT64_MAX;
    if (!s->answered) c.Dispatch(*s);
    return 0;
  }

  static int OnFrameSend(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    if (!EndsStream(frame)) return 0;
    Stream* s = Self(user).Find(frame->hd.stream_id);
    // Answered before the request ended (413, 408): the rest of it is not wanted.
    if (s != nullptr && !s->request_done) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_NO_ERROR);
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t id, uint32_t, void* user) {
    Self(user).CloseStream(id);
    return 0;
  }

  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                          nghttp2_data_source* source, void*) {
    Stream& s = *static_cast<Stream*>(source->ptr);
    const size_t n = std::min(length, s.out.size() - s.sent);
    std::memcpy(buf, s.out.data() + s.sent, n);
    s.sent += n;
    if (s.live != nullptr && s.sent == s.out.size()) {
      s.out.clear();
      s.sent = 0;
    }
    const bool all_sent = s.sent == s.out.size();
    if (all_sent && (s.live == nullptr || s.live_done)) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    }
    if (n == 0) {
      s.deferred = true;
      return NGHTTP2_ERR_DEFERRED;
    }
    return static_cast<ssize_t>(n);
  }
};

Http2Connection::Http2Connection(Shared& shared, boost::asio::any_io_executor executor,
                                 std::function<void()> wake)
    : shared_(shared), executor_(std::move(executor)), wake_(std::move(wake)) {
  nghttp2_session_callbacks* cbs = nullptr;
  SHARDSIM_CHECK(nghttp2_session_callbacks_new(&cbs) == 0, "nghttp2 callbacks");
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Callbacks::OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &Callbacks::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Callbacks::OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Callbacks::OnFrameRecv);
  nghttp2_session_callbacks_set_on_frame_send_callback(cbs, &Callbacks::OnFrameSend);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Callbacks::OnStreamClose);
  const int made = nghttp2_session_server_new(&session_, cbs, this);
  nghttp2_session_callbacks_del(cbs);
  SHARDSIM_CHECK(made == 0, "nghttp2 session");
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kHttp2MaxConcurrentStreams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, kHttp2MaxHeaderListBytes},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindowBytes},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindowBytes);
}

Http2Connection::~Http2Connection() {
  CancelAll();
  nghttp2_session_del(session_);
}

Http2Connection::Stream* Http2Connection::Find(int32_t id) {
  for (auto it = streams_.rbegin(); it != streams_.rend(); ++it) {
    if ((*it)->id == id) return it->get();
  }
  return nullptr;
}

Http2Connection::Stream& Http2Connection::NewStream(int32_t id) {
  std::shared_ptr<Stream> s;
  if (spare_.empty()) {
    s = std::make_shared<Stream>();
  } else {
    s = std::move(spare_.back());
    spare_.pop_back();
  }
  s->Reset(id);
  streams_.push_back(std::move(s));
  return *streams_.back();
}

void Http2Connection::CloseStream(int32_t id) {
  const auto it = std::find_if(streams_.begin(), streams_.end(),
                               [id](const std::shared_ptr<Stream>& s) { return s->id == id; });
  if (it == streams_.end()) return;
  EndLive(**it, /*cancel=*/true);
  std::shared_ptr<Stream> closed = std::move(*it);
  streams_.erase(it);
  // A timer's handler that still holds it (weak_ptr) finds another id and does nothing.
  if (spare_.size() < kSpareStreams) {
    closed->Reset(0);
    spare_.push_back(std::move(closed));
  }
}

bool Http2Connection::Upgrade(std::string_view settings, bool head_request, HttpResponse response) {
  Stream& stream = NewStream(1);
  stream.request_done = true;
  if (nghttp2_session_upgrade2(session_, reinterpret_cast<const uint8_t*>(settings.data()),
                               settings.size(), head_request ? 1 : 0, nullptr) != 0) {
    CloseStream(1);
    return false;
  }
  Submit(stream, std::move(response));
  return true;
}

bool Http2Connection::Receive(std::string_view bytes) {
  if (fatal_) return false;
  const ssize_t n = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (n < 0) {
    fatal_ = true;
    // Not HTTP/2 at all (a bad preface) or flooding: say why, then end.
    nghttp2_session_terminate_session(session_, NGHTTP2_PROTOCOL_ERROR);
    CancelAll();
    return false;
  }
  return true;
}

void Http2Connection::Produce(std::string& out, size_t max_bytes) {
  while (out.size() < max_bytes) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) {
      if (n < 0) fatal_ = true;
      return;
    }
    out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
}

bool Http2Connection::Alive() const {
  return !fatal_ && (nghttp2_session_want_read(session_) || nghttp2_session_want_write(session_));
}

void Http2Connection::Dispatch(Stream& s) {
  std::string_view path = s.path;
  path = path.substr(0, path.find('?'));
  const HttpRequest request{s.method, path, s.amz_target, s.content_type, s.authorization, s.body};
  HttpResponse r = shared_.Handle(request);
  // The service may have ended streams of this connection (AfterRequest): `s` is still here,
  // because only nghttp2's stream-close callback erases it, and nghttp2 is not re-entered.
  Stream::ClearKeepingSmall(s.body);
  Submit(s, std::move(r));
}

void Http2Connection::Reject(Stream& s, const ApiError& error) {
  Stream::ClearKeepingSmall(s.body);
  Submit(s, shared_.Reject(error, s.content_type));
}

void Http2Connection::Submit(Stream& s, HttpResponse r) {
  s.answered = true;
  s.deadline = UINT64_MAX;
  char status[16];
  const std::string_view status_text(
      status,
      static_cast<size_t>(std::to_chars(status, status + sizeof status, r.status).ptr - status));
  char length[24];
  const std::string_view length_text(
      length, static_cast<size_t>(std::to_chars(length, length + sizeof length, r.body.size()).ptr -
                                  length));
  const bool live = r.stream != nullptr;
  // Names are literals (not copied); values are copied by nghttp2. Values new in every answer
  // stay out of HPACK's dynamic table (they would only evict the ones that repeat).
  const auto nv = [](std::string_view name, std::string_view value, bool unique = false) {
    return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                      reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                      value.size(),
                      static_cast<uint8_t>(NGHTTP2_NV_FLAG_NO_COPY_NAME |
                                           (unique ? NGHTTP2_NV_FLAG_NO_INDEX : 0))};
  };
  const std::array<nghttp2_nv, 7> headers{
      nv(":status", status_text),
      nv("date", shared_.date.Now()),
      nv("content-type", r.content_type),
      nv("x-amzn-requestid", r.request_id, /*unique=*/true),
      nv("x-amz-id-2", r.id2, /*unique=*/true),
      nv("x-shardsim-virtual-time", r.virtual_time),
      nv("content-length", length_text),
  };
  const size_t header_count = live ? headers.size() - 1 : headers.size();
  s.out = std::move(r.body);
  s.sent = 0;
  nghttp2_data_provider provider{};
  provider.source.ptr = &s;
  provider.read_callback = &Callbacks::ReadBody;
  const bool has_body = live || !s.out.empty();
  if (live) {
    s.live = std::move(r.stream);
    ++shared_.live_streams;
  }
  const int rv = nghttp2_submit_response(session_, s.id, headers.data(), header_count,
                                         has_body ? &provider : nullptr);
  if (rv != 0) {
    EndLive(s, /*cancel=*/true);
    return;
  }
  if (live) Pull(s);
}

void Http2Connection::Pull(Stream& s) {
  if (s.live == nullptr || s.live_done) return;
  ResponseStream::Step step = s.live->Pull();
  s.out.append(step.bytes);
  const bool give = !step.bytes.empty() || step.done;
  if (step.done) {
    EndLive(s, /*cancel=*/false);
  } else {
    if (!s.retry) s.retry.emplace(executor_);
    s.retry->expires_after(step.retry_after);
    std::weak_ptr<Stream> weak;
    for (const std::shared_ptr<Stream>& open : streams_) {
      if (open.get() == &s) weak = open;
    }
    // The stream alive (its connection then is too) and not closed since (ids never repeat).
    s.retry->async_wait([this, weak, id = s.id](const boost::system::error_code& ec) {
      if (ec) return;
      const std::shared_ptr<Stream> stream = weak.lock();
      if (stream == nullptr || stream->id != id) return;
      Pull(*stream);
    });
  }
  if (!give) return;
  if (s.deferred) {
    s.deferred = false;
    nghttp2_session_resume_data(session_, s.id);
  }
  if (wake_) wake_();
}

// The response stream's end: said done (then its bytes still drain), or cancelled.
void Http2Connection::EndLive(Stream& s, bool cancel) {
  if (s.live == nullptr || s.live_done) return;
  s.live_done = true;
  --shared_.live_streams;
  if (s.retry) s.retry->cancel();
  if (cancel) s.live->Cancel();
}

void Http2Connection::PullStreams() {
  // Pull may not close streams (only nghttp2 does, from Receive or Produce), so the map is
  // stable here.
  for (const std::shared_ptr<Stream>& s : streams_) Pull(*s);
}

void Http2Connection::Sweep() {
  std::vector<Stream*> late;
  for (const std::shared_ptr<Stream>& s : streams_) {
    if (!s->answered && s->deadline <= shared_.ticks) late.push_back(s.get());
  }
  for (Stream* s : late) {
    Reject(*s, ApiError{408, "RequestTimeoutException",
                        "The request was not received in time; the stream is reset."});
  }
  if (!late.empty() && wake_) wake_();
}

void Http2Connection::Shutdown() {
  CancelAll();
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                        nullptr, 0);
}

void Http2Connection::CancelAll() {
  for (const std::shared_ptr<Stream>& s : streams_) EndLive(*s, /*cancel=*/true);
}

namespace {

// One HTTP/2 connection on a socket: reads into the protocol, writes what it produces (one
// write at a time; reading pauses while a write is under way, so a peer that does not read
// cannot make answers pile up), and closes when the protocol is over, the peer leaves, or a
// timeout passes (idle: no stream open and nothing read or written for `idle_timeout`, then
// a GOAWAY; a write stalled for `request_timeout`).
class Http2Session : public Connection, public std::enable_shared_from_this<Http2Session> {
 public:
  Http2Session(AnyStream stream, Shared& shared)
      : stream_(std::move(stream)), shared_(shared), registered_(shared, this) {}

  void Start(std::string_view already_read, std::optional<Http2Upgrade> upgrade) {
    h2_.emplace(shared_, stream_.get_executor(), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->ScheduleFlush();
    });
    if (upgrade) {
      if (!h2_->Upgrade(upgrade->settings, upgrade->head_request, std::move(upgrade->response))) {
        return Close();
      }
    }
    idle_deadline_ = shared_.DeadlineAfter(shared_.options.idle_timeout);
    if (!already_read.empty() && !h2_->Receive(already_read)) closing_ = true;
    Flush();
    if (!closing_) Read();
  }

  void Sweep() override {
    if (closed_) return;
    if (writing_ && write_deadline_ <= shared_.ticks) return Close();
    h2_->Sweep();
    if (!closing_ && h2_->Idle() && !writing_ && idle_deadline_ <= shared_.ticks) {
      h2_->Shutdown();
      closing_ = true;
      Flush();
    }
  }
  void AfterRequest() override {
    if (!closed_) h2_->PullStreams();
  }
  bool HoldsInput() override { return stream_.HoldsUnreadBytes(); }

  void Shutdown() override {
    if (closed_) return;
    h2_->Shutdown();
    closing_ = true;
    Flush();
  }

 private:
  void Read() {
    if (closed_) return;
    stream_.async_read_some(boost::asio::buffer(in_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const boost::system::error_code& ec, size_t n) {
    if (closed_) return;
    if (ec) return Close();
    // Stopping (GOAWAY queued): nothing more is read; what is queued goes out, then Close.
    if (shared_.stopping) return Flush();
    if (!h2_->Receive(std::string_view(in_.data(), n))) closing_ = true;
    idle_deadline_ = shared_.DeadlineAfter(shared_.options.idle_timeout);
    Flush();
    if (closed_ || closing_) return;
    if (writing_) {
      read_paused_ = true;
    } else {
      Read();
    }
  }

  void ScheduleFlush() {
    if (flush_posted_ || closed_) return;
    flush_posted_ = true;
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->flush_posted_ = false;
      self->Flush();
    });
  }

  void Flush() {
    if (closed_ || writing_) return;
    out_.clear();
    h2_->Produce(out_, 1 << 20);
    if (out_.empty()) {
      if (closing_ || !h2_->Alive()) Close();
      return;
    }
    writing_ = true;
    write_deadline_ = shared_.DeadlineAfter(shared_.options.request_timeout);
    boost::asio::async_write(
        stream_, boost::asio::buffer(out_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
          self->writing_ = false;
          if (ec) return self->Close();
          self->idle_deadline_ = self->shared_.DeadlineAfter(self->shared_.options.idle_timeout);
          self->Flush();
          if (self->read_paused_ && !self->closed_ && !self->closing_) {
            self->read_paused_ = false;
            self->Read();
          }
        });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    h2_->CancelAll();
    stream_.Close();
  }

  AnyStream stream_;
  Shared& shared_;
  Registered registered_;
  std::optional<Http2Connection> h2_;
  std::array<char, 64 * 1024> in_;
  std::string out_;
  uint64_t write_deadline_ = UINT64_MAX;
  uint64_t idle_deadline_ = UINT64_MAX;
  bool writing_ = false;
  bool read_paused_ = false;
  bool flush_posted_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace

void StartHttp2Session(AnyStream stream, Shared& shared, std::string_view already_read,
                       std::optional<Http2Upgrade> upgrade) {
  auto session = std::make_shared<Http2Session>(std::move(stream), shared);
  session->Start(already_read, std::move(upgrade));
}

}  // namespace shardsim::server::internal
