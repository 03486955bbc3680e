#include "properties/judge.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/sequence_number.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

// Orders two sequence numbers of one shard; unparsable text sorts first (never expected).
bool SequenceLess(const std::string& a, const std::string& b) {
  const auto pa = model::SequenceNumber::Parse(a);
  const auto pb = model::SequenceNumber::Parse(b);
  if (!pa.ok() || !pb.ok()) return a < b;
  return *pa < *pb;
}

std::string Key(const std::string& shard_id, const std::string& sequence_number) {
  return absl::StrCat(shard_id, "/", sequence_number);
}

// A checkpoint covers a record when the record lies at or before it.
bool Covers(const std::optional<consumer::Checkpoint>& cp, const std::string& sequence_number) {
  if (!cp.has_value()) return false;
  if (cp->shard_end) return true;
  return !SequenceLess(cp->sequence_number, sequence_number);
}

int64_t Millisecond(Instant t) { return t.unix_micros() / 1000; }

// Ten empty reads in a row before a record: a walk through idle buckets (the seed article's).
constexpr uint64_t kLongEmptyWalk = 10;

}  // namespace

Judge::Judge(sim::Simulation& simulation, int max_calls_per_second, Duration retention,
             Duration restart_grace)
    : simulation_(&simulation),
      max_calls_per_second_(max_calls_per_second),
      retention_(retention),
      restart_grace_(restart_grace) {}

void Judge::Violate(Property property, std::string message, std::vector<std::string> witness) {
  if (violation_.has_value()) return;
  violation_ = Violation{property, simulation_->now(), std::move(message), std::move(witness)};
  simulation_->Record("judge", "violation",
                      {{"property", sim::ToString(properties::PropertyName(property))},
                       {"message", violation_->message}});
  simulation_->Stop();
}

std::string Judge::Describe(const PutRecord& r) const {
  return absl::StrCat("record ", r.sequence_number, " (shard ", r.shard_id, ", key \"",
                      r.partition_key, "\", arrived ", r.arrival.ToString(), ", processed ",
                      r.times_processed, "x)");
}

Judge::PutRecord* Judge::FindRecord(const std::string& shard_id,
                                    const std::string& sequence_number) {
  const auto it = by_sequence_.find(Key(shard_id, sequence_number));
  return it == by_sequence_.end() ? nullptr : &records_[it->second];
}

void Judge::OnPut(const model::PutCall& call) {
  if (!call.outcome.ok()) return;
  const std::string& shard_id = call.outcome->ShardId;
  const uint64_t key_index = puts_per_key_[call.request.PartitionKey]++;
  const uint64_t index = records_.size();
  records_.push_back(PutRecord{shard_id, call.outcome->SequenceNumber, call.request.PartitionKey,
                               call.at, key_index});
  if (auto number = model::SequenceNumber::Parse(call.outcome->SequenceNumber); number.ok()) {
    records_.back().number = *number;
  }
  by_sequence_[Key(shard_id, call.outcome->SequenceNumber)] = index;
  ShardState& shard = shards_[shard_id];
  if (!shard.records.empty() &&
      Millisecond(records_[shard.records.back()].arrival) == Millisecond(call.at)) {
    probes_.Mark(Probe::kSameMillisecondBurst);
  }
  if (!shard.parents.empty()) probes_.Mark(Probe::kRecordsOnChildShard);
  shard.records.push_back(index);
  shard.following_tip = false;
  ++stats_.records_put;
}

void Judge::CountCall(const std::string& target) {
  const int64_t now_us = simulation_->now().unix_micros();
  std::deque<int64_t>& recent = recent_calls_us_[target];
  recent.push_back(now_us);
  while (!recent.empty() && recent.front() <= now_us - 1'000'000) recent.pop_front();
  if (static_cast<int>(recent.size()) > max_calls_per_second_) {
    Violate(Property::kBoundedCallRate,
            absl::StrCat("the consumer made ", recent.size(), " calls on ", target,
                         " within one second of virtual time (bound ", max_calls_per_second_,
                         " per shard)"));
  }
}

