#include "model/kinesis_model.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/hash_key.h"
#include "model/internal/iterator_token.h"
#include "model/internal/millis_behind_latest.h"
#include "model/internal/shard_store.h"
#include "model/internal/stream.h"
#include "model/sequence_number.h"
#include "sim/strings.h"

namespace shardsim::model {

using internal::IteratorToken;
using internal::kAccount;
using internal::Position;
using internal::ShardStore;
using internal::StreamNotFound;

namespace {

constexpr int kMaxLimit = 10'000;
constexpr int kMaxPutRecordsEntries = 500;
constexpr int kMaxShardsPerStream = 1'000;

KinesisError Error(ErrorCode code, std::string message) {
  return KinesisError{code, std::move(message)};
}

KinesisError InvalidArgument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}

std::string ShardNotFound(std::string_view shard, std::string_view stream) {
  return absl::StrCat("Shard ", sim::ToString(shard), " in stream ", sim::ToString(stream),
                      " under account ", sim::ToString(kAccount), " does not exist");
}

KinesisError RateExceeded(ShardStore& shard, std::string_view stream) {
  return Error(ErrorCode::kProvisionedThroughputExceeded, shard.RateExceededMessage(stream));
}

// AWS prints iterator times like "Sat Nov 10 18:27:14 UTC 2018".
std::string JavaDate(Instant t) {
  return absl::FormatTime("%a %b %d %H:%M:%S UTC %Y", t.ToAbsl(), absl::UTCTimeZone());
}

// Shards can only be created at times a sequence number's creation field holds.
std::optional<KinesisError> CheckShardCreationTime(Instant now) {
  if (now.unix_seconds() >= 0 && now.unix_seconds() <= kSequenceNumberMaxSeconds) {
    return std::nullopt;
  }
  return InvalidArgument(absl::StrCat(
      "Shards cannot be created at ", now.ToString(),
      ": sequence numbers encode shard creation times from 1970 to the year 4147 only."));
}

bool ValidStreamName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

HashKeyRangeText RangeText(const HashKeyRange& range) {
  return HashKeyRangeText{range.starting.ToString(), range.ending.ToString()};
}

}  // namespace

struct KinesisModel::Resolved {
  Stream* stream;
  ShardStore* shard;
  Position position;
  bool stuck;
};

KinesisModel::KinesisModel(uint64_t seed)
    : seed_(seed), token_memo_(std::make_unique<internal::IteratorTokenMemo>()) {}
KinesisModel::~KinesisModel() = default;

void KinesisModel::Advance(Instant now) {
  SHARDSIM_CHECK(now >= last_now_, "KinesisModel calls must not go back in virtual time");
  last_now_ = now;
  // Rare (a stream DELETING): kept off the hot path of every call, which it measurably slowed.
  if (deleting_ > 0) [[unlikely]]
    CompleteDeletions(now);
}

namespace {

// The stream named `name` in `streams` (KinesisModel::streams_, const or not), or nullptr.
template <typename Streams>
auto FindIn(Streams& streams, std::string_view name) -> decltype(streams.begin()->second.get()) {
  // Most models hold one stream, which every call names: one comparison, not the tree's two.
  if (streams.size() == 1) {
    return streams.begin()->first == name ? streams.begin()->second.get() : nullptr;
  }
  const auto it = streams.find(name);
  return it == streams.end() ? nullptr : it->second.get();
}

}  // namespace

KinesisModel::Stream* KinesisModel::FindStream(std::string_view name) {
  return FindIn(streams_, name);
}

const KinesisModel::Stream* KinesisModel::FindStream(std::string_view name) const {
  return FindIn(streams_, name);
}

ShardStore* KinesisModel::FindShard(Stream& stream, std::string_view shard_id) {
  const std::optional<uint32_t> index = internal::ParseShardId(shard_id);
  if (!index.has_value() || *index >= stream.shards.size()) return nullptr;
  return stream.shards[*index].get();
}

const ShardStore* KinesisModel::FindShard(const Stream& stream, std::string_view shard_id) const {
  const std::optional<uint32_t> index = internal::ParseShardId(shard_id);
  if (!index.has_value() || *index >= stream.shards.size()) return nullptr;
  return stream.shards[*index].get();
}

std::string KinesisModel::ShardIdAt(const Stream& stream, uint32_t index) const {
  if (index < stream.shards.size() && stream.shards[index] != nullptr) {
    return stream.shards[index]->id();
  }
  return internal::ShardIdFor(index);
}

Outcome<KinesisModel::Stream*> KinesisModel::StreamOrNotFound(std::string_view name) {
  Stream* stream = FindStream(name);
  if (stream == nullptr) return Error(ErrorCode::kResourceNotFound, StreamNotFound(name));
  return stream;
}

Outcome<ShardStore*> KinesisModel::ShardOrNotFound(Stream& stream, std::string_view shard_id) {
  ShardStore* shard = FindShard(stream, shard_id);
  if (shard == nullptr) {
    return Error(ErrorCode::kResourceNotFound, ShardNotFound(shard_id, stream.name));
  }
  return shard;
}

void KinesisModel::Retire(Stream& stream, Instant now) {
  // Every subscription poll retires, and nearly all find nothing expired: skipped until the
  // first time anything can expire.
  if (stream.retire_due.has_value() && now < *stream.retire_due) return;
  const Duration retention = stream.options.retention;
  const Instant horizon = now - retention;
  Instant due = Instant::FromUnixMicros(INT64_MAX);
  for (auto& shard : stream.shards) {
    if (shard == nullptr) continue;
    if (shard->closed() && *shard->closed_at() + retention <= now) {
      shard.reset();
      continue;
    }
    shard->TrimBefore(horizon);
    if (shard->closed()) due = std::min(due, *shard->closed_at() + retention);
    if (shard->Retained(shard->first_ordinal())) {
      // TrimBefore drops a record once it arrived before the horizon, a microsecond after this.
      const Instant first = Instant::FromUnixMicros(shard->At(shard->first_ordinal()).arrival_us);
      due = std::min(due, first + retention + Duration::Micros(1));
    }
  }
  stream.retire_due = due;
}

ShardStore& KinesisModel::Route(Stream& stream, const HashKey& key) {
  for (auto& shard : stream.shards) {
    if (shard != nullptr && !shard->closed() && shard->hash_range().Contains(key)) return *shard;
  }
  SHARDSIM_CHECK(false, "the open shards of a stream must cover the hash-key space");
  __builtin_unreachable();
}

