#include "server/log_trace.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "server/clock.h"
#include "server/replay.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

std::string Text(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Integer(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Turns one replayed call into its trace records, in the simulated client's vocabulary.
class CallTracer {
 public:
  CallTracer(const ReplayedRequest& call, model::KinesisModel& model, Instant at)
      : model_(model), at_(at), actor_(Text(call.entry, "client")) {
    const auto request = call.entry.find("request");
    if (request != call.entry.end() && request->is_object()) request_ = *request;
    const auto response = call.entry.find("response");
    if (response != call.entry.end() && response->is_object()) response_ = *response;
    ok_ = Integer(call.entry, "status") == 200;
  }

  void AppendTo(const std::string& operation, std::vector<sim::TraceRecord>& out) {
    if (operation == "PutRecord") return PutRecord(out);
    if (operation == "PutRecords") return PutRecords(out);
    if (operation == "GetShardIterator") return GetShardIterator(out);
    if (operation == "GetRecords") return GetRecords(out);
    if (operation == "SplitShard") {
      return Simple(out, operation,
                    {{"shard", Text(request_, "ShardToSplit")},
                     {"at", Text(request_, "NewStartingHashKey")}});
    }
    if (operation == "MergeShards") {
      return Simple(out, operation,
                    {{"shard", Text(request_, "ShardToMerge")},
                     {"adjacent", Text(request_, "AdjacentShardToMerge")}});
    }
    if (operation == "CreateStream") {
      return Simple(
          out, operation,
          {{"stream", Text(request_, "StreamName")}, {"shards", Integer(request_, "ShardCount")}});
    }
    if (operation == "ListShards") {
      const auto shards = response_.find("Shards");
      return Simple(out, operation,
                    {{"shards", shards != response_.end() && shards->is_array()
                                    ? static_cast<int64_t>(shards->size())
                                    : 0}});
    }
  }

 private:
  void Error(std::vector<sim::TraceField>& fields) {
    fields.push_back({"error", Text(response_, "__type")});
    fields.push_back({"message", Text(response_, "message")});
  }

  void Emit(std::vector<sim::TraceRecord>& out, std::string kind,
            std::vector<sim::TraceField> fields) {
    if (!ok_) Error(fields);
    out.push_back(sim::TraceRecord{at_, actor_, std::move(kind), std::move(fields)});
  }

  void Simple(std::vector<sim::TraceRecord>& out, const std::string& kind,
              std::vector<sim::TraceField> fields) {
    Emit(out, kind, std::move(fields));
  }

  void PutRecord(std::vector<sim::TraceRecord>& out) {
    std::vector<sim::TraceField> fields;
    if (ok_) fields.push_back({"shard", Text(response_, "ShardId")});
    fields.push_back({"key", Text(request_, "PartitionKey")});
    if (ok_) fields.push_back({"seq", Text(response_, "SequenceNumber")});
    Emit(out, "PutRecord", std::move(fields));
  }

  // One PutRecord record per entry the stream stored, as the simulated producer's puts.
  void PutRecords(std::vector<sim::TraceRecord>& out) {
    const auto entries = request_.find("Records");
    const auto results = response_.find("Records");
    if (!ok_ || entries == request_.end() || results == response_.end() || !entries->is_array() ||
        !results->is_array()) {
      return Emit(out, "PutRecords", {});
    }
    const size_t n = std::min(entries->size(), results->size());
    for (size_t i = 0; i < n; ++i) {
      const Json& result = (*results)[i];
      if (Text(result, "SequenceNumber").empty()) continue;
      out.push_back(sim::TraceRecord{at_,
                                     actor_,
                                     "PutRecord",
                                     {{"shard", Text(result, "ShardId")},
                                      {"key", Text((*entries)[i], "PartitionKey")},
                                      {"seq", Text(result, "SequenceNumber")}}});
    }
  }

  void AddPosition(std::vector<sim::TraceField>& fields, const std::string& token, bool next) {
    if (token.empty()) return;
    model::Outcome<model::IteratorInfo> info = model_.DescribeIterator(token);
    if (!info.ok()) return;
    fields.push_back({next ? "next_bucket" : "bucket", info->bucket});
    fields.push_back({next ? "next_ordinal" : "ordinal", info->ordinal});
  }

  std::string ShardOf(const std::string& token) {
    model::Outcome<model::IteratorInfo> info = model_.DescribeIterator(token);
    return info.ok() ? info->shard_id : std::string();
  }

  void GetShardIterator(std::vector<sim::TraceRecord>& out) {
    std::vector<sim::TraceField> fields{{"shard", Text(request_, "ShardId")},
                                        {"type", Text(request_, "ShardIteratorType")}};
    if (ok_) AddPosition(fields, Text(response_, "ShardIterator"), false);
    Emit(out, "GetShardIterator", std::move(fields));
  }

  void GetRecords(std::vector<sim::TraceRecord>& out) {
    const std::string token = Text(request_, "ShardIterator");
    std::vector<sim::TraceField> fields;
    if (const std::string shard = ShardOf(token); !shard.empty())
      fields.push_back({"shard", shard});
    AddPosition(fields, token, false);
    if (!ok_) return Emit(out, "GetRecords", std::move(fields));
    const auto records = response_.find("Records");
    const size_t count = records != response_.end() && records->is_array() ? records->size() : 0;
    fields.push_back({"records", count});
    if (count > 0) {
      fields.push_back({"first_seq", Text(records->front(), "SequenceNumber")});
      fields.push_back({"last_seq", Text(records->back(), "SequenceNumber")});
    }
    if (const std::string next = Text(response_, "NextShardIterator"); !next.empty()) {
      AddPosition(fields, next, true);
    } else {
      fields.push_back({"next", "absent"});
      std::string children;
      const auto child_shards = response_.find("ChildShards");
      if (child_shards != response_.end() && child_shards->is_array()) {
        for (const Json& c : *child_shards) {
          absl::StrAppend(&children, children.empty() ? "" : ",", sim::ToAbsl(Text(c, "ShardId")));
        }
      }
      fields.push_back({"children", children});
    }
    const auto behind = response_.find("MillisBehindLatest");
    if (behind != response_.end() && behind->is_number_integer()) {
      fields.push_back({"behind_ms", behind->get<int64_t>()});
    }
    Emit(out, "GetRecords", std::move(fields));
  }

  model::KinesisModel& model_;
  Instant at_;
  std::string actor_;
  Json request_ = Json::object();
  Json response_ = Json::object();
  bool ok_ = false;
};

}  // namespace

absl::StatusOr<ServedSession> TraceOfLog(std::istream& log, const ReplayHooksFactory& hooks) {
  ServedSession session;
  absl::StatusOr<int> requests = ReplayEach(
      log, session.replayed,
      [&](const ReplayedRequest& call) {
        KinesisService* service = session.replayed.service.get();
        absl::StatusOr<Instant> at = ParseTime(Text(call.entry, "time"));
        const Instant time = at.ok() ? *at : service->clock().Now();
        const std::string operation = Text(call.entry, "operation");
        if (session.difference.empty() && Integer(call.entry, "status") != call.response.status) {
          session.difference = sim::Cat("line ", call.line, ": status differs");
        }
        if (Text(call.entry, "path") == "/_shardsim/clock") {
          session.records.push_back(sim::TraceRecord{
              time, "control", "clock", {{"request", Text(call.entry, "method")}}});
          return true;
        }
        const std::string client = Text(call.entry, "client");
        if (!client.empty() && std::find(session.clients.begin(), session.clients.end(), client) ==
                                   session.clients.end()) {
          session.clients.push_back(client);
        }
        if (operation == "CreateStream" && call.response.status == 200) {
          const auto request = call.entry.find("request");
          if (request != call.entry.end()) session.streams.push_back(Text(*request, "StreamName"));
        }
        CallTracer(call, service->model(), time).AppendTo(operation, session.records);
        return true;
      },
      hooks);
  if (!requests.ok()) return requests.status();
  session.requests = *requests;
  return session;
}

}  // namespace shardsim::server
