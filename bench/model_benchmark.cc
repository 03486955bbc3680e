// KinesisModel costs (issue 3), on one core:
//   BM_GetRecords/<Limit>    GetRecords calls per second on a shard holding 100,000 records,
//                            following NextShardIterator from TRIM_HORIZON to the tip and again
//                            (target >= 2 million calls/s: read `items_per_second`; the
//                            `records_per_second` counter is what those calls returned);
//   BM_CrossSevenDayGap      one reader crossing a 7-day idle gap with the observed profile
//                            (~2,900 empty calls, 200 ms of virtual time apart, limits off):
//                            target under 2 ms per crossing (read the time per iteration;
//                            `calls_per_crossing` and `ns_per_call` say where it goes);
//   BM_SubscriptionEvents    enhanced fan-out: events a subscription delivers per second
//                            (`items_per_second`), reading 100,000 records then at the tip;
//   BM_SubscriptionAcrossSevenDayGap
//                            a subscription walking a 7-day idle gap, resubscribing AFTER the
//                            continuation every 5 minutes (`events_per_crossing`,
//                            `ns_per_event`);
//   BM_HeapPerStoredRecord   real heap growth (glibc mallinfo2) while 1,000,000 records with
//                            9-byte payloads are appended, minus the payload bytes: target
//                            <= 64 bytes per record (counter `heap_overhead_bytes_per_record`;
//                            `model_reported_overhead_bytes_per_record` is the model's own
//                            OverheadBytes() estimate, for comparison).
// Timings on a shared machine are not pass/fail, so none of this runs under ctest.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/kinesis_model.h"
#include "sim/check.h"

