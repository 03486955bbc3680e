#include "sim/simulation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace shardsim::sim {
namespace {

using Log = std::vector<std::string>;

std::string Stamp(const Simulation& sim, std::string_view what) {
  return absl::StrCat((sim.now() - sim.start()).millis(), "ms ", std::string(what));
}

Task<void> Sleeper(Simulation& sim, Log& log, std::string name, Duration d, int times) {
  for (int i = 0; i < times; ++i) {
    co_await sim.Sleep(d);
    log.push_back(Stamp(sim, name));
  }
}

TEST(Simulation, ProcessesInterleaveByVirtualTime) {
  Simulation sim;
  Log log;
  sim.Spawn("a", Sleeper(sim, log, "a", Duration::Millis(30), 2));
  sim.Spawn("b", Sleeper(sim, log, "b", Duration::Millis(20), 3));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kIdle);
  EXPECT_EQ(log, (Log{"20ms b", "30ms a", "40ms b", "60ms a", "60ms b"}));
}

TEST(Simulation, SameTimeWakeUpsFollowTheOrderTheSleepsWereScheduled) {
  Simulation sim;
  Log log;
  for (const char* name : {"p0", "p1", "p2", "p3"}) {
    sim.Spawn(name, Sleeper(sim, log, name, Duration::Seconds(1), 2));
  }
  sim.Run();
  EXPECT_EQ(log, (Log{"1000ms p0", "1000ms p1", "1000ms p2", "1000ms p3", "2000ms p0", "2000ms p1",
                      "2000ms p2", "2000ms p3"}));
}

TEST(Simulation, ZeroSleepYieldsToEventsAlreadyDueNow) {
  Simulation sim;
  Log log;
  auto yielder = [](Simulation& s, Log& l) -> Task<void> {
    l.push_back("y1");
    co_await s.Sleep(Duration::Zero());
    l.push_back("y2");
  };
  auto other = [](Log& l) -> Task<void> {
    l.push_back("o");
    co_return;
  };
  sim.Spawn("y", yielder(sim, log));
  sim.Spawn("o", other(log));
  sim.Run();
  EXPECT_EQ(log, (Log{"y1", "o", "y2"}));
}

Task<int> Add(Simulation& sim, int a, int b) {
  co_await sim.Sleep(Duration::Millis(5));
  co_return a + b;
}

Task<int> Nested(Simulation& sim, int depth) {
  if (depth == 0) co_return co_await Add(sim, 1, 0);
  const int below = co_await Nested(sim, depth - 1);
  co_return below + 1;
}

TEST(Simulation, NestedTasksReturnValuesThroughEverySleep) {
  Simulation sim;
  int result = 0;
  auto root = [](Simulation& s, int& out) -> Task<void> { out = co_await Nested(s, 50); };
  sim.Spawn("root", root(sim, result));
  sim.Run();
  EXPECT_EQ(result, 51);
  EXPECT_EQ(sim.now() - sim.start(), Duration::Millis(5));
}

#if defined(__SANITIZE_ADDRESS__)
#define SHARDSIM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHARDSIM_UNDER_ASAN 1
#endif
#endif

