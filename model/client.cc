#include "model/client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/strings.h"

namespace shardsim::model {

namespace {

// Ends a failed call's trace line with the error.
void CommitError(sim::TraceLine& line, const KinesisError& error) {
  line.Add("error", ErrorName(error.code)).Add("message", error.message).Commit();
}

}  // namespace

KinesisClient::KinesisClient(sim::Simulation& simulation, KinesisModel& model, std::string name,
                             Duration call_latency)
    : simulation_(&simulation),
      model_(&model),
      name_(std::move(name)),
      call_latency_(call_latency) {
  SHARDSIM_CHECK(call_latency >= Duration::Zero(), "a client's call latency must not be negative");
}

void KinesisClient::TraceError(std::string_view call, const KinesisError& error,
                               std::vector<sim::TraceField> fields) {
  fields.push_back({"error", sim::ToString(ErrorName(error.code))});
  fields.push_back({"message", error.message});
  simulation_->trace().Append(
      sim::TraceRecord{simulation_->now(), name_, sim::ToString(call), std::move(fields)});
}

Outcome<Empty> KinesisClient::CreateStreamNow(const CreateStreamRequest& request,
                                              const StreamOptions& options) {
  Outcome<Empty> out = model_->CreateStream(simulation_->now(), request, options);
  if (out.ok()) {
    simulation_->Record(name_, "CreateStream",
                        {{"stream", request.StreamName},
                         {"shards", request.ShardCount},
                         {"buckets", options.buckets.ToString()}});
  } else {
    TraceError("CreateStream", out.error(), {{"stream", request.StreamName}});
  }
  return out;
}

// GCC 12 miscompiles braced lists of non-trivial temporaries inside coroutine bodies (double
// destruction), so every coroutine here only sleeps and calls a plain function.
sim::Task<Outcome<Empty>> KinesisClient::CreateStream(CreateStreamRequest request,
                                                      StreamOptions options) {
  co_await simulation_->Sleep(call_latency_);
  co_return CreateStreamNow(request, options);
}

void KinesisClient::FinishListShards(std::string_view stream_name, bool resumed,
                                     const KinesisError* error,
                                     const ListShardsResponse* response) {
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "ListShards");
  line.Add("stream", stream_name);
  if (resumed) line.Add("resumed", true);
  if (error == nullptr) {
    line.Add("shards", static_cast<uint64_t>(response->Shards.size()));
    if (response->NextToken) line.Add("more", true);
    line.Commit();
  } else {
    CommitError(line, *error);
  }
  for (CallObserver* o : observers_) o->OnListShards(simulation_->now(), name_);
}

Outcome<ListShardsResponse> KinesisClient::ListShardsNow(const ListShardsRequest& request) {
  Outcome<ListShardsResponse> out = model_->ListShards(simulation_->now(), request);
  FinishListShards(request.StreamName, request.NextToken.has_value(),
                   out.ok() ? nullptr : &out.error(), out.ok() ? &*out : nullptr);
  return out;
}

sim::Task<Outcome<ListShardsResponse>> KinesisClient::ListShards(ListShardsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListShardsNow(request);
}

Outcome<std::shared_ptr<const ListShardsResponse>> KinesisClient::ListShardsSharedNow(
    std::string_view stream_name) {
  Outcome<std::shared_ptr<const ListShardsResponse>> out =
      model_->ListShardsShared(simulation_->now(), stream_name);
  FinishListShards(stream_name, /*resumed=*/false, out.ok() ? nullptr : &out.error(),
                   out.ok() ? out->get() : nullptr);
  return out;
}

sim::Task<Outcome<std::shared_ptr<const ListShardsResponse>>> KinesisClient::ListShardsShared(
    std::string stream_name) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListShardsSharedNow(stream_name);
}

Outcome<DescribeStreamResponse> KinesisClient::DescribeStreamNow(
    const DescribeStreamRequest& request) {
  Outcome<DescribeStreamResponse> out = model_->DescribeStream(simulation_->now(), request);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "DescribeStream");
  line.Add("stream", request.StreamName);
  if (out.ok()) {
    const StreamDescription& d = out->StreamDescription;
    line.Add("status", StreamStatusName(d.StreamStatus))
        .Add("shards", static_cast<uint64_t>(d.Shards.size()))
        .Add("more", d.HasMoreShards)
        .Commit();
  } else {
    CommitError(line, out.error());
  }
  return out;
}

sim::Task<Outcome<DescribeStreamResponse>> KinesisClient::DescribeStream(
    DescribeStreamRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DescribeStreamNow(request);
}

