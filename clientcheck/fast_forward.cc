#include "clientcheck/fast_forward.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace shardsim::clientcheck {

using sim::Duration;
using sim::Instant;

FastForward::FastForward(const properties::Scenario& scenario, Instant safety_end, Instant end)
    : min_width_(scenario.stream.buckets.dense() ? Duration::Zero()
                                                 : scenario.stream.buckets.min_width),
      iterator_lifetime_(scenario.stream.iterator_lifetime) {
  const Instant start = scenario.start;
  for (const properties::PutSpec& p : scenario.puts) events_.push_back(start + p.at);
  for (const properties::ReshardSpec& r : scenario.reshards) events_.push_back(start + r.at);
  for (const properties::CrashSpec& c : scenario.crashes) {
    events_.push_back(start + c.at);
    events_.push_back(start + c.at + c.restart_after);
  }
  for (const properties::CompetingReaderSpec& r : scenario.competing_readers) {
    events_.push_back(start + r.start);
    events_.push_back(start + r.stop);
  }
  events_.push_back(safety_end);
  events_.push_back(end);
  std::sort(events_.begin(), events_.end());
}

FastForward::ClientState& FastForward::StateOf(std::string_view client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) it = clients_.emplace(std::string(client), ClientState{}).first;
  return it->second;
}

void FastForward::OnGetRecords(const model::GetRecordsCall& call) {
  busy_ = true;  // unless it turns out to be an empty page at the tip
  ClientState& state = StateOf(call.client);
  state.last_read_call = state.calls + 1;  // this call, once counted
  if (!call.iterator) return;
  if (!call.outcome.ok()) {
    // Throttled, expired, ...: the client will retry this shard; it is still being read.
    auto it = state.held.find(call.iterator->shard_id);
    if (it != state.held.end()) it->second.touched_at_call = state.calls + 1;
    if (call.outcome.Is(model::ErrorCode::kProvisionedThroughputExceeded)) {
      ++state.throttled;
      state.last_throttled_shard = call.iterator->shard_id;
    }
    return;
  }
  if (!call.outcome->NextShardIterator || !call.next) {
    state.held.erase(call.iterator->shard_id);  // the shard's end: nothing more to read
    return;
  }
  const bool behind = !call.outcome->Records.empty() || call.outcome->MillisBehindLatest > 0;
  state.held.insert_or_assign(
      call.iterator->shard_id,
      Held{call.next->issued_at, behind, state.calls + 1, call.outcome->MillisBehindLatest});
  busy_ = behind;
}

void FastForward::OnGetShardIterator(const model::GetShardIteratorCall& call) {
  busy_ = true;
  ClientState& state = StateOf(call.client);
  state.last_read_call = state.calls + 1;  // this call, once counted
  if (!call.outcome.ok() || !call.iterator) return;
  state.held.insert_or_assign(call.iterator->shard_id,
                              Held{call.iterator->issued_at, /*behind=*/true, state.calls + 1});
}

void FastForward::OnSubscribeToShard(const model::SubscribeToShardCall& call) {
  busy_ = true;
  ClientState& state = StateOf(call.client);
  state.last_read_call = state.calls + 1;  // this call, once counted
  if (!call.outcome.ok()) return;
  state.held.insert_or_assign(call.request.ShardId,
                              Held{call.at, /*behind=*/true, state.calls + 1, -1,
                                   /*subscription=*/true});
}

void FastForward::OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) {
  ClientState& state = StateOf(delivery.client);
  state.last_read_call = state.calls;  // not a call: read since its latest call
  const model::SubscriptionPoll& poll = delivery.poll;
  if (poll.kind != model::SubscriptionPoll::Kind::kEvent) return;
  if (!poll.event->ContinuationSequenceNumber) {
    state.held.erase(delivery.shard_id);  // the shard's end: nothing more to read
    return;
  }
  const bool behind = !poll.event->Records.empty() || poll.event->MillisBehindLatest > 0;
  state.held.insert_or_assign(delivery.shard_id,
                              Held{delivery.at, behind, state.calls, poll.event->MillisBehindLatest,
                                   /*subscription=*/true});
}

Instant FastForward::NextEventAfter(Instant now) const {
  const auto it = std::upper_bound(events_.begin(), events_.end(), now);
  return it == events_.end() ? now : *it;
}

Duration FastForward::JumpAfterCall(Instant now, std::string_view client, Duration step) {
  ++StateOf(client).calls;
  if (busy_) return Duration::Zero();
  Duration jump = NextEventAfter(now) - now;
  bool any_live = false;
  int live = 0;  // live iterators (not subscriptions)
  Instant earliest_issue = now;
  for (const auto& [name, state] : clients_) {
    for (const auto& [shard, held] : state.held) {
      if (state.calls - held.touched_at_call > kLiveCalls) continue;
      if (held.behind) return Duration::Zero();  // it still has records or buckets to walk
      any_live = true;
      if (held.subscription) {
        // At its tip as of its last event: not if anything happened since (a put while the
        // client was down, say).
        if (NextEventAfter(held.issued_at) <= now) return Duration::Zero();
        continue;
      }
      ++live;
      earliest_issue = std::min(earliest_issue, held.issued_at);
    }
  }
  if (any_live && live == 0) {
    // Only subscriptions at their tips: to the next event (their walk costs events, not calls).
  } else if (any_live) {
    if (min_width_ > Duration::Zero()) jump = std::min(jump, min_width_);
    const Instant latest = earliest_issue + iterator_lifetime_ - kExpiryMargin - step * (live + 1);
    jump = std::min(jump, latest - now);
  } else if (!StoppedReading()) {
    return Duration::Zero();  // starting, or between a shard's end and its children
  }
  if (jump <= Duration::Zero()) return Duration::Zero();
  ++jumps_;
  jumped_ = jumped_ + jump;
  return jump;
}

bool FastForward::StoppedReading() const {
  if (clients_.empty()) return false;
  return std::all_of(clients_.begin(), clients_.end(), [](const auto& entry) {
    return entry.second.calls - entry.second.last_read_call >= kLiveCalls;
  });
}

std::string FastForward::DescribeReading(std::string_view client) const {
  const auto it = clients_.find(client);
  if (it == clients_.end()) return "";
  const ClientState& state = it->second;
  std::string out;
  for (const auto& [shard, held] : state.held) {
    if (!out.empty()) absl::StrAppend(&out, ", ");
    const uint64_t ago = state.calls - held.touched_at_call;
    absl::StrAppend(
        &out, shard, " (",
        held.behind_ms < 0 ? std::string("an iterator, no page read yet")
        : held.behind_ms == 0
            ? std::string("its last page at its tip")
            : absl::StrCat("its last page ", Duration::Millis(held.behind_ms).ToString(),
                           " behind its tip"),
        ago == 0 ? ", on its last call)"
                 : absl::StrCat(", ", ago, ago == 1 ? " call ago)" : " calls ago)"));
  }
  return out;
}

uint64_t FastForward::throttled(std::string_view client) const {
  const auto it = clients_.find(client);
  return it == clients_.end() ? 0 : it->second.throttled;
}

std::string FastForward::last_throttled_shard(std::string_view client) const {
  const auto it = clients_.find(client);
  return it == clients_.end() ? "" : it->second.last_throttled_shard;
}

}  // namespace shardsim::clientcheck
