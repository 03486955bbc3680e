#include "clientcheck/client_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clientcheck/playback.h"
#include "properties/scenario_json.h"
#include "server/clock.h"
#include "server/http_server.h"
#include "server/service.h"

extern char** environ;

namespace shardsim::clientcheck {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollEvery = std::chrono::milliseconds(2);
constexpr size_t kTailLines = 12;
constexpr size_t kTailLineChars = 300;
// After a SIGKILL, how many kPollEvery to wait for the rest of the group (reaped by init).
constexpr int kGroupGoneTries = 250;

// The last lines of the client's output file, each cut to a readable length.
std::string Tail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    for (char& c : line) {
      // Printable ASCII only: a client's output may be anything (a report must stay text).
      const unsigned char u = static_cast<unsigned char>(c);
      if ((u < ' ' && c != '\t') || u >= 0x7f) c = '?';
    }
    if (line.size() > kTailLineChars) line = line.substr(0, kTailLineChars) + "...";
    lines.push_back(line);
    if (lines.size() > kTailLines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) absl::StrAppend(&out, l, "\n");
  return out;
}

std::vector<std::string> TailWitness(const std::string& tail) {
  std::vector<std::string> out;
  for (absl::string_view l : absl::StrSplit(tail, '\n', absl::SkipEmpty())) {
    out.push_back(absl::StrCat("client output: ", l));
  }
  return out;
}

// A call of the clock control API on the server on `port`: GET (`body` empty) or POST `body`
// (a crash's restart or a batch job's rerun: the clock moves on the server's own thread,
// logged like any control call); the clock's time after it.
absl::StatusOr<sim::Instant> ClockCall(uint16_t port, const std::string& body) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
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

absl::StatusOr<sim::Instant> ClockNow(uint16_t port) { return ClockCall(port, ""); }
absl::StatusOr<sim::Instant> SetClock(uint16_t port, sim::Instant to) {
  return ClockCall(port, absl::StrCat(R"({"set": ")", server::FormatTime(to), R"("})"));
}

class ChildProcess {
 public:
  // Starts `command` under /bin/sh in its own process group; output to `output_path`.
  static absl::StatusOr<pid_t> Start(const std::string& command,
                                     const std::vector<std::string>& env,
                                     const std::string& output_path) {
    std::vector<char*> envp;
    for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (out < 0) return absl::UnavailableError(absl::StrCat("cannot write ", output_path));
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(out);
      return absl::UnavailableError("fork failed");
    }
    if (pid == 0) {
      ::setpgid(0, 0);
      const int in = ::open("/dev/null", O_RDONLY);
      if (in >= 0) ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
      ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
      ::_exit(127);
    }
    ::setpgid(pid, pid);
    ::close(out);
    return pid;
  }

  // SIGKILL to the group at once (a crash: no clean shutdown); reaps the process and waits,
  // within a bound, until nothing of its group is left to call the server.
  static void Kill(pid_t pid) {
    ::kill(-pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (int i = 0; i < kGroupGoneTries && ::kill(-pid, 0) == 0; ++i) {
      std::this_thread::sleep_for(kPollEvery);
    }
  }

  // SIGTERM to the group, SIGKILL after `grace`; reaps the process.
  static void Stop(pid_t pid, std::chrono::milliseconds grace) {
    ::kill(-pid, SIGTERM);
    const auto deadline = Clock::now() + grace;
    int status = 0;
    while (Clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        ::kill(-pid, SIGKILL);  // what it left behind in its group
        return;
      }
      std::this_thread::sleep_for(kPollEvery);
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
};

std::vector<std::string> ClientEnvironment(const std::string& endpoint, const std::string& stream,
                                           const std::string& client,
                                           const std::string& state_dir) {
  static constexpr const char* kOwn[] = {"AWS_ENDPOINT_URL=",      "AWS_ENDPOINT_URL_KINESIS=",
                                         "SHARDSIM_ENDPOINT=",     "SHARDSIM_STREAM=",
                                         "SHARDSIM_STATE_DIR=",    "AWS_ACCESS_KEY_ID=",
                                         "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=",
                                         "AWS_DEFAULT_REGION=",    "AWS_REGION=",
                                         "AWS_PROFILE=",           "AWS_EC2_METADATA_DISABLED="};
  std::vector<std::string> env;
  bool max_attempts_set = false;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view v(*e);
    bool own = false;
    for (const char* prefix : kOwn) own = own || v.rfind(prefix, 0) == 0;
    if (!own) env.emplace_back(v);
    max_attempts_set = max_attempts_set || v.rfind("AWS_MAX_ATTEMPTS=", 0) == 0;
  }
  // An SDK's retries back off in wall time, which the per-request clock does not see: a call
  // throttled by a competing reader would cost seconds of wall time and no virtual time. One
  // attempt per call unless the user chose otherwise; the client's own loop retries, a step later.
  if (!max_attempts_set) env.emplace_back("AWS_MAX_ATTEMPTS=1");
  for (const std::string& e :
       {absl::StrCat("AWS_ENDPOINT_URL=", endpoint),
        absl::StrCat("AWS_ENDPOINT_URL_KINESIS=", endpoint),
        absl::StrCat("SHARDSIM_ENDPOINT=", endpoint), absl::StrCat("SHARDSIM_STREAM=", stream),
        absl::StrCat("SHARDSIM_STATE_DIR=", state_dir), absl::StrCat("AWS_ACCESS_KEY_ID=", client),
        std::string("AWS_SECRET_ACCESS_KEY=shardsim-fake-secret"),
        std::string("AWS_DEFAULT_REGION=us-east-1"), std::string("AWS_REGION=us-east-1"),
        std::string("AWS_EC2_METADATA_DISABLED=true")}) {
    env.push_back(e);
  }
  return env;
}

}  // namespace

