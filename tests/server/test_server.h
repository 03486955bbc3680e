// Test fixtures for the server: an in-process `shardsim serve` on 127.0.0.1 (a free port, its
// own thread, stopped by the destructor) and a small keep-alive HTTP/1.1 client.
#ifndef SHARDSIM_TESTS_SERVER_TEST_SERVER_H_
#define SHARDSIM_TESTS_SERVER_TEST_SERVER_H_

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "server/http_server.h"
#include "server/service.h"

namespace shardsim::server::testing {

class TestServer {
 public:
  explicit TestServer(ServiceOptions options = {}, ServerOptions http = {})
      : service_(std::move(options)), server_(service_, std::move(http)) {
    const absl::Status listening = server_.Listen();
    SHARDSIM_CHECK(listening.ok(), "the test server listens");
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~TestServer() {
    server_.Stop();
    thread_.join();
  }
  uint16_t port() const { return server_.port(); }
  KinesisService& service() { return service_; }

 private:
  KinesisService service_;
  HttpServer server_;
  std::thread thread_;
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string type() const {
    const nlohmann::json j = json();
    return j.is_object() && j.contains("__type") ? j["__type"].get<std::string>() : "";
  }
};

// One keep-alive connection.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(io_) {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }

  Reply Send(boost::beast::http::verb method, const std::string& path,
             const std::map<std::string, std::string>& headers, const std::string& body) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{method, path, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream_, buffer_, parser);
    Reply reply;
    reply.status = parser.get().result_int();
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(field.value());
    }
    reply.body = parser.get().body();
    return reply;
  }

  // A Kinesis call in JSON.
  Reply Call(const std::string& op, const nlohmann::json& body,
             const std::string& access_key = "AKIDTEST") {
    return Send(boost::beast::http::verb::post, "/",
                {{"X-Amz-Target", "Kinesis_20131202." + op},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"Authorization", "AWS4-HMAC-SHA256 Credential=" + access_key +
                                       "/20230405/us-east-1/kinesis/aws4_request, "
                                       "SignedHeaders=host, Signature=0"}},
                body.dump());
  }
  Reply Cbor(const std::string& op, const std::vector<uint8_t>& body) {
    return Send(boost::beast::http::verb::post, "/",
                {{"X-Amz-Target", "Kinesis_20131202." + op},
                 {"Content-Type", "application/x-amz-cbor-1.1"}},
                std::string(body.begin(), body.end()));
  }
  Reply Clock(const nlohmann::json& body) {
    return Send(boost::beast::http::verb::post, "/_shardsim/clock", {}, body.dump());
  }

  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace shardsim::server::testing

#endif  // SHARDSIM_TESTS_SERVER_TEST_SERVER_H_