Outcome<DescribeStreamSummaryResponse> KinesisClient::DescribeStreamSummaryNow(
    const DescribeStreamSummaryRequest& request) {
  Outcome<StreamSummary> summary =
      model_->DescribeStreamSummary(simulation_->now(), request.StreamName);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, "DescribeStreamSummary");
  line.Add("stream", request.StreamName);
  if (!summary.ok()) {
    CommitError(line, summary.error());
    return summary.error();
  }
  line.Add("status", StreamStatusName(summary->StreamStatus))
      .Add("open_shards", static_cast<int64_t>(summary->OpenShardCount))
      .Commit();
  return DescribeStreamSummaryResponse{std::move(summary).value()};
}

sim::Task<Outcome<DescribeStreamSummaryResponse>> KinesisClient::DescribeStreamSummary(
    DescribeStreamSummaryRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DescribeStreamSummaryNow(request);
}

Outcome<ListStreamsResponse> KinesisClient::ListStreamsNow(const ListStreamsRequest& request) {
  Outcome<ListStreamsResponse> out = model_->ListStreams(simulation_->now(), request);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "ListStreams");
  if (request.NextToken) line.Add("resumed", true);
  if (out.ok()) {
    line.Add("streams", static_cast<uint64_t>(out->StreamNames.size()))
        .Add("more", out->HasMoreStreams)
        .Commit();
  } else {
    CommitError(line, out.error());
  }
  return out;
}

sim::Task<Outcome<ListStreamsResponse>> KinesisClient::ListStreams(ListStreamsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListStreamsNow(request);
}

Outcome<PutRecordResponse> KinesisClient::PutRecordNow(PutRecordRequest request) {
  PutCall call = model_->ObservePutRecord(simulation_->now(), name_, std::move(request));
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, trace_call::kPutRecord);
  WritePut(line, call);
  line.Commit();
  for (CallObserver* o : observers_) o->OnPut(call);
  return std::move(call.outcome);
}

sim::Task<Outcome<PutRecordResponse>> KinesisClient::PutRecord(PutRecordRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return PutRecordNow(std::move(request));  // the data moved, not copied
}

Outcome<PutRecordsResponse> KinesisClient::PutRecordsNow(const PutRecordsRequest& request) {
  Outcome<PutRecordsResponse> out = model_->PutRecords(simulation_->now(), request);
  if (!out.ok()) {
    TraceError("PutRecords", out.error(), {{"entries", request.Records.size()}});
    return out;
  }
  simulation_->Record(name_, "PutRecords",
                      {{"entries", request.Records.size()}, {"failed", out->FailedRecordCount}});
  for (size_t i = 0; i < request.Records.size(); ++i) {
    const PutRecordsRequestEntry& e = request.Records[i];
    const PutRecordsResultEntry& r = out->Records[i];
    const PutRecordRequest as_single{request.StreamName, e.PartitionKey, e.Data, e.ExplicitHashKey};
    Outcome<PutRecordResponse> single =
        r.SequenceNumber
            ? Outcome<PutRecordResponse>(PutRecordResponse{*r.ShardId, *r.SequenceNumber})
            : Outcome<PutRecordResponse>(KinesisError{ErrorCode::kProvisionedThroughputExceeded,
                                                      r.ErrorMessage.value_or("")});
    const PutCall call{simulation_->now(), name_, as_single, std::move(single)};
    for (CallObserver* o : observers_) o->OnPut(call);
  }
  return out;
}

sim::Task<Outcome<PutRecordsResponse>> KinesisClient::PutRecords(PutRecordsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return PutRecordsNow(request);
}

Outcome<GetShardIteratorResponse> KinesisClient::DoGetShardIterator(
    GetShardIteratorRequest request) {
  GetShardIteratorCall call =
      model_->ObserveGetShardIterator(simulation_->now(), name_, std::move(request));
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, trace_call::kGetShardIterator);
  WriteGetShardIterator(line, call);
  line.Commit();
  for (CallObserver* o : observers_) o->OnGetShardIterator(call);
  return std::move(call.outcome);
}

sim::Task<Outcome<GetShardIteratorResponse>> KinesisClient::GetShardIterator(
    GetShardIteratorRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DoGetShardIterator(std::move(request));
}

GetRecordsCall& KinesisClient::DoGetRecords(GetRecordsRequest request) {
  GetRecordsCall& call = get_records_call_;
  model_->ObserveGetRecords(simulation_->now(), name_, std::move(request), call);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, trace_call::kGetRecords);
  WriteGetRecords(line, call);
  line.Commit();
  for (CallObserver* o : observers_) o->OnGetRecords(call);
  return call;
}

