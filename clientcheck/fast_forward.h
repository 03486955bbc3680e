// FastForward: how far the per-request clock of a judged run jumps after a call that changed
// nothing, so that a real client's idle stretches (a day of silence at the tip, a client that
// abandoned its shards and only lists them) cost a few calls, not one call per step. Without
// it a poller at the tip pays one call per step of a day-long scenario (~100,000 calls), and a
// loop that stopped reading crawls through virtual time at one step per ListShards call.
//
// Every quantity is virtual time or a count of calls: the jumps are a function of the calls
// and the scenario alone, never of wall time. The rules:
//   - A call is busy when it returned records, an error, a page behind its shard's tip
//     (MillisBehindLatest > 0) or a new iterator (GetShardIterator); every other call
//     (ListShards, DescribeStream, an empty page at the tip, ...) is idle.
//   - A held iterator is the latest one a client was given for a shard (by GetShardIterator or
//     as a NextShardIterator); it is live while the shard has not ended and the client asked
//     for or read that shard within its last kLiveCalls calls (a client that stopped reading a
//     shard no longer holds the clock back for it).
//   - After an idle call, when some iterator is live and none is behind its tip, the clock
//     jumps by the least of: the time to the next scenario event (a put, reshard, crash,
//     restart, a competing reader's start or stop, the end of the safety phase, the run's end),
//     so nothing that happens is skipped; the smallest bucket width, so a reader at the tip is
//     at most one bucket behind afterwards (a jump never costs it more than one catch-up call,
//     whatever the profile); and what keeps every live iterator valid for its next use
//     (issued_at + lifetime - margin - now - (live iterators + 1) steps), so a correct poller
//     never sees an iterator expire because of a jump.
//   - Enhanced fan-out: a SubscribeToShard is busy and makes its shard held, as an iterator
//     without expiry, behind until an event arrives at its tip (no records, MillisBehindLatest
//     0); each event delivered counts as reading the shard. After an idle call when every live
//     hold is such a subscription at its tip, with no scenario event since its last event (an
//     EFO client between two subscriptions, nothing new), the clock jumps to the next scenario
//     event: walking the buckets in between costs events, sent every 5 ms of wall time, not
//     calls.
//   - A client has stopped reading once it made kLiveCalls calls in a row that neither read a
//     shard nor asked for an iterator (a client that just started, or whose shards just ended,
//     has not). When every client has, the clock jumps to the next scenario event during the
//     safety phase, and in the liveness phase the run is over (StoppedReading()): nothing the
//     clients do can change what they were given, and the judges decide at that time what
//     they left behind. Otherwise, with no live iterator, the clock does not jump.
// A jump is what a slower client would have seen on real Kinesis (a pause between two calls),
// so a correct loop stays correct under it.
#ifndef SHARDSIM_CLIENTCHECK_FAST_FORWARD_H_
#define SHARDSIM_CLIENTCHECK_FAST_FORWARD_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/client.h"
#include "properties/scenario.h"
#include "sim/time.h"

namespace shardsim::clientcheck {

class FastForward {
 public:
  // Calls after which an iterator a client has not used stops holding the clock back.
  static constexpr uint64_t kLiveCalls = 32;
  // Kept between a live iterator's expiry and the latest time a jump may reach.
  static constexpr sim::Duration kExpiryMargin = sim::Duration::Micros(30'000'000);

  // The scenario's events from `start`, and the run's `safety_end` and `end`.
  FastForward(const properties::Scenario& scenario, sim::Instant safety_end, sim::Instant end);

  // Before each Kinesis call.
  void BeginCall() { busy_ = false; }
  void OnGetRecords(const model::GetRecordsCall& call);
  void OnGetShardIterator(const model::GetShardIteratorCall& call);
  // Enhanced fan-out: a SubscribeToShard reads its shard (a busy call: no jump, the open
  // subscription moves the clock itself, server/service.h), and so does every event delivered.
  void OnSubscribeToShard(const model::SubscribeToShardCall& call);
  void OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery);
  // After each Kinesis call of `client` at `now` (the clock already moved by its step `step`):
  // how much further the clock jumps (zero for a busy call).
  sim::Duration JumpAfterCall(sim::Instant now, std::string_view client, sim::Duration step);
  // Every client has stopped reading (see above).
  bool StoppedReading() const;
  // The first of the scenario's events (and the run's ends) after `now`; `now` when none is.
  sim::Instant NextEventAfter(sim::Instant now) const;

  // Jumps made and the virtual time they covered (for reports).
  uint64_t jumps() const { return jumps_; }
  sim::Duration jumped() const { return jumped_; }

  // What `client` was reading when a run stopped, shard by shard, from its last call on each:
  // "shardId-000000000001 (its last page 3h0m0s behind its tip, 2 calls ago)", ...; "" when it
  // held no iterator.
  std::string DescribeReading(std::string_view client) const;
  // Its throttled GetRecords calls (ProvisionedThroughputExceededException), and the shard of
  // the latest; "" when none was throttled.
  uint64_t throttled(std::string_view client) const;
  std::string last_throttled_shard(std::string_view client) const;

 private:
  struct Held {
    sim::Instant issued_at;
    bool behind = true;            // not yet seen at its tip with nothing left to read
    uint64_t touched_at_call = 0;  // the client's call count when it last used the shard
    int64_t behind_ms = -1;        // MillisBehindLatest of its last page (-1: none read yet)
    bool subscription = false;     // held by SubscribeToShard (no iterator, no expiry)
  };
  struct ClientState {
    uint64_t calls = 0;
    uint64_t last_read_call = 0;  // `calls` at its latest read (GetRecords, GetShardIterator,
                                  // SubscribeToShard, an event delivered)
    std::map<std::string, Held, std::less<>> held;  // by shard id
    uint64_t throttled = 0;
    std::string last_throttled_shard;
  };
  ClientState& StateOf(std::string_view client);

  std::vector<sim::Instant> events_;  // sorted
  sim::Duration min_width_;           // zero for a dense stream
  sim::Duration iterator_lifetime_;
  std::map<std::string, ClientState, std::less<>> clients_;
  bool busy_ = false;
  uint64_t jumps_ = 0;
  sim::Duration jumped_;
};

}  // namespace shardsim::clientcheck

#endif  // SHARDSIM_CLIENTCHECK_FAST_FORWARD_H_
