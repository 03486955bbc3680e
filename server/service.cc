#include "server/service.h"

#include <algorithm>
#include <exception>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/sequence_number.h"
#include "server/responses.h"
#include "sim/check.h"
#include "sim/hash.h"
#include "sim/random.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

constexpr std::string_view kClockPath = "/_shardsim/clock";
constexpr std::string_view kEventsPath = "/_shardsim/events";
// A bound on the events one request may carry.
constexpr size_t kMaxEventsPerRequest = 10'000;
constexpr int kLogVersion = 1;

struct Credential {
  std::string client = "anonymous";
  std::string region = "us-east-1";
};

// "AWS4-HMAC-SHA256 Credential=AKID/20230405/us-east-1/kinesis/aws4_request, ..." (SigV4 is
// not verified, as in every emulator: the key id only names the client).
Credential CredentialOf(std::string_view authorization) {
  Credential out;
  const size_t at = authorization.find("Credential=");
  if (at == std::string_view::npos) return out;
  std::string_view scope = authorization.substr(at + std::string_view("Credential=").size());
  scope = scope.substr(0, scope.find_first_of(", "));
  auto printable = [](std::string_view s) {
    return !s.empty() && s.size() <= 128 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
  };
  // key id / date / region / service / aws4_request
  const size_t key_end = scope.find('/');
  const std::string_view key = scope.substr(0, key_end);
  if (printable(key)) out.client = std::string(key);
  if (key_end == std::string_view::npos) return out;
  const size_t date_end = scope.find('/', key_end + 1);
  if (date_end == std::string_view::npos) return out;
  const std::string_view region =
      scope.substr(date_end + 1, scope.find('/', date_end + 1) - date_end - 1);
  if (printable(region)) out.region = std::string(region);
  return out;
}

void AppendHex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 0xf]);
}

// RFC 3339 with microseconds, as Instant::ToString() prints it; the date part is formatted once
// per second (absl::FormatTime costs about a microsecond).
std::string FormatVirtualTime(Instant t) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached_prefix;  // "2023-04-05T07:08:10."
  const int64_t second = t.unix_seconds();
  if (second != cached_second) {
    const std::string full = Instant::FromUnixSeconds(second).ToString();
    cached_prefix = full.substr(0, full.size() - 7);
    cached_second = second;
  }
  const int64_t micros = t.unix_micros() - second * 1'000'000;
  std::string out = cached_prefix;
  char digits[7];
  for (int i = 5, v = static_cast<int>(micros); i >= 0; --i, v /= 10)
    digits[i] = static_cast<char>('0' + v % 10);
  out.append(digits, 6);
  out.push_back('Z');
  return out;
}

std::string RequestId(uint64_t seed, uint64_t n, std::string& id2) {
  uint64_t state = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  const uint64_t a = sim::SplitMix64Next(state);
  const uint64_t b = sim::SplitMix64Next(state);
  const uint64_t c = sim::SplitMix64Next(state);
  char raw[24];
  char* byte = raw;
  for (uint64_t w : {a, b, c}) {
    for (int i = 7; i >= 0; --i) *byte++ = static_cast<char>((w >> (8 * i)) & 0xff);
  }
  absl::Base64Escape(absl::string_view(raw, sizeof raw), &id2);
  std::string id;
  id.reserve(36);
  AppendHex(id, a >> 32, 8);
  id.push_back('-');
  AppendHex(id, (a >> 16) & 0xffff, 4);
  id.push_back('-');
  AppendHex(id, a & 0xffff, 4);
  id.push_back('-');
  AppendHex(id, b >> 48, 4);
  id.push_back('-');
  AppendHex(id, b & 0xffffffffffffULL, 12);
  return id;
}

}  // namespace

struct KinesisService::Call {
  Instant now;
  std::string client;
  Encoding encoding = Encoding::kJson;
  std::string region;
  bool logging = false;
  // The body already serialized (the GetRecords fast path), instead of the returned document.
  std::optional<std::string> serialized;
};

Json ServiceOptions::ToJson() const {
  Json out{{"shardsim_log", kLogVersion},
           {"seed", seed},
           {"profile", profile.ToString()},
           {"clock", clock.ToString()},
           {"start", start.ToString()},
           {"latency", latency.ToString()},
           {"create_delay", create_delay.ToString()},
           {"limits", limits ? "aws" : "off"}};
  if (!scenario.is_null()) out["scenario"] = scenario;
  return out;
}

