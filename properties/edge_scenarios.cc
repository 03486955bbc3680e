// The edge scenarios every correct consumer must survive (see edge_scenarios.h). Each is small: a
// few hundred records at most, and timed so that a correct loop crosses the situation its
// name describes while it is running. The liveness budget leaves room for a batch job that
// runs every 80 minutes (20 bucket widths) to catch up.
#include "properties/edge_scenarios.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace shardsim::properties {
namespace {

using model::BucketProfile;

const std::string kShard0 = "shardId-000000000000";
const std::string kShard1 = "shardId-000000000001";

// `count` records from `first` on, one every `every`, keys cycling through `keys` keys (so
// they spread over the shards and each key has an order to keep).
void AddPuts(Scenario& s, int count, Duration first, Duration every, int keys = 8) {
  for (int i = 0; i < count; ++i) {
    const int n = static_cast<int>(s.puts.size());
    s.puts.push_back(
        PutSpec{first + every * i, absl::StrCat("key-", n % keys), absl::StrCat("record-", n)});
  }
}

Scenario Base(std::string name, uint64_t seed) {
  Scenario s;
  s.name = std::move(name);
  s.seed = seed;
  s.liveness_budget = Duration::Hours(2);
  return s;
}

// Two records, then the consumer is down for ten hours (about 170 observed buckets) while one
// more record arrives just before it returns: from its checkpoint it must walk every empty
// bucket to reach that record, treating empty pages and a large MillisBehindLatest as normal.
Scenario IdleGapLongerThanManyBuckets() {
  Scenario s = Base("idle-gap-longer-than-many-buckets", 101);
  s.stream.buckets = BucketProfile::Observed();
  s.puts = {{Duration::Seconds(100), "a", "first"},
            {Duration::Seconds(117), "b", "second"},
            {Duration::Hours(10) - Duration::Minutes(5), "c", "after-the-gap"}};
  s.crashes = {{Duration::Seconds(130), Duration::Hours(10) - Duration::Seconds(130)}};
  s.rerun_after_exit = Duration::Hours(1);  // a batch job: hourly, not every few buckets
  return s;
}

// A minute of records, processed slowly (3 s each), so the consumer is still working through
// the parent's backlog when the parent is split; more records go to the two children.
Scenario SplitDuringCatchUp() {
  Scenario s = Base("split-during-catch-up", 102);
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(30));
  s.processing_time_per_record = Duration::Seconds(3);
  AddPuts(s, 60, Duration::Millis(500), Duration::Seconds(1));
  s.reshards = {
      {.at = Duration::Seconds(90), .kind = ReshardSpec::Kind::kSplit, .shard_id = kShard0}};
  AddPuts(s, 40, Duration::Seconds(120), Duration::Seconds(1));
  return s;
}

// Two shards merged into one while records keep coming, processed slowly (2 s each) so both
// parents still have a backlog at the merge: the child holds later records of keys that both
// parents hold earlier ones of, so it may be read only after both parents end.
Scenario MergeOfTwoShards() {
  Scenario s = Base("merge-of-two-shards", 103);
  s.shard_count = 2;
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(30));
  s.processing_time_per_record = Duration::Seconds(2);
  AddPuts(s, 40, Duration::Millis(500), Duration::Seconds(1));
  s.reshards = {{.at = Duration::Seconds(45),
                 .kind = ReshardSpec::Kind::kMerge,
                 .shard_id = kShard0,
                 .adjacent_shard_id = kShard1}};
  AddPuts(s, 40, Duration::Seconds(50), Duration::Seconds(1));
  return s;
}

// A hundred records at once, 4 s of processing each: one page takes 400 s, longer than the
// 300 s an iterator lives, so the NextShardIterator of that page has expired by the time it is
// used. Two more batches arrive in later buckets during the processing, so the page that
// follows is not the tip either (a batch job that reruns meets them together and expires the
// same way).
Scenario IteratorExpiryAfterSlowProcessing() {
  Scenario s = Base("iterator-expiry-after-slow-processing", 104);
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  s.processing_time_per_record = Duration::Seconds(4);
  AddPuts(s, 100, Duration::Zero(), Duration::Zero(), 10);
  AddPuts(s, 100, Duration::Seconds(200), Duration::Zero(), 10);
  AddPuts(s, 20, Duration::Seconds(250), Duration::Zero(), 10);
  return s;
}

// Another application polls the shard ten times a second for fifteen minutes (longer than a
// batch job's rerun interval), more than the shard's five GetRecords per second: the
// consumer's calls are throttled while records keep arriving, and it must back off (a bounded
// call rate) and still read every record.
Scenario ThrottlingFromACompetingReader() {
  Scenario s = Base("throttling-from-a-competing-reader", 105);
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(20));
  AddPuts(s, 90, Duration::Seconds(5), Duration::Seconds(10));
  s.competing_readers = {{Duration::Zero(), Duration::Minutes(15), Duration::Millis(100), kShard0}};
  return s;
}

// Sixty records are waiting when the consumer starts; it takes a second to process each, and
// it crashes 30 s in, after processing part of the page and before checkpointing it. The
// restarted consumer must redeliver the rest of the page (at least once) and lose nothing.
Scenario CrashBetweenProcessingAndCheckpointing() {
  Scenario s = Base("crash-between-processing-and-checkpointing", 106);
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(60));
  s.processing_time_per_record = Duration::Seconds(1);
  AddPuts(s, 60, Duration::Zero(), Duration::Zero());
  s.crashes = {{Duration::Seconds(30), Duration::Minutes(1)}};
  return s;
}

// Two generations of splits while the consumer is down: on restart it finds a closed parent,
// two closed children and four open grandchildren, and must read them generation by
// generation, each from its own checkpoint or TRIM_HORIZON.
Scenario SplitsWhileTheConsumerIsDown() {
  Scenario s = Base("splits-while-the-consumer-is-down", 107);
  s.stream.buckets = BucketProfile::Fixed(Duration::Seconds(30));
  AddPuts(s, 20, Duration::Seconds(1), Duration::Seconds(3));
  s.crashes = {{Duration::Seconds(45), Duration::Minutes(10)}};
  s.reshards = {
      {.at = Duration::Seconds(70), .kind = ReshardSpec::Kind::kSplit, .shard_id = kShard0},
      {.at = Duration::Seconds(200), .kind = ReshardSpec::Kind::kSplit, .shard_id = kShard1},
      {.at = Duration::Seconds(200),
       .kind = ReshardSpec::Kind::kSplit,
       .shard_id = "shardId-000000000002"}};
  AddPuts(s, 40, Duration::Seconds(75), Duration::Seconds(3));
  AddPuts(s, 40, Duration::Seconds(205), Duration::Seconds(3), 32);
  return s;
}

}  // namespace

std::vector<Scenario> EdgeScenarios() {
  return {IdleGapLongerThanManyBuckets(),
          SplitDuringCatchUp(),
          MergeOfTwoShards(),
          IteratorExpiryAfterSlowProcessing(),
          ThrottlingFromACompetingReader(),
          CrashBetweenProcessingAndCheckpointing(),
          SplitsWhileTheConsumerIsDown()};
}

}  // namespace shardsim::properties
