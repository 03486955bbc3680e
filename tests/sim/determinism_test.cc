// Same seed => byte-identical trace. The golden hash below pins the event order of a fixed
// multi-process scenario: if a change to the kernel (ordering, tie-breaking, the generator,
// the trace format) alters it, this test says so. Update the constant only for a change that
// is meant to alter traces, and say so in the commit message.
#include <gtest/gtest.h>

#include <deque>
#include <string>

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

Task<int> Handle(Simulation& sim, Random& rng, int item) {
  co_await sim.Sleep(rng.UniformDuration(Duration::Millis(10), Duration::Seconds(30)));
  co_return item * 2;
}

Task<void> Consumer(Simulation& sim, Mailbox& box, std::string name) {
  Random rng = sim.ForkRandom(name);
  for (;;) {
    while (box.items.empty()) co_await box.ready.Wait();
    const int item = box.items.front();
    box.items.pop_front();
    const int result = co_await Handle(sim, rng, item);
    sim.Record(name, "done", {{"item", item}, {"result", result}});
  }
}

Task<void> Supervisor(Simulation& sim, Mailbox& box, ProcessId victim) {
  co_await sim.Sleep(Duration::Hours(3));
  const absl::Status killed = sim.Kill(victim);
  sim.Record("supervisor", "crash", {{"ok", killed.ok()}});
  co_await sim.Sleep(Duration::Minutes(10));
  sim.Spawn("consumer-1b", Consumer(sim, box, "consumer-1b"));
}

struct Outcome {
  uint64_t hash;
  uint64_t records;
  RunResult result;
  std::string text;
};

Outcome RunScenario(uint64_t seed, Trace::Mode mode) {
  Simulation sim(Simulation::Options{.seed = seed,
                                     .max_virtual_time = Duration::Days(2),
                                     .trace_mode = mode});
  Mailbox box(sim);
  for (int p = 0; p < 3; ++p) {
    const std::string name = absl::StrCat("producer-", p);
    sim.Spawn(name, Producer(sim, box, name, 40));
  }
  sim.Spawn("consumer-0", Consumer(sim, box, "consumer-0"));
  const ProcessId c1 = sim.Spawn("consumer-1", Consumer(sim, box, "consumer-1"));
  sim.Spawn("supervisor", Supervisor(sim, box, c1));
  const RunResult result = sim.Run();
  return Outcome{sim.trace().hash(), sim.trace().size(), result, sim.trace().ToText()};
}

TEST(Determinism, TheSameSeedGivesAByteIdenticalTrace) {
  const Outcome a = RunScenario(7, Trace::Mode::kKeepRecords);
  const Outcome b = RunScenario(7, Trace::Mode::kKeepRecords);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_GT(a.records, 240u);  // 120 puts, 120 dones (some redone), lifecycle records
}

TEST(Determinism, HashOnlyModeGivesTheSameHashAsKeepingRecords) {
  EXPECT_EQ(RunScenario(7, Trace::Mode::kKeepRecords).hash,
            RunScenario(7, Trace::Mode::kHashOnly).hash);
}

TEST(Determinism, DifferentSeedsGiveDifferentTraces) {
  EXPECT_NE(RunScenario(7, Trace::Mode::kHashOnly).hash,
            RunScenario(8, Trace::Mode::kHashOnly).hash);
}

TEST(Determinism, ManySeedsEachReproduceTheirOwnHash) {
  for (uint64_t seed = 100; seed < 150; ++seed) {
    ASSERT_EQ(RunScenario(seed, Trace::Mode::kHashOnly).hash,
              RunScenario(seed, Trace::Mode::kHashOnly).hash)
        << "seed " << seed;
  }
}

TEST(Determinism, GoldenHashOfTheMailboxScenarioIsPinned) {
  const Outcome o = RunScenario(1, Trace::Mode::kKeepRecords);
  EXPECT_EQ(o.result.outcome, RunOutcome::kIdle) << o.result.ToString();
  EXPECT_EQ(FormatTraceHash(o.hash), "a3908350d5429d9e") << "first records:\n" << o.text.substr(0, 2'000);
}

}  // namespace
}  // namespace shardsim::sim
