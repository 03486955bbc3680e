// Kernel throughput: events per second for a timer-heavy workload, beside a bare
// std::priority_queue doing the same pushes and pops, so the kernel's cost per event can be
// read as a multiple of the heap it is built on.
//
// Targets (issue 2): >= 10 million events/s on one core; kernel cost per event <= 3x the
// bare-heap baseline. Read `items_per_second` of both benchmarks.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/simulation.h"

namespace shardsim::sim {
namespace {

constexpr int kProcesses = 1'000;

Duration RandomSleep(Random& rng) {
  return Duration::Micros(static_cast<int64_t>(rng.Below(1'000'000)) + 1);
}

Task<void> Sleeper(Simulation& sim, Random& rng) {
  for (;;) co_await sim.Sleep(RandomSleep(rng));
}

void BM_KernelTimerHeavy(benchmark::State& state) {
  Simulation sim(Simulation::Options{.seed = 1,
                                     .max_events = UINT64_MAX,
                                     .max_virtual_time = Duration::Days(100'000),
                                     .trace_mode = Trace::Mode::kHashOnly});
  Random rng(1);
  for (int i = 0; i < kProcesses; ++i) sim.Spawn("sleeper", Sleeper(sim, rng));
  for (int i = 0; i < kProcesses; ++i) sim.Step();  // start them all
  for (auto _ : state) {
    const RunResult r = sim.Step();
    benchmark::DoNotOptimize(r.events);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KernelTimerHeavy);

// The same access pattern on a bare heap of (time, sequence): pop the earliest, push it back
// a random sleep later.
void BM_BarePriorityQueue(benchmark::State& state) {
  using Entry = std::pair<int64_t, uint64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  Random rng(1);
  uint64_t sequence = 0;
  for (int i = 0; i < kProcesses; ++i) heap.emplace(RandomSleep(rng).micros(), sequence++);
  for (auto _ : state) {
    const Entry top = heap.top();
    heap.pop();
    heap.emplace(top.first + RandomSleep(rng).micros(), sequence++);
    benchmark::DoNotOptimize(top);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BarePriorityQueue);

}  // namespace
}  // namespace shardsim::sim