void Judge::OnGetRecords(const model::GetRecordsCall& call) {
  ++stats_.get_records_calls;
  static const std::string kUnknownShard = "an unknown shard";
  CountCall(call.iterator.has_value() ? call.iterator->shard_id : kUnknownShard);
  if (expired_tokens_.contains(call.request.ShardIterator)) {
    Violate(Property::kExpiredIteratorRecovered,
            "the consumer called GetRecords again with an iterator that had already expired",
            {absl::StrCat("iterator ", call.request.ShardIterator.substr(0, 40), "...")});
  }
  if (!call.outcome.ok()) {
    const model::ErrorCode code = call.outcome.error().code;
    if (code == model::ErrorCode::kExpiredIterator) {
      ++stats_.expired_iterator_errors;
      expired_tokens_.insert(call.request.ShardIterator);
      probes_.Mark(Probe::kExpiredIterator);
    } else if (code == model::ErrorCode::kProvisionedThroughputExceeded) {
      ++stats_.throttled_calls;
      const bool shared =
          call.iterator.has_value() && std::any_of(competing_reads_.begin(), competing_reads_.end(),
                                                   [&](const CompetingRead& c) {
                                                     return c.shard_id == call.iterator->shard_id &&
                                                            c.start <= call.at && call.at <= c.stop;
                                                   });
      if (shared) probes_.Mark(Probe::kThrottledByCompetingReader);
    }
    return;
  }
  if (call.iterator.has_value()) {
    const model::GetRecordsResponse& page = *call.outcome;
    Read(call.at, *call.iterator, call.next, page.Records.empty(), page.MillisBehindLatest);
    if (deliveries_) Deliver(call.iterator->shard_id, page.Records);
  }
  if (call.outcome->Records.empty()) ++stats_.empty_pages;
  StopIfConverged();
}

void Judge::StopIfConverged() {
  if (stop_when_converged_ && !converged_ && NothingLeftToRead()) {
    converged_ = true;
    simulation_->Stop();
  }
}

void Judge::Read(Instant at, const model::IteratorInfo& from,
                 const std::optional<model::IteratorInfo>& next, bool empty, int64_t behind_ms) {
  ShardState& shard = shards_[from.shard_id];
  MarkReadProbes(at, shard, from, next, empty);
  shard.last_read = at;
  shard.put_at_last_read = shard.records.size();
  // Forward behind the tip: a later bucket, or later records, with more still to come.
  const bool moved = next.has_value() && !from.stuck_below_horizon &&
                     (next->bucket > from.bucket || next->ordinal > from.ordinal);
  shard.next_ordinal = next.has_value() ? next->ordinal : shard.records.size();
  if (moved && behind_ms > 0 && !shard.following_tip) {
    shard.last_advance = at;
    shard.advanced_to_bucket = next->bucket;
    shard.behind_ms = behind_ms;
  }
  shard.following_tip |= behind_ms == 0 && shard.next_ordinal.value_or(0) >= shard.records.size();
  shard.last_behind_ms = behind_ms;
  shard.empty_in_a_row = empty ? shard.empty_in_a_row + 1 : 0;
}

void Judge::MarkReadProbes(Instant at, const ShardState& shard, const model::IteratorInfo& from,
                           const std::optional<model::IteratorInfo>& next, bool empty) {
  if (!empty && shard.empty_in_a_row >= kLongEmptyWalk) probes_.Mark(Probe::kLongEmptyWalk);
  if (next.has_value() && next->ordinal < shard.records.size()) {
    if (empty) probes_.Mark(Probe::kEmptyReadWithRecordsAhead);
    const PutRecord& waiting = records_[shard.records[next->ordinal]];
    if (next->bucket > from.bucket && waiting.arrival + Duration::Seconds(1) > at) {
      probes_.Mark(Probe::kFreshRecordAtBucketBoundary);
    }
  }
  if (next.has_value()) return;
  // The end of a closed shard: is it one parent of a merge whose other parent is unread?
  for (const auto& [child_id, child] : shards_) {
    if (child.parents.size() != 2) continue;
    if (child.parents[0] != from.shard_id && child.parents[1] != from.shard_id) continue;
    const std::string& other =
        child.parents[0] == from.shard_id ? child.parents[1] : child.parents[0];
    const ShardState* other_state = shards_.Find(other);
    if (other_state != nullptr && FirstUnprocessed(*other_state, std::nullopt)) {
      probes_.Mark(Probe::kMergeSecondParentUnread);
    }
  }
}

