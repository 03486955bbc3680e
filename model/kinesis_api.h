// The Kinesis-shaped request and response types, and the typed errors every call can return.
//
// Field names mirror the AWS API (GetRecords' `ShardIterator`, `Limit`, `Records`,
// `NextShardIterator`, `MillisBehindLatest`, `ChildShards`, ...) so that a production consumer
// loop ports to shardsim nearly line by line. Optional AWS fields are std::optional: in
// particular `NextShardIterator` is absent (not empty) at the end of a closed shard, as the
// real JSON key is. Record `Data` is raw bytes (the AWS SDKs hand you decoded bytes too).
//
// Every call returns `Outcome<Response>`: either the response or a `KinesisError` carrying the
// AWS exception name and an AWS-like message.
#ifndef SHARDSIM_MODEL_KINESIS_API_H_
#define SHARDSIM_MODEL_KINESIS_API_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/check.h"
#include "sim/time.h"

namespace shardsim::model {

using sim::Duration;
using sim::Instant;

enum class ErrorCode {
  kExpiredIterator,                // ExpiredIteratorException
  kProvisionedThroughputExceeded,  // ProvisionedThroughputExceededException
  kInvalidArgument,                // InvalidArgumentException
  kResourceNotFound,               // ResourceNotFoundException
  kResourceInUse,                  // ResourceInUseException
  kLimitExceeded,                  // LimitExceededException
  kExpiredNextToken,               // ExpiredNextTokenException
};
// The AWS exception name, e.g. "ExpiredIteratorException".
std::string_view ErrorName(ErrorCode code);

struct KinesisError {
  ErrorCode code;
  std::string message;
  // "ExpiredIteratorException: Iterator expired. ..."
  std::string ToString() const;
  friend bool operator==(const KinesisError&, const KinesisError&) = default;
};

// The response of a call, or the error it raised.
template <typename T>
class [[nodiscard]] Outcome {
 public:
  // By reference rather than by value: a response moved in is moved once, not twice (an event
  // of a subscription passes through several Outcomes on its way to the consumer, measured).
  Outcome(const T& value) : value_(value) {}                 // NOLINT: implicit on purpose
  Outcome(T&& value) : value_(std::move(value)) {}           // NOLINT
  Outcome(KinesisError error) : value_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  const T& value() const& {
    SHARDSIM_CHECK(ok(), "Outcome::value() on an error");
    return std::get<T>(value_);
  }
  T& value() & {
    SHARDSIM_CHECK(ok(), "Outcome::value() on an error");
    return std::get<T>(value_);
  }
  T&& value() && {
    SHARDSIM_CHECK(ok(), "Outcome::value() on an error");
    return std::get<T>(std::move(value_));
  }
  const KinesisError& error() const {
    SHARDSIM_CHECK(!ok(), "Outcome::error() on a success");
    return std::get<KinesisError>(value_);
  }
  // True when this is an error with `code`.
  bool Is(ErrorCode code) const { return !ok() && error().code == code; }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }
  // Mutable access, so `std::move(outcome->Shards)` moves rather than copies.
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, KinesisError> value_;
};

// An empty response (CreateStream, SplitShard, MergeShards).
struct Empty {};

enum class ShardIteratorType {
  AT_SEQUENCE_NUMBER,
  AFTER_SEQUENCE_NUMBER,
  TRIM_HORIZON,
  LATEST,
  AT_TIMESTAMP,
};
std::string_view ShardIteratorTypeName(ShardIteratorType type);

struct Record {
  std::string SequenceNumber;
  Instant ApproximateArrivalTimestamp;
  std::string Data;
  std::string PartitionKey;
};

struct HashKeyRangeText {
  std::string StartingHashKey;  // decimal, as AWS prints it
  std::string EndingHashKey;
};

struct SequenceNumberRange {
  std::string StartingSequenceNumber;
  std::optional<std::string> EndingSequenceNumber;  // set once the shard is closed
};

