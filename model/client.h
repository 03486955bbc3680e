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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/call_observation.h"
#include "model/kinesis_api.h"
#include "model/kinesis_model.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::model {

class KinesisClient;

// An open SubscribeToShard, read event by event in virtual time, as boto3's
// `for event in response["EventStream"]` or the JS SDK's `for await (...)` reads one:
//
//   auto sub = co_await kinesis.SubscribeToShard({.ConsumerARN = arn, .ShardId = shard,
//                                                 .StartingPosition = {.Type = TRIM_HORIZON}});
//   if (!sub.ok()) ...                  // e.g. ResourceInUseException within 5 s of the last
//   EventStream events = std::move(sub).value();
//   while (true) {
//     auto event = co_await events.Next();
//     if (!event.ok()) break;           // failed: taken over, consumer or shard gone
//     if (!event->has_value()) break;   // ended: 5 minutes over, or the shard's last event sent
//     ... (*event)->Records, (*event)->ContinuationSequenceNumber, (*event)->ChildShards ...
//   }
//
// Events cost no call latency (the service pushes them); Next() sleeps until the next one is
// due (kinesis_model.h states the cadence). The subscription must not outlive its client.
class EventStream {
 public:
  EventStream(KinesisClient& client, uint64_t subscription_id, std::string shard_id,
              Instant ends_at);
  sim::Task<Outcome<std::optional<SubscribeToShardEvent>>> Next();
  const std::string& shard_id() const { return shard_id_; }
  Instant ends_at() const { return ends_at_; }
  bool ended() const { return ended_; }

 private:
  // What Next() answers for a delivery that is not kWait: its event, its error or the end
  // (an empty optional). Traces and observes the delivery, except a repeated end.
  enum class Answer { kEvent, kError, kEnd };
  Answer Finish(const SubscriptionDelivery& delivery);

  KinesisClient* client_;
  uint64_t subscription_id_;
  std::string shard_id_;
  Instant ends_at_;
  bool ended_ = false;
  // The delivery every poll is observed into (KinesisModel::ObserveSubscription), kept so that
  // its strings' room is reused from one poll to the next.
  SubscriptionDelivery delivery_;
  // Notified by the model when the shard changes while the stream waits at the tip; shared
  // with the model's wake, which may outlive a killed reader's stream.
  std::shared_ptr<sim::Signal> shard_changed_;
};

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
  // ListShards({.StreamName = stream_name}) with the answer shared, not copied
  // (KinesisModel::ListShardsShared); traced and observed exactly as that call.
  sim::Task<Outcome<std::shared_ptr<const ListShardsResponse>>> ListShardsShared(
      std::string stream_name);
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

  // Enhanced fan-out.
  sim::Task<Outcome<RegisterStreamConsumerResponse>> RegisterStreamConsumer(
      RegisterStreamConsumerRequest request);
  sim::Task<Outcome<DescribeStreamConsumerResponse>> DescribeStreamConsumer(
      DescribeStreamConsumerRequest request);
  sim::Task<Outcome<ListStreamConsumersResponse>> ListStreamConsumers(
      ListStreamConsumersRequest request);
  sim::Task<Outcome<Empty>> DeregisterStreamConsumer(DeregisterStreamConsumerRequest request);
  sim::Task<Outcome<EventStream>> SubscribeToShard(SubscribeToShardRequest request);

  // The same calls without latency, for producers and harnesses outside any process. They
  // take effect at the simulation's current time and are traced and observed alike.
  Outcome<Empty> CreateStreamNow(const CreateStreamRequest& request,
                                 const StreamOptions& options = {});
  Outcome<ListShardsResponse> ListShardsNow(const ListShardsRequest& request);
  Outcome<std::shared_ptr<const ListShardsResponse>> ListShardsSharedNow(
      std::string_view stream_name);
  Outcome<DescribeStreamResponse> DescribeStreamNow(const DescribeStreamRequest& request);
  Outcome<DescribeStreamSummaryResponse> DescribeStreamSummaryNow(
      const DescribeStreamSummaryRequest& request);
  Outcome<ListStreamsResponse> ListStreamsNow(const ListStreamsRequest& request);
  Outcome<PutRecordResponse> PutRecordNow(PutRecordRequest request);
  Outcome<PutRecordsResponse> PutRecordsNow(const PutRecordsRequest& request);
  Outcome<Empty> SplitShardNow(const SplitShardRequest& request);
  Outcome<Empty> MergeShardsNow(const MergeShardsRequest& request);
  Outcome<RegisterStreamConsumerResponse> RegisterStreamConsumerNow(
      const RegisterStreamConsumerRequest& request);
  Outcome<DescribeStreamConsumerResponse> DescribeStreamConsumerNow(
      const DescribeStreamConsumerRequest& request);
  Outcome<ListStreamConsumersResponse> ListStreamConsumersNow(
      const ListStreamConsumersRequest& request);
  Outcome<Empty> DeregisterStreamConsumerNow(const DeregisterStreamConsumerRequest& request);
  Outcome<EventStream> SubscribeToShardNow(const SubscribeToShardRequest& request);

 private:
  friend class EventStream;
  void TraceError(std::string_view call, const KinesisError& error,
                  std::vector<sim::TraceField> fields);
  // The trace record and observation of a ListShards of `stream_name` (`resumed`: by a
  // NextToken); `error` or `response` is set.
  void FinishListShards(std::string_view stream_name, bool resumed, const KinesisError* error,
                        const ListShardsResponse* response);
  // The call made, traced and observed; its outcome is for the caller to take.
  GetRecordsCall& DoGetRecords(GetRecordsRequest request);
  Outcome<GetShardIteratorResponse> DoGetShardIterator(GetShardIteratorRequest request);

  sim::Simulation* simulation_;
  KinesisModel* model_;
  std::string name_;
  Duration call_latency_;
  std::vector<CallObserver*> observers_;
  // Every GetRecords is observed into this one (KinesisModel::ObserveGetRecords), so the
  // strings describing its iterators reuse their room from call to call.
  GetRecordsCall get_records_call_{.outcome = KinesisError{}};
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_CLIENT_H_
