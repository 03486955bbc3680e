// KinesisModel: simulated Kinesis Data Streams, as a consumer sees them.
//
// This is the part no existing emulator has. A shard's life is a chain of time buckets (see
// BucketProfile); a record belongs to the bucket of its arrival time, and one GetRecords call
// returns records from its iterator's bucket only:
//   * at most `Limit` records and `max_get_records_bytes`, from the iterator's position, in
//     sequence order;
//   * if records of that bucket remain, NextShardIterator stays in the bucket after them;
//   * if the bucket is exhausted and its time slice is over, NextShardIterator points at the
//     start of the next bucket, empty or not; if the slice is still open (it contains now),
//     NextShardIterator stays put. No call moves past the tip;
//   * on a closed shard, once its last bucket is exhausted, NextShardIterator is absent and
//     ChildShards names the children. The last bucket is the one holding the shard's last
//     instant: a close exactly at a bucket's start ends the shard in the bucket before, unless a
//     record arrived at that very instant;
//   * an iterator never stands in a bucket that ended before the trim horizon (every record in
//     it has expired): TRIM_HORIZON, AT_TIMESTAMP older than the horizon and
//     AFTER_SEQUENCE_NUMBER of an expired record all start in the horizon's bucket, and an
//     iterator held while its records expire resumes there.
// So after an idle gap a consumer gets empty page after empty page, about one bucket width of
// shard time per call, before it reaches the next record — exactly what the seed article saw.
//
// MillisBehindLatest (the exact rule; internal/millis_behind_latest.h computes it): let P be
// NextShardIterator's position. It is 0 when the response ends the shard, or when P lies in the
// open bucket (the one containing now) and no record that has arrived lies at or after P. Otherwise
// it is
//   max(1, now - T) in milliseconds,
// where T is the arrival time of the record at P if P's bucket still holds one, else the start
// of P's bucket. Thus 0 means exactly "caught up": nothing has arrived that this iterator has
// not passed, and it stands at the tip. On an idle stretch it shrinks by about one bucket width
// per call (less the virtual time between calls). Note the consequence the article shows: an
// iterator parked in an old, empty bucket reports a large value even when no later record
// exists yet.
//
// Sequence numbers use the real 56-digit layout (sequence_number.h). A shard's counter advances
// by 1 per record plus `counter_step_per_bucket` for every bucket boundary since the previous
// record (for dense streams: every `dense_counter_slot`), so records in one bucket get
// consecutive counters (the article's 8398, 8399) and numbers grow with idle time.
//
// Stream status, as AWS moves it, lasting StreamOptions::status_change_delay of virtual time
// (zero by default: every change is complete when its call returns): CREATING after
// CreateStream, UPDATING after a change of its shards (SplitShard, MergeShards,
// UpdateShardCount) or retention, DELETING after DeleteStream (then it is gone), else ACTIVE.
// While CREATING, reads and writes see no stream (ResourceNotFoundException) and ListShards is
// ResourceInUseException; while UPDATING or DELETING they go on (the shards have already
// changed); in any of the three, a further change is ResourceInUseException. DescribeStream,
// DescribeStreamSummary and ListStreams report the status.
//
// Listings page as AWS's do: ListShards by MaxResults and NextToken (and ShardFilter),
// ListStreams by Limit and NextToken, DescribeStream by Limit and ExclusiveStartShardId (see
// kinesis_api.h). A NextToken lives 300 s of virtual time.
//
// Iterator tokens are accepted only exactly as issued: another spelling of the same bytes, a
// checksum mismatch, or a position the shard never had is an InvalidArgumentException.
//
// Enhanced fan-out (each rule's source: ../shared/docs/kinesis-semantics.md "Enhanced fan-out",
// and the AWS API reference pages named):
//   * Consumers (RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers,
//     DeregisterStreamConsumer): at most kMaxConsumersPerStream per stream (LimitExceeded),
//     names unique per stream (ResourceInUse), CREATING after registration and DELETING after
//     deregistration for the stream's status_change_delay (then ACTIVE, or gone), ARNs in
//     AWS's format (StreamArn). ListStreamConsumers pages by name with MaxResults (at most 100
//     a page) and a NextToken living 300 s. [API_RegisterStreamConsumer, API_ListStreamConsumers]
//   * SubscribeToShard needs an ACTIVE consumer (ResourceInUse "is not in ACTIVE status"), a
//     readable stream and an existing shard. Its StartingPosition follows GetShardIterator's
//     rules exactly (the same code), except that a position below the trim horizon is an
//     InvalidArgumentException whatever below_horizon says. A second call for the same
//     consumer and shard within 5 s of the last successful one is ResourceInUse; after that
//     it takes over, and the older subscription fails with ResourceInUse.
//     [API_SubscribeToShard]
//   * A subscription lasts 5 minutes of virtual time, then completes (kSubscriptionLifetime).
//   * Events walk the same buckets GetRecords walks: each event is one GetRecords step from
//     the subscription's position (that bucket only, at most 10,000 records and
//     kMaxEventBytes, the consumer's own 2 MiB/s per shard; the shared GetRecords limits do
//     not apply). So after an idle stretch a subscription delivers events without records
//     while MillisBehindLatest shrinks, as polling does.
//   * Cadence (chosen; AWS documents none for catching up): the first event at once, then at
//     most one a second (kEventInterval). At the tip (MillisBehindLatest 0, no records) an
//     event is sent only every kHeartbeatInterval (5 s, as seen on AWS: aws-sdk-ruby#2779);
//     a record arriving in between goes out when it arrives (AWS pushes within about 70 ms;
//     here at once, or 1 s after the previous event if that is later), and a subscription
//     resting at the tip keeps up with it (it does not walk the empty buckets that ended while
//     it rested one a second). A front end learns of such a change with WakeOnChange instead
//     of asking every second. A consumer that asks
//     later than an event is due gets it when it asks (the service sends only as fast as
//     HTTP/2 flow control lets it), so a slow consumer falls behind and still loses the
//     subscription at 5 minutes.
//   * ContinuationSequenceNumber: AFTER_SEQUENCE_NUMBER of it resumes exactly where the next
//     event would have started, including past an idle stretch (it encodes the position's
//     bucket time; it is the last delivered record's own number when the position is still in
//     that record's bucket, so AT_SEQUENCE_NUMBER of it repeats that record). Continuations
//     never decrease, within a subscription and across resubscriptions AFTER them: where the
//     position a resubscription resumes at lies a bucket or two before the one the number was
//     made for (its put time holds whole seconds), the subscription repeats the number it
//     started from until it has walked past it. The last event of a closed shard has no
//     continuation and carries ChildShards; the subscription then completes.
//     [API_SubscribeToShardEvent]
//
// Every call takes the virtual time `now` at which it takes effect; `now` must not go
// backwards between calls (a broken invariant otherwise). Shards can be created only at times
// whose Unix seconds fit a sequence number's 36-bit field (1970 to the year 4147); CreateStream,
// SplitShard and MergeShards at other times are an InvalidArgumentException (the put-time field
// of a record is clamped to that range). Errors a caller can cause come back as KinesisError
// values with the AWS exception name; nothing a caller sends can crash the model.
// Deterministic: bucket widths come from `seed`, forked per stream and shard.
#ifndef SHARDSIM_MODEL_KINESIS_MODEL_H_
#define SHARDSIM_MODEL_KINESIS_MODEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/call_observation.h"
#include "model/hash_key.h"
#include "model/kinesis_api.h"
#include "model/sequence_number.h"
#include "model/stream_options.h"
#include "sim/random.h"

