#include "examples/kernel_demo/mailbox_scenario.h"

#include <deque>
#include <string>

#include "absl/strings/str_cat.h"

namespace shardsim::examples {

namespace {

using sim::Duration;
using sim::ProcessId;
using sim::Random;
using sim::Simulation;
using sim::Task;

constexpr int kProducers = 3;
constexpr int kItemsPerProducer = 20;

struct Mailbox {
  explicit Mailbox(Simulation& sim) : ready(sim) {}
  std::deque<int> items;
  sim::Signal ready;
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

}  // namespace

Simulation::Options MailboxScenarioOptions(uint64_t seed, sim::Trace::Mode trace_mode) {
  return Simulation::Options{
      .seed = seed, .max_virtual_time = Duration::Days(2), .trace_mode = trace_mode};
}

sim::RunResult RunMailboxScenario(Simulation& sim) {
  Mailbox box(sim);
  for (int p = 0; p < kProducers; ++p) {
    const std::string name = absl::StrCat("producer-", p);
    sim.Spawn(name, Producer(sim, box, name, kItemsPerProducer));
  }
  sim.Spawn("consumer-0", Consumer(sim, box, "consumer-0"));
  const ProcessId c1 = sim.Spawn("consumer-1", Consumer(sim, box, "consumer-1"));
  sim.Spawn("supervisor", Supervisor(sim, box, c1));
  return sim.Run();
}

}  // namespace shardsim::examples
