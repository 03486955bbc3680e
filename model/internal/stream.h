// KinesisModel's per-stream state, shared by the files that implement the model. Internal.
#ifndef SHARDSIM_MODEL_INTERNAL_STREAM_H_
#define SHARDSIM_MODEL_INTERNAL_STREAM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/internal/shard_store.h"
#include "model/kinesis_model.h"
#include "model/sequence_number.h"
#include "sim/random.h"
#include "sim/strings.h"

namespace shardsim::model {

namespace internal {

// The account every stream belongs to, as AWS messages name it.
inline constexpr std::string_view kAccount = "123456789012";

inline std::string StreamNotFound(std::string_view stream) {
  return absl::StrCat("Stream ", sim::ToAbsl(stream), " under account ", sim::ToAbsl(kAccount),
                      " not found.");
}

// A registered stream consumer (enhanced fan-out).
struct ConsumerState {
  std::string name;
  std::string arn;
  Instant created;
  // CREATING until `busy_until` after registration; DELETING until then after deregistration
  // (then gone).
  ConsumerStatus busy_status = ConsumerStatus::ACTIVE;
  Instant busy_until = Instant::FromUnixMicros(INT64_MIN);
  bool deregistered = false;

  ConsumerStatus StatusAt(Instant now) const {
    if (deregistered) return ConsumerStatus::DELETING;
    return now < busy_until ? busy_status : ConsumerStatus::ACTIVE;
  }
  bool GoneAt(Instant now) const { return deregistered && now >= busy_until; }
};

}  // namespace internal

struct KinesisModel::Stream {
  std::string name;
  StreamOptions options;
  StreamModeDetails mode;
  Instant created;
  // CREATING, UPDATING or DELETING until `busy_until`, then ACTIVE (or gone, when DELETING).
  StreamStatus busy_status = StreamStatus::ACTIVE;
  Instant busy_until = Instant::FromUnixMicros(INT64_MIN);
  // Indexed by shard index; a retired (expired) shard leaves a null entry.
  std::vector<std::unique_ptr<internal::ShardStore>> shards;
  // Retire has nothing to do before this time (nullopt: unknown). Every put, reshard and
  // retention change resets it (ShardsChanged).
  std::optional<Instant> retire_due;
  void ShardsChanged() { retire_due.reset(); }
  sim::Random rng{0};
  // ListShards' description of each shard, by index, formatted once (a loop that lists the
  // shards every few calls would otherwise print 128-bit hash keys and sequence numbers each
  // time); an entry made while the shard was open is redone once it has closed.
  std::vector<std::optional<Shard>> listings;
  // The last answer of ListShardsShared, and the listing it was made from: each retained
  // shard's index and whether it was closed (a description changes only when its shard
  // closes, so the same key means the same answer).
  std::shared_ptr<const ListShardsResponse> shared_listing;
  std::vector<std::pair<uint32_t, bool>> shared_listing_key;

  // Registered consumers by name (deregistered ones until their DELETING time is over), and how
  // many of them are deregistered (PruneConsumers, on every subscription poll, has nothing to
  // do while none is).
  std::map<std::string, internal::ConsumerState, std::less<>> consumers;
  int deregistered_consumers = 0;

  // Settings (stream_settings.cc): tags by key, shard-level metrics enabled, encryption.
  std::map<std::string, std::string, std::less<>> tags;
  std::vector<std::string> shard_level_metrics;  // in kShardLevelMetrics' order
  EncryptionType encryption = EncryptionType::NONE;
  std::string key_id;

  StreamStatus StatusAt(Instant now) const {
    return now < busy_until ? busy_status : StreamStatus::ACTIVE;
  }
};

// One SubscribeToShard: where its next event starts, and when.
struct KinesisModel::Subscription {
  uint64_t id = 0;
  std::string stream;
  Instant stream_created;  // tells a re-created stream of the same name apart
  std::string consumer_arn;
  std::string consumer_name;
  uint32_t shard_index = 0;
  Instant started;
  Instant ends_at;
  std::optional<Instant> last_event_at;
  // Caught up at the last poll (no event was due): the next poll first passes the empty
  // buckets that ended meanwhile, as a subscription at the tip keeps up with it.
  bool at_rest = false;
  internal::Position position;
  // The least ContinuationSequenceNumber it may still send: the number it started AT or AFTER,
  // then the last one sent (see ContinuationAt).
  std::optional<SequenceNumber> continuation_floor;
  // The text of `number`, from the last one printed when it is the same: a subscription at
  // the tip sends one continuation again and again (a heartbeat), and printing 56 digits
  // was a tenth of a fan-out run.
  const std::string& ContinuationText(const SequenceNumber& number) {
    if (printed_continuation != number) {
      printed_continuation = number;
      number.ToStringInto(printed_continuation_text);
    }
    return printed_continuation_text;
  }
  std::optional<SequenceNumber> printed_continuation;
  std::string printed_continuation_text;
  // ContinuationAt's last answer and all it read of the shard: a subscription at rest asks
  // again, poll after poll, for the same position of a shard that has not changed.
  struct ContinuationMemo {
    const internal::ShardStore* shard;
    internal::Position at;
    uint64_t first_ordinal;  // moves when records are trimmed (and the trimmed counter with it)
    uint64_t end_ordinal;    // moves when a record is put
    SequenceNumber number;
  };
  std::optional<ContinuationMemo> continuation_memo;
  // Its WakeOnChange wake, while its id is in KinesisModel::waiting_.
  Wake wake;
  // Set once it ended: kComplete or kFailed, repeated to every later poll.
  std::optional<SubscriptionPoll> ended;
  // What its last poll found (SubscriptionConsumer), valid while the model's erasures count is
  // still `found_at_erasures`.
  Stream* found_stream = nullptr;
  internal::ConsumerState* found_consumer = nullptr;
  uint64_t found_at_erasures = UINT64_MAX;
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_INTERNAL_STREAM_H_
