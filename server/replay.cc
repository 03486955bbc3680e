#include "server/replay.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/event_stream.h"
#include "server/request_id.h"
#include "server/service.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

std::string StringField(const Json& entry, const char* key) {
  const auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Sends the request a log entry holds to `service` again, in the JSON form the log keeps.
absl::StatusOr<HttpResponse> Resend(const Json& entry, int number, KinesisService& service) {
  if (entry.contains("rejected")) {
    const Json& r = entry["rejected"];
    return service.Reject(
        ApiError{entry["status"].is_number_integer() ? entry["status"].get<int>() : 400,
                 StringField(r, "__type"), StringField(r, "message")},
        "");
  }
  const std::string method = StringField(entry, "method");
  const std::string path = StringField(entry, "path");
  const std::string target = StringField(entry, "target");
  std::string content_type = StringField(entry, "content_type");
  std::string body;
  if (entry.contains("body_base64") && entry["body_base64"].is_string()) {
    if (!absl::Base64Unescape(sim::ToAbsl(entry["body_base64"].get<std::string>()), &body)) {
      return absl::InvalidArgumentError(sim::Cat("line ", number, ": bad body_base64"));
    }
  } else if (entry.contains("request") && !entry["request"].is_null()) {
    body = entry["request"].dump();
    if (EncodingForContentType(content_type).has_value()) {
      content_type = std::string(ContentType(Encoding::kJson));
    }
  }
  const std::string client = StringField(entry, "client");
  const std::string authorization = sim::Cat("AWS4-HMAC-SHA256 Credential=", client, "/19700101/",
                                             StringField(entry, "region"), "/kinesis/aws4_request");
  return service.Handle(HttpRequest{
      method, path, target, content_type,
      client == "anonymous" ? std::string_view() : std::string_view(authorization), body});
}

// A subscription's logged delivery replayed: `stream` pulled once at the logged time, its frame
// made the body of a response (an event's payload; an exception as {"__type", "message"}; the
// end, which sends no frame, as the logged value).
HttpResponse PullDelivery(const Json& entry, ResponseStream& stream, KinesisService& service) {
  const ResponseStream::Step step = stream.Pull();
  HttpResponse out;
  out.content_type = std::string(ContentType(Encoding::kJson));
  std::string_view bytes = step.bytes;
  while (!bytes.empty()) {
    absl::StatusOr<event_stream::Message> m = event_stream::DecodeNext(bytes);
    if (!m.ok()) {
      out.status = 500;
      out.body = Json{{"frame", std::string(m.status().message())}}.dump();
      break;
    }
    if (m->StringHeader(":event-type") == "initial-response") continue;
    if (const std::optional<std::string_view> type = m->StringHeader(":exception-type")) {
      const Json payload = Json::parse(m->payload, nullptr, false);
      out.status = 400;
      out.body = Json{{"__type", *type},
                      {"message", payload.is_object() ? payload.value("message", "") : ""}}
                     .dump();
    } else {
      out.body = m->payload;
    }
    break;
  }
  if (out.body.empty() && step.done) out.body = entry.value("response", Json::object()).dump();
  out.virtual_time = FormatVirtualTime(service.clock().Now());
  return out;
}

}  // namespace

