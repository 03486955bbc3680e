#include "server/service.h"

#include <exception>
#include <utility>
#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/clock_api.h"
#include "server/credential.h"
#include "server/request_id.h"
#include "server/responses.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

// The JSON object body of a clock or events request, also logged (unreadable: as base64);
// nullopt when the body is empty or not a JSON object.
std::optional<Json> JsonObjectBody(std::string_view text, Json* log_entry) {
  Decoded<Json> parsed = ParseBody(text, Encoding::kJson);
  if (std::holds_alternative<ApiError>(parsed) || text.empty()) {
    if (log_entry) (*log_entry)["body_base64"] = absl::Base64Escape(sim::ToAbsl(text));
    return std::nullopt;
  }
  if (log_entry) (*log_entry)["request"] = std::get<Json>(parsed);
  return std::get<Json>(std::move(parsed));
}

// The UnknownOperationException of an X-Amz-Target that is missing or lacks kTargetPrefix.
std::optional<ApiError> TargetError(std::string_view target) {
  if (target.empty()) {
    return ApiError{400, "UnknownOperationException",
                    "Missing X-Amz-Target header (Kinesis_20131202.<Operation>)"};
  }
  if (!absl::StartsWith(sim::ToAbsl(target), sim::ToAbsl(kTargetPrefix))) {
    return ApiError{400, "UnknownOperationException",
                    sim::Cat("Unknown X-Amz-Target '", target.substr(0, 128), "': expected ",
                             kTargetPrefix, "<Operation>")};
  }
  return std::nullopt;
}

// The operation a target (with kTargetPrefix) names, or why shardsim does not serve it.
Decoded<Operation> OperationOfTarget(std::string_view target) {
  const std::string_view name = target.substr(kTargetPrefix.size());
  if (const std::optional<Operation> op = OperationFromName(name)) return *op;
  return ApiError{400, "UnknownOperationException",
                  IsUnimplementedKinesisOperation(name)
                      ? sim::Cat("shardsim serve does not implement ", name)
                      : sim::Cat("Unknown operation '", name.substr(0, 128), "'")};
}

// The clock moves once a Kinesis call is answered, by its step and, under a per-request clock,
// by what the hooks add after a call that changed nothing (`client` is known once decoded).
struct AfterCall {
  VirtualClock& clock;
  ServiceHooks* hooks;
  std::string client;
  ~AfterCall() {
    clock.AfterCall();
    if (hooks == nullptr || clock.mode().kind != ClockMode::Kind::kPerRequest) return;
    const Duration step = clock.mode().step.value_or(clock.latency());
    const Duration jump = hooks->JumpAfterCall(clock.Now(), client, step);
    if (jump > Duration::Zero()) (void)clock.Advance(jump);  // never negative, far below 100 years
  }
};

}  // namespace

struct KinesisService::Call {
  Instant now;
  std::string client;
  Encoding encoding = Encoding::kJson;
  std::string region;
  bool logging = false;
};

KinesisService::KinesisService(ServiceOptions options, WallSource& wall)
    : options_(std::move(options)),
      clock_(options_.clock, options_.start, options_.latency, wall),
      model_(options_.seed) {}

KinesisService::~KinesisService() = default;

void KinesisService::SetLogSink(std::function<void(std::string_view)> sink) {
  log_ = std::move(sink);
  if (log_) log_(options_.ToJson().dump());
}

void KinesisService::Log(Json entry) {
  if (log_) log_(entry.dump(-1, ' ', false, Json::error_handler_t::replace));
}

HttpResponse KinesisService::Finish(int status, const Json& body, std::optional<Encoding> encoding,
                                    Instant at, Json* log_entry, bool empty_body) {
  const Encoding enc = encoding.value_or(Encoding::kJson);
  HttpResponse out = Stamped(status, enc, empty_body ? std::string() : Serialize(body, enc), at);
  if (log_entry != nullptr) {
    (*log_entry)["status"] = status;
    (*log_entry)["response"] = empty_body               ? Json::object()
                               : enc == Encoding::kCbor ? JsonForm(body)
                                                        : body;
    (*log_entry)["time"] = out.virtual_time;
    Log(std::move(*log_entry));
  }
  return out;
}