sim::Duration ClientStep(const properties::Scenario& scenario) {
  const auto it = scenario.params.find(kPollIntervalParam);
  const sim::Duration poll =
      it == scenario.params.end() ? sim::Duration::Seconds(1) : sim::Duration::Millis(it->second);
  return poll + scenario.call_latency;
}

uint64_t CallBudget(const properties::Scenario& scenario, sim::Duration step) {
  using sim::Duration;
  const Duration span = scenario.SafetyPhaseEnd() + scenario.liveness_budget;
  const model::BucketProfile& buckets = scenario.stream.buckets;
  const Duration width = buckets.dense() ? Duration::Zero() : buckets.min_width;
  const int64_t shards = scenario.shard_count + 2 * static_cast<int64_t>(scenario.reshards.size());
  // What FastForward lets one jump cover while a reader holds an iterator on every shard.
  Duration per_jump = Duration::Micros(
      (scenario.stream.iterator_lifetime - FastForward::kExpiryMargin).micros() / (shards + 1));
  per_jump = per_jump - step;
  if (width > Duration::Zero()) per_jump = std::min(per_jump, width);
  const Duration progress = std::max(Duration::Micros(per_jump.micros() / 2), step);
  uint64_t calls = static_cast<uint64_t>(span / progress) + 1;
  if (width > Duration::Zero()) {
    for (const properties::CrashSpec& c : scenario.crashes) {
      calls += static_cast<uint64_t>(std::min(c.restart_after, scenario.stream.retention) / width) *
               static_cast<uint64_t>(shards);
    }
    if (scenario.rerun_after_exit) {
      calls += static_cast<uint64_t>(span / width) * static_cast<uint64_t>(shards);
    }
  }
  calls += 2 * scenario.puts.size() + 20 * static_cast<uint64_t>(shards);
  return 4 * calls + 1'000;
}

