#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shardsim::sim {
namespace {

Instant At(int64_t us) { return kDefaultEpoch + Duration::Micros(us); }

std::vector<std::string> Drain(EventQueue& q, std::vector<std::string>& log) {
  while (!q.empty()) q.Pop().callback();
  return log;
}

TEST(EventQueue, PopsEventsInTimeOrder) {
  EventQueue q;
  std::vector<std::string> log;
  q.PushCallback(At(30), kNoOwner, [&] { log.push_back("c"); });
  q.PushCallback(At(10), kNoOwner, [&] { log.push_back("a"); });
  q.PushCallback(At(20), kNoOwner, [&] { log.push_back("b"); });
  EXPECT_EQ(Drain(q, log), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(EventQueue, SameTimeEventsKeepTheOrderTheyWereScheduledIn) {
  EventQueue q;
  std::vector<std::string> log;
  for (int i = 0; i < 100; ++i) {
    q.PushCallback(At(5), kNoOwner, [&log, i] { log.push_back(std::to_string(i)); });
  }
  Drain(q, log);
  ASSERT_EQ(log.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(log[i], std::to_string(i));
}

TEST(EventQueue, CancelledEventsNeverFireAndDoNotCount) {
  EventQueue q;
  std::vector<std::string> log;
  q.PushCallback(At(1), kNoOwner, [&] { log.push_back("a"); });
  const TimerId b = q.PushCallback(At(2), kNoOwner, [&] { log.push_back("b"); });
  q.PushCallback(At(3), kNoOwner, [&] { log.push_back("c"); });
  EXPECT_TRUE(q.IsPending(b));
  EXPECT_TRUE(q.Cancel(b));
  EXPECT_FALSE(q.IsPending(b));
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(Drain(q, log), (std::vector<std::string>{"a", "c"}));
}

TEST(EventQueue, CancellingTwiceOrAfterFiringReportsNothingPending) {
  EventQueue q;
  const TimerId a = q.PushCallback(At(1), kNoOwner, [] {});
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_FALSE(q.Cancel(a));
  const TimerId b = q.PushCallback(At(1), kNoOwner, [] {});
  q.Pop();
  EXPECT_FALSE(q.Cancel(b));
  EXPECT_FALSE(q.Cancel(TimerId{}));
}

TEST(EventQueue, AReusedSlotIsNotCancelledThroughAStaleId) {
  EventQueue q;
  const TimerId first = q.PushCallback(At(1), kNoOwner, [] {});
  q.Pop();
  bool fired = false;
  const TimerId second = q.PushCallback(At(2), kNoOwner, [&] { fired = true; });
  EXPECT_EQ(first.slot, second.slot);  // the slot was reused...
  EXPECT_FALSE(q.Cancel(first));       // ...but the old id no longer names it
  q.Pop().callback();
  EXPECT_TRUE(fired);
}

TEST(EventQueue, NextTimeSkipsCancelledEventsAtTheTop) {
  EventQueue q;
  const TimerId a = q.PushCallback(At(1), kNoOwner, [] {});
  q.PushCallback(At(7), kNoOwner, [] {});
  q.Cancel(a);
  EXPECT_EQ(q.NextTime(), At(7));
}

TEST(EventQueue, PopReportsOwnerSequenceAndTime) {
  EventQueue q;
  q.PushCallback(At(4), 3, [] {});
  q.PushCallback(At(4), 9, [] {});
  const EventQueue::Fired first = q.Pop();
  const EventQueue::Fired second = q.Pop();
  EXPECT_EQ(first.owner, 3u);
  EXPECT_EQ(second.owner, 9u);
  EXPECT_LT(first.sequence, second.sequence);
  EXPECT_EQ(first.time, At(4));
}

TEST(EventQueue, ManyInterleavedPushesAndCancelsStayOrdered) {
  EventQueue q;
  std::vector<TimerId> ids;
  for (int i = 0; i < 1'000; ++i) {
    ids.push_back(q.PushCallback(At((i * 7919) % 1'000), kNoOwner, [] {}));
  }
  for (int i = 0; i < 1'000; i += 3) q.Cancel(ids[i]);
  int64_t last_time = -1;
  uint64_t last_sequence = 0;
  size_t popped = 0;
  while (!q.empty()) {
    const EventQueue::Fired f = q.Pop();
    const int64_t t = (f.time - kDefaultEpoch).micros();
    ASSERT_TRUE(t > last_time || (t == last_time && f.sequence > last_sequence));
    last_time = t;
    last_sequence = f.sequence;
    ++popped;
  }
  EXPECT_EQ(popped, 1'000u - 334u);
}

}  // namespace
}  // namespace shardsim::sim
