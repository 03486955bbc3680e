// The subcommands of `shardsim`. Each returns the process exit status and throws InputError
// for a usage or input error.
#ifndef SHARDSIM_CLI_COMMANDS_H_
#define SHARDSIM_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shardsim::cli {

struct DemoFlags {
  uint64_t cases = 300;  // enough for every buggy entry to fail on the bucketed stream
  int jobs = 0;          // 0: one per hardware thread
  bool json = false;
  std::optional<std::string> report_dir;  // the article's picture and index.html
};
int RunDemo(const DemoFlags& flags);

struct ListFlags {
  bool json = false;
};
int RunList(const ListFlags& flags);

struct CheckFlags {
  std::optional<std::string> strategy;
  bool all = false;
  uint64_t cases = 1000;
  uint64_t seed = 1;
  std::optional<std::string> profile;
  bool long_gaps = false;
  int jobs = 1;
  // The shard: the flags, else $GTEST_SHARD_INDEX / $GTEST_TOTAL_SHARDS (ctest, GoogleTest),
  // else $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) / $SHARDSIM_SHARD_COUNT.
  std::optional<uint64_t> shard_index;
  std::optional<uint64_t> shard_count;
  std::optional<uint64_t> job_completion_index;
  std::optional<uint64_t> job_shard_count;
  std::optional<std::string> corpus;
  std::optional<std::string> output;              // the JSON result file of this shard
  std::string failure_dir = "shardsim-failures";  // or $SHARDSIM_FAILURE_DIR
  std::optional<std::string> report_dir;  // index.html with the verdicts, a picture per failure
  bool json = false;
  bool quiet = false;
  // check --client: a real client's command instead of a strategy (cli/check_client.cc).
  std::optional<std::string> client;
  std::optional<std::string> scenario;  // run the client on this saved scenario only
  std::string client_name = "shardsim-client";
  std::optional<std::string> client_timeout;  // removed: refused with a pointer to --call-budget
  std::optional<uint64_t> call_budget;
  std::string client_idle = "5s";
  std::string client_start = "30s";
  std::optional<std::string> rerun_every;
  std::optional<std::string> shrink_time;  // removed: refused with a pointer to --shrink-runs
  int shrink_runs = 100;
  std::optional<std::string> client_log;  // the server log of the reported run
  std::optional<std::string> step;        // the per-request clock's step (default: the scenario's)
};
int RunCheck(const CheckFlags& flags);
int RunCheckClient(const CheckFlags& flags);

struct MergeFlags {
  std::vector<std::string> files;
  bool json = false;
};
int RunMerge(const MergeFlags& flags);

struct ReplayFlags {
  std::optional<std::string> strategy;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> case_index;  // default 0
  std::optional<std::string> profile;
  bool long_gaps = false;
  std::optional<std::string> scenario;
  std::string format = "text";
  std::optional<std::string> log;     // a `shardsim serve --log` file: replay that instead
  std::optional<std::string> stream;  // with --log --format svg: the stream to draw
};
int RunReplay(const ReplayFlags& flags);
// Replays a `shardsim serve --log` file: --format text compares every answer (0 identical, 1 a
// difference); --format svg draws the session's timeline (0).
int RunReplayLog(const ReplayFlags& flags);

// shardsim serve: the Kinesis wire protocol on the bucketed model, with a virtual clock.
struct ServeFlags {
  std::string host = "127.0.0.1";
  uint64_t port = 4567;
  uint64_t seed = 1;
  std::string profile = "observed";
  std::string clock = "manual";
  std::optional<std::string> log;
  std::string latency = "200ms";
  // Absent: 200ms, or zero under a manual clock with no latency (see RunServe).
  std::optional<std::string> create_delay;
  std::optional<std::string> start;
  std::string request_timeout = "10s";
  std::string limits = "aws";
  bool clock_given = false;
  std::optional<std::string> scenario;  // play this saved scenario (clientcheck/playback.h)
  // TLS (HTTP/1.1 and h2 by ALPN): with the certificate and key files, or a self-signed
  // certificate made at start when neither is given.
  bool tls = false;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
};
int RunServe(const ServeFlags& flags);

// shardsim clock advance DUR | set TIME | show.
struct ClockFlags {
  std::string action;  // advance, set, show
  std::string value;
  std::optional<std::string> endpoint;
  bool json = false;
};
int RunClock(const ClockFlags& flags);

struct SeqnumDecodeFlags {
  std::string number;
  bool json = false;
};
int RunSeqnumDecode(const SeqnumDecodeFlags& flags);

struct SeqnumEncodeFlags {
  uint32_t shard_index = 0;
  int64_t created_seconds = 0;
  int64_t put_seconds = 0;
  uint64_t counter = 0;
  bool json = false;
};
int RunSeqnumEncode(const SeqnumEncodeFlags& flags);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_COMMANDS_H_
