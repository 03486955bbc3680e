// ServiceOptions as the first line of a `shardsim serve` log (ToJson) and back (FromJson, for
// replay): the log's version and everything that shaped the session.
#include "server/service.h"

namespace shardsim::server {

namespace {

constexpr int kLogVersion = 1;

}  // namespace

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

}  // namespace shardsim::server
