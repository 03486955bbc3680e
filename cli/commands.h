// The subcommands of `shardsim`. Each returns the process exit status and throws InputError
// for a usage or input error.
#ifndef SHARDSIM_CLI_COMMANDS_H_
#define SHARDSIM_CLI_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

namespace shardsim::cli {

struct DemoFlags {
  std::string cases = "100";
  std::string jobs = "0";  // 0: one per hardware thread
  bool json = false;
};
int RunDemo(const DemoFlags& flags);

struct ListFlags {
  bool json = false;
};
int RunList(const ListFlags& flags);

struct CheckFlags {
  std::optional<std::string> strategy;
  bool all = false;
  std::string cases = "1000";
  std::string seed = "1";
  std::optional<std::string> profile;
  bool long_gaps = false;
  std::string jobs = "1";
  std::optional<std::string> shard_index;
  std::optional<std::string> shard_count;
  std::optional<std::string> corpus;
  std::optional<std::string> output;  // the JSON result file of this shard
  bool json = false;
  bool quiet = false;
};
int RunCheck(const CheckFlags& flags);

struct MergeFlags {
  std::vector<std::string> files;
  bool json = false;
};
int RunMerge(const MergeFlags& flags);

struct ReplayFlags {
  std::optional<std::string> strategy;
  std::optional<std::string> seed;
  std::optional<std::string> case_index;  // default 0
  std::optional<std::string> profile;
  std::optional<std::string> scenario;
  std::string format = "text";
  std::optional<std::string> log;  // a `shardsim serve --log` file: replay that instead
};
int RunReplay(const ReplayFlags& flags);
// Replays a `shardsim serve --log` file; 0 identical, 1 a difference.
int RunReplayLog(const std::string& path);

// shardsim serve: the Kinesis wire protocol on the bucketed model, with a virtual clock.
struct ServeFlags {
  std::string host = "127.0.0.1";
  std::string port = "4567";
  std::string seed = "1";
  std::string profile = "observed";
  std::string clock = "manual";
  std::optional<std::string> log;
  std::string latency = "200ms";
  std::string create_delay = "200ms";
  std::optional<std::string> start;
  std::string request_timeout = "10s";
  std::string limits = "aws";
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
  std::string shard_index;
  std::string created;
  std::string put;
  std::string counter;
  bool json = false;
};
int RunSeqnumEncode(const SeqnumEncodeFlags& flags);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_COMMANDS_H_