sim::Task<Outcome<GetRecordsResponse>> KinesisClient::GetRecords(GetRecordsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  // Moved from the call straight into the Task's result: a response moved once less per call.
  co_return std::move(DoGetRecords(std::move(request)).outcome);
}

Outcome<Empty> KinesisClient::SplitShardNow(const SplitShardRequest& request) {
  Outcome<Empty> out = model_->SplitShard(simulation_->now(), request);
  std::vector<sim::TraceField> fields{{"shard", request.ShardToSplit},
                                      {"new_starting_hash_key", request.NewStartingHashKey}};
  if (out.ok()) {
    simulation_->trace().Append(
        sim::TraceRecord{simulation_->now(), name_, "SplitShard", std::move(fields)});
  } else {
    TraceError("SplitShard", out.error(), std::move(fields));
  }
  return out;
}

sim::Task<Outcome<Empty>> KinesisClient::SplitShard(SplitShardRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return SplitShardNow(request);
}

Outcome<Empty> KinesisClient::MergeShardsNow(const MergeShardsRequest& request) {
  Outcome<Empty> out = model_->MergeShards(simulation_->now(), request);
  std::vector<sim::TraceField> fields{{"shard", request.ShardToMerge},
                                      {"adjacent", request.AdjacentShardToMerge}};
  if (out.ok()) {
    simulation_->trace().Append(
        sim::TraceRecord{simulation_->now(), name_, "MergeShards", std::move(fields)});
  } else {
    TraceError("MergeShards", out.error(), std::move(fields));
  }
  return out;
}

sim::Task<Outcome<Empty>> KinesisClient::MergeShards(MergeShardsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return MergeShardsNow(request);
}

}  // namespace shardsim::model

namespace shardsim::model {

// Enhanced fan-out ----------------------------------------------------------------------------

namespace {

// Traces a consumer call: the consumer's name or ARN, and the error if it failed.
template <typename T>
void TraceConsumerCall(sim::TraceLine& line, const Outcome<T>& out) {
  if (out.ok()) {
    line.Commit();
  } else {
    CommitError(line, out.error());
  }
}

std::string_view SelectorName(const ConsumerSelector& selector) {
  if (selector.ConsumerARN) return *selector.ConsumerARN;
  return selector.ConsumerName ? std::string_view(*selector.ConsumerName) : std::string_view();
}

}  // namespace

Outcome<RegisterStreamConsumerResponse> KinesisClient::RegisterStreamConsumerNow(
    const RegisterStreamConsumerRequest& request) {
  Outcome<RegisterStreamConsumerResponse> out =
      model_->RegisterStreamConsumer(simulation_->now(), request);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, "RegisterStreamConsumer");
  line.Add("stream", request.StreamARN).Add("name", request.ConsumerName);
  if (out.ok()) line.Add("status", ConsumerStatusName(out->Consumer.ConsumerStatus));
  TraceConsumerCall(line, out);
  return out;
}

Outcome<DescribeStreamConsumerResponse> KinesisClient::DescribeStreamConsumerNow(
    const DescribeStreamConsumerRequest& request) {
  Outcome<DescribeStreamConsumerResponse> out =
      model_->DescribeStreamConsumer(simulation_->now(), request);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, "DescribeStreamConsumer");
  line.Add("name", SelectorName(request));
  if (out.ok()) line.Add("status", ConsumerStatusName(out->ConsumerDescription.ConsumerStatus));
  TraceConsumerCall(line, out);
  return out;
}

Outcome<ListStreamConsumersResponse> KinesisClient::ListStreamConsumersNow(
    const ListStreamConsumersRequest& request) {
  Outcome<ListStreamConsumersResponse> out =
      model_->ListStreamConsumers(simulation_->now(), request);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, "ListStreamConsumers");
  line.Add("stream", request.StreamARN);
  if (request.NextToken) line.Add("resumed", true);
  if (out.ok()) {
    line.Add("consumers", static_cast<uint64_t>(out->Consumers.size()));
    if (out->NextToken) line.Add("more", true);
  }
  TraceConsumerCall(line, out);
  return out;
}

Outcome<Empty> KinesisClient::DeregisterStreamConsumerNow(
    const DeregisterStreamConsumerRequest& request) {
  Outcome<Empty> out = model_->DeregisterStreamConsumer(simulation_->now(), request);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, "DeregisterStreamConsumer");
  line.Add("name", SelectorName(request));
  TraceConsumerCall(line, out);
  return out;
}

