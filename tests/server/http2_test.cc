// HTTP/2 in the server: the protocol without the socket (Http2Connection driven by an nghttp2
// client in memory: response streams, resets, shutdown) and a real server over TCP (prior
// knowledge, concurrent streams, flow control of big answers, limits, malformed frames).
#include "server/internal/http2.h"

#include <nghttp2/nghttp2.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "server/internal/transport.h"
#include "tests/server/test_server.h"

namespace shardsim::server {
namespace {

using internal::Http2Connection;
using internal::kHttp2Preface;
using Json = nlohmann::json;
using testing::Reply;
using testing::TestServer;

struct H2Reply {
  Reply reply;
  bool closed = false;
  uint32_t error_code = 0;  // of RST_STREAM, NGHTTP2_NO_ERROR when it ended normally
};

// An HTTP/2 client (libnghttp2) that sends requests and collects their answers; bytes move by
// `send` (to the server) and Receive (from it).
class H2Client {
 public:
  explicit H2Client(std::function<void(std::string_view)> send) : send_(std::move(send)) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(
        cbs, [](nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t nlen,
                const uint8_t* value, size_t vlen, uint8_t, void* user) {
          H2Reply& r = static_cast<H2Client*>(user)->replies_[frame->hd.stream_id];
          const std::string n(reinterpret_cast<const char*>(name), nlen);
          const std::string v(reinterpret_cast<const char*>(value), vlen);
          if (n == ":status") r.reply.status = std::stoi(v);
          r.reply.headers[n] = v;
          return 0;
        });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        cbs,
        [](nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len, void* user) {
          static_cast<H2Client*>(user)->replies_[id].reply.body.append(
              reinterpret_cast<const char*>(data), len);
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        cbs, [](nghttp2_session*, int32_t id, uint32_t error_code, void* user) {
          H2Reply& r = static_cast<H2Client*>(user)->replies_[id];
          r.closed = true;
          r.error_code = error_code;
          return 0;
        });
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        cbs, [](nghttp2_session*, const nghttp2_frame* frame, void* user) {
          if (frame->hd.type == NGHTTP2_GOAWAY) static_cast<H2Client*>(user)->goaway_ = true;
          return 0;
        });
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    // Let the client send header lists past the server's limit, to see the server refuse them.
    nghttp2_option_set_max_send_header_block_length(option, 1 << 20);
    nghttp2_session_client_new2(&session_, cbs, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~H2Client() { nghttp2_session_del(session_); }

  int32_t Submit(const std::string& path, const std::string& target, const std::string& body,
                 const std::string& content_type = "application/x-amz-json-1.1",
                 const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    bodies_.push_back(body);
    std::string* kept = &bodies_.back();
    const auto nv = [](std::string_view n, std::string_view v) {
      return nghttp2_nv{(uint8_t*)n.data(), (uint8_t*)v.data(), n.size(), v.size(),
                        NGHTTP2_NV_FLAG_NONE};
    };
    const std::string method = "POST", scheme = "http", authority = "127.0.0.1";
    const std::string amz = "Kinesis_20131202." + target;
    std::vector<nghttp2_nv> headers{nv(":method", method), nv(":scheme", scheme),
                                    nv(":authority", authority), nv(":path", path),
                                    nv("content-type", content_type)};
    if (!target.empty()) headers.push_back(nv("x-amz-target", amz));
    for (const auto& [name, value] : extra) headers.push_back(nv(name, value));
    nghttp2_data_provider provider{};
    provider.source.ptr = kept;
    provider.read_callback = [](nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                                uint32_t* flags, nghttp2_data_source* source, void*) {
      std::string& b = *static_cast<std::string*>(source->ptr);
      const size_t n = std::min(length, b.size());
      std::memcpy(buf, b.data(), n);
      b.erase(0, n);
      if (b.empty()) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
    return nghttp2_submit_request(session_, nullptr, headers.data(), headers.size(), &provider,
                                  nullptr);
  }
  int32_t Call(const std::string& op, const Json& body) { return Submit("/", op, body.dump()); }
  void Reset(int32_t id) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
  }

  // Sends what the client has to send.
  void Flush() {
    const uint8_t* data = nullptr;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(session_, &data)) > 0) {
      send_(std::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(n)));
    }
  }
  void Receive(std::string_view bytes) {
    ASSERT_EQ(nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()),
                                       bytes.size()),
              static_cast<ssize_t>(bytes.size()));
  }

  H2Reply& reply(int32_t id) { return replies_[id]; }
  uint32_t RemoteSetting(nghttp2_settings_id id) const {
    return nghttp2_session_get_remote_settings(session_, id);
  }
  bool goaway() const { return goaway_; }

 private:
  std::function<void(std::string_view)> send_;
  nghttp2_session* session_ = nullptr;
  std::deque<std::string> bodies_;
  std::map<int32_t, H2Reply> replies_;
  bool goaway_ = false;
};

