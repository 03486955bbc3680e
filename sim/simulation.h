// Simulation: the discrete-event kernel.
//
// A Simulation owns virtual time, the event queue, the random generator, the trace and the
// processes. Time jumps straight to the next event; events due at the same instant run in
// the order they were scheduled. Processes are C++20 coroutines (Task<void>) that suspend
// on `co_await sim.Sleep(d)`, `co_await sim.SleepUntil(t)`, `co_await signal.Wait()`,
// `co_await sim.Join(pid)` or on another Task; many processes interleave
// deterministically. Given the same seed and the same program, two runs produce
// byte-identical traces.
//
// Run control: Step (one event), RunUntil(t), RunFor(d), Run (until idle). Every run is
// bounded by `Options::max_events` and `Options::max_virtual_time`; reaching a bound is
// reported as its own RunOutcome, never a hang. An exception escaping a process (or a
// scheduled callback) ends the run with outcome kFailed and a status naming the process, the
// virtual time and the error; later run calls keep returning that failure.
//
// Errors a caller can cause (scheduling into the past, killing an unknown process) come back
// as absl::Status; a negative sleep or a sleep into the past throws SimulationError inside
// the process that asked for it, which, if not caught, fails the run with that message.
// REQUIRES: single-threaded use; a Simulation is not shared between threads.
#ifndef SHARDSIM_SIM_SIMULATION_H_
#define SHARDSIM_SIM_SIMULATION_H_

#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/task.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace shardsim::sim {

// Thrown inside a process for kernel misuse that the process itself caused.
class SimulationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

using ProcessId = uint32_t;

enum class ProcessState { kRunning, kFinished, kFailed, kKilled };
std::string_view ProcessStateName(ProcessState state);

enum class RunOutcome {
  kIdle,             // no events left
  kDeadlineReached,  // RunUntil/RunFor reached its time
  kStepped,          // Step ran its one event
  kStopped,          // Stop() was called
  kEventLimit,       // Options::max_events events have run
  kTimeLimit,        // the next event lies beyond start + Options::max_virtual_time
  kFailed,           // a process or callback threw
};
std::string_view RunOutcomeName(RunOutcome outcome);

struct RunResult {
  RunOutcome outcome = RunOutcome::kIdle;
  absl::Status status;  // non-OK only for kFailed
  Instant time;         // virtual time when the run returned
  uint64_t events = 0;  // events run since the simulation began
  bool hit_bound() const {
    return outcome == RunOutcome::kEventLimit || outcome == RunOutcome::kTimeLimit;
  }
  std::string ToString() const;
};

class Simulation;

// A condition processes wait on. Wait() always suspends until a later NotifyOne/NotifyAll;
// waiters wake in the order they started waiting, at the virtual time of the notify.
// WaitUntil(deadline) wakes at the first notify or at `deadline`, whichever comes first (the
// other wake-up is dropped: a notify after a timed-out wait does not wake it again and is not
// consumed by it).
class Signal {
 public:
  explicit Signal(Simulation& simulation) : simulation_(&simulation) {}
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;

  struct Awaiter {
    Signal* signal;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() const noexcept {}
  };
  Awaiter Wait() { return Awaiter{this}; }
  struct TimedAwaiter {
    Signal* signal;
    Instant deadline;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() const noexcept {}
  };
  // Throws SimulationError for a deadline before now().
  TimedAwaiter WaitUntil(Instant deadline);
  void NotifyOne();
  void NotifyAll();
  // Processes currently waiting (killed processes drop out lazily and are not counted).
  size_t waiting() const;

 private:
  struct Waiter {
    ProcessId process;
    uint64_t wait_serial;
    std::coroutine_handle<> handle;
  };
  friend class Simulation;
  Simulation* simulation_;
  std::deque<Waiter> waiters_;
};

class Simulation {
 public:
  struct Options {
    uint64_t seed = 0;
    Instant start = kDefaultEpoch;
    uint64_t max_events = 100'000'000;
    Duration max_virtual_time = Duration::Days(400);
    Trace::Mode trace_mode = Trace::Mode::kKeepRecords;
  };

