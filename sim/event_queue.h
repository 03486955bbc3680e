// The kernel's event queue: a 4-ary min-heap of pending events ordered by
// (time, insertion sequence), so events due at the same instant run in the order they were
// scheduled (FIFO). Push and Pop are O(log n).
//
// Cancellation is O(1): a cancelled event's slot is released at once (its callback is
// destroyed) and its heap entry is skipped when it reaches the top. A `TimerId` names one
// scheduling; a stale id (already fired or cancelled) is harmless to cancel again.
//
// An event is either a coroutine to resume or a callback to call, plus the id of the process
// that owns it (kNoOwner for plain callbacks).
#ifndef SHARDSIM_SIM_EVENT_QUEUE_H_
#define SHARDSIM_SIM_EVENT_QUEUE_H_

#include <coroutine>
#include <cstdint>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "sim/time.h"

namespace shardsim::sim {

struct TimerId {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
  friend bool operator==(const TimerId&, const TimerId&) = default;
};

inline constexpr uint32_t kNoOwner = UINT32_MAX;

class EventQueue {
 public:
  using Callback = absl::AnyInvocable<void()>;

  struct Fired {
    Instant time;
    uint64_t sequence = 0;
    uint32_t owner = kNoOwner;
    std::coroutine_handle<> resume;  // set for coroutine events
    Callback callback;               // set for callback events
  };

  TimerId PushCallback(Instant at, uint32_t owner, Callback callback);
  TimerId PushResume(Instant at, uint32_t owner, std::coroutine_handle<> handle);
  // Returns true when the event was still pending (and is now cancelled).
  bool Cancel(TimerId id);
  bool IsPending(TimerId id) const;

  bool empty() const { return live_ == 0; }
  size_t size() const { return live_; }
  // Time of the earliest pending event. REQUIRES: !empty().
  Instant NextTime();
  // Removes and returns the earliest pending event. REQUIRES: !empty().
  Fired Pop();
  // Insertion sequence numbers handed out so far.
  uint64_t sequences_issued() const { return next_sequence_; }

 private:
  struct Entry {
    int64_t time_us;
    uint64_t sequence;
    uint32_t slot;
  };
  struct Slot {
    Callback callback;
    std::coroutine_handle<> resume;
    uint32_t generation = 0;
    uint32_t owner = kNoOwner;
    bool pending = false;
  };
  static bool Later(const Entry& a, const Entry& b) {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.sequence > b.sequence;
  }

  uint32_t AcquireSlot();
  void ReleaseSlot(uint32_t slot);
  TimerId Push(Instant at, uint32_t slot);
  void DropCancelledTop();
  void SiftUp(size_t index);
  void PopHeap();  // removes heap_[0]

  static constexpr size_t kArity = 4;

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_sequence_ = 0;
  size_t live_ = 0;
};

}  // namespace shardsim::sim

#endif  // SHARDSIM_SIM_EVENT_QUEUE_H_
