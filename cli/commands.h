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
};
int RunReplay(const ReplayFlags& flags);

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
