// shardsim_sim_demo: a small, deterministic tour of the kernel.
//
// Runs the mailbox scenario (mailbox_scenario.h: producers, consumers, a crash and a
// replacement) and prints the trace (text or JSON Lines), the run's outcome and the trace
// hash. Run it twice with the same --seed and the output is byte-identical.
//
// Usage: shardsim_sim_demo [--seed N] [--format text|jsonl]
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "examples/kernel_demo/mailbox_scenario.h"
#include "sim/simulation.h"

namespace shardsim::examples {
namespace {

using sim::FormatTraceHash;
using sim::RunOutcome;
using sim::RunResult;
using sim::Simulation;

int Usage(std::string_view problem) {
  std::fprintf(stderr,
               "shardsim_sim_demo: %.*s\nusage: shardsim_sim_demo [--seed N] "
               "[--format text|jsonl]\n",
               static_cast<int>(problem.size()), problem.data());
  return 2;
}

int Main(int argc, char** argv) {
  uint64_t seed = 1;
  bool jsonl = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("usage: shardsim_sim_demo [--seed N] [--format text|jsonl]\n");
      return 0;
    }
    if (i + 1 >= argc) return Usage(absl::StrCat("unknown flag or missing value: ", argv[i]));
    const std::string value = argv[++i];
    if (arg == "--seed") {
      if (!absl::SimpleAtoi(value, &seed)) {
        return Usage(absl::StrCat("--seed needs an unsigned 64-bit integer, got '", value, "'"));
      }
    } else if (arg == "--format") {
      if (value != "text" && value != "jsonl") {
        return Usage(absl::StrCat("--format must be text or jsonl, got '", value, "'"));
      }
      jsonl = value == "jsonl";
    } else {
      return Usage(absl::StrCat("unknown flag ", argv[i - 1]));
    }
  }
  Simulation sim(MailboxScenarioOptions(seed));
  const RunResult result = RunMailboxScenario(sim);
  const std::string body = jsonl ? sim.trace().ToJsonLines() : sim.trace().ToText();
  std::fwrite(body.data(), 1, body.size(), stdout);
  std::printf("# seed %llu: %s; %llu trace records; trace hash %s\n",
              static_cast<unsigned long long>(seed), result.ToString().c_str(),
              static_cast<unsigned long long>(sim.trace().size()),
              FormatTraceHash(sim.trace().hash()).c_str());
  return result.outcome == RunOutcome::kIdle ? 0 : 1;
}

}  // namespace
}  // namespace shardsim::examples

int main(int argc, char** argv) { return shardsim::examples::Main(argc, argv); }
