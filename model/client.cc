#include "model/client.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace shardsim::model {

namespace {

std::string S(std::string_view v) { return std::string(v); }

void AddPosition(std::vector<sim::TraceField>& fields, std::string_view prefix,
                 const std::optional<IteratorInfo>& info) {
  if (!info.has_value()) return;
  const bool next = !prefix.empty();
  fields.push_back({next ? "next_bucket" : "bucket", info->bucket});
  fields.push_back({next ? "next_ordinal" : "ordinal", info->ordinal});
}

std::optional<IteratorInfo> Describe(const KinesisModel& model, std::string_view token) {
  Outcome<IteratorInfo> info = model.DescribeIterator(token);
  if (!info.ok()) return std::nullopt;
  return info.value();
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
  fields.push_back({"error", S(ErrorName(error.code))});
  fields.push_back({"message", error.message});
  simulation_->trace().Append(sim::TraceRecord{simulation_->now(), name_, S(call),
                                               std::move(fields)});
}

Outcome<Empty> KinesisClient::CreateStreamNow(const CreateStreamRequest& request,
                                              const StreamOptions& options) {
  Outcome<Empty> out = model_->CreateStream(simulation_->now(), request, options);
  if (out.ok()) {
    simulation_->Record(name_, "CreateStream", {{"stream", request.StreamName},
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

Outcome<ListShardsResponse> KinesisClient::ListShardsNow(const ListShardsRequest& request) {
  Outcome<ListShardsResponse> out = model_->ListShards(simulation_->now(), request);
  if (out.ok()) {
    simulation_->Record(name_, "ListShards", {{"stream", request.StreamName},
                                              {"shards", out->Shards.size()}});
  } else {
    TraceError("ListShards", out.error(), {{"stream", request.StreamName}});
  }
  for (CallObserver* o : observers_) o->OnListShards(simulation_->now(), name_);
  return out;
}

sim::Task<Outcome<ListShardsResponse>> KinesisClient::ListShards(ListShardsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListShardsNow(request);
}

Outcome<PutRecordResponse> KinesisClient::PutRecordNow(const PutRecordRequest& request) {
  Outcome<PutRecordResponse> out = model_->PutRecord(simulation_->now(), request);
  if (out.ok()) {
    simulation_->Record(name_, "PutRecord", {{"shard", out->ShardId},
                                             {"key", request.PartitionKey},
                                             {"bytes", request.Data.size()},
                                             {"seq", out->SequenceNumber}});
  } else {
    TraceError("PutRecord", out.error(), {{"key", request.PartitionKey}});
  }
  const PutCall call{simulation_->now(), name_, request, out};
  for (CallObserver* o : observers_) o->OnPut(call);
  return out;
}

sim::Task<Outcome<PutRecordResponse>> KinesisClient::PutRecord(PutRecordRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return PutRecordNow(request);
}

Outcome<PutRecordsResponse> KinesisClient::PutRecordsNow(const PutRecordsRequest& request) {
  Outcome<PutRecordsResponse> out = model_->PutRecords(simulation_->now(), request);
  if (!out.ok()) {
    TraceError("PutRecords", out.error(), {{"entries", request.Records.size()}});
    return out;
  }
  simulation_->Record(name_, "PutRecords", {{"entries", request.Records.size()},
                                            {"failed", out->FailedRecordCount}});
  for (size_t i = 0; i < request.Records.size(); ++i) {
    const PutRecordsRequestEntry& e = request.Records[i];
    const PutRecordsResultEntry& r = out->Records[i];
    const PutRecordRequest as_single{request.StreamName, e.PartitionKey, e.Data,
                                     e.ExplicitHashKey};
    Outcome<PutRecordResponse> single =
        r.SequenceNumber ? Outcome<PutRecordResponse>(PutRecordResponse{*r.ShardId,
                                                                        *r.SequenceNumber})
                         : Outcome<PutRecordResponse>(KinesisError{
                               ErrorCode::kProvisionedThroughputExceeded,
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
    const GetShardIteratorRequest& request) {
  Outcome<GetShardIteratorResponse> out = model_->GetShardIterator(simulation_->now(), request);
  std::vector<sim::TraceField> fields{{"shard", request.ShardId},
                                      {"type", S(ShardIteratorTypeName(request.ShardIteratorType))}};
  if (request.StartingSequenceNumber) fields.push_back({"seq", *request.StartingSequenceNumber});
  if (request.Timestamp) fields.push_back({"timestamp", *request.Timestamp});
  std::optional<IteratorInfo> info;
  if (out.ok()) {
    info = Describe(*model_, out->ShardIterator);
    AddPosition(fields, "", info);
    simulation_->trace().Append(
        sim::TraceRecord{simulation_->now(), name_, "GetShardIterator", std::move(fields)});
  } else {
    TraceError("GetShardIterator", out.error(), std::move(fields));
  }
  const GetShardIteratorCall call{simulation_->now(), name_, request, out, info};
  for (CallObserver* o : observers_) o->OnGetShardIterator(call);
  return out;
}

sim::Task<Outcome<GetShardIteratorResponse>> KinesisClient::GetShardIterator(
    GetShardIteratorRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DoGetShardIterator(request);
}

Outcome<GetRecordsResponse> KinesisClient::DoGetRecords(const GetRecordsRequest& request) {
  const std::optional<IteratorInfo> at = Describe(*model_, request.ShardIterator);
  Outcome<GetRecordsResponse> out = model_->GetRecords(simulation_->now(), request);
  std::vector<sim::TraceField> fields;
  fields.reserve(10);
  if (at) fields.push_back({"shard", at->shard_id});
  AddPosition(fields, "", at);
  std::optional<IteratorInfo> next;
  if (out.ok()) {
    fields.push_back({"records", out->Records.size()});
    if (!out->Records.empty()) {
      fields.push_back({"first_seq", out->Records.front().SequenceNumber});
      fields.push_back({"last_seq", out->Records.back().SequenceNumber});
    }
    if (out->NextShardIterator) {
      next = Describe(*model_, *out->NextShardIterator);
      AddPosition(fields, "next_", next);
    } else {
      fields.push_back({"next", "absent"});
      std::string children;
      for (const ChildShard& c : out->ChildShards) {
        absl::StrAppend(&children, children.empty() ? "" : ",", c.ShardId);
      }
      fields.push_back({"children", children});
    }
    fields.push_back({"behind_ms", out->MillisBehindLatest});
    simulation_->trace().Append(
        sim::TraceRecord{simulation_->now(), name_, "GetRecords", std::move(fields)});
  } else {
    TraceError("GetRecords", out.error(), std::move(fields));
  }
  const GetRecordsCall call{simulation_->now(), name_, request, at, out, next};
  for (CallObserver* o : observers_) o->OnGetRecords(call);
  return out;
}

sim::Task<Outcome<GetRecordsResponse>> KinesisClient::GetRecords(GetRecordsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DoGetRecords(request);
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
