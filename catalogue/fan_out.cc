#include "catalogue/fan_out.h"

#include <utility>

#include "sim/check.h"

namespace shardsim::catalogue {

namespace {

using model::ConsumerStatus;

constexpr int kAttempts = 10;
constexpr int kStatusPolls = 60;

}  // namespace

sim::Task<std::optional<std::string>> EnsureStreamConsumer(ConsumerContext& ctx,
                                                           std::string consumer_name) {
  const std::string stream_arn = model::StreamArn(ctx.stream_name);
  std::optional<std::string> arn;
  ConsumerStatus status = ConsumerStatus::CREATING;
  for (int i = 0; i < kAttempts && !arn.has_value(); ++i) {
    auto registered = co_await ctx.kinesis.RegisterStreamConsumer(
        {.StreamARN = stream_arn, .ConsumerName = consumer_name});
    if (registered.ok()) {
      arn = registered->Consumer.ConsumerARN;
      status = registered->Consumer.ConsumerStatus;
    } else if (registered.Is(ErrorCode::kResourceInUse)) {  // it exists already
      auto described = co_await ctx.kinesis.DescribeStreamConsumer(
          {.StreamARN = stream_arn, .ConsumerName = consumer_name, .ConsumerARN = std::nullopt});
      if (described.ok()) {
        arn = described->ConsumerDescription.ConsumerARN;
        status = described->ConsumerDescription.ConsumerStatus;
      }
    }
    if (!arn.has_value()) co_await ctx.Sleep(Duration::Seconds(1));
  }
  if (!arn.has_value()) co_return std::nullopt;
  for (int i = 0; i < kStatusPolls && status != ConsumerStatus::ACTIVE; ++i) {
    co_await ctx.Sleep(Duration::Seconds(1));
    auto described = co_await ctx.kinesis.DescribeStreamConsumer(
        {.StreamARN = std::nullopt, .ConsumerName = std::nullopt, .ConsumerARN = arn});
    if (described.ok()) status = described->ConsumerDescription.ConsumerStatus;
  }
  if (status != ConsumerStatus::ACTIVE) co_return std::nullopt;
  co_return arn;
}

StartingPosition After(const std::string& sequence_number) {
  return StartingPosition{.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER,
                          .SequenceNumber = sequence_number,
                          .Timestamp = std::nullopt};
}

StartingPosition PositionAfterCheckpoint(const ConsumerContext& ctx, const std::string& shard_id) {
  const std::optional<Checkpoint> checkpoint = ctx.app.ReadCheckpoint(shard_id);
  SHARDSIM_CHECK(!(checkpoint.has_value() && checkpoint->shard_end),
                 "a shard at SHARD_END has no position to subscribe from");
  if (!checkpoint.has_value()) return StartingPosition{.Type = ShardIteratorType::TRIM_HORIZON};
  return After(checkpoint->sequence_number);
}

sim::Task<Subscribed> SubscribeWithRetry(ConsumerContext& ctx, const std::string& consumer_arn,
                                         const std::string& shard_id, StartingPosition& position,
                                         Duration in_use_backoff) {
  for (int i = 0; i < kAttempts; ++i) {
    auto subscribed = co_await ctx.kinesis.SubscribeToShard(
        {.ConsumerARN = consumer_arn, .ShardId = shard_id, .StartingPosition = position});
    if (subscribed.ok()) co_return std::move(subscribed).value();
    if (subscribed.Is(ErrorCode::kResourceNotFound)) co_return ShardGone{};
    if (subscribed.Is(ErrorCode::kInvalidArgument) && position.SequenceNumber.has_value()) {
      position = StartingPosition{.Type = ShardIteratorType::TRIM_HORIZON};
      continue;
    }
    co_await ctx.Sleep(subscribed.Is(ErrorCode::kResourceInUse) ? in_use_backoff
                                                                : Duration::Seconds(1));
  }
  co_return NotSubscribed{};
}

}  // namespace shardsim::catalogue
