// Correct: a continuous reader, as Flink's Kinesis source reads a stream. One fetcher serves
// every assigned shard in turn, one GetRecords per shard per round with a short sleep between
// polls; it resumes AFTER the last sequence number it emitted (also when an iterator has
// expired), checkpoints after processing, and finishes a shard only when NextShardIterator is
// absent (checkpointing SHARD_END). It re-lists the shards to discover children and assigns a
// child only once every listed parent has finished. Throttled shards back off exponentially.
// It never returns while shards are open. (Optionally, a shard found empty at its tip waits
// longer before its next poll: `caught_up_poll_interval_ms`, off by default.)
//   apache/flink-connector-aws KinesisShardSplitReaderBase (round robin over assigned splits,
//   resume after the last record) and enumerator/tracker/SplitTracker (children after parents);
//   the older FlinkKinesisConsumer ShardConsumer (SHARD_GETRECORDS_INTERVAL_MILLIS = 200,
//   ExpiredIteratorException -> AFTER_SEQUENCE_NUMBER of the last sequence number).
#include <algorithm>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalogue/common.h"

namespace shardsim::catalogue {
namespace {

// One shard being read (a "split" in Flink's terms).
struct Split {
  std::string shard_id;
  std::optional<std::string> iterator;
  std::optional<std::string> last_sequence_number;
  Duration backoff = Duration::Zero();  // the last back-off after throttling; zero when not
  bool caught_up = false;
  Instant resume_at;  // not polled before (after an empty page at the tip)
};

class Reader {
 public:
  explicit Reader(ConsumerContext& ctx)
      : ctx_(ctx),
        poll_interval_(Duration::Millis(ctx.param("poll_interval_ms"))),
        max_records_(static_cast<int>(ctx.param("max_records"))),
        backoff_base_(Duration::Millis(ctx.param("backoff_base_ms"))),
        backoff_max_(Duration::Millis(ctx.param("backoff_max_ms"))),
        caught_up_poll_interval_ms_(ctx.param("caught_up_poll_interval_ms")) {}

  sim::Task<void> Run() {
    const Duration discovery_interval = Duration::Millis(ctx_.param("discovery_interval_ms"));
    Instant next_discovery = ctx_.sim.now();
    while (true) {
      if (ctx_.sim.now() >= next_discovery) {
        co_await DiscoverShards();
        next_discovery = ctx_.sim.now() + discovery_interval;
      }
      const std::optional<size_t> ready = NextReadySplit();
      if (!ready.has_value()) {
        co_await ctx_.sim.SleepUntil(std::min(next_discovery, EarliestResume()));
        continue;
      }
      turn_ = *ready + 1;  // the split after it has the next turn (while it is polled, too)
      if (co_await Poll(splits_[*ready])) {
        finished_.insert(splits_[*ready].shard_id);
        splits_.erase(splits_.begin() + static_cast<ptrdiff_t>(*ready));
        turn_ = *ready;
        next_discovery = ctx_.sim.now();  // its children may be assignable now
      }
      co_await ctx_.Sleep(poll_interval_);
    }
  }

 private:
  // The index of the first split in round-robin order that may be polled now.
  std::optional<size_t> NextReadySplit() const {
    const size_t n = splits_.size();
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (turn_ + k) % n;
      if (splits_[i].resume_at <= ctx_.sim.now()) return i;
    }
    return std::nullopt;
  }

  Instant EarliestResume() const {
    Instant earliest = Instant::FromUnixMicros(INT64_MAX);
    for (const Split& split : splits_) earliest = std::min(earliest, split.resume_at);
    return earliest;
  }

  // Assigns every listed shard that is not finished and whose listed parents all are.
  sim::Task<void> DiscoverShards() {
    const ShardList shards = co_await ListShardsWithRetry(ctx_);
    if (shards == nullptr) co_return;
    // Views into the listing, sorted: the listing outlives this call, and a set of copies
    // allocated for every shard at every discovery (measured).
    std::vector<std::string_view> listed;
    listed.reserve(shards->size());
    for (const Shard& shard : *shards) listed.push_back(shard.ShardId);
    std::sort(listed.begin(), listed.end());
    for (const Shard& shard : *shards) {
      const Checkpoint* checkpoint = ctx_.app.FindCheckpoint(shard.ShardId);
      if (checkpoint != nullptr && checkpoint->shard_end) finished_.insert(shard.ShardId);
      if (assigned_.contains(shard.ShardId) || finished_.contains(shard.ShardId)) continue;
      if (!Finished(shard.ParentShardId, listed) ||
          !Finished(shard.AdjacentParentShardId, listed)) {
        continue;
      }
      assigned_.insert(shard.ShardId);
      // At the back of the round-robin order: just before the split whose turn is next.
      const size_t back = splits_.empty() ? 0 : turn_ % splits_.size();
      splits_.insert(splits_.begin() + static_cast<ptrdiff_t>(back),
                     Split{.shard_id = shard.ShardId});
      turn_ = back + 1;
    }
  }

  // A parent that is no longer listed has expired: there is nothing left to wait for.
  bool Finished(const std::optional<std::string>& parent,
                const std::vector<std::string_view>& listed) {
    return !parent.has_value() || !std::binary_search(listed.begin(), listed.end(), *parent) ||
           finished_.contains(*parent);
  }