TEST(Simulation, DeepNestingDoesNotGrowTheNativeStack) {
#if defined(SHARDSIM_UNDER_ASAN)
  // AddressSanitizer keeps the compiler from turning the symmetric-transfer hand-off into a tail
  // call, so under it deep nesting does use the native stack. The release build checks this.
  GTEST_SKIP() << "needs the tail call that AddressSanitizer builds do not make";
#endif
  Simulation sim;
  int result = 0;
  auto root = [](Simulation& s, int& out) -> Task<void> { out = co_await Nested(s, 100'000); };
  sim.Spawn("root", root(sim, result));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kIdle);
  EXPECT_EQ(result, 100'001);
}

Task<void> Thrower(Simulation& sim) {
  co_await sim.Sleep(Duration::Seconds(3));
  throw std::runtime_error("boom");
}

TEST(Simulation, AnExceptionInAProcessEndsTheRunNamingProcessAndTime) {
  Simulation sim;
  Log log;
  sim.Spawn("steady", Sleeper(sim, log, "s", Duration::Seconds(1), 10));
  const ProcessId bad = sim.Spawn("consumer-7", Thrower(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(r.status.message(),
            "process 'consumer-7' (pid 1) failed at 2023-01-01T00:00:03.000000Z: boom");
  EXPECT_EQ(sim.process_state(bad), ProcessState::kFailed);
  // Both wake at 3 s; the thrower's wake-up was scheduled first (at 0 s), so it runs first
  // and the run stops right after it, before the steady process's third wake-up.
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kFailed);  // and stays failed
}

TEST(Simulation, AnExceptionFromANestedTaskCanBeCaughtByItsAwaiter) {
  Simulation sim;
  std::string caught;
  auto root = [](Simulation& s, std::string& out) -> Task<void> {
    try {
      co_await Thrower(s);
    } catch (const std::runtime_error& e) {
      out = e.what();
    }
  };
  sim.Spawn("root", root(sim, caught));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kIdle);
  EXPECT_EQ(caught, "boom");
}

TEST(Simulation, ANegativeSleepFailsTheRunWithAClearMessage) {
  Simulation sim;
  auto bad = [](Simulation& s) -> Task<void> { co_await s.Sleep(Duration::Millis(-5)); };
  sim.Spawn("bad-sleeper", bad(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_EQ(r.status.message(),
            "process 'bad-sleeper' (pid 0) failed at 2023-01-01T00:00:00.000000Z: negative "
            "sleep of -5000us requested at 2023-01-01T00:00:00.000000Z");
}

TEST(Simulation, SleepingUntilThePastFailsTheRun) {
  Simulation sim;
  auto bad = [](Simulation& s) -> Task<void> {
    co_await s.Sleep(Duration::Seconds(2));
    co_await s.SleepUntil(s.start());
  };
  sim.Spawn("p", bad(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_NE(r.status.message().find("which is before now"), std::string::npos);
}

TEST(Simulation, SchedulingACallbackIntoThePastIsAnInvalidArgument) {
  Simulation sim;
  sim.RunFor(Duration::Seconds(10));
  const auto id = sim.ScheduleAt(sim.start(), "late", [] {});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id.status().message(),
            "cannot schedule 'late' at 2023-01-01T00:00:00.000000Z, before now "
            "(2023-01-01T00:00:10.000000Z)");
  EXPECT_FALSE(sim.ScheduleAfter(Duration::Micros(-1), "neg", [] {}).ok());
}

TEST(Simulation, CallbacksRunAtTheirTimeAndCanBeCancelled) {
  Simulation sim;
  Log log;
  ASSERT_TRUE(
      sim.ScheduleAfter(Duration::Seconds(2), "two", [&] { log.push_back(Stamp(sim, "two")); })
          .ok());
  const auto one = sim.ScheduleAfter(Duration::Seconds(1), "one", [&] { log.push_back("one"); });
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(sim.Cancel(*one));
  sim.Run();
  EXPECT_EQ(log, (Log{"2000ms two"}));
}

TEST(Simulation, AThrowingCallbackFailsTheRunNamingTheCallback) {
  Simulation sim;
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Seconds(1), "split-shard",
                                [] { throw std::logic_error("no such shard"); })
                  .ok());
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_EQ(r.status.message(),
            "callback 'split-shard' failed at 2023-01-01T00:00:01.000000Z: no such shard");
}

Task<void> Waiter(Simulation& sim, Signal& signal, Log& log, std::string name) {
  co_await signal.Wait();
  log.push_back(Stamp(sim, name));
}

TEST(Simulation, SignalWakesWaitersInArrivalOrderAtTheNotifyTime) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  sim.Spawn("w1", Waiter(sim, signal, log, "w1"));
  sim.Spawn("w2", Waiter(sim, signal, log, "w2"));
  sim.Spawn("w3", Waiter(sim, signal, log, "w3"));
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Seconds(1), "one", [&] { signal.NotifyOne(); }).ok());
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Seconds(2), "all", [&] { signal.NotifyAll(); }).ok());
  sim.RunFor(Duration::Millis(1'500));
  EXPECT_EQ(signal.waiting(), 2u);
  sim.Run();
  EXPECT_EQ(log, (Log{"1000ms w1", "2000ms w2", "2000ms w3"}));
}

Task<void> TimedWaiter(Simulation& sim, Signal& signal, Log& log, std::string name,
                       Duration timeout, int waits) {
  for (int i = 0; i < waits; ++i) {
    co_await signal.WaitUntil(sim.now() + timeout);
    log.push_back(Stamp(sim, name));
  }
}

TEST(Simulation, ATimedWaitWakesAtItsDeadlineWhenNothingNotifies) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  sim.Spawn("t", TimedWaiter(sim, signal, log, "t", Duration::Seconds(5), 2));
  sim.Run();
  EXPECT_EQ(log, (Log{"5000ms t", "10000ms t"}));
  EXPECT_EQ(sim.pending_events(), 0u);
}