HttpResponse KinesisService::Stamped(int status, Encoding encoding, std::string body, Instant at) {
  HttpResponse out;
  out.status = status;
  out.content_type = std::string(ContentType(encoding));
  out.body = std::move(body);
  out.request_id = RequestId(options_.seed, requests_++, out.id2);
  out.virtual_time = FormatVirtualTime(at);
  return out;
}

HttpResponse KinesisService::Error(const ApiError& error, std::optional<Encoding> encoding,
                                   Instant at, Json* log_entry) {
  return Finish(error.http_status, ErrorValue(error), encoding, at, log_entry);
}

uint64_t KinesisService::rejected() const {
  std::lock_guard<std::mutex> lock(rejected_mu_);
  return rejected_;
}

std::string KinesisService::last_rejection() const {
  std::lock_guard<std::mutex> lock(rejected_mu_);
  return last_rejection_;
}

HttpResponse KinesisService::Reject(const ApiError& error, std::string_view content_type) {
  ++changes_;
  {
    std::lock_guard<std::mutex> lock(rejected_mu_);
    ++rejected_;
    last_rejection_ = absl::StrCat(error.type, ": ", error.message);
  }
  Json entry{{"client", "anonymous"}, {"operation", nullptr}, {"rejected", ErrorValue(error)}};
  const Instant now = clock_.Now();
  return Error(error, EncodingForContentType(content_type), now, log_ ? &entry : nullptr);
}

HttpResponse KinesisService::Handle(const HttpRequest& request) {
  ++changes_;
  Json entry;
  if (log_) {
    const Credential credential = CredentialOf(request.authorization);
    entry = Json{{"client", credential.client},  {"region", credential.region},
                 {"method", request.method},     {"path", request.path},
                 {"target", request.amz_target}, {"content_type", request.content_type}};
  }
  Json* log_entry = log_ ? &entry : nullptr;
  if (request.path == kClockPath) return Control(request, log_entry);
  if (hooks_ != nullptr && (request.path == kEventsPath || request.path == "/") &&
      !hooks_->Admit(clock_.Now())) {
    return Dropped();
  }
  if (request.path == kEventsPath) return Events(request, log_entry);
  if (request.path == "/" && request.method == "POST") return Kinesis(request, log_entry);
  if (log_entry) (*log_entry)["operation"] = nullptr;
  return Error(ApiError{404, "NotFoundException",
                        sim::Cat("No route for ", request.method, " ", request.path.substr(0, 256),
                                 ": Kinesis calls are POST / and the clock is at ", kClockPath)},
               std::nullopt, clock_.Now(), log_entry);
}

HttpResponse KinesisService::Dropped() {
  HttpResponse out;
  out.status = 503;
  out.content_type = std::string(ContentType(Encoding::kJson));
  out.body = ErrorValue(ApiError{503, "ServiceUnavailableException",
                                 "the client was crashed by the scenario before this request"})
                 .dump();
  return out;
}

HttpResponse KinesisService::Control(const HttpRequest& request, Json* log_entry) {
  const Instant before = clock_.Now();
  if (log_entry) {
    (*log_entry)["operation"] = sim::Cat(request.method, " ", kClockPath);
    (*log_entry)["request"] = nullptr;
  }
  if (request.method == "GET")
    return Finish(200, ClockState(clock_), std::nullopt, before, log_entry);
  if (request.method != "POST") {
    return Error(
        ApiError{405, "MethodNotAllowedException", sim::Cat(kClockPath, " takes GET or POST")},
        std::nullopt, before, log_entry);
  }
  const std::optional<Json> body = JsonObjectBody(request.body, log_entry);
  if (std::optional<ApiError> refused = ApplyClockCommand(body, clock_)) {
    return Error(*refused, std::nullopt, before, log_entry);
  }
  return Finish(200, ClockState(clock_), std::nullopt, clock_.Now(), log_entry);
}