namespace {

// `to` = `from`, reusing its room: a copy in place when the sizes match (the same stream name
// and shard id, call after call), where std::string::assign takes its general path.
void AssignText(std::string& to, std::string_view from) {
  if (to.size() != from.size()) {
    to.assign(from.data(), from.size());
  } else if (!from.empty()) {
    std::memcpy(to.data(), from.data(), from.size());
  }
}

}  // namespace

void KinesisModel::DescribeInto(std::optional<IteratorInfo>& out, std::string_view stream,
                                std::string_view shard_id, const Position& position, Instant issued,
                                bool stuck) {
  if (!out.has_value()) out.emplace();
  AssignText(out->stream_name, stream);
  AssignText(out->shard_id, shard_id);
  out->bucket = position.bucket;
  out->ordinal = position.ordinal;
  out->issued_at = issued;
  out->stuck_below_horizon = stuck;
}

std::string KinesisModel::EncodeIterator(const Stream& stream, const ShardStore& shard,
                                         const Position& position, Instant issued, bool stuck,
                                         std::optional<IteratorInfo>* described) {
  std::string text;
  EncodeIteratorInto(stream, shard, position, issued, stuck, described, text);
  return text;
}

void KinesisModel::EncodeIteratorInto(const Stream& stream, const ShardStore& shard,
                                      const Position& position, Instant issued, bool stuck,
                                      std::optional<IteratorInfo>* described, std::string& out) {
  if (described != nullptr) {
    DescribeInto(*described, stream.name, shard.id(), position, issued, stuck);
  }
  token_memo_->EncodeInto(IteratorToken{stream.name, shard.index(), position, issued, stuck},
                          shard.id(), out);
}

// CreateStream / ListShards -----------------------------------------------------------------

Outcome<Empty> KinesisModel::CreateStream(Instant now, const CreateStreamRequest& request,
                                          const StreamOptions& options) {
  Advance(now);
  if (!ValidStreamName(request.StreamName)) {
    return InvalidArgument(absl::StrCat("StreamName '", request.StreamName,
                                        "' must be 1 to 128 characters of [a-zA-Z0-9_.-]"));
  }
  if (FindStream(request.StreamName) != nullptr) {
    return Error(ErrorCode::kResourceInUse,
                 absl::StrCat("Stream ", request.StreamName, " under account ",
                              sim::ToString(kAccount), " already exists."));
  }
  if (request.ShardCount < 1 || request.ShardCount > kMaxShardsPerStream) {
    return InvalidArgument(absl::StrCat("ShardCount must be between 1 and ", kMaxShardsPerStream,
                                        ", got ", request.ShardCount));
  }
  if (absl::Status s = options.Validate(); !s.ok()) {
    return InvalidArgument(absl::StrCat("stream options: ", sim::ToString(s.message())));
  }
  if (auto bad_time = CheckShardCreationTime(now)) return *std::move(bad_time);
  auto stream = std::make_unique<Stream>();
  stream->name = request.StreamName;
  stream->options = options;
  stream->mode = request.StreamModeDetails;
  stream->created = now;
  stream->rng = sim::Random(seed_).Fork(absl::StrCat("stream/", request.StreamName));
  const std::vector<HashKeyRange> ranges = EvenlySplitHashKeySpace(request.ShardCount);
  for (uint32_t i = 0; i < ranges.size(); ++i) {
    stream->shards.push_back(std::make_unique<ShardStore>(
        i, now, ranges[i], options, stream->rng.Fork(absl::StrCat("shard/", i))));
  }
  MarkBusy(*stream, StreamStatus::CREATING, now);
  streams_.emplace(request.StreamName, std::move(stream));
  return Empty{};
}

Shard KinesisModel::DescribeShard(const Stream& stream, const ShardStore& shard) const {
  Shard out;
  out.ShardId = shard.id();
  if (shard.parent) out.ParentShardId = ShardIdAt(stream, *shard.parent);
  if (shard.adjacent_parent) out.AdjacentParentShardId = ShardIdAt(stream, *shard.adjacent_parent);
  out.HashKeyRange = RangeText(shard.hash_range());
  out.SequenceNumberRange.StartingSequenceNumber =
      shard.SequenceNumberForCounter(shard.counter_start(), shard.created());
  if (shard.closed()) {
    out.SequenceNumberRange.EndingSequenceNumber =
        shard.SequenceNumberForCounter(shard.ending_counter(), *shard.closed_at());
  }
  return out;
}

// Writes ------------------------------------------------------------------------------------

std::optional<KinesisError> KinesisModel::AdmitWrite(Instant now, const Stream& stream,
                                                     ShardStore& shard, int64_t bytes) {
  const ShardLimits& limits = stream.options.limits;
  const Duration second = Duration::Seconds(1);
  if (limits.put_records_per_second &&
      shard.records_written.Sum(now, second) + 1 > *limits.put_records_per_second) {
    return RateExceeded(shard, stream.name);
  }
  if (limits.put_bytes_per_second &&
      shard.bytes_written.Sum(now, second) + bytes > *limits.put_bytes_per_second) {
    return RateExceeded(shard, stream.name);
  }
  if (limits.put_records_per_second) shard.records_written.Add(now, 1);
  if (limits.put_bytes_per_second) shard.bytes_written.Add(now, bytes);
  return std::nullopt;
}

namespace {

std::optional<KinesisError> ValidateEntry(const StreamOptions& options,
                                          std::string_view partition_key, std::string_view data,
                                          const std::optional<std::string>& explicit_hash_key) {
  if (partition_key.empty() || partition_key.size() > 256) {
    return InvalidArgument(
        absl::StrCat("PartitionKey must be 1 to 256 characters, got ", partition_key.size()));
  }
  const int64_t size = static_cast<int64_t>(partition_key.size() + data.size());
  if (options.limits.max_record_bytes && size > *options.limits.max_record_bytes) {
    return InvalidArgument(absl::StrCat("Record size ", size,
                                        " bytes (data plus partition key) exceeds the limit of ",
                                        *options.limits.max_record_bytes, " bytes"));
  }
  if (explicit_hash_key.has_value() && !HashKey::Parse(*explicit_hash_key).ok()) {
    return InvalidArgument(absl::StrCat("ExplicitHashKey '", *explicit_hash_key,
                                        "' is not a decimal number in [0, 2^128)"));
  }
  return std::nullopt;
}

}  // namespace

