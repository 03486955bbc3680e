// KinesisModel's listings: ListShards (ShardFilter, MaxResults, NextToken), DescribeStream,
// DescribeStreamSummary and ListStreams.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/internal/next_token.h"
#include "model/internal/stream.h"
#include "model/kinesis_model.h"

namespace shardsim::model {

using internal::ShardStore;

namespace {

KinesisError InvalidArgument(std::string message) {
  return KinesisError{ErrorCode::kInvalidArgument, std::move(message)};
}

// A page size given by the caller, 1..kMaxPageSize.
std::optional<KinesisError> CheckPageSize(std::string_view name, const std::optional<int>& size) {
  if (!size || (*size >= 1 && *size <= kMaxPageSize)) return std::nullopt;
  return InvalidArgument(
      absl::StrCat(sim::ToAbsl(name), " must be between 1 and ", kMaxPageSize, ", got ", *size));
}

std::optional<KinesisError> CheckFilter(const ShardFilter& filter) {
  if ((filter.Type == ShardFilterType::AFTER_SHARD_ID) != filter.ShardId.has_value()) {
    return InvalidArgument(
        "ShardFilter.ShardId must be given exactly when ShardFilter.Type is AFTER_SHARD_ID");
  }
  const bool wants_time = filter.Type == ShardFilterType::AT_TIMESTAMP ||
                          filter.Type == ShardFilterType::FROM_TIMESTAMP;
  if (wants_time != filter.Timestamp.has_value()) {
    return InvalidArgument(
        "ShardFilter.Timestamp must be given exactly when ShardFilter.Type is AT_TIMESTAMP or "
        "FROM_TIMESTAMP");
  }
  return std::nullopt;
}

std::optional<KinesisError> CheckListShards(const ListShardsRequest& request) {
  if (auto e = CheckPageSize("MaxResults", request.MaxResults)) return e;
  if (request.ShardFilter) {
    if (auto e = CheckFilter(*request.ShardFilter)) return e;
  }
  if (request.NextToken && (!request.StreamName.empty() || request.ExclusiveStartShardId)) {
    return InvalidArgument(
        "NextToken and StreamName (or StreamARN, or ExclusiveStartShardId) cannot be provided "
        "together.");
  }
  if (!request.NextToken && request.StreamName.empty()) {
    return InvalidArgument("Either NextToken or StreamName (or StreamARN) should be provided.");
  }
  return std::nullopt;
}

// Whether a shard alive in seconds [created_s, closed_s) is open at `at_s`.
bool OpenAt(int64_t created_s, std::optional<int64_t> closed_s, int64_t at_s) {
  return created_s <= at_s && (!closed_s || *closed_s > at_s);
}

// Whether ShardFilter `filter` selects `shard` of `stream` at `now`; times compare at whole
// seconds, as the shard's sequence numbers record them.
bool Selects(const ShardFilter& filter, const ShardStore& shard, Instant stream_created,
             Duration retention, Instant now) {
  const int64_t stream_created_s = stream_created.unix_seconds();
  const int64_t created_s = shard.created().unix_seconds();
  std::optional<int64_t> closed_s;
  if (shard.closed_at()) closed_s = shard.closed_at()->unix_seconds();
  switch (filter.Type) {
    case ShardFilterType::AFTER_SHARD_ID:
      return shard.id() > filter.ShardId.value_or("");
    case ShardFilterType::AT_LATEST:
      return !closed_s.has_value();
    case ShardFilterType::AT_TRIM_HORIZON:
      return OpenAt(created_s, closed_s,
                    std::max(stream_created_s, (now - retention).unix_seconds()));
    case ShardFilterType::FROM_TRIM_HORIZON:
      return true;
    case ShardFilterType::AT_TIMESTAMP:
    case ShardFilterType::FROM_TIMESTAMP: {
      const int64_t at_s =
          std::max(stream_created_s, filter.Timestamp.value_or(now).unix_seconds());
      if (filter.Type == ShardFilterType::AT_TIMESTAMP) return OpenAt(created_s, closed_s, at_s);
      return !closed_s || *closed_s >= at_s;
    }
  }
  return true;
}

}  // namespace

std::vector<const Shard*> KinesisModel::Listing(Stream& stream, Instant now) {
  Retire(stream, now);
  stream.listings.resize(stream.shards.size());
  std::vector<const Shard*> out;
  out.reserve(stream.shards.size());
  for (size_t i = 0; i < stream.shards.size(); ++i) {
    const ShardStore* shard = stream.shards[i].get();
    if (shard == nullptr) continue;
    std::optional<Shard>& listing = stream.listings[i];
    if (!listing.has_value() ||
        listing->SequenceNumberRange.EndingSequenceNumber.has_value() != shard->closed()) {
      listing = DescribeShard(stream, *shard);
    }
    out.push_back(&*listing);
  }
  return out;
}

Outcome<ListShardsResponse> KinesisModel::ListShards(Instant now,
                                                     const ListShardsRequest& request) {
  Advance(now);
  if (auto invalid = CheckListShards(request)) return *std::move(invalid);
  internal::ShardsPage page{request.StreamName, request.ExclusiveStartShardId.value_or(""),
                            request.ShardFilter};
  if (request.NextToken) {
    Outcome<internal::ShardsPage> resumed = internal::DecodeShardsToken(*request.NextToken, now);
    if (!resumed.ok()) return resumed.error();
    page = *std::move(resumed);
    // A token without a filter takes the call's.
    if (!page.filter) page.filter = request.ShardFilter;
  }
  Outcome<Stream*> found = UsableStream(now, page.stream, Access::kList);
  if (!found.ok()) return found.error();
  Stream& stream = **found;
  const int max_results = request.MaxResults.value_or(kDefaultListShardsMaxResults);
  ListShardsResponse response;
  const std::vector<const Shard*> listing = Listing(stream, now);
  response.Shards.reserve(std::min(listing.size(), static_cast<size_t>(std::max(max_results, 0))));
  for (const Shard* shard : listing) {
    if (!page.after.empty() && shard->ShardId <= page.after) continue;
    if (page.filter) {
      const ShardStore& store = *FindShard(stream, shard->ShardId);
      if (!Selects(*page.filter, store, stream.created, stream.options.retention, now)) continue;
    }
    if (static_cast<int>(response.Shards.size()) == max_results) {
      page.after = response.Shards.back().ShardId;
      response.NextToken = internal::EncodeShardsToken(page, now);
      break;
    }
    response.Shards.push_back(*shard);
  }
  return response;
}

namespace {

// The retained shards of `stream`, each as (index, closed).
std::vector<std::pair<uint32_t, bool>> ListingKey(
    const std::vector<std::unique_ptr<ShardStore>>& shards) {
  std::vector<std::pair<uint32_t, bool>> key;
  key.reserve(shards.size());
  for (const auto& shard : shards) {
    if (shard != nullptr) key.emplace_back(shard->index(), shard->closed());
  }
  return key;
}

// ListingKey(shards) == key, without building the key.
bool HasListingKey(const std::vector<std::unique_ptr<ShardStore>>& shards,
                   const std::vector<std::pair<uint32_t, bool>>& key) {
  size_t next = 0;
  for (const auto& shard : shards) {
    if (shard == nullptr) continue;
    if (next == key.size() || key[next] != std::pair(shard->index(), shard->closed())) return false;
    ++next;
  }
  return next == key.size();
}

}  // namespace

Outcome<std::shared_ptr<const ListShardsResponse>> KinesisModel::ListShardsShared(
    Instant now, std::string_view stream_name) {
  Advance(now);
  Stream* stream = FindStream(stream_name);
  // The stream check ListShards makes, then the key of what it would list.
  if (stream != nullptr && stream->shared_listing != nullptr &&
      UsableStream(now, stream_name, Access::kList).ok()) {
    Retire(*stream, now);
    if (HasListingKey(stream->shards, stream->shared_listing_key)) return stream->shared_listing;
  }
  Outcome<ListShardsResponse> listed =
      ListShards(now, ListShardsRequest{.StreamName = std::string(stream_name)});
  if (!listed.ok()) return listed.error();
  auto shared = std::make_shared<const ListShardsResponse>(*std::move(listed));
  stream = FindStream(stream_name);
  // A page with a NextToken (more shards than a page holds) carries its time: not kept.
  if (stream != nullptr && !shared->NextToken.has_value()) {
    stream->shared_listing = shared;
    stream->shared_listing_key = ListingKey(stream->shards);
  }
  return shared;
}

StreamSummary KinesisModel::Summarize(Stream& stream, Instant now) {
  Retire(stream, now);
  StreamSummary summary;
  summary.StreamName = stream.name;
  summary.StreamCreationTimestamp = stream.created;
  summary.RetentionPeriod = stream.options.retention;
  summary.StreamStatus = stream.StatusAt(now);
  summary.StreamModeDetails = stream.mode;
  for (const auto& shard : stream.shards) {
    if (shard != nullptr && !shard->closed()) ++summary.OpenShardCount;
  }
  summary.ShardLevelMetrics = stream.shard_level_metrics;
  summary.EncryptionType = stream.encryption;
  if (stream.encryption == EncryptionType::KMS) summary.KeyId = stream.key_id;
  summary.ConsumerCount = static_cast<int>(stream.consumers.size());
  return summary;
}

Outcome<StreamSummary> KinesisModel::DescribeStreamSummary(Instant now,
                                                           std::string_view stream_name) {
  Advance(now);
  Stream* stream = FindStream(stream_name);
  if (stream == nullptr) {
    return KinesisError{ErrorCode::kResourceNotFound, internal::StreamNotFound(stream_name)};
  }
  return Summarize(*stream, now);
}

Outcome<DescribeStreamResponse> KinesisModel::DescribeStream(Instant now,
                                                             const DescribeStreamRequest& request) {
  Advance(now);
  if (auto invalid = CheckPageSize("Limit", request.Limit)) return *std::move(invalid);
  Stream* stream = FindStream(request.StreamName);
  if (stream == nullptr) {
    return KinesisError{ErrorCode::kResourceNotFound, internal::StreamNotFound(request.StreamName)};
  }
  const StreamSummary summary = Summarize(*stream, now);
  DescribeStreamResponse response;
  StreamDescription& d = response.StreamDescription;
  d.StreamName = stream->name;
  d.StreamStatus = summary.StreamStatus;
  d.StreamModeDetails = summary.StreamModeDetails;
  d.RetentionPeriod = summary.RetentionPeriod;
  d.StreamCreationTimestamp = summary.StreamCreationTimestamp;
  d.ShardLevelMetrics = summary.ShardLevelMetrics;
  d.EncryptionType = summary.EncryptionType;
  d.KeyId = summary.KeyId;
  const int limit = request.Limit.value_or(kDefaultDescribeStreamLimit);
  for (const Shard* shard : Listing(*stream, now)) {
    if (request.ExclusiveStartShardId && shard->ShardId <= *request.ExclusiveStartShardId) continue;
    if (static_cast<int>(d.Shards.size()) == limit) {
      d.HasMoreShards = true;
      break;
    }
    d.Shards.push_back(*shard);
  }
  return response;
}

Outcome<ListStreamsResponse> KinesisModel::ListStreams(Instant now,
                                                       const ListStreamsRequest& request) {
  Advance(now);
  if (auto invalid = CheckPageSize("Limit", request.Limit)) return *std::move(invalid);
  std::optional<std::string> after = request.ExclusiveStartStreamName;
  if (request.NextToken) {
    Outcome<std::string> resumed = internal::DecodeStreamsToken(*request.NextToken, now);
    if (!resumed.ok()) return resumed.error();
    after = *std::move(resumed);
  }
  const int limit = request.Limit.value_or(kDefaultListStreamsLimit);
  ListStreamsResponse response;
  for (const auto& [name, stream] : streams_) {  // std::map: name order, as AWS lists them
    if (after && name <= *after) continue;
    if (static_cast<int>(response.StreamNames.size()) == limit) {
      response.HasMoreStreams = true;
      response.NextToken = internal::EncodeStreamsToken(response.StreamNames.back(), now);
      break;
    }
    response.StreamNames.push_back(name);
    response.StreamSummaries.push_back(Summarize(*stream, now));
  }
  return response;
}

}  // namespace shardsim::model
