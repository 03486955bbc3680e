// KinesisModel's per-stream state, shared by the files that implement the model. Internal.
#ifndef SHARDSIM_MODEL_INTERNAL_STREAM_H_
#define SHARDSIM_MODEL_INTERNAL_STREAM_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/internal/shard_store.h"
#include "model/kinesis_model.h"
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
  sim::Random rng{0};
  // ListShards' description of each shard, by index, formatted once (a loop that lists the
  // shards every few calls would otherwise print 128-bit hash keys and sequence numbers each
  // time); an entry made while the shard was open is redone once it has closed.
  std::vector<std::optional<Shard>> listings;

  StreamStatus StatusAt(Instant now) const {
    return now < busy_until ? busy_status : StreamStatus::ACTIVE;
  }
};

}  // namespace shardsim::model

#endif  // SHARDSIM_MODEL_INTERNAL_STREAM_H_
