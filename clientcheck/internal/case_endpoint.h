// The endpoint of one case of a real client (clientcheck/client_run.h): the service playing
// the scenario with a per-request clock, the playback as its hooks, the server log (written to
// ClientOptions::log_path if any, and always hashed), and an HTTP server on a free loopback
// port serving on a thread of its own until Stop. Internal to clientcheck.
#ifndef SHARDSIM_CLIENTCHECK_INTERNAL_CASE_ENDPOINT_H_
#define SHARDSIM_CLIENTCHECK_INTERNAL_CASE_ENDPOINT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "clientcheck/client_run.h"
#include "clientcheck/playback.h"
#include "properties/scenario.h"
#include "server/http_server.h"
#include "server/service.h"
#include "sim/hash.h"
#include "sim/time.h"

namespace shardsim::clientcheck::internal {

class CaseEndpoint {
 public:
  // InvalidArgument for a log that cannot be written or a scenario the service cannot play; the
  // server's error when it cannot listen.
  static absl::StatusOr<std::unique_ptr<CaseEndpoint>> Start(const properties::Scenario& scenario,
                                                             const ClientOptions& options,
                                                             sim::Duration step);
  ~CaseEndpoint() { Stop(); }
  CaseEndpoint(const CaseEndpoint&) = delete;
  CaseEndpoint& operator=(const CaseEndpoint&) = delete;

  // No request stays held, and the server is stopped. Idempotent.
  void Stop();

  ScenarioPlayback& playback() { return *playback_; }
  const server::KinesisService& service() const { return service_; }
  std::string url() const;
  // The hash of the log's bytes so far (as written to log_path).
  uint64_t log_hash() const { return log_hash_.Digest(); }

  // The clock control API, called over HTTP as any control call (moved on the server's own
  // thread, logged): the clock's time, and setting it (a crash's restart, a batch job's rerun).
  absl::StatusOr<sim::Instant> ClockNow() const;
  absl::StatusOr<sim::Instant> SetClock(sim::Instant to) const;

 private:
  CaseEndpoint(const properties::Scenario& scenario, sim::Duration step);
  absl::Status OpenLog(const std::string& path);
  void LogLine(std::string_view line);
  absl::Status Listen(const ClientOptions& options);
  absl::StatusOr<sim::Instant> ClockCall(const std::string& body) const;

  server::KinesisService service_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file_{nullptr, &std::fclose};
  sim::StreamingHash log_hash_;
  bool log_frozen_ = false;
  std::unique_ptr<ScenarioPlayback> playback_;
  std::unique_ptr<server::HttpServer> server_;
  std::thread serving_;
};

}  // namespace shardsim::clientcheck::internal

#endif  // SHARDSIM_CLIENTCHECK_INTERNAL_CASE_ENDPOINT_H_
