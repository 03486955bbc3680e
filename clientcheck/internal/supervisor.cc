#include "clientcheck/internal/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientcheck/fast_forward.h"

extern char** environ;

namespace shardsim::clientcheck::internal {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollEvery = std::chrono::milliseconds(2);
// After a SIGKILL, how many kPollEvery to wait for the rest of the group (reaped by init).
constexpr int kGroupGoneTries = 250;

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

class Supervisor {
 public:
  Supervisor(const properties::Scenario& scenario, const ClientOptions& options,
             CaseEndpoint& endpoint, const Workspace& workspace, ClientRun& run)
      : options_(options),
        reruns_(scenario.rerun_after_exit.has_value()),
        endpoint_(endpoint),
        playback_(endpoint.playback()),
        workspace_(workspace),
        env_(ClientEnvironment(endpoint.url(), scenario.stream_name, options.client_name,
                               workspace.state_dir())),
        run_(run) {}

  // Runs the client until its runs are over. FailedPrecondition for a client that could not
  // run or never called; the clock API's error if moving the clock failed.
  absl::Status Supervise() {
    for (;;) {
      absl::StatusOr<pid_t> pid =
          ChildProcess::Start(options_.command, env_, workspace_.output_path());
      if (!pid.ok()) return pid.status();
      ++run_.runs;
      playback_.SetClientProcess(*pid);
      const Watched watched = Watch(*pid);
      playback_.SetClientProcess(0);
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

  Supervised result() const { return Supervised{exited_, problem_, hang_}; }

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
    uint64_t seen = playback_.progress();
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
      if (playback_.progress() != seen) {
        seen = playback_.progress();
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
        "the client `", options_.command,
        "` made no request and was sent no subscription event for ", idle_bound.count() / 1000.0,
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
      if (absl::StatusOr<sim::Instant> set = endpoint_.SetClock(*restart); !set.ok())
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
    const std::string tail = workspace_.OutputTail();
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
    absl::StatusOr<sim::Instant> exit_at = endpoint_.ClockNow();
    if (!exit_at.ok()) return exit_at.status();
    const std::optional<sim::Instant> next = playback_.Exited(*exit_at);
    if (!next) {
      exited_ = true;  // not running at the end: nothing it was about to read excuses it
      run_.ended = reruns_ ? "exited; its next scheduled run lies past the run's end" : "exited";
      return false;
    }
    if (absl::StatusOr<sim::Instant> set = endpoint_.SetClock(*next); !set.ok())
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

}  // namespace

absl::StatusOr<Supervised> SuperviseClient(const properties::Scenario& scenario,
                                           const ClientOptions& options, CaseEndpoint& endpoint,
                                           const Workspace& workspace, ClientRun& run) {
  Supervisor supervisor(scenario, options, endpoint, workspace, run);
  if (absl::Status s = supervisor.Supervise(); !s.ok()) return s;
  return supervisor.result();
}

}  // namespace shardsim::clientcheck::internal
