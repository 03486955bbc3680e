// KinesisModel's enhanced fan-out: stream consumers and SubscribeToShard (the rules are in
// kinesis_model.h; the event step itself sits by GetRecords in kinesis_model.cc, as it is one).
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "model/internal/next_token.h"
#include "model/internal/shard_store.h"
#include "model/internal/stream.h"
#include "model/kinesis_model.h"
#include "sim/check.h"
#include "sim/simulation.h"
#include "sim/strings.h"

namespace shardsim::model {

using internal::ConsumerState;
using internal::kAccount;
using internal::ShardStore;

namespace {

constexpr std::string_view kStreamArnPrefix = "arn:aws:kinesis:us-east-1:123456789012:stream/";
constexpr std::string_view kConsumerPart = "/consumer/";
constexpr size_t kMaxConsumerNameBytes = 128;

KinesisError InvalidArgument(std::string message) {
  return KinesisError{ErrorCode::kInvalidArgument, std::move(message)};
}

KinesisError Validation(std::string_view field, std::string_view value, std::string_view rule) {
  return InvalidArgument(absl::StrCat("1 validation error detected: Value '", sim::ToAbsl(value),
                                      "' at '", sim::ToAbsl(field),
                                      "' failed to satisfy constraint: ", sim::ToAbsl(rule)));
}

bool ValidConsumerName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxConsumerNameBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
         });
}

// The stream name a stream ARN names, or nullopt for anything else.
std::optional<std::string_view> StreamNameOfArn(std::string_view arn) {
  if (!absl::StartsWith(sim::ToAbsl(arn), sim::ToAbsl(kStreamArnPrefix))) return std::nullopt;
  const std::string_view name = arn.substr(kStreamArnPrefix.size());
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  return name;
}

struct ConsumerArnParts {
  std::string_view stream;
  std::string_view consumer;
};

// STREAM_ARN/consumer/NAME:EPOCH, or nullopt.
std::optional<ConsumerArnParts> PartsOfConsumerArn(std::string_view arn) {
  const size_t part = arn.find(kConsumerPart);
  if (part == std::string_view::npos) return std::nullopt;
  const std::optional<std::string_view> stream = StreamNameOfArn(arn.substr(0, part));
  if (!stream) return std::nullopt;
  const std::string_view rest = arn.substr(part + kConsumerPart.size());
  const size_t colon = rest.rfind(':');
  int64_t epoch = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(sim::ToAbsl(rest.substr(colon + 1)), &epoch)) {
    return std::nullopt;
  }
  return ConsumerArnParts{*stream, rest.substr(0, colon)};
}

KinesisError ConsumerNotFound(std::string_view what) {
  return KinesisError{ErrorCode::kResourceNotFound,
                      absl::StrCat("Consumer ", sim::ToAbsl(what), " under account ",
                                   sim::ToAbsl(kAccount), " not found.")};
}

Consumer Describe(const ConsumerState& c, Instant now) {
  return Consumer{c.name, c.arn, c.StatusAt(now), c.created};
}

}  // namespace

std::string StreamArn(std::string_view stream_name) {
  return absl::StrCat(sim::ToAbsl(kStreamArnPrefix), sim::ToAbsl(stream_name));
}

// Consumers ---------------------------------------------------------------------------------

void KinesisModel::PruneConsumers(Stream& stream, Instant now) {
  if (stream.deregistered_consumers == 0) return;
  const size_t erased = std::erase_if(
      stream.consumers, [now](const auto& entry) { return entry.second.GoneAt(now); });
  stream.deregistered_consumers -= static_cast<int>(erased);
  if (erased > 0) ++erasures_;
}

