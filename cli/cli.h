// The shardsim command as a library: Main parses the arguments and runs a subcommand (demo,
// list, check, merge, replay, seqnum) on the strategies of the process-wide registry.
//
// shardsim itself (cli/shardsim_main.cc) registers the catalogue and calls Main; a user's own
// command, built by the CMake function shardsim_add_cli, registers the user's strategies (and
// the catalogue's too when built with CATALOGUE) and calls Main with its own name, so that
// every replay line it prints names it. Main returns the exit status: 0 every property holds,
// 1 a property fails, 2 a usage or input error (one line on stderr).
#ifndef SHARDSIM_CLI_CLI_H_
#define SHARDSIM_CLI_CLI_H_

#include <string>

namespace shardsim::cli {

struct Program {
  std::string name = "shardsim";  // what the replay lines and --help call the command
};

int Main(int argc, char** argv, const Program& program);

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_CLI_H_