// A response body sent over time, scripted: each Pull gives the next step.
class FakeStream : public ResponseStream {
 public:
  explicit FakeStream(std::vector<Step> steps) : steps_(std::move(steps)) {}
  Step Pull() override {
    EXPECT_FALSE(cancelled) << "pulled after Cancel";
    EXPECT_FALSE(done) << "pulled after done";
    ++pulls;
    if (next_ >= steps_.size()) return Step{"", false, std::chrono::milliseconds(10)};
    Step s = steps_[next_++];
    done = s.done;
    return s;
  }
  void Cancel() override {
    EXPECT_FALSE(cancelled) << "cancelled twice";
    cancelled = true;
  }
  int pulls = 0;
  bool cancelled = false;
  bool done = false;

 private:
  std::vector<Step> steps_;
  size_t next_ = 0;
};

// An Http2Connection and a client in memory; requests to /stream get `stream`. Registered as
// a connection, as the socket's session is, so other requests make its streams pull.
class InMemory : public internal::Connection {
 public:
  InMemory()
      : service_(ServiceOptions{}),
        shared_(service_, ServerOptions{}),
        client_([this](std::string_view b) { to_server_.append(b); }) {
    shared_.handler = [this](const HttpRequest& r) {
      if (r.path != "/stream") return service_.Handle(r);
      HttpResponse response;
      response.content_type = "application/vnd.amazon.eventstream";
      response.request_id = "stream";
      response.stream = stream;
      return response;
    };
    connection_.emplace(shared_, io_.get_executor(), [this] { ++wakes_; });
    registered_.emplace(shared_, this);
  }
  void Sweep() override { connection_->Sweep(); }
  void AfterRequest() override { connection_->PullStreams(); }
  void Shutdown() override { connection_->Shutdown(); }
  bool HoldsInput() override { return !to_server_.empty(); }

  // Moves bytes both ways until neither side has more, running due timers.
  void Pump() {
    for (int round = 0; round < 100; ++round) {
      client_.Flush();
      if (!to_server_.empty()) ASSERT_TRUE(connection_->Receive(std::exchange(to_server_, "")));
      io_.poll();
      std::string out;
      connection_->Produce(out, 1 << 20);
      if (out.empty() && to_server_.empty()) return;
      client_.Receive(out);
    }
  }
  void RunTimersFor(std::chrono::milliseconds d) {
    io_.restart();
    io_.run_for(d);
    Pump();
  }

  std::shared_ptr<FakeStream> stream;
  H2Client& client() { return client_; }
  Http2Connection& connection() { return *connection_; }
  internal::Shared& shared() { return shared_; }

 private:
  boost::asio::io_context io_;
  KinesisService service_;
  internal::Shared shared_;
  H2Client client_;
  std::string to_server_;
  std::optional<Http2Connection> connection_;
  std::optional<internal::Registered> registered_;
  int wakes_ = 0;
};

using Step = ResponseStream::Step;
const std::chrono::milliseconds kSoon(5);

TEST(Http2ConnectionTest, AResponseStreamGoesOutAsItsPullsGiveBytesAndEndsWhenDone) {
  InMemory h;
  h.stream =
      std::make_shared<FakeStream>(std::vector<Step>{{"first ", false, kSoon},
                                                     {"", false, std::chrono::hours(1)},
                                                     {"second ", false, std::chrono::hours(1)},
                                                     {"last", true, kSoon}});
  const int32_t id = h.client().Submit("/stream", "", "");
  h.Pump();
  // Headers, then the first Pull at once.
  EXPECT_EQ(h.client().reply(id).reply.status, 200) << h.client().reply(id).error_code;
  EXPECT_EQ(h.client().reply(id).reply.headers["content-type"],
            "application/vnd.amazon.eventstream");
  EXPECT_EQ(h.client().reply(id).reply.body, "first ");
  EXPECT_EQ(h.stream->pulls, 1);
  EXPECT_FALSE(h.client().reply(id).closed);
  // Pulled again when its retry_after has passed: nothing yet, and an hour to the next.
  h.RunTimersFor(std::chrono::milliseconds(50));
  EXPECT_EQ(h.stream->pulls, 2);
  EXPECT_EQ(h.client().reply(id).reply.body, "first ");
  // Another request (a put, say) makes every waiting stream pull.
  const int32_t other = h.client().Call("ListStreams", Json::object());
  h.Pump();
  EXPECT_EQ(h.client().reply(other).reply.status, 200) << h.client().reply(other).error_code;
  EXPECT_EQ(h.stream->pulls, 3);
  EXPECT_EQ(h.client().reply(id).reply.body, "first second ");
  EXPECT_FALSE(h.client().reply(id).closed);
  const int32_t another = h.client().Call("ListStreams", Json::object());
  h.Pump();
  EXPECT_EQ(h.client().reply(another).reply.status, 200);
  EXPECT_EQ(h.stream->pulls, 4);
  EXPECT_EQ(h.client().reply(id).reply.body, "first second last");
  EXPECT_TRUE(h.client().reply(id).closed);
  EXPECT_EQ(h.client().reply(id).error_code, NGHTTP2_NO_ERROR);
  // Done: never pulled again, never cancelled.
  h.client().Call("ListStreams", Json::object());
  h.RunTimersFor(std::chrono::milliseconds(30));
  EXPECT_EQ(h.stream->pulls, 4);
  EXPECT_FALSE(h.stream->cancelled);
  EXPECT_EQ(h.shared().live_streams, 0);
}