Outcome<KinesisModel::Stream*> KinesisModel::StreamOfArn(Instant now, std::string_view stream_arn) {
  const std::optional<std::string_view> name = StreamNameOfArn(stream_arn);
  if (!name) {
    return Validation("streamARN", stream_arn,
                      "Member must satisfy regular expression pattern: "
                      "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
  }
  Outcome<Stream*> stream = UsableStream(now, *name, Access::kReadWrite);
  if (stream.ok()) PruneConsumers(**stream, now);
  return stream;
}

ConsumerState* KinesisModel::FindConsumer(Instant now, std::string_view consumer_arn,
                                          Stream*& stream) {
  const std::optional<ConsumerArnParts> parts = PartsOfConsumerArn(consumer_arn);
  if (!parts) return nullptr;
  return FindConsumer(now, parts->stream, parts->consumer, consumer_arn, stream);
}

ConsumerState* KinesisModel::FindConsumer(Instant now, std::string_view stream_name,
                                          std::string_view consumer_name,
                                          std::string_view consumer_arn, Stream*& stream) {
  stream = FindStream(stream_name);
  if (stream == nullptr) return nullptr;
  PruneConsumers(*stream, now);
  const auto it = stream->consumers.find(consumer_name);
  if (it == stream->consumers.end() || it->second.arn != consumer_arn) return nullptr;
  return &it->second;
}

ConsumerState* KinesisModel::SubscriptionConsumer(Instant now, Subscription& s, Stream*& stream) {
  // Found before, nothing erased since and nothing to prune: the same stream and consumer.
  if (s.found_at_erasures == erasures_ && s.found_consumer != nullptr &&
      s.found_stream->deregistered_consumers == 0) {
    stream = s.found_stream;
    return s.found_consumer;
  }
  // The ARN's parts are the subscription's stream and consumer name: not parsed again per poll.
  ConsumerState* consumer = FindConsumer(now, s.stream, s.consumer_name, s.consumer_arn, stream);
  s.found_stream = stream;
  s.found_consumer = consumer;
  s.found_at_erasures = erasures_;
  return consumer;
}

Outcome<ConsumerState*> KinesisModel::SelectConsumer(Instant now, const ConsumerSelector& selector,
                                                     Stream*& stream) {
  const bool by_arn = selector.ConsumerARN.has_value();
  const bool by_name = selector.StreamARN.has_value() || selector.ConsumerName.has_value();
  if (by_arn == by_name ||
      (!by_arn && !(selector.StreamARN.has_value() && selector.ConsumerName.has_value()))) {
    return InvalidArgument(
        "Either ConsumerARN, or both StreamARN and ConsumerName, must be provided.");
  }
  if (by_arn) {
    if (!PartsOfConsumerArn(*selector.ConsumerARN)) {
      return Validation("consumerARN", *selector.ConsumerARN,
                        "Member must satisfy regular expression pattern: "
                        "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/"
                        "[a-zA-Z0-9_.-]+:[0-9]+");
    }
    ConsumerState* consumer = FindConsumer(now, *selector.ConsumerARN, stream);
    if (consumer == nullptr) return ConsumerNotFound(*selector.ConsumerARN);
    return consumer;
  }
  Outcome<Stream*> found = StreamOfArn(now, *selector.StreamARN);
  if (!found.ok()) return found.error();
  stream = *found;
  const auto it = stream->consumers.find(*selector.ConsumerName);
  if (it == stream->consumers.end()) {
    return ConsumerNotFound(
        absl::StrCat(sim::ToAbsl(*selector.ConsumerName), " of stream ", stream->name));
  }
  return &it->second;
}

Outcome<RegisterStreamConsumerResponse> KinesisModel::RegisterStreamConsumer(
    Instant now, const RegisterStreamConsumerRequest& request) {
  Advance(now);
  if (!ValidConsumerName(request.ConsumerName)) {
    return Validation("consumerName", request.ConsumerName,
                      "Member must have length between 1 and 128 and satisfy regular expression "
                      "pattern: [a-zA-Z0-9_.-]+");
  }
  Outcome<Stream*> found = StreamOfArn(now, request.StreamARN);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (stream.consumers.contains(request.ConsumerName)) {
    return KinesisError{
        ErrorCode::kResourceInUse,
        absl::StrCat("Consumer ", request.ConsumerName, " under stream ", stream.name,
                     " under account ", sim::ToAbsl(kAccount), " already exists.")};
  }
  if (stream.consumers.size() >= static_cast<size_t>(kMaxConsumersPerStream)) {
    return KinesisError{
        ErrorCode::kLimitExceeded,
        absl::StrCat("Stream ", stream.name, " under account ", sim::ToAbsl(kAccount),
                     " already has ", kMaxConsumersPerStream, " registered consumers.")};
  }
  ConsumerState consumer{
      .name = request.ConsumerName,
      .arn = absl::StrCat(StreamArn(stream.name), sim::ToAbsl(kConsumerPart), request.ConsumerName,
                          ":", now.unix_seconds()),
      .created = now,
  };
  if (stream.options.status_change_delay > Duration::Zero()) {
    consumer.busy_status = ConsumerStatus::CREATING;
    consumer.busy_until = now + stream.options.status_change_delay;
  }
  const auto [it, inserted] = stream.consumers.emplace(request.ConsumerName, std::move(consumer));
  SHARDSIM_CHECK(inserted, "a consumer name was registered twice");
  return RegisterStreamConsumerResponse{Describe(it->second, now)};
}

Outcome<DescribeStreamConsumerResponse> KinesisModel::DescribeStreamConsumer(
    Instant now, const DescribeStreamConsumerRequest& request) {
  Advance(now);
  Stream* stream = nullptr;
  Outcome<ConsumerState*> consumer = SelectConsumer(now, request, stream);
  if (!consumer.ok()) return consumer.error();
  const ConsumerState& c = **consumer;
  return DescribeStreamConsumerResponse{
      ConsumerDescription{c.name, c.arn, c.StatusAt(now), c.created, StreamArn(stream->name)}};
}

Outcome<ListStreamConsumersResponse> KinesisModel::ListStreamConsumers(
    Instant now, const ListStreamConsumersRequest& request) {
  Advance(now);
  if (request.MaxResults && (*request.MaxResults < 1 || *request.MaxResults > kMaxPageSize)) {
    return Validation("maxResults", absl::StrCat(*request.MaxResults),
                      "Member must have value between 1 and 10000");
  }
  Outcome<Stream*> found = StreamOfArn(now, request.StreamARN);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (request.StreamCreationTimestamp && *request.StreamCreationTimestamp != stream.created) {
    return KinesisError{ErrorCode::kResourceNotFound,
                        absl::StrCat("Stream ", stream.name, " under account ",
                                     sim::ToAbsl(kAccount), " with creation timestamp ",
                                     request.StreamCreationTimestamp->ToString(), " not found.")};
  }
  std::string after;
  if (request.NextToken) {
    Outcome<internal::ConsumersPage> resumed =
        internal::DecodeConsumersToken(*request.NextToken, now);
    if (!resumed.ok()) return resumed.error();
    if (resumed->stream != stream.name) {
      return InvalidArgument("Invalid NextToken: it was issued for another stream.");
    }
    after = resumed->after;
  }
  // AWS returns at most 100 a page whatever MaxResults says.
  const size_t page_size = static_cast<size_t>(
      std::min(request.MaxResults.value_or(kDefaultListStreamConsumersMaxResults), 100));
  ListStreamConsumersResponse response;
  auto it = after.empty() ? stream.consumers.begin() : stream.consumers.upper_bound(after);
  for (; it != stream.consumers.end() && response.Consumers.size() < page_size; ++it) {
    response.Consumers.push_back(Describe(it->second, now));
  }
  if (it != stream.consumers.end()) {
    response.NextToken = internal::EncodeConsumersToken(
        internal::ConsumersPage{stream.name, response.Consumers.back().ConsumerName}, now);
  }
  return response;
}

Outcome<Empty> KinesisModel::DeregisterStreamConsumer(
    Instant now, const DeregisterStreamConsumerRequest& request) {
  Advance(now);
  Stream* stream = nullptr;
  Outcome<ConsumerState*> consumer = SelectConsumer(now, request, stream);
  if (!consumer.ok()) return consumer.error();
  ConsumerState& c = **consumer;
  if (c.deregistered) {
    return KinesisError{ErrorCode::kResourceInUse,
                        absl::StrCat("Consumer ", c.name, " is already being deleted.")};
  }
  c.deregistered = true;
  ++stream->deregistered_consumers;
  c.busy_until = now + std::max(stream->options.status_change_delay, Duration::Zero());
  PruneConsumers(*stream, now);
  WakeSubscribers(*stream, std::nullopt);
  return Empty{};
}

// SubscribeToShard --------------------------------------------------------------------------

Outcome<SubscribeToShardResponse> KinesisModel::SubscribeToShard(
    Instant now, const SubscribeToShardRequest& request) {
  return OpenSubscription(now, request, nullptr);
}

SubscribeToShardCall KinesisModel::ObserveSubscribeToShard(Instant now, std::string client,
                                                           SubscribeToShardRequest request) {
  std::optional<IteratorInfo> start;
  Outcome<SubscribeToShardResponse> outcome = OpenSubscription(now, request, &start);
  return SubscribeToShardCall{now, std::move(client), std::move(request), std::move(outcome),
                              std::move(start)};
}

Outcome<SubscribeToShardResponse> KinesisModel::OpenSubscription(
    Instant now, const SubscribeToShardRequest& request, std::optional<IteratorInfo>* described) {
  Advance(now);
  Stream* stream = nullptr;
  ConsumerState* consumer = FindConsumer(now, request.ConsumerARN, stream);
  if (consumer == nullptr) {
    if (!PartsOfConsumerArn(request.ConsumerARN)) {
      return Validation("consumerARN", request.ConsumerARN,
                        "Member must satisfy regular expression pattern: "
                        "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/"
                        "[a-zA-Z0-9_.-]+:[0-9]+");
    }
    return ConsumerNotFound(request.ConsumerARN);
  }
  if (const ConsumerStatus status = consumer->StatusAt(now); status != ConsumerStatus::ACTIVE) {
    return KinesisError{
        ErrorCode::kResourceInUse,
        absl::StrCat("Consumer ", consumer->arn, " under stream: ", stream->name, ", account ",
                     sim::ToAbsl(kAccount), " is not in ACTIVE status (",
                     sim::ToAbsl(ConsumerStatusName(status)), ").")};
  }
  Outcome<Stream*> usable = UsableStream(now, stream->name, Access::kReadWrite);
  if (!usable.ok()) return usable.error();
  Retire(*stream, now);
  Outcome<ShardStore*> found_shard = ShardOrNotFound(*stream, request.ShardId);
  if (!found_shard.ok()) return found_shard.error();
  ShardStore& shard = **found_shard;

  const std::pair<std::string, std::string> key{request.ConsumerARN, shard.id()};
  const auto newest = newest_subscription_.find(key);
  if (newest != newest_subscription_.end() &&
      now < FindSubscription(newest->second)->started + kResubscribeGuard) {
    return KinesisError{ErrorCode::kResourceInUse,
                        absl::StrCat("Another active subscription exists for this consumer: ",
                                     sim::ToAbsl(kAccount), ":", stream->name, ":", shard.id(), ":",
                                     consumer->name)};
  }

  const StartingPosition& start = request.StartingPosition;
  const GetShardIteratorRequest as_iterator{.StreamName = stream->name,
                                            .ShardId = shard.id(),
                                            .ShardIteratorType = start.Type,
                                            .StartingSequenceNumber = start.SequenceNumber,
                                            .Timestamp = start.Timestamp};
  const bool by_sequence = start.Type == ShardIteratorType::AT_SEQUENCE_NUMBER ||
                           start.Type == ShardIteratorType::AFTER_SEQUENCE_NUMBER;
  if (by_sequence != start.SequenceNumber.has_value() ||
      (start.Type == ShardIteratorType::AT_TIMESTAMP) != start.Timestamp.has_value()) {
    return InvalidArgument(absl::StrCat(
        "StartingPosition ", sim::ToAbsl(ShardIteratorTypeName(start.Type)),
        " takes a SequenceNumber exactly for AT_ and AFTER_SEQUENCE_NUMBER and a Timestamp "
        "exactly for AT_TIMESTAMP."));
  }
  bool stuck = false;
  Outcome<internal::Position> position = StartPosition(now, *stream, shard, as_iterator, stuck);
  if (!position.ok()) return position.error();
  if (stuck) {
    return InvalidArgument(absl::StrCat("StartingSequenceNumber ", *start.SequenceNumber,
                                        " used in SubscribeToShard on shard ", shard.id(),
                                        " in stream ", stream->name,
                                        " is invalid because it is below the trim horizon."));
  }

  if (newest != newest_subscription_.end()) {
    Subscription& previous = *FindSubscription(newest->second);
    if (!previous.ended) {
      EndSubscription(
          previous, SubscriptionPoll{
                        .kind = SubscriptionPoll::Kind::kFailed,
                        .error = KinesisError{ErrorCode::kResourceInUse,
                                              absl::StrCat("Another active subscription exists for "
                                                           "this consumer: ",
                                                           sim::ToAbsl(kAccount), ":", stream->name,
                                                           ":", shard.id(), ":", consumer->name)}});
    }
  }
  auto subscription = std::make_unique<Subscription>();
  subscription->id = next_subscription_id_++;
  SHARDSIM_CHECK(subscription->id == subscriptions_.size() + 1, "subscription ids count up from 1");
  subscription->stream = stream->name;
  subscription->stream_created = stream->created;
  subscription->consumer_arn = consumer->arn;
  subscription->consumer_name = consumer->name;
  subscription->shard_index = shard.index();
  subscription->started = now;
  subscription->ends_at = now + kSubscriptionLifetime;
  subscription->position = *position;
  if (start.SequenceNumber) {
    absl::StatusOr<SequenceNumber> floor = SequenceNumber::Parse(*start.SequenceNumber);
    SHARDSIM_CHECK(floor.ok(), "a starting sequence number StartPosition accepted does not parse");
    subscription->continuation_floor = *floor;
  }
  if (described != nullptr) {
    *described =
        IteratorInfo{stream->name, shard.id(), position->bucket, position->ordinal, now, false};
  }
  const uint64_t id = subscription->id;
  const Instant ends_at = subscription->ends_at;
  subscriptions_.push_back(std::move(subscription));
  newest_subscription_[key] = id;
  return SubscribeToShardResponse{id, ends_at};
}

KinesisModel::Subscription* KinesisModel::FindSubscription(uint64_t id) const {
  return id >= 1 && id <= subscriptions_.size() ? subscriptions_[id - 1].get() : nullptr;
}

SubscriptionPoll KinesisModel::EndSubscription(Subscription& subscription, SubscriptionPoll end) {
  subscription.ended = std::move(end);
  CancelWake(subscription.id);
  return *subscription.ended;
}

void KinesisModel::WakeOnChange(uint64_t subscription_id, std::function<void()> wake) {
  Subscription& s = WaitingSubscription(subscription_id);
  s.wake.signal.reset();
  s.wake.call = std::move(wake);
}

void KinesisModel::WakeOnChange(uint64_t subscription_id, std::shared_ptr<sim::Signal> signal) {
  Subscription& s = WaitingSubscription(subscription_id);
  if (s.wake.call) s.wake.call = nullptr;
  s.wake.signal = std::move(signal);
}

void KinesisModel::Wake::Fire() const {
  if (signal != nullptr) {
    signal->NotifyAll();
  } else {
    call();
  }
}

KinesisModel::Subscription& KinesisModel::WaitingSubscription(uint64_t subscription_id) {
  Subscription* s = FindSubscription(subscription_id);
  SHARDSIM_CHECK(s != nullptr, "WakeOnChange of an id never issued");
  const auto it = std::lower_bound(waiting_.begin(), waiting_.end(), subscription_id);
  if (it == waiting_.end() || *it != subscription_id) waiting_.insert(it, subscription_id);
  return *s;
}

void KinesisModel::CancelWake(uint64_t subscription_id) {
  const auto it = std::lower_bound(waiting_.begin(), waiting_.end(), subscription_id);
  if (it == waiting_.end() || *it != subscription_id) return;
  waiting_.erase(it);
  Wake& wake = FindSubscription(subscription_id)->wake;
  wake.signal.reset();
  if (wake.call) wake.call = nullptr;
}

void KinesisModel::WakeSubscribers(const Stream& stream, std::optional<uint32_t> shard_index) {
  if (waiting_.empty()) return;
  std::vector<Wake> due;  // taken out first: a wake may add another
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    Subscription& s = *FindSubscription(*it);
    const bool mine = s.stream == stream.name && s.stream_created == stream.created &&
                      (!shard_index || s.shard_index == *shard_index);
    if (!mine) {
      ++it;
      continue;
    }
    due.push_back(std::exchange(s.wake, Wake{}));
    it = waiting_.erase(it);
  }
  for (const Wake& wake : due) wake.Fire();
}