  // One GetRecords on `split`; true when the shard has been read to its end.
  sim::Task<bool> Poll(Split& split) {
    if (!split.iterator.has_value()) {
      split.iterator = co_await StartingIterator(split);
      if (!split.iterator.has_value()) co_return false;  // try again next round
    }
    auto page = co_await ctx_.kinesis.GetRecords({*split.iterator, max_records_, std::nullopt});
    if (page.Is(ErrorCode::kProvisionedThroughputExceeded)) {
      split.backoff = std::min(std::max(backoff_base_, split.backoff * 2), backoff_max_);
      co_await ctx_.Sleep(split.backoff);
      co_return false;
    }
    split.backoff = Duration::Zero();
    if (page.Is(ErrorCode::kResourceNotFound)) co_return true;  // expired with its records
    if (!page.ok()) {  // ExpiredIterator, or anything else: a fresh iterator next round
      split.iterator.reset();
      co_return false;
    }
    for (Record& record : page->Records) {
      co_await ctx_.app.Process(split.shard_id, TakeForProcessing(record));
    }
    if (!page->Records.empty()) {
      split.last_sequence_number = page->Records.back().SequenceNumber;
      ctx_.app.Checkpoint(split.shard_id, *split.last_sequence_number);
    }
    if (!page->NextShardIterator.has_value()) {
      ctx_.app.CheckpointShardEnd(split.shard_id);
      ctx_.app.DeclareShardEnd(split.shard_id);
      co_return true;
    }
    split.iterator = std::move(page->NextShardIterator);
    if (page->MillisBehindLatest == 0 && !split.caught_up) ctx_.app.DeclareCaughtUp(split.shard_id);
    split.caught_up = page->MillisBehindLatest == 0;
    if (split.caught_up && page->Records.empty() && caught_up_poll_interval_ms_ > 0) {
      split.resume_at = ctx_.sim.now() + Duration::Millis(caught_up_poll_interval_ms_);
    }
    co_return false;
  }

  // AFTER the last sequence number read (or checkpointed, after a restart); TRIM_HORIZON when
  // there is none, or when that record has already been trimmed.
  sim::Task<std::optional<std::string>> StartingIterator(const Split& split) {
    std::optional<std::string> after = split.last_sequence_number;
    if (!after.has_value()) {
      const std::optional<Checkpoint> checkpoint = ctx_.app.ReadCheckpoint(split.shard_id);
      if (checkpoint.has_value()) after = checkpoint->sequence_number;
    }
    GetShardIteratorRequest request{ctx_.stream_name, split.shard_id,
                                    ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt};
    if (after.has_value()) {
      request.ShardIteratorType = ShardIteratorType::AFTER_SEQUENCE_NUMBER;
      request.StartingSequenceNumber = after;
    }
    auto iterator = co_await ctx_.kinesis.GetShardIterator(request);
    if (iterator.Is(ErrorCode::kInvalidArgument) && after.has_value()) {
      // Below the trim horizon: every record after it that still exists is at the horizon.
      iterator = co_await ctx_.kinesis.GetShardIterator({ctx_.stream_name, split.shard_id,
                                                         ShardIteratorType::TRIM_HORIZON,
                                                         std::nullopt, std::nullopt});
    }
    if (!iterator.ok()) co_return std::nullopt;
    co_return iterator->ShardIterator;
  }

  ConsumerContext& ctx_;
  // The parameters, looked up once: a lookup per poll showed in profiles.
  const Duration poll_interval_;
  const int max_records_;
  const Duration backoff_base_;
  const Duration backoff_max_;
  const int64_t caught_up_poll_interval_ms_;
  // The splits in round-robin order, as a ring whose next turn is at index turn_ (mod size):
  // a split keeps its place while it is polled, where a queue moved three strings out and back
  // per poll and allocated a block every few (measured).
  std::vector<Split> splits_;
  size_t turn_ = 0;
  std::set<std::string> assigned_;
  std::set<std::string> finished_;
};

sim::Task<void> FollowEveryShard(ConsumerContext& ctx) {
  Reader reader(ctx);
  co_await reader.Run();
}

}  // namespace

StrategyInfo FollowEveryShardStrategy() {
  return StrategyInfo{
      .name = "follow-every-shard",
      .description =
          "continuous reader (Flink-style): every shard in turn until "
          "NextShardIterator is absent, children after all their parents",
      .expected = {},
      .provenance = {"https://github.com/apache/flink-connector-aws/blob/main/flink-connector-aws/"
                     "flink-connector-aws-kinesis-streams/src/main/java/org/apache/flink/connector/"
                     "kinesis/source/reader/KinesisShardSplitReaderBase.java",
                     "https://github.com/apache/flink-connector-aws/blob/main/flink-connector-aws/"
                     "flink-connector-aws-kinesis-streams/src/main/java/org/apache/flink/connector/"
                     "kinesis/source/enumerator/tracker/SplitTracker.java",
                     "https://github.com/apache/flink/blob/release-1.17/flink-connectors/"
                     "flink-connector-kinesis/src/main/java/org/apache/flink/streaming/connectors/"
                     "kinesis/internals/ShardConsumer.java"},
      .params = {{"max_records", 10'000, 1, 10'000, "GetRecords Limit", 1, 10'000},
                 {"poll_interval_ms", 200, 0, 60'000, "sleep after every GetRecords", 200, 250},
                 {"discovery_interval_ms", 10'000, 1, 600'000, "how often the shards are re-listed",
                  1'000, 60'000},
                 {"caught_up_poll_interval_ms", 0, 0, 600'000,
                  "wait before polling a shard again after an empty page at its tip "
                  "(MillisBehindLatest == 0); 0: no extra wait. Generated cases wait 30-60 s so "
                  "that runs spanning days of virtual time stay within the event bound",
                  30'000, 60'000},
                 {"backoff_base_ms", 300, 1, 60'000, "first back-off after throttling"},
                 {"backoff_max_ms", 1'000, 1, 60'000, "longest back-off after throttling"}},
      .run = FollowEveryShard};
}

}  // namespace shardsim::catalogue