HttpResponse KinesisService::Kinesis(const HttpRequest& request, Json* log_entry) {
  const Instant now = clock_.Now();
  std::optional<Encoding> encoding = EncodingForContentType(request.content_type);
  AfterCall after{clock_, hooks_, {}};
  if (log_entry) (*log_entry)["operation"] = nullptr;
  if (std::optional<ApiError> e = TargetError(request.amz_target)) {
    return Error(*e, encoding, now, log_entry);
  }
  if (hooks_ != nullptr) hooks_->BeforeCall(now, model_);
  const Decoded<Operation> op = OperationOfTarget(request.amz_target);
  if (const ApiError* e = std::get_if<ApiError>(&op)) return Error(*e, encoding, now, log_entry);
  if (log_entry) (*log_entry)["operation"] = std::string(OperationName(std::get<Operation>(op)));
  if (!encoding) {
    return Error(SerializationError(
                     sim::Cat("Content-Type '", request.content_type.substr(0, 128),
                              "' is not application/x-amz-json-1.1 or application/x-amz-cbor-1.1")),
                 std::nullopt, now, log_entry);
  }
  Decoded<Json> body = ParseBody(request.body, *encoding);
  if (const ApiError* e = std::get_if<ApiError>(&body)) {
    if (log_entry) {
      (*log_entry)["request"] = nullptr;
      (*log_entry)["body_base64"] = absl::Base64Escape(sim::ToAbsl(request.body));
    }
    return Error(*e, encoding, now, log_entry);
  }
  if (log_entry) (*log_entry)["request"] = std::get<Json>(body);
  Decoded<Request> decoded = DecodeRequest(std::get<Operation>(op), std::get<Json>(body));
  if (const ApiError* e = std::get_if<ApiError>(&decoded))
    return Error(*e, encoding, now, log_entry);
  const Credential credential = CredentialOf(request.authorization);
  after.client = credential.client;
  Call call{now, credential.client, *encoding, credential.region, log_entry != nullptr};
  Answer answer = ApiError{500, "InternalFailure", "internal error"};
  try {
    answer = Dispatch(std::get<Request>(decoded), call);
  } catch (const std::exception& e) {
    answer = ApiError{500, "InternalFailure", sim::Cat("internal error: ", e.what())};
  }
  return Respond(std::move(answer), *encoding, now, log_entry);
}

// The one place a handler's answer becomes a response.
HttpResponse KinesisService::Respond(Answer answer, Encoding encoding, Instant now,
                                     Json* log_entry) {
  if (const ApiError* e = std::get_if<ApiError>(&answer)) {
    return Error(*e, encoding, now, log_entry);
  }
  if (Serialized* text = std::get_if<Serialized>(&answer)) {
    return Stamped(200, encoding, std::move(text->text), now);  // only when not logging
  }
  if (auto* stream = std::get_if<std::shared_ptr<ResponseStream>>(&answer)) {
    HttpResponse out = Finish(200, Json(), encoding, now, log_entry, /*empty_body=*/true);
    out.content_type = std::string(kEventStreamContentType);
    out.stream = std::move(*stream);
    return out;
  }
  const Json& doc = std::get<Json>(answer);
  return Finish(200, doc, encoding, now, log_entry, /*empty_body=*/doc.is_null());
}

namespace {
// Each accepted entry of a PutRecords call, as one PutRecord to the observers.
void ObservePuts(model::CallObserver& hooks, Instant now, const std::string& client,
                 const model::PutRecordsRequest& request,
                 const model::PutRecordsResponse& response) {
  for (size_t i = 0; i < response.Records.size() && i < request.Records.size(); ++i) {
    const model::PutRecordsResultEntry& entry = response.Records[i];
    if (!entry.SequenceNumber || !entry.ShardId) continue;
    const model::PutRecordsRequestEntry& in = request.Records[i];
    hooks.OnPut(model::PutCall{
        now, client,
        model::PutRecordRequest{request.StreamName, in.PartitionKey, in.Data, in.ExplicitHashKey},
        model::PutRecordResponse{*entry.ShardId, *entry.SequenceNumber}});
  }
}
}  // namespace