namespace shardsim::model {
namespace {

constexpr char kStream[] = "bench";
constexpr char kShard[] = "shardId-000000000000";
constexpr Instant kStart = sim::kDefaultEpoch;

StreamOptions UnlimitedOptions() {
  StreamOptions options;
  options.limits = ShardLimits::Unlimited();
  return options;
}

// A one-shard stream (observed profile, limits off) holding `records` records of 100 bytes,
// put 10 ms apart (so ~5 buckets of ~20,000 records each). Returns the time after the last put.
Instant Populate(KinesisModel& model, int records) {
  SHARDSIM_CHECK(
      model.CreateStream(kStart, {.StreamName = kStream, .ShardCount = 1}, UnlimitedOptions()).ok(),
      "create");
  const std::string data(100, 'd');
  Instant now = kStart;
  for (int i = 0; i < records; ++i) {
    now = now + Duration::Millis(10);
    SHARDSIM_CHECK(model.PutRecord(now, {kStream, "key", data, std::nullopt}).ok(), "put");
  }
  return now + Duration::Seconds(1);
}

std::string Iterator(KinesisModel& model, Instant now, ShardIteratorType type,
                     std::optional<std::string> sequence_number = std::nullopt) {
  Outcome<GetShardIteratorResponse> r =
      model.GetShardIterator(now, {kStream, kShard, type, std::move(sequence_number), {}});
  SHARDSIM_CHECK(r.ok(), "GetShardIterator");
  return r->ShardIterator;
}

void BM_GetRecords(benchmark::State& state) {
  const int limit = static_cast<int>(state.range(0));
  KinesisModel model(1);
  // Every call at the same instant: virtual time may stand still, and no iterator expires.
  const Instant now = Populate(model, 100'000);
  const std::string start = Iterator(model, now, ShardIteratorType::TRIM_HORIZON);
  std::string iterator = start;
  int64_t records = 0;
  for (auto _ : state) {
    Outcome<GetRecordsResponse> r = model.GetRecords(now, {iterator, limit, std::nullopt});
    records += static_cast<int64_t>(r->Records.size());
    if (r->Records.empty() && r->MillisBehindLatest == 0) {
      iterator = start;  // at the tip: read the shard again
    } else {
      iterator = *std::move(r).value().NextShardIterator;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GetRecords)->Arg(1)->Arg(100)->Arg(10'000);

void BM_CrossSevenDayGap(benchmark::State& state) {
  int64_t calls = 0;
  for (auto _ : state) {
    state.PauseTiming();
    KinesisModel model(static_cast<uint64_t>(state.iterations()));
    StreamOptions options = UnlimitedOptions();
    options.retention = Duration::Days(8);  // so the record before the gap is still there
    SHARDSIM_CHECK(
        model.CreateStream(kStart, {.StreamName = kStream, .ShardCount = 1}, options).ok(),
        "create");
    const Outcome<PutRecordResponse> before =
        model.PutRecord(kStart + Duration::Seconds(1), {kStream, "k", "a", std::nullopt});
    Instant now = kStart + Duration::Seconds(1) + Duration::Days(7);
    SHARDSIM_CHECK(model.PutRecord(now, {kStream, "k", "b", std::nullopt}).ok(), "put");
    now = now + Duration::Seconds(1);
    std::string iterator =
        Iterator(model, now, ShardIteratorType::AFTER_SEQUENCE_NUMBER, before->SequenceNumber);
    state.ResumeTiming();
    for (;;) {
      now = now + Duration::Millis(200);
      Outcome<GetRecordsResponse> r = model.GetRecords(now, {iterator, std::nullopt, {}});
      ++calls;
      if (!r->Records.empty()) break;
      iterator = *std::move(r).value().NextShardIterator;
    }
  }
  const double crossings = static_cast<double>(state.iterations());
  state.counters["calls_per_crossing"] = static_cast<double>(calls) / crossings;
  state.counters["ns_per_call"] = benchmark::Counter(
      static_cast<double>(calls), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CrossSevenDayGap)->Unit(benchmark::kMillisecond);

// A fan-out reader of `model`'s shard from TRIM_HORIZON at `now`: takes events one after
// another in virtual time, resubscribing AFTER the last continuation 5 s after each
// subscription ends. Returns the records of one event (events alone are counted).
class FanOutReader {
 public:
  FanOutReader(KinesisModel& model, Instant now) : model_(&model), now_(now) {
    SHARDSIM_CHECK(
        model
            .RegisterStreamConsumer(now, {.StreamARN = StreamArn(kStream), .ConsumerName = "bench"})
            .ok(),
        "register");
    arn_ = model
               .DescribeStreamConsumer(
                   now, {.StreamARN = StreamArn(kStream), .ConsumerName = std::string("bench")})
               ->ConsumerDescription.ConsumerARN;
    Subscribe();
  }
  size_t NextEvent() {
    for (int polls = 0; polls < 1'000; ++polls) {
      SubscriptionPoll poll = model_->PollSubscription(now_, id_);
      if (poll.kind == SubscriptionPoll::Kind::kEvent) {
        continuation_ = poll.event->ContinuationSequenceNumber;
        return poll.event->Records.size();
      }
      if (poll.kind == SubscriptionPoll::Kind::kWait) {
        now_ = poll.wake_at;
        continue;
      }
      now_ = now_ + KinesisModel::kResubscribeGuard;
      Subscribe();
    }
    SHARDSIM_CHECK(false, "no event in 1,000 polls");
    return 0;
  }
  Instant now() const { return now_; }

 private:
  void Subscribe() {
    StartingPosition start{.Type = ShardIteratorType::TRIM_HORIZON};
    if (continuation_) {
      start = {.Type = ShardIteratorType::AFTER_SEQUENCE_NUMBER, .SequenceNumber = continuation_};
    }
    Outcome<SubscribeToShardResponse> sub = model_->SubscribeToShard(
        now_, {.ConsumerARN = arn_, .ShardId = kShard, .StartingPosition = start});
    SHARDSIM_CHECK(sub.ok(), "subscribe");
    id_ = sub->SubscriptionId;
  }

  KinesisModel* model_;
  Instant now_;
  std::string arn_;
  uint64_t id_ = 0;
  std::optional<std::string> continuation_;
};

// Events a subscription delivers per second of CPU, reading a shard of 100,000 records (up to
// 10,000 records an event, within 2 MiB) and then heartbeats at the tip, again and again.
void BM_SubscriptionEvents(benchmark::State& state) {
  KinesisModel model(1);
  const Instant populated = Populate(model, 100'000);
  std::optional<FanOutReader> reader(std::in_place, model, populated);
  int64_t records = 0;
  for (auto _ : state) {
    records += static_cast<int64_t>(reader->NextEvent());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SubscriptionEvents);

// A subscription walking a 7-day idle gap (8-minute buckets of the observed profile would
// take ~1,300 events; here limits off, one event a bucket): time per crossing and per event.
void BM_SubscriptionAcrossSevenDayGap(benchmark::State& state) {
  int64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    KinesisModel model(static_cast<uint64_t>(state.iterations()));
    StreamOptions options = UnlimitedOptions();
    options.retention = Duration::Days(8);
    SHARDSIM_CHECK(
        model.CreateStream(kStart, {.StreamName = kStream, .ShardCount = 1}, options).ok(),
        "create");
    SHARDSIM_CHECK(
        model.PutRecord(kStart + Duration::Seconds(1), {kStream, "k", "a", std::nullopt}).ok(),
        "put");
    const Instant after_gap = kStart + Duration::Seconds(1) + Duration::Days(7);
    SHARDSIM_CHECK(model.PutRecord(after_gap, {kStream, "k", "b", std::nullopt}).ok(), "put");
    FanOutReader reader(model, after_gap + Duration::Seconds(1));
    state.ResumeTiming();
    size_t seen = 0;
    while (seen < 2) {
      seen += reader.NextEvent();
      ++events;
    }
  }
  const double crossings = static_cast<double>(state.iterations());
  state.counters["events_per_crossing"] = static_cast<double>(events) / crossings;
  state.counters["ns_per_event"] = benchmark::Counter(
      static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SubscriptionAcrossSevenDayGap)->Unit(benchmark::kMillisecond);

size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // arena chunks in use + mmapped chunks
}

void BM_HeapPerStoredRecord(benchmark::State& state) {
  constexpr int kRecords = 1'000'000;
  const std::string key = "k";          // 1 byte
  const std::string data = "12345678";  // 8 bytes
  for (auto _ : state) {
    KinesisModel model(1);
    // Default limits; 2 ms apart stays under 1,000 records/s.
    SHARDSIM_CHECK(model.CreateStream(kStart, {.StreamName = kStream, .ShardCount = 1}).ok(),
                   "create");
    Instant now = kStart;
    const size_t before = HeapInUse();
    for (int i = 0; i < kRecords; ++i) {
      now = now + Duration::Millis(2);
      const Outcome<PutRecordResponse> r = model.PutRecord(now, {kStream, key, data, {}});
      SHARDSIM_CHECK(r.ok(), "put");
    }
    const size_t after = HeapInUse();
    SHARDSIM_CHECK(model.RetainedRecords(kStream, kShard) == kRecords, "all records retained");
    const double payload =
        static_cast<double>(kRecords) * static_cast<double>(key.size() + data.size());
    state.counters["heap_overhead_bytes_per_record"] =
        (static_cast<double>(after - before) - payload) / kRecords;
    state.counters["model_reported_overhead_bytes_per_record"] =
        static_cast<double>(model.OverheadBytes(kStream, kShard)) / kRecords;
  }
}
BENCHMARK(BM_HeapPerStoredRecord)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shardsim::model
