#include "server/log_trace.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "model/call_observation.h"
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

// A trace line for model::Write*: collects the fields of one record.
struct FieldCollector {
  std::vector<sim::TraceField>& fields;
  template <typename T>
  FieldCollector& Add(std::string_view key, T value) {
    fields.push_back({std::string(key), sim::TraceValue(value)});
    return *this;
  }
};

// The observed calls of the replayed service, written as the simulated client writes them.
class TraceRecorder : public model::CallObserver {
 public:
  explicit TraceRecorder(std::vector<sim::TraceRecord>& out) : out_(out) {}

  void OnGetRecords(const model::GetRecordsCall& call) override {
    Record(call.at, call.client, model::trace_call::kGetRecords,
           [&](FieldCollector& line) { model::WriteGetRecords(line, call); });
  }
  void OnGetShardIterator(const model::GetShardIteratorCall& call) override {
    Record(call.at, call.client, model::trace_call::kGetShardIterator,
           [&](FieldCollector& line) { model::WriteGetShardIterator(line, call); });
  }
  void OnPut(const model::PutCall& call) override {
    Record(call.at, call.client, model::trace_call::kPutRecord,
           [&](FieldCollector& line) { model::WritePut(line, call); });
  }
  void OnSubscribeToShard(const model::SubscribeToShardCall& call) override {
    Record(call.at, call.client, model::trace_call::kSubscribeToShard,
           [&](FieldCollector& line) { model::WriteSubscribeToShard(line, call); });
  }
  void OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) override {
    Record(delivery.at, delivery.client, model::trace_call::kSubscriptionEvent,
           [&](FieldCollector& line) { model::WriteSubscriptionDelivery(line, delivery); });
  }
  // Records written since the last call (a request that reached the model writes one or more).
  int TakeCount() { return std::exchange(count_, 0); }

 private:
  template <typename Write>
  void Record(Instant at, const std::string& client, std::string_view kind, const Write& write) {
    std::vector<sim::TraceField> fields;
    FieldCollector line{fields};
    write(line);
    out_.push_back(sim::TraceRecord{at, client, std::string(kind), std::move(fields)});
    ++count_;
  }

  std::vector<sim::TraceRecord>& out_;
  int count_ = 0;
};

// Turns one replayed call the recorder did not see into its trace records, in the simulated
// client's vocabulary.
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

  // `observed`: the model ran the call, and the recorder below has written its record.
  void AppendTo(const std::string& operation, bool observed, std::vector<sim::TraceRecord>& out) {
    if (operation == "PutRecords") return PutRecords(out);
    if (operation == model::trace_call::kPutRecord ||
        operation == model::trace_call::kGetShardIterator ||
        operation == model::trace_call::kGetRecords) {
      if (!observed) Unobserved(out, operation);
      return;
    }
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

  // A GetRecords, GetShardIterator or PutRecord the model never ran (the request did not
  // decode): the request's own fields and the error, as the observed call would have them.
  void Unobserved(std::vector<sim::TraceRecord>& out, std::string_view kind) {
    std::vector<sim::TraceField> fields;
    if (kind == model::trace_call::kGetRecords) {
      model::Outcome<model::IteratorInfo> info =
          model_.DescribeIterator(Text(request_, "ShardIterator"));
      FieldCollector line{fields};
      if (info.ok()) line.Add(model::trace_field::kShard, std::string_view(info->shard_id));
      model::WritePosition(line, /*next=*/false,
                           info.ok() ? std::optional<model::IteratorInfo>(*info) : std::nullopt);
    } else if (kind == model::trace_call::kGetShardIterator) {
      fields.push_back({std::string(model::trace_field::kShard), Text(request_, "ShardId")});
      fields.push_back(
          {std::string(model::trace_field::kType), Text(request_, "ShardIteratorType")});
    } else {
      fields.push_back({std::string(model::trace_field::kKey), Text(request_, "PartitionKey")});
    }
    Emit(out, std::string(kind), std::move(fields));
  }

  void PutRecords(std::vector<sim::TraceRecord>& out) {
    if (!ok_) Emit(out, "PutRecords", {});  // a stored entry is an observed PutRecord
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
  TraceRecorder recorder(session.records);
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
        const bool observed = recorder.TakeCount() > 0;
        CallTracer(call, service->model(), time).AppendTo(operation, observed, session.records);
        return true;
      },
      hooks, &recorder);
  if (!requests.ok()) return requests.status();
  session.requests = *requests;
  return session;
}

}  // namespace shardsim::server