void Judge::OnSubscribeToShard(const model::SubscribeToShardCall& call) {
  CountCall(call.request.ShardId);
  if (stats_.restarts > 0 &&
      call.request.StartingPosition.Type == model::ShardIteratorType::AT_TIMESTAMP) {
    probes_.Mark(Probe::kRestartFromTimestamp);
  }
  if (!call.outcome.ok() || !call.start.has_value()) return;
  ShardState& shard = shards_[call.request.ShardId];
  shard.following_tip = false;  // the new subscription may start further back
  shard.subscription_expired_at.reset();
  // The shard's records before the start the consumer has yet to process (expired ones aside:
  // no consumer can read them any more).
  const Instant horizon = simulation_->now() - retention_;
  const size_t skipped = std::min<size_t>(call.start->ordinal, shard.records.size());
  for (size_t i = 0; i < skipped; ++i) {
    const PutRecord& r = records_[shard.records[i]];
    if (r.times_processed > 0 || r.arrival < horizon) continue;
    Violate(
        Property::kNoSkippingSubscription,
        absl::StrCat("the consumer subscribed to ", call.request.ShardId, " at ",
                     sim::ToAbsl(model::ShardIteratorTypeName(call.request.StartingPosition.Type)),
                     call.request.StartingPosition.SequenceNumber
                         ? absl::StrCat(" ", *call.request.StartingPosition.SequenceNumber)
                         : std::string(),
                     ", past a record it had not processed"),
        {absl::StrCat("unprocessed ", Describe(r))});
    return;
  }
}

void Judge::OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) {
  const model::SubscriptionPoll& poll = delivery.poll;
  if (poll.kind == model::SubscriptionPoll::Kind::kComplete) {
    ShardState& shard = shards_[delivery.shard_id];
    if (poll.expired) shard.subscription_expired_at = delivery.at;
    if (poll.expired) probes_.Mark(Probe::kSubscriptionExpired);
    return;
  }
  if (poll.kind != model::SubscriptionPoll::Kind::kEvent || !delivery.from.has_value()) {
    shards_[delivery.shard_id];  // known from now on, as a read would make it
    return;
  }
  // An event's shard is looked up once, by Read (from.shard_id is delivery.shard_id).
  ++stats_.subscription_events;
  const model::SubscribeToShardEvent& event = *poll.event;
  Read(delivery.at, *delivery.from, delivery.next, event.Records.empty(), event.MillisBehindLatest);
  if (deliveries_) Deliver(delivery.shard_id, event.Records);
  if (event.Records.empty()) ++stats_.empty_events;
  StopIfConverged();
}

void Judge::Deliver(const std::string& shard_id, const std::vector<model::Record>& records) {
  for (const std::string& parent : shards_[shard_id].parents) {
    const ShardState* parent_state = shards_.Find(parent);
    if (parent_state == nullptr) continue;
    if (auto r = FirstUnprocessed(*parent_state, std::nullopt)) {
      Violate(Property::kLineageOrder,
              absl::StrCat("the client read child shard ", shard_id, " while its parent ", parent,
                           " still held records it had not been given"),
              {Describe(**r)});
      return;
    }
  }
  for (const model::Record& record : records) {
    PutRecord* r = FindRecord(shard_id, record.SequenceNumber);
    if (r != nullptr && r->times_processed > 0) {
      ++stats_.redeliveries;  // at least once: a record returned again is no duplicate
      ++r->times_processed;
      continue;
    }
    OnProcess(shard_id, record);
    if (violation_.has_value()) return;
  }
}

void Judge::OnShardParents(const std::string& child, std::vector<std::string> parents) {
  shards_[child].parents = std::move(parents);
}

std::string Judge::ExpiredSubscriptions(
    const std::map<std::string, uint64_t>& missed_by_shard) const {
  std::string out;
  for (const auto& [shard_id, missed] : missed_by_shard) {
    const ShardState* shard = shards_.Find(shard_id);
    if (shard == nullptr || !shard->subscription_expired_at) continue;
    absl::StrAppend(&out, out.empty() ? " (" : "; ", "the subscription to ", shard_id,
                    " ran out its five minutes at ", shard->subscription_expired_at->ToString(),
                    " and was never renewed");
  }
  return out.empty() ? out : absl::StrCat(out, ")");
}

