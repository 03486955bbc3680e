// shardsim serve (the Kinesis endpoint) and shardsim replay --log (re-running its log).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "clientcheck/client_run.h"
#include "clientcheck/playback.h"
#include "properties/harness.h"
#include "properties/property.h"
#include "properties/scenario_files.h"
#include "properties/scenario_json.h"
#include "server/clock.h"
#include "server/http_server.h"
#include "server/log_trace.h"
#include "server/replay.h"
#include "server/service.h"
#include "server/tls.h"
#include "timeline/timeline.h"

namespace shardsim::cli {

namespace {

server::Duration DurationFlag(const std::string& flag, const std::string& text) {
  absl::StatusOr<server::Duration> d = server::ParseDurationText(text);
  if (!d.ok()) throw InputError(absl::StrCat(flag, ": ", sim::ToString(d.status().message())));
  if (*d < server::Duration::Zero()) throw InputError(absl::StrCat(flag, " must not be negative"));
  return *d;
}

// The hooks that play the scenario a log's header holds again.
absl::StatusOr<std::unique_ptr<server::ServiceHooks>> PlaybackOfHeader(
    server::KinesisService& service) {
  absl::StatusOr<properties::Scenario> scenario =
      properties::ScenarioFromJson(service.options().scenario.dump());
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<std::unique_ptr<clientcheck::ScenarioPlayback>> playback =
      clientcheck::ScenarioPlayback::Create(*scenario, service);
  if (!playback.ok()) return playback.status();
  return std::unique_ptr<server::ServiceHooks>(std::move(*playback));
}

void PrintVerdicts(const std::vector<clientcheck::ClientVerdict>& verdicts) {
  if (verdicts.empty()) Print("shardsim serve: no client read the scenario's stream\n");
  for (const clientcheck::ClientVerdict& v : verdicts) {
    if (!v.violation) {
      Print(absl::StrCat("PASS client ", v.client, ": ", v.stats.records_processed, " of ",
                         v.stats.records_put, " records delivered in ", v.requests, " calls\n"));
      continue;
    }
    std::string text = absl::StrCat(
        "FAIL client ", v.client, ": ",
        sim::ToString(properties::PropertyName(v.violation->property)), " at ",
        v.violation->at.ToString(), ": ",
        absl::StrJoin(properties::ViolationSentences(v.violation->message, v.violation->witness),
                      "\n  "),
        "\n");
    Print(text);
  }
}

// The TLS credentials the flags ask for (none without --tls, --tls-cert or --tls-key), and the
// file a self-signed certificate is written to (empty when the user gave one).
std::optional<server::TlsCredentials> TlsOfFlags(const ServeFlags& flags,
                                                 std::string& written_cert) {
  if (!flags.tls && !flags.tls_cert && !flags.tls_key) return std::nullopt;
  if (flags.tls_cert.has_value() != flags.tls_key.has_value()) {
    throw InputError(flags.tls_cert ? "--tls-cert needs --tls-key (the certificate's private key)"
                                    : "--tls-key needs --tls-cert (the key's certificate)");
  }
  if (flags.tls_cert) {
    absl::StatusOr<server::TlsCredentials> read =
        server::ReadTlsCredentials(*flags.tls_cert, *flags.tls_key);
    if (!read.ok()) throw InputError(sim::ToString(read.status().message()));
    return *std::move(read);
  }
  absl::StatusOr<server::TlsCredentials> made = server::SelfSignedTlsCredentials();
  if (!made.ok()) throw InputError(absl::StrCat("--tls: ", sim::ToString(made.status().message())));
  const char* tmp = std::getenv("TMPDIR");
  std::string dir =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/shardsim-serve-XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) {
    throw InputError(absl::StrCat("--tls: cannot make a folder for the certificate: ", dir));
  }
  written_cert = absl::StrCat(dir, "/cert.pem");
  std::ofstream out(written_cert, std::ios::binary);
  out << made->cert_pem;
  if (!out.flush()) throw InputError(absl::StrCat("--tls: cannot write ", written_cert));
  return *std::move(made);
}

bool Loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

int RunServe(const ServeFlags& flags) {
  server::ServiceOptions options;
  options.seed = flags.seed;
  options.profile = ParseProfile(flags.profile);
  std::optional<properties::Scenario> scenario;
  if (flags.scenario) {
    absl::StatusOr<properties::Scenario> read = properties::ReadScenarioFile(*flags.scenario);
    if (!read.ok())
      throw InputError(absl::StrCat("--scenario: ", sim::ToString(read.status().message())));
    scenario = *std::move(read);
    if (flags.start) throw InputError("--start: a scenario starts at its own start time");
    options.seed = scenario->seed;
    options.start = scenario->start;
    options.scenario = server::Json::parse(properties::ScenarioToJson(*scenario));
  }
  absl::StatusOr<server::ClockMode> mode =
      server::ClockMode::Parse(scenario && !flags.clock_given ? "per-request" : flags.clock);
  if (!mode.ok())
    throw InputError(absl::StrCat("--clock: ", sim::ToString(mode.status().message())));
  if (mode->kind == server::ClockMode::Kind::kPerRequest && !mode->step) {
    mode->step =
        scenario ? clientcheck::ClientStep(*scenario) : DurationFlag("--latency", flags.latency);
  }
  if (scenario && mode->kind != server::ClockMode::Kind::kManual &&
      mode->kind != server::ClockMode::Kind::kPerRequest) {
    throw InputError("--scenario plays in virtual time: --clock manual or per-request[:STEP]");
  }
  options.clock = *mode;
  if (flags.start) {
    if (mode->kind == server::ClockMode::Kind::kWall) {
      throw InputError("--start needs --clock manual or scaled:K (the wall clock starts now)");
    }
    absl::StatusOr<server::Instant> start = server::ParseTime(*flags.start);
    if (!start.ok())
      throw InputError(absl::StrCat("--start: ", sim::ToString(start.status().message())));
    options.start = *start;
  }
  options.latency = DurationFlag("--latency", flags.latency);
  // A clock that moves only when told would hold a new stream CREATING (and a resharded one
  // UPDATING) until someone moves it, and every waiter would time out: unless a delay is asked
  // for, changes then complete at once.
  const bool clock_moves_only_when_told =
      mode->kind == server::ClockMode::Kind::kManual && options.latency <= server::Duration::Zero();
  options.create_delay = flags.create_delay ? DurationFlag("--create-delay", *flags.create_delay)
                         : clock_moves_only_when_told ? server::Duration::Zero()
                                                      : server::Duration::Millis(200);
  // The model's bound on a stream's status_change_delay, named here rather than at the first
  // CreateStream.
  if (options.create_delay > server::Duration::Hours(24)) {
    throw InputError(
        absl::StrCat("--create-delay must be at most 24h, got ", options.create_delay.ToString()));
  }
  if (flags.limits != "aws" && flags.limits != "off") {
    throw InputError(absl::StrCat("--limits must be aws or off, got '", flags.limits, "'"));
  }
  options.limits = flags.limits == "aws";

  server::ServerOptions http;
  http.host = flags.host == "localhost" ? "127.0.0.1" : flags.host;
  http.port = static_cast<uint16_t>(flags.port);
  const server::Duration timeout = DurationFlag("--request-timeout", flags.request_timeout);
  if (timeout <= server::Duration::Zero()) throw InputError("--request-timeout must be positive");
  http.request_timeout = std::chrono::milliseconds(std::max<int64_t>(1, timeout.millis()));
  std::string written_cert;
  http.tls = TlsOfFlags(flags, written_cert);
  // The self-signed certificate's file and folder go when the server stops.
  const std::unique_ptr<const std::string, void (*)(const std::string*)> remove_cert(
      written_cert.empty() ? nullptr : &written_cert, [](const std::string* path) {
        std::remove(path->c_str());
        std::remove(path->substr(0, path->rfind('/')).c_str());
      });

  server::KinesisService service(options);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log(nullptr, &std::fclose);
  if (flags.log) {
    log.reset(std::fopen(flags.log->c_str(), "w"));
    if (log == nullptr) throw InputError(absl::StrCat("--log: cannot write ", *flags.log));
    std::FILE* file = log.get();
    service.SetLogSink([file](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), file);
      std::fputc('\n', file);
      std::fflush(file);
    });
  }
  std::unique_ptr<clientcheck::ScenarioPlayback> playback;
  if (scenario) {
    absl::StatusOr<std::unique_ptr<clientcheck::ScenarioPlayback>> made =
        clientcheck::ScenarioPlayback::Create(*scenario, service);
    if (!made.ok())
      throw InputError(absl::StrCat("--scenario: ", sim::ToString(made.status().message())));
    playback = *std::move(made);
    service.SetHooks(playback.get());
  }
  server::HttpServer server(service, http);
  if (absl::Status s = server.Listen(); !s.ok()) throw InputError(sim::ToString(s.message()));
  server.StopOnSignals();
  if (!Loopback(http.host)) {
    std::fprintf(stderr,
                 "shardsim serve: warning: listening on %s, which is not loopback; there is no "
                 "authentication: anyone who reaches this address can read and change the "
                 "streams\n",
                 http.host.c_str());
  }
  const std::string shown =
      http.host.find(':') != std::string::npos ? absl::StrCat("[", http.host, "]") : http.host;
  std::printf("shardsim serve: listening on %s://%s:%u\n", http.tls ? "https" : "http",
              shown.c_str(), static_cast<unsigned>(server.port()));
  if (!written_cert.empty()) {
    std::printf(
        "shardsim serve: TLS certificate (self-signed, for 127.0.0.1, ::1 and localhost): %s\n",
        written_cert.c_str());
  }
  std::fflush(stdout);
  server.Run();
  if (playback) {
    // Stopped before the run's end: the clients stopped with it, nothing excuses them as late.
    const std::vector<clientcheck::ClientVerdict> verdicts =
        playback->Finish(/*exited=*/playback->now() < playback->end());
    PrintVerdicts(verdicts);
    for (const auto& v : verdicts) {
      if (v.violation) return kExitPropertyFailed;
    }
  }
  return kExitOk;
}