struct Shard {
  std::string ShardId;
  std::optional<std::string> ParentShardId;
  std::optional<std::string> AdjacentParentShardId;
  ::shardsim::model::HashKeyRangeText HashKeyRange;
  ::shardsim::model::SequenceNumberRange SequenceNumberRange;
};

struct ChildShard {
  std::string ShardId;
  std::vector<std::string> ParentShards;
  ::shardsim::model::HashKeyRangeText HashKeyRange;
};

// A stream's status, as DescribeStream, DescribeStreamSummary and ListStreams report it;
// KinesisModel's header says how long each lasts and what each allows.
enum class StreamStatus { CREATING, DELETING, ACTIVE, UPDATING };
std::string_view StreamStatusName(StreamStatus status);

enum class StreamMode { PROVISIONED, ON_DEMAND };
std::string_view StreamModeName(StreamMode mode);
struct StreamModeDetails {
  ::shardsim::model::StreamMode StreamMode = ::shardsim::model::StreamMode::PROVISIONED;
  friend bool operator==(const StreamModeDetails&, const StreamModeDetails&) = default;
};

// The page sizes of the listing operations: MaxResults (ListShards), Limit (DescribeStream,
// ListStreams) are 1..10,000 when given.
inline constexpr int kMaxPageSize = 10'000;
inline constexpr int kDefaultListShardsMaxResults = 1'000;
inline constexpr int kDefaultDescribeStreamLimit = 100;
inline constexpr int kDefaultListStreamsLimit = 100;

struct CreateStreamRequest {
  std::string StreamName;
  int ShardCount = 1;
  ::shardsim::model::StreamModeDetails StreamModeDetails;
};

// Which shards ListShards returns (AWS's ShardFilter). Times compare at whole seconds, as the
// shards' sequence numbers record them.
//   AFTER_SHARD_ID     shards after ShardId (required with this type, not allowed otherwise)
//   AT_TRIM_HORIZON    shards open at the trim horizon
//   FROM_TRIM_HORIZON  every shard still retained (what no filter returns)
//   AT_LATEST          the open shards
//   AT_TIMESTAMP       shards open at Timestamp (required with this and FROM_TIMESTAMP)
//   FROM_TIMESTAMP     shards open at Timestamp or created after it
// A Timestamp before the stream's creation counts as its creation.
enum class ShardFilterType {
  AFTER_SHARD_ID,
  AT_TRIM_HORIZON,
  FROM_TRIM_HORIZON,
  AT_LATEST,
  AT_TIMESTAMP,
  FROM_TIMESTAMP,
};
std::string_view ShardFilterTypeName(ShardFilterType type);
// nullopt for a name that is none of the six.
std::optional<ShardFilterType> ShardFilterTypeFromName(std::string_view name);
struct ShardFilter {
  ShardFilterType Type = ShardFilterType::FROM_TRIM_HORIZON;
  std::optional<std::string> ShardId;
  std::optional<Instant> Timestamp;
  friend bool operator==(const ShardFilter&, const ShardFilter&) = default;
};

// Either StreamName (with optional ExclusiveStartShardId and ShardFilter) or NextToken alone
// (with optional MaxResults): a token carries the stream, the position and the filter of the
// call that issued it, and expires 300 s after (ExpiredNextTokenException).
struct ListShardsRequest {
  std::string StreamName;
  std::optional<std::string> NextToken;
  std::optional<std::string> ExclusiveStartShardId;
  std::optional<int> MaxResults;  // 1..10,000; absent means 1,000
  std::optional<::shardsim::model::ShardFilter> ShardFilter;
};
struct ListShardsResponse {
  std::vector<Shard> Shards;             // ordered by shard index, as AWS lists them
  std::optional<std::string> NextToken;  // present exactly when more shards match
};

// DescribeStream pages with ExclusiveStartShardId and HasMoreShards (it has no NextToken).
struct DescribeStreamRequest {
  std::string StreamName;
  std::optional<int> Limit;  // 1..10,000; absent means 100
  std::optional<std::string> ExclusiveStartShardId;
};
// Server-side encryption as a stream reports it (StartStreamEncryption; no KMS behind it).
enum class EncryptionType { NONE, KMS };
std::string_view EncryptionTypeName(EncryptionType type);

