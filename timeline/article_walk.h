// The seed article's experiment (waitingforcode.com, "Kinesis sequence number is not an Apache
// Kafka offset"), scripted once and run in virtual time on the observed bucket profile: a
// one-shard stream, two records, 17 h 33 min of silence, three empty pages a second apart, a
// new record, then a GetRecords every 250 ms until that record comes back, at most `max_calls`
// times. `shardsim demo` tells the walk as text; RenderArticleWalkSvg (timeline.h) draws it.
// Deterministic: every run gives the same walk.
#ifndef SHARDSIM_TIMELINE_ARTICLE_WALK_H_
#define SHARDSIM_TIMELINE_ARTICLE_WALK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/stream_options.h"
#include "sim/time.h"
#include "sim/trace.h"
#include "timeline/timeline.h"

namespace shardsim::timeline {

// Enough calls to cross every bucket of the silence on the observed profile, many times over.
inline constexpr int kMaxArticleWalkCalls = 10'000;

struct ArticleWalk {
  struct Put {
    sim::Instant at;
    std::string data;
    std::string sequence_number;
  };
  struct Page {
    sim::Instant at;
    int64_t millis_behind_latest = 0;
  };

  sim::Instant created;
  std::string stream;
  model::BucketProfile buckets;
  std::vector<Put> puts;                  // 'a' and 'b'
  std::vector<Page> silent_pages;         // the three empty pages after the silence
  sim::Instant new_record_put;            // when '3' was put
  int calls = 0;                          // GetRecords calls after '3' was put
  std::optional<Page> reached;            // the call that brought '3' back; nullopt: max_calls hit
  std::string reached_data;               // what it brought ("3")
  std::vector<sim::TraceRecord> records;  // the run's trace, in order
  std::vector<ShardLane> shards;          // the stream's shards and buckets, for the picture
};

// Runs the walk. A walk that has not reached '3' after `max_calls` calls ends there, with
// `reached` empty (never on the observed profile with the default bound).
ArticleWalk RunArticleWalk(int max_calls = kMaxArticleWalkCalls);

}  // namespace shardsim::timeline

#endif  // SHARDSIM_TIMELINE_ARTICLE_WALK_H_
