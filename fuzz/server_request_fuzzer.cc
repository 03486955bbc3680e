// Fuzz target: the server's request decoding and dispatch (server/protocol.h, server/service.h)
// for every operation, in both content types, against a live model.
//
// Input: an optional first line "shardsim-fuzz [profile=P] [log] [limits=off]", then up to
// kMaxRequests requests separated by a line "###". A request is a line "<Target> <j|c|type>"
// (the X-Amz-Target suffix, e.g. GetRecords, or _clock for the clock control API; j is
// application/x-amz-json-1.1, c application/x-amz-cbor-1.1, anything else is sent as the
// Content-Type) and the body after it. In a body, $ITER, $NEXT, $TOKEN and $SEQ stand for the
// last ShardIterator, NextShardIterator, NextToken and SequenceNumber answered (in CBOR, as a
// whole text string), so the fuzzer reaches past the opaque tokens.
//
// Each input runs on a fresh service (manual clock) holding stream "fuzz" with two shards and
// one record. Every answer is a valid document in the request's encoding: 2xx with a body that
// parses, or an AWS-shaped error (4xx, {"__type", "message"}); never a 5xx. Afterwards the
// model's invariants are checked through the API: every stream lists its shards (paged with
// NextToken) with each parent before its child, or gone after closing at least 24 h (the shortest
// retention) ago; the open shards' hash-key ranges partition the key space,
// sequence numbers name their shard; and every acknowledged record that has not reached its
// retention period is read back from TRIM_HORIZON of its shard exactly once, in sequence order,
// with its data, and nothing is read that was not acknowledged.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fuzz/fuzz_check.h"
#include "model/sequence_number.h"
#include "server/clock.h"
#include "server/event_stream.h"
#include "server/protocol.h"
#include "server/responses.h"
#include "server/service.h"
#include "sim/strings.h"
#include "sim/time.h"

namespace {

namespace server = shardsim::server;
using server::Encoding;
using server::Json;
using shardsim::sim::Duration;
using shardsim::sim::Instant;

constexpr size_t kMaxRequests = 32;
constexpr char kStream[] = "fuzz";
// The read-back's GetRecords pages for one input, shared by the shards read (at least
// kMinReadPagesPerShard each). After the clock moved far, thousands of empty buckets lie
// between a shard's horizon and its tip; walking them all took most of an execution's time,
// so a longer walk is cut and the records past the cut go unchecked for that input.
constexpr int kReadPagesPerInput = 300;
constexpr int kMinReadPagesPerShard = 40;

struct Acked {
  std::string stream;
  std::string shard;
  std::string data;  // raw bytes
  Instant at;
};

struct Harness {
  explicit Harness(server::ServiceOptions options) : service(std::move(options)) {}