  explicit Simulation(Options options);
  Simulation() : Simulation(Options{}) {}
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Instant now() const { return now_; }
  Instant start() const { return options_.start; }
  const Options& options() const { return options_; }
  // The root generator (seeded with Options::seed). Prefer a Fork per subsystem.
  Random& random() { return random_; }
  Random ForkRandom(std::string_view label) const { return random_.Fork(label); }
  Trace& trace() { return trace_; }
  // Appends a record stamped with now().
  void Record(std::string_view actor, std::string_view kind,
              std::initializer_list<TraceField> fields = {});

  // Processes --------------------------------------------------------------------------
  // Starts `task` as a process named `name`; its body begins at now(), after events already
  // due now. Returns its id (ids count up from 0 in spawn order).
  ProcessId Spawn(std::string name, Task<void> task);
  // Destroys a running process mid-flight (its frame and every task it awaits); its pending
  // wake-up is cancelled and joiners are woken. Errors: unknown id (NotFound), a process that
  // already ended or the calling process itself (FailedPrecondition).
  absl::Status Kill(ProcessId process);
  ProcessState process_state(ProcessId process) const;
  const std::string& process_name(ProcessId process) const;
  size_t process_count() const { return processes_.size(); }
  // The process whose code is running now, or kNoOwner outside any process.
  uint32_t current_process() const { return current_; }

  // Awaitables (only inside a process) --------------------------------------------------
  struct SleepAwaiter {
    Simulation* simulation;
    Instant wake_at;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() const noexcept {}
  };
  // Suspends the calling process for `d`. Sleep(Duration::Zero()) yields to the events
  // already due now. Throws SimulationError for a negative `d`.
  SleepAwaiter Sleep(Duration d);
  // Throws SimulationError for a time before now().
  SleepAwaiter SleepUntil(Instant t);

  struct JoinAwaiter {
    Simulation* simulation;
    ProcessId process;
    bool await_ready() const;
    void await_suspend(std::coroutine_handle<> handle);
    ProcessState await_resume() const;
  };
  // Waits until `process` has ended; yields how it ended. Throws SimulationError for an
  // unknown id or a process joining itself.
  JoinAwaiter Join(ProcessId process);

  // Callbacks ---------------------------------------------------------------------------
  using Callback = EventQueue::Callback;
  // Runs `callback` at `at` (InvalidArgument if `at` is before now()). `label` names the
  // callback in errors.
  absl::StatusOr<TimerId> ScheduleAt(Instant at, std::string_view label, Callback callback);
  absl::StatusOr<TimerId> ScheduleAfter(Duration delay, std::string_view label, Callback callback);
  // True when the event was still pending.
  bool Cancel(TimerId id) { return queue_.Cancel(id); }

  // Run control -------------------------------------------------------------------------
  RunResult Step();
  RunResult RunUntil(Instant deadline);
  RunResult RunFor(Duration duration);
  RunResult Run();
  // Ends the current run after the event that is running now; the next run call continues.
  void Stop() { stop_requested_ = true; }
  // Ends the run with a failure (as if a process had thrown). The first failure wins.
  void Fail(absl::Status status);
  uint64_t events_run() const { return events_; }
  size_t pending_events() const { return queue_.size(); }

 private:
  struct Process {
    std::string name;
    std::coroutine_handle<Task<void>::promise_type> root;
    ProcessState state = ProcessState::kRunning;
    TimerId pending;           // the wake-up this process is suspended on, if any
    uint64_t wait_serial = 0;  // bumped at every suspension; stale wake-ups are ignored
    std::vector<Signal::Waiter> joiners;
  };
  friend class Signal;
  friend struct task_internal::PromiseBase;

  Process& CurrentProcess(std::string_view what);
  // Records that the current process suspends on something other than a timer.
  uint64_t ParkCurrent(std::string_view what);
  void Wake(const Signal::Waiter& waiter);
  void OnProcessEnded(ProcessId process);
  void WakeJoiners(Process& process);
  void Dispatch(EventQueue::Fired&& fired);
  void DestroyEndedFrames();
  RunResult RunLoop(const Instant* deadline, bool single_step);
  RunResult Result(RunOutcome outcome) const;
  Instant time_limit() const { return options_.start + options_.max_virtual_time; }

  Options options_;
  Instant now_;
  Random random_;
  Trace trace_;
  EventQueue queue_;
  std::deque<Process> processes_;
  std::vector<ProcessId> ended_frames_;
  uint32_t current_ = kNoOwner;
  uint64_t events_ = 0;
  bool stop_requested_ = false;
  absl::Status failure_;
};

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_SIMULATION_H_
