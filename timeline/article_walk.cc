#include "timeline/article_walk.h"

#include <tuple>

#include "model/client.h"
#include "model/kinesis_model.h"
#include "sim/check.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::timeline {

namespace {

using sim::Duration;
using sim::Instant;

Instant At(const char* rfc3339) {
  const absl::StatusOr<Instant> t = Instant::Parse(rfc3339);
  SHARDSIM_CHECK(t.ok(), "a scripted time is RFC 3339");
  return *t;
}

struct Walkers {
  sim::Simulation& sim;
  model::KinesisClient& producer;
  model::KinesisClient& consumer;
};

// The two puts, the silence, and the iterator after 'b'.
sim::Task<std::string> PutAndWait(Walkers w, ArticleWalk& walk) {
  for (const auto& [time, data, key] : {std::tuple{"2023-04-05T07:08:10.670Z", "a", "1"},
                                        std::tuple{"2023-04-05T07:08:27.176Z", "b", "2"}}) {
    co_await w.sim.SleepUntil(At(time));
    const auto put = w.producer.PutRecordNow({walk.stream, key, data, std::nullopt});
    SHARDSIM_CHECK(put.ok(), "the article's puts succeed");
    walk.puts.push_back({w.sim.now(), data, put->SequenceNumber});
  }
  co_await w.sim.Sleep(Duration::Hours(17) + Duration::Minutes(33));
  const auto it = co_await w.consumer.GetShardIterator(
      {walk.stream, "shardId-000000000000", model::ShardIteratorType::AFTER_SEQUENCE_NUMBER,
       walk.puts.back().sequence_number, std::nullopt});
  SHARDSIM_CHECK(it.ok(), "the article's iterator");
  co_return it->ShardIterator;
}

sim::Task<void> Walk(Walkers w, ArticleWalk& walk, int max_calls) {
  std::string iterator = co_await PutAndWait(w, walk);
  for (int i = 0; i < 3; ++i) {
    co_await w.sim.Sleep(Duration::Seconds(1));
    const auto page = co_await w.consumer.GetRecords({iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok() && page->NextShardIterator, "the article's pages");
    walk.silent_pages.push_back({w.sim.now(), page->MillisBehindLatest});
    iterator = *page->NextShardIterator;
  }
  co_await w.sim.Sleep(Duration::Seconds(5));
  SHARDSIM_CHECK(w.producer.PutRecordNow({walk.stream, "3", "3", std::nullopt}).ok(), "put '3'");
  walk.new_record_put = w.sim.now();
  while (walk.calls < max_calls) {
    co_await w.sim.Sleep(Duration::Millis(250));
    const auto page = co_await w.consumer.GetRecords({iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok() && page->NextShardIterator, "the walk's pages");
    ++walk.calls;
    if (!page->Records.empty()) {
      walk.reached = ArticleWalk::Page{w.sim.now(), page->MillisBehindLatest};
      walk.reached_data = page->Records[0].Data;
      co_return;
    }
    iterator = *page->NextShardIterator;
  }
}

}  // namespace

ArticleWalk RunArticleWalk(int max_calls) {
  ArticleWalk walk;
  walk.created = At("2023-04-05T07:06:12Z");
  walk.stream = "test-offsets";
  sim::Simulation sim(sim::Simulation::Options{.seed = 2023, .start = walk.created});
  model::KinesisModel kinesis(2023);
  model::StreamOptions options;
  options.counter_start = 8398;  // the article's shard had issued this many counter values
  walk.buckets = options.buckets;
  model::KinesisClient producer(sim, kinesis, "producer", Duration::Zero());
  model::KinesisClient consumer(sim, kinesis, "consumer", Duration::Zero());
  SHARDSIM_CHECK(
      producer.CreateStreamNow({.StreamName = walk.stream, .ShardCount = 1}, options).ok(),
      "create the stream");
  sim.Spawn("article", Walk(Walkers{sim, producer, consumer}, walk, max_calls));
  const sim::RunResult result = sim.Run();
  SHARDSIM_CHECK(result.status.ok(), "the article's walk runs to its end");
  walk.records = sim.trace().records();
  walk.shards = ShardLanesOf(kinesis, walk.stream, sim.now());
  return walk;
}

}  // namespace shardsim::timeline