bool Judge::ReportAbandonedShard() {
  const Instant horizon = simulation_->now() - retention_;
  for (const auto& [shard_id, shard] : shards_) {
    if (!shard.next_ordinal.has_value()) continue;  // never read: not abandoned, missed
    uint64_t past = 0;
    const PutRecord* first = nullptr;
    for (size_t i = *shard.next_ordinal; i < shard.records.size(); ++i) {
      const PutRecord& r = records_[shard.records[i]];
      if (r.times_processed > 0 || r.arrival < horizon || ExpiredWhileDown(r)) continue;
      if (first == nullptr) first = &r;
      ++past;
    }
    if (first == nullptr) continue;
    Violate(Property::kNoAbandonedShard,
            absl::StrCat("the client stopped reading ", shard_id, " while ", past,
                         past == 1 ? " record" : " records",
                         " it had not been given lay past its last position; its last GetRecords "
                         "there (at ",
                         shard.last_read->ToString(), ") answered MillisBehindLatest ",
                         shard.last_behind_ms, ", after ", shard.empty_in_a_row, " empty page",
                         shard.empty_in_a_row == 1 ? "" : "s", " in a row"),
            {absl::StrCat("first not given: ", Describe(*first))});
    return true;
  }
  return false;
}

void Judge::OnGetShardIterator(const model::GetShardIteratorCall& call) {
  CountCall(call.request.ShardId);
  if (stats_.restarts > 0 &&
      call.request.ShardIteratorType == model::ShardIteratorType::AT_TIMESTAMP) {
    probes_.Mark(Probe::kRestartFromTimestamp);
  }
  shards_[call.request.ShardId].following_tip = false;  // the new iterator may be further back
}

void Judge::OnListShards(Instant, const std::string&) { CountCall("ListShards"); }

void Judge::OnProcess(const std::string& shard_id, const model::Record& record) {
  PutRecord* r = FindRecord(shard_id, record.SequenceNumber);
  if (r == nullptr) {
    Violate(Property::kNoMissedRecords,
            absl::StrCat("the consumer processed a record that was never put on ", shard_id),
            {absl::StrCat("sequence number ", record.SequenceNumber)});
    return;
  }
  if (r->times_processed > 0) {
    // A redelivery is excused only by a crash, after the previous processing, at which the
    // shard's checkpoint did not yet cover this record.
    bool excused = false;
    for (const auto& [ended_incarnation, checkpoints] : crashes_) {
      if (ended_incarnation < r->last_incarnation) continue;
      const auto cp = checkpoints.find(shard_id);
      const std::optional<consumer::Checkpoint> at_crash =
          cp == checkpoints.end() ? std::nullopt : std::optional(cp->second);
      if (!Covers(at_crash, r->sequence_number)) excused = true;
    }
    ++stats_.redeliveries;
    if (!excused) {
      Violate(Property::kNoDuplicates,
              absl::StrCat("the consumer processed a record a second time without a crash "
                           "that could excuse it"),
              {Describe(*r)});
    }
  } else {
    ++stats_.records_processed;
    uint64_t& highest = highest_processed_per_key_[r->partition_key];
    if (r->key_index + 1 < highest) {
      Violate(Property::kLineageOrder,
              absl::StrCat("the consumer processed record #", r->key_index + 1, " of key \"",
                           r->partition_key, "\" after record #", highest, " of the same key"),
              {Describe(*r)});
    }
    highest = std::max(highest, r->key_index + 1);
  }
  ++r->times_processed;
  r->last_incarnation = incarnation_;
  last_processed_at_ = simulation_->now();
  if (stop_when_converged_ && !converged_ && NothingLeftToRead()) {
    converged_ = true;
    simulation_->Stop();
  }
}

bool Judge::NothingLeftToRead() const {
  if (stats_.records_processed == stats_.records_put) return true;
  const Instant horizon = simulation_->now() - retention_;
  return std::none_of(records_.begin(), records_.end(), [&](const PutRecord& r) {
    return r.times_processed == 0 && r.arrival >= horizon;
  });
}

void Judge::StopWhenConverged() {
  stop_when_converged_ = true;
  if (NothingLeftToRead() && !violation_.has_value()) {
    converged_ = true;
    simulation_->Stop();
  }
}