template <typename T>
Answer OrError(const model::Outcome<T>& outcome, Json (*encode)(const T&)) {
  if (!outcome.ok()) return FromModel(outcome.error());
  return encode(*outcome);
}

namespace {

// An empty body, as AWS answers CreateStream, DeleteStream and the changes of a stream.
Answer EmptyOrError(const model::Outcome<model::Empty>& outcome) {
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json();
}

Json ModeDetails(const model::StreamModeDetails& mode) {
  return Json{{"StreamMode", std::string(model::StreamModeName(mode.StreamMode))}};
}

std::string StatusName(model::StreamStatus status) {
  return std::string(model::StreamStatusName(status));
}

// DescribeStream's EnhancedMonitoring: one entry listing the shard-level metrics enabled.
Json Monitoring(const std::vector<std::string>& metrics) {
  return Json::array({Json{{"ShardLevelMetrics", metrics}}});
}

std::optional<std::string> ModelArnOf(const std::optional<std::string>& arn) {
  if (!arn) return std::nullopt;
  return ModelArn(*arn);
}

model::ConsumerSelector ModelSelector(model::ConsumerSelector selector) {
  selector.StreamARN = ModelArnOf(selector.StreamARN);
  selector.ConsumerARN = ModelArnOf(selector.ConsumerARN);
  return selector;
}

}  // namespace

// One handler per operation; std::visit makes a Request alternative without one a compile
// error.
Answer KinesisService::Dispatch(const Request& request, Call& c) {
  return std::visit([&](const auto& call) { return Run(call, c); }, request);
}

Answer KinesisService::Run(const CreateStreamCall& call, Call& c) {
  model::StreamOptions options;
  options.buckets = options_.profile;
  if (!options_.limits) options.limits = model::ShardLimits::Unlimited();
  options.status_change_delay = options_.create_delay;
  return EmptyOrError(model_.CreateStream(c.now, call.request, options));
}

Answer KinesisService::Run(const DeleteStreamCall& call, Call& c) {
  return EmptyOrError(model_.DeleteStream(c.now, call.request));
}

Answer KinesisService::Run(const DescribeStreamSummaryCall& call, Call& c) {
  const auto summary = model_.DescribeStreamSummary(c.now, call.stream);
  if (!summary.ok()) return FromModel(summary.error());
  Json out{{"StreamDescriptionSummary",
            {{"StreamName", summary->StreamName},
             {"StreamARN", StreamArn(c.region, summary->StreamName)},
             {"StreamStatus", StatusName(summary->StreamStatus)},
             {"StreamModeDetails", ModeDetails(summary->StreamModeDetails)},
             {"RetentionPeriodHours", summary->RetentionPeriod / Duration::Hours(1)},
             {"StreamCreationTimestamp", TimeValue(summary->StreamCreationTimestamp, c.encoding)},
             {"EnhancedMonitoring", Monitoring(summary->ShardLevelMetrics)},
             {"EncryptionType", std::string(model::EncryptionTypeName(summary->EncryptionType))},
             {"OpenShardCount", summary->OpenShardCount},
             {"ConsumerCount", summary->ConsumerCount}}}};
  if (summary->KeyId) out["StreamDescriptionSummary"]["KeyId"] = *summary->KeyId;
  return out;
}

