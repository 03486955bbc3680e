// One Kinesis call as observers see it, and the one trace record it makes.
//
// A call that checkers observe (GetRecords, GetShardIterator, a put) is run by the model's
// Observe* operations (kinesis_model.h), which decode its iterator once and describe the
// iterators it names; the result is a *Call value below. Every front end — the simulated
// client (client.h), the HTTP service (server/service.h) and the replay of a served session
// (server/log_trace.h) — is a thin adapter: it hands that value to its CallObservers and writes
// it to a trace with the Write* functions here, so the three speak one vocabulary. The field
// and call names (trace_field::, trace_call::) are what the timeline and failure reports read.
#ifndef SHARDSIM_MODEL_CALL_OBSERVATION_H_
#define SHARDSIM_MODEL_CALL_OBSERVATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "model/kinesis_api.h"

namespace shardsim::model {

// What an iterator token names; for checkers, tests and traces (not part of the AWS API).
struct IteratorInfo {
  std::string stream_name;
  std::string shard_id;
  uint64_t bucket = 0;
  uint64_t ordinal = 0;  // the next record it may return, counted from the shard's first
  Instant issued_at;
  bool stuck_below_horizon = false;
};

// One GetRecords call as checkers see it: the request, what the iterators named, the answer.
struct GetRecordsCall {
  Instant at;
  std::string client;
  GetRecordsRequest request;
  std::optional<IteratorInfo> iterator;  // decoded request token (absent for garbage)
  Outcome<GetRecordsResponse> outcome;
  std::optional<IteratorInfo> next;  // decoded NextShardIterator, if any
};

struct GetShardIteratorCall {
  Instant at;
  std::string client;
  GetShardIteratorRequest request;
  Outcome<GetShardIteratorResponse> outcome;
  std::optional<IteratorInfo> iterator;
};

struct PutCall {
  Instant at;
  std::string client;
  PutRecordRequest request;
  Outcome<PutRecordResponse> outcome;
};

// A SubscribeToShard call (enhanced fan-out): the request and the subscription it opened.
struct SubscribeToShardCall {
  Instant at;
  std::string client;
  SubscribeToShardRequest request;
  Outcome<SubscribeToShardResponse> outcome;
  std::optional<IteratorInfo> start;  // where its first event reads from
};

// What one subscription delivered: an event, its end, or the error that ended it (the poll's
// kWait steps are not delivered, so never observed).
struct SubscriptionDelivery {
  Instant at;
  std::string client;
  uint64_t subscription_id = 0;
  std::string consumer_arn;
  std::string shard_id;
  SubscriptionPoll poll;  // kEvent, kComplete or kFailed
  // For an event: the position it read from, and where it left the subscription (absent after
  // the last event of a closed shard).
  std::optional<IteratorInfo> from;
  std::optional<IteratorInfo> next;
};

// Receives every observed call of the front end it is attached to.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void OnGetRecords(const GetRecordsCall&) {}
  virtual void OnGetShardIterator(const GetShardIteratorCall&) {}
  virtual void OnPut(const PutCall&) {}
  virtual void OnListShards(Instant, const std::string& /*client*/) {}
  virtual void OnSubscribeToShard(const SubscribeToShardCall&) {}
  virtual void OnSubscriptionDelivery(const SubscriptionDelivery&) {}
};

// The names of trace records (sim::TraceRecord::kind) of Kinesis calls.
namespace trace_call {
inline constexpr std::string_view kGetRecords = "GetRecords";
inline constexpr std::string_view kGetShardIterator = "GetShardIterator";
inline constexpr std::string_view kPutRecord = "PutRecord";
inline constexpr std::string_view kListShards = "ListShards";
inline constexpr std::string_view kSubscribeToShard = "SubscribeToShard";
// One delivery of a subscription: an event, or its end (kEnd field).
inline constexpr std::string_view kSubscriptionEvent = "SubscribeToShardEvent";
}  // namespace trace_call