absl::StatusOr<ServiceOptions> ServiceOptions::FromJson(const Json& header) {
  ServiceOptions out;
  // Looked up with find(): on a const document operator[] of a missing key is undefined, and
  // value() throws on a member of another type.
  auto has = [&header](const char* key, bool (Json::*is)() const noexcept) {
    const auto it = header.find(key);
    return it != header.end() && ((*it).*is)();
  };
  if (!header.is_object() || !has("shardsim_log", &Json::is_number_integer) ||
      header.at("shardsim_log") != kLogVersion || !has("seed", &Json::is_number_unsigned) ||
      !has("profile", &Json::is_string) || !has("clock", &Json::is_string) ||
      !has("start", &Json::is_string) || !has("latency", &Json::is_string) ||
      !has("create_delay", &Json::is_string)) {
    return absl::InvalidArgumentError(
        "the first line is not a shardsim serve log header (shardsim_log 1 with seed, profile, "
        "clock, start, latency, create_delay)");
  }
  out.seed = header.at("seed").get<uint64_t>();
  absl::StatusOr<model::BucketProfile> profile =
      model::BucketProfile::Parse(header.at("profile").get<std::string>());
  if (!profile.ok()) return profile.status();
  out.profile = *profile;
  absl::StatusOr<ClockMode> clock = ClockMode::Parse(header.at("clock").get<std::string>());
  if (!clock.ok()) return clock.status();
  out.clock = *clock;
  absl::StatusOr<Instant> start = ParseTime(header.at("start").get<std::string>());
  if (!start.ok()) return start.status();
  out.start = *start;
  absl::StatusOr<Duration> latency = ParseDurationText(header.at("latency").get<std::string>());
  if (!latency.ok()) return latency.status();
  out.latency = *latency;
  absl::StatusOr<Duration> delay = ParseDurationText(header.at("create_delay").get<std::string>());
  if (!delay.ok()) return delay.status();
  out.create_delay = *delay;
  const Json limits = header.value("limits", Json("aws"));
  if (limits != "aws" && limits != "off")
    return absl::InvalidArgumentError("limits must be aws or off");
  out.limits = limits == "aws";
  if (header.contains("scenario")) out.scenario = header["scenario"];
  return out;
}

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
  HttpResponse out;
  out.status = status;
  const Encoding enc = encoding.value_or(Encoding::kJson);
  out.content_type = std::string(ContentType(enc));
  if (!empty_body) out.body = Serialize(body, enc);
  out.request_id = RequestId(options_.seed, requests_++, out.id2);
  out.virtual_time = FormatVirtualTime(at);
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
  auto state = [this]() {
    return Json{{"now", clock_.Now().ToString()}, {"mode", clock_.mode().ToString()}};
  };
  if (request.method == "GET") return Finish(200, state(), std::nullopt, before, log_entry);
  if (request.method != "POST") {
    return Error(
        ApiError{405, "MethodNotAllowedException", sim::Cat(kClockPath, " takes GET or POST")},
        std::nullopt, before, log_entry);
  }
  Decoded<Json> parsed = ParseBody(request.body, Encoding::kJson);
  const bool unparsed = std::holds_alternative<ApiError>(parsed) || request.body.empty();
  Json body = unparsed ? Json() : std::get<Json>(std::move(parsed));
  if (log_entry) {
    (*log_entry)["request"] = body;
    if (unparsed) (*log_entry)["body_base64"] = absl::Base64Escape(sim::ToAbsl(request.body));
  }
  const ApiError usage = InvalidArgumentError(
      R"(the clock takes {"advance": "17h33m"} or {"set": "2023-04-06T00:41:28Z"})");
  if (unparsed || body.size() != 1) {
    return Error(usage, std::nullopt, before, log_entry);
  }
  absl::Status status;
  if (body.contains("advance") && body["advance"].is_string()) {
    absl::StatusOr<Duration> by = ParseDurationText(body["advance"].get<std::string>());
    status = by.ok() ? clock_.Advance(*by) : by.status();
  } else if (body.contains("set") && body["set"].is_string()) {
    absl::StatusOr<Instant> to = ParseTime(body["set"].get<std::string>());
    status = to.ok() ? clock_.Set(*to) : to.status();
  } else {
    return Error(usage, std::nullopt, before, log_entry);
  }
  if (!status.ok()) {
    return Error(InvalidArgumentError(std::string(status.message())), std::nullopt, before,
                 log_entry);
  }
  return Finish(200, state(), std::nullopt, clock_.Now(), log_entry);
}

