// The `shardsim serve` command as a client's test script sees it: one "listening on" line on
// stdout, the clock subcommands, a clean exit on SIGTERM, and `shardsim replay --log` of what it
// logged.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/server/test_server.h"

extern char** environ;

namespace shardsim::server {
namespace {

// Runs a command line through the shell; its stdout and exit status.
std::pair<std::string, int> RunShell(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), &pclose);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  const int status = pclose(pipe.release());
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    int fds[2];
    SHARDSIM_CHECK(pipe(fds) == 0, "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), {SHARDSIM_BINARY, "serve"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    SHARDSIM_CHECK(
        posix_spawn(&pid_, SHARDSIM_BINARY, &actions, nullptr, argv.data(), environ) == 0,
        "spawn shardsim serve");
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[256] = {};
    if (fgets(line, sizeof line, out_) != nullptr) first_line_ = line;
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fclose(out_);
  }
  // Sends `sig` and returns the exit status (-1 unless it exited).
  int Stop(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& first_line() const { return first_line_; }
  uint16_t port() const {
    const size_t colon = first_line_.rfind(':');
    return static_cast<uint16_t>(std::stoi(first_line_.substr(colon + 1)));
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string first_line_;
};

TEST(ServeCommandTest, PrintsOneListeningLineAnswersTheClockCommandsAndStopsCleanly) {
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("serve_command_test_" + std::to_string(getpid()) + ".jsonl"))
                              .string();
  ServeProcess serve({"--port", "0", "--log", log, "--start", "2023-04-05T07:06:12Z"});
  ASSERT_TRUE(serve.first_line().starts_with("shardsim serve: listening on http://127.0.0.1:"))
      << serve.first_line();
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(serve.port());
  const std::string bin = SHARDSIM_BINARY;
  EXPECT_EQ(RunShell(bin + " clock advance 17h33m --endpoint " + endpoint),
            (std::pair<std::string, int>{"2023-04-06T00:39:12.000000Z (manual)\n", 0}));
  EXPECT_EQ(RunShell("SHARDSIM_ENDPOINT=" + endpoint + " " + bin + " clock show").first,
            "2023-04-06T00:39:12.000000Z (manual)\n");
  EXPECT_EQ(RunShell(bin + " clock set 2020-01-01T00:00:00Z --endpoint " + endpoint).second, 2);
  {
    testing::Client c(serve.port());
    EXPECT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
    EXPECT_EQ(
        c.Call("PutRecord", {{"StreamName", "s"}, {"Data", "YQ=="}, {"PartitionKey", "1"}}).status,
        200);
  }
  EXPECT_EQ(serve.Stop(SIGTERM), 0);
  EXPECT_EQ(RunShell(bin + " replay --log " + log),
            (std::pair<std::string, int>{"identical: 5 requests replayed\n", 0}));
  std::filesystem::remove(log);
}

TEST(ServeCommandTest, WithNoLatencyUnderTheManualClockANewStreamIsActiveAtOnce) {
  ServeProcess serve({"--port", "0", "--latency", "0s"});
  testing::Client c(serve.port());
  ASSERT_EQ(c.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
  const auto described = c.Call("DescribeStreamSummary", {{"StreamName", "s"}});
  ASSERT_EQ(described.status, 200);
  EXPECT_EQ(described.json()["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE")
      << "time moves only when told: a CREATING stream would strand every waiter";
  EXPECT_EQ(serve.Stop(SIGTERM), 0);
  ServeProcess delayed({"--port", "0", "--latency", "0s", "--create-delay", "5s"});
  testing::Client d(delayed.port());
  ASSERT_EQ(d.Call("CreateStream", {{"StreamName", "s"}, {"ShardCount", 1}}).status, 200);
  EXPECT_EQ(d.Call("DescribeStreamSummary", {{"StreamName", "s"}})
                .json()["StreamDescriptionSummary"]["StreamStatus"],
            "CREATING")
      << "a delay asked for is kept";
}

TEST(ServeCommandTest, ACreateDelayOverADayIsRefusedAtStartNamingTheFlag) {
  const auto [out, status] =
      RunShell(std::string(SHARDSIM_BINARY) + " serve --port 0 --create-delay 25h");
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--create-delay must be at most 24h, got 25h"), std::string::npos) << out;
}

TEST(ServeCommandTest, SigintStopsItToo) {
  ServeProcess serve({"--port", "0"});
  ASSERT_FALSE(serve.first_line().empty());
  EXPECT_EQ(serve.Stop(SIGINT), 0);
}

}  // namespace
}  // namespace shardsim::server
