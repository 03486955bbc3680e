#include "sim/simulation.h"

#include <typeinfo>
#include <utility>

#include "absl/strings/str_cat.h"

namespace shardsim::sim {

namespace {

std::string DescribeException(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

std::string_view ProcessStateName(ProcessState state) {
  switch (state) {
    case ProcessState::kRunning:
      return "running";
    case ProcessState::kFinished:
      return "finished";
    case ProcessState::kFailed:
      return "failed";
    case ProcessState::kKilled:
      return "killed";
  }
  return "?";
}

std::string_view RunOutcomeName(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kIdle:
      return "idle";
    case RunOutcome::kDeadlineReached:
      return "deadline_reached";
    case RunOutcome::kStepped:
      return "stepped";
    case RunOutcome::kStopped:
      return "stopped";
    case RunOutcome::kEventLimit:
      return "event_limit";
    case RunOutcome::kTimeLimit:
      return "time_limit";
    case RunOutcome::kFailed:
      return "failed";
  }
  return "?";
}

std::string RunResult::ToString() const {
  std::string out = absl::StrCat(std::string(RunOutcomeName(outcome)), " at ", time.ToString(),
                                 " after ", events, " events");
  if (!status.ok()) absl::StrAppend(&out, ": ", status.message());
  return out;
}

void task_internal::PromiseBase::NotifyProcessEnded(PromiseBase& promise) noexcept {
  promise.simulation->OnProcessEnded(promise.process_id);
}

// Signal --------------------------------------------------------------------------------

void Signal::Awaiter::await_suspend(std::coroutine_handle<> handle) {
  Simulation& sim = *signal->simulation_;
  const uint64_t serial = sim.ParkCurrent("Signal::Wait");
  signal->waiters_.push_back(Waiter{sim.current_, serial, handle});
}

Signal::TimedAwaiter Signal::WaitUntil(Instant deadline) {
  if (deadline < simulation_->now()) {
    throw SimulationError(absl::StrCat("Signal::WaitUntil ", deadline.ToString(),
                                       ", which is before now (", simulation_->now().ToString(),
                                       ")"));
  }
  return TimedAwaiter{this, deadline};
}

void Signal::TimedAwaiter::await_suspend(std::coroutine_handle<> handle) {
  Simulation& sim = *signal->simulation_;
  const uint64_t serial = sim.ParkCurrent("Signal::WaitUntil");
  // Entries of waits that timed out stay behind; drop those at the front so a signal only ever
  // waited on with deadlines does not grow.
  while (!signal->waiters_.empty()) {
    const Waiter& front = signal->waiters_.front();
    const auto& process = sim.processes_[front.process];
    if (process.state == ProcessState::kRunning && process.wait_serial == front.wait_serial) break;
    signal->waiters_.pop_front();
  }
  signal->waiters_.push_back(Waiter{sim.current_, serial, handle});
  sim.processes_[sim.current_].pending = sim.queue_.PushResume(deadline, sim.current_, handle);
}

void Signal::NotifyOne() {
  while (!waiters_.empty()) {
    const Waiter waiter = waiters_.front();
    waiters_.pop_front();
    const auto& process = simulation_->processes_[waiter.process];
    if (process.state == ProcessState::kRunning && process.wait_serial == waiter.wait_serial) {
      simulation_->Wake(waiter);
      return;
    }
  }
}

void Signal::NotifyAll() {
  std::deque<Waiter> waking;
  waking.swap(waiters_);
  for (const Waiter& waiter : waking) simulation_->Wake(waiter);
}

size_t Signal::waiting() const {
  size_t n = 0;
  for (const Waiter& w : waiters_) {
    const auto& process = simulation_->processes_[w.process];
    n += process.state == ProcessState::kRunning && process.wait_serial == w.wait_serial;
  }
  return n;
}

// Simulation ----------------------------------------------------------------------------

Simulation::Simulation(Options options)
    : options_(options), now_(options.start), random_(options.seed), trace_(options.trace_mode) {
  SHARDSIM_CHECK(options_.max_virtual_time >= Duration::Zero(),
                 "Options::max_virtual_time must not be negative");
}

Simulation::~Simulation() {
  // Frames of unfinished processes are destroyed here; their destructors may not schedule.
  for (Process& p : processes_) {
    if (p.root) p.root.destroy();
    p.root = nullptr;
  }
}

void Simulation::Record(std::string_view actor, std::string_view kind,
                        std::initializer_list<TraceField> fields) {
  trace_.Append(now_, actor, kind, fields);
}

ProcessId Simulation::Spawn(std::string name, Task<void> task) {
  SHARDSIM_CHECK(task.valid(), "Spawn needs a task that has not been moved from");
  SHARDSIM_CHECK(processes_.size() < kNoOwner - 1, "too many processes");
  const auto id = static_cast<ProcessId>(processes_.size());
  auto handle = task.Release();
  handle.promise().simulation = this;
  handle.promise().process_id = id;
  Process& process = processes_.emplace_back();
  process.name = std::move(name);
  process.root = handle;
  process.pending = queue_.PushResume(now_, id, handle);
  Record(process.name, "process.spawn", {{"pid", id}});
  return id;
}

absl::Status Simulation::Kill(ProcessId id) {
  if (id >= processes_.size()) {
    return absl::NotFoundError(absl::StrCat("Kill: no process with id ", id));
  }
  Process& process = processes_[id];
  if (process.state != ProcessState::kRunning) {
    return absl::FailedPreconditionError(
        absl::StrCat("Kill: process '", process.name, "' has already ",
                     std::string(ProcessStateName(process.state))));
  }
  if (id == current_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Kill: process '", process.name, "' cannot kill itself; return instead"));
  }
  queue_.Cancel(process.pending);
  process.state = ProcessState::kKilled;
  ++process.wait_serial;
  Record(process.name, "process.kill", {{"pid", id}});
  auto root = std::exchange(process.root, nullptr);
  root.destroy();  // processes_ is a deque: references survive spawns from destructors
  WakeJoiners(process);
  return absl::OkStatus();
}

ProcessState Simulation::process_state(ProcessId id) const {
  SHARDSIM_CHECK(id < processes_.size(), "process_state: unknown process id");
  return processes_[id].state;
}

const std::string& Simulation::process_name(ProcessId id) const {
  SHARDSIM_CHECK(id < processes_.size(), "process_name: unknown process id");
  return processes_[id].name;
}

Simulation::Process& Simulation::CurrentProcess(std::string_view what) {
  SHARDSIM_CHECK(current_ != kNoOwner,
                 absl::StrCat(std::string(what), " was awaited outside a simulation process"));
  return processes_[current_];
}

uint64_t Simulation::ParkCurrent(std::string_view what) {
  Process& process = CurrentProcess(what);
  process.pending = TimerId{};
  return ++process.wait_serial;
}

void Simulation::Wake(const Signal::Waiter& waiter) {
  Process& process = processes_[waiter.process];
  if (process.state != ProcessState::kRunning || process.wait_serial != waiter.wait_serial) {
    return;
  }
  ++process.wait_serial;  // a second notify for the same wait must not wake it twice
  if (process.pending.valid()) queue_.Cancel(process.pending);  // a timed wait's deadline
  process.pending = queue_.PushResume(now_, waiter.process, waiter.handle);
}

Simulation::SleepAwaiter Simulation::Sleep(Duration d) {
  if (d < Duration::Zero()) {
    throw SimulationError(
        absl::StrCat("negative sleep of ", d.micros(), "us requested at ", now_.ToString()));
  }
  return SleepAwaiter{this, now_ + d};
}

Simulation::SleepAwaiter Simulation::SleepUntil(Instant t) {
  if (t < now_) {
    throw SimulationError(absl::StrCat("sleep until ", t.ToString(), ", which is before now (",
                                       now_.ToString(), ")"));
  }
  return SleepAwaiter{this, t};
}

void Simulation::SleepAwaiter::await_suspend(std::coroutine_handle<> handle) {
  Process& process = simulation->CurrentProcess("Sleep");
  ++process.wait_serial;
  process.pending = simulation->queue_.PushResume(wake_at, simulation->current_, handle);
}

Simulation::JoinAwaiter Simulation::Join(ProcessId id) {
  if (id >= processes_.size()) {
    throw SimulationError(absl::StrCat("Join: no process with id ", id));
  }
  if (id == current_) {
    throw SimulationError(
        absl::StrCat("Join: process '", processes_[id].name, "' cannot wait for itself"));
  }
  return JoinAwaiter{this, id};
}

bool Simulation::JoinAwaiter::await_ready() const {
  return simulation->processes_[process].state != ProcessState::kRunning;
}

void Simulation::JoinAwaiter::await_suspend(std::coroutine_handle<> handle) {
  const uint32_t waiter = simulation->current_;
  const uint64_t serial = simulation->ParkCurrent("Join");
  simulation->processes_[process].joiners.push_back(Signal::Waiter{waiter, serial, handle});
}

ProcessState Simulation::JoinAwaiter::await_resume() const {
  return simulation->processes_[process].state;
}

void Simulation::WakeJoiners(Process& process) {
  std::vector<Signal::Waiter> joiners;
  joiners.swap(process.joiners);
  for (const Signal::Waiter& waiter : joiners) Wake(waiter);
}

void Simulation::OnProcessEnded(ProcessId id) {
  Process& process = processes_[id];
  process.pending = TimerId{};
  const std::exception_ptr error = process.root.promise().exception;
  if (error) {
    process.state = ProcessState::kFailed;
    const std::string what = DescribeException(error);
    Record(process.name, "process.fail", {{"pid", id}, {"error", what}});
    Fail(absl::AbortedError(absl::StrCat("process '", process.name, "' (pid ", id, ") failed at ",
                                         now_.ToString(), ": ", what)));
  } else {
    process.state = ProcessState::kFinished;
    Record(process.name, "process.exit", {{"pid", id}});
  }
  ended_frames_.push_back(id);
  WakeJoiners(process);
}

void Simulation::DestroyEndedFrames() {
  while (!ended_frames_.empty()) {
    const ProcessId id = ended_frames_.back();
    ended_frames_.pop_back();
    auto root = std::exchange(processes_[id].root, nullptr);
    if (root) root.destroy();
  }
}

absl::StatusOr<TimerId> Simulation::ScheduleAt(Instant at, std::string_view label,
                                               Callback callback) {
  if (at < now_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot schedule '", std::string(label), "' at ",
                                                   at.ToString(), ", before now (", now_.ToString(),
                                                   ")"));
  }
  if (callback == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot schedule '", std::string(label), "' without a callback"));
  }
  return queue_.PushCallback(
      at, kNoOwner, [this, name = std::string(label), fn = std::move(callback)]() mutable {
        try {
          fn();
        } catch (...) {
          Fail(absl::AbortedError(absl::StrCat("callback '", name, "' failed at ", now_.ToString(),
                                               ": ", DescribeException(std::current_exception()))));
        }
      });
}