void Judge::OnStoreWrite(const std::string& key, const std::optional<std::string>& value) {
  if (value) {
    acknowledged_table_[key] = *value;
  } else {
    acknowledged_table_.erase(key);
  }
}

void Judge::OnStoreRead(const std::string& key, const std::optional<std::string>& value) {
  const auto it = acknowledged_table_.find(key);
  const std::optional<std::string> acknowledged =
      it == acknowledged_table_.end() ? std::nullopt : std::optional<std::string>(it->second);
  if (value == acknowledged) return;
  const auto show = [](const std::optional<std::string>& v) {
    return v ? absl::StrCat("\"", absl::CEscape(*v), "\"") : std::string("nothing");
  };
  Violate(
      Property::kDurableState,
      absl::StrCat("a read of key \"", absl::CEscape(key), "\" from the durable table returned ",
                   show(value), ", but the last acknowledged write left ", show(acknowledged)));
}

void Judge::OnCheckpoint(const std::string& shard_id, const consumer::Checkpoint& checkpoint) {
  ++stats_.checkpoints;
  ShardState& shard = shards_[shard_id];
  if (checkpoint.shard_end && !shard.closed) {
    Violate(Property::kCheckpointSafety,
            absl::StrCat("SHARD_END checkpoint for ", shard_id, ", which is still open"));
    return;
  }
  const Instant horizon = simulation_->now() - retention_;
  // Parsed once, not once per record (Covers parses both sides).
  const absl::StatusOr<model::SequenceNumber> covered_to =
      checkpoint.shard_end
          ? absl::StatusOr<model::SequenceNumber>(absl::CancelledError("SHARD_END"))
          : model::SequenceNumber::Parse(checkpoint.sequence_number);
  for (uint64_t index : shard.records) {
    const PutRecord& r = records_[index];
    const bool covered = covered_to.ok() && r.number.has_value()
                             ? !(*covered_to < *r.number)
                             : Covers(checkpoint, r.sequence_number);
    if (!covered) break;
    // A record that has expired can no longer be processed: checkpointing past it is not
    // running ahead (whether losing it was the consumer's fault is no_missed_records' call).
    if (r.times_processed == 0 && r.arrival >= horizon) {
      Violate(Property::kCheckpointSafety,
              absl::StrCat("checkpoint ",
                           checkpoint.shard_end ? "SHARD_END" : checkpoint.sequence_number, " on ",
                           shard_id, " runs ahead of processing"),
              {absl::StrCat("unprocessed ", Describe(r))});
      return;
    }
  }
  if (shard.checkpoint.has_value()) {
    const consumer::Checkpoint& old = *shard.checkpoint;
    const bool backwards = (old.shard_end && !checkpoint.shard_end) ||
                           (!old.shard_end && !checkpoint.shard_end &&
                            (covered_to.ok() && shard.checkpoint_number.has_value()
                                 ? *covered_to < *shard.checkpoint_number
                                 : SequenceLess(checkpoint.sequence_number, old.sequence_number)));
    if (backwards) {
      Violate(Property::kCheckpointSafety,
              absl::StrCat("checkpoint on ", shard_id, " went backwards from ",
                           old.shard_end ? "SHARD_END" : old.sequence_number, " to ",
                           checkpoint.sequence_number));
      return;
    }
  }
  shard.checkpoint = checkpoint;
  shard.checkpoint_number = covered_to.ok() ? std::optional(*covered_to) : std::nullopt;
}

std::optional<const Judge::PutRecord*> Judge::FirstUnprocessed(const ShardState& shard,
                                                               std::optional<size_t> limit) const {
  // Records that have expired can no longer be read: they do not make a belief false (losing
  // them is no_missed_records' business).
  const Instant horizon = simulation_->now() - retention_;
  const size_t count = std::min(shard.records.size(), limit.value_or(shard.records.size()));
  for (size_t i = 0; i < count; ++i) {
    const PutRecord& r = records_[shard.records[i]];
    if (r.times_processed == 0 && r.arrival >= horizon) return &r;
  }
  return std::nullopt;
}