  server::KinesisService service;
  bool log = false;
  // The latest values the placeholders stand for.
  std::map<std::string, std::string> last{
      {"$ITER", ""}, {"$NEXT", ""}, {"$TOKEN", ""}, {"$SEQ", ""}};
  std::map<std::string, Acked> acked;  // by sequence number
};

std::optional<Json> ParseAnswer(const server::HttpResponse& r) {
  if (r.body.empty()) return Json::object();
  Json doc = r.content_type == server::ContentType(Encoding::kCbor)
                 ? Json::from_cbor(r.body, true, false)
                 : Json::parse(r.body, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

std::string Describe(std::string_view what, const server::HttpResponse& r) {
  return absl::StrCat(std::string(what), ": status ", r.status, ", ", r.content_type, ", body ",
                      absl::CHexEscape(r.body.substr(0, 400)));
}

// A SubscribeToShard's event stream, pulled a few times: whole frames that decode, the first an
// initial-response; then cancelled, as a client going away.
void CheckEventStream(std::string_view what, server::ResponseStream& stream) {
  bool first = true;
  for (int pull = 0; pull < 4; ++pull) {
    const server::ResponseStream::Step step = stream.Pull();
    std::string_view bytes = step.bytes;
    while (!bytes.empty()) {
      absl::StatusOr<server::event_stream::Message> m = server::event_stream::DecodeNext(bytes);
      FUZZ_CHECK(m.ok(), absl::StrCat(std::string(what), ": ", m.status().ToString()));
      FUZZ_CHECK(!first || m->StringHeader(":event-type") == "initial-response",
                 absl::StrCat(std::string(what), ": the first frame is no initial-response"));
      first = false;
    }
    if (step.done) return;
  }
  stream.Cancel();
}

// The answer is valid in its encoding: 2xx with a document, or an AWS-shaped 4xx.
Json CheckAnswer(std::string_view what, const server::HttpResponse& r) {
  FUZZ_CHECK(r.status < 500, Describe(what, r));
  FUZZ_CHECK(!r.request_id.empty() && !r.virtual_time.empty(), Describe(what, r));
  const std::optional<Json> doc = ParseAnswer(r);
  FUZZ_CHECK(doc.has_value() && doc->is_object(), Describe(what, r));
  if (r.status >= 400) {
    FUZZ_CHECK(doc->contains("__type") && (*doc)["__type"].is_string() &&
                   doc->contains("message") && (*doc)["message"].is_string(),
               Describe(what, r));
  } else {
    FUZZ_CHECK(r.status == 200, Describe(what, r));
  }
  if (r.stream != nullptr) CheckEventStream(what, *r.stream);
  return *doc;
}

Instant TimeOf(const server::HttpResponse& r) {
  const auto t = server::ParseTime(r.virtual_time);
  FUZZ_CHECK(t.ok(), r.virtual_time);
  return *t;
}

std::string StringAt(const Json& doc, const char* key) {
  return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>()
                                                                      : "";
}

// The stream a request names, by StreamName or by the last part of its StreamARN.
std::string StreamOf(const Json& request) {
  if (std::string name = StringAt(request, "StreamName"); !name.empty()) return name;
  const std::string arn = StringAt(request, "StreamARN");
  return arn.substr(arn.rfind('/') + 1);
}

// Remembers what the placeholders stand for and what was acknowledged.
void Learn(Harness& h, const Json& request, const Json& answer, const server::HttpResponse& r,
           std::string_view target) {
  for (const auto& [key, placeholder] :
       {std::pair{"ShardIterator", "$ITER"}, std::pair{"NextShardIterator", "$NEXT"},
        std::pair{"NextToken", "$TOKEN"}, std::pair{"SequenceNumber", "$SEQ"}}) {
    if (std::string v = StringAt(answer, key); !v.empty()) h.last[placeholder] = v;
  }
  if (r.status != 200) return;
  if (target == "DeleteStream") {
    std::erase_if(h.acked,
                  [&](const auto& entry) { return entry.second.stream == StreamOf(request); });
  }
  auto ack = [&](const Json& entry, const Json& result) {
    const std::string seq = StringAt(result, "SequenceNumber");
    if (seq.empty()) return;
    std::string data;
    FUZZ_CHECK(absl::Base64Unescape(StringAt(entry, "Data"), &data), "acked Data not base64");
    const std::string stream = StreamOf(request);
    FUZZ_CHECK(!h.acked.contains(seq), "a sequence number acknowledged twice: " + seq);
    h.acked[seq] = Acked{stream, StringAt(result, "ShardId"), data, TimeOf(r)};
    h.last["$SEQ"] = seq;
  };
  if (target == "PutRecord") ack(request, answer);
  if (target == "PutRecords" && answer.contains("Records") && request.contains("Records")) {
    const Json& results = answer["Records"];
    const Json& entries = request["Records"];
    FUZZ_CHECK(results.is_array() && results.size() == entries.size(),
               "PutRecords answered a different number of entries");
    for (size_t i = 0; i < results.size(); ++i) ack(entries[i], results[i]);
  }
}

// Replaces every placeholder: in JSON text anywhere, in CBOR only as a whole text string.
std::string Substitute(std::string body, const Harness& h, bool cbor) {
  for (const auto& [placeholder, value] : h.last) {
    std::string from = placeholder;
    std::string to = value;
    if (cbor) {
      from.insert(from.begin(), static_cast<char>(0x60 + placeholder.size()));
      const std::vector<uint8_t> head = Json::to_cbor(Json(value));
      to.assign(head.begin(), head.end());
    }
    for (size_t at = 0, n = 0; (at = body.find(from, at)) != std::string::npos && n < 16; ++n) {
      body.replace(at, from.size(), to);
      at += to.size();
    }
  }
  return body;
}

server::HttpResponse Send(Harness& h, std::string_view target, std::string_view content_type,
                          std::string_view body, std::string_view path = "/",
                          std::string_view method = "POST") {
  const std::string amz_target =
      target.empty() ? "" : absl::StrCat(std::string(server::kTargetPrefix), std::string(target));
  return h.service.Handle(server::HttpRequest{
      .method = method,
      .path = path,
      .amz_target = amz_target,
      .content_type = content_type,
      .authorization =
          "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20230405/us-east-1/kinesis/aws4_request",
      .body = body});
}

// A well-formed JSON call of the checker; throttling waits a second and tries again.
Json Call(Harness& h, std::string_view target, const Json& request) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const server::HttpResponse r =
        Send(h, target, server::ContentType(Encoding::kJson), request.dump());
    const Json answer = CheckAnswer(target, r);
    if (r.status == 200) return answer;
    if (StringAt(answer, "__type") == "ProvisionedThroughputExceededException" ||
        StringAt(answer, "__type") == "LimitExceededException") {
      FUZZ_CHECK(h.service.clock().Advance(Duration::Seconds(1)).ok(), "clock");
      continue;
    }
    return answer;
  }
  FUZZ_CHECK(false, absl::StrCat(std::string(target), " throttled 20 times in a row"));
  return {};
}

absl::uint128 HashKey(const Json& shard, const char* key) {
  absl::uint128 v = 0;
  const bool ok =
      shard.contains("HashKeyRange") && absl::SimpleAtoi(StringAt(shard["HashKeyRange"], key), &v);
  FUZZ_CHECK(ok, absl::StrCat("hash key ", key, " of ", shard.dump()));
  return v;
}

// ListShards of `stream`, every page.
std::vector<Json> ListAllShards(Harness& h, const std::string& stream) {
  std::vector<Json> shards;
  Json request{{"StreamName", stream}, {"MaxResults", 7}};
  for (int page = 0; page < 1000; ++page) {
    const Json answer = Call(h, "ListShards", request);
    if (answer.contains("__type")) {
      FUZZ_CHECK(StringAt(answer, "__type") == "ResourceNotFoundException" ||
                     StringAt(answer, "__type") == "ResourceInUseException",
                 answer.dump());
      return shards;
    }
    FUZZ_CHECK(answer.contains("Shards") && answer["Shards"].is_array(), answer.dump());
    for (const Json& s : answer["Shards"]) shards.push_back(s);
    const std::string token = StringAt(answer, "NextToken");
    if (token.empty()) return shards;
    request = Json{{"NextToken", token}, {"MaxResults", 7}};
  }
  FUZZ_CHECK(false, "ListShards pages without end");
  return shards;
}

// A closed shard leaves the listing once the retention period has passed since it closed (at
// least 24 h, the shortest retention), while its children keep naming it as their parent; a
// child is created when its parent closes, to the second its StartingSequenceNumber holds.
const Duration kShortestRetention = Duration::Hours(24);

void CheckShardStructure(const std::string& stream, const std::vector<Json>& shards, Instant now) {
  std::set<std::string> listed;
  for (const Json& s : shards) listed.insert(StringAt(s, "ShardId"));
  std::set<std::string> ids;
  std::vector<std::pair<absl::uint128, absl::uint128>> open;
  for (const Json& s : shards) {
    const std::string id = StringAt(s, "ShardId");
    FUZZ_CHECK(ids.insert(id).second, "shard listed twice: " + id);
    const Json& range = s["SequenceNumberRange"];
    const auto start =
        shardsim::model::SequenceNumber::Parse(StringAt(range, "StartingSequenceNumber"));
    FUZZ_CHECK(start.ok(), s.dump());
    FUZZ_CHECK(absl::StrCat("shardId-", absl::Dec(start->shard_index(), absl::kZeroPad12)) == id,
               "starting sequence number of another shard: " + s.dump());
    const Instant created = Instant::FromUnixSeconds(start->fields().shard_creation_seconds);
    for (const char* parent : {"ParentShardId", "AdjacentParentShardId"}) {
      if (!s.contains(parent) || ids.contains(StringAt(s, parent))) continue;
      FUZZ_CHECK(!listed.contains(StringAt(s, parent)),
                 "a parent listed after its child: " + s.dump());
      FUZZ_CHECK(created + kShortestRetention <= now,
                 "a parent missing from the listing, closed less than 24 h ago: " + s.dump());
    }
    const absl::uint128 lo = HashKey(s, "StartingHashKey");
    const absl::uint128 hi = HashKey(s, "EndingHashKey");
    FUZZ_CHECK(lo <= hi, s.dump());
    if (!range.contains("EndingSequenceNumber")) open.emplace_back(lo, hi);
  }
  if (shards.empty()) return;
  FUZZ_CHECK(!open.empty(), stream + " has no open shard");
  std::sort(open.begin(), open.end());
  FUZZ_CHECK(open.front().first == 0 && open.back().second == absl::Uint128Max(),
             stream + ": the open shards do not cover the hash-key space");
  for (size_t i = 1; i < open.size(); ++i) {
    FUZZ_CHECK(open[i - 1].second + 1 == open[i].first,
               stream + ": the open shards' hash-key ranges overlap or leave a gap");
  }
}

// The records of a shard from TRIM_HORIZON to its end or its tip (`complete`), or as far as
// `max_pages` reach; none, and `gone`, when the shard has left the stream (closed and retired).
std::vector<Json> ReadShard(Harness& h, const std::string& stream, const std::string& shard,
                            int max_pages, bool& complete, bool& gone) {
  complete = true;
  std::vector<Json> records;
  const Json start =
      Call(h, "GetShardIterator",
           {{"StreamName", stream}, {"ShardId", shard}, {"ShardIteratorType", "TRIM_HORIZON"}});
  gone = start.value("__type", "") == "ResourceNotFoundException";
  if (gone) return records;
  FUZZ_CHECK(start.contains("ShardIterator"), start.dump());
  std::string iterator = StringAt(start, "ShardIterator");
  for (int page = 0; page < max_pages; ++page) {
    const Json answer = Call(h, "GetRecords", {{"ShardIterator", iterator}});
    FUZZ_CHECK(answer.contains("Records"), answer.dump());
    for (const Json& r : answer["Records"]) records.push_back(r);
    const std::string next = StringAt(answer, "NextShardIterator");
    if (next.empty()) return records;
    if (answer["MillisBehindLatest"] == 0 && answer["Records"].empty()) return records;
    iterator = next;
  }
  complete = false;
  return records;
}

void CheckInvariants(Harness& h) {
  FUZZ_CHECK(h.service.clock().Advance(Duration::Seconds(5)).ok(), "clock");
  const Json streams = Call(h, "ListStreams", Json::object());
  FUZZ_CHECK(streams.contains("StreamNames"), streams.dump());
  std::map<std::string, Duration> retention;
  for (const Json& name : streams["StreamNames"]) {
    const std::string stream = name.get<std::string>();
    CheckShardStructure(stream, ListAllShards(h, stream), h.service.clock().Now());
    const Json summary = Call(h, "DescribeStreamSummary", {{"StreamName", stream}});
    if (summary.contains("StreamDescriptionSummary")) {
      retention[stream] = Duration::Hours(
          summary["StreamDescriptionSummary"]["RetentionPeriodHours"].get<int64_t>());
    }
  }
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_shard;
  for (const auto& [seq, a] : h.acked) {
    if (retention.contains(a.stream)) by_shard[{a.stream, a.shard}].push_back(seq);
  }
  const Instant now = h.service.clock().Now();
  const int max_pages =
      std::max(kReadPagesPerInput / std::max<int>(1, by_shard.size()), kMinReadPagesPerShard);
  for (const auto& [where, seqs] : by_shard) {
    const auto& [stream, shard] = where;
    std::string previous;
    std::set<std::string> read;
    bool complete = true;
    bool gone = false;
    const std::vector<Json> records = ReadShard(h, stream, shard, max_pages, complete, gone);
    if (gone) {
      // A shard is retired once the retention period has passed since it closed, so all its
      // records are older than that (24 h at least).
      for (const std::string& seq : seqs) {
        FUZZ_CHECK(now - h.acked[seq].at >= kShortestRetention,
                   "a shard retired holding a record younger than 24 h: " + seq + " on " + shard);
      }
      continue;
    }
    for (const Json& r : records) {
      const std::string seq = StringAt(r, "SequenceNumber");
      FUZZ_CHECK(previous < seq, "records out of sequence order in " + shard);
      previous = seq;
      read.insert(seq);
      const auto it = h.acked.find(seq);
      FUZZ_CHECK(it != h.acked.end() && it->second.shard == shard,
                 "a record read that was not acknowledged on this shard: " + r.dump());
      std::string data;
      FUZZ_CHECK(absl::Base64Unescape(StringAt(r, "Data"), &data) && data == it->second.data,
                 "a record's data changed: " + seq);
    }
    for (const std::string& seq : seqs) {
      const Duration age = now - h.acked[seq].at;
      // Within a shard sequence numbers increase, so a partial read still covers those below.
      if (age + Duration::Hours(1) < retention[stream] && (complete || seq < previous)) {
        FUZZ_CHECK(read.contains(seq), "an acknowledged record is lost: " + seq + " on " + shard);
      }
    }
  }
}

// The first line's options, if it is one.
server::ServiceOptions OptionsFrom(std::string_view& input, bool& log) {
  server::ServiceOptions options;
  options.profile = shardsim::model::BucketProfile::Fixed(Duration::Seconds(1));
  if (!absl::StartsWith(shardsim::sim::ToAbsl(input), "shardsim-fuzz")) return options;
  const size_t eol = input.find('\n');
  const std::string_view line = input.substr(0, eol);
  input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
  for (absl::string_view word : absl::StrSplit(shardsim::sim::ToAbsl(line), ' ')) {
    if (absl::ConsumePrefix(&word, "profile=")) {
      if (auto p =
              shardsim::model::BucketProfile::Parse(std::string_view(word.data(), word.size()));
          p.ok())
        options.profile = *p;
    } else if (word == "log") {
      log = true;
    } else if (word == "limits=off") {
      options.limits = false;
    }
  }
  return options;
}

void RunRequest(Harness& h, std::string_view chunk) {
  const size_t eol = chunk.find('\n');
  const std::string_view head = chunk.substr(0, eol);
  const std::string_view raw_body =
      eol == std::string_view::npos ? std::string_view() : chunk.substr(eol + 1);
  const size_t space = head.find(' ');
  const std::string_view target = head.substr(0, space);
  const std::string_view kind = space == std::string_view::npos ? "j" : head.substr(space + 1);
  const bool cbor = kind == "c";
  const std::string content_type = kind == "j" ? std::string(server::ContentType(Encoding::kJson))
                                   : cbor      ? std::string(server::ContentType(Encoding::kCbor))
                                               : std::string(kind);
  const std::string body = Substitute(std::string(raw_body), h, cbor);
  if (target == "_clock") {
    const server::HttpResponse r =
        Send(h, "", "application/json", body, "/_shardsim/clock", body.empty() ? "GET" : "POST");
    CheckAnswer("clock", r);
    return;
  }
  const server::HttpResponse r = Send(h, target, content_type, body);
  const Json answer = CheckAnswer(target, r);
  const auto encoding = server::EncodingForContentType(content_type);
  if (r.status == 200 && encoding) {
    const auto parsed = server::ParseBody(body, *encoding);
    FUZZ_CHECK(std::holds_alternative<Json>(parsed), "answered a body that does not parse");
    const Json answer_json = *encoding == Encoding::kCbor ? server::JsonForm(answer) : answer;
    Learn(h, std::get<Json>(parsed), answer_json, r, target);
  } else {
    Learn(h, Json::object(), answer, r, target);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  bool log = false;
  Harness h(OptionsFrom(input, log));
  if (log) {
    h.service.SetLogSink([](std::string_view line) {
      FUZZ_CHECK(!Json::parse(line, nullptr, false).is_discarded(), std::string(line));
    });
  }
  const Json created = Call(h, "CreateStream", {{"StreamName", kStream}, {"ShardCount", 2}});
  FUZZ_CHECK(!created.contains("__type"), created.dump());
  RunRequest(h,
             "PutRecord j\n{\"StreamName\":\"fuzz\",\"Data\":\"c2VlZA==\",\"PartitionKey\":\"1\"}");
  size_t count = 0;
  for (absl::string_view chunk : absl::StrSplit(shardsim::sim::ToAbsl(input), "\n###\n")) {
    if (++count > kMaxRequests) break;
    RunRequest(h, std::string_view(chunk.data(), chunk.size()));
  }
  CheckInvariants(h);
  return 0;
}