namespace {

// A subscription at rest keeps up with the tip: the empty buckets that ended while it waited
// are passed at once, as one step a second would have passed them.
void PassEndedEmptyBuckets(internal::ShardStore& shard, internal::Position& p, Instant now) {
  // Bounded by the buckets of one heartbeat interval: a subscription rests at most that long.
  for (int passed = 0;; ++passed) {
    SHARDSIM_CHECK(passed < 100'000'000, "a resting subscription passed too many buckets");
    const bool record_here =
        p.ordinal < shard.end_ordinal() && shard.At(p.ordinal).bucket <= p.bucket;
    if (record_here || (shard.closed() && p.bucket >= shard.LastBucket(now))) return;
    const std::optional<Instant> end = shard.BucketEnd(p.bucket);
    if (!end.has_value() || *end > now) return;
    ++p.bucket;
  }
}

// `poll` holding what a fresh SubscriptionPoll{.kind = kind} holds, but for its event.
void ResetPoll(SubscriptionPoll& poll, SubscriptionPoll::Kind kind) {
  poll.kind = kind;
  poll.wake_at = Instant();
  poll.until_change = false;
  poll.error.reset();
  poll.expired = false;
}

// `poll` made a wait: SubscriptionPoll{.kind = kWait, .wake_at, .until_change}, but for its
// event, whose room is kept for the next event (most polls are waits; destroying the husk and
// building it again was a per-poll cost, measured).
void SetWait(SubscriptionPoll& poll, Instant wake_at, bool until_change) {
  ResetPoll(poll, SubscriptionPoll::Kind::kWait);
  poll.wake_at = wake_at;
  poll.until_change = until_change;
}

// An event in `poll`'s room with a default-constructed event's value (an event moved out of
// the last delivery leaves its husk there).
SubscribeToShardEvent& FreshEvent(SubscriptionPoll& poll) {
  if (!poll.event.has_value()) return poll.event.emplace();
  SubscribeToShardEvent& event = *poll.event;
  event.Records.clear();
  event.ContinuationSequenceNumber.reset();
  event.MillisBehindLatest = 0;
  event.ChildShards.clear();
  return event;
}

}  // namespace

