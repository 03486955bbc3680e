#include "model/client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/strings.h"

namespace shardsim::model {

namespace {

void AddPosition(sim::TraceLine& line, bool next, const std::optional<IteratorInfo>& info) {
  if (!info.has_value()) return;
  line.Add(next ? "next_bucket" : "bucket", info->bucket);
  line.Add(next ? "next_ordinal" : "ordinal", info->ordinal);
}

// Ends a failed call's trace line with the error.
void CommitError(sim::TraceLine& line, const KinesisError& error) {
  line.Add("error", ErrorName(error.code)).Add("message", error.message).Commit();
}

std::optional<IteratorInfo> Describe(const KinesisModel& model, std::string_view token) {
  Outcome<IteratorInfo> info = model.DescribeIterator(token);
  if (!info.ok()) return std::nullopt;
  return std::move(info).value();
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

Outcome<ListShardsResponse> KinesisClient::ListShardsNow(const ListShardsRequest& request) {
  Outcome<ListShardsResponse> out = model_->ListShards(simulation_->now(), request);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "ListShards");
  line.Add("stream", request.StreamName);
  if (request.NextToken) line.Add("resumed", true);
  if (out.ok()) {
    line.Add("shards", static_cast<uint64_t>(out->Shards.size()));
    if (out->NextToken) line.Add("more", true);
    line.Commit();
  } else {
    CommitError(line, out.error());
  }
  for (CallObserver* o : observers_) o->OnListShards(simulation_->now(), name_);
  return out;
}

sim::Task<Outcome<ListShardsResponse>> KinesisClient::ListShards(ListShardsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return ListShardsNow(request);
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

Outcome<PutRecordResponse> KinesisClient::PutRecordNow(const PutRecordRequest& request) {
  Outcome<PutRecordResponse> out = model_->PutRecord(simulation_->now(), request);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "PutRecord");
  if (out.ok()) {
    line.Add("shard", out->ShardId)
        .Add("key", request.PartitionKey)
        .Add("bytes", static_cast<uint64_t>(request.Data.size()))
        .Add("seq", out->SequenceNumber)
        .Commit();
  } else {
    CommitError(line.Add("key", request.PartitionKey), out.error());
  }
  if (observers_.empty()) return out;
  PutCall call{simulation_->now(), name_, request, std::move(out)};
  for (CallObserver* o : observers_) o->OnPut(call);
  return std::move(call.outcome);
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
  Outcome<GetShardIteratorResponse> out = model_->GetShardIterator(simulation_->now(), request);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "GetShardIterator");
  line.Add("shard", request.ShardId).Add("type", ShardIteratorTypeName(request.ShardIteratorType));
  if (request.StartingSequenceNumber) line.Add("seq", *request.StartingSequenceNumber);
  if (request.Timestamp) line.Add("timestamp", *request.Timestamp);
  std::optional<IteratorInfo> info;
  if (out.ok()) {
    info = Describe(*model_, out->ShardIterator);
    AddPosition(line, /*next=*/false, info);
    line.Commit();
  } else {
    CommitError(line, out.error());
  }
  GetShardIteratorCall call{simulation_->now(), name_, std::move(request), std::move(out),
                            std::move(info)};
  for (CallObserver* o : observers_) o->OnGetShardIterator(call);
  return std::move(call.outcome);
}

sim::Task<Outcome<GetShardIteratorResponse>> KinesisClient::GetShardIterator(
    GetShardIteratorRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DoGetShardIterator(std::move(request));
}

Outcome<GetRecordsResponse> KinesisClient::DoGetRecords(GetRecordsRequest request) {
  std::optional<IteratorInfo> at = Describe(*model_, request.ShardIterator);
  Outcome<GetRecordsResponse> out = model_->GetRecords(simulation_->now(), request);
  std::optional<IteratorInfo> next;
  if (out.ok() && out->NextShardIterator) next = Describe(*model_, *out->NextShardIterator);
  sim::TraceLine line = simulation_->trace().Begin(simulation_->now(), name_, "GetRecords");
  if (at) line.Add("shard", at->shard_id);
  AddPosition(line, /*next=*/false, at);
  if (out.ok()) {
    line.Add("records", static_cast<uint64_t>(out->Records.size()));
    if (!out->Records.empty()) {
      line.Add("first_seq", out->Records.front().SequenceNumber);
      line.Add("last_seq", out->Records.back().SequenceNumber);
    }
    if (out->NextShardIterator) {
      AddPosition(line, /*next=*/true, next);
    } else {
      std::string children;
      for (const ChildShard& c : out->ChildShards) {
        absl::StrAppend(&children, children.empty() ? "" : ",", c.ShardId);
      }
      line.Add("next", "absent").Add("children", children);
    }
    line.Add("behind_ms", out->MillisBehindLatest).Commit();
  } else {
    CommitError(line, out.error());
  }
  GetRecordsCall call{simulation_->now(), name_,          std::move(request),
                      std::move(at),      std::move(out), std::move(next)};
  for (CallObserver* o : observers_) o->OnGetRecords(call);
  return std::move(call.outcome);
}

sim::Task<Outcome<GetRecordsResponse>> KinesisClient::GetRecords(GetRecordsRequest request) {
  co_await simulation_->Sleep(call_latency_);
  co_return DoGetRecords(std::move(request));
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