void Judge::OnDeclareCaughtUp(const std::string& shard_id) {
  const ShardState& shard = shards_[shard_id];
  const Instant reference = shard.last_read.value_or(simulation_->now());
  if (auto r = FirstUnprocessed(shard, shard.put_at_last_read)) {
    Violate(Property::kNoFalseCaughtUp,
            absl::StrCat("the consumer declared ", shard_id,
                         " caught up, but a record that had arrived before its last read (",
                         reference.ToString(), ") was never processed"),
            {Describe(**r)});
  }
}

void Judge::OnDeclareShardEnd(const std::string& shard_id) {
  const ShardState& shard = shards_[shard_id];
  if (!shard.closed) {
    Violate(Property::kNoFalseShardEnd,
            absl::StrCat("the consumer declared the end of ", shard_id,
                         ", which is open (it was never split or merged)"));
    return;
  }
  if (auto r = FirstUnprocessed(shard, std::nullopt)) {
    Violate(Property::kNoFalseShardEnd,
            absl::StrCat("the consumer declared the end of ", shard_id,
                         " before processing all of its records"),
            {Describe(**r)});
  }
}

void Judge::OnShardClosed(const std::string& shard_id) {
  ShardState& shard = shards_[shard_id];
  shard.closed = true;
  if (FirstUnprocessed(shard, std::nullopt)) probes_.Mark(Probe::kReshardWithUnreadParent);
}

void Judge::OnCompetingReader(const std::string& shard_id, Instant start, Instant stop,
                              double budget_share) {
  competing_reads_.push_back(CompetingRead{shard_id, start, stop, budget_share});
}

void Judge::MarkCrashProbes(const consumer::CheckpointStore& checkpoints) {
  for (const auto& [shard_id, shard] : shards_) {
    const auto cp = checkpoints.all().find(shard_id);
    const std::optional<consumer::Checkpoint> checkpoint =
        cp == checkpoints.all().end() ? std::nullopt : std::optional(cp->second);
    for (size_t i = 0; i < shard.records.size(); ++i) {
      const PutRecord& r = records_[shard.records[i]];
      if (r.times_processed > 0 && !Covers(checkpoint, r.sequence_number)) {
        probes_.Mark(Probe::kCrashBeforeCheckpoint);
      }
      if (i + 1 == shard.records.size() || r.times_processed == 0) continue;
      const PutRecord& after = records_[shard.records[i + 1]];
      if (after.times_processed == 0 && Millisecond(after.arrival) == Millisecond(r.arrival)) {
        probes_.Mark(Probe::kCrashInsideBurst);
      }
    }
  }
}

void Judge::OnCrash(const consumer::CheckpointStore& checkpoints) {
  MarkCrashProbes(checkpoints);
  ++stats_.crashes;
  crashes_.emplace_back(incarnation_, checkpoints.all());
  ++incarnation_;
  downtimes_.emplace_back(simulation_->now(), std::nullopt);
}

void Judge::OnRestart(bool after_crash) {
  ++stats_.restarts;
  for (auto& [shard_id, shard] : shards_) shard.following_tip = false;
  if (after_crash && !downtimes_.empty() && !downtimes_.back().second.has_value()) {
    downtimes_.back().second = simulation_->now();
  }
  const Instant horizon = simulation_->now() - retention_;
  for (const auto& [shard_id, shard] : shards_) {
    if (!shard.checkpoint.has_value() || shard.checkpoint->shard_end) continue;
    const auto it = by_sequence_.find(Key(shard_id, shard.checkpoint->sequence_number));
    if (it != by_sequence_.end() && records_[it->second].arrival < horizon) {
      probes_.Mark(Probe::kCheckpointBelowTrimHorizon);
    }
  }
}

bool Judge::ExpiredWhileDown(const PutRecord& r) const {
  // A record that expires within the restart grace (the time a correct consumer may need to
  // walk back to it, see the constructor) is excused too: no consumer reaches the oldest record
  // of a shard the instant it starts.
  const Instant expiry = r.arrival + retention_;
  for (const auto& [start, end] : downtimes_) {
    if (expiry >= start && (!end.has_value() || expiry < *end + restart_grace_)) return true;
  }
  // Likewise while competing readers take the shard's whole read budget: every read is
  // throttled, however a consumer backs off.
  for (const CompetingRead& c : competing_reads_) {
    if (c.shard_id == r.shard_id && expiry >= c.start && expiry < c.stop + restart_grace_ &&
        StarvedAt(r.shard_id, std::min(expiry, c.stop - Duration::Micros(1)))) {
      return true;
    }
  }
  return false;
}