absl::StatusOr<TimerId> Simulation::ScheduleAfter(Duration delay, std::string_view label,
                                                  Callback callback) {
  if (delay < Duration::Zero()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot schedule '", std::string(label),
                                                   "' after a negative delay of ", delay.micros(),
                                                   "us"));
  }
  return ScheduleAt(now_ + delay, label, std::move(callback));
}

void Simulation::Fail(absl::Status status) {
  SHARDSIM_CHECK(!status.ok(), "Simulation::Fail needs an error status");
  if (failure_.ok()) failure_ = std::move(status);
}

void Simulation::Dispatch(EventQueue::Fired&& fired) {
  SHARDSIM_CHECK(fired.time >= now_, "the event queue returned an event from the past");
  now_ = fired.time;
  ++events_;
  current_ = fired.owner;
  if (fired.resume) {
    Process& process = processes_[fired.owner];
    process.pending = TimerId{};
    ++process.wait_serial;  // a timed wait that reached its deadline leaves a stale signal entry
    fired.resume.resume();
  } else {
    fired.callback();
  }
  current_ = kNoOwner;
  DestroyEndedFrames();
}

RunResult Simulation::Result(RunOutcome outcome) const {
  return RunResult{outcome, outcome == RunOutcome::kFailed ? failure_ : absl::OkStatus(), now_,
                   events_};
}