Outcome<PutRecordResponse> KinesisModel::PutOne(
    Instant now, Stream& stream, std::string_view partition_key, std::string_view data,
    const std::optional<std::string>& explicit_hash_key) {
  const HashKey key = explicit_hash_key ? *HashKey::Parse(*explicit_hash_key)
                                        : HashKeyForPartitionKey(partition_key);
  ShardStore& shard = Route(stream, key);
  const int64_t bytes = static_cast<int64_t>(partition_key.size() + data.size());
  if (std::optional<KinesisError> throttled = AdmitWrite(now, stream, shard, bytes)) {
    return *std::move(throttled);
  }
  const uint64_t ordinal = shard.Append(now, partition_key, data);
  stream.ShardsChanged();
  WakeSubscribers(stream, shard.index());
  return PutRecordResponse{shard.id(), shard.SequenceNumberOf(shard.At(ordinal))};
}

Outcome<PutRecordResponse> KinesisModel::PutRecord(Instant now, const PutRecordRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kReadWrite);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (auto invalid = ValidateEntry(stream.options, request.PartitionKey, request.Data,
                                   request.ExplicitHashKey)) {
    return *std::move(invalid);
  }
  Retire(stream, now);
  return PutOne(now, stream, request.PartitionKey, request.Data, request.ExplicitHashKey);
}

Outcome<PutRecordsResponse> KinesisModel::PutRecords(Instant now,
                                                     const PutRecordsRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kReadWrite);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (request.Records.empty() || request.Records.size() > kMaxPutRecordsEntries) {
    return InvalidArgument(absl::StrCat("PutRecords takes 1 to ", kMaxPutRecordsEntries,
                                        " records, got ", request.Records.size()));
  }
  for (size_t i = 0; i < request.Records.size(); ++i) {
    const PutRecordsRequestEntry& e = request.Records[i];
    if (auto invalid = ValidateEntry(stream.options, e.PartitionKey, e.Data, e.ExplicitHashKey)) {
      return InvalidArgument(absl::StrCat("Records[", i, "]: ", invalid->message));
    }
  }
  Retire(stream, now);
  PutRecordsResponse response;
  for (const PutRecordsRequestEntry& e : request.Records) {
    Outcome<PutRecordResponse> one = PutOne(now, stream, e.PartitionKey, e.Data, e.ExplicitHashKey);
    PutRecordsResultEntry result;
    if (one.ok()) {
      result.SequenceNumber = one->SequenceNumber;
      result.ShardId = one->ShardId;
    } else {
      ++response.FailedRecordCount;
      result.ErrorCode = sim::ToString(ErrorName(one.error().code));
      result.ErrorMessage = one.error().message;
    }
    response.Records.push_back(std::move(result));
  }
  return response;
}

// GetShardIterator ----------------------------------------------------------------------------

namespace {

// The first bucket an iterator may stand in: that of the trim horizon, since every record of an
// earlier bucket has expired (never past the shard's last bucket).
uint64_t HorizonBucket(const StreamOptions& options, ShardStore& shard, Instant now) {
  const Instant horizon = std::max(shard.created(), now - options.retention);
  const Instant tip = shard.closed() ? *shard.closed_at() : now;
  return std::min(shard.BucketOf(std::min(horizon, tip)), shard.LastBucket(now));
}

}  // namespace

Outcome<Position> KinesisModel::SequencePosition(Instant now, Stream& stream, ShardStore& shard,
                                                 const GetShardIteratorRequest& request,
                                                 bool& stuck) {
  const std::string& text = *request.StartingSequenceNumber;
  const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(text);
  if (!fields.ok()) {
    return InvalidArgument(absl::StrCat(
        "StartingSequenceNumber ", text,
        " is not a valid sequence number: ", sim::ToString(fields.status().message())));
  }
  if (fields->shard_index != shard.index() ||
      fields->shard_creation_seconds != shard.created().unix_seconds()) {
    return InvalidArgument(absl::StrCat(
        "Invalid StartingSequenceNumber. It encodes ", internal::ShardIdFor(fields->shard_index),
        fields->shard_index == shard.index() ? " of another stream or incarnation" : "",
        ", while it was used in a call to a shard with ", shard.id()));
  }
  const uint64_t counter = fields->counter;
  const uint64_t newest =
      shard.closed() ? shard.ending_counter() : shard.last_counter().value_or(0);
  // A subscription's continuation on a shard that has no record yet (ContinuationAt).
  const bool before_first = !shard.last_counter().has_value() && counter == shard.counter_start();
  if (!shard.last_counter().has_value() && !shard.closed() && !before_first) {
    return InvalidArgument(absl::StrCat("StartingSequenceNumber ", text, " used in ",
                                        "GetShardIterator on shard ", shard.id(), " in stream ",
                                        stream.name, " under account ", sim::ToString(kAccount),
                                        " is invalid: the shard holds no records yet."));
  }
  if (counter > newest && !before_first) {
    return InvalidArgument(absl::StrCat("StartingSequenceNumber ", text, " used in ",
                                        "GetShardIterator on shard ", shard.id(), " in stream ",
                                        stream.name, " under account ", sim::ToString(kAccount),
                                        " is invalid: it lies beyond the newest record."));
  }
  const bool after = request.ShardIteratorType == ShardIteratorType::AFTER_SEQUENCE_NUMBER;
  // A number whose counter is a retained record's: that record's own number, or, with an
  // earlier put time, the point just before it, or with a later one, a point after it (the
  // two continuations ContinuationAt makes).
  const uint64_t named = shard.LowerBoundCounter(counter);
  const bool names_record = shard.Retained(named) && shard.At(named).counter == counter;
  const int64_t record_put = names_record ? shard.PutSecondsOf(shard.At(named)) : 0;
  const bool exact = names_record && fields->put_seconds == record_put;
  const bool before = before_first || (names_record && fields->put_seconds < record_put);
  const uint64_t first_wanted = after && !before ? counter + 1 : counter;
  // Below the horizon when a record the request asks for has been trimmed.
  const std::optional<uint64_t> trimmed_through = shard.last_trimmed_counter();
  const bool trimmed = trimmed_through.has_value() && first_wanted <= *trimmed_through;
  if (trimmed) {
    if (stream.options.below_horizon == BelowHorizonBehavior::kStuckEmptyPages) {
      stuck = true;
      return Position{};
    }
    return InvalidArgument(absl::StrCat(
        "StartingSequenceNumber ", text, " used in GetShardIterator on shard ", shard.id(),
        " in stream ", stream.name, " under account ", sim::ToString(kAccount),
        " is invalid because it is below the trim horizon (records older than ",
        stream.options.retention.ToString(), " have expired)."));
  }
  const uint64_t ordinal = shard.LowerBoundCounter(first_wanted);
  // The bucket: that of the named record when the number is its own, otherwise that of the time
  // the number encodes, never past the record the iterator will return next, never before the
  // horizon's bucket (AFTER an expired record) and never past the shard's last bucket.
  uint64_t bucket;
  if (exact) {
    bucket = shard.At(named).bucket;
  } else {
    Instant encoded = Instant::FromUnixSeconds(fields->put_seconds + 1);
    encoded = std::clamp(encoded, shard.created(), shard.closed() ? *shard.closed_at() : now);
    bucket = shard.BucketOf(encoded);
    if (shard.Retained(ordinal)) bucket = std::min(bucket, shard.At(ordinal).bucket);
  }
  bucket = std::clamp(bucket, HorizonBucket(stream.options, shard, now), shard.LastBucket(now));
  return Position{bucket, ordinal};
}