// The fields of those records.
namespace trace_field {
inline constexpr std::string_view kShard = "shard";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kSeq = "seq";
inline constexpr std::string_view kTimestamp = "timestamp";
inline constexpr std::string_view kKey = "key";
inline constexpr std::string_view kBytes = "bytes";
inline constexpr std::string_view kBucket = "bucket";
inline constexpr std::string_view kOrdinal = "ordinal";
inline constexpr std::string_view kNextBucket = "next_bucket";
inline constexpr std::string_view kNextOrdinal = "next_ordinal";
inline constexpr std::string_view kRecords = "records";
inline constexpr std::string_view kFirstSeq = "first_seq";
inline constexpr std::string_view kLastSeq = "last_seq";
// "absent" at the end of a closed shard, with kChildren (comma-separated shard ids).
inline constexpr std::string_view kNext = "next";
inline constexpr std::string_view kNextAbsent = "absent";
inline constexpr std::string_view kChildren = "children";
inline constexpr std::string_view kBehindMs = "behind_ms";
inline constexpr std::string_view kError = "error";  // the AWS exception name
inline constexpr std::string_view kMessage = "message";
inline constexpr std::string_view kSubscription = "subscription";  // its id
inline constexpr std::string_view kConsumer = "consumer";          // the consumer's ARN
inline constexpr std::string_view kEndsAt = "ends_at";
inline constexpr std::string_view kContinuation = "continuation";
// How a subscription completed: "expired" (five minutes over); "shard_end" on the last event
// of a closed shard; "complete" when asked again after that event.
inline constexpr std::string_view kEnd = "end";
}  // namespace trace_field

// Writers of the one record per call, into any `line` with sim::TraceLine's Add(key, value)
// (the simulated client's hash-only trace line, or a collector of TraceFields); each ends with
// the error fields of a failed call. The caller commits the line.
template <typename Line>
void WritePosition(Line& line, bool next, const std::optional<IteratorInfo>& info) {
  if (!info.has_value()) return;
  // A branch rather than a choice of key, so that each Add sees a constant key.
  if (next) {
    line.Add(trace_field::kNextBucket, info->bucket).Add(trace_field::kNextOrdinal, info->ordinal);
  } else {
    line.Add(trace_field::kBucket, info->bucket).Add(trace_field::kOrdinal, info->ordinal);
  }
}

template <typename Line>
void WriteError(Line& line, std::string_view error_name, std::string_view message) {
  line.Add(trace_field::kError, error_name).Add(trace_field::kMessage, message);
}

template <typename Line>
void WriteGetRecords(Line& line, const GetRecordsCall& call) {
  if (call.iterator) line.Add(trace_field::kShard, std::string_view(call.iterator->shard_id));
  WritePosition(line, /*next=*/false, call.iterator);
  if (!call.outcome.ok()) {
    return WriteError(line, ErrorName(call.outcome.error().code), call.outcome.error().message);
  }
  const GetRecordsResponse& response = *call.outcome;
  line.Add(trace_field::kRecords, static_cast<uint64_t>(response.Records.size()));
  if (!response.Records.empty()) {
    line.Add(trace_field::kFirstSeq, std::string_view(response.Records.front().SequenceNumber));
    line.Add(trace_field::kLastSeq, std::string_view(response.Records.back().SequenceNumber));
  }
  if (response.NextShardIterator) {
    WritePosition(line, /*next=*/true, call.next);
  } else {
    std::string children;
    for (const ChildShard& c : response.ChildShards) {
      absl::StrAppend(&children, children.empty() ? "" : ",", c.ShardId);
    }
    line.Add(trace_field::kNext, trace_field::kNextAbsent)
        .Add(trace_field::kChildren, std::string_view(children));
  }
  line.Add(trace_field::kBehindMs, response.MillisBehindLatest);
}