RunResult Simulation::RunLoop(const Instant* deadline, bool single_step) {
  SHARDSIM_CHECK(current_ == kNoOwner, "a run was started from inside a process or callback");
  for (;;) {
    if (!failure_.ok()) return Result(RunOutcome::kFailed);
    if (stop_requested_) {
      stop_requested_ = false;
      return Result(RunOutcome::kStopped);
    }
    const bool idle = queue_.empty();
    const Instant next = idle ? Instant() : queue_.NextTime();
    if (deadline != nullptr && (idle || next > *deadline)) {
      if (*deadline > time_limit()) {
        now_ = std::max(now_, time_limit());
        return Result(RunOutcome::kTimeLimit);
      }
      now_ = std::max(now_, *deadline);
      return Result(RunOutcome::kDeadlineReached);
    }
    if (idle) return Result(RunOutcome::kIdle);
    if (next > time_limit()) return Result(RunOutcome::kTimeLimit);
    if (events_ >= options_.max_events) return Result(RunOutcome::kEventLimit);
    Dispatch(queue_.Pop());
    if (single_step) {
      return Result(failure_.ok() ? RunOutcome::kStepped : RunOutcome::kFailed);
    }
  }
}

RunResult Simulation::Step() { return RunLoop(nullptr, /*single_step=*/true); }

RunResult Simulation::RunUntil(Instant deadline) { return RunLoop(&deadline, false); }

RunResult Simulation::RunFor(Duration duration) {
  SHARDSIM_CHECK(duration >= Duration::Zero(), "RunFor needs a non-negative duration");
  return RunUntil(now_ + duration);
}

RunResult Simulation::Run() { return RunLoop(nullptr, false); }

}  // namespace shardsim::sim