bool Judge::StarvedAt(const std::string& shard_id, Instant t) const {
  double share = 0.0;
  for (const CompetingRead& c : competing_reads_) {
    if (c.shard_id == shard_id && t >= c.start && t < c.stop) share += c.budget_share;
  }
  return share >= 1.0;
}

std::optional<std::string> Judge::RecentProgress(
    const std::map<std::string, uint64_t>& missed_by_shard) const {
  const Instant window_start = simulation_->now() - kProgressWindow;
  auto records = [](uint64_t n) {
    return absl::StrCat(n, n == 1 ? " record" : " records", " not yet processed");
  };
  // Walking any shard behind its tip is progress (a drainer walks one shard to its tip before
  // the next); the message names every shard it reads and every shard of the missed records.
  std::vector<std::string> reading;
  std::vector<std::string> not_reading;
  for (const auto& [shard_id, shard] : shards_) {
    const auto missed = missed_by_shard.find(shard_id);
    if (shard.last_advance.has_value() && *shard.last_advance >= window_start) {
      reading.push_back(absl::StrCat(
          shard_id, " at bucket ", shard.advanced_to_bucket, ", ",
          Duration::Millis(shard.behind_ms).ToString(), " behind its tip",
          missed == missed_by_shard.end() ? "" : absl::StrCat(" (", records(missed->second), ")")));
    } else if (missed != missed_by_shard.end()) {
      not_reading.push_back(absl::StrCat(
          shard_id, " (", records(missed->second),
          shard.last_read.has_value() ? absl::StrCat(", last read at ", shard.last_read->ToString())
                                      : std::string(", never read"),
          ")"));
    }
  }
  const bool processing = last_processed_at_.has_value() && *last_processed_at_ >= window_start;
  if (reading.empty() && !processing) return std::nullopt;
  std::string out = reading.empty() ? absl::StrCat("processing records (the last at ",
                                                   last_processed_at_->ToString(), ")")
                                    : absl::StrCat("reading ", absl::StrJoin(reading, "; "));
  if (!not_reading.empty()) {
    absl::StrAppend(&out, "; not reading ", absl::StrJoin(not_reading, ", "));
  }
  return out;
}

void Judge::Finish(bool bound_hit, const std::string& bound_description, Duration liveness_budget) {
  if (violation_.has_value()) return;
  if (bound_hit) {
    Violate(Property::kTermination, absl::StrCat("the run hit its bound: ", bound_description));
    return;
  }
  const Instant horizon = simulation_->now() - retention_;
  const PutRecord* first = nullptr;
  uint64_t missed = 0;
  uint64_t ahead = 0;  // of the missed ones, those still there and not yet read past
  std::map<std::string, uint64_t> missed_by_shard;
  for (const auto& [shard_id, shard] : shards_) {
    for (size_t i = 0; i < shard.records.size(); ++i) {
      const PutRecord& r = records_[shard.records[i]];
      if (r.times_processed > 0 || ExpiredWhileDown(r)) continue;
      if (first == nullptr || shard.records[i] < static_cast<uint64_t>(first - records_.data())) {
        first = &r;
      }
      ++missed;
      ++missed_by_shard[shard_id];
      ahead += r.arrival >= horizon && shard.next_ordinal.value_or(0) <= i;
    }
  }
  if (first == nullptr) return;
  // Late is not lost: records still there for a consumer that is still on its way to them.
  if (ahead == missed && !exited_) {
    if (const std::optional<std::string> progress = RecentProgress(missed_by_shard)) {
      Violate(Property::kTermination,
              absl::StrCat("the run's liveness budget of ", liveness_budget.ToString(),
                           " ran out while the consumer was still ", *progress, "; ", missed,
                           " of ", records_.size(), " records not yet processed; the first:"),
              {Describe(*first)});
      return;
    }
  }
  if (deliveries_ && ReportAbandonedShard()) return;
  Violate(Property::kNoMissedRecords,
          absl::StrCat(missed, " of ", records_.size(),
                       " records were never processed by the end of the run",
                       ExpiredSubscriptions(missed_by_shard), "; the first:"),
          {Describe(*first)});
}

}  // namespace shardsim::properties