HttpResponse KinesisService::Kinesis(const HttpRequest& request, Json* log_entry) {
  const Instant now = clock_.Now();
  std::optional<Encoding> encoding = EncodingForContentType(request.content_type);
  // The clock moves once the call is answered, by its step and, under a per-request clock,
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
      if (jump > Duration::Zero())
        (void)clock.Advance(jump);  // never negative, far below 100 years
    }
  } after{clock_, hooks_, {}};
  if (log_entry) (*log_entry)["operation"] = nullptr;
  std::string_view target = request.amz_target;
  if (target.empty()) {
    return Error(ApiError{400, "UnknownOperationException",
                          "Missing X-Amz-Target header (Kinesis_20131202.<Operation>)"},
                 encoding, now, log_entry);
  }
  if (!absl::StartsWith(sim::ToAbsl(target), sim::ToAbsl(kTargetPrefix))) {
    return Error(ApiError{400, "UnknownOperationException",
                          sim::Cat("Unknown X-Amz-Target '", target.substr(0, 128), "': expected ",
                                   kTargetPrefix, "<Operation>")},
                 encoding, now, log_entry);
  }
  if (hooks_ != nullptr) hooks_->BeforeCall(now, model_);
  const std::string_view name = target.substr(kTargetPrefix.size());
  const std::optional<Operation> op = OperationFromName(name);
  if (!op) {
    return Error(ApiError{400, "UnknownOperationException",
                          IsUnimplementedKinesisOperation(name)
                              ? sim::Cat("shardsim serve does not implement ", name)
                              : sim::Cat("Unknown operation '", name.substr(0, 128), "'")},
                 encoding, now, log_entry);
  }
  if (log_entry) (*log_entry)["operation"] = std::string(OperationName(*op));
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
  Decoded<Request> decoded = DecodeRequest(*op, std::get<Json>(body));
  if (const ApiError* e = std::get_if<ApiError>(&decoded))
    return Error(*e, encoding, now, log_entry);
  const Credential credential = CredentialOf(request.authorization);
  after.client = credential.client;
  Call call{now, credential.client, *encoding, credential.region, log_entry != nullptr, {}};
  Decoded<Json> result = ApiError{500, "InternalFailure", "internal error"};
  try {
    result = Dispatch(std::get<Request>(decoded), call);
  } catch (const std::exception& e) {
    result = ApiError{500, "InternalFailure", sim::Cat("internal error: ", e.what())};
  }
  if (const ApiError* e = std::get_if<ApiError>(&result))
    return Error(*e, encoding, now, log_entry);
  if (call.serialized) {
    HttpResponse out;
    out.content_type = std::string(ContentType(*encoding));
    out.body = *std::move(call.serialized);
    out.request_id = RequestId(options_.seed, requests_++, out.id2);
    out.virtual_time = FormatVirtualTime(now);
    return out;
  }
  const Json& doc = std::get<Json>(result);
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
Decoded<Json> OrError(const model::Outcome<T>& outcome, Json (*encode)(const T&)) {
  if (!outcome.ok()) return FromModel(outcome.error());
  return encode(*outcome);
}

namespace {

// An empty body, as AWS answers CreateStream, DeleteStream and the changes of a stream.
Decoded<Json> EmptyOrError(const model::Outcome<model::Empty>& outcome) {
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json();
}

Json ModeDetails(const model::StreamModeDetails& mode) {
  return Json{{"StreamMode", std::string(model::StreamModeName(mode.StreamMode))}};
}

std::string StatusName(model::StreamStatus status) {
  return std::string(model::StreamStatusName(status));
}

}  // namespace

// One handler per operation; std::visit makes a Request alternative without one a compile
// error.
Decoded<Json> KinesisService::Dispatch(const Request& request, Call& c) {
  return std::visit([&](const auto& call) { return Run(call, c); }, request);
}

Decoded<Json> KinesisService::Run(const CreateStreamCall& call, Call& c) {
  model::StreamOptions options;
  options.buckets = options_.profile;
  if (!options_.limits) options.limits = model::ShardLimits::Unlimited();
  options.status_change_delay = options_.create_delay;
  return EmptyOrError(model_.CreateStream(c.now, call.request, options));
}

Decoded<Json> KinesisService::Run(const DeleteStreamCall& call, Call& c) {
  return EmptyOrError(model_.DeleteStream(c.now, call.request));
}

