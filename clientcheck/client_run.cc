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
#include "sim/hash.h"

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

// The endpoint of one case: the service playing the scenario with a per-request clock of
// `step`, its log (written to ClientOptions::log_path, if any, and always hashed), and an HTTP
// server on a free loopback port, serving on a thread of its own until Stop.
class CaseEndpoint {
 public:
  // InvalidArgument for a log that cannot be written or a scenario the service cannot play; the
  // server's error when it cannot listen.
  static absl::StatusOr<std::unique_ptr<CaseEndpoint>> Start(const properties::Scenario& scenario,
                                                             const ClientOptions& options,
                                                             sim::Duration step) {
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

  ~CaseEndpoint() { Stop(); }
  CaseEndpoint(const CaseEndpoint&) = delete;
  CaseEndpoint& operator=(const CaseEndpoint&) = delete;

  // No request stays held, and the server is stopped. Idempotent.
  void Stop() {
    if (playback_ != nullptr) playback_->Release();
    if (server_ != nullptr) server_->Stop();
    if (serving_.joinable()) serving_.join();
  }

  ScenarioPlayback& playback() { return *playback_; }
  const server::KinesisService& service() const { return service_; }
  uint16_t port() const { return server_->port(); }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port()); }
  // The hash of the log's bytes so far (as written to log_path).
  uint64_t log_hash() const { return log_hash_.Digest(); }

 private:
  CaseEndpoint(const properties::Scenario& scenario, sim::Duration step)
      : service_(ServiceOptionsOf(scenario, step)) {}

  static server::ServiceOptions ServiceOptionsOf(const properties::Scenario& scenario,
                                                 sim::Duration step) {
    server::ServiceOptions options;
    options.seed = scenario.seed;
    options.start = scenario.start;
    options.clock = server::ClockMode{server::ClockMode::Kind::kPerRequest, 1.0, step};
    options.latency = step;
    options.scenario = server::Json::parse(properties::ScenarioToJson(scenario));
    return options;
  }

  absl::Status OpenLog(const std::string& path) {
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
  // stopped reading ended after its last call was logged; one that reached its end did so at
  // the start of the call logged last.
  void LogLine(std::string_view line) {
    if (log_frozen_ || (playback_ != nullptr && playback_->stopped_reading())) return;
    if (playback_ != nullptr && playback_->done()) log_frozen_ = true;
    log_hash_.Update(line);
    log_hash_.Update("\n");
    if (log_file_ == nullptr) return;
    std::fwrite(line.data(), 1, line.size(), log_file_.get());
    std::fputc('\n', log_file_.get());
  }

  absl::Status Listen(const ClientOptions& options) {
    server::ServerOptions http;
    http.port = 0;
    // A connection idle this long belongs to a client that is also past its own idle bound.
    http.idle_timeout = std::max(options.idle_bound, options.start_bound) + std::chrono::seconds(5);
    server_ = std::make_unique<server::HttpServer>(service_, http);
    if (absl::Status s = server_->Listen(); !s.ok()) return s;
    serving_ = std::thread([this] { server_->Run(); });
    return absl::OkStatus();
  }

  server::KinesisService service_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file_{nullptr, &std::fclose};
  sim::StreamingHash log_hash_;
  bool log_frozen_ = false;
  std::unique_ptr<ScenarioPlayback> playback_;
  std::unique_ptr<server::HttpServer> server_;
  std::thread serving_;
};

// The case's temporary files: the client's output and its own durable state (its checkpoints,
// kept across its crashes and reruns); both removed with the workspace.
class Workspace {
 public:
  static absl::StatusOr<std::unique_ptr<Workspace>> Create() {
    auto workspace = std::unique_ptr<Workspace>(new Workspace);
    char output[] = "/tmp/shardsim-client-XXXXXX";
    const int fd = ::mkstemp(output);
    if (fd < 0) return absl::UnavailableError("cannot create a file for the client's output");
    ::close(fd);
    workspace->output_path_ = output;
    char state[] = "/tmp/shardsim-state-XXXXXX";
    if (::mkdtemp(state) == nullptr)
      return absl::UnavailableError("cannot create the client's state directory");
    workspace->state_dir_ = state;
    return workspace;
  }

  ~Workspace() {
    if (!output_path_.empty()) std::remove(output_path_.c_str());
    std::error_code ignored;
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_, ignored);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::string& output_path() const { return output_path_; }
  const std::string& state_dir() const { return state_dir_; }

 private:
  Workspace() = default;
  std::string output_path_;
  std::string state_dir_;
};

// The client's process over one case: started, killed at the scenario's crashes and started
// again at their restarts, started again at a batch job's reruns, stopped when the run is
// over; what ended it, in `run` and in the verdict inputs below.
class Supervisor {
 public:
  Supervisor(const properties::Scenario& scenario, const ClientOptions& options,
             CaseEndpoint& endpoint, const Workspace& workspace, std::vector<std::string> env,
             ClientRun& run)
      : options_(options),
        reruns_(scenario.rerun_after_exit.has_value()),
        endpoint_(endpoint),
        playback_(endpoint.playback()),
        workspace_(workspace),
        env_(std::move(env)),
        run_(run) {}

