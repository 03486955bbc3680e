#include "sim/event_queue.h"

#include <algorithm>
#include <utility>

namespace shardsim::sim {

uint32_t EventQueue::AcquireSlot() {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  SHARDSIM_CHECK(slots_.size() < UINT32_MAX - 1, "too many pending events");
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

void EventQueue::ReleaseSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  s.pending = false;
  s.resume = nullptr;
  ++s.generation;
  free_slots_.push_back(slot);
}

TimerId EventQueue::Push(Instant at, uint32_t slot) {
  Slot& s = slots_[slot];
  s.pending = true;
  heap_.push_back(Entry{at.unix_micros(), next_sequence_++, slot});
  SiftUp(heap_.size() - 1);
  ++live_;
  return TimerId{slot, s.generation};
}

TimerId EventQueue::PushCallback(Instant at, uint32_t owner, Callback callback) {
  SHARDSIM_CHECK(callback != nullptr, "an event needs a callback");
  const uint32_t slot = AcquireSlot();
  slots_[slot].callback = std::move(callback);
  slots_[slot].owner = owner;
  return Push(at, slot);
}

TimerId EventQueue::PushResume(Instant at, uint32_t owner, std::coroutine_handle<> handle) {
  SHARDSIM_CHECK(handle != nullptr, "an event needs a coroutine to resume");
  const uint32_t slot = AcquireSlot();
  slots_[slot].resume = handle;
  slots_[slot].owner = owner;
  return Push(at, slot);
}

bool EventQueue::IsPending(TimerId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].pending &&
         slots_[id.slot].generation == id.generation;
}

bool EventQueue::Cancel(TimerId id) {
  if (!IsPending(id)) return false;
  // The heap entry stays until it surfaces; the generation bump makes it recognisably dead.
  Slot& s = slots_[id.slot];
  s.pending = false;
  s.callback = nullptr;
  s.resume = nullptr;
  ++s.generation;
  --live_;
  return true;
}

// A 4-ary heap: half the depth of a binary heap, and the four children of a node share a
// cache line, which makes pops (the common operation) cheaper.
void EventQueue::SiftUp(size_t index) {
  const Entry moving = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / kArity;
    if (!Later(heap_[parent], moving)) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

void EventQueue::PopHeap() {
  const Entry moving = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return;
  size_t index = 0;
  for (;;) {
    const size_t first = index * kArity + 1;
    if (first >= n) break;
    const size_t last = std::min(first + kArity, n);
    size_t best = first;
    for (size_t c = first + 1; c < last; ++c) {
      if (Later(heap_[best], heap_[c])) best = c;
    }
    if (!Later(moving, heap_[best])) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = moving;
}

void EventQueue::DropCancelledTop() {
  while (!heap_.empty() && !slots_[heap_.front().slot].pending) {
    const uint32_t slot = heap_.front().slot;
    PopHeap();
    free_slots_.push_back(slot);
  }
}

Instant EventQueue::NextTime() {
  SHARDSIM_CHECK(live_ > 0, "NextTime on an empty event queue");
  DropCancelledTop();
  return Instant::FromUnixMicros(heap_.front().time_us);
}

EventQueue::Fired EventQueue::Pop() {
  SHARDSIM_CHECK(live_ > 0, "Pop on an empty event queue");
  DropCancelledTop();
  const Entry top = heap_.front();
  PopHeap();
  Slot& s = slots_[top.slot];
  Fired fired{Instant::FromUnixMicros(top.time_us), top.sequence, s.owner, s.resume, nullptr};
  if (!s.resume) {
    fired.callback = std::move(s.callback);
    s.callback = nullptr;
  }
  ReleaseSlot(top.slot);
  --live_;
  return fired;
}

}  // namespace shardsim::sim