Decoded<Json> KinesisService::Run(const DescribeStreamSummaryCall& call, Call& c) {
  const auto summary = model_.DescribeStreamSummary(c.now, call.stream);
  if (!summary.ok()) return FromModel(summary.error());
  return Json{
      {"StreamDescriptionSummary",
       {{"StreamName", summary->StreamName},
        {"StreamARN", StreamArn(c.region, summary->StreamName)},
        {"StreamStatus", StatusName(summary->StreamStatus)},
        {"StreamModeDetails", ModeDetails(summary->StreamModeDetails)},
        {"RetentionPeriodHours", summary->RetentionPeriod / Duration::Hours(1)},
        {"StreamCreationTimestamp", TimeValue(summary->StreamCreationTimestamp, c.encoding)},
        {"EnhancedMonitoring", Json::array({{{"ShardLevelMetrics", Json::array()}}})},
        {"EncryptionType", "NONE"},
        {"OpenShardCount", summary->OpenShardCount},
        {"ConsumerCount", 0}}}};
}

Decoded<Json> KinesisService::Run(const DescribeStreamCall& call, Call& c) {
  const auto described = model_.DescribeStream(c.now, call.request);
  if (!described.ok()) return FromModel(described.error());
  const model::StreamDescription& d = described->StreamDescription;
  Json shards = Json::array();
  for (const model::Shard& shard : d.Shards) shards.push_back(ShardValue(shard));
  return Json{{"StreamDescription",
               {{"StreamName", d.StreamName},
                {"StreamARN", StreamArn(c.region, d.StreamName)},
                {"StreamStatus", StatusName(d.StreamStatus)},
                {"StreamModeDetails", ModeDetails(d.StreamModeDetails)},
                {"Shards", std::move(shards)},
                {"HasMoreShards", d.HasMoreShards},
                {"RetentionPeriodHours", d.RetentionPeriod / Duration::Hours(1)},
                {"StreamCreationTimestamp", TimeValue(d.StreamCreationTimestamp, c.encoding)},
                {"EnhancedMonitoring", Json::array({{{"ShardLevelMetrics", Json::array()}}})},
                {"EncryptionType", "NONE"}}}};
}