struct StreamDescription {
  std::string StreamName;
  ::shardsim::model::StreamStatus StreamStatus = ::shardsim::model::StreamStatus::ACTIVE;
  ::shardsim::model::StreamModeDetails StreamModeDetails;
  std::vector<Shard> Shards;
  bool HasMoreShards = false;
  Duration RetentionPeriod;
  Instant StreamCreationTimestamp;
  std::vector<std::string> ShardLevelMetrics;  // enhanced monitoring, in AWS's order
  ::shardsim::model::EncryptionType EncryptionType = ::shardsim::model::EncryptionType::NONE;
  std::optional<std::string> KeyId;  // with KMS
};
struct DescribeStreamResponse {
  ::shardsim::model::StreamDescription StreamDescription;
};

struct PutRecordRequest {
  std::string StreamName;
  std::string PartitionKey;
  std::string Data;
  std::optional<std::string> ExplicitHashKey;
};
struct PutRecordResponse {
  std::string ShardId;
  std::string SequenceNumber;
};

struct PutRecordsRequestEntry {
  std::string PartitionKey;
  std::string Data;
  std::optional<std::string> ExplicitHashKey;
};
struct PutRecordsRequest {
  std::string StreamName;
  std::vector<PutRecordsRequestEntry> Records;
};
struct PutRecordsResultEntry {
  std::optional<std::string> SequenceNumber;
  std::optional<std::string> ShardId;
  std::optional<std::string> ErrorCode;  // e.g. "ProvisionedThroughputExceededException"
  std::optional<std::string> ErrorMessage;
};
struct PutRecordsResponse {
  int FailedRecordCount = 0;
  std::vector<PutRecordsResultEntry> Records;  // one per request entry, in order
};

struct GetShardIteratorRequest {
  std::string StreamName;
  std::string ShardId;
  ::shardsim::model::ShardIteratorType ShardIteratorType =
      ::shardsim::model::ShardIteratorType::TRIM_HORIZON;
  std::optional<std::string> StartingSequenceNumber;
  std::optional<Instant> Timestamp;
};
struct GetShardIteratorResponse {
  std::string ShardIterator;
};

struct GetRecordsRequest {
  std::string ShardIterator;
  std::optional<int> Limit;               // 1..10,000; absent means 10,000
  std::optional<std::string> StreamName;  // optional cross-check, as StreamARN is in AWS
};
struct GetRecordsResponse {
  std::vector<Record> Records;
  std::optional<std::string> NextShardIterator;  // absent at the end of a closed shard
  int64_t MillisBehindLatest = 0;
  std::vector<ChildShard> ChildShards;  // non-empty only at a closed shard's end
};

struct SplitShardRequest {
  std::string StreamName;
  std::string ShardToSplit;
  std::string NewStartingHashKey;
};

struct MergeShardsRequest {
  std::string StreamName;
  std::string ShardToMerge;
  std::string AdjacentShardToMerge;
};

// Stream administration (used by `shardsim serve`) ---------------------------------------------

struct DeleteStreamRequest {
  std::string StreamName;
};

struct StreamSummary {
  std::string StreamName;
  Instant StreamCreationTimestamp;
  Duration RetentionPeriod;
  int OpenShardCount = 0;
  ::shardsim::model::StreamStatus StreamStatus = ::shardsim::model::StreamStatus::ACTIVE;
  ::shardsim::model::StreamModeDetails StreamModeDetails;
  std::vector<std::string> ShardLevelMetrics;
  ::shardsim::model::EncryptionType EncryptionType = ::shardsim::model::EncryptionType::NONE;
  std::optional<std::string> KeyId;
  int ConsumerCount = 0;  // registered consumers, DELETING ones included
};

struct DescribeStreamSummaryRequest {
  std::string StreamName;
};
struct DescribeStreamSummaryResponse {
  StreamSummary StreamDescriptionSummary;
};