  // Runs the client until its runs are over. FailedPrecondition for a client that could not
  // run or never called; the clock API's error if moving the clock failed.
  absl::Status Supervise() {
    for (;;) {
      absl::StatusOr<pid_t> pid =
          ChildProcess::Start(options_.command, env_, workspace_.output_path());
      if (!pid.ok()) return pid.status();
      ++run_.runs;
      const Watched watched = Watch(*pid);
      if (watched.killed || (watched.reaped && playback_.kill_due())) {
        if (absl::Status s = RestartAfterCrash(); !s.ok()) return s;
        continue;
      }
      if (!watched.reaped) {
        ChildProcess::Stop(*pid, options_.term_grace);
        run_.ended = StoppedPhrase();
        return absl::OkStatus();
      }
      absl::StatusOr<bool> again = AfterExit(watched.status);
      if (!again.ok()) return again.status();
      if (!*again) return absl::OkStatus();
    }
  }

  bool exited() const { return exited_; }                                 // stopped by itself
  const std::optional<std::string>& problem() const { return problem_; }  // a verdict of ours
  const std::optional<std::string>& hang() const { return hang_; }        // an error, no verdict

 private:
  struct Watched {
    bool killed = false;  // for a scenario's crash
    bool reaped = false;  // it exited by itself, with `status`
    int status = 0;
  };

  // Polls the process until a crash falls due, it exits, the run is over, the call budget is
  // spent or it hangs.
  Watched Watch(pid_t pid) {
    Watched out;
    uint64_t seen = playback_.calls();
    bool called = false;  // in this run
    auto last_call = Clock::now();
    for (;;) {
      if (playback_.kill_due()) {
        ChildProcess::Kill(pid);  // the scenario's crash: its held request is then dropped
        out.killed = true;
        return out;
      }
      if (::waitpid(pid, &out.status, WNOHANG) == pid) {
        out.reaped = true;
        ::kill(-pid, SIGKILL);  // what it left behind in its group
        return out;
      }
      if (playback_.done() || BudgetSpent()) return out;
      const auto now = Clock::now();
      if (playback_.calls() != seen) {
        seen = playback_.calls();
        last_call = now;
        called = true;
      }
      const std::chrono::milliseconds idle_bound =
          called ? options_.idle_bound : options_.start_bound;
      if (now - last_call > idle_bound) {
        hang_ = HangMessage(idle_bound, called);
        return out;
      }
      std::this_thread::sleep_for(kPollEvery);
    }
  }

  bool BudgetSpent() {
    if (playback_.calls() < run_.call_budget) return false;
    problem_ = absl::StrCat(
        "the client spent its call budget of ", run_.call_budget,
        " calls (derived from the scenario; --call-budget sets it) by virtual time ",
        playback_.now().ToString(), ", before the run's end at ", playback_.end().ToString(), "; ",
        playback_.ReadingSummary(options_.client_name));
    return true;
  }

  std::string HangMessage(std::chrono::milliseconds idle_bound, bool called) const {
    return absl::StrCat(
        "the client `", options_.command, "` made no request for ", idle_bound.count() / 1000.0,
        " s of wall time", called ? "" : " after it started", ", at virtual time ",
        playback_.now().ToString(), " after ", playback_.calls(), " calls (the run ends at ",
        playback_.end().ToString(),
        "): it hangs, or sleeps longer than --client-idle / --client-start allow (virtual "
        "time moves only with its calls, so a wall-time sleep gains it nothing); this is "
        "not a verdict");
  }

  // Started again when the crash's downtime is over, virtual time moved across it.
  absl::Status RestartAfterCrash() {
    ++run_.crashes;
    if (const std::optional<sim::Instant> restart = playback_.Killed()) {
      if (absl::StatusOr<sim::Instant> set = SetClock(endpoint_.port(), *restart); !set.ok())
        return set.status();
    }
    return absl::OkStatus();
  }

  std::string StoppedPhrase() const {
    if (problem_) return "stopped at its call budget";
    if (playback_.stopped_reading()) {
      return "stopped once it had read nothing for " + std::to_string(FastForward::kLiveCalls) +
             " calls in the liveness phase";
    }
    return "stopped when the run was over";
  }

  // The process exited with `status`: whether it is started again (a batch job's rerun).
  absl::StatusOr<bool> AfterExit(int status) {
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (playback_.calls() == 0) return NeverCalled(exit_status);
    if (!clean) {
      problem_ = absl::StrCat("the client exited with status ", exit_status,
                              WIFSIGNALED(status) ? " (killed by a signal)" : "",
                              " before the run was over, after ", playback_.calls(), " calls; ",
                              playback_.ReadingSummary(options_.client_name));
      run_.ended = "crashed";
      exited_ = true;
      return false;
    }
    if (playback_.done()) {
      exited_ = true;
      run_.ended = "exited as the run ended";
      return false;
    }
    return RerunBatchJob();
  }