TEST(Simulation, ATimedWaitWakesAtANotifyBeforeItsDeadlineAndTheDeadlineIsDropped) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  sim.Spawn("t", TimedWaiter(sim, signal, log, "t", Duration::Seconds(5), 1));
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Seconds(2), "put", [&] { signal.NotifyAll(); }).ok());
  const RunResult r = sim.Run();
  EXPECT_EQ(log, (Log{"2000ms t"}));
  EXPECT_EQ(r.time, sim.start() + Duration::Seconds(2)) << "the 5 s deadline never fires";
  EXPECT_EQ(sim.process_state(0), ProcessState::kFinished);
}

TEST(Simulation, ANotifyAfterATimedOutWaitNeitherWakesItAgainNorIsConsumedByIt) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  sim.Spawn("timed", TimedWaiter(sim, signal, log, "timed", Duration::Seconds(1), 1));
  sim.Spawn("late", [](Simulation& sim, Signal& signal, Log& log) -> Task<void> {
    co_await sim.Sleep(Duration::Seconds(2));
    co_await signal.Wait();
    log.push_back(Stamp(sim, "late"));
  }(sim, signal, log));
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Seconds(3), "one", [&] { signal.NotifyOne(); }).ok());
  sim.Run();
  EXPECT_EQ(log, (Log{"1000ms timed", "3000ms late"}));
}

TEST(Simulation, ATimedWaitWithADeadlineInThePastIsAnError) {
  Simulation sim;
  Signal signal(sim);
  sim.Spawn("t", [](Simulation& sim, Signal& signal) -> Task<void> {
    co_await sim.Sleep(Duration::Seconds(1));
    co_await signal.WaitUntil(sim.start());
  }(sim, signal));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_THAT(std::string(r.status.message()), ::testing::HasSubstr("which is before now"));
}

TEST(Simulation, ANotifyWithNoWaitersIsNotRemembered) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  signal.NotifyAll();
  sim.Spawn("w", Waiter(sim, signal, log, "w"));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kIdle);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(sim.process_state(0), ProcessState::kRunning);
}

TEST(Simulation, KillDestroysAProcessMidSleepAndCancelsItsWakeUp) {
  Simulation sim;
  Log log;
  const ProcessId victim = sim.Spawn("victim", Sleeper(sim, log, "v", Duration::Seconds(1), 5));
  ASSERT_TRUE(sim.ScheduleAfter(Duration::Millis(2'500), "crash",
                                [&] { EXPECT_TRUE(sim.Kill(victim).ok()); })
                  .ok());
  sim.Run();
  EXPECT_EQ(log, (Log{"1000ms v", "2000ms v"}));
  EXPECT_EQ(sim.process_state(victim), ProcessState::kKilled);
  EXPECT_EQ(sim.pending_events(), 0u);
}

struct Guard {
  Log* log;
  ~Guard() { log->push_back("guard destroyed"); }
};

Task<void> GuardedChild(Simulation& sim, Log& log) {
  Guard guard{&log};
  co_await sim.Sleep(Duration::Hours(1));
  log.push_back("child woke");
}

Task<void> GuardedParent(Simulation& sim, Log& log) {
  co_await GuardedChild(sim, log);
  log.push_back("parent resumed");
}

TEST(Simulation, KillingAProcessDestroysEveryNestedTaskItAwaits) {
  Simulation sim;
  Log log;
  const ProcessId p = sim.Spawn("p", GuardedParent(sim, log));
  sim.RunFor(Duration::Minutes(1));
  ASSERT_TRUE(sim.Kill(p).ok());
  EXPECT_EQ(log, (Log{"guard destroyed"}));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kIdle);
  EXPECT_EQ(log.size(), 1u);
}