TEST(Http2ConnectionTest, AResetStreamIsCancelledOnceAndNeverPulledAgain) {
  InMemory h;
  h.stream = std::make_shared<FakeStream>(std::vector<Step>{{"a", false, kSoon}});
  const int32_t id = h.client().Submit("/stream", "", "");
  h.Pump();
  EXPECT_EQ(h.client().reply(id).reply.body, "a");
  h.client().Reset(id);
  h.Pump();
  EXPECT_TRUE(h.stream->cancelled);
  const int pulls = h.stream->pulls;
  h.client().Call("ListStreams", Json::object());
  h.RunTimersFor(std::chrono::milliseconds(30));
  EXPECT_EQ(h.stream->pulls, pulls);
  EXPECT_EQ(h.shared().live_streams, 0);
}

TEST(Http2ConnectionTest, ShutdownSendsGoawayAndCancelsStreams) {
  InMemory h;
  h.stream = std::make_shared<FakeStream>(std::vector<Step>{{"a", false, kSoon}});
  h.client().Submit("/stream", "", "");
  h.Pump();
  h.connection().Shutdown();
  h.Pump();
  EXPECT_TRUE(h.stream->cancelled);
  EXPECT_TRUE(h.client().goaway());
}

TEST(Http2ConnectionTest, SettingsLimitStreamsAndHeaderListsAndALongerListResetsItsStream) {
  InMemory h;
  const int32_t ok = h.client().Call("ListStreams", Json::object());
  h.Pump();
  EXPECT_EQ(h.client().RemoteSetting(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS), 100u);
  EXPECT_EQ(h.client().RemoteSetting(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE), 65536u);
  EXPECT_EQ(h.client().reply(ok).reply.status, 200);
  // Eight 10 KB headers: 80 KB of header list.
  std::vector<std::pair<std::string, std::string>> big;
  for (int i = 0; i < 8; ++i)
    big.emplace_back("x-big-" + std::to_string(i), std::string(10'000, 'a'));
  const int32_t refused =
      h.client().Submit("/", "ListStreams", "{}", "application/x-amz-json-1.1", big);
  h.Pump();
  EXPECT_TRUE(h.client().reply(refused).closed);
  EXPECT_EQ(h.client().reply(refused).reply.status, 0);
  EXPECT_NE(h.client().reply(refused).error_code, NGHTTP2_NO_ERROR);
  EXPECT_FALSE(h.client().goaway());
  const int32_t after = h.client().Call("ListStreams", Json::object());
  h.Pump();
  EXPECT_EQ(h.client().reply(after).reply.status, 200);
}

TEST(Http2ConnectionTest, ALostConnectionCancelsItsStreams) {
  InMemory h;
  h.stream = std::make_shared<FakeStream>(std::vector<Step>{{"a", false, kSoon}});
  h.client().Submit("/stream", "", "");
  h.Pump();
  h.connection().CancelAll();
  EXPECT_TRUE(h.stream->cancelled);
  EXPECT_EQ(h.shared().live_streams, 0);
}

// A blocking HTTP/2 connection to a real server.
class SocketClient {
 public:
  explicit SocketClient(uint16_t port)
      : socket_(io_), client_([this](std::string_view b) { Write(b); }) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
  }
  H2Client& h2() { return client_; }
  void Write(std::string_view b) { boost::asio::write(socket_, boost::asio::buffer(b)); }
  // Reads until every stream in `ids` has closed (or 10 s pass).
  void Await(const std::vector<int32_t>& ids) {
    client_.Flush();
    const auto all_closed = [&] {
      for (int32_t id : ids) {
        if (!client_.reply(id).closed) return false;
      }
      return true;
    };
    while (!all_closed()) {
      const std::string got = ReadSome();
      ASSERT_FALSE(got.empty()) << "the server closed the connection or went silent";
      client_.Receive(got);
      client_.Flush();
    }
  }
  // What the server sends next ("" when it closed or 10 s passed).
  std::string ReadSome() {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) return "";
    char buf[65536];
    boost::system::error_code ec;
    const size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
    return ec ? "" : std::string(buf, n);
  }
  Reply Call(const std::string& op, const Json& body) {
    const int32_t id = client_.Call(op, body);
    Await({id});
    return client_.reply(id).reply;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  H2Client client_;
};

TEST(Http2ServerTest, PriorKnowledgeServesTheKinesisApiWithTheHttp1Headers) {
  TestServer server;
  SocketClient c(server.port());
  EXPECT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
  ASSERT_TRUE(server.service().clock().Advance(Duration::Seconds(1)).ok());
  const Reply put =
      c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "aGk="}, {"PartitionKey", "k"}});
  EXPECT_EQ(put.status, 200) << put.body;
  const Reply it = c.Call("GetShardIterator", {{"StreamName", "s"},
                                               {"ShardId", "shardId-000000000000"},
                                               {"ShardIteratorType", "TRIM_HORIZON"}});
  ASSERT_EQ(it.status, 200) << it.body;
  const Reply got = c.Call("GetRecords", {{"ShardIterator", it.json()["ShardIterator"]}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["Records"][0]["Data"], "aGk=");
  for (const char* h : {"x-amzn-requestid", "x-amz-id-2", "x-shardsim-virtual-time", "date",
                        "content-type", "content-length"}) {
    EXPECT_TRUE(got.headers.contains(h)) << h;
  }
  EXPECT_EQ(got.headers.at("content-type"), "application/x-amz-json-1.1");
}