namespace shardsim::sim {
class Signal;
}  // namespace shardsim::sim

namespace shardsim::model {

namespace internal {
struct ConsumerState;
class IteratorTokenMemo;
class ShardStore;
struct DecodedToken;
struct Position;
}  // namespace internal

class KinesisModel {
 public:
  explicit KinesisModel(uint64_t seed);
  ~KinesisModel();
  KinesisModel(const KinesisModel&) = delete;
  KinesisModel& operator=(const KinesisModel&) = delete;

  // Creates a stream with ShardCount (1..1000) shards evenly splitting the hash-key space.
  // `options` must pass Validate(); an invalid one is an InvalidArgumentException.
  Outcome<Empty> CreateStream(Instant now, const CreateStreamRequest& request,
                              const StreamOptions& options = {});
  // The retained shards, in shard-index order, a page at a time (see kinesis_api.h).
  Outcome<ListShardsResponse> ListShards(Instant now, const ListShardsRequest& request);
  // ListShards(now, {.StreamName = stream_name}), shared: a loop that lists a stream's shards
  // every few seconds gets the same answer object until the listing changes (a shard added,
  // closed or expired) instead of a copy of every shard's strings each time.
  Outcome<std::shared_ptr<const ListShardsResponse>> ListShardsShared(Instant now,
                                                                      std::string_view stream_name);
  Outcome<PutRecordResponse> PutRecord(Instant now, const PutRecordRequest& request);
  Outcome<PutRecordsResponse> PutRecords(Instant now, const PutRecordsRequest& request);
  Outcome<GetShardIteratorResponse> GetShardIterator(Instant now,
                                                     const GetShardIteratorRequest& request);
  Outcome<GetRecordsResponse> GetRecords(Instant now, const GetRecordsRequest& request);
  Outcome<Empty> SplitShard(Instant now, const SplitShardRequest& request);
  Outcome<Empty> MergeShards(Instant now, const MergeShardsRequest& request);

