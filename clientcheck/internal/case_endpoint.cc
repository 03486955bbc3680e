#include "clientcheck/internal/case_endpoint.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "properties/scenario_json.h"
#include "server/clock.h"

namespace shardsim::clientcheck::internal {

namespace {

server::ServiceOptions ServiceOptionsOf(const properties::Scenario& scenario, sim::Duration step) {
  server::ServiceOptions options;
  options.seed = scenario.seed;
  options.start = scenario.start;
  options.clock = server::ClockMode{server::ClockMode::Kind::kPerRequest, 1.0, step};
  options.latency = step;
  options.scenario = server::Json::parse(properties::ScenarioToJson(scenario));
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CaseEndpoint>> CaseEndpoint::Start(
    const properties::Scenario& scenario, const ClientOptions& options, sim::Duration step) {
  auto endpoint = std::unique_ptr<CaseEndpoint>(new CaseEndpoint(scenario, step));
  if (absl::Status s = endpoint->OpenLog(options.log_path); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<ScenarioPlayback>> made =
      ScenarioPlayback::Create(scenario, endpoint->service_);
  if (!made.ok()) return made.status();
  endpoint->playback_ = *std::move(made);
  endpoint->service_.SetHooks(endpoint->playback_.get());
  if (absl::Status s = endpoint->Listen(options); !s.ok()) return s;
  return endpoint;
}

CaseEndpoint::CaseEndpoint(const properties::Scenario& scenario, sim::Duration step)
    : service_(ServiceOptionsOf(scenario, step)) {}

void CaseEndpoint::Stop() {
  if (playback_ != nullptr) playback_->Release();
  if (server_ != nullptr) server_->Stop();
  if (serving_.joinable()) serving_.join();
}

std::string CaseEndpoint::url() const { return absl::StrCat("http://127.0.0.1:", server_->port()); }

absl::Status CaseEndpoint::OpenLog(const std::string& path) {
  if (!path.empty()) {
    log_file_.reset(std::fopen(path.c_str(), "w"));
    if (log_file_ == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
  }
  service_.SetLogSink([this](std::string_view line) { LogLine(line); });
  return absl::OkStatus();
}

// The line of the call that ended the run is the last: what a client sends while it is being
// stopped depends on wall time, and a log must not. A run that ended because the client
// stopped reading ended after its last call was logged; one that reached its end did so at the
// start of the call logged last.
void CaseEndpoint::LogLine(std::string_view line) {
  if (log_frozen_ || (playback_ != nullptr && playback_->stopped_reading())) return;
  if (playback_ != nullptr && playback_->done()) log_frozen_ = true;
  log_hash_.Update(line);
  log_hash_.Update("\n");
  if (log_file_ == nullptr) return;
  std::fwrite(line.data(), 1, line.size(), log_file_.get());
  std::fputc('\n', log_file_.get());
}

absl::Status CaseEndpoint::Listen(const ClientOptions& options) {
  server::ServerOptions http;
  http.port = 0;
  // A connection idle this long belongs to a client that is also past its own idle bound.
  http.idle_timeout = std::max(options.idle_bound, options.start_bound) + std::chrono::seconds(5);
  server_ = std::make_unique<server::HttpServer>(service_, http);
  if (absl::Status s = server_->Listen(); !s.ok()) return s;
  serving_ = std::thread([this] { server_->Run(); });
  return absl::OkStatus();
}

absl::StatusOr<sim::Instant> CaseEndpoint::ClockNow() const { return ClockCall(""); }

absl::StatusOr<sim::Instant> CaseEndpoint::SetClock(sim::Instant to) const {
  return ClockCall(absl::StrCat(R"({"set": ")", server::FormatTime(to), R"("})"));
}

// GET (`body` empty) or POST `body` to the clock API; the clock's time after it.
absl::StatusOr<sim::Instant> CaseEndpoint::ClockCall(const std::string& body) const {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()}, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot reach the server: ", ec.message()));
  http::request<http::string_body> request{body.empty() ? http::verb::get : http::verb::post,
                                           "/_shardsim/clock", 11};
  request.set(http::field::host, "127.0.0.1");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(socket, buffer, response, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("the clock call failed: ", ec.message()));
  if (response.result_int() != 200) return absl::InternalError(response.body());
  const server::Json state = server::Json::parse(response.body(), nullptr, false);
  if (!state.is_object() || !state["now"].is_string()) return absl::InternalError(response.body());
  return server::ParseTime(state["now"].get<std::string>());
}

}  // namespace shardsim::clientcheck::internal
