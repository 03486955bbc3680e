#include "server/replay.h"
#include "server/strings.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/service.h"

namespace shardsim::server {

namespace {

std::string StringField(const Json& entry, const char* key) {
  const auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

absl::StatusOr<ReplayResult> ReplayLog(std::istream& log, const ReplayHooksFactory& hooks) {
  std::string line;
  if (!std::getline(log, line)) return absl::InvalidArgumentError("the log is empty");
  const Json header = Json::parse(line, nullptr, false);
  absl::StatusOr<ServiceOptions> options = ServiceOptions::FromJson(header);
  if (!options.ok()) return absl::InvalidArgumentError(Cat("line 1: ", options.status().message()));
  const bool deterministic = options->clock.kind == ClockMode::Kind::kManual ||
                             options->clock.kind == ClockMode::Kind::kPerRequest;
  const bool follow_logged_time = !deterministic;
  ServiceOptions replay_options = *options;
  if (!deterministic) replay_options.clock = ClockMode{};
  KinesisService service(replay_options);
  std::unique_ptr<ServiceHooks> playback;
  if (!options->scenario.is_null()) {
    if (!hooks) {
      return absl::InvalidArgumentError("line 1: the log played a scenario, and no playback was given");
    }
    absl::StatusOr<std::unique_ptr<ServiceHooks>> made = hooks(service);
    if (!made.ok()) return absl::InvalidArgumentError(Cat("line 1: ", made.status().message()));
    playback = *std::move(made);
    service.SetHooks(playback.get());
  }

  ReplayResult result;
  for (int number = 2; std::getline(log, line); ++number) {
    if (line.empty()) continue;
    const Json entry = Json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("status") || !entry.contains("response") ||
        !entry["time"].is_string()) {
      return absl::InvalidArgumentError(
          Cat("line ", number, ": not a logged request (JSON with time, status and "
                       "response)"));
    }
    if (follow_logged_time) {
      absl::StatusOr<Instant> t = ParseTime(entry["time"].get<std::string>());
      if (!t.ok()) return absl::InvalidArgumentError(Cat("line ", number, ": ", t.status().message()));
      if (*t > service.clock().Now()) (void)service.clock().Set(*t);
    }
    HttpResponse response;
    if (entry.contains("rejected")) {
      const Json& r = entry["rejected"];
      response = service.Reject(
          ApiError{entry["status"].is_number_integer() ? entry["status"].get<int>() : 400,
                   r.value("__type", ""), r.value("message", "")},
          "");
    } else {
      const std::string method = StringField(entry, "method");
      const std::string path = StringField(entry, "path");
      const std::string target = StringField(entry, "target");
      std::string content_type = StringField(entry, "content_type");
      std::string body;
      if (entry.contains("body_base64") && entry["body_base64"].is_string()) {
        if (!absl::Base64Unescape(AV(entry["body_base64"].get<std::string>()), &body)) {
          return absl::InvalidArgumentError(Cat("line ", number, ": bad body_base64"));
        }
      } else if (entry.contains("request") && !entry["request"].is_null()) {
        body = entry["request"].dump();
        if (EncodingForContentType(content_type).has_value()) {
          content_type = std::string(ContentType(Encoding::kJson));
        }
      }
      const std::string authorization = Cat(
          "AWS4-HMAC-SHA256 Credential=", StringField(entry, "client"), "/19700101/",
          StringField(entry, "region"), "/kinesis/aws4_request");
      response = service.Handle(HttpRequest{method, path, target, content_type,
                                            StringField(entry, "client") == "anonymous"
                                                ? std::string_view()
                                                : std::string_view(authorization),
                                            body});
    }
    ++result.requests;
    const std::string_view type = response.content_type;
    Json replayed = Json::object();
    if (!response.body.empty()) {
      replayed = type == ContentType(Encoding::kCbor)
                     ? Json::from_cbor(response.body, true, false)
                     : Json::parse(response.body, nullptr, false);
    }
    const Json status = response.status;
    const Json time = response.virtual_time;
    for (const auto& [field, value] :
         {std::pair<const char*, const Json*>{"time", &time}, {"status", &status},
          {"response", &replayed}}) {
      if (entry[field] != *value) {
        result.difference =
            ReplayDifference{number, field, entry[field].dump(), value->dump()};
        return result;
      }
    }
  }
  return result;
}

}  // namespace shardsim::server