  // Stream administration -------------------------------------------------------------------
  // Removes the stream and its records (after DELETING); its iterators then name an unknown
  // stream.
  Outcome<Empty> DeleteStream(Instant now, const DeleteStreamRequest& request);
  Outcome<ListStreamsResponse> ListStreams(Instant now, const ListStreamsRequest& request = {});
  Outcome<DescribeStreamResponse> DescribeStream(Instant now, const DescribeStreamRequest& request);
  Outcome<StreamSummary> DescribeStreamSummary(Instant now, std::string_view stream_name);
  // RetentionPeriodHours in 24..8,760 and not below (Increase) or above (Decrease) the current
  // period, else InvalidArgumentException. A shorter period expires records at once.
  Outcome<Empty> IncreaseStreamRetentionPeriod(Instant now, const RetentionPeriodRequest& request);
  Outcome<Empty> DecreaseStreamRetentionPeriod(Instant now, const RetentionPeriodRequest& request);
  // Uniform scaling: splits the open shards at the boundaries of TargetShardCount equal ranges,
  // then merges what lies inside each range, all at `now` (so, as in AWS, intermediate shards
  // can exist that are created and closed at once). The target must be within half and double
  // the open shard count (and 1..1,000), else InvalidArgumentException / LimitExceeded.
  Outcome<UpdateShardCountResponse> UpdateShardCount(Instant now,
                                                     const UpdateShardCountRequest& request);

  // Stream settings (stream_settings.cc) -----------------------------------------------------
  // Tags: at most kMaxTagsPerStream a stream (more is InvalidArgument, nothing added); adding
  // an existing key overwrites its value; removing an absent key is no error. They need a
  // stream not CREATING or DELETING (ResourceInUse) and change nothing else.
  Outcome<Empty> AddTagsToStream(Instant now, const AddTagsToStreamRequest& request);
  Outcome<Empty> RemoveTagsFromStream(Instant now, const RemoveTagsFromStreamRequest& request);
  Outcome<ListTagsForStreamResponse> ListTagsForStream(Instant now,
                                                       const ListTagsForStreamRequest& request);
  // Shard-level metrics ("ALL" stands for every one) are added or removed, and reported by
  // DescribeStream and DescribeStreamSummary; a change needs an ACTIVE stream and leaves it
  // UPDATING for its status_change_delay, as AWS does.
  Outcome<EnhancedMonitoringResponse> EnableEnhancedMonitoring(
      Instant now, const EnhancedMonitoringRequest& request);
  Outcome<EnhancedMonitoringResponse> DisableEnhancedMonitoring(
      Instant now, const EnhancedMonitoringRequest& request);
  // KMS encryption with KeyId on (Start) or off (Stop: KeyId must be the one in use, else
  // InvalidArgument); reported as EncryptionType and KeyId; an ACTIVE stream, then UPDATING.
  // No key is checked or used: records are stored as they come.
  Outcome<Empty> StartStreamEncryption(Instant now, const StreamEncryptionRequest& request);
  Outcome<Empty> StopStreamEncryption(Instant now, const StreamEncryptionRequest& request);
  // The account's open shards and on-demand streams against AWS's default quotas.
  DescribeLimitsResponse DescribeLimits(Instant now);

