// Buggy: a loop over every shard (parents before children, checkpoint after processing) that
// retries a throttled GetRecords at once, with no sleep. ProvisionedThroughputExceededException
// means the shard's read budget (5 calls and 2 MiB per second, shared by every application
// reading it) is spent; calling again immediately spends more of it, so a competing reader or
// a burst turns the loop into a hot loop that keeps the shard throttled for everyone.
// Seen in: remind101/kinesumer#26 (its shard worker did not limit how often it called
// GetRecords; once throttled, the same request was retried over and over and the shard looked
// deadlocked; remind101/kinesumer#27 limited the calls to 5 per second). This loop does pause
// between successful reads; it lacks the pause where it matters most, after a throttled call.
#include "catalogue/round_robin_poller.h"

namespace shardsim::catalogue {
namespace {

class RetryThrottledAtOnce : public PollerSteps {
  sim::Task<model::Outcome<model::GetRecordsResponse>> GetPage(
      ConsumerContext& ctx, const std::string& iterator) override {
    auto page = co_await ctx.kinesis.GetRecords({iterator, std::nullopt, std::nullopt});
    while (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {  // the bug: no back-off
      page = co_await ctx.kinesis.GetRecords({iterator, std::nullopt, std::nullopt});
    }
    co_return page;
  }
};

sim::Task<void> NoBackoffOnThrottling(ConsumerContext& ctx) {
  RetryThrottledAtOnce steps;
  co_await PollEveryShard(ctx, steps, "poll_interval_ms");
}

}  // namespace

StrategyInfo NoBackoffOnThrottlingStrategy() {
  return StrategyInfo{.name = "no-backoff-on-throttling",
                      .description = "retries a throttled GetRecords at once, in a hot loop",
                      .expected = Violates(Property::kBoundedCallRate),
                      .provenance = {"https://github.com/remind101/kinesumer/issues/26",
                                     "https://github.com/remind101/kinesumer/pull/27"},
                      .params = {PollIntervalParam()},
                      .run = NoBackoffOnThrottling};
}

}  // namespace shardsim::catalogue