absl::StatusOr<int> ReplayEach(std::istream& log, ReplaySession& session,
                               const std::function<bool(const ReplayedRequest&)>& each,
                               const ReplayHooksFactory& hooks, model::CallObserver* observer) {
  std::string line;
  if (!std::getline(log, line)) return absl::InvalidArgumentError("the log is empty");
  const Json header = Json::parse(line, nullptr, false);
  absl::StatusOr<ServiceOptions> options = ServiceOptions::FromJson(header);
  if (!options.ok())
    return absl::InvalidArgumentError(sim::Cat("line 1: ", options.status().message()));
  const bool deterministic = options->clock.kind == ClockMode::Kind::kManual ||
                             options->clock.kind == ClockMode::Kind::kPerRequest;
  const bool follow_logged_time = !deterministic;
  ServiceOptions replay_options = *options;
  if (!deterministic) replay_options.clock = ClockMode{};
  session.service = std::make_unique<KinesisService>(replay_options);
  KinesisService& service = *session.service;
  if (observer != nullptr) service.AddCallObserver(observer);
  if (!options->scenario.is_null()) {
    if (!hooks) {
      return absl::InvalidArgumentError(
          "line 1: the log played a scenario, and no playback was given");
    }
    absl::StatusOr<std::unique_ptr<ServiceHooks>> made = hooks(service);
    if (!made.ok())
      return absl::InvalidArgumentError(sim::Cat("line 1: ", made.status().message()));
    session.playback = *std::move(made);
    service.SetHooks(session.playback.get());
  }

  int requests = 0;
  // The event streams of the SubscribeToShard calls replayed, by subscription id - 1 (the
  // model numbers them from 1, in order).
  std::vector<std::shared_ptr<ResponseStream>> streams;
  constexpr int kMaxLines = 100'000'000;  // a bound on the loop; a real log is far shorter
  for (int number = 2; number < kMaxLines && std::getline(log, line); ++number) {
    if (line.empty()) continue;
    const Json entry = Json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("status") || !entry.contains("response") ||
        !entry.contains("time") || !entry["time"].is_string()) {
      return absl::InvalidArgumentError(
          sim::Cat("line ", number,
                   ": not a logged request (JSON with time, status and "
                   "response)"));
    }
    if (follow_logged_time) {
      absl::StatusOr<Instant> t = ParseTime(entry["time"].get<std::string>());
      if (!t.ok())
        return absl::InvalidArgumentError(sim::Cat("line ", number, ": ", t.status().message()));
      if (*t > service.clock().Now()) (void)service.clock().Set(*t);
    }
    if (StringField(entry, "operation") == kSubscriptionEventOperation) {
      const Json id = entry.value("subscription", Json());
      if (!id.is_number_unsigned() || id.get<uint64_t>() == 0 ||
          id.get<uint64_t>() > streams.size()) {
        return absl::InvalidArgumentError(sim::Cat(
            "line ", number, ": a delivery of a subscription no logged SubscribeToShard opened"));
      }
      // Deliveries happen at the times the stream was pulled, whatever the clock.
      absl::StatusOr<Instant> t = ParseTime(entry["time"].get<std::string>());
      if (!t.ok())
        return absl::InvalidArgumentError(sim::Cat("line ", number, ": ", t.status().message()));
      if (*t > service.clock().Now()) (void)service.clock().Set(*t);
      const HttpResponse delivery = PullDelivery(entry, *streams[id.get<uint64_t>() - 1], service);
      if (!each(ReplayedRequest{number, entry, delivery})) break;
      continue;
    }
    absl::StatusOr<HttpResponse> response = Resend(entry, number, service);
    if (!response.ok()) return response.status();
    if (response->stream != nullptr) streams.push_back(response->stream);
    ++requests;
    if (!each(ReplayedRequest{number, entry, *response})) break;
  }
  return requests;
}

absl::StatusOr<ReplayResult> ReplayLog(std::istream& log, const ReplayHooksFactory& hooks) {
  ReplayResult result;
  ReplaySession session;
  absl::StatusOr<int> requests = ReplayEach(
      log, session,
      [&](const ReplayedRequest& r) {
        const std::string_view type = r.response.content_type;
        Json replayed = Json::object();
        if (!r.response.body.empty()) {
          replayed = type == ContentType(Encoding::kCbor)
                         ? Json::from_cbor(r.response.body, true, false)
                         : Json::parse(r.response.body, nullptr, false);
        }
        const Json status = r.response.status;
        const Json time = r.response.virtual_time;
        for (const auto& [field, value] : {std::pair<const char*, const Json*>{"time", &time},
                                           {"status", &status},
                                           {"response", &replayed}}) {
          const auto logged = r.entry.find(field);
          if (logged == r.entry.end() || *logged != *value) {
            result.difference = ReplayDifference{
                r.line, field, logged == r.entry.end() ? "null" : logged->dump(), value->dump()};
            return false;
          }
        }
        return true;
      },
      hooks);
  if (!requests.ok()) return requests.status();
  result.requests = *requests;
  return result;
}

}  // namespace shardsim::server