  // Enhanced fan-out (see the rules above) -------------------------------------------------
  Outcome<RegisterStreamConsumerResponse> RegisterStreamConsumer(
      Instant now, const RegisterStreamConsumerRequest& request);
  Outcome<DescribeStreamConsumerResponse> DescribeStreamConsumer(
      Instant now, const DescribeStreamConsumerRequest& request);
  Outcome<ListStreamConsumersResponse> ListStreamConsumers(
      Instant now, const ListStreamConsumersRequest& request);
  Outcome<Empty> DeregisterStreamConsumer(Instant now,
                                          const DeregisterStreamConsumerRequest& request);
  Outcome<SubscribeToShardResponse> SubscribeToShard(Instant now,
                                                     const SubscribeToShardRequest& request);
  // The subscription's next step as of `now`: an event (taken: the position moves on), a time
  // to ask again, its completion, or the error that ended it. Polling an unknown id is a
  // broken invariant. Asking again after kComplete or kFailed repeats it.
  SubscriptionPoll PollSubscription(Instant now, uint64_t subscription_id);
  // The same two as `client` made them, with the positions described: where the subscription
  // starts, and where each event read from and left it (see call_observation.h). A
  // delivery's poll may be kWait, which front ends neither trace nor observe; such a delivery
  // carries only its time, client, subscription id and poll.
  SubscribeToShardCall ObserveSubscribeToShard(Instant now, std::string client,
                                               SubscribeToShardRequest request);
  SubscriptionDelivery ObserveSubscription(Instant now, std::string client,
                                           uint64_t subscription_id);
  // The same into `delivery`, reusing its strings' room (a front end polling one subscription
  // keeps one delivery, and most polls would otherwise allocate and free its strings). After a
  // kWait poll only its time, subscription id and poll are set; the rest is left as it was,
  // but for the shard id, emptied when the delivery last described another subscription. The
  // consumer ARN and shard id are set only when the shard id is empty (a subscription's never
  // change): a delivery handed back for the same subscription keeps them.
  void ObserveSubscription(Instant now, std::string_view client, uint64_t subscription_id,
                           SubscriptionDelivery& delivery);
  // For a subscription whose last poll was kWait with until_change: `wake` is called once, from
  // inside the call that changes what it would read (a put to its shard, a reshard or the
  // deletion of its stream, the deregistration of its consumer), so a front end need not ask
  // every second at the tip. Replaces an earlier wake of the same subscription; dropped when it
  // fires, when the subscription ends, or by CancelWake. `wake` must not call the model.
  void WakeOnChange(uint64_t subscription_id, std::function<void()> wake);
  // The same with `signal->NotifyAll()` as the wake. Measured: a std::function holding a
  // shared_ptr is allocated on the heap, about 190 instructions per rest of a subscription.
  void WakeOnChange(uint64_t subscription_id, std::shared_ptr<sim::Signal> signal);
  void CancelWake(uint64_t subscription_id);

