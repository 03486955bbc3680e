// RapidCheck properties of KinesisModel (issue 3), for every bucket profile (observed, fixed
// 1 s..1 h, range, dense) and random put schedules:
//   a. following NextShardIterator from TRIM_HORIZON yields every unexpired record exactly once,
//      in order, as PutRecord stored it;
//   b. MillisBehindLatest is 0 exactly when the reader is caught up, and otherwise has the value
//      the header's rule gives;
//   c. crossing an idle gap takes at most ceil(gap / narrowest width) + 1 empty calls (none on a
//      dense stream);
//   d. sequence numbers decode and encode back to the same digits, carry the shard, creation and
//      put time, follow the header's counter rule, and order the records as they were put;
//   e. no sequence of calls, however wrong, crashes or hangs the model: each call returns a
//      value or a typed KinesisError.
//
// Properties a-c run a scenario: a put schedule and one polling reader per shard, in virtual
// time, with limits either switched off or respected (the reader backs off on throttling). Every
// case is bounded: its span is at most kCrossingBudget narrowest bucket widths (and 2 days), so a
// reader needs about that many calls, and one that has not caught up after kMaxCallsPerReader is
// a failure in its own right. Property e runs each case in a child process (a broken invariant
// aborts the process; a hang hits an alarm) and reports the child's call log.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/kinesis_model.h"
#include "model/sequence_number.h"
#include "sim/hash.h"
#include "sim/random.h"

// AddressSanitizer reserves terabytes of address space, so a child process cannot cap its
// memory with RLIMIT_AS there; a shorter alarm bounds a runaway allocation instead.
#if defined(__SANITIZE_ADDRESS__)
#define SHARDSIM_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHARDSIM_UNDER_ASAN 1
#endif
#endif

namespace shardsim::sim {
// Found by argument-dependent lookup, so counterexamples print times readably.
void showValue(Instant t, std::ostream& os) { os << t.ToString(); }
}  // namespace shardsim::sim

namespace shardsim::model {

void showValue(const BucketProfile& profile, std::ostream& os) { os << profile.ToString(); }

namespace {

void FailProperty(const std::string& message) { RC_FAIL(message); }

// RC_ASSERT with a message that is built only when the condition fails.
#define PROP_ASSERT(condition, ...)                                                                \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      FailProperty(absl::StrCat("line ", __LINE__, ": (" #condition ") is false: ", __VA_ARGS__)); \
    }                                                                                              \
  } while (false)

constexpr char kStream[] = "prop";
constexpr Instant kStart = sim::kDefaultEpoch;
// A case spans at most this many narrowest bucket widths, so a reader crossing it needs about
// this many empty calls.
constexpr int64_t kCrossingBudget = 5'000;
constexpr int kMaxCallsPerReader = 30'000;
constexpr int kMaxRecords = 60;
#if defined(SHARDSIM_UNDER_ASAN)
constexpr unsigned kChildTimeoutS = 5;
#else
constexpr unsigned kChildTimeoutS = 20;
#endif

std::string ShardId(uint32_t index) { return absl::StrFormat("shardId-%012u", index); }

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// ---------------------------------------------------------------------------------------------
// Scenarios: a stream, a put schedule and how the readers poll.

struct PutSpec {
  Duration gap;  // after the previous put (the first: after the stream's creation)
  std::string partition_key;
  int data_bytes = 0;
};

struct Scenario {
  BucketProfile profile;
  bool limits_on = false;
  int shard_count = 1;
  uint64_t seed = 0;
  uint64_t counter_start = 0;
  uint64_t counter_step = 2'000;
  std::vector<PutSpec> puts;
  bool with_readers = true;
  size_t readers_start_after = 0;  // puts made before the readers get their iterators
  Duration readers_delay;          // after that put
  std::optional<int> limit;        // GetRecords Limit
  Duration busy_spacing;           // between calls while MillisBehindLatest > 0
  Duration idle_spacing;           // after a call that reported MillisBehindLatest == 0
};

void showValue(const Scenario& s, std::ostream& os) {
  os << "profile=" << s.profile.ToString() << " limits=" << (s.limits_on ? "on" : "off")
     << " shards=" << s.shard_count << " seed=" << s.seed << " counter_start=" << s.counter_start
     << " counter_step=" << s.counter_step << "\n  puts (gap, key, bytes):";
  for (const PutSpec& p : s.puts) {
    os << " (" << p.gap.ToString() << ", '"
       << (p.partition_key.size() > 12 ? p.partition_key.substr(0, 12) + "..." : p.partition_key)
       << "', " << p.data_bytes << ")";
  }
  if (s.with_readers) {
    os << "\n  readers start after put " << s.readers_start_after << " + "
       << s.readers_delay.ToString()
       << ", Limit=" << (s.limit ? std::to_string(*s.limit) : std::string("none"))
       << ", busy spacing " << s.busy_spacing.ToString() << ", idle spacing "
       << s.idle_spacing.ToString();
  }
}

// Gaps are scaled by the narrowest width; a dense stream borrows the observed width for this.
Duration GapScale(const BucketProfile& p) {
  return p.dense() ? Duration::Seconds(210) : p.min_width;
}

// The longest span of a case: 2 days, or kCrossingBudget narrowest widths if that is shorter.
Duration SpanCap(const BucketProfile& p) {
  if (p.dense()) return Duration::Days(2);
  return std::min(Duration::Days(2), p.min_width * kCrossingBudget);
}

Duration Micros(int64_t us) { return Duration::Micros(us); }

std::string ProfileKind(const BucketProfile& p) {
  const std::string text = p.ToString();
  return text.substr(0, text.find(':'));
}

// 1 s to 1 h, spread over the decades.
rc::Gen<Duration> AnyWidth() {
  return rc::gen::map(rc::gen::oneOf(rc::gen::inRange<int64_t>(1'000, 10'000),
                                     rc::gen::inRange<int64_t>(10'000, 100'000),
                                     rc::gen::inRange<int64_t>(100'000, 1'000'000),
                                     rc::gen::inRange<int64_t>(1'000'000, 3'600'001)),
                      [](int64_t ms) { return Duration::Millis(ms); });
}

rc::Gen<BucketProfile> AnyProfile() {
  return rc::gen::oneOf(
      rc::gen::just(BucketProfile::Observed()),
      rc::gen::map(AnyWidth(), [](Duration w) { return BucketProfile::Fixed(w); }),
      rc::gen::map(rc::gen::pair(AnyWidth(), AnyWidth()),
                   [](const std::pair<Duration, Duration>& w) {
                     return BucketProfile::Range(std::min(w.first, w.second),
                                                 std::max(w.first, w.second));
                   }),
      rc::gen::just(BucketProfile::Dense()));
}

// Zero, inside one width, a few widths, or anything up to `cap`.
rc::Gen<Duration> AnyGap(Duration scale, Duration cap) {
  const int64_t w = scale.micros();
  const int64_t c = std::max(w, cap.micros());
  return rc::gen::weightedOneOf<Duration>({
      {1, rc::gen::just(Duration::Zero())},
      {4, rc::gen::map(rc::gen::inRange<int64_t>(1, w), Micros)},
      {2, rc::gen::map(rc::gen::inRange<int64_t>(w, 6 * w + 1), Micros)},
      {1, rc::gen::map(rc::gen::inRange<int64_t>(w, c + 1), Micros)},
  });
}

rc::Gen<std::string> AnyPartitionKey() {
  return rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::elementOf(
              std::vector<std::string>{"a", "b", "c", "user-1", "user-2", "order/7", "k"})},
      {2, rc::gen::mapcat(rc::gen::inRange<size_t>(1, 65),
                          [](size_t n) {
                            return rc::gen::container<std::string>(
                                n, rc::gen::inRange<char>(' ', '~' + 1));
                          })},
      {1, rc::gen::just(std::string(256, 'p'))},
  });
}