Outcome<Position> KinesisModel::StartPosition(Instant now, Stream& stream, ShardStore& shard,
                                              const GetShardIteratorRequest& request, bool& stuck) {
  const Instant horizon = std::max(shard.created(), now - stream.options.retention);
  const uint64_t horizon_bucket = HorizonBucket(stream.options, shard, now);
  const uint64_t last_bucket = shard.LastBucket(now);
  switch (request.ShardIteratorType) {
    case ShardIteratorType::TRIM_HORIZON:
      return Position{horizon_bucket, shard.first_ordinal()};
    case ShardIteratorType::LATEST:
      return Position{last_bucket, shard.end_ordinal()};
    case ShardIteratorType::AT_TIMESTAMP: {
      const Instant t = *request.Timestamp;
      if (t > now) {
        return InvalidArgument(absl::StrCat("The timestamp ", t.ToString(),
                                            " is in the future (now is ", now.ToString(), ")"));
      }
      if (t < horizon) return Position{horizon_bucket, shard.first_ordinal()};
      return Position{std::min(shard.BucketOf(t), last_bucket), shard.LowerBoundArrival(t)};
    }
    case ShardIteratorType::AT_SEQUENCE_NUMBER:
    case ShardIteratorType::AFTER_SEQUENCE_NUMBER:
      return SequencePosition(now, stream, shard, request, stuck);
  }
  return InvalidArgument("unknown ShardIteratorType");
}

Outcome<GetShardIteratorResponse> KinesisModel::GetShardIterator(
    Instant now, const GetShardIteratorRequest& request) {
  return IssueIterator(now, request, nullptr);
}

GetShardIteratorCall KinesisModel::ObserveGetShardIterator(Instant now, std::string client,
                                                           GetShardIteratorRequest request) {
  std::optional<IteratorInfo> issued;
  Outcome<GetShardIteratorResponse> outcome = IssueIterator(now, request, &issued);
  return GetShardIteratorCall{now, std::move(client), std::move(request), std::move(outcome),
                              std::move(issued)};
}

Outcome<GetShardIteratorResponse> KinesisModel::IssueIterator(
    Instant now, const GetShardIteratorRequest& request, std::optional<IteratorInfo>* issued) {
  Advance(now);
  Outcome<Stream*> found_stream = UsableStream(now, request.StreamName, Access::kReadWrite);
  if (!found_stream.ok()) return found_stream.error();
  Stream& stream = **found_stream;
  Retire(stream, now);
  Outcome<ShardStore*> found_shard = ShardOrNotFound(stream, request.ShardId);
  if (!found_shard.ok()) return found_shard.error();
  ShardStore& shard = **found_shard;
  const ShardIteratorType type = request.ShardIteratorType;
  const bool by_sequence = type == ShardIteratorType::AT_SEQUENCE_NUMBER ||
                           type == ShardIteratorType::AFTER_SEQUENCE_NUMBER;
  if (by_sequence != request.StartingSequenceNumber.has_value()) {
    return InvalidArgument(
        absl::StrCat("StartingSequenceNumber must be given exactly when ShardIteratorType is "
                     "AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER (got ",
                     sim::ToString(ShardIteratorTypeName(type)),
                     request.StartingSequenceNumber ? " with" : " without", " one)"));
  }
  if ((type == ShardIteratorType::AT_TIMESTAMP) != request.Timestamp.has_value()) {
    return InvalidArgument(
        absl::StrCat("Timestamp must be given exactly when ShardIteratorType is AT_TIMESTAMP (got ",
                     sim::ToString(ShardIteratorTypeName(type)),
                     request.Timestamp ? " with" : " without", " one)"));
  }
  const ShardLimits& limits = stream.options.limits;
  if (limits.get_shard_iterator_per_second) {
    const int64_t recent = shard.get_shard_iterator_calls.Sum(now, Duration::Seconds(1));
    shard.get_shard_iterator_calls.Add(now, 1);
    if (recent >= *limits.get_shard_iterator_per_second) return RateExceeded(shard, stream.name);
  }
  bool stuck = false;
  Outcome<Position> position = StartPosition(now, stream, shard, request, stuck);
  if (!position.ok()) return position.error();
  return GetShardIteratorResponse{EncodeIterator(stream, shard, *position, now, stuck, issued)};
}

// GetRecords ----------------------------------------------------------------------------------

