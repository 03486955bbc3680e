// KinesisClient: the Kinesis-shaped API that simulated processes `co_await`.
//
// Each call costs `call_latency` of virtual time and takes effect at its end: the awaiting
// process sleeps, then the model answers at the new virtual time. Errors come back as values
// (Outcome), never as exceptions, so a consumer loop handles them exactly as production code
// handles an SDK's error responses. Every call is written to the simulation's trace (actor =
// the client's name) with the positions an iterator named, so a failing run can be read back
// as a timeline, and handed to the registered call observers (checkers).
//
//   KinesisClient kinesis(sim, model, "consumer-0");
//   auto page = co_await kinesis.GetRecords({.ShardIterator = it, .Limit = 1000});
//   if (!page.ok()) { ... page.error().code ... }
#ifndef SHARDSIM_MODEL_CLIENT_H_
#define SHARDSIM_MODEL_CLIENT_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/call_observation.h"
#include "model/kinesis_api.h"
#include "model/kinesis_model.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::model {

class KinesisClient {
 public:
  KinesisClient(sim::Simulation& simulation, KinesisModel& model, std::string name,
                Duration call_latency = Duration::Millis(20));

  const std::string& name() const { return name_; }
  Duration call_latency() const { return call_latency_; }
  sim::Simulation& simulation() { return *simulation_; }
  KinesisModel& model() { return *model_; }
  // Observers are not owned and must outlive the client's calls.
  void AddObserver(CallObserver* observer) { observers_.push_back(observer); }

  sim::Task<Outcome<Empty>> CreateStream(CreateStreamRequest request, StreamOptions options = {});
  // Pages with MaxResults and NextToken, and takes a ShardFilter, as AWS's does.
  sim::Task<Outcome<ListShardsResponse>> ListShards(ListShardsRequest request);
  // The stream's status (CREATING, ACTIVE, UPDATING, DELETING), mode and shards.
  sim::Task<Outcome<DescribeStreamResponse>> DescribeStream(DescribeStreamRequest request);
  sim::Task<Outcome<DescribeStreamSummaryResponse>> DescribeStreamSummary(
      DescribeStreamSummaryRequest request);
  sim::Task<Outcome<ListStreamsResponse>> ListStreams(ListStreamsRequest request);
  sim::Task<Outcome<PutRecordResponse>> PutRecord(PutRecordRequest request);
  sim::Task<Outcome<PutRecordsResponse>> PutRecords(PutRecordsRequest request);
  sim::Task<Outcome<GetShardIteratorResponse>> GetShardIterator(GetShardIteratorRequest request);
  sim::Task<Outcome<GetRecordsResponse>> GetRecords(GetRecordsRequest request);
  sim::Task<Outcome<Empty>> SplitShard(SplitShardRequest request);
  sim::Task<Outcome<Empty>> MergeShards(MergeShardsRequest request);

  // The same calls without latency, for producers and harnesses outside any process. They
  // take effect at the simulation's current time and are traced and observed alike.
  Outcome<Empty> CreateStreamNow(const CreateStreamRequest& request,
                                 const StreamOptions& options = {});
  Outcome<ListShardsResponse> ListShardsNow(const ListShardsRequest& request);
  Outcome<DescribeStreamResponse> DescribeStreamNow(const DescribeStreamRequest& request);
  Outcome<DescribeStreamSummaryResponse> DescribeStreamSummaryNow(
      const DescribeStreamSummaryRequest& request);
  Outcome<ListStreamsResponse> ListStreamsNow(const ListStreamsRequest& request);
  Outcome<PutRecordResponse> PutRecordNow(const PutRecordRequest& request);
  Outcome<PutRecordsResponse> PutRecordsNow(const PutRecordsRequest& request);
  Outcome<Empty> SplitShardNow(const SplitShardRequest& request);
  Outcome<Empty> MergeShardsNow(const MergeShardsRequest& request);

 private:
  void TraceError(std::string_view call, const KinesisError& error,
                  std::vector<sim::TraceField> fields);
  Outcome<GetRecordsResponse> DoGetRecords(GetRecordsRequest request);
  Outcome<GetShardIteratorResponse> DoGetShardIterator(GetShardIteratorRequest request);

  sim::Simulation* simulation_;
  KinesisModel* model_;
  std::string name_;
  Duration call_latency_;
  std::vector<CallObserver*> observers_;
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_CLIENT_H_