// Small mostly; at most 16 KiB, so 60 records stay under the 1 MiB/s write limit of a shard.
rc::Gen<int> AnyDataBytes() {
  return rc::gen::weightedOneOf<int>({
      {6, rc::gen::inRange(0, 101)},
      {2, rc::gen::inRange(100, 2'001)},
      {1, rc::gen::inRange(2'000, 16 * 1024 + 1)},
  });
}

// Data that names its record, padded to `bytes`.
std::string MakeData(size_t index, int bytes) {
  std::string data = absl::StrCat("r", index, ":");
  data.resize(static_cast<size_t>(bytes), static_cast<char>('a' + index % 26));
  return data;
}

rc::Gen<Scenario> AnyScenario(bool with_readers) {
  return rc::gen::exec([with_readers] {
    Scenario s;
    s.profile = *AnyProfile();
    s.limits_on = *rc::gen::arbitrary<bool>();
    s.shard_count = *rc::gen::inRange(1, 4);
    s.seed = *rc::gen::arbitrary<uint64_t>();
    s.counter_start =
        *rc::gen::weightedOneOf<uint64_t>({{2, rc::gen::just<uint64_t>(0)},
                                           {1, rc::gen::just<uint64_t>(8'398)},
                                           {1, rc::gen::inRange<uint64_t>(0, uint64_t{1} << 40)}});
    s.counter_step = *rc::gen::elementOf(std::vector<uint64_t>{2'000, 0, 1, 1'000'000});
    const Duration scale = GapScale(s.profile);
    const Duration cap = SpanCap(s.profile);
    const int n = *rc::gen::inRange(0, kMaxRecords + 1);
    Duration used = Duration::Zero();
    for (int i = 0; i < n; ++i) {
      PutSpec put;
      put.gap = std::min(*AnyGap(scale, cap), cap - used);
      used += put.gap;
      put.partition_key = *AnyPartitionKey();
      put.data_bytes = *AnyDataBytes();
      s.puts.push_back(std::move(put));
    }
    s.with_readers = with_readers;
    if (!with_readers) return s;
    s.readers_start_after = *rc::gen::inRange<size_t>(0, s.puts.size() + 1);
    s.readers_delay = *AnyGap(scale, cap);
    const int limit_pick = *rc::gen::inRange(0, 6);
    s.limit = std::vector<std::optional<int>>{std::nullopt, 10'000, 1, 2, 3, 7}[limit_pick];
    const int64_t ms = 1'000;
    s.busy_spacing =
        s.limits_on ? Micros(*rc::gen::inRange<int64_t>(200 * ms, 250 * ms + 1))
                    : *rc::gen::weightedOneOf<Duration>(
                          {{1, rc::gen::just(Duration::Zero())},
                           {3, rc::gen::map(rc::gen::inRange<int64_t>(1, 250 * ms + 1), Micros)}});
    // Idle polls stay under the 300 s iterator lifetime, and are sparse enough that a case
    // makes at most ~500 of them.
    const Duration idle = Micros(*rc::gen::inRange<int64_t>(1'000 * ms, 290'000 * ms + 1));
    s.idle_spacing = std::min(std::max(idle, Micros(cap.micros() / 500)), Duration::Seconds(290));
    return s;
  });
}

// ---------------------------------------------------------------------------------------------
// Running a scenario: the trace the properties read.

struct PutDone {
  Instant at;
  std::string partition_key;
  std::string data;
  PutRecordResponse response;
};

struct Call {  // one successful GetRecords of a reader
  Instant at;
  uint32_t shard = 0;
  size_t puts_done = 0;  // puts made before this call (all that had arrived)
  GetRecordsResponse response;
};

struct Reader {
  uint32_t shard = 0;
  std::optional<std::string> iterator;
  std::optional<IteratorInfo> initial;  // where TRIM_HORIZON put it
  Instant next_call;
  std::optional<Instant> last_caught_up;  // time of the last call with MillisBehindLatest == 0
  int calls = 0;
};

class ScenarioRun {
 public:
  explicit ScenarioRun(const Scenario& s) : s_(s), model_(s.seed) {
    options_.buckets = s.profile;
    options_.limits = s.limits_on ? ShardLimits{} : ShardLimits::Unlimited();
    options_.counter_start = s.counter_start;
    options_.counter_step_per_bucket = s.counter_step;
    const Outcome<Empty> created =
        model_.CreateStream(kStart, {.StreamName = kStream, .ShardCount = s.shard_count}, options_);
    PROP_ASSERT(created.ok(), created.error().ToString());
    Instant t = kStart;
    for (const PutSpec& p : s.puts) {
      t = t + p.gap;
      put_times_.push_back(t);
    }
    if (s.with_readers) {
      const Instant after =
          s.readers_start_after == 0 ? kStart : put_times_[s.readers_start_after - 1];
      for (int i = 0; i < s.shard_count; ++i) {
        readers_.push_back(Reader{static_cast<uint32_t>(i), std::nullopt, std::nullopt,
                                  after + s.readers_delay, std::nullopt, 0});
      }
    }
    Run();
  }

  KinesisModel& model() { return model_; }
  const StreamOptions& options() const { return options_; }
  const std::vector<PutDone>& puts() const { return puts_; }
  const std::vector<Call>& calls() const { return calls_; }
  const std::vector<Reader>& readers() const { return readers_; }
  // Indices into puts() of the records that went to `shard`, in put order.
  std::vector<size_t> PutsTo(uint32_t shard) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < puts_.size(); ++i) {
      if (puts_[i].response.ShardId == ShardId(shard)) out.push_back(i);
    }
    return out;
  }

 private:
  void Run() {
    for (;;) {
      Reader* next = nullptr;
      for (Reader& r : readers_) {
        if (next == nullptr || r.next_call < next->next_call) next = &r;
      }
      const bool puts_left = puts_.size() < put_times_.size();
      if (puts_left && (next == nullptr || put_times_[puts_.size()] <= next->next_call)) {
        Put();
        continue;
      }
      if (AllCaughtUp()) return;
      PROP_ASSERT(next->calls < kMaxCallsPerReader, "the reader of ", ShardId(next->shard),
                  " has not caught up after ", kMaxCallsPerReader, " calls");
      Step(*next);
    }
  }

  bool AllCaughtUp() const {
    const Instant last_put = put_times_.empty() ? kStart : put_times_.back();
    return std::all_of(readers_.begin(), readers_.end(), [&](const Reader& r) {
      return r.last_caught_up.has_value() && *r.last_caught_up >= last_put;
    });
  }

  void Put() {
    const size_t i = puts_.size();
    const PutSpec& spec = s_.puts[i];
    PutDone done{put_times_[i], spec.partition_key, MakeData(i, spec.data_bytes), {}};
    Outcome<PutRecordResponse> r =
        model_.PutRecord(done.at, {kStream, done.partition_key, done.data, std::nullopt});
    PROP_ASSERT(r.ok(), "PutRecord #", i, " failed: ", r.error().ToString());
    done.response = *std::move(r);
    puts_.push_back(std::move(done));
  }

  void Step(Reader& reader) {
    const Instant now = reader.next_call;
    ++reader.calls;
    if (!reader.iterator.has_value()) {
      Outcome<GetShardIteratorResponse> it = model_.GetShardIterator(
          now, {kStream, ShardId(reader.shard), ShardIteratorType::TRIM_HORIZON, std::nullopt,
                std::nullopt});
      PROP_ASSERT(it.ok(), "GetShardIterator(TRIM_HORIZON) failed: ", it.error().ToString());
      reader.iterator = it->ShardIterator;
      const Outcome<IteratorInfo> info = model_.DescribeIterator(*reader.iterator);
      PROP_ASSERT(info.ok(), info.error().ToString());
      reader.initial = *info;
      return;
    }
    Outcome<GetRecordsResponse> r = model_.GetRecords(now, {*reader.iterator, s_.limit, {}});
    if (r.Is(ErrorCode::kProvisionedThroughputExceeded) && s_.limits_on) {
      reader.next_call = now + Duration::Seconds(1);  // back off, keep the iterator
      return;
    }
    PROP_ASSERT(r.ok(), "GetRecords on ", ShardId(reader.shard), " at ", now.ToString(),
                " failed: ", r.error().ToString());
    PROP_ASSERT(r->NextShardIterator.has_value(), "an open shard's iterator ended at ",
                now.ToString());
    reader.iterator = *r->NextShardIterator;
    if (r->MillisBehindLatest == 0) {
      reader.last_caught_up = now;
      reader.next_call = now + s_.idle_spacing;
    } else {
      reader.next_call = now + s_.busy_spacing;
    }
    calls_.push_back(Call{now, reader.shard, puts_.size(), *std::move(r)});
  }

  const Scenario& s_;
  KinesisModel model_;
  StreamOptions options_;
  std::vector<Instant> put_times_;
  std::vector<PutDone> puts_;
  std::vector<Reader> readers_;
  std::vector<Call> calls_;
};

// The bucket whose slice contains `t`, found through the model's BucketStart.
uint64_t BucketOf(KinesisModel& model, uint32_t shard, Instant t) {
  const std::string id = ShardId(shard);
  if (model.options(kStream)->buckets.dense()) return 0;
  uint64_t hi = 1;
  while (*model.BucketStart(kStream, id, hi) <= t) hi *= 2;
  uint64_t lo = 0;  // BucketStart(lo) <= t < BucketStart(hi)
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    (*model.BucketStart(kStream, id, mid) <= t ? lo : hi) = mid;
  }
  return lo;
}

IteratorInfo Describe(const KinesisModel& model, const std::string& iterator) {
  const Outcome<IteratorInfo> info = model.DescribeIterator(iterator);
  PROP_ASSERT(info.ok(), "DescribeIterator: ", info.error().ToString());
  return *info;
}

bool ExpiredAt(const PutDone& put, Instant t, const StreamOptions& options) {
  return put.at < t - options.retention;
}

// ---------------------------------------------------------------------------------------------
// a. Every unexpired record exactly once, in order.

RC_GTEST_PROP(KinesisModelProperty,
              FollowingNextShardIteratorFromTrimHorizonYieldsEveryUnexpiredRecordOnceInOrder, ()) {
  const Scenario scenario = *AnyScenario(/*with_readers=*/true);
  ScenarioRun run(scenario);
  const std::vector<PutDone>& puts = run.puts();
  bool expired_unread = false;
  for (uint32_t shard = 0; shard < static_cast<uint32_t>(scenario.shard_count); ++shard) {
    const std::vector<size_t> mine = run.PutsTo(shard);
    std::map<std::string, size_t> by_sequence;  // sequence number -> position in `mine`
    for (size_t k = 0; k < mine.size(); ++k) {
      by_sequence.emplace(puts[mine[k]].response.SequenceNumber, k);
    }
    size_t next = 0;  // position in `mine` of the next record the reader may get
    auto skip_to = [&](size_t to, Instant now) {
      if (next < to) expired_unread = true;
      for (; next < to; ++next) {
        const PutDone& skipped = puts[mine[next]];
        PROP_ASSERT(ExpiredAt(skipped, now, run.options()), "record #", mine[next], " (put at ",
                    skipped.at.ToString(), ") was skipped at ", now.ToString(),
                    " although it had not expired");
      }
    };
    for (const Call& call : run.calls()) {
      if (call.shard != shard) continue;
      for (const Record& record : call.response.Records) {
        const auto found = by_sequence.find(record.SequenceNumber);
        PROP_ASSERT(found != by_sequence.end(), "GetRecords on ", ShardId(shard),
                    " returned sequence number ", record.SequenceNumber,
                    " that no PutRecord to this shard returned");
        PROP_ASSERT(found->second >= next, "record #", mine[found->second],
                    " returned again or out of order at ", call.at.ToString());
        skip_to(found->second, call.at);
        const PutDone& put = puts[mine[next]];
        PROP_ASSERT(record.Data == put.data, "record #", mine[next], " has other data");
        PROP_ASSERT(record.PartitionKey == put.partition_key, "record #", mine[next],
                    " has another partition key");
        PROP_ASSERT(record.ApproximateArrivalTimestamp == put.at, "record #", mine[next],
                    " arrived at ", put.at.ToString(), " but says ",
                    record.ApproximateArrivalTimestamp.ToString());
        ++next;
      }
      const IteratorInfo info = Describe(run.model(), *call.response.NextShardIterator);
      PROP_ASSERT(info.stream_name == kStream && info.shard_id == ShardId(shard),
                  "NextShardIterator names ", info.stream_name, "/", info.shard_id);
      PROP_ASSERT(info.ordinal >= next, "NextShardIterator at ", call.at.ToString(),
                  " points back at record ordinal ", info.ordinal, " after ", next,
                  " were returned");
      skip_to(std::min<size_t>(info.ordinal, mine.size()), call.at);
      PROP_ASSERT(info.ordinal <= mine.size(), "NextShardIterator points past the records put");
    }
    PROP_ASSERT(next == mine.size(), "the reader of ", ShardId(shard), " caught up after ", next,
                " of ", mine.size(), " records");
  }
  RC_TAG(ProfileKind(scenario.profile),
         expired_unread ? "some records expired unread" : "every record read");
}

// ---------------------------------------------------------------------------------------------
// b. MillisBehindLatest == 0 exactly when caught up; otherwise now minus the position's time.

RC_GTEST_PROP(KinesisModelProperty, MillisBehindLatestIsZeroExactlyWhenCaughtUp, ()) {
  const Scenario scenario = *AnyScenario(/*with_readers=*/true);
  ScenarioRun run(scenario);
  KinesisModel& model = run.model();
  const bool dense = scenario.profile.dense();
  std::vector<std::vector<size_t>> mine;
  for (uint32_t shard = 0; shard < static_cast<uint32_t>(scenario.shard_count); ++shard) {
    mine.push_back(run.PutsTo(shard));
  }
  for (const Call& call : run.calls()) {
    const std::string shard_id = ShardId(call.shard);
    const std::vector<size_t>& puts = mine[call.shard];
    const IteratorInfo p = Describe(model, *call.response.NextShardIterator);
    // Records of this shard that had arrived by the call.
    const size_t arrived = static_cast<size_t>(
        std::lower_bound(puts.begin(), puts.end(), call.puts_done) - puts.begin());
    const bool record_waiting = p.ordinal < arrived;
    const Instant bucket_start = *model.BucketStart(kStream, shard_id, p.bucket);
    const std::optional<Instant> bucket_end =
        dense ? std::nullopt : model.BucketStart(kStream, shard_id, p.bucket + 1);
    PROP_ASSERT(bucket_start <= call.at, "NextShardIterator at ", call.at.ToString(),
                " is in bucket ", p.bucket, " which starts later, at ", bucket_start.ToString());
    const bool at_tip = !bucket_end.has_value() || call.at < *bucket_end;
    const bool caught_up = !record_waiting && at_tip;
    const int64_t mbl = call.response.MillisBehindLatest;
    PROP_ASSERT((mbl == 0) == caught_up, "at ", call.at.ToString(), " on ", shard_id,
                ": MillisBehindLatest ", mbl, " but the iterator is ",
                at_tip ? "at the tip" : "behind the tip", " with ",
                record_waiting ? "a record" : "no record", " waiting (bucket ", p.bucket,
                ", ordinal ", p.ordinal, ", ", arrived, " arrived)");
    if (caught_up) continue;
    // The header's rule: now - T, T the arrival of the record at P if P's bucket holds it,
    // else the start of P's bucket.
    Instant t = bucket_start;
    if (record_waiting) {
      const Instant arrival = run.puts()[puts[p.ordinal]].at;
      if (!bucket_end.has_value() || arrival < *bucket_end) t = arrival;
    }
    const int64_t expected = std::max<int64_t>(1, (call.at - t).millis());
    PROP_ASSERT(mbl == expected, "at ", call.at.ToString(), " on ", shard_id,
                ": MillisBehindLatest ", mbl, " but the header's rule gives ", expected,
                " (position time ", t.ToString(), ")");
  }
}

// ---------------------------------------------------------------------------------------------
// c. Crossing an idle gap takes at most ceil(gap / narrowest width) + 1 empty calls. Also, more
//    tightly, at most one empty call per bucket boundary crossed, since each empty call made
//    after the target arrived must move NextShardIterator on by a whole bucket.

RC_GTEST_PROP(KinesisModelProperty, CrossingAnIdleGapTakesAtMostGapOverNarrowestWidthPlusOneCalls,
              ()) {
  const Scenario scenario = *AnyScenario(/*with_readers=*/true);
  ScenarioRun run(scenario);
  KinesisModel& model = run.model();
  const std::vector<PutDone>& puts = run.puts();
  const bool dense = scenario.profile.dense();
  for (const Reader& reader : run.readers()) {
    const std::string shard_id = ShardId(reader.shard);
    std::map<std::string, Instant> arrival;
    for (size_t i : run.PutsTo(reader.shard)) arrival[puts[i].response.SequenceNumber] = puts[i].at;
    // Where a crossing starts: TRIM_HORIZON's bucket, then the last record read.
    Instant from = *model.BucketStart(kStream, shard_id, reader.initial->bucket);
    std::vector<Instant> empty_calls;
    for (const Call& call : run.calls()) {
      if (call.shard != reader.shard) continue;
      if (call.response.Records.empty()) {
        empty_calls.push_back(call.at);
        continue;
      }
      const Instant target = arrival.at(call.response.Records.front().SequenceNumber);
      // Calls made before the record arrived were waiting at the tip, not crossing.
      const int64_t crossing = std::count_if(empty_calls.begin(), empty_calls.end(),
                                             [&](Instant t) { return t >= target; });
      const Duration gap = target - from;
      const int64_t bound =
          dense ? 0 : CeilDiv(gap.micros(), scenario.profile.min_width.micros()) + 1;
      PROP_ASSERT(crossing <= bound, "on ", shard_id, " reaching the record put at ",
                  target.ToString(), " across a gap of ", gap.ToString(), " took ", crossing,
                  " empty calls; the bound is ", bound);
      const int64_t boundaries = static_cast<int64_t>(BucketOf(model, reader.shard, target) -
                                                      BucketOf(model, reader.shard, from));
      PROP_ASSERT(crossing <= boundaries, "on ", shard_id, " reaching the record put at ",
                  target.ToString(), " took ", crossing, " empty calls across only ", boundaries,
                  " bucket boundaries");
      from = arrival.at(call.response.Records.back().SequenceNumber);
      empty_calls.clear();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// d. decode(encode(x)) == x, and numeric order of sequence numbers is put order in a shard.

RC_GTEST_PROP(KinesisModelProperty, SequenceNumbersRoundTripAndOrderRecordsAsTheyWerePut, ()) {
  const Scenario scenario = *AnyScenario(/*with_readers=*/false);
  ScenarioRun run(scenario);
  KinesisModel& model = run.model();
  const StreamOptions& options = run.options();
  const Outcome<ListShardsResponse> shards =
      model.ListShards(run.puts().empty() ? kStart : run.puts().back().at, {.StreamName = kStream});
  PROP_ASSERT(shards.ok(), shards.error().ToString());
  for (const Shard& shard : shards->Shards) {
    const std::string& start = shard.SequenceNumberRange.StartingSequenceNumber;
    const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(start);
    PROP_ASSERT(fields.ok(), "StartingSequenceNumber ", start, ": ", fields.status().ToString());
    PROP_ASSERT(EncodeSequenceNumber(*fields) == start, start, " does not encode back");
  }
  for (uint32_t shard = 0; shard < static_cast<uint32_t>(scenario.shard_count); ++shard) {
    std::optional<SequenceNumber> previous;
    std::optional<std::string> previous_text;
    uint64_t previous_slot = 0;
    for (size_t i : run.PutsTo(shard)) {
      const PutDone& put = run.puts()[i];
      const std::string& text = put.response.SequenceNumber;
      const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(text);
      PROP_ASSERT(fields.ok(), "record #", i, ": ", text, ": ", fields.status().ToString());
      PROP_ASSERT(EncodeSequenceNumber(*fields) == text, "record #", i, ": ", text,
                  " does not encode back to itself");
      const absl::StatusOr<SequenceNumber> parsed = SequenceNumber::Parse(text);
      PROP_ASSERT(parsed.ok() && parsed->ToString() == text && parsed->fields() == *fields,
                  "record #", i, ": SequenceNumber::Parse disagrees with the decoder");
      PROP_ASSERT(
          fields->shard_index == shard && fields->shard_creation_seconds == kStart.unix_seconds(),
          "record #", i, " carries shard ", fields->shard_index, " created at ",
          fields->shard_creation_seconds);
      PROP_ASSERT(fields->put_seconds >= put.at.unix_seconds() - 1 &&
                      fields->put_seconds <= put.at.unix_seconds(),
                  "record #", i, " put at ", put.at.ToString(), " carries put time ",
                  fields->put_seconds);
      // The header's counter rule: +1 per record, + step per bucket boundary (dense: per slot)
      // since the previous record; the first record counts boundaries from the shard's start.
      const uint64_t slot =
          scenario.profile.dense()
              ? static_cast<uint64_t>((put.at - kStart) / options.dense_counter_slot)
              : BucketOf(model, shard, put.at);
      const uint64_t expected =
          previous
              ? previous->counter() + 1 + (slot - previous_slot) * options.counter_step_per_bucket
              : options.counter_start + slot * options.counter_step_per_bucket;
      PROP_ASSERT(fields->counter == expected, "record #", i, " put at ", put.at.ToString(),
                  " (slot ", slot, ") has counter ", fields->counter, ", the rule gives ",
                  expected);
      if (previous) {
        PROP_ASSERT(*previous < *parsed && *previous_text < text, "record #", i, " (", text,
                    ") does not sort after the record put before it (", *previous_text, ")");
      }
      previous = *parsed;
      previous_text = text;
      previous_slot = slot;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// e. No sequence of calls, however wrong, crashes the model.

// Runs `body` in a child process; returns nullopt when it exited 0, else what happened and the
// child's stderr (its call log).
std::optional<std::string> RunIsolated(const std::function<int()>& body, unsigned timeout_s) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe() failed";
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return "fork() failed";
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    alarm(timeout_s);
#if !defined(SHARDSIM_UNDER_ASAN)
    const rlimit memory{rlim_t{1} << 30, rlim_t{1} << 30};  // runaway allocation -> bad_alloc
    setrlimit(RLIMIT_AS, &memory);
#endif
    // Nothing may unwind out of the child into the test runner's frames.
    int code = 0;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "EXCEPTION: %s\n", e.what());
      code = 3;
    } catch (...) {
      std::fprintf(stderr, "EXCEPTION of an unknown type\n");
      code = 3;
    }
    std::fflush(stderr);
    _exit(code);
  }
  close(fds[1]);
  std::string log;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) break;
    log.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
  std::string what;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    what = absl::StrCat("the model hung (no answer within ", timeout_s, " s)");
  } else if (WIFSIGNALED(status)) {
    what = absl::StrCat("the model crashed (signal ", WTERMSIG(status), ")");
  } else if (WEXITSTATUS(status) == 3) {
    what = "the model threw an exception";
  } else {
    what = absl::StrCat("a response broke the API's shape (exit ", WEXITSTATUS(status), ")");
  }
  // The end of the log: the calls leading to the failure, and the failure.
  constexpr size_t kTail = 6'000;
  if (log.size() > kTail) log = "...\n" + log.substr(log.size() - kTail);
  return absl::StrCat(what, "; the child's call log:\n", log);
}

enum class OpKind {
  kAdvance,
  kCreateStream,
  kListShards,
  kPutRecord,
  kPutRecords,
  kGetShardIterator,
  kGetRecords,
  kSplitShard,
  kMergeShards,
  kDescribeIterator,
};

constexpr const char* kOpNames[] = {"Advance",     "CreateStream",     "ListShards", "PutRecord",
                                    "PutRecords",  "GetShardIterator", "GetRecords", "SplitShard",
                                    "MergeShards", "DescribeIterator"};

// One call. Every field is an index into a table of choices that the call's kind reads (see
// Driver); 0 is the ordinary choice, so shrinking turns wrong calls into ordinary ones and a
// counterexample keeps only the wrongness that matters.
struct Op {
  OpKind kind = OpKind::kAdvance;
  int stream = 0;                // StreamNames()
  int shard = 0, shard2 = 0;     // Driver::ShardOf
  int key = 0;                   // PartitionKeys()
  int data = 0;                  // DataSizes()
  int hash = 0;                  // ExplicitHashKeys(), or a split key
  int number = 0;                // Advances(), a count, or Limits()
  int type = 0;                  // ShardIteratorType
  int wrong_params = 0;          // 1: sequence number missing/extra, 2: timestamp, 3: both
  int seq = 0;                   // Driver::PickSequence
  int time = 0;                  // Driver::PickTimestamp
  int token = 0;                 // Driver::PickToken
  int forged[4] = {0, 0, 0, 0};  // Driver::Forge: shard, bucket, ordinal, issue time
  bool forged_stuck = false;
  int options = 0;    // OptionsFor
  uint64_t pick = 0;  // which pooled value (sequence number, iterator)
};

void showValue(const Op& op, std::ostream& os) {
  os << kOpNames[static_cast<int>(op.kind)] << "{";
  const std::pair<const char*, int> fields[] = {{"stream", op.stream},
                                                {"shard", op.shard},
                                                {"shard2", op.shard2},
                                                {"key", op.key},
                                                {"data", op.data},
                                                {"hash", op.hash},
                                                {"number", op.number},
                                                {"type", op.type},
                                                {"wrong_params", op.wrong_params},
                                                {"seq", op.seq},
                                                {"time", op.time},
                                                {"token", op.token},
                                                {"f.shard", op.forged[0]},
                                                {"f.bucket", op.forged[1]},
                                                {"f.ordinal", op.forged[2]},
                                                {"f.issued", op.forged[3]},
                                                {"f.stuck", op.forged_stuck ? 1 : 0},
                                                {"options", op.options}};
  for (const auto& [name, value] : fields) {
    if (value != 0) os << name << "=" << value << " ";
  }
  os << "pick=" << op.pick << "}";
}

// Tables of choices, ordinary ones first.
const std::vector<std::string>& StreamNames() {
  static const auto* names = new std::vector<std::string>{
      "s", "t", "", "bad name!", std::string(129, 'x'), "no-such-stream"};
  return *names;
}
const std::vector<std::string>& PartitionKeys() {
  static const auto* keys = new std::vector<std::string>{"k0",
                                                         "k1",
                                                         "user-2",
                                                         std::string(256, 'k'),
                                                         "",
                                                         std::string(257, 'k'),
                                                         std::string("a\0b", 3),
                                                         "\xff\xfe"};
  return *keys;
}
const std::vector<int64_t>& DataSizes() {
  static const auto* sizes = new std::vector<int64_t>{
      1, 0, 100, 10'000, (1 << 20) - 2, (1 << 20) - 1, (1 << 20) + 1, 3 << 20};
  return *sizes;
}
const std::vector<std::optional<std::string>>& ExplicitHashKeys() {
  static const auto* keys =
      new std::vector<std::optional<std::string>>{std::nullopt,
                                                  "0",
                                                  "340282366920938463463374607431768211455",
                                                  "170141183460469231731687303715884105728",
                                                  "340282366920938463463374607431768211456",
                                                  "-1",
                                                  "01",
                                                  "abc",
                                                  "",
                                                  "99999999999999999999999999999999999999999"};
  return *keys;
}
const std::vector<std::optional<int>>& Limits() {
  static const auto* limits = new std::vector<std::optional<int>>{
      std::nullopt, 10'000, 1, 2, 0, -1, 10'001, INT_MIN, INT_MAX};
  return *limits;
}
const std::vector<Duration>& Advances() {
  static const auto* steps = new std::vector<Duration>{
      Duration::Millis(200), Duration::Zero(),       Duration::Seconds(1), Duration::Minutes(5),
      Duration::Micros(1),   Duration::Seconds(301), Duration::Hours(1),   Duration::Hours(25),
      Duration::Days(8),     Duration::Seconds(5)};
  return *steps;
}

template <typename T>
const T& Choose(const std::vector<T>& table, int choice) {
  return table[static_cast<size_t>(choice) % table.size()];
}

// 0-10 are valid options, 11-15 invalid ones.
constexpr int kValidOptions = 11;
constexpr int kAllOptions = 16;
StreamOptions OptionsFor(int choice) {
  StreamOptions o;
  switch (choice % kAllOptions) {
    case 0:
      break;
    case 1:
      o.limits = ShardLimits::Unlimited();
      break;
    case 2:
      o.buckets = BucketProfile::Fixed(Duration::Seconds(1));
      break;
    case 3:
      o.buckets = BucketProfile::Range(Duration::Seconds(1), Duration::Hours(1));
      break;
    case 4:
      o.buckets = BucketProfile::Dense();
      break;
    case 5:
      o.below_horizon = BelowHorizonBehavior::kStuckEmptyPages;
      break;
    case 6:
      o.retention = Duration::Hours(8'760);
      break;
    case 7:
      o.counter_start = uint64_t{1} << 62;
      break;  // high in the 64-bit counter
    case 8:
      o.buckets = BucketProfile::Dense();
      o.dense_counter_slot = Duration::Micros(1);
      break;
    case 9:
      o.limits.max_get_records_bytes = 1;
      break;
    case 10:
      o.limits = ShardLimits::Unlimited();
      o.limits.max_record_bytes = 1;
      break;
    case 11:
      o.retention = Duration::Hours(1);
      break;
    case 12:
      o.iterator_lifetime = Duration::Zero();
      break;
    case 13:
      o.buckets = BucketProfile::Fixed(Duration::Zero());
      break;
    case 14:
      o.buckets = BucketProfile::Range(Duration::Hours(1), Duration::Seconds(1));
      break;
    default:
      o.limits.get_records_per_second = 0;
      break;
  }
  return o;
}

// An iterator token in the model's layout (model/internal/iterator_token.h) with a valid
// checksum and whatever fields we like: what a caller who read the source can send.
// KinesisModelTokens below checks that this still matches the model's layout, so the forgery
// property cannot pass vacuously.
std::string ForgeToken(uint32_t shard, uint64_t bucket, uint64_t ordinal, uint64_t issued_us,
                       const std::string& stream, bool stuck) {
  std::string part;
  auto put = [&part](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) part.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put(1, 8);
  part.push_back(2);  // the version
  part.push_back(static_cast<char>(std::min<size_t>(stream.size(), 255)));
  part += stream;
  part.resize((part.size() + 2) / 3 * 3, '\0');
  const std::string stream_part = std::exchange(part, "");
  part.push_back(stuck ? 1 : 0);
  put(0, 2);
  put(shard, 4);
  put(bucket, 8);
  put(ordinal, 8);
  put(issued_us, 8);
  put(sim::HashBytes(part, sim::HashBytes(stream_part)), 8);
  return absl::Base64Escape(stream_part + part);
}

// Applies ops to a model (in the child process), keeping pools of the values the model handed
// out (sequence numbers, iterators) so that later calls can reuse them, right or wrong. Each
// call is logged to stderr before it is made, so a crash leaves the calls that led to it.
class Driver {
 public:
  explicit Driver(Instant start) : now_(start), model_(7) {}

  // 0 when every call returned a value or a typed error, and every value had the API's shape.
  int Run(const std::vector<Op>& ops) {
    for (const Op& op : ops) {
      if (const std::optional<std::string> broken = Apply(op)) {
        std::fprintf(stderr, "BROKEN: %s\n", broken->c_str());
        return 2;
      }
    }
    return 0;
  }

 private:
  template <typename... Args>
  void Log(const Args&... args) {
    const std::string line = absl::StrCat("[", now_.ToString(), "] ", args...);
    std::fprintf(stderr, "%s\n", line.c_str());
  }

  std::string Stream(const Op& op) const { return Choose(StreamNames(), op.stream); }

  static std::string ShardOf(int choice) {
    switch (choice % 14) {
      case 8:
        return "shardId-1";
      case 9:
        return "";
      case 10:
        return "shardId-999999999999";
      case 11:
        return "shardId-0000000000-1";
      case 12:
        return "shardId-00000000000a";
      case 13:
        return "sh\xc3\xa4rd";
      default:
        return ShardId(static_cast<uint32_t>(choice % 14));
    }
  }

  template <typename T>
  std::optional<std::string> CheckError(const char* call, const Outcome<T>& o) {
    if (o.ok()) return std::nullopt;
    const KinesisError& e = o.error();
    Log("  -> ", std::string(ErrorName(e.code)), ": ", e.message.substr(0, 200));
    if (ErrorName(e.code) == "?") return absl::StrCat(call, ": an untyped error");
    if (e.message.empty()) return absl::StrCat(call, ": an error without a message");
    return std::nullopt;
  }

  std::string PickSequence(const Op& op) const {
    const std::string pooled =
        sequences_.empty() ? std::string("1") : sequences_[op.pick % sequences_.size()];
    switch (op.seq % 7) {
      case 0:
        return pooled;
      case 1:
        return "123";
      case 2:
        return "";
      case 3: {  // one digit changed
        std::string s = pooled;
        const size_t at = (op.pick / 7) % s.size();
        s[at] = s[at] == '9' ? '0' : static_cast<char>(s[at] + 1);
        return s;
      }
      case 4:
        return "49639543389862895699365693304023657829928072185817071618";
      case 5:
        return std::string(56, '9');
      default:
        return absl::StrCat(op.pick);
    }
  }

  Instant PickTimestamp(const Op& op) const {
    switch (op.time % 8) {
      case 0:
        return now_;
      case 1:
        return now_ - Duration::Hours(1);
      case 2:
        return now_ - Duration::Days(30);
      case 3:
        return now_ + Duration::Seconds(1);
      case 4:
        return Instant();
      case 5:
        return Instant::FromUnixMicros(INT64_MIN);
      case 6:
        return Instant::FromUnixMicros(INT64_MAX);
      default:
        return now_ - Duration::Micros(static_cast<int64_t>(op.pick % 100'000'000'000));
    }
  }

  std::string PickToken(const Op& op) const {
    const std::string pooled =
        iterators_.empty() ? std::string("AAAA") : iterators_[op.pick % iterators_.size()];
    switch (op.token % 9) {
      case 0:
        return iterators_.empty() ? pooled : iterators_.back();
      case 1:
        return pooled;
      case 2:
        return "";
      case 3:
        return "garbage!";
      case 4:
        return pooled.substr(0, pooled.size() / 2);
      case 5: {  // one character changed
        std::string s = pooled;
        const size_t at = (op.pick / 3) % s.size();
        s[at] = s[at] == 'A' ? 'B' : 'A';
        return s;
      }
      case 6:
        return std::string(5'000, 'A');
      case 7: {  // valid base64 of other bytes
        std::string raw;
        uint64_t x = op.pick;
        for (int i = 0; i < 8 + static_cast<int>(op.pick % 80); ++i) {
          raw.push_back(static_cast<char>(sim::SplitMix64Next(x)));
        }
        return absl::Base64Escape(raw);
      }
      default:
        return Forge(op);
    }
  }

  std::string Forge(const Op& op) const {
    const uint64_t now_us = static_cast<uint64_t>(now_.unix_micros());
    static const std::vector<uint32_t> shards = {
        0, 1, 2, 7, uint32_t{1} << 31, UINT32_MAX - 1, UINT32_MAX};
    static const std::vector<uint64_t> buckets = {
        0, 1, 3, uint64_t{1} << 20, uint64_t{1} << 40, UINT64_MAX};
    static const std::vector<uint64_t> ordinals = {0, 1, 2, 5, uint64_t{1} << 63, UINT64_MAX};
    const std::vector<uint64_t> issued = {
        now_us, now_us - 1'000'000, now_us - 301'000'000, now_us + 1'000'000,
        0,      uint64_t{1} << 63,  UINT64_MAX,           (uint64_t{1} << 63) - 1};
    return ForgeToken(Choose(shards, op.forged[0]), Choose(buckets, op.forged[1]),
                      Choose(ordinals, op.forged[2]), Choose(issued, op.forged[3]), Stream(op),
                      op.forged_stuck);
  }

  std::optional<std::string> Apply(const Op& op) {
    switch (op.kind) {
      case OpKind::kAdvance: {
        const Duration step = Choose(Advances(), op.number);
        if (advanced_ + step > Duration::Days(40)) return std::nullopt;  // bounds the case
        advanced_ += step;
        now_ = now_ + step;
        return std::nullopt;
      }
      case OpKind::kCreateStream:
        return CreateStream(op);
      case OpKind::kListShards:
        return ListShards(op);
      case OpKind::kPutRecord:
        return PutRecord(op);
      case OpKind::kPutRecords:
        return PutRecords(op);
      case OpKind::kGetShardIterator:
        return GetShardIterator(op);
      case OpKind::kGetRecords:
        return GetRecords(op);
      case OpKind::kSplitShard:
        return SplitShard(op);
      case OpKind::kMergeShards:
        return MergeShards(op);
      case OpKind::kDescribeIterator: {
        const std::string token = PickToken(op);
        Log("DescribeIterator ", token.substr(0, 100));
        return CheckError("DescribeIterator", model_.DescribeIterator(token));
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> CreateStream(const Op& op) {
    static const std::vector<int> counts = {1, 2, 3, 0, -1, 1'000, 1'001, INT_MIN};
    const int count = Choose(counts, op.number);
    Log("CreateStream ", Stream(op), " ShardCount=", count, " options#", op.options % kAllOptions);
    return CheckError("CreateStream",
                      model_.CreateStream(now_, {.StreamName = Stream(op), .ShardCount = count},
                                          OptionsFor(op.options)));
  }

  std::optional<std::string> ListShards(const Op& op) {
    Log("ListShards ", Stream(op));
    const Outcome<ListShardsResponse> r = model_.ListShards(now_, {.StreamName = Stream(op)});
    if (!r.ok()) return CheckError("ListShards", r);
    for (size_t i = 0; i < r->Shards.size(); ++i) {
      const Shard& s = r->Shards[i];
      sequences_.push_back(s.SequenceNumberRange.StartingSequenceNumber);
      if (s.SequenceNumberRange.EndingSequenceNumber) {
        sequences_.push_back(*s.SequenceNumberRange.EndingSequenceNumber);
      }
      if (i > 0 && !(r->Shards[i - 1].ShardId < s.ShardId)) {
        return absl::StrCat("ListShards: shard ids out of order: ", r->Shards[i - 1].ShardId, ", ",
                            s.ShardId);
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> Keep(const std::string& sequence_number) {
    if (!DecodeSequenceNumber(sequence_number).ok()) {
      return absl::StrCat("an undecodable sequence number ", sequence_number);
    }
    sequences_.push_back(sequence_number);
    return std::nullopt;
  }

  std::optional<std::string> PutRecord(const Op& op) {
    const std::string& key = Choose(PartitionKeys(), op.key);
    const int64_t bytes = Choose(DataSizes(), op.data);
    const std::optional<std::string>& hash = Choose(ExplicitHashKeys(), op.hash);
    Log("PutRecord ", Stream(op), " key(", key.size(), " bytes) data(", bytes,
        " bytes) ExplicitHashKey=", hash.value_or("none"));
    const Outcome<PutRecordResponse> r = model_.PutRecord(
        now_, {Stream(op), key, std::string(static_cast<size_t>(bytes), 'd'), hash});
    if (!r.ok()) return CheckError("PutRecord", r);
    return Keep(r->SequenceNumber);
  }

  std::optional<std::string> PutRecords(const Op& op) {
    static const std::vector<size_t> counts = {3, 1, 0, 500, 501};
    const size_t count = Choose(counts, op.number);
    PutRecordsRequest request{Stream(op), {}};
    for (size_t i = 0; i < count; ++i) {
      // Entries differ: some keys and hash keys vary along the batch.
      request.Records.push_back(
          {Choose(PartitionKeys(), op.key + static_cast<int>(i % 3 == 2 ? i : 0)),
           std::string(static_cast<size_t>(Choose(DataSizes(), op.data) % 70'000), 'e'),
           Choose(ExplicitHashKeys(), op.hash + static_cast<int>(i % 5 == 4 ? i : 0))});
    }
    Log("PutRecords ", Stream(op), " entries=", count, " key#", op.key, " data#", op.data, " hash#",
        op.hash);
    const Outcome<PutRecordsResponse> r = model_.PutRecords(now_, request);
    if (!r.ok()) return CheckError("PutRecords", r);
    if (r->Records.size() != count) return "PutRecords: one result per entry expected";
    int failed = 0;
    for (const PutRecordsResultEntry& e : r->Records) {
      if (e.SequenceNumber.has_value() == e.ErrorCode.has_value() ||
          e.ShardId.has_value() != e.SequenceNumber.has_value() ||
          e.ErrorCode.has_value() != e.ErrorMessage.has_value()) {
        return "PutRecords: an entry must carry either a sequence number and shard, or an error";
      }
      if (e.ErrorCode) {
        ++failed;
      } else if (auto broken = Keep(*e.SequenceNumber)) {
        return broken;
      }
    }
    if (failed != r->FailedRecordCount) return "PutRecords: FailedRecordCount is wrong";
    return std::nullopt;
  }

  std::optional<std::string> GetShardIterator(const Op& op) {
    static constexpr ShardIteratorType kTypes[] = {
        ShardIteratorType::TRIM_HORIZON, ShardIteratorType::LATEST,
        ShardIteratorType::AT_SEQUENCE_NUMBER, ShardIteratorType::AFTER_SEQUENCE_NUMBER,
        ShardIteratorType::AT_TIMESTAMP};
    const ShardIteratorType type = kTypes[op.type % 5];
    const bool by_sequence = type == ShardIteratorType::AT_SEQUENCE_NUMBER ||
                             type == ShardIteratorType::AFTER_SEQUENCE_NUMBER;
    const bool by_time = type == ShardIteratorType::AT_TIMESTAMP;
    GetShardIteratorRequest request{Stream(op), ShardOf(op.shard), type, std::nullopt,
                                    std::nullopt};
    if (by_sequence != ((op.wrong_params & 1) != 0)) {
      request.StartingSequenceNumber = PickSequence(op);
    }
    if (by_time != ((op.wrong_params & 2) != 0)) request.Timestamp = PickTimestamp(op);
    Log("GetShardIterator ", request.StreamName, "/", request.ShardId, " ",
        std::string(ShardIteratorTypeName(type)),
        " StartingSequenceNumber=", request.StartingSequenceNumber.value_or("none"),
        " Timestamp=", request.Timestamp ? request.Timestamp->ToString() : std::string("none"));
    const Outcome<GetShardIteratorResponse> r = model_.GetShardIterator(now_, request);
    if (!r.ok()) return CheckError("GetShardIterator", r);
    if (!model_.DescribeIterator(r->ShardIterator).ok()) {
      return "GetShardIterator returned a token DescribeIterator rejects";
    }
    iterators_.push_back(r->ShardIterator);
    return std::nullopt;
  }

  std::optional<std::string> GetRecords(const Op& op) {
    const std::string token = PickToken(op);
    const std::optional<int> limit = Choose(Limits(), op.number);
    std::optional<std::string> stream;
    if (op.stream != 0) stream = Stream(op);
    Log("GetRecords ", token.substr(0, 100), token.size() > 100 ? "..." : "",
        " Limit=", limit ? std::to_string(*limit) : std::string("none"),
        " StreamName=", stream.value_or("none"));
    const Outcome<GetRecordsResponse> r = model_.GetRecords(now_, {token, limit, stream});
    if (!r.ok()) return CheckError("GetRecords", r);
    Log("  -> ", r->Records.size(), " records, MillisBehindLatest ", r->MillisBehindLatest,
        r->NextShardIterator ? "" : ", no NextShardIterator", ", ", r->ChildShards.size(),
        " child shards");
    if (r->Records.size() > static_cast<size_t>(limit.value_or(10'000))) {
      return "GetRecords returned more records than Limit";
    }
    if (r->MillisBehindLatest < 0) return "GetRecords: negative MillisBehindLatest";
    if (r->NextShardIterator.has_value() == !r->ChildShards.empty()) {
      return "GetRecords: exactly one of 'NextShardIterator absent' and 'ChildShards "
             "non-empty' must hold (KCL rejects the response otherwise)";
    }
    for (const Record& record : r->Records) {
      if (auto broken = Keep(record.SequenceNumber)) return broken;
    }
    if (r->NextShardIterator) {
      if (!model_.DescribeIterator(*r->NextShardIterator).ok()) {
        return "GetRecords returned a NextShardIterator DescribeIterator rejects";
      }
      iterators_.push_back(*r->NextShardIterator);
    }
    return std::nullopt;
  }

  // The middle of the shard's hash-key range when the stream lists it, else 2^127.
  std::string MiddleOf(const std::string& stream, const std::string& shard) {
    Log("ListShards ", stream, " (to split ", shard, " in the middle)");
    const Outcome<ListShardsResponse> shards = model_.ListShards(now_, {.StreamName = stream});
    if (shards.ok()) {
      for (const Shard& s : shards->Shards) {
        if (s.ShardId != shard) continue;
        const absl::StatusOr<HashKey> lo = HashKey::Parse(s.HashKeyRange.StartingHashKey);
        const absl::StatusOr<HashKey> hi = HashKey::Parse(s.HashKeyRange.EndingHashKey);
        if (lo.ok() && hi.ok()) {
          return HashKey::FromUint128(lo->value() + (hi->value() - lo->value()) / 2 + 1).ToString();
        }
      }
    }
    return "170141183460469231731687303715884105728";
  }

  std::optional<std::string> SplitShard(const Op& op) {
    const std::string shard = ShardOf(op.shard);
    const std::string key = op.hash == 0   ? MiddleOf(Stream(op), shard)
                            : op.hash == 1 ? absl::StrCat(op.pick)
                                           : Choose(ExplicitHashKeys(), op.hash).value_or("x");
    Log("SplitShard ", Stream(op), "/", shard, " NewStartingHashKey=", key);
    return CheckError("SplitShard", model_.SplitShard(now_, {Stream(op), shard, key}));
  }

  std::optional<std::string> MergeShards(const Op& op) {
    const std::string a = ShardOf(op.shard);
    const std::string b = ShardOf(op.shard2);
    Log("MergeShards ", Stream(op), " ", a, " + ", b);
    return CheckError("MergeShards", model_.MergeShards(now_, {Stream(op), a, b}));
  }

  Instant now_;
  KinesisModel model_;
  Duration advanced_ = Duration::Zero();
  std::vector<std::string> sequences_;
  std::vector<std::string> iterators_;
};

// Mostly ordinary calls on stream "s", its shards and the values it handed out; any field may
// be wrong. With `forge`, GetRecords and DescribeIterator often get forged tokens.
rc::Gen<Op> AnyOp(bool forge) {
  const auto upto = [](int n) { return rc::gen::inRange(0, n); };
  // Mostly one of the first `ordinary` choices, sometimes any of `all`.
  const auto mostly = [](int ordinary, int all) {
    return rc::gen::weightedOneOf<int>(
        {{5, rc::gen::inRange(0, ordinary)}, {1, rc::gen::inRange(0, all)}});
  };
  const auto kind = rc::gen::weightedOneOf<OpKind>({
      {3, rc::gen::just(OpKind::kAdvance)},
      {1, rc::gen::just(OpKind::kCreateStream)},
      {1, rc::gen::just(OpKind::kListShards)},
      {4, rc::gen::just(OpKind::kPutRecord)},
      {1, rc::gen::just(OpKind::kPutRecords)},
      {3, rc::gen::just(OpKind::kGetShardIterator)},
      {5, rc::gen::just(OpKind::kGetRecords)},
      {1, rc::gen::just(OpKind::kSplitShard)},
      {1, rc::gen::just(OpKind::kMergeShards)},
      {forge ? 2u : 1u, rc::gen::just(OpKind::kDescribeIterator)},
  });
  return rc::gen::exec([=] {
    Op op;
    op.kind = *kind;
    op.stream = *mostly(1, 6);
    op.shard = *mostly(4, 14);
    op.shard2 = *mostly(4, 14);
    op.key = *mostly(4, 8);
    op.data = *mostly(3, 8);
    op.hash = *mostly(1, 10);
    op.number = *mostly(4, 12);
    op.type = *upto(5);
    op.wrong_params = *mostly(1, 4);
    op.seq = *mostly(1, 7);
    op.time = *mostly(3, 8);
    op.token =
        forge ? *rc::gen::weightedOneOf<int>({{3, rc::gen::just(8)}, {2, upto(2)}}) : *mostly(2, 8);
    op.forged[0] = *mostly(3, 8);
    op.forged[1] = *mostly(3, 6);
    op.forged[2] = *mostly(4, 6);
    op.forged[3] = *mostly(2, 8);
    op.forged_stuck =
        *rc::gen::weightedOneOf<bool>({{5, rc::gen::just(false)}, {1, rc::gen::just(true)}});
    op.options = *upto(kAllOptions);
    op.pick = *rc::gen::arbitrary<uint64_t>();
    return op;
  });
}

// A case: stream "s" is created first (1-3 shards, valid options of every kind) at `start`,
// then the ops run against it, in a child process.
void CheckWrongCallsNeverCrash(bool forge, const rc::Gen<Instant>& starts) {
  Op create;
  create.kind = OpKind::kCreateStream;
  create.number = *rc::gen::inRange(0, 3);  // 1-3 shards
  create.options = *rc::gen::inRange(0, kValidOptions);
  const Instant start = *starts;
  std::vector<Op> ops = *rc::gen::container<std::vector<Op>>(AnyOp(forge));
  ops.insert(ops.begin(), create);
  const std::optional<std::string> failure =
      RunIsolated([&] { return Driver(start).Run(ops); }, kChildTimeoutS);
  if (failure.has_value()) FailProperty(*failure);
}

// The forgery property is only as good as ForgeToken: this fails when the model's token layout
// moves away from it.
TEST(KinesisModelTokens, ForgedTokensFollowTheModelsLayout) {
  KinesisModel model(1);
  ASSERT_TRUE(model.CreateStream(kStart, {.StreamName = "s", .ShardCount = 2}).ok());
  const Instant now = kStart + Duration::Seconds(3);
  const Outcome<GetShardIteratorResponse> honest = model.GetShardIterator(
      now, {"s", ShardId(1), ShardIteratorType::LATEST, std::nullopt, std::nullopt});
  ASSERT_TRUE(honest.ok());
  const IteratorInfo info = *model.DescribeIterator(honest->ShardIterator);
  EXPECT_EQ(ForgeToken(1, info.bucket, info.ordinal,
                       static_cast<uint64_t>(info.issued_at.unix_micros()), "s", false),
            honest->ShardIterator)
      << "the model's token layout changed: update ForgeToken";
}

rc::Gen<Instant> OrdinaryStarts() {
  return rc::gen::weightedOneOf<Instant>(
      {{4, rc::gen::just(kStart)}, {1, rc::gen::just(Instant::FromUnixSeconds(1'680'678'372))}});
}

RC_GTEST_PROP(KinesisModelProperty, NoSequenceOfWrongCallsCrashesTheModel, ()) {
  CheckWrongCallsNeverCrash(/*forge=*/false, OrdinaryStarts());
}

// Streams created and written at the edges of the times a sequence number can encode.
// A regression guard: with the model at 8cdbf3f (before 368e3e8) the put-time field, one second
// behind arrival, was -1 at the Unix epoch (a default-constructed Instant) and the encoder's
// always-on check aborted the process on PutRecord at 1970-01-01T00:00:00.5Z, or on ListShards of
// a stream created at 1970-01-01T00:00:00Z; past 2^36 s (year 4147) the same check fired.
RC_GTEST_PROP(KinesisModelProperty, CallsAtTheEdgesOfEncodableTimeGetTypedErrorsNotCrashes, ()) {
  CheckWrongCallsNeverCrash(
      /*forge=*/false, rc::gen::weightedOneOf<Instant>(
                           {{3, rc::gen::just(Instant())},
                            {1, rc::gen::just(Instant::FromUnixSeconds(kSequenceNumberMaxSeconds) -
                                              Duration::Hours(1))}}));
}

// Tokens with a valid checksum but fields no honest token has (a huge bucket or ordinal, an
// issue time far in the past or future, another shard or stream) still get typed errors.
// A regression guard: with the model at 8cdbf3f (before 368e3e8) GetRecords trusted a token's
// bucket and issue time once its checksum matched: bucket 2^40 made it materialise buckets until
// std::bad_alloc, and issue time INT64_MIN overflowed `now - issued` (an aborting time check).
RC_GTEST_PROP(KinesisModelProperty, ForgedIteratorTokensGetTypedErrorsNotCrashes, ()) {
  CheckWrongCallsNeverCrash(/*forge=*/true, OrdinaryStarts());
}

}  // namespace
}  // namespace shardsim::model
