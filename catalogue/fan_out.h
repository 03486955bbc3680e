// Building blocks the catalogue's enhanced fan-out (SubscribeToShard) loops share, each what a
// production loop writes itself: registering the stream consumer (or finding the one an earlier
// run registered) and waiting until it is ACTIVE, where a shard's first subscription starts
// (AFTER its checkpoint), and subscribing with the retries AWS's rules call for (5 s after a
// ResourceInUseException, TRIM_HORIZON for a checkpoint below the trim horizon).
#ifndef SHARDSIM_CATALOGUE_FAN_OUT_H_
#define SHARDSIM_CATALOGUE_FAN_OUT_H_

#include <optional>
#include <string>
#include <variant>

#include "catalogue/common.h"

namespace shardsim::catalogue {

using model::EventStream;
using model::StartingPosition;
using model::SubscribeToShardEvent;

// The ARN of the stream consumer `consumer_name` of the context's stream, once it is ACTIVE:
// RegisterStreamConsumer; on ResourceInUseException (an earlier run registered it)
// DescribeStreamConsumer by StreamARN and name; then DescribeStreamConsumer every second while
// it is CREATING (as the KCL does). nullopt after a minute without an ACTIVE consumer, or after
// errors on every try; the caller tries again later.
sim::Task<std::optional<std::string>> EnsureStreamConsumer(ConsumerContext& ctx,
                                                           std::string consumer_name);

// Where a shard's first subscription starts: AFTER_SEQUENCE_NUMBER of its checkpoint (a record's
// number or a ContinuationSequenceNumber), TRIM_HORIZON without one.
// REQUIRES: the checkpoint is not SHARD_END.
StartingPosition PositionAfterCheckpoint(const ConsumerContext& ctx, const std::string& shard_id);

// The shard no longer exists (a closed shard past the retention period): nothing to read.
struct ShardGone {};
// SubscribeToShard gave up after its tries; the caller waits and tries again.
struct NotSubscribed {};
using Subscribed = std::variant<EventStream, ShardGone, NotSubscribed>;

// SubscribeToShard from `position`, up to ten tries: ResourceInUseException (within 5 s of the
// last subscription for this consumer and shard, a dead incarnation's included, or the consumer
// not ACTIVE) waits `in_use_backoff` (at least 5 s); InvalidArgumentException for a
// sequence-number position (it lies below the trim horizon after a long outage) moves `position`
// to TRIM_HORIZON, where every record after it that still exists is, as KCL does; anything else
// waits a second. ResourceNotFoundException: the shard is gone.
sim::Task<Subscribed> SubscribeWithRetry(ConsumerContext& ctx, const std::string& consumer_arn,
                                         const std::string& shard_id, StartingPosition& position,
                                         Duration in_use_backoff);

// AFTER_SEQUENCE_NUMBER of `sequence_number`.
StartingPosition After(const std::string& sequence_number);

// The most events one subscription delivers: five minutes at one a second, with room; a loop
// reading more from one subscription than this resubscribes.
inline constexpr int kMaxEventsPerSubscription = 400;

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_FAN_OUT_H_