Decoded<Json> KinesisService::Run(const ListStreamsCall& call, Call& c) {
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

Decoded<Json> KinesisService::Run(const ListShardsCall& call, Call& c) {
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
Decoded<Json> KinesisService::Run(const GetShardIteratorCall& call, Call& c) {
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

Decoded<Json> KinesisService::Run(const GetRecordsCall& call, Call& c) {
  auto answer = [&c](const model::Outcome<model::GetRecordsResponse>& outcome) -> Decoded<Json> {
    if (!outcome.ok()) return FromModel(outcome.error());
    if (c.encoding == Encoding::kJson && !c.logging) {
      c.serialized = GetRecordsJsonText(*outcome);
      if (c.serialized) return Json();
    }
    return GetRecordsValue(*outcome, c.encoding);
  };
  if (!Observed()) return answer(model_.GetRecords(c.now, call.request));
  const model::GetRecordsCall observed = model_.ObserveGetRecords(c.now, c.client, call.request);
  Notify([&](model::CallObserver& o) { o.OnGetRecords(observed); });
  return answer(observed.outcome);
}

Decoded<Json> KinesisService::Run(const PutRecordCall& call, Call& c) {
  if (!Observed()) return OrError(model_.PutRecord(c.now, call.request), &PutRecordValue);
  const model::PutCall observed = model_.ObservePutRecord(c.now, c.client, call.request);
  Notify([&](model::CallObserver& o) { o.OnPut(observed); });
  return OrError(observed.outcome, &PutRecordValue);
}

Decoded<Json> KinesisService::Run(const PutRecordsCall& call, Call& c) {
  const auto outcome = model_.PutRecords(c.now, call.request);
  if (Observed() && outcome.ok()) {
    Notify(
        [&](model::CallObserver& o) { ObservePuts(o, c.now, c.client, call.request, *outcome); });
  }
  return OrError(outcome, &PutRecordsValue);
}

Decoded<Json> KinesisService::Run(const SplitShardCall& call, Call& c) {
  return EmptyOrError(model_.SplitShard(c.now, call.request));
}

Decoded<Json> KinesisService::Run(const MergeShardsCall& call, Call& c) {
  return EmptyOrError(model_.MergeShards(c.now, call.request));
}

Decoded<Json> KinesisService::Run(const UpdateShardCountCall& call, Call& c) {
  const auto outcome = model_.UpdateShardCount(c.now, call.request);
  if (!outcome.ok()) return FromModel(outcome.error());
  return Json{{"StreamName", outcome->StreamName},
              {"StreamARN", StreamArn(c.region, outcome->StreamName)},
              {"CurrentShardCount", outcome->CurrentShardCount},
              {"TargetShardCount", outcome->TargetShardCount}};
}

Decoded<Json> KinesisService::Run(const RetentionCall& call, Call& c) {
  return EmptyOrError(call.increase ? model_.IncreaseStreamRetentionPeriod(c.now, call.request)
                                    : model_.DecreaseStreamRetentionPeriod(c.now, call.request));
}

absl::Status KinesisService::AddStream(const std::string& name, int shard_count,
                                       const model::StreamOptions& options) {
  const auto outcome =
      model_.CreateStream(clock_.Now(), model::CreateStreamRequest{name, shard_count, {}}, options);
  if (!outcome.ok()) return absl::InvalidArgumentError(outcome.error().ToString());
  return absl::OkStatus();
}

namespace {

// One event of a POST /_shardsim/events body, or the reason it is not one.
std::variant<ApplicationEvent, std::string> ParseEvent(const Json& j) {
  if (!j.is_object()) return std::string("an event must be a JSON object");
  const auto text = [&j](const char* key) -> std::optional<std::string> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
    return it->get<std::string>();
  };
  const std::optional<std::string> type = text("type");
  const std::optional<std::string> shard = text("shard_id");
  if (!type)
    return std::string("an event needs a \"type\": processed, checkpoint, caught_up or shard_end");
  if (!shard) return sim::Cat("a ", *type, " event needs a \"shard_id\"");
  ApplicationEvent e;
  e.shard_id = *shard;
  const std::optional<std::string> sequence = text("sequence_number");
  if (*type == "processed" || *type == "checkpoint") {
    e.type = *type == "processed" ? ApplicationEvent::Type::kProcessed
                                  : ApplicationEvent::Type::kCheckpoint;
    const auto end = j.find("shard_end");
    e.shard_end = e.type == ApplicationEvent::Type::kCheckpoint && end != j.end() &&
                  end->is_boolean() && end->get<bool>();
    if (!e.shard_end) {
      if (!sequence)
        return sim::Cat(
            "a ", *type, " event needs a \"sequence_number\"",
            e.type == ApplicationEvent::Type::kCheckpoint ? " (or \"shard_end\": true)" : "");
      if (!model::SequenceNumber::Parse(*sequence).ok()) {
        return sim::Cat("\"", sequence->substr(0, 64), "\" is not a sequence number");
      }
      e.sequence_number = *sequence;
    }
  } else if (*type == "caught_up") {
    e.type = ApplicationEvent::Type::kCaughtUp;
  } else if (*type == "shard_end") {
    e.type = ApplicationEvent::Type::kShardEnd;
  } else {
    return sim::Cat("unknown event type \"", type->substr(0, 64),
                    "\" (processed, checkpoint, caught_up or shard_end)");
  }
  return e;
}

}  // namespace

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
  Decoded<Json> parsed = ParseBody(request.body, Encoding::kJson);
  if (std::holds_alternative<ApiError>(parsed) || request.body.empty()) {
    if (log_entry) (*log_entry)["body_base64"] = absl::Base64Escape(sim::ToAbsl(request.body));
    return Error(SerializationError("the events body is not a JSON object"), std::nullopt, now,
                 log_entry);
  }
  const Json body = std::get<Json>(std::move(parsed));
  if (log_entry) (*log_entry)["request"] = body;
  std::string client = CredentialOf(request.authorization).client;
  if (body.contains("client")) {
    if (!body["client"].is_string() || body["client"].get<std::string>().empty()) {
      return Error(InvalidArgumentError("\"client\" must be a non-empty string"), std::nullopt, now,
                   log_entry);
    }
    client = body["client"].get<std::string>();
  }
  const bool batch = body.contains("events");
  if (batch && !body["events"].is_array()) {
    return Error(InvalidArgumentError("\"events\" must be an array"), std::nullopt, now, log_entry);
  }
  const Json events = batch ? body["events"] : Json::array({body});
  if (events.size() > kMaxEventsPerRequest) {
    return Error(
        InvalidArgumentError(sim::Cat("at most ", kMaxEventsPerRequest, " events per request")),
        std::nullopt, now, log_entry);
  }
  std::vector<ApplicationEvent> accepted;
  accepted.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    auto event = ParseEvent(events[i]);
    if (const std::string* problem = std::get_if<std::string>(&event)) {
      return Error(
          InvalidArgumentError(sim::Cat(batch ? sim::Cat("event ", i, ": ") : "", *problem)),
          std::nullopt, now, log_entry);
    }
    accepted.push_back(std::get<ApplicationEvent>(std::move(event)));
  }
  if (hooks_ != nullptr) {
    hooks_->BeforeCall(now, model_);
    for (const ApplicationEvent& e : accepted) hooks_->OnApplicationEvent(now, client, e);
  }
  return Finish(200, Json{{"accepted", accepted.size()}}, std::nullopt, now, log_entry);
}

}  // namespace shardsim::server