Outcome<KinesisModel::Resolved> KinesisModel::ResolveIterator(
    Instant now, const GetRecordsRequest& request, const internal::DecodedToken* decoded) {
  if (decoded == nullptr) {
    return InvalidArgument(absl::StrCat("Invalid ShardIterator: '",
                                        request.ShardIterator.substr(0, 64),
                                        request.ShardIterator.size() > 64 ? "...'" : "'",
                                        " is not a shard iterator issued by this service."));
  }
  // The memo's entry, valid until the model's next encode or decode (none below).
  const IteratorToken& token = decoded->token;
  if (request.StreamName.has_value() && *request.StreamName != token.stream) {
    return InvalidArgument(absl::StrCat("Invalid ShardIterator: it belongs to stream ",
                                        token.stream, ", while it was used in a call to stream ",
                                        *request.StreamName));
  }
  Outcome<Stream*> found = StreamOrNotFound(token.stream);
  if (!found.ok()) return found.error();
  Stream* stream = *found;
  Retire(*stream, now);
  ShardStore* shard =
      token.shard_index < stream->shards.size() ? stream->shards[token.shard_index].get() : nullptr;
  if (shard == nullptr) {
    return Error(ErrorCode::kResourceNotFound,
                 ShardNotFound(internal::ShardIdFor(token.shard_index), stream->name));
  }
  if (token.issued > now || token.position.ordinal > shard->end_ordinal() ||
      !shard->IteratorCanName(token.position.bucket, now)) {
    return InvalidArgument("Invalid ShardIterator: it names a position this shard never had.");
  }
  // Compared this way round so that no issue time, however old, overflows.
  if (token.issued < now - stream->options.iterator_lifetime) {
    return Error(ErrorCode::kExpiredIterator,
                 absl::StrCat("Iterator expired. The iterator was created at time ",
                              JavaDate(token.issued), " while right now it is ", JavaDate(now),
                              " which is further in the future than the tolerated delay of ",
                              stream->options.iterator_lifetime.millis(), " milliseconds."));
  }
  return Resolved{stream, shard, token.position, token.stuck};
}

std::vector<ChildShard> KinesisModel::ChildShardsOf(Stream& stream, const ShardStore& shard) {
  std::vector<ChildShard> children;
  for (uint32_t index : shard.children()) {
    const ShardStore* child = stream.shards[index].get();
    if (child == nullptr) continue;
    ChildShard out{child->id(), {}, RangeText(child->hash_range())};
    if (child->parent) out.ParentShards.push_back(ShardIdAt(stream, *child->parent));
    if (child->adjacent_parent) {
      out.ParentShards.push_back(ShardIdAt(stream, *child->adjacent_parent));
    }
    children.push_back(std::move(out));
  }
  return children;
}