Answer KinesisService::Run(const DescribeStreamCall& call, Call& c) {
  const auto described = model_.DescribeStream(c.now, call.request);
  if (!described.ok()) return FromModel(described.error());
  const model::StreamDescription& d = described->StreamDescription;
  Json shards = Json::array();
  for (const model::Shard& shard : d.Shards) shards.push_back(ShardValue(shard));
  Json out{{"StreamDescription",
            {{"StreamName", d.StreamName},
             {"StreamARN", StreamArn(c.region, d.StreamName)},
             {"StreamStatus", StatusName(d.StreamStatus)},
             {"StreamModeDetails", ModeDetails(d.StreamModeDetails)},
             {"Shards", std::move(shards)},
             {"HasMoreShards", d.HasMoreShards},
             {"RetentionPeriodHours", d.RetentionPeriod / Duration::Hours(1)},
             {"StreamCreationTimestamp", TimeValue(d.StreamCreationTimestamp, c.encoding)},
             {"EnhancedMonitoring", Monitoring(d.ShardLevelMetrics)},
             {"EncryptionType", std::string(model::EncryptionTypeName(d.EncryptionType))}}}};
  if (d.KeyId) out["StreamDescription"]["KeyId"] = *d.KeyId;
  return out;
}

Answer KinesisService::Run(const ListStreamsCall& call, Call& c) {
  const auto listed = model_.ListStreams(c.now, call.request);
  if (!listed.ok()) return FromModel(listed.error());
  Json summaries = Json::array();
  for (const model::StreamSummary& summary : listed->StreamSummaries) {
    summaries.push_back(
        Json{{"StreamName", summary.StreamName},
             {"StreamARN", StreamArn(c.region, summary.StreamName)},
             {"StreamStatus", StatusName(summary.StreamStatus)},
             {"StreamModeDetails", ModeDetails(summary.StreamModeDetails)},
             {"StreamCreationTimestamp", TimeValue(summary.StreamCreationTimestamp, c.encoding)}});
  }
  Json out{{"StreamNames", listed->StreamNames},
           {"HasMoreStreams", listed->HasMoreStreams},
           {"StreamSummaries", std::move(summaries)}};
  if (listed->NextToken) out["NextToken"] = *listed->NextToken;
  return out;
}

Answer KinesisService::Run(const ListShardsCall& call, Call& c) {
  const auto listed = model_.ListShards(c.now, call.request);
  Notify([&](model::CallObserver& o) { o.OnListShards(c.now, c.client); });
  if (!listed.ok()) return FromModel(listed.error());
  Json shards = Json::array();
  for (const model::Shard& shard : listed->Shards) shards.push_back(ShardValue(shard));
  Json out{{"Shards", std::move(shards)}};
  if (listed->NextToken) out["NextToken"] = *listed->NextToken;
  return out;
}

// The observed calls: with hooks or observers, the model runs them as observed calls (one
// decode of the iterator, the iterators described) and they see them; without, they run bare.
Answer KinesisService::Run(const GetShardIteratorCall& call, Call& c) {
  if (!Observed()) {
    const auto outcome = model_.GetShardIterator(c.now, call.request);
    if (!outcome.ok()) return FromModel(outcome.error());
    return Json{{"ShardIterator", outcome->ShardIterator}};
  }
  const model::GetShardIteratorCall observed =
      model_.ObserveGetShardIterator(c.now, c.client, call.request);
  Notify([&](model::CallObserver& o) { o.OnGetShardIterator(observed); });
  if (!observed.outcome.ok()) return FromModel(observed.outcome.error());
  return Json{{"ShardIterator", observed.outcome->ShardIterator}};
}

Answer KinesisService::Run(const GetRecordsCall& call, Call& c) {
  auto answer = [&c](const model::Outcome<model::GetRecordsResponse>& outcome) -> Answer {
    if (!outcome.ok()) return FromModel(outcome.error());
    if (c.encoding == Encoding::kJson && !c.logging) {
      if (std::optional<std::string> text = GetRecordsJsonText(*outcome))
        return Serialized{*std::move(text)};
    }
    return GetRecordsValue(*outcome, c.encoding);
  };
  if (!Observed()) return answer(model_.GetRecords(c.now, call.request));
  const model::GetRecordsCall observed = model_.ObserveGetRecords(c.now, c.client, call.request);
  Notify([&](model::CallObserver& o) { o.OnGetRecords(observed); });
  return answer(observed.outcome);
}

