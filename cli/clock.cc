// shardsim clock advance|set|show: the clock control API of a running `shardsim serve`.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace shardsim::cli {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

struct Endpoint {
  std::string host;
  std::string port;
};

// http://HOST:PORT[/]
Endpoint ParseEndpoint(const std::optional<std::string>& flag) {
  std::string url;
  if (flag) {
    url = *flag;
  } else if (const char* env = std::getenv("SHARDSIM_ENDPOINT"); env != nullptr && *env != '\0') {
    url = env;
  } else {
    throw InputError(
        "clock needs --endpoint URL (or SHARDSIM_ENDPOINT), e.g. http://127.0.0.1:4567");
  }
  const std::string bad = absl::StrCat("endpoint '", url, "' is not http://HOST:PORT");
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) throw InputError(bad);
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) throw InputError(bad);
  Endpoint out{rest.substr(0, colon), rest.substr(colon + 1)};
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  int port = 0;
  if (!absl::SimpleAtoi(out.port, &port) || port < 1 || port > 65535) throw InputError(bad);
  return out;
}

nlohmann::json Call(const Endpoint& endpoint, http::verb method, const std::string& body) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  net::ip::tcp::resolver resolver(io);
  const auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (!ec) stream.connect(results, ec);
  http::request<http::string_body> req{method, "/_shardsim/clock", 11};
  req.set(http::field::host, endpoint.host);
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  if (!ec) http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) {
    throw InputError(absl::StrCat("cannot reach shardsim serve at http://", endpoint.host, ":",
                                  endpoint.port, ": ", ec.message()));
  }
  nlohmann::json answer = nlohmann::json::parse(res.body(), nullptr, false);
  if (res.result_int() != 200) {
    const std::string message = answer.is_object() && answer.contains("message")
                                    ? answer["message"].dump()
                                    : res.body().substr(0, 200);
    throw InputError(absl::StrCat("the server refused (HTTP ", res.result_int(), "): ", message));
  }
  if (!answer.is_object() || !answer["now"].is_string()) {
    throw InputError("the server's answer is not a clock state (is this shardsim serve?)");
  }
  return answer;
}

}  // namespace

int RunClock(const ClockFlags& flags) {
  const Endpoint endpoint = ParseEndpoint(flags.endpoint);
  nlohmann::json answer;
  if (flags.action == "show") {
    answer = Call(endpoint, http::verb::get, "");
  } else if (flags.action == "advance" || flags.action == "set") {
    answer = Call(endpoint, http::verb::post, nlohmann::json{{flags.action, flags.value}}.dump());
  } else {
    throw InputError(absl::StrCat("unknown clock action '", flags.action, "'"));
  }
  if (flags.json) {
    PrintJson(answer);
  } else {
    Print(absl::StrCat(answer["now"].get<std::string>(), " (", answer.value("mode", "?"), ")\n"));
  }
  return kExitOk;
}

}  // namespace shardsim::cli
