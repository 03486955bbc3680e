// KinesisModel::UpdateShardCount (uniform scaling), built from SplitShard and MergeShards only.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/hash_key.h"
#include "model/internal/stream.h"
#include "model/kinesis_model.h"

namespace shardsim::model {

namespace {

constexpr int kMaxShardsPerStream = 1'000;

struct OpenShard {
  std::string id;
  HashKey starting;
  HashKey ending;
};

// The open shards of the stream, ordered by their starting hash key.
Outcome<std::vector<OpenShard>> OpenShards(KinesisModel& model, Instant now,
                                           const std::string& stream) {
  std::vector<OpenShard> open;
  ListShardsRequest request{
      .StreamName = stream,
      .MaxResults = kMaxPageSize,
      .ShardFilter = ShardFilter{ShardFilterType::AT_LATEST, std::nullopt, std::nullopt}};
  // Each page lists at least one shard, and a stream has at most UINT32_MAX of them.
  for (uint64_t page = 0; page <= UINT32_MAX; ++page) {
    Outcome<ListShardsResponse> listed = model.ListShards(now, request);
    if (!listed.ok()) return listed.error();
    for (const Shard& shard : listed->Shards) {
      // The model prints its own keys, so they parse.
      open.push_back(OpenShard{shard.ShardId, *HashKey::Parse(shard.HashKeyRange.StartingHashKey),
                               *HashKey::Parse(shard.HashKeyRange.EndingHashKey)});
    }
    if (!listed->NextToken) break;
    request = ListShardsRequest{.NextToken = listed->NextToken, .MaxResults = kMaxPageSize};
  }
  std::sort(open.begin(), open.end(),
            [](const OpenShard& a, const OpenShard& b) { return a.starting < b.starting; });
  return open;
}

}  // namespace

Outcome<UpdateShardCountResponse> KinesisModel::UpdateShardCount(
    Instant now, const UpdateShardCountRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  Outcome<std::vector<OpenShard>> open = OpenShards(*this, now, request.StreamName);
  if (!open.ok()) return open.error();
  const int current = static_cast<int>(open->size());
  const int target = request.TargetShardCount;
  if (target < 1 || target > kMaxShardsPerStream) {
    return KinesisError{ErrorCode::kInvalidArgument,
                        absl::StrCat("TargetShardCount must be between 1 and ", kMaxShardsPerStream,
                                     ", got ", target)};
  }
  if (target > 2 * current || 2 * target < current) {
    return KinesisError{
        ErrorCode::kLimitExceeded,
        absl::StrCat("UpdateShardCount cannot scale the open shard count (", current,
                     ") beyond double or below half of it in one call; requested ", target)};
  }
  const std::vector<HashKeyRange> ranges = EvenlySplitHashKeySpace(target);
  // Split the shard holding each target boundary that is not already a shard boundary.
  for (const HashKeyRange& range : ranges) {
    Outcome<std::vector<OpenShard>> now_open = OpenShards(*this, now, request.StreamName);
    if (!now_open.ok()) return now_open.error();
    for (const OpenShard& shard : *now_open) {
      if (shard.starting < range.starting && range.starting <= shard.ending) {
        Outcome<Empty> split =
            Split(now, stream,
                  SplitShardRequest{request.StreamName, shard.id, range.starting.ToString()});
        if (!split.ok()) return split.error();
        break;
      }
    }
  }
  // Merge, left to right, the open shards that make up each target range.
  for (const HashKeyRange& range : ranges) {
    for (int step = 0; step <= 2 * kMaxShardsPerStream; ++step) {
      Outcome<std::vector<OpenShard>> now_open = OpenShards(*this, now, request.StreamName);
      if (!now_open.ok()) return now_open.error();
      std::vector<const OpenShard*> inside;
      for (const OpenShard& shard : *now_open) {
        if (range.starting <= shard.starting && shard.ending <= range.ending) {
          inside.push_back(&shard);
        }
      }
      if (inside.size() <= 1) break;
      Outcome<Empty> merged =
          Merge(now, stream, MergeShardsRequest{request.StreamName, inside[0]->id, inside[1]->id});
      if (!merged.ok()) return merged.error();
    }
  }
  MarkBusy(stream, StreamStatus::UPDATING, now);
  return UpdateShardCountResponse{request.StreamName, current, target};
}

}  // namespace shardsim::model