TEST(Http2ServerTest, ConcurrentStreamsOnOneConnectionAreAllAnswered) {
  TestServer server;
  SocketClient c(server.port());
  ASSERT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 2}}).status, 200);
  std::vector<int32_t> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(c.h2().Call("DescribeStreamSummary", {{"StreamName", "s"}}));
  }
  c.Await(ids);
  std::set<std::string> request_ids;
  for (int32_t id : ids) {
    EXPECT_EQ(c.h2().reply(id).reply.status, 200);
    request_ids.insert(c.h2().reply(id).reply.headers["x-amzn-requestid"]);
  }
  EXPECT_EQ(request_ids.size(), ids.size());
}

TEST(Http2ServerTest, AGetRecordsAnswerOfMegabytesFlowsThroughFlowControl) {
  ServiceOptions options;
  options.limits = false;
  TestServer server(options);
  SocketClient c(server.port());
  ASSERT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
  ASSERT_TRUE(server.service().clock().Advance(Duration::Seconds(1)).ok());
  const std::string data(700'000, 'x');
  std::string b64;
  absl::Base64Escape(data, &b64);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(
        c.Call("PutRecord", {{"StreamName", "s"}, {"Data", b64}, {"PartitionKey", "k"}}).status,
        200);
  }
  const Reply it = c.Call("GetShardIterator", {{"StreamName", "s"},
                                               {"ShardId", "shardId-000000000000"},
                                               {"ShardIteratorType", "TRIM_HORIZON"}});
  ASSERT_TRUE(server.service().clock().Advance(Duration::Seconds(60)).ok());
  const Reply got = c.Call("GetRecords", {{"ShardIterator", it.json()["ShardIterator"]}});
  ASSERT_EQ(got.status, 200);
  EXPECT_GT(got.body.size(), 5'000'000u);
  EXPECT_EQ(got.json()["Records"].size(), 6u);
}

TEST(Http2ServerTest, ABodyAboveTheLimitIs413AndTheConnectionServesOn) {
  ServerOptions http;
  http.max_body_bytes = 1000;
  TestServer server(ServiceOptions{}, http);
  SocketClient c(server.port());
  const int32_t big = c.h2().Submit("/", "ListStreams", std::string(5000, ' '));
  c.Await({big});
  EXPECT_EQ(c.h2().reply(big).reply.status, 413);
  EXPECT_EQ(c.h2().reply(big).reply.type(), "RequestEntityTooLargeException");
  EXPECT_EQ(c.Call("ListStreams", Json::object()).status, 200);
}