  static constexpr Duration kSubscriptionLifetime = Duration::Micros(300'000'000);  // 5 min
  static constexpr Duration kResubscribeGuard = Duration::Micros(5'000'000);        // 5 s
  static constexpr Duration kEventInterval = Duration::Micros(1'000'000);           // 1 s
  static constexpr Duration kHeartbeatInterval = Duration::Micros(5'000'000);       // 5 s
  static constexpr int64_t kMaxEventBytes = 2 * 1024 * 1024;

  // Observed calls (call_observation.h) -------------------------------------------------------
  // GetRecords, GetShardIterator and PutRecord as `client` made them, with the iterators they
  // name described: the request's token is decoded once, the issued ones not at all.
  GetRecordsCall ObserveGetRecords(Instant now, std::string client, GetRecordsRequest request);
  // The same into `call`, reusing the room of its strings (a client keeps one).
  void ObserveGetRecords(Instant now, std::string_view client, GetRecordsRequest request,
                         GetRecordsCall& call);
  GetShardIteratorCall ObserveGetShardIterator(Instant now, std::string client,
                                               GetShardIteratorRequest request);
  PutCall ObservePutRecord(Instant now, std::string client, PutRecordRequest request);

  // Introspection (not AWS API) ------------------------------------------------------------
  // Decodes a token without checking expiry; InvalidArgument for garbage.
  Outcome<IteratorInfo> DescribeIterator(std::string_view shard_iterator) const;
  // Start of `bucket` in the shard, or nullopt for an unknown stream or shard.
  std::optional<Instant> BucketStart(std::string_view stream, std::string_view shard_id,
                                     uint64_t bucket);
  const StreamOptions* options(std::string_view stream) const;
  // Records currently retained in a shard (0 for unknown).
  uint64_t RetainedRecords(std::string_view stream, std::string_view shard_id) const;
  // Bytes a shard's storage uses beyond its payload bytes (for the memory benchmark).
  uint64_t OverheadBytes(std::string_view stream, std::string_view shard_id) const;

 private:
  struct Stream;
  struct Resolved;
  struct Subscription;

  // What a call does to a stream, for its status: reads and writes (no stream while CREATING),
  // listing its shards (ResourceInUse while CREATING), changing it (ResourceInUse unless
  // ACTIVE).
  enum class Access { kReadWrite, kList, kChange };