// NextToken, when given, takes the place of ExclusiveStartStreamName.
struct ListStreamsRequest {
  std::optional<int> Limit;  // 1..10,000; absent means 100
  std::optional<std::string> ExclusiveStartStreamName;
  std::optional<std::string> NextToken;
};
struct ListStreamsResponse {
  std::vector<std::string> StreamNames;  // in byte order of the names, as AWS lists them
  bool HasMoreStreams = false;
  std::optional<std::string> NextToken;        // present exactly when HasMoreStreams
  std::vector<StreamSummary> StreamSummaries;  // one per name, in the same order
};

// Increase/DecreaseStreamRetentionPeriod.
struct RetentionPeriodRequest {
  std::string StreamName;
  int RetentionPeriodHours = 24;
};

// UpdateShardCount with ScalingType UNIFORM_SCALING.
struct UpdateShardCountRequest {
  std::string StreamName;
  int TargetShardCount = 1;
};
struct UpdateShardCountResponse {
  std::string StreamName;
  int CurrentShardCount = 0;
  int TargetShardCount = 0;
};

// Enhanced fan-out ----------------------------------------------------------------------------
// Stream ARNs are arn:aws:kinesis:us-east-1:123456789012:stream/NAME; a consumer's is
// STREAM_ARN/consumer/CONSUMER_NAME:CREATION_EPOCH_SECONDS, as AWS prints them.
std::string StreamArn(std::string_view stream_name);

enum class ConsumerStatus { CREATING, DELETING, ACTIVE };
std::string_view ConsumerStatusName(ConsumerStatus status);

inline constexpr int kMaxConsumersPerStream = 20;
inline constexpr int kDefaultListStreamConsumersMaxResults = 100;

struct Consumer {
  std::string ConsumerName;
  std::string ConsumerARN;
  ::shardsim::model::ConsumerStatus ConsumerStatus = ::shardsim::model::ConsumerStatus::ACTIVE;
  Instant ConsumerCreationTimestamp;
};

struct ConsumerDescription {
  std::string ConsumerName;
  std::string ConsumerARN;
  ::shardsim::model::ConsumerStatus ConsumerStatus = ::shardsim::model::ConsumerStatus::ACTIVE;
  Instant ConsumerCreationTimestamp;
  std::string StreamARN;
};

// ConsumerName: 1..128 characters of [a-zA-Z0-9_.-].
struct RegisterStreamConsumerRequest {
  std::string StreamARN;
  std::string ConsumerName;
};
struct RegisterStreamConsumerResponse {
  ::shardsim::model::Consumer Consumer;
};

// Names a consumer by its ARN, or by StreamARN and ConsumerName (exactly one of the two ways).
struct ConsumerSelector {
  std::optional<std::string> StreamARN;
  std::optional<std::string> ConsumerName;
  std::optional<std::string> ConsumerARN;
};
using DescribeStreamConsumerRequest = ConsumerSelector;
using DeregisterStreamConsumerRequest = ConsumerSelector;
struct DescribeStreamConsumerResponse {
  ::shardsim::model::ConsumerDescription ConsumerDescription;
};

// NextToken, when given, replaces nothing: StreamARN is still required, as in AWS.
struct ListStreamConsumersRequest {
  std::string StreamARN;
  std::optional<int> MaxResults;  // 1..10,000; absent means 100; at most 100 are returned
  std::optional<std::string> NextToken;
  // When given, must equal the stream's creation time (it tells incarnations of a name apart).
  std::optional<Instant> StreamCreationTimestamp;
};
struct ListStreamConsumersResponse {
  std::vector<::shardsim::model::Consumer> Consumers;  // in name order
  std::optional<std::string> NextToken;
};

struct StartingPosition {
  ShardIteratorType Type = ShardIteratorType::LATEST;
  std::optional<std::string> SequenceNumber;  // AT_ and AFTER_SEQUENCE_NUMBER
  std::optional<Instant> Timestamp;           // AT_TIMESTAMP
};

struct SubscribeToShardRequest {
  std::string ConsumerARN;
  std::string ShardId;
  ::shardsim::model::StartingPosition StartingPosition;
};