Outcome<EventStream> KinesisClient::SubscribeToShardNow(const SubscribeToShardRequest& request) {
  const SubscribeToShardCall call =
      model_->ObserveSubscribeToShard(simulation_->now(), name_, request);
  sim::TraceLine line =
      simulation_->trace().Begin(simulation_->now(), name_, trace_call::kSubscribeToShard);
  WriteSubscribeToShard(line, call);
  line.Commit();
  for (CallObserver* o : observers_) o->OnSubscribeToShard(call);
  if (!call.outcome.ok()) return call.outcome.error();
  return EventStream(*this, call.outcome->SubscriptionId, request.ShardId, call.outcome->EndsAt);
}

sim::Task<Outcome<RegisterStreamConsumerResponse>> KinesisClient::RegisterStreamConsumer(
    RegisterStreamConsumerRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return RegisterStreamConsumerNow(request);
}

sim::Task<Outcome<DescribeStreamConsumerResponse>> KinesisClient::DescribeStreamConsumer(
    DescribeStreamConsumerRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DescribeStreamConsumerNow(request);
}

sim::Task<Outcome<ListStreamConsumersResponse>> KinesisClient::ListStreamConsumers(
    ListStreamConsumersRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListStreamConsumersNow(request);
}

sim::Task<Outcome<Empty>> KinesisClient::DeregisterStreamConsumer(
    DeregisterStreamConsumerRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DeregisterStreamConsumerNow(request);
}

sim::Task<Outcome<EventStream>> KinesisClient::SubscribeToShard(SubscribeToShardRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return SubscribeToShardNow(request);
}

EventStream::EventStream(KinesisClient& client, uint64_t subscription_id, std::string shard_id,
                         Instant ends_at)
    : client_(&client),
      subscription_id_(subscription_id),
      shard_id_(std::move(shard_id)),
      ends_at_(ends_at) {}

EventStream::Answer EventStream::Finish(const SubscriptionDelivery& delivery) {
  // An end is delivered (traced and observed) once; asking again repeats it quietly.
  const SubscriptionPoll& poll = delivery.poll;
  if (ended_) return poll.kind == SubscriptionPoll::Kind::kFailed ? Answer::kError : Answer::kEnd;
  sim::Simulation& simulation = *client_->simulation_;
  sim::TraceLine line =
      simulation.trace().Begin(simulation.now(), client_->name_, trace_call::kSubscriptionEvent);
  WriteSubscriptionDelivery(line, delivery);
  line.Commit();
  for (CallObserver* o : client_->observers_) o->OnSubscriptionDelivery(delivery);
  switch (poll.kind) {
    case SubscriptionPoll::Kind::kEvent:
      return Answer::kEvent;  // traced already
    case SubscriptionPoll::Kind::kFailed:
      ended_ = true;
      return Answer::kError;
    case SubscriptionPoll::Kind::kComplete:
    case SubscriptionPoll::Kind::kWait:
      break;
  }
  ended_ = true;
  return Answer::kEnd;
}

sim::Task<Outcome<std::optional<SubscribeToShardEvent>>> EventStream::Next() {
  // Between two deliveries the model asks for at most two polls a second (the tick, and a
  // change of the shard at the tip) until the subscription's five minutes are over; the bound
  // is that, with room to spare.
  constexpr int kMaxPolls = 2 * static_cast<int>(KinesisModel::kSubscriptionLifetime.micros() /
                                                 KinesisModel::kEventInterval.micros()) +
                            2;
  sim::Simulation& simulation = *client_->simulation_;
  for (int polls = 0; polls < kMaxPolls; ++polls) {
    client_->model_->ObserveSubscription(simulation.now(), client_->name_, subscription_id_,
                                         delivery_);
    if (delivery_.poll.kind != SubscriptionPoll::Kind::kWait) {
      // Answered from the delivery in place: the event is moved once on its way to the Task's
      // result, rather than through an Outcome built for the purpose (measured).
      switch (Finish(delivery_)) {
        case Answer::kEvent:
          co_return std::move(delivery_.poll.event);
        case Answer::kError:
          co_return *delivery_.poll.error;
        case Answer::kEnd:
          co_return std::optional<SubscribeToShardEvent>();
      }
    }
    const Instant wake_at = delivery_.poll.wake_at;
    if (!delivery_.poll.until_change) {
      co_await simulation.SleepUntil(wake_at);
      continue;
    }
    if (!shard_changed_) shard_changed_ = std::make_shared<sim::Signal>(simulation);
    client_->model_->WakeOnChange(subscription_id_, shard_changed_);
    co_await shard_changed_->WaitUntil(wake_at);
    client_->model_->CancelWake(subscription_id_);
  }
  SHARDSIM_CHECK(false, "a subscription polled more often than its lifetime allows");
  co_return std::optional<SubscribeToShardEvent>();
}

}  // namespace shardsim::model
