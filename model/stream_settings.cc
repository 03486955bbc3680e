// KinesisModel: a stream's settings — tags, enhanced (shard-level) monitoring, server-side
// encryption — and the account limits DescribeLimits reports.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/internal/stream.h"
#include "model/kinesis_model.h"

namespace shardsim::model {

namespace {

KinesisError InvalidArgumentError(std::string message) {
  return KinesisError{ErrorCode::kInvalidArgument, std::move(message)};
}

// AWS's tag characters: letters, digits, spaces and _ . : / = + - @ (here: ASCII letters and
// digits, and any byte of a UTF-8 sequence, which AWS's \p{L} admits).
bool ValidTagText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
  });
}

// The metrics `names` stands for, in kShardLevelMetrics' order; an unknown name is an error.
Outcome<std::vector<bool>> MetricSet(const std::vector<std::string>& names) {
  constexpr size_t kCount = std::size(kShardLevelMetrics);
  std::vector<bool> set(kCount, false);
  if (names.empty()) {
    return InvalidArgumentError("ShardLevelMetrics must name at least one metric.");
  }
  for (const std::string& name : names) {
    if (name == "ALL") {
      set.assign(kCount, true);
      continue;
    }
    const auto it = std::find(std::begin(kShardLevelMetrics), std::end(kShardLevelMetrics), name);
    if (it == std::end(kShardLevelMetrics)) {
      return InvalidArgumentError(absl::StrCat("Unknown shard level metric ", name, "."));
    }
    set[static_cast<size_t>(it - std::begin(kShardLevelMetrics))] = true;
  }
  return set;
}

std::vector<std::string> MetricNames(const std::vector<bool>& set) {
  std::vector<std::string> names;
  for (size_t i = 0; i < set.size(); ++i) {
    if (set[i]) names.emplace_back(kShardLevelMetrics[i]);
  }
  return names;
}

}  // namespace

Outcome<Empty> KinesisModel::AddTagsToStream(Instant now, const AddTagsToStreamRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kList);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  size_t added = 0;
  for (const Tag& tag : request.Tags) {
    if (!ValidTagText(tag.Key) || !ValidTagText(tag.Value)) {
      return InvalidArgumentError(
          "Some tags contain invalid characters. Valid characters: "
          "Unicode letters, digits, white space, _ . / = + - % @.");
    }
    if (absl::StartsWith(tag.Key, "aws:")) {
      return InvalidArgumentError("Tag keys must not start with the reserved prefix 'aws:'.");
    }
    if (!stream.tags.contains(tag.Key)) ++added;
  }
  if (stream.tags.size() + added > static_cast<size_t>(kMaxTagsPerStream)) {
    return InvalidArgumentError(absl::StrCat("Failed to add tags to stream ", stream.name,
                                             " under account ", sim::ToAbsl(internal::kAccount),
                                             " because a given stream cannot have more than ",
                                             kMaxTagsPerStream, " tags."));
  }
  for (const Tag& tag : request.Tags) stream.tags[tag.Key] = tag.Value;
  return Empty{};
}

Outcome<Empty> KinesisModel::RemoveTagsFromStream(Instant now,
                                                  const RemoveTagsFromStreamRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kList);
  if (!found.ok()) return found.error();
  for (const std::string& key : request.TagKeys) (*found)->tags.erase(key);
  return Empty{};
}

Outcome<ListTagsForStreamResponse> KinesisModel::ListTagsForStream(
    Instant now, const ListTagsForStreamRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kList);
  if (!found.ok()) return found.error();
  const Stream& stream = **found;
  const size_t limit = static_cast<size_t>(
      std::clamp(request.Limit.value_or(kDefaultListTagsLimit), 1, kMaxTagsPerStream));
  ListTagsForStreamResponse response;
  auto it = request.ExclusiveStartTagKey ? stream.tags.upper_bound(*request.ExclusiveStartTagKey)
                                         : stream.tags.begin();
  for (; it != stream.tags.end() && response.Tags.size() < limit; ++it) {
    response.Tags.push_back(Tag{it->first, it->second});
  }
  response.HasMoreTags = it != stream.tags.end();
  return response;
}

Outcome<EnhancedMonitoringResponse> KinesisModel::EnableEnhancedMonitoring(
    Instant now, const EnhancedMonitoringRequest& request) {
  return ChangeMonitoring(now, request, /*enable=*/true);
}

Outcome<EnhancedMonitoringResponse> KinesisModel::DisableEnhancedMonitoring(
    Instant now, const EnhancedMonitoringRequest& request) {
  return ChangeMonitoring(now, request, /*enable=*/false);
}

Outcome<EnhancedMonitoringResponse> KinesisModel::ChangeMonitoring(
    Instant now, const EnhancedMonitoringRequest& request, bool enable) {
  Advance(now);
  Outcome<std::vector<bool>> asked = MetricSet(request.ShardLevelMetrics);
  if (!asked.ok()) return asked.error();
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  std::vector<bool> current(std::size(kShardLevelMetrics), false);
  for (const std::string& name : stream.shard_level_metrics) {
    const auto it = std::find(std::begin(kShardLevelMetrics), std::end(kShardLevelMetrics), name);
    current[static_cast<size_t>(it - std::begin(kShardLevelMetrics))] = true;
  }
  std::vector<bool> desired = current;
  for (size_t i = 0; i < desired.size(); ++i) {
    if ((*asked)[i]) desired[i] = enable;
  }
  EnhancedMonitoringResponse response{stream.name, MetricNames(current), MetricNames(desired)};
  stream.shard_level_metrics = response.DesiredShardLevelMetrics;
  MarkBusy(stream, StreamStatus::UPDATING, now);
  return response;
}

Outcome<Empty> KinesisModel::StartStreamEncryption(Instant now,
                                                   const StreamEncryptionRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (request.EncryptionType != EncryptionType::KMS) {
    return InvalidArgumentError("EncryptionType must be KMS.");
  }
  stream.encryption = EncryptionType::KMS;
  stream.key_id = request.KeyId;
  MarkBusy(stream, StreamStatus::UPDATING, now);
  return Empty{};
}

Outcome<Empty> KinesisModel::StopStreamEncryption(Instant now,
                                                  const StreamEncryptionRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  if (request.EncryptionType != EncryptionType::KMS) {
    return InvalidArgumentError("EncryptionType must be KMS.");
  }
  if (stream.encryption != EncryptionType::KMS) {
    return InvalidArgumentError(absl::StrCat("Stream ", stream.name, " under account ",
                                             sim::ToAbsl(internal::kAccount),
                                             " is not encrypted."));
  }
  if (request.KeyId != stream.key_id) {
    return InvalidArgumentError(absl::StrCat("KeyId ", request.KeyId, " is not the key stream ",
                                             stream.name, " is encrypted with."));
  }
  stream.encryption = EncryptionType::NONE;
  stream.key_id.clear();
  MarkBusy(stream, StreamStatus::UPDATING, now);
  return Empty{};
}

DescribeLimitsResponse KinesisModel::DescribeLimits(Instant now) {
  Advance(now);
  DescribeLimitsResponse response;
  for (auto& [name, stream] : streams_) {
    Retire(*stream, now);
    for (const auto& shard : stream->shards) {
      if (shard != nullptr && !shard->closed()) ++response.OpenShardCount;
    }
    if (stream->mode.StreamMode == StreamMode::ON_DEMAND) ++response.OnDemandStreamCount;
  }
  return response;
}

}  // namespace shardsim::model