Answer KinesisService::Run(const PutRecordCall& call, Call& c) {
  if (!Observed()) return OrError(model_.PutRecord(c.now, call.request), &PutRecordValue);
  const model::PutCall observed = model_.ObservePutRecord(c.now, c.client, call.request);
  Notify([&](model::CallObserver& o) { o.OnPut(observed); });
  return OrError(observed.outcome, &PutRecordValue);
}

Answer KinesisService::Run(const PutRecordsCall& call, Call& c) {
  const auto outcome = model_.PutRecords(c.now, call.request);
  if (Observed() && outcome.ok()) {
    Notify(
        [&](model::CallObserver& o) { ObservePuts(o, c.now, c.client, call.request, *outcome); });
  }
  return OrError(outcome, &PutRecordsValue);
}

Answer KinesisService::Run(const SplitShardCall& call, Call& c) {
  return EmptyOrError(model_.SplitShard(c.now, call.request));
}

Answer KinesisService::Run(const MergeShardsCall& call, Call& c) {
  return EmptyOrError(model_.MergeShards(c.now, call.request));
}

Answer KinesisService::Run(const UpdateShardCountCall& call, Call& c) {
  const auto outcome = model_.UpdateShardCount(c.now, call.request);
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json{{"StreamName", outcome->StreamName},
              {"StreamARN", StreamArn(c.region, outcome->StreamName)},
              {"CurrentShardCount", outcome->CurrentShardCount},
              {"TargetShardCount", outcome->TargetShardCount}};
}

Answer KinesisService::Run(const RetentionCall& call, Call& c) {
  return EmptyOrError(call.increase ? model_.IncreaseStreamRetentionPeriod(c.now, call.request)
                                    : model_.DecreaseStreamRetentionPeriod(c.now, call.request));
}

Answer KinesisService::Run(const RegisterStreamConsumerCall& call, Call& c) {
  model::RegisterStreamConsumerRequest request = call.request;
  request.StreamARN = ModelArn(request.StreamARN);
  const auto outcome = model_.RegisterStreamConsumer(c.now, request);
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json{{"Consumer", ConsumerValue(outcome->Consumer, c.region, c.encoding)}};
}

Answer KinesisService::Run(const DescribeStreamConsumerCall& call, Call& c) {
  const auto outcome = model_.DescribeStreamConsumer(c.now, ModelSelector(call.request));
  if (!outcome.ok()) return FromModel(outcome.error());
  const model::ConsumerDescription& d = outcome->ConsumerDescription;
  Json value = ConsumerValue(
      model::Consumer{d.ConsumerName, d.ConsumerARN, d.ConsumerStatus, d.ConsumerCreationTimestamp},
      c.region, c.encoding);
  value["StreamARN"] = RegionalArn(d.StreamARN, c.region);
  return Json{{"ConsumerDescription", std::move(value)}};
}

Answer KinesisService::Run(const ListStreamConsumersCall& call, Call& c) {
  model::ListStreamConsumersRequest request = call.request;
  request.StreamARN = ModelArn(request.StreamARN);
  const auto outcome = model_.ListStreamConsumers(c.now, request);
  if (!outcome.ok()) return FromModel(outcome.error());
  Json consumers = Json::array();
  for (const model::Consumer& consumer : outcome->Consumers) {
    consumers.push_back(ConsumerValue(consumer, c.region, c.encoding));
  }
  Json out{{"Consumers", std::move(consumers)}};
  if (outcome->NextToken) out["NextToken"] = *outcome->NextToken;
  return out;
}

Answer KinesisService::Run(const DeregisterStreamConsumerCall& call, Call& c) {
  return EmptyOrError(model_.DeregisterStreamConsumer(c.now, ModelSelector(call.request)));
}

Answer KinesisService::Run(const SubscribeToShardCall& call, Call& c) {
  model::SubscribeToShardRequest request = call.request;
  request.ConsumerARN = ModelArn(request.ConsumerARN);
  const model::SubscribeToShardCall observed =
      model_.ObserveSubscribeToShard(c.now, c.client, std::move(request));
  Notify([&](model::CallObserver& o) { o.OnSubscribeToShard(observed); });
  if (!observed.outcome.ok()) return FromModel(observed.outcome.error());
  return SubscriptionStreamOf(observed.outcome->SubscriptionId, c.client, c.encoding);
}