template <typename Line>
void WriteGetShardIterator(Line& line, const GetShardIteratorCall& call) {
  const GetShardIteratorRequest& request = call.request;
  line.Add(trace_field::kShard, std::string_view(request.ShardId))
      .Add(trace_field::kType, ShardIteratorTypeName(request.ShardIteratorType));
  if (request.StartingSequenceNumber) {
    line.Add(trace_field::kSeq, std::string_view(*request.StartingSequenceNumber));
  }
  if (request.Timestamp) line.Add(trace_field::kTimestamp, *request.Timestamp);
  if (!call.outcome.ok()) {
    return WriteError(line, ErrorName(call.outcome.error().code), call.outcome.error().message);
  }
  WritePosition(line, /*next=*/false, call.iterator);
}

template <typename Line>
void WritePut(Line& line, const PutCall& call) {
  if (!call.outcome.ok()) {
    line.Add(trace_field::kKey, std::string_view(call.request.PartitionKey));
    return WriteError(line, ErrorName(call.outcome.error().code), call.outcome.error().message);
  }
  line.Add(trace_field::kShard, std::string_view(call.outcome->ShardId))
      .Add(trace_field::kKey, std::string_view(call.request.PartitionKey))
      .Add(trace_field::kBytes, static_cast<uint64_t>(call.request.Data.size()))
      .Add(trace_field::kSeq, std::string_view(call.outcome->SequenceNumber));
}

template <typename Line>
void WriteSubscribeToShard(Line& line, const SubscribeToShardCall& call) {
  const SubscribeToShardRequest& request = call.request;
  line.Add(trace_field::kShard, std::string_view(request.ShardId))
      .Add(trace_field::kConsumer, std::string_view(request.ConsumerARN))
      .Add(trace_field::kType, ShardIteratorTypeName(request.StartingPosition.Type));
  if (request.StartingPosition.SequenceNumber) {
    line.Add(trace_field::kSeq, std::string_view(*request.StartingPosition.SequenceNumber));
  }
  if (request.StartingPosition.Timestamp) {
    line.Add(trace_field::kTimestamp, *request.StartingPosition.Timestamp);
  }
  if (!call.outcome.ok()) {
    return WriteError(line, ErrorName(call.outcome.error().code), call.outcome.error().message);
  }
  WritePosition(line, /*next=*/false, call.start);
  line.Add(trace_field::kSubscription, call.outcome->SubscriptionId)
      .Add(trace_field::kEndsAt, call.outcome->EndsAt);
}

template <typename Line>
void WriteSubscriptionDelivery(Line& line, const SubscriptionDelivery& delivery) {
  line.Add(trace_field::kShard, std::string_view(delivery.shard_id))
      .Add(trace_field::kSubscription, delivery.subscription_id);
  const SubscriptionPoll& poll = delivery.poll;
  if (poll.kind == SubscriptionPoll::Kind::kFailed) {
    return WriteError(line, ErrorName(poll.error->code), poll.error->message);
  }
  if (poll.kind != SubscriptionPoll::Kind::kEvent) {
    line.Add(trace_field::kEnd, std::string_view(poll.expired ? "expired" : "complete"));
    return;
  }
  const SubscribeToShardEvent& event = *poll.event;
  WritePosition(line, /*next=*/false, delivery.from);
  line.Add(trace_field::kRecords, static_cast<uint64_t>(event.Records.size()));
  if (!event.Records.empty()) {
    line.Add(trace_field::kFirstSeq, std::string_view(event.Records.front().SequenceNumber));
    line.Add(trace_field::kLastSeq, std::string_view(event.Records.back().SequenceNumber));
  }
  if (event.ContinuationSequenceNumber) {
    WritePosition(line, /*next=*/true, delivery.next);
    line.Add(trace_field::kContinuation, std::string_view(*event.ContinuationSequenceNumber));
  } else {
    std::string children;
    for (const ChildShard& c : event.ChildShards) {
      absl::StrAppend(&children, children.empty() ? "" : ",", c.ShardId);
    }
    line.Add(trace_field::kEnd, std::string_view("shard_end"))
        .Add(trace_field::kChildren, std::string_view(children));
  }
  line.Add(trace_field::kBehindMs, event.MillisBehindLatest);
}

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_CALL_OBSERVATION_H_