SubscriptionPoll KinesisModel::PollSubscription(Instant now, uint64_t subscription_id) {
  SubscriptionPoll poll;
  Poll(now, subscription_id, nullptr, poll);
  return poll;
}

SubscriptionDelivery KinesisModel::ObserveSubscription(Instant now, std::string client,
                                                       uint64_t subscription_id) {
  SubscriptionDelivery delivery{.client = std::move(client)};
  ObserveSubscription(now, delivery.client, subscription_id, delivery);
  return delivery;
}

void KinesisModel::ObserveSubscription(Instant now, std::string_view client,
                                       uint64_t subscription_id, SubscriptionDelivery& delivery) {
  delivery.at = now;
  // A subscription's consumer and shard never change: a delivery that names them already (an
  // empty shard id marks one that does not) is not named again (a compare and a copy per
  // event, measured).
  if (delivery.subscription_id != subscription_id) delivery.shard_id.clear();
  delivery.subscription_id = subscription_id;
  Poll(now, subscription_id, &delivery, delivery.poll);
  // A wait is neither traced nor observed: most polls are waits, and they go unnamed.
  if (delivery.poll.kind == SubscriptionPoll::Kind::kWait) return;
  // An event described where it read from, and where it left the subscription unless it was
  // the shard's last; an end describes neither.
  if (delivery.poll.kind != SubscriptionPoll::Kind::kEvent) delivery.from.reset();
  if (delivery.poll.kind != SubscriptionPoll::Kind::kEvent ||
      !delivery.poll.event->ContinuationSequenceNumber.has_value()) {
    delivery.next.reset();
  }
  // Compared, not assigned: a front end that keeps its delivery names the same client every
  // time (an assignment per poll showed in profiles).
  if (delivery.client.data() != client.data() && delivery.client != client) {
    delivery.client.assign(client);
  }
  if (!delivery.shard_id.empty()) return;
  const Subscription& s = *FindSubscription(subscription_id);
  delivery.consumer_arn.assign(s.consumer_arn);
  internal::ShardIdInto(s.shard_index, delivery.shard_id);
}

