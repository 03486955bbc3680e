// Task<T>: the coroutine type of simulated processes and of everything they call.
//
// A Task is lazy: its body starts only when it is awaited (`T v = co_await task;`) or when
// it is handed to Simulation::Spawn as a process. Awaiting a task runs it to completion on
// the awaiting process's behalf (through every virtual sleep inside it) and then resumes the
// awaiter by symmetric transfer, so arbitrarily deep nesting costs no native stack. An
// exception that escapes the task's body is rethrown in the awaiter; one that escapes a
// process's outermost task ends the run with that error (see simulation.h).
//
// A Task owns its coroutine frame: destroying the Task destroys the frame and, through the
// locals it holds, every task it was awaiting. That is how a process is killed mid-flight.
// A Task can be awaited once. REQUIRES: Tasks are only awaited inside simulation processes.
#ifndef SHARDSIM_SIM_TASK_H_
#define SHARDSIM_SIM_TASK_H_

// GCC before 13 destroys non-trivial temporaries in a full-expression that contains co_await
// twice (`co_await kinesis.GetRecords({.ShardIterator = it})` double-frees the request), so a
// consumer loop built with it compiles and then crashes at run time. CMake and the installed
// package config refuse it too.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#error \
    "shardsim needs clang++ (14 or later) or g++ 13 or later: older g++ destroys temporaries in co_await expressions twice. Build with clang++."
#endif

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "sim/check.h"
#include "sim/frame_pool.h"

namespace shardsim::sim {

class Simulation;

namespace task_internal {

// The part of every Task's promise that does not depend on T.
struct PromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr exception;
  // Set only on a process's outermost task: whom to tell when the process ends.
  Simulation* simulation = nullptr;
  uint32_t process_id = 0;

  // Frames come from the frame pool (sim/frame_pool.h).
  static void* operator new(std::size_t bytes) { return frame_pool::Allocate(bytes); }
  static void operator delete(void* frame, std::size_t bytes) noexcept {
    frame_pool::Free(frame, bytes);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      PromiseBase& promise = self.promise();
      if (promise.continuation) return promise.continuation;
      if (promise.simulation != nullptr) NotifyProcessEnded(promise);
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  static void NotifyProcessEnded(PromiseBase& promise) noexcept;
};

}  // namespace task_internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : task_internal::PromiseBase {
    std::optional<T> value;
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    template <typename U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() {
    auto& promise = handle_.promise();
    if (promise.exception) std::rethrow_exception(promise.exception);
    SHARDSIM_CHECK(promise.value.has_value(), "a Task<T> ended without co_return of a value");
    return std::move(*promise.value);
  }

  // For the kernel: releases ownership of the frame.
  std::coroutine_handle<promise_type> Release() { return std::exchange(handle_, nullptr); }
  bool valid() const { return handle_ != nullptr; }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  void Reset() {
    if (handle_) handle_.destroy();
    handle_ = nullptr;
  }
  std::coroutine_handle<promise_type> handle_;
};

template <>
class [[nodiscard]] Task<void> {
 public:
  struct promise_type : task_internal::PromiseBase {
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    void return_void() {}
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  void await_resume() {
    if (handle_.promise().exception) std::rethrow_exception(handle_.promise().exception);
  }

  std::coroutine_handle<promise_type> Release() { return std::exchange(handle_, nullptr); }
  bool valid() const { return handle_ != nullptr; }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  void Reset() {
    if (handle_) handle_.destroy();
    handle_ = nullptr;
  }
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_TASK_H_