  absl::Status NeverCalled(int exit_status) const {
    const std::string tail = Tail(workspace_.output_path());
    const uint64_t rejected = endpoint_.service().rejected();
    return absl::FailedPreconditionError(absl::StrCat(
        "the client `", options_.command, "` ",
        exit_status == 127 ? "could not be run (exit status 127: command not found?)"
        : rejected > 0     ? absl::StrCat("exited with status ", exit_status, " after ", rejected,
                                      rejected == 1 ? " request" : " requests",
                                          " the server could not read (the last: ",
                                          endpoint_.service().last_rejection(), ")")
                           : absl::StrCat("exited with status ", exit_status,
                                          " without sending the endpoint a request (does it read "
                                              "AWS_ENDPOINT_URL or SHARDSIM_ENDPOINT?)"),
        tail.empty() ? "" : "; its last output:\n", tail));
  }

  // A batch job: started again at its next scheduled run (or a crash's restart), reported to
  // the judges as a restart; or, with none before the run's end, done.
  absl::StatusOr<bool> RerunBatchJob() {
    absl::StatusOr<sim::Instant> exit_at = ClockNow(endpoint_.port());
    if (!exit_at.ok()) return exit_at.status();
    const std::optional<sim::Instant> next = playback_.Exited(*exit_at);
    if (!next) {
      exited_ = true;  // not running at the end: nothing it was about to read excuses it
      run_.ended = reruns_ ? "exited; its next scheduled run lies past the run's end" : "exited";
      return false;
    }
    if (absl::StatusOr<sim::Instant> set = SetClock(endpoint_.port(), *next); !set.ok())
      return set.status();
    return true;
  }

 private:
  const ClientOptions& options_;
  const bool reruns_;  // the scenario reruns the client after it exits
  CaseEndpoint& endpoint_;
  ScenarioPlayback& playback_;
  const Workspace& workspace_;
  const std::vector<std::string> env_;
  ClientRun& run_;
  bool exited_ = false;
  std::optional<std::string> problem_;
  std::optional<std::string> hang_;
};

// The verdict of the run: the client's own (by its name, else the first judged), else another
// client's violation, named; and the runner's termination problem when it explains the run
// better than a missed record, an abandoned shard or another termination verdict.
void MergeVerdicts(const std::vector<ClientVerdict>& verdicts, const std::string& client_name,
                   ClientRun& run) {
  const ClientVerdict* mine = nullptr;
  for (const ClientVerdict& v : verdicts) {
    if (v.client == client_name) mine = &v;
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
}

void ApplyRunnerProblem(const std::optional<std::string>& problem, sim::Instant now,
                        ClientRun& run) {
  if (!problem) return;
  if (!run.violation || run.violation->property == properties::Property::kNoMissedRecords ||
      run.violation->property == properties::Property::kNoAbandonedShard ||
      run.violation->property == properties::Property::kTermination) {
    // The runner saw why the run could not finish: that is the verdict.
    run.violation = properties::Violation{properties::Property::kTermination, now, *problem,
                                          TailWitness(run.output_tail)};
  }
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
  const sim::Duration step = options.step.value_or(ClientStep(scenario));
  absl::StatusOr<std::unique_ptr<CaseEndpoint>> endpoint =
      CaseEndpoint::Start(scenario, options, step);
  if (!endpoint.ok()) return endpoint.status();
  absl::StatusOr<std::unique_ptr<Workspace>> workspace = Workspace::Create();
  if (!workspace.ok()) return workspace.status();
  ScenarioPlayback& playback = (*endpoint)->playback();
  playback.PlayProcess();

  ClientRun run;
  run.call_budget = options.call_budget.value_or(CallBudget(scenario, step));
  Supervisor supervisor(scenario, options, **endpoint, **workspace,
                        ClientEnvironment((*endpoint)->url(), scenario.stream_name,
                                          options.client_name, (*workspace)->state_dir()),
                        run);
  if (absl::Status s = supervisor.Supervise(); !s.ok()) return s;
  (*endpoint)->Stop();
  run.output_tail = Tail((*workspace)->output_path());
  if (supervisor.hang()) {
    return absl::DeadlineExceededError(
        absl::StrCat(*supervisor.hang(), run.output_tail.empty() ? "" : "; its last output:\n",
                     run.output_tail));
  }
  run.calls = playback.calls();
  run.jumps = playback.jumps();
  run.jumped = playback.jumped();
  run.log_hash = (*endpoint)->log_hash();
  MergeVerdicts(playback.Finish(supervisor.exited()), options.client_name, run);
  ApplyRunnerProblem(supervisor.problem(), playback.now(), run);
  run.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return run;
}

}  // namespace shardsim::clientcheck
