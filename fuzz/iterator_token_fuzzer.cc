// Fuzz target: shard-iterator tokens (model/internal/iterator_token.h) against a live model.
// Each input gets a fresh model with a two-shard stream holding a few records, one shard split.
//   byte 0 even: the rest is token text. It decodes to a token only if encoding that token
//     gives the same text (one spelling per token); the model's GetRecords and
//     DescribeIterator answer it with a value or a typed error.
//   byte 0 odd: the rest are the fields of a token (stream, shard index, bucket, ordinal,
//     issue time, stuck flag), encoded with a valid checksum, so the model's own checks of
//     what a token names are what gets fuzzed; its answer and the pages after it (followed up
//     to a bound) are a value or a typed error.
// Afterwards the model's invariants still hold: every record put is read back exactly once,
// in sequence order, from TRIM_HORIZON of its shard, with sequence numbers of that shard.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "model/internal/iterator_token.h"
#include "model/kinesis_model.h"
#include "model/sequence_number.h"

namespace {

namespace model = shardsim::model;
using model::internal::IteratorToken;
using shardsim::sim::Duration;
using shardsim::sim::Instant;

constexpr char kStream[] = "fuzz";
constexpr int kMaxPagesFollowed = 64;

struct Fixture {
  model::KinesisModel model{7};
  Instant now = shardsim::sim::kDefaultEpoch;
  // Every record put, by shard id: its sequence number and data, in put order.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> puts;

  Instant Tick(Duration d = Duration::Millis(200)) { return now = now + d; }
  void Put(std::string key, std::string data) {
    const auto put = model.PutRecord(Tick(), {kStream, key, data, std::nullopt});
    FUZZ_CHECK(put.ok(), put.error().ToString());
    puts[put->ShardId].emplace_back(put->SequenceNumber, data);
  }
};

void Setup(Fixture& f) {
  model::StreamOptions options;
  options.buckets = model::BucketProfile::Fixed(Duration::Seconds(5));
  const auto created =
      f.model.CreateStream(f.now, {.StreamName = kStream, .ShardCount = 2}, options);
  FUZZ_CHECK(created.ok(), created.error().ToString());
  f.Put("a", "1");
  f.Put("b", "2");
  f.Tick(Duration::Seconds(3));
  f.Put("c", "3");
  const auto split = f.model.SplitShard(
      f.Tick(), {kStream, "shardId-000000000000", "85070591730234615865843651857942052864"});
  FUZZ_CHECK(split.ok(), split.error().ToString());
  f.Tick(Duration::Seconds(2));
  f.Put("d", "4");
  f.Put("e", "5");
}

// A GetRecords answer is a value or a typed error; a value is consistent with itself.
void CheckPage(const model::Outcome<model::GetRecordsResponse>& page) {
  if (!page.ok()) {
    FUZZ_CHECK(!page.error().message.empty(), "a typed error without a message");
    return;
  }
  FUZZ_CHECK(page->MillisBehindLatest >= 0, "negative MillisBehindLatest");
  FUZZ_CHECK(page->NextShardIterator.has_value() || page->MillisBehindLatest == 0,
             "a page that ends the shard is behind latest");
  std::string previous;
  for (const model::Record& r : page->Records) {
    FUZZ_CHECK(model::SequenceNumber::Parse(r.SequenceNumber).ok(), r.SequenceNumber);
    FUZZ_CHECK(previous.empty() || previous < r.SequenceNumber, "a page out of sequence order");
    previous = r.SequenceNumber;
  }
}

void FollowFrom(Fixture& f, std::string iterator, int limit) {
  for (int page = 0; page < kMaxPagesFollowed; ++page) {
    const auto answer = f.model.GetRecords(f.Tick(), {iterator, limit, std::nullopt});
    CheckPage(answer);
    if (!answer.ok() || !answer->NextShardIterator) return;
    iterator = *answer->NextShardIterator;
  }
}

// Every record put is read back once, in order, from TRIM_HORIZON of its shard.
void CheckInvariants(Fixture& f) {
  f.Tick(Duration::Seconds(10));  // past every rate limit the fuzzed calls spent
  for (const auto& [shard, expected] : f.puts) {
    const auto start = f.model.GetShardIterator(
        f.Tick(),
        {kStream, shard, model::ShardIteratorType::TRIM_HORIZON, std::nullopt, std::nullopt});
    FUZZ_CHECK(start.ok(), start.error().ToString());
    std::string iterator = start->ShardIterator;
    std::vector<std::pair<std::string, std::string>> read;
    bool done = false;
    // 250 ms apart: within 5 reads a second, and faster than the 5 s buckets go by.
    for (int page = 0; page < 1000 && !done; ++page) {
      const auto answer =
          f.model.GetRecords(f.Tick(Duration::Millis(250)), {iterator, 10'000, std::nullopt});
      FUZZ_CHECK(answer.ok(), answer.error().ToString());
      for (const model::Record& r : answer->Records) read.emplace_back(r.SequenceNumber, r.Data);
      done = !answer->NextShardIterator ||
             (answer->MillisBehindLatest == 0 && answer->Records.empty());
      if (!done) iterator = *answer->NextShardIterator;
    }
    FUZZ_CHECK(done, shard + ": 1,000 pages from TRIM_HORIZON do not reach the tip");
    FUZZ_CHECK(read == expected,
               absl::StrCat(shard, ": read back ", read.size(), " records, put ", expected.size()));
  }
}

IteratorToken TokenFromFields(const uint8_t* data, size_t size, const Fixture& f) {
  auto take = [&](size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes && size > 0; ++i, ++data, --size) v = (v << 8) | *data;
    return v;
  };
  IteratorToken token;
  const uint64_t flags = take(1);
  token.stuck = (flags & 1) != 0;
  token.stream = (flags & 2) ? "other" : kStream;
  token.shard_index = static_cast<uint32_t>(take(1) % 5);
  token.position.bucket = take(2);
  token.position.ordinal = take(2);
  if (flags & 4) token.position.bucket = take(8);
  if (flags & 8) token.position.ordinal = take(8);
  const int64_t age_ms = static_cast<int64_t>(take(4) % 1'000'000) - 1000;
  token.issued = f.now - Duration::Millis(age_ms);
  if (flags & 16) token.stream = std::string(reinterpret_cast<const char*>(data), size);
  return token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Fixture f;
  Setup(f);
  std::string token;
  if ((data[0] & 1) == 0) {
    token.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto decoded = model::internal::DecodeIteratorToken(token);
    if (decoded) {
      FUZZ_CHECK(model::internal::EncodeIteratorToken(*decoded) == token,
                 "a token decodes that is not the one spelling of its fields: " + token);
    }
  } else {
    const IteratorToken fields = TokenFromFields(data + 1, size - 1, f);
    token = model::internal::EncodeIteratorToken(fields);
    const auto decoded = model::internal::DecodeIteratorToken(token);
    // Stream names have at most 128 characters; a token naming a longer one is refused.
    FUZZ_CHECK(decoded.has_value() == (fields.stream.size() <= 128),
               "an encoded token does not decode (or one for a 129+ character name does)");
  }
  const auto described = f.model.DescribeIterator(token);
  if (!described.ok()) FUZZ_CHECK(!described.error().message.empty(), "no message");
  FollowFrom(f, token, 1 + data[0] / 2 % 3);
  CheckInvariants(f);
  return 0;
}