namespace {

// The picture of a served session: its chosen stream's shards and buckets, every client's calls.
int DrawServedSession(const std::string& path, std::istream& in,
                      const std::optional<std::string>& stream) {
  absl::StatusOr<server::ServedSession> session = server::TraceOfLog(in, PlaybackOfHeader);
  if (!session.ok())
    throw InputError(absl::StrCat(path, ": ", sim::ToString(session.status().message())));
  if (session->streams.empty()) throw InputError(absl::StrCat(path, ": no stream was created"));
  std::string drawn = session->streams.front();
  if (stream.has_value()) {
    if (std::find(session->streams.begin(), session->streams.end(), *stream) ==
        session->streams.end()) {
      throw InputError(absl::StrCat("--stream: ", path, " created no stream '", *stream,
                                    "' (it created ", absl::StrJoin(session->streams, ", "), ")"));
    }
    drawn = *stream;
  }
  if (!session->difference.empty()) {
    std::fprintf(stderr,
                 "shardsim: warning: %s: %s (a log of another build?); the picture "
                 "shows the replay\n",
                 path.c_str(), session->difference.c_str());
  }
  timeline::TimelineInput input;
  input.records = std::move(session->records);
  const sim::Instant end =
      input.records.empty() ? session->replayed.service->clock().Now() : input.records.back().time;
  input.shards = timeline::ShardLanesOf(session->replayed.service->model(), drawn, end);
  input.title = absl::StrCat("shardsim serve session: stream \"", drawn, "\"");
  input.subtitle =
      absl::StrCat(session->requests, " requests from ",
                   session->clients.empty() ? "no client" : absl::StrJoin(session->clients, ", "),
                   " (", path, ")");
  Print(timeline::RenderTimelineSvg(input));
  return kExitOk;
}

}  // namespace