absl::StatusOr<ClientRun> RunClientCase(const properties::Scenario& scenario,
                                        const ClientOptions& options) {
  const auto started = Clock::now();
  server::ServiceOptions service_options;
  service_options.seed = scenario.seed;
  service_options.start = scenario.start;
  const sim::Duration step = options.step.value_or(ClientStep(scenario));
  service_options.clock = server::ClockMode{server::ClockMode::Kind::kPerRequest, 1.0, step};
  service_options.latency = step;
  service_options.scenario = server::Json::parse(properties::ScenarioToJson(scenario));
  server::KinesisService service(service_options);

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log(nullptr, &std::fclose);
  ScenarioPlayback* playback_for_log = nullptr;
  bool log_frozen = false;
  if (!options.log_path.empty()) {
    log.reset(std::fopen(options.log_path.c_str(), "w"));
    if (log == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("cannot write ", options.log_path));
    std::FILE* file = log.get();
    // The line of the call that ended the run is the last: what a client sends while it is
    // being stopped depends on wall time, and a log must not.
    service.SetLogSink([file, &playback_for_log, &log_frozen](std::string_view line) {
      // A run that ended because the client stopped reading ended after its last call was
      // logged; one that reached its end did so at the start of the call logged last.
      if (log_frozen || (playback_for_log != nullptr && playback_for_log->stopped_reading())) {
        return;
      }
      if (playback_for_log != nullptr && playback_for_log->done()) log_frozen = true;
      std::fwrite(line.data(), 1, line.size(), file);
      std::fputc('\n', file);
    });
  }
  absl::StatusOr<std::unique_ptr<ScenarioPlayback>> made =
      ScenarioPlayback::Create(scenario, service);
  if (!made.ok()) return made.status();
  ScenarioPlayback& playback = **made;
  playback_for_log = &playback;
  service.SetHooks(&playback);

  server::ServerOptions http;
  http.port = 0;
  // A connection idle this long belongs to a client that is also past its own idle bound.
  http.idle_timeout = std::max(options.idle_bound, options.start_bound) + std::chrono::seconds(5);
  server::HttpServer server(service, http);
  if (absl::Status s = server.Listen(); !s.ok()) return s;
  const uint16_t port = server.port();
  std::thread serving([&server] { server.Run(); });
  struct Joiner {
    server::HttpServer& server;
    std::thread& thread;
    ~Joiner() {
      server.Stop();
      if (thread.joinable()) thread.join();
    }
  } joiner{server, serving};

  char output_path[] = "/tmp/shardsim-client-XXXXXX";
  const int fd = ::mkstemp(output_path);
  if (fd < 0) return absl::UnavailableError("cannot create a file for the client's output");
  ::close(fd);
  struct Remove {
    const char* path;
    ~Remove() { std::remove(path); }
  } remove_output{output_path};

  // The client's own durable state (its checkpoints), kept across its crashes and reruns.
  char state_dir[] = "/tmp/shardsim-state-XXXXXX";
  if (::mkdtemp(state_dir) == nullptr)
    return absl::UnavailableError("cannot create the client's state directory");
  struct RemoveAll {
    const char* path;
    ~RemoveAll() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_state{state_dir};

  const std::string endpoint = absl::StrCat("http://127.0.0.1:", port);
  const std::vector<std::string> env =
      ClientEnvironment(endpoint, scenario.stream_name, options.client_name, state_dir);
  playback.PlayProcess();
  // Whatever ends the runs, no request stays held.
  struct Releaser {
    ScenarioPlayback& playback;
    ~Releaser() { playback.Release(); }
  } releaser{playback};

  ClientRun run;
  run.call_budget = options.call_budget.value_or(CallBudget(scenario, step));
  bool exited = false;                 // stopped by itself (judged at its exit)
  std::optional<std::string> problem;  // a termination verdict of the runner's own
  std::optional<std::string> hang;     // no call within a wall-time guard: an error, no verdict
  int exit_status = 0;
  for (;;) {
    absl::StatusOr<pid_t> pid = ChildProcess::Start(options.command, env, output_path);
    if (!pid.ok()) return pid.status();
    ++run.runs;
    uint64_t seen = playback.calls();
    bool called = false;  // in this run
    auto last_call = Clock::now();
    int status = 0;
    bool reaped = false;
    bool killed = false;
    for (;;) {
      if (playback.kill_due()) {
        ChildProcess::Kill(*pid);  // the scenario's crash: its held request is then dropped
        killed = true;
        break;
      }
      if (::waitpid(*pid, &status, WNOHANG) == *pid) {
        reaped = true;
        ::kill(-*pid, SIGKILL);  // what it left behind in its group
        break;
      }
      if (playback.done()) break;
      const auto now = Clock::now();
      if (playback.calls() >= run.call_budget) {
        problem = absl::StrCat(
            "the client spent its call budget of ", run.call_budget,
            " calls (derived from the scenario; --call-budget sets it) by virtual time ",
            playback.now().ToString(), ", before the run's end at ", playback.end().ToString(),
            "; ", playback.ReadingSummary(options.client_name));
        break;
      }
      if (playback.calls() != seen) {
        seen = playback.calls();
        last_call = now;
        called = true;
      }
      const std::chrono::milliseconds idle_bound =
          called ? options.idle_bound : options.start_bound;
      if (now - last_call > idle_bound) {
        hang = absl::StrCat(
            "the client `", options.command, "` made no request for ", idle_bound.count() / 1000.0,
            " s of wall time", called ? "" : " after it started", ", at virtual time ",
            playback.now().ToString(), " after ", playback.calls(), " calls (the run ends at ",
            playback.end().ToString(),
            "): it hangs, or sleeps longer than --client-idle / --client-start allow (virtual "
            "time moves only with its calls, so a wall-time sleep gains it nothing); this is "
            "not a verdict");
        break;
      }
      std::this_thread::sleep_for(kPollEvery);
    }
    if (killed || (reaped && playback.kill_due())) {
      // Started again when the crash's downtime is over, virtual time moved across it.
      ++run.crashes;
      if (const std::optional<sim::Instant> restart = playback.Killed()) {
        if (absl::StatusOr<sim::Instant> set = SetClock(port, *restart); !set.ok())
          return set.status();
      }
      continue;
    }
    if (!reaped) {
      ChildProcess::Stop(*pid, options.term_grace);
      run.ended = problem ? "stopped at its call budget"
                  : playback.stopped_reading()
                      ? "stopped once it had read nothing for " +
                            std::to_string(FastForward::kLiveCalls) + " calls in the liveness phase"
                      : "stopped when the run was over";
      break;
    }
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (playback.calls() == 0) {
      const std::string tail = Tail(output_path);
      const uint64_t rejected = service.rejected();
      return absl::FailedPreconditionError(absl::StrCat(
          "the client `", options.command, "` ",
          exit_status == 127 ? "could not be run (exit status 127: command not found?)"
          : rejected > 0     ? absl::StrCat("exited with status ", exit_status, " after ", rejected,
                                        rejected == 1 ? " request" : " requests",
                                            " the server could not read (the last: ",
                                            service.last_rejection(), ")")
                             : absl::StrCat("exited with status ", exit_status,
                                            " without sending the endpoint a request (does it read "
                                                "AWS_ENDPOINT_URL or SHARDSIM_ENDPOINT?)"),
          tail.empty() ? "" : "; its last output:\n", tail));
    }
    if (!clean) {
      problem = absl::StrCat("the client exited with status ", exit_status,
                             WIFSIGNALED(status) ? " (killed by a signal)" : "",
                             " before the run was over, after ", playback.calls(), " calls; ",
                             playback.ReadingSummary(options.client_name));
      run.ended = "crashed";
      exited = true;
      break;
    }
    if (playback.done()) {
      exited = true;
      run.ended = "exited as the run ended";
      break;
    }
    // A batch job: started again at its next scheduled run (or a crash's restart), reported
    // to the judges as a restart.
    absl::StatusOr<sim::Instant> exit_at = ClockNow(port);
    if (!exit_at.ok()) return exit_at.status();
    const std::optional<sim::Instant> next = playback.Exited(*exit_at);
    if (!next) {
      exited = true;  // not running at the end: nothing it was about to read excuses it
      run.ended = scenario.rerun_after_exit
                      ? "exited; its next scheduled run lies past the run's end"
                      : "exited";
      break;
    }
    if (absl::StatusOr<sim::Instant> set = SetClock(port, *next); !set.ok()) return set.status();
  }
  playback.Release();
  server.Stop();
  serving.join();
  run.output_tail = Tail(output_path);
  if (hang) {
    return absl::DeadlineExceededError(absl::StrCat(
        *hang, run.output_tail.empty() ? "" : "; its last output:\n", run.output_tail));
  }
  run.calls = playback.calls();
  run.jumps = playback.jumps();
  run.jumped = playback.jumped();

  std::vector<ClientVerdict> verdicts = playback.Finish(exited);
  const ClientVerdict* mine = nullptr;
  for (const ClientVerdict& v : verdicts) {
    if (v.client == options.client_name) mine = &v;
  }
  if (mine == nullptr && !verdicts.empty()) mine = &verdicts.front();
  if (mine != nullptr) {
    run.violation = mine->violation;
    run.stats = mine->stats;
    run.requests = mine->requests;
    run.application_events = mine->application_events;
  }
  for (const ClientVerdict& v : verdicts) {
    if (!run.violation && v.violation) {
      run.violation = v.violation;
      run.violation->message = absl::StrCat("client ", v.client, ": ", run.violation->message);
    }
  }
  if (problem &&
      (!run.violation || run.violation->property == properties::Property::kNoMissedRecords ||
       run.violation->property == properties::Property::kNoAbandonedShard ||
       run.violation->property == properties::Property::kTermination)) {
    // The runner saw why the run could not finish: that is the verdict.
    run.violation = properties::Violation{properties::Property::kTermination, playback.now(),
                                          *problem, TailWitness(run.output_tail)};
  }
  run.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return run;
}

}  // namespace shardsim::clientcheck