Answer KinesisService::Run(const AddTagsToStreamCall& call, Call& c) {
  return EmptyOrError(model_.AddTagsToStream(c.now, call.request));
}

Answer KinesisService::Run(const RemoveTagsFromStreamCall& call, Call& c) {
  return EmptyOrError(model_.RemoveTagsFromStream(c.now, call.request));
}

Answer KinesisService::Run(const ListTagsForStreamCall& call, Call& c) {
  const auto outcome = model_.ListTagsForStream(c.now, call.request);
  if (!outcome.ok()) return FromModel(outcome.error());
  Json tags = Json::array();
  for (const model::Tag& tag : outcome->Tags) {
    tags.push_back(Json{{"Key", tag.Key}, {"Value", tag.Value}});
  }
  return Json{{"Tags", std::move(tags)}, {"HasMoreTags", outcome->HasMoreTags}};
}

Answer KinesisService::Run(const EnhancedMonitoringCall& call, Call& c) {
  const auto outcome = call.enable ? model_.EnableEnhancedMonitoring(c.now, call.request)
                                   : model_.DisableEnhancedMonitoring(c.now, call.request);
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json{{"StreamName", outcome->StreamName},
              {"StreamARN", StreamArn(c.region, outcome->StreamName)},
              {"CurrentShardLevelMetrics", outcome->CurrentShardLevelMetrics},
              {"DesiredShardLevelMetrics", outcome->DesiredShardLevelMetrics}};
}

Answer KinesisService::Run(const StreamEncryptionCall& call, Call& c) {
  return EmptyOrError(call.start ? model_.StartStreamEncryption(c.now, call.request)
                                 : model_.StopStreamEncryption(c.now, call.request));
}

Answer KinesisService::Run(const DescribeLimitsCall&, Call& c) {
  const model::DescribeLimitsResponse limits = model_.DescribeLimits(c.now);
  return Json{{"ShardLimit", limits.ShardLimit},
              {"OpenShardCount", limits.OpenShardCount},
              {"OnDemandStreamCount", limits.OnDemandStreamCount},
              {"OnDemandStreamCountLimit", limits.OnDemandStreamCountLimit}};
}

absl::Status KinesisService::AddStream(const std::string& name, int shard_count,
                                       const model::StreamOptions& options) {
  const auto outcome =
      model_.CreateStream(clock_.Now(), model::CreateStreamRequest{name, shard_count, {}}, options);
  if (!outcome.ok()) return absl::InvalidArgumentError(outcome.error().ToString());
  return absl::OkStatus();
}

HttpResponse KinesisService::Events(const HttpRequest& request, Json* log_entry) {
  const Instant now = clock_.Now();
  if (log_entry) {
    (*log_entry)["operation"] = sim::Cat("POST ", kEventsPath);
    (*log_entry)["request"] = nullptr;
  }
  if (request.method != "POST") {
    return Error(ApiError{405, "MethodNotAllowedException", sim::Cat(kEventsPath, " takes POST")},
                 std::nullopt, now, log_entry);
  }
  const std::optional<Json> body = JsonObjectBody(request.body, log_entry);
  if (!body) {
    return Error(SerializationError("the events body is not a JSON object"), std::nullopt, now,
                 log_entry);
  }
  Decoded<EventBatch> parsed = ParseEvents(*body, CredentialOf(request.authorization).client);
  if (const ApiError* e = std::get_if<ApiError>(&parsed)) {
    return Error(*e, std::nullopt, now, log_entry);
  }
  const EventBatch& batch = std::get<EventBatch>(parsed);
  if (hooks_ != nullptr) {
    hooks_->BeforeCall(now, model_);
    for (const ApplicationEvent& e : batch.events) hooks_->OnApplicationEvent(now, batch.client, e);
  }
  return Finish(200, Json{{"accepted", batch.events.size()}}, std::nullopt, now, log_entry);
}

}  // namespace shardsim::server