TEST(Simulation, AKilledSignalWaiterIsNotWokenAndDoesNotConsumeANotifyOne) {
  Simulation sim;
  Signal signal(sim);
  Log log;
  const ProcessId first = sim.Spawn("first", Waiter(sim, signal, log, "first"));
  sim.Spawn("second", Waiter(sim, signal, log, "second"));
  sim.RunFor(Duration::Millis(1));
  ASSERT_TRUE(sim.Kill(first).ok());
  signal.NotifyOne();
  sim.Run();
  EXPECT_EQ(log, (Log{"1ms second"}));
}

TEST(Simulation, KillReportsMisuseAsStatus) {
  Simulation sim;
  Log log;
  EXPECT_EQ(sim.Kill(42).code(), absl::StatusCode::kNotFound);
  const ProcessId p = sim.Spawn("short", Sleeper(sim, log, "s", Duration::Seconds(1), 1));
  sim.Run();
  const absl::Status again = sim.Kill(p);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "Kill: process 'short' has already finished");
}

TEST(Simulation, JoinWaitsForAProcessAndReportsHowItEnded) {
  Simulation sim;
  Log log;
  const ProcessId worker = sim.Spawn("worker", Sleeper(sim, log, "w", Duration::Seconds(3), 1));
  const ProcessId doomed = sim.Spawn("doomed", Sleeper(sim, log, "d", Duration::Hours(1), 1));
  auto joiner = [](Simulation& s, Log& l, ProcessId a, ProcessId b) -> Task<void> {
    const ProcessState sa = co_await s.Join(a);
    l.push_back(Stamp(s, absl::StrCat("joined worker: ", std::string(ProcessStateName(sa)))));
    const ProcessState sb = co_await s.Join(b);
    l.push_back(Stamp(s, absl::StrCat("joined doomed: ", std::string(ProcessStateName(sb)))));
    const ProcessState again = co_await s.Join(a);  // already ended: no suspension
    l.push_back(Stamp(s, absl::StrCat("again: ", std::string(ProcessStateName(again)))));
  };
  sim.Spawn("joiner", joiner(sim, log, worker, doomed));
  ASSERT_TRUE(
      sim.ScheduleAfter(Duration::Seconds(10), "kill", [&] { ASSERT_TRUE(sim.Kill(doomed).ok()); })
          .ok());
  sim.Run();
  EXPECT_EQ(log, (Log{"3000ms w", "3000ms joined worker: finished", "10000ms joined doomed: killed",
                      "10000ms again: finished"}));
}