void KinesisModel::Poll(Instant now, uint64_t subscription_id, SubscriptionDelivery* described,
                        SubscriptionPoll& out) {
  Advance(now);
  Subscription* found = FindSubscription(subscription_id);
  SHARDSIM_CHECK(found != nullptr, "PollSubscription of an id never issued");
  Subscription& s = *found;
  if (s.ended) {
    out = *s.ended;
    return;
  }

  using Kind = SubscriptionPoll::Kind;
  Stream* stream = nullptr;
  const ConsumerState* consumer = SubscriptionConsumer(now, s, stream);
  if (consumer == nullptr || consumer->StatusAt(now) != ConsumerStatus::ACTIVE ||
      stream->created != s.stream_created) {
    out = EndSubscription(s, {.kind = Kind::kFailed, .error = ConsumerNotFound(s.consumer_arn)});
    return;
  }
  if (stream->StatusAt(now) == StreamStatus::DELETING) {
    out = EndSubscription(s, {.kind = Kind::kFailed,
                              .error = KinesisError{ErrorCode::kResourceNotFound,
                                                    internal::StreamNotFound(s.stream)}});
    return;
  }
  Retire(*stream, now);
  ShardStore* shard =
      s.shard_index < stream->shards.size() ? stream->shards[s.shard_index].get() : nullptr;
  if (shard == nullptr) {
    out = EndSubscription(
        s, {.kind = Kind::kFailed,
            .error = KinesisError{
                ErrorCode::kResourceNotFound,
                absl::StrCat("Shard ", internal::ShardIdFor(s.shard_index), " in stream ", s.stream,
                             " under account ", sim::ToAbsl(kAccount), " does not exist")}});
    return;
  }
  if (now >= s.ends_at) {
    out = EndSubscription(s, {.kind = Kind::kComplete, .expired = true});
    return;
  }

  const Instant due = s.last_event_at ? *s.last_event_at + kEventInterval : s.started;
  if (now < due) {
    SetWait(out, std::min(due, s.ends_at), /*until_change=*/false);
    return;
  }
  if (s.at_rest) PassEndedEmptyBuckets(*shard, s.position, now);
  const Instant heartbeat = s.last_event_at ? *s.last_event_at + kHeartbeatInterval : now;
  SubscribeToShardEvent& event = FreshEvent(out);
  WalkSubscription(now, *stream, *shard, s, /*may_rest=*/now < heartbeat, s.at_rest, described,
                   event);
  if (s.at_rest) {
    // Nothing to say yet: the heartbeat, unless the shard changes first.
    SetWait(out, std::min(heartbeat, s.ends_at), /*until_change=*/true);
    return;
  }
  s.last_event_at = now;
  ResetPoll(out, Kind::kEvent);
  if (!event.ContinuationSequenceNumber.has_value()) {
    s.ended = SubscriptionPoll{.kind = Kind::kComplete};  // the shard's end
  }
}

}  // namespace shardsim::model
