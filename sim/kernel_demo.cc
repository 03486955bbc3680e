// shardsim_sim_demo: a small, deterministic tour of the kernel.
//
// Three producers put work items into a mailbox after log-uniform idle gaps (1 ms to 2 h),
// two consumers take them and spend a random virtual time on each, and at the third hour a
// supervisor kills one consumer mid-flight and starts a replacement ten minutes later. The
// demo prints the trace (text or JSON Lines), the run's outcome and the trace hash. Run it
// twice with the same --seed and the output is byte-identical.
//
// Usage: shardsim_sim_demo [--seed N] [--format text|jsonl]
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sim/simulation.h"

namespace shardsim::sim {
namespace {

struct Mailbox {
  explicit Mailbox(Simulation& sim) : ready(sim) {}
  std::deque<int> items;
  Signal ready;
};

Task<void> Producer(Simulation& sim, Mailbox& box, std::string name, int count) {
  Random rng = sim.ForkRandom(name);
  for (int i = 0; i < count; ++i) {
    co_await sim.Sleep(rng.LogUniformDuration(Duration::Millis(1), Duration::Hours(2)));
    const int item = static_cast<int>(rng.Below(1'000));
    box.items.push_back(item);
    sim.Record(name, "put", {{"item", item}, {"queued", box.items.size()}});
    box.ready.NotifyOne();
  }
}

Task<void> Consumer(Simulation& sim, Mailbox& box, std::string name) {
  Random rng = sim.ForkRandom(name);
  for (;;) {
    while (box.items.empty()) co_await box.ready.Wait();
    const int item = box.items.front();
    box.items.pop_front();
    sim.Record(name, "take", {{"item", item}});
    co_await sim.Sleep(rng.UniformDuration(Duration::Millis(10), Duration::Seconds(30)));
    sim.Record(name, "done", {{"item", item}});
  }
}

Task<void> Supervisor(Simulation& sim, Mailbox& box, ProcessId victim) {
  co_await sim.Sleep(Duration::Hours(3));
  const absl::Status killed = sim.Kill(victim);
  sim.Record("supervisor", "crash", {{"victim", sim.process_name(victim)}, {"ok", killed.ok()}});
  co_await sim.Sleep(Duration::Minutes(10));
  sim.Spawn("consumer-1b", Consumer(sim, box, "consumer-1b"));
}

int Usage(std::string_view problem) {
  std::fprintf(stderr, "shardsim_sim_demo: %.*s\nusage: shardsim_sim_demo [--seed N] "
               "[--format text|jsonl]\n", static_cast<int>(problem.size()), problem.data());
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
  Simulation sim(Simulation::Options{.seed = seed, .max_virtual_time = Duration::Days(2)});
  Mailbox box(sim);
  for (int p = 0; p < 3; ++p) {
    const std::string name = absl::StrCat("producer-", p);
    sim.Spawn(name, Producer(sim, box, name, 20));
  }
  sim.Spawn("consumer-0", Consumer(sim, box, "consumer-0"));
  const ProcessId c1 = sim.Spawn("consumer-1", Consumer(sim, box, "consumer-1"));
  sim.Spawn("supervisor", Supervisor(sim, box, c1));
  const RunResult result = sim.Run();
  const std::string body = jsonl ? sim.trace().ToJsonLines() : sim.trace().ToText();
  std::fwrite(body.data(), 1, body.size(), stdout);
  std::printf("# seed %llu: %s; %llu trace records; trace hash %s\n",
              static_cast<unsigned long long>(seed), result.ToString().c_str(),
              static_cast<unsigned long long>(sim.trace().size()),
              FormatTraceHash(sim.trace().hash()).c_str());
  return result.outcome == RunOutcome::kIdle ? 0 : 1;
}

}  // namespace
}  // namespace shardsim::sim

int main(int argc, char** argv) { return shardsim::sim::Main(argc, argv); }