  // Checks that `now` does not go back, and completes the deletions due by then.
  void Advance(Instant now);
  // The stream, if it exists and its status allows `access` at `now`.
  Outcome<Stream*> UsableStream(Instant now, std::string_view name, Access access);
  // `status` for the stream's status_change_delay from `now` (nothing when it is zero).
  void MarkBusy(Stream& stream, StreamStatus status, Instant now);
  // Removes the streams whose DELETING time has passed.
  void CompleteDeletions(Instant now);
  // The description of every retained shard, in index order (valid until the next call).
  std::vector<const Shard*> Listing(Stream& stream, Instant now);
  StreamSummary Summarize(Stream& stream, Instant now);
  // SplitShard and MergeShards without the status check and change (UpdateShardCount makes
  // several changes in one).
  Outcome<Empty> Split(Instant now, Stream& stream, const SplitShardRequest& request);
  Outcome<Empty> Merge(Instant now, Stream& stream, const MergeShardsRequest& request);
  Stream* FindStream(std::string_view name);
  const Stream* FindStream(std::string_view name) const;
  internal::ShardStore* FindShard(Stream& stream, std::string_view shard_id);
  const internal::ShardStore* FindShard(const Stream& stream, std::string_view shard_id) const;
  // The stream or shard, or a ResourceNotFoundException naming it.
  Outcome<Stream*> StreamOrNotFound(std::string_view name);
  Outcome<internal::ShardStore*> ShardOrNotFound(Stream& stream, std::string_view shard_id);
  // The id a live shard keeps, formatted only for a shard retired since.
  std::string ShardIdAt(const Stream& stream, uint32_t index) const;
  // The shard as ListShards describes it.
  Shard DescribeShard(const Stream& stream, const internal::ShardStore& shard) const;
  internal::ShardStore& Route(Stream& stream, const HashKey& key);
  void Retire(Stream& stream, Instant now);
  // The request's token, already decoded (nullptr: it decodes to nothing), resolved to its
  // stream and shard.
  Outcome<Resolved> ResolveIterator(Instant now, const GetRecordsRequest& request,
                                    const internal::DecodedToken* decoded);
  // GetRecords after its Limit check, into `out` (a response is built in out's own room);
  // describes the NextShardIterator into `next_info` when given. Measured: returned by value,
  // a response was moved three times more and its husks destroyed (about 3% of a polling run).
  // `token_room`, when given, is a string whose room the NextShardIterator takes (a response
  // handed on leaves none in `out`; measured: an allocation and a free per call).
  void ReadRecords(Instant now, const GetRecordsRequest& request,
                   const internal::DecodedToken* decoded, std::optional<IteratorInfo>* next_info,
                   Outcome<GetRecordsResponse>& out, std::string* token_room = nullptr);
  // GetShardIterator; describes the iterator into `issued` when given.
  Outcome<GetShardIteratorResponse> IssueIterator(Instant now,
                                                  const GetShardIteratorRequest& request,
                                                  std::optional<IteratorInfo>* issued);
  static IteratorInfo InfoOf(const internal::DecodedToken& decoded);
  // What an iterator names, into `out` (its strings' room reused).
  static void DescribeInto(std::optional<IteratorInfo>& out, std::string_view stream,
                           std::string_view shard_id, const internal::Position& position,
                           Instant issued, bool stuck);
  Outcome<internal::Position> StartPosition(Instant now, Stream& stream,
                                            internal::ShardStore& shard,
                                            const GetShardIteratorRequest& request, bool& stuck);
  Outcome<internal::Position> SequencePosition(Instant now, Stream& stream,
                                               internal::ShardStore& shard,
                                               const GetShardIteratorRequest& request, bool& stuck);
  std::optional<KinesisError> AdmitWrite(Instant now, const Stream& stream,
                                         internal::ShardStore& shard, int64_t bytes);
  // GetRecords' rate limits: counts the call, then says whether it is throttled.
  std::optional<KinesisError> AdmitRead(Instant now, const Stream& stream,
                                        internal::ShardStore& shard);
  // Accounts the bytes a GetRecords response returned.
  void ChargeRead(Instant now, const Stream& stream, internal::ShardStore& shard, int64_t bytes);
  Outcome<PutRecordResponse> PutOne(Instant now, Stream& stream, std::string_view partition_key,
                                    std::string_view data,
                                    const std::optional<std::string>& explicit_hash_key);
  // The token of `position`, described into `described` when given.
  std::string EncodeIterator(const Stream& stream, const internal::ShardStore& shard,
                             const internal::Position& position, Instant issued, bool stuck,
                             std::optional<IteratorInfo>* described = nullptr);
  // The same, into `out`'s room.
  void EncodeIteratorInto(const Stream& stream, const internal::ShardStore& shard,
                          const internal::Position& position, Instant issued, bool stuck,
                          std::optional<IteratorInfo>* described, std::string& out);
  std::vector<ChildShard> ChildShardsOf(Stream& stream, const internal::ShardStore& shard);
  // Enhanced fan-out (enhanced_fan_out.cc, and the event step in kinesis_model.cc).
  // One event of `subscription` at `now`, a GetRecords step from its position, which moves on.
  // `at_rest`: `may_rest` (no heartbeat due), no records, caught up, and not the shard's end;
  // such a step is not sent, so its event is left without continuation and `described` as is.
  // The event is built in `event` (REQUIRES: a default-constructed one's value).
  void WalkSubscription(Instant now, Stream& stream, internal::ShardStore& shard,
                        Subscription& subscription, bool may_rest, bool& at_rest,
                        SubscriptionDelivery* described, SubscribeToShardEvent& event);
  Outcome<SubscribeToShardResponse> OpenSubscription(Instant now,
                                                     const SubscribeToShardRequest& request,
                                                     std::optional<IteratorInfo>* described);
  // The answer of a poll into `out`, as a fresh SubscriptionPoll would hold it; an event is
  // built in `out`'s own. Measured: returned by value, each event was moved twice more and
  // its husks destroyed (about 3% of a fan-out run).
  void Poll(Instant now, uint64_t subscription_id, SubscriptionDelivery* described,
            SubscriptionPoll& out);
  static SequenceNumber ContinuationAt(internal::ShardStore& shard, const internal::Position& p);
  // The consumer an ARN names, if it exists and has not gone; `stream` is set to its stream.
  internal::ConsumerState* FindConsumer(Instant now, std::string_view consumer_arn,
                                        Stream*& stream);
  // The same, given the parts of the ARN (its stream and consumer names).
  internal::ConsumerState* FindConsumer(Instant now, std::string_view stream_name,
                                        std::string_view consumer_name,
                                        std::string_view consumer_arn, Stream*& stream);
  // FindConsumer for a subscription's poll, remembered in the subscription between erasures.
  internal::ConsumerState* SubscriptionConsumer(Instant now, Subscription& subscription,
                                                Stream*& stream);
  Outcome<internal::ConsumerState*> SelectConsumer(Instant now, const ConsumerSelector& selector,
                                                   Stream*& stream);
  Outcome<Stream*> StreamOfArn(Instant now, std::string_view stream_arn);
  // Drops consumers whose DELETING time is over.
  void PruneConsumers(Stream& stream, Instant now);
  SubscriptionPoll EndSubscription(Subscription& subscription, SubscriptionPoll end);
  // The subscription `id` names; nullptr for an id never issued.
  Subscription* FindSubscription(uint64_t id) const;
  // Calls (and drops) the wakes of the subscriptions on `stream` (on its shard `shard_index`
  // only, when given).
  void WakeSubscribers(const Stream& stream, std::optional<uint32_t> shard_index);
  Outcome<Empty> SetRetention(Instant now, const RetentionPeriodRequest& request, bool increase);
  Outcome<EnhancedMonitoringResponse> ChangeMonitoring(Instant now,
                                                       const EnhancedMonitoringRequest& request,
                                                       bool enable);