namespace {

std::optional<KinesisError> CheckLimit(const GetRecordsRequest& request) {
  if (!request.Limit.has_value() || (*request.Limit >= 1 && *request.Limit <= kMaxLimit)) {
    return std::nullopt;
  }
  return InvalidArgument(absl::StrCat(
      "1 validation error detected: Value '", *request.Limit,
      "' at 'limit' failed to satisfy constraint: Member must have value ",
      *request.Limit < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
}

// Where a read from `token` starts: records and buckets that expired while the iterator was
// held are skipped, so it resumes no earlier than the horizon (every record of a bucket before
// the horizon's has expired).
Position ReadStart(const StreamOptions& options, ShardStore& shard, Position at, Instant now) {
  at.ordinal = std::max(at.ordinal, shard.first_ordinal());
  if (const std::optional<Instant> end = shard.BucketEnd(at.bucket);
      end.has_value() && *end <= now - options.retention) {
    at.bucket = std::max(at.bucket, HorizonBucket(options, shard, now));
  }
  return at;
}

struct Page {
  std::vector<Record> records;
  uint64_t next_ordinal = 0;  // the first record not returned
  int64_t bytes = 0;
};

// Up to `limit` records of `at`'s bucket from `at`, within `max_bytes` (the first record always
// fits).
Page ReadPage(ShardStore& shard, int64_t max_bytes, Position at, int limit) {
  Page page;
  page.next_ordinal = at.ordinal;
  for (; page.next_ordinal < shard.end_ordinal() && static_cast<int>(page.records.size()) < limit;
       ++page.next_ordinal) {
    const internal::StoredRecord& r = shard.At(page.next_ordinal);
    if (r.bucket > at.bucket) break;
    const int64_t size = r.key_bytes + r.data_bytes;
    if (!page.records.empty() && page.bytes + size > max_bytes) break;
    page.bytes += size;
    page.records.push_back(Record{shard.SequenceNumberOf(r), Instant::FromUnixMicros(r.arrival_us),
                                  sim::ToString(shard.DataOf(r)),
                                  sim::ToString(shard.PartitionKeyOf(r))});
  }
  return page;
}

// Where a read of `at`'s bucket that stopped before record `next_ordinal` leaves the reader, and
// how far behind the tip that is (MillisBehindLatest of the NextPositionFacts there).
struct NextStep {
  std::optional<Position> next;  // nullopt: the end of a closed shard
  int64_t millis_behind_latest = 0;
};

// The next position stays in `at`'s bucket while it holds records, moves to the next bucket once
// `at`'s has ended, and is none at a closed shard's end. One pass, each bucket time and record
// looked up once (two steps, they were 4.6% of a fan-out run; one pass took 2% off
// lambda-efo's, measured).
NextStep StepOn(ShardStore& shard, Position at, uint64_t next_ordinal, Instant now) {
  const internal::StoredRecord* waiting =
      next_ordinal < shard.end_ordinal() ? &shard.At(next_ordinal) : nullptr;
  internal::NextPositionFacts facts{.now = now, .record_waiting = waiting != nullptr};
  Position next{at.bucket, next_ordinal};
  if (waiting != nullptr && waiting->bucket <= at.bucket) {  // the bucket holds more
    facts.bucket_start = shard.BucketStart(at.bucket);
    facts.bucket_end = shard.BucketEnd(at.bucket);
  } else {
    if (shard.closed() && at.bucket >= shard.LastBucket(now)) return NextStep{};
    const std::optional<Instant> bucket_end = shard.BucketEnd(at.bucket);
    if (bucket_end.has_value() && *bucket_end <= now) {
      ++next.bucket;
      facts.bucket_start = *bucket_end;  // a bucket starts where the one before it ends
      facts.bucket_end = shard.BucketEnd(next.bucket);
    } else {
      facts.bucket_start = shard.BucketStart(at.bucket);
      facts.bucket_end = bucket_end;
    }
  }
  if (waiting != nullptr && waiting->bucket <= next.bucket) {
    facts.record_at_position = Instant::FromUnixMicros(waiting->arrival_us);
  }
  return NextStep{next, internal::MillisBehindLatest(facts)};
}

}  // namespace

std::optional<KinesisError> KinesisModel::AdmitRead(Instant now, const Stream& stream,
                                                    ShardStore& shard) {
  const ShardLimits& limits = stream.options.limits;
  const Duration second = Duration::Seconds(1);
  if (limits.get_records_per_second) {
    const int64_t recent = shard.get_records_calls.Sum(now, second);
    shard.get_records_calls.Add(now, 1);
    if (recent >= *limits.get_records_per_second) return RateExceeded(shard, stream.name);
  }
  if (shard.throttled_until.has_value() && now < *shard.throttled_until) {
    return RateExceeded(shard, stream.name);
  }
  if (limits.read_bytes_per_second &&
      shard.bytes_read.Sum(now, second) >= *limits.read_bytes_per_second) {
    return RateExceeded(shard, stream.name);
  }
  return std::nullopt;
}

void KinesisModel::ChargeRead(Instant now, const Stream& stream, ShardStore& shard, int64_t bytes) {
  const ShardLimits& limits = stream.options.limits;
  if (bytes > 0 && limits.read_bytes_per_second) shard.bytes_read.Add(now, bytes);
  if (limits.throttle_after_large_response && bytes >= limits.large_response_bytes) {
    shard.throttled_until = now + *limits.throttle_after_large_response;
  }
}

Outcome<GetRecordsResponse> KinesisModel::GetRecords(Instant now,
                                                     const GetRecordsRequest& request) {
  Advance(now);
  if (std::optional<KinesisError> bad_limit = CheckLimit(request)) return *std::move(bad_limit);
  Outcome<GetRecordsResponse> out = GetRecordsResponse{};
  ReadRecords(now, request, token_memo_->Decode(request.ShardIterator), nullptr, out);
  return out;
}

GetRecordsCall KinesisModel::ObserveGetRecords(Instant now, std::string client,
                                               GetRecordsRequest request) {
  GetRecordsCall call{.client = std::move(client), .outcome = KinesisError{}};
  ObserveGetRecords(now, call.client, std::move(request), call);
  return call;
}

void KinesisModel::ObserveGetRecords(Instant now, std::string_view client,
                                     GetRecordsRequest request, GetRecordsCall& call) {
  Advance(now);
  call.at = now;
  // Compared, not assigned: a client that keeps its call names itself every time.
  if (call.client.data() != client.data() && call.client != client) call.client.assign(client);
  // The last call's token, whose room this call's NextShardIterator takes.
  std::string token_room = std::move(call.request.ShardIterator);
  call.request = std::move(request);
  // The one decode of the request's token (the memo's entry is valid until its next use).
  const internal::DecodedToken* decoded = token_memo_->Decode(call.request.ShardIterator);
  if (decoded != nullptr) {
    const IteratorToken& token = decoded->token;
    DescribeInto(call.iterator, token.stream, decoded->shard_id, token.position, token.issued,
                 token.stuck);
  } else {
    call.iterator.reset();
  }
  if (std::optional<KinesisError> bad_limit = CheckLimit(call.request)) {
    call.outcome = *std::move(bad_limit);
  } else {
    ReadRecords(now, call.request, decoded, &call.next, call.outcome, &token_room);
  }
  // ReadRecords describes the NextShardIterator it issues, and only that.
  if (!call.outcome.ok() || !call.outcome->NextShardIterator.has_value()) call.next.reset();
}

PutCall KinesisModel::ObservePutRecord(Instant now, std::string client, PutRecordRequest request) {
  Outcome<PutRecordResponse> outcome = PutRecord(now, request);
  return PutCall{now, std::move(client), std::move(request), std::move(outcome)};
}

namespace {

// The response `out` holds, with a default-constructed response's value (a response moved out
// of the last call leaves its husk there).
GetRecordsResponse& FreshResponse(Outcome<GetRecordsResponse>& out) {
  if (!out.ok()) out = GetRecordsResponse{};
  GetRecordsResponse& response = *out;
  response.Records.clear();
  response.NextShardIterator.reset();
  response.MillisBehindLatest = 0;
  response.ChildShards.clear();
  return response;
}

}  // namespace

void KinesisModel::ReadRecords(Instant now, const GetRecordsRequest& request,
                               const internal::DecodedToken* decoded,
                               std::optional<IteratorInfo>* next_info,
                               Outcome<GetRecordsResponse>& out, std::string* token_room) {
  Outcome<Resolved> resolved = ResolveIterator(now, request, decoded);
  if (!resolved.ok()) {
    out = resolved.error();
    return;
  }
  Stream& stream = *resolved->stream;
  ShardStore& shard = *resolved->shard;
  if (std::optional<KinesisError> throttled = AdmitRead(now, stream, shard)) {
    out = *std::move(throttled);
    return;
  }

  GetRecordsResponse& response = FreshResponse(out);
  const auto next_token = [&response, token_room]() -> std::string& {
    return token_room != nullptr ? response.NextShardIterator.emplace(std::move(*token_room))
                                 : response.NextShardIterator.emplace();
  };
  if (resolved->stuck) {
    response.MillisBehindLatest = stream.options.retention.millis();
    EncodeIteratorInto(stream, shard, Position{}, now, true, next_info, next_token());
    return;
  }
  const Position at = ReadStart(stream.options, shard, resolved->position, now);
  Page page = ReadPage(shard, stream.options.limits.max_get_records_bytes, at,
                       request.Limit.value_or(kMaxLimit));
  ChargeRead(now, stream, shard, page.bytes);
  response.Records = std::move(page.records);

  const NextStep step = StepOn(shard, at, page.next_ordinal, now);
  if (!step.next.has_value()) {
    response.ChildShards = ChildShardsOf(stream, shard);
    return;  // the end of a closed shard: no NextShardIterator, MillisBehindLatest 0
  }
  EncodeIteratorInto(stream, shard, *step.next, now, false, next_info, next_token());
  response.MillisBehindLatest = step.millis_behind_latest;
}

// Enhanced fan-out: one event ----------------------------------------------------------------

namespace {

Instant CeilToSecond(Instant t) {
  const Instant floor = Instant::FromUnixSeconds(t.unix_seconds());
  return floor == t ? t : floor + Duration::Seconds(1);
}

}  // namespace

// AFTER_SEQUENCE_NUMBER of the result resumes at `p` (SequencePosition reads it back): the
// last record before `p` when `p` is still in that record's bucket; that record's counter with
// the put time of `p`'s bucket when `p` has walked on past it; with no record before `p`, the
// next record's counter (or the shard's first) with a put time before `p`'s bucket.
SequenceNumber KinesisModel::ContinuationAt(ShardStore& shard, const Position& p) {
  const Instant bucket_start = shard.BucketStart(p.bucket);
  if (p.ordinal > shard.first_ordinal()) {
    const internal::StoredRecord& previous = shard.At(p.ordinal - 1);
    if (previous.bucket >= p.bucket) {
      return shard.SequenceNumberValueForCounter(previous.counter,
                                                 Instant::FromUnixMicros(previous.arrival_us));
    }
    return shard.SequenceNumberValueForCounter(previous.counter, CeilToSecond(bucket_start));
  }
  if (const std::optional<uint64_t> trimmed = shard.last_trimmed_counter()) {
    return shard.SequenceNumberValueForCounter(*trimmed, CeilToSecond(bucket_start));
  }
  const uint64_t next_counter =
      shard.Retained(p.ordinal) ? shard.At(p.ordinal).counter : shard.counter_start();
  return shard.SequenceNumberValueForCounter(next_counter, bucket_start - Duration::Seconds(1));
}

void KinesisModel::WalkSubscription(Instant now, Stream& stream, ShardStore& shard,
                                    Subscription& subscription, bool may_rest, bool& at_rest,
                                    SubscriptionDelivery* described, SubscribeToShardEvent& event) {
  const Position at = ReadStart(stream.options, shard, subscription.position, now);
  // In place: a front end that keeps its delivery (EventStream) then allocates nothing here.
  const auto describe = [&](std::optional<IteratorInfo>& out, const Position& p) {
    DescribeInto(out, stream.name, shard.id(), p, now, false);
  };
  // Most steps find no record in their bucket, and build no page (measured: 2% of a run).
  uint64_t next_ordinal = at.ordinal;
  if (at.ordinal < shard.end_ordinal() && shard.At(at.ordinal).bucket <= at.bucket) {
    Page page = ReadPage(shard, kMaxEventBytes, at, kMaxLimit);
    event.Records = std::move(page.records);
    next_ordinal = page.next_ordinal;
  }
  const NextStep step = StepOn(shard, at, next_ordinal, now);
  const std::optional<Position>& next = step.next;
  if (!next.has_value()) {
    subscription.position = Position{at.bucket, next_ordinal};
    if (described != nullptr) describe(described->from, at);
    event.ChildShards = ChildShardsOf(stream, shard);
    at_rest = false;
    return;  // the end of a closed shard: no continuation, MillisBehindLatest 0
  }
  subscription.position = *next;
  event.MillisBehindLatest = step.millis_behind_latest;
  // Never below the number the subscription started from or the last one it sent: a
  // resubscription AFTER a continuation can land a bucket or two early (the put-time field
  // holds whole seconds), and must not answer with a smaller number for the buckets it walks
  // again. Repeating the floor resumes at the same place, so nothing is skipped.
  std::optional<Subscription::ContinuationMemo>& memo = subscription.continuation_memo;
  if (!memo.has_value() || memo->shard != &shard || memo->at != *next ||
      memo->first_ordinal != shard.first_ordinal() || memo->end_ordinal != shard.end_ordinal()) {
    memo = Subscription::ContinuationMemo{&shard, *next, shard.first_ordinal(), shard.end_ordinal(),
                                          ContinuationAt(shard, *next)};
  }
  const SequenceNumber made = memo->number;
  const bool below_floor =
      subscription.continuation_floor && made < *subscription.continuation_floor;
  if (!below_floor) subscription.continuation_floor = made;
  at_rest = may_rest && event.Records.empty() && event.MillisBehindLatest == 0;
  // A resting step sends nothing: its continuation is never printed nor its positions
  // described (most steps of a subscription at the tip are such).
  if (at_rest) return;
  event.ContinuationSequenceNumber =
      subscription.ContinuationText(below_floor ? *subscription.continuation_floor : made);
  if (described != nullptr) {
    describe(described->from, at);
    describe(described->next, *next);
  }
}

// Resharding ----------------------------------------------------------------------------------

namespace {
std::string NotEligible(const ShardStore& shard, std::string_view stream) {
  return absl::StrCat("Shard ", shard.id(), " in stream ", sim::ToString(stream), " under account ",
                      sim::ToString(kAccount),
                      " has already been merged or split, and thus is not eligible for merging "
                      "or splitting.");
}
}  // namespace

Outcome<Empty> KinesisModel::SplitShard(Instant now, const SplitShardRequest& request) {
  Advance(now);
  Outcome<Stream*> found_stream = UsableStream(now, request.StreamName, Access::kChange);
  if (!found_stream.ok()) return found_stream.error();
  Outcome<Empty> split = Split(now, **found_stream, request);
  if (split.ok()) MarkBusy(**found_stream, StreamStatus::UPDATING, now);
  return split;
}

Outcome<Empty> KinesisModel::Split(Instant now, Stream& found, const SplitShardRequest& request) {
  Stream* stream = &found;
  Retire(*stream, now);
  Outcome<ShardStore*> found_parent = ShardOrNotFound(*stream, request.ShardToSplit);
  if (!found_parent.ok()) return found_parent.error();
  ShardStore* parent = *found_parent;
  if (parent->closed()) return InvalidArgument(NotEligible(*parent, stream->name));
  const absl::StatusOr<HashKey> key = HashKey::Parse(request.NewStartingHashKey);
  if (!key.ok()) {
    return InvalidArgument(
        absl::StrCat("NewStartingHashKey: ", sim::ToString(key.status().message())));
  }
  const absl::StatusOr<HashKeyRangeSplit> split = SplitHashKeyRange(parent->hash_range(), *key);
  if (!split.ok()) return InvalidArgument(sim::ToString(split.status().message()));
  if (stream->shards.size() + 2 > static_cast<size_t>(UINT32_MAX)) {
    return Error(ErrorCode::kLimitExceeded, "too many shards in this stream");
  }
  if (auto bad_time = CheckShardCreationTime(now)) return *std::move(bad_time);
  const uint32_t parent_index = parent->index();
  std::vector<uint32_t> children;
  for (const HashKeyRange& range : {split->lower, split->upper}) {
    const auto index = static_cast<uint32_t>(stream->shards.size());
    auto child = std::make_unique<ShardStore>(index, now, range, stream->options,
                                              stream->rng.Fork(absl::StrCat("shard/", index)));
    child->parent = parent_index;
    stream->shards.push_back(std::move(child));
    children.push_back(index);
  }
  stream->shards[parent_index]->Close(now, children);
  stream->ShardsChanged();
  WakeSubscribers(*stream, parent_index);
  return Empty{};
}

Outcome<Empty> KinesisModel::MergeShards(Instant now, const MergeShardsRequest& request) {
  Advance(now);
  Outcome<Stream*> found_stream = UsableStream(now, request.StreamName, Access::kChange);
  if (!found_stream.ok()) return found_stream.error();
  Outcome<Empty> merged = Merge(now, **found_stream, request);
  if (merged.ok()) MarkBusy(**found_stream, StreamStatus::UPDATING, now);
  return merged;
}

Outcome<Empty> KinesisModel::Merge(Instant now, Stream& found, const MergeShardsRequest& request) {
  Stream* stream = &found;
  Retire(*stream, now);
  Outcome<ShardStore*> found_a = ShardOrNotFound(*stream, request.ShardToMerge);
  if (!found_a.ok()) return found_a.error();
  Outcome<ShardStore*> found_b = ShardOrNotFound(*stream, request.AdjacentShardToMerge);
  if (!found_b.ok()) return found_b.error();
  ShardStore* a = *found_a;
  ShardStore* b = *found_b;
  if (a == b) return InvalidArgument("ShardToMerge and AdjacentShardToMerge must differ");
  if (a->closed()) return InvalidArgument(NotEligible(*a, stream->name));
  if (b->closed()) return InvalidArgument(NotEligible(*b, stream->name));
  const absl::StatusOr<HashKeyRange> merged = MergeHashKeyRanges(a->hash_range(), b->hash_range());
  if (!merged.ok()) return InvalidArgument(sim::ToString(merged.status().message()));
  if (auto bad_time = CheckShardCreationTime(now)) return *std::move(bad_time);
  const auto index = static_cast<uint32_t>(stream->shards.size());
  const uint32_t a_index = a->index();
  const uint32_t b_index = b->index();
  auto child = std::make_unique<ShardStore>(index, now, *merged, stream->options,
                                            stream->rng.Fork(absl::StrCat("shard/", index)));
  child->parent = a_index;
  child->adjacent_parent = b_index;
  stream->shards.push_back(std::move(child));
  stream->shards[a_index]->Close(now, {index});
  stream->shards[b_index]->Close(now, {index});
  stream->ShardsChanged();
  WakeSubscribers(*stream, a_index);
  WakeSubscribers(*stream, b_index);
  return Empty{};
}

// Stream administration -----------------------------------------------------------------------

Outcome<Empty> KinesisModel::SetRetention(Instant now, const RetentionPeriodRequest& request,
                                          bool increase) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  Stream* stream = *found;
  const int hours = request.RetentionPeriodHours;
  if (hours < 24) {
    return InvalidArgument(
        absl::StrCat("Minimum allowed retention period is 24 hours. Requested "
                     "retention period (",
                     hours, " hours) is too short."));
  }
  if (hours > 8'760) {
    return InvalidArgument(
        absl::StrCat("Maximum allowed retention period is 8760 hours. "
                     "Requested retention period (",
                     hours, " hours) is too long."));
  }
  const Duration wanted = Duration::Hours(hours);
  const Duration current = stream->options.retention;
  if (increase ? wanted < current : wanted > current) {
    return InvalidArgument(absl::StrCat(
        "Requested retention period (", hours, " hours) for stream ", stream->name, " can not be ",
        increase ? "shorter" : "longer", " than existing retention period (",
        current / Duration::Hours(1), " hours). Use ",
        increase ? "DecreaseStreamRetentionPeriod" : "IncreaseStreamRetentionPeriod", " API."));
  }
  stream->options.retention = wanted;
  stream->ShardsChanged();
  Retire(*stream, now);
  MarkBusy(*stream, StreamStatus::UPDATING, now);
  return Empty{};
}

Outcome<Empty> KinesisModel::IncreaseStreamRetentionPeriod(Instant now,
                                                           const RetentionPeriodRequest& request) {
  return SetRetention(now, request, /*increase=*/true);
}

Outcome<Empty> KinesisModel::DecreaseStreamRetentionPeriod(Instant now,
                                                           const RetentionPeriodRequest& request) {
  return SetRetention(now, request, /*increase=*/false);
}

// Introspection -------------------------------------------------------------------------------

IteratorInfo KinesisModel::InfoOf(const internal::DecodedToken& decoded) {
  const IteratorToken& token = decoded.token;
  return IteratorInfo{token.stream,           decoded.shard_id, token.position.bucket,
                      token.position.ordinal, token.issued,     token.stuck};
}

Outcome<IteratorInfo> KinesisModel::DescribeIterator(std::string_view shard_iterator) const {
  const internal::DecodedToken* decoded = token_memo_->Decode(shard_iterator);
  if (decoded == nullptr) return InvalidArgument("Invalid ShardIterator.");
  return InfoOf(*decoded);
}

std::optional<Instant> KinesisModel::BucketStart(std::string_view stream_name,
                                                 std::string_view shard_id, uint64_t bucket) {
  Stream* stream = FindStream(stream_name);
  if (stream == nullptr) return std::nullopt;
  ShardStore* shard = FindShard(*stream, shard_id);
  if (shard == nullptr) return std::nullopt;
  return shard->BucketStart(bucket);
}

const StreamOptions* KinesisModel::options(std::string_view stream) const {
  const Stream* s = FindStream(stream);
  return s == nullptr ? nullptr : &s->options;
}

uint64_t KinesisModel::RetainedRecords(std::string_view stream_name,
                                       std::string_view shard_id) const {
  const Stream* stream = FindStream(stream_name);
  const ShardStore* shard = stream == nullptr ? nullptr : FindShard(*stream, shard_id);
  if (shard == nullptr) return 0;
  return shard->end_ordinal() - shard->first_ordinal();
}

uint64_t KinesisModel::OverheadBytes(std::string_view stream_name,
                                     std::string_view shard_id) const {
  const Stream* stream = FindStream(stream_name);
  const ShardStore* shard = stream == nullptr ? nullptr : FindShard(*stream, shard_id);
  if (shard == nullptr) return 0;
  return (shard->end_ordinal() - shard->first_ordinal()) * sizeof(internal::StoredRecord) +
         shard->buckets_materialized() * sizeof(int64_t);
}

}  // namespace shardsim::model
