// The kernel demo's scenario, shared by the demo program and the determinism test that pins
// its trace hash (so the test pins the demo itself, not a copy).
//
// Three producers put 20 work items each into a mailbox after log-uniform idle gaps (1 ms to
// 2 h), two consumers take them and spend a random virtual time (10 ms to 30 s) on each, and
// at the third hour a supervisor kills one consumer mid-flight and starts a replacement ten
// minutes later. Every draw comes from the simulation's seed.
#ifndef SHARDSIM_EXAMPLES_KERNEL_DEMO_MAILBOX_SCENARIO_H_
#define SHARDSIM_EXAMPLES_KERNEL_DEMO_MAILBOX_SCENARIO_H_

#include <cstdint>

#include "sim/simulation.h"

namespace shardsim::examples {

// The options the demo runs with: `seed`, a two-day virtual-time budget, `trace_mode`.
sim::Simulation::Options MailboxScenarioOptions(
    uint64_t seed, sim::Trace::Mode trace_mode = sim::Trace::Mode::kKeepRecords);

// Spawns the scenario's processes in `sim` and runs it until it is idle (or a limit stops it).
// REQUIRES: `sim` has not run yet.
sim::RunResult RunMailboxScenario(sim::Simulation& sim);

}  // namespace shardsim::examples

#endif  // SHARDSIM_EXAMPLES_KERNEL_DEMO_MAILBOX_SCENARIO_H_