// What the model hands back for a subscription it opened (AWS answers with an event stream on
// the same HTTP/2 response; the model names that stream by id, and events are taken from it
// with KinesisModel::PollSubscription).
struct SubscribeToShardResponse {
  uint64_t SubscriptionId = 0;
  Instant EndsAt;  // five minutes after it began
};

struct SubscribeToShardEvent {
  std::vector<Record> Records;
  // Where a resubscription AFTER_SEQUENCE_NUMBER resumes; absent in the last event of a closed
  // shard, which carries ChildShards instead.
  std::optional<std::string> ContinuationSequenceNumber;
  int64_t MillisBehindLatest = 0;
  std::vector<ChildShard> ChildShards;
};

// What asking a subscription for its next event at some instant gives
// (KinesisModel::PollSubscription): an event, nothing yet (ask again at `wake_at`), the end of
// the subscription (five minutes over, or the last event of a closed shard sent), or the error
// that ended it (taken over by a newer subscription, its consumer or stream gone).
struct SubscriptionPoll {
  enum class Kind { kEvent, kWait, kComplete, kFailed };
  Kind kind = Kind::kWait;
  // kEvent. Read it only for kEvent: a poll observed into again (KinesisModel::
  // ObserveSubscription) may keep an emptied event's room while it is a kWait.
  std::optional<SubscribeToShardEvent> event;
  Instant wake_at;  // kWait
  // kWait at the tip: ask again at wake_at, or sooner when the subscription's shard changes
  // (KinesisModel::WakeOnChange says when).
  bool until_change = false;
  std::optional<KinesisError> error;  // kFailed
  bool expired = false;  // kComplete because its five minutes were over (not the shard's end)
};

// Stream settings: tags, enhanced (shard-level) monitoring, encryption, account limits ------
inline constexpr int kMaxTagsPerStream = 50;
inline constexpr int kDefaultListTagsLimit = 10;

struct Tag {
  std::string Key;
  std::string Value;
};
// Keys of 1..128 and values of 0..256 characters (the decoder checks lengths; the model the
// characters AWS allows: letters, digits, spaces and _ . : / = + - @).
struct AddTagsToStreamRequest {
  std::string StreamName;
  std::vector<Tag> Tags;
};
struct RemoveTagsFromStreamRequest {
  std::string StreamName;
  std::vector<std::string> TagKeys;
};
struct ListTagsForStreamRequest {
  std::string StreamName;
  std::optional<std::string> ExclusiveStartTagKey;
  std::optional<int> Limit;  // 1..50; absent means 10
};
struct ListTagsForStreamResponse {
  std::vector<Tag> Tags;  // in key order
  bool HasMoreTags = false;
};

// The shard-level metrics AWS names (and "ALL", which stands for the seven).
inline constexpr std::string_view kShardLevelMetrics[] = {"IncomingBytes",
                                                          "IncomingRecords",
                                                          "OutgoingBytes",
                                                          "OutgoingRecords",
                                                          "WriteProvisionedThroughputExceeded",
                                                          "ReadProvisionedThroughputExceeded",
                                                          "IteratorAgeMilliseconds"};
struct EnhancedMonitoringRequest {
  std::string StreamName;
  std::vector<std::string> ShardLevelMetrics;  // names above or "ALL"
};
struct EnhancedMonitoringResponse {
  std::string StreamName;
  std::vector<std::string> CurrentShardLevelMetrics;
  std::vector<std::string> DesiredShardLevelMetrics;
};

struct StreamEncryptionRequest {
  std::string StreamName;
  ::shardsim::model::EncryptionType EncryptionType = ::shardsim::model::EncryptionType::KMS;
  std::string KeyId;
};

// The account's shard quota as AWS reports it by default (us-east-1: 500 shards; 50 on-demand
// streams).
inline constexpr int kAccountShardLimit = 500;
inline constexpr int kOnDemandStreamCountLimit = 50;
struct DescribeLimitsResponse {
  int ShardLimit = kAccountShardLimit;
  int OpenShardCount = 0;
  int OnDemandStreamCount = 0;
  int OnDemandStreamCountLimit = kOnDemandStreamCountLimit;
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_KINESIS_API_H_