TEST(Simulation, AProcessJoiningItselfFailsTheRun) {
  Simulation sim;
  auto self = [](Simulation& s) -> Task<void> { co_await s.Join(s.current_process()); };
  sim.Spawn("narcissus", self(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kFailed);
  EXPECT_NE(r.status.message().find("cannot wait for itself"), std::string::npos);
}

TEST(Simulation, ProcessesCanSpawnProcesses) {
  Simulation sim;
  Log log;
  auto parent = [](Simulation& s, Log& l) -> Task<void> {
    co_await s.Sleep(Duration::Seconds(1));
    const ProcessId child = s.Spawn("child", Sleeper(s, l, "child", Duration::Seconds(1), 1));
    co_await s.Join(child);
    l.push_back(Stamp(s, "parent done"));
  };
  sim.Spawn("parent", parent(sim, log));
  sim.Run();
  EXPECT_EQ(log, (Log{"2000ms child", "2000ms parent done"}));
}

Task<void> Forever(Simulation& sim) {
  for (;;) co_await sim.Sleep(Duration::Seconds(1));
}

TEST(Simulation, HittingTheEventBoundIsReportedNotHung) {
  Simulation sim(Simulation::Options{.max_events = 1'000});
  sim.Spawn("forever", Forever(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kEventLimit);
  EXPECT_TRUE(r.hit_bound());
  EXPECT_EQ(r.events, 1'000u);
}

TEST(Simulation, HittingTheVirtualTimeBoundIsReportedNotHung) {
  Simulation sim(Simulation::Options{.max_virtual_time = Duration::Hours(1)});
  sim.Spawn("forever", Forever(sim));
  const RunResult r = sim.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kTimeLimit);
  EXPECT_EQ(r.time, sim.start() + Duration::Hours(1));
  EXPECT_EQ(r.ToString(), "time_limit at 2023-01-01T01:00:00.000000Z after 3601 events");
}

TEST(Simulation, RunUntilStopsAtTheDeadlineAndRunsEventsDueExactlyThen) {
  Simulation sim;
  Log log;
  sim.Spawn("s", Sleeper(sim, log, "s", Duration::Seconds(1), 10));
  const RunResult r = sim.RunUntil(sim.start() + Duration::Seconds(3));
  EXPECT_EQ(r.outcome, RunOutcome::kDeadlineReached);
  EXPECT_EQ(r.time, sim.start() + Duration::Seconds(3));
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(sim.RunFor(Duration::Millis(1'500)).time, sim.start() + Duration::Millis(4'500));
  EXPECT_EQ(log.size(), 4u);
}

TEST(Simulation, RunUntilBeyondTheTimeBoundStopsAtTheBound) {
  Simulation sim(Simulation::Options{.max_virtual_time = Duration::Minutes(5)});
  const RunResult r = sim.RunFor(Duration::Hours(1));
  EXPECT_EQ(r.outcome, RunOutcome::kTimeLimit);
  EXPECT_EQ(r.time, sim.start() + Duration::Minutes(5));
}

TEST(Simulation, StepRunsExactlyOneEvent) {
  Simulation sim;
  Log log;
  sim.Spawn("s", Sleeper(sim, log, "s", Duration::Seconds(1), 2));
  EXPECT_EQ(sim.Step().outcome, RunOutcome::kStepped);  // the process starts
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(sim.Step().outcome, RunOutcome::kStepped);
  EXPECT_EQ(log, (Log{"1000ms s"}));
  EXPECT_EQ(sim.Step().outcome, RunOutcome::kStepped);
  EXPECT_EQ(sim.Step().outcome, RunOutcome::kIdle);
}

TEST(Simulation, StopEndsTheRunAfterTheCurrentEventAndRunningAgainContinues) {
  Simulation sim;
  Log log;
  auto stopper = [](Simulation& s, Log& l) -> Task<void> {
    co_await s.Sleep(Duration::Seconds(2));
    l.push_back("stop");
    s.Stop();
    co_await s.Sleep(Duration::Seconds(2));
    l.push_back("after");
  };
  sim.Spawn("stopper", stopper(sim, log));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kStopped);
  EXPECT_EQ(log, (Log{"stop"}));
  EXPECT_EQ(sim.Run().outcome, RunOutcome::kIdle);
  EXPECT_EQ(log, (Log{"stop", "after"}));
}

TEST(Simulation, LifecycleEventsAreTraced) {
  Simulation sim;
  Log log;
  sim.Spawn("s", Sleeper(sim, log, "s", Duration::Seconds(1), 1));
  sim.Run();
  EXPECT_EQ(sim.trace().ToText(),
            "2023-01-01T00:00:00.000000Z s process.spawn pid=0\n"
            "2023-01-01T00:00:01.000000Z s process.exit pid=0\n");
}

TEST(SimulationDeathTest, AwaitingASleepOutsideAProcessIsABrokenInvariant) {
  Simulation sim;
  auto lonely = [](Simulation& s) -> Task<void> { co_await s.Sleep(Duration::Seconds(1)); };
  // Awaiting from a plain coroutine that was never spawned: drive it by hand.
  Task<void> task = lonely(sim);
  auto handle = task.Release();
  EXPECT_DEATH(handle.resume(), "outside a simulation process");
  handle.destroy();
}

}  // namespace
}  // namespace shardsim::sim