TEST(Http2ServerTest, AMalformedFrameGetsGoawayAndTheServerServesOthers) {
  TestServer server;
  {
    SocketClient bad(server.port());
    bad.Write(kHttp2Preface);
    // SETTINGS, then a DATA frame on stream 0: a connection error (RFC 9113, 6.1).
    bad.Write(std::string("\0\0\0\4\0\0\0\0\0", 9));
    bad.Write(std::string("\0\0\3\0\0\0\0\0\0abc", 12));
    std::string got;
    for (std::string more; (more = bad.ReadSome()) != "";) got += more;
    // A GOAWAY frame (type 7) with PROTOCOL_ERROR (1), then the connection closes.
    const std::string goaway_type("\x07", 1);
    bool seen = false;
    for (size_t at = 0; at + 9 <= got.size();) {
      const size_t length = (static_cast<uint8_t>(got[at]) << 16) |
                            (static_cast<uint8_t>(got[at + 1]) << 8) |
                            static_cast<uint8_t>(got[at + 2]);
      if (got[at + 3] == '\x07' && at + 9 + 8 <= got.size()) {
        seen = true;
        EXPECT_EQ(static_cast<uint8_t>(got[at + 9 + 7]), NGHTTP2_PROTOCOL_ERROR);
      }
      at += 9 + length;
    }
    EXPECT_TRUE(seen) << "no GOAWAY in " << got.size() << " bytes";
  }
  {
    // A request without :method is a stream error: RST_STREAM, and no GOAWAY.
    SocketClient half(server.port());
    half.h2().Flush();
    // HEADERS (END_STREAM|END_HEADERS) on stream 1 holding only ":path: /" (HPACK: indexed 4).
    half.Write(std::string("\0\0\1\1\5\0\0\0\1\x84", 10));
    std::string got;
    bool reset = false, goaway = false;
    for (std::string more; !reset && (more = half.ReadSome()) != "";) {
      got += more;
      for (size_t at = 0; at + 9 <= got.size();) {
        const size_t length = (static_cast<uint8_t>(got[at]) << 16) |
                              (static_cast<uint8_t>(got[at + 1]) << 8) |
                              static_cast<uint8_t>(got[at + 2]);
        reset = reset || (got[at + 3] == '\x03' && got[at + 8] == '\x01');
        goaway = goaway || got[at + 3] == '\x07';
        at += 9 + length;
      }
    }
    EXPECT_TRUE(reset);
    EXPECT_FALSE(goaway);
  }
  testing::Client http1(server.port());
  EXPECT_EQ(http1.Call("ListStreams", Json::object()).status, 200);
}

TEST(Http2ServerTest, ARequestNotFinishedInTimeIs408AndAnIdleConnectionGetsGoaway) {
  ServerOptions http;
  http.request_timeout = std::chrono::milliseconds(100);
  http.idle_timeout = std::chrono::milliseconds(300);
  TestServer server(ServiceOptions{}, http);
  SocketClient c(server.port());
  EXPECT_EQ(c.Call("ListStreams", Json::object()).status, 200);
  // HEADERS without END_STREAM, and no body after them.
  c.h2().Flush();
  c.Write(std::string("\0\0\6\1\4\0\0\0\3\x83\x84\x86\x41\1x", 15));
  std::string got;
  bool goaway = false;
  for (std::string more; (more = c.ReadSome()) != "";) {
    got += more;
  }
  bool status_408 = false;
  for (size_t at = 0; at + 9 <= got.size();) {
    const size_t length = (static_cast<uint8_t>(got[at]) << 16) |
                          (static_cast<uint8_t>(got[at + 1]) << 8) |
                          static_cast<uint8_t>(got[at + 2]);
    goaway = goaway || got[at + 3] == '\x07';
    status_408 =
        status_408 ||
        (got[at + 3] == '\x01' && got.substr(at + 9, length).find("408") != std::string::npos) ||
        got.substr(at + 9, length).find("RequestTimeoutException") != std::string::npos;
    at += 9 + length;
  }
  EXPECT_TRUE(status_408) << got.size() << " bytes";
  EXPECT_TRUE(goaway) << "the idle connection was closed without GOAWAY";
}

TEST(Http2ServerTest, AnHttp1ConnectionStillWorksBesideHttp2) {
  TestServer server;
  SocketClient h2(server.port());
  testing::Client h1(server.port());
  EXPECT_EQ(h1.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
  EXPECT_EQ(h2.Call("DescribeStreamSummary", {{"StreamName", "s"}}).status, 200);
  EXPECT_EQ(h1.Call("ListStreams", Json::object()).json()["StreamNames"][0], "s");
}

}  // namespace
}  // namespace shardsim::server