int RunReplayLog(const ReplayFlags& flags) {
  const std::string& path = *flags.log;
  if (flags.format != "text" && flags.format != "svg") {
    throw InputError(
        absl::StrCat("replay --log takes --format text (compare the answers) or svg "
                     "(draw the session), got '",
                     flags.format, "'"));
  }
  if (flags.stream.has_value() && flags.format != "svg") {
    throw InputError("--stream chooses the stream to draw; it needs --format svg");
  }
  std::ifstream in(path);
  if (!in) throw InputError(absl::StrCat("--log: cannot read ", path));
  if (flags.format == "svg") return DrawServedSession(path, in, flags.stream);
  absl::StatusOr<server::ReplayResult> result = server::ReplayLog(in, PlaybackOfHeader);
  if (!result.ok())
    throw InputError(absl::StrCat(path, ": ", sim::ToString(result.status().message())));
  if (!result->difference) {
    Print(absl::StrCat("identical: ", result->requests, " requests replayed\n"));
    return kExitOk;
  }
  const server::ReplayDifference& d = *result->difference;
  Print(absl::StrCat("line ", d.line, ": ", d.field, " differs\n  logged:   ", d.logged,
                     "\n  replayed: ", d.replayed, "\n"));
  return kExitPropertyFailed;
}

}  // namespace shardsim::cli
