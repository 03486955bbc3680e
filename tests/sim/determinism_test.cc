// Same seed => byte-identical trace. The golden hash below pins the event order of the kernel
// demo's own scenario (examples/kernel_demo/mailbox_scenario.h): if a change to the kernel
// (ordering, tie-breaking, the generator, the trace format or its hash encoding) alters it, this
// test says so. Update the constant only for a change that is meant to alter traces, and say so in
// the commit message.
#include <gtest/gtest.h>

#include <string>

#include "examples/kernel_demo/mailbox_scenario.h"
#include "sim/simulation.h"

namespace shardsim::sim {
namespace {

struct Outcome {
  uint64_t hash;
  uint64_t records;
  RunResult result;
  std::string text;
};

Outcome RunScenario(uint64_t seed, Trace::Mode mode) {
  Simulation sim(examples::MailboxScenarioOptions(seed, mode));
  const RunResult result = examples::RunMailboxScenario(sim);
  return Outcome{sim.trace().hash(), sim.trace().size(), result, sim.trace().ToText()};
}

TEST(Determinism, TheSameSeedGivesAByteIdenticalTrace) {
  const Outcome a = RunScenario(7, Trace::Mode::kKeepRecords);
  const Outcome b = RunScenario(7, Trace::Mode::kKeepRecords);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_GT(a.records, 180u);  // 60 puts, 60 takes, 60 dones (some redone), lifecycle records
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

TEST(Determinism, GoldenHashOfTheKernelDemoScenarioIsPinned) {
  const Outcome o = RunScenario(1, Trace::Mode::kKeepRecords);
  EXPECT_EQ(o.result.outcome, RunOutcome::kIdle) << o.result.ToString();
  EXPECT_EQ(FormatTraceHash(o.hash), "58ce9263677e26bc") << "first records:\n"
                                                         << o.text.substr(0, 2'000);
}

}  // namespace
}  // namespace shardsim::sim