  uint64_t seed_;
  Instant last_now_ = Instant::FromUnixMicros(INT64_MIN);
  // The model's own cache of recent tokens; DescribeIterator, though const, updates it.
  std::unique_ptr<internal::IteratorTokenMemo> token_memo_;
  std::map<std::string, std::unique_ptr<Stream>, std::less<>> streams_;
  int deleting_ = 0;  // streams DELETING, so Advance looks for due deletions only then
  // Streams and consumers erased so far: a pointer to either found while this count was the
  // same is still valid.
  uint64_t erasures_ = 0;
  // Open and ended subscriptions, subscription id - 1 its index (ids count up from 1: a vector,
  // not a map, since every poll looks one up), and the newest one of each (consumer ARN, shard id).
  std::vector<std::unique_ptr<Subscription>> subscriptions_;
  std::map<std::pair<std::string, std::string>, uint64_t> newest_subscription_;
  uint64_t next_subscription_id_ = 1;
  // A WakeOnChange wake, kept in its subscription while it waits.
  struct Wake {
    std::function<void()> call;           // empty when `signal` is the wake
    std::shared_ptr<sim::Signal> signal;  // notified when set
    void Fire() const;
  };
  // The subscription, listed in waiting_ (its wake set in place by the caller: moving a whole
  // Wake in and out at every rest cost more than the list it replaced).
  Subscription& WaitingSubscription(uint64_t subscription_id);
  // The ids of the subscriptions with a wake set, sorted (a few at a time: set and cancelled at
  // every rest of a subscription; the wakes stay in their subscriptions, since moving them along
  // a vector of wakes at each set and cancel showed in profiles, 3% of a lambda-efo run).
  std::vector<uint64_t> waiting_;
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_KINESIS_MODEL_H_
