#include "model/internal/next_token.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sim/hash.h"
#include "sim/strings.h"

namespace shardsim::model::internal {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kShards = "shards";
constexpr std::string_view kStreams = "streams";
constexpr std::string_view kConsumers = "consumers";

std::string Encode(Json body, Instant issued) {
  body["t"] = issued.unix_micros();
  const std::string text = body.dump();
  return absl::WebSafeBase64Escape(absl::StrCat(text, "\n", sim::HashBytes(text)));
}

KinesisError Invalid(std::string_view token) {
  return KinesisError{ErrorCode::kInvalidArgument,
                      absl::StrCat("Invalid NextToken: '", sim::ToAbsl(token.substr(0, 64)), "'.")};
}

bool IsString(const Json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string();
}

// The JSON inside a token of `kind`, checked for its common members and its age.
Outcome<Json> Decode(std::string_view token, std::string_view kind, Instant now) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(sim::ToAbsl(token), &raw)) return Invalid(token);
  const size_t newline = raw.rfind('\n');
  if (newline == std::string::npos) return Invalid(token);
  const std::string_view text = std::string_view(raw).substr(0, newline);
  uint64_t checksum = 0;
  if (!absl::SimpleAtoi(sim::ToAbsl(std::string_view(raw).substr(newline + 1)), &checksum) ||
      checksum != sim::HashBytes(text)) {
    return Invalid(token);
  }
  Json body = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !IsString(body, "k") || body["k"] != kind || !IsString(body, "a") ||
      !body.contains("t") || !body["t"].is_number_integer() || body["t"].get<int64_t>() < 0) {
    return Invalid(token);
  }
  const Instant issued = Instant::FromUnixMicros(body["t"].get<int64_t>());
  if (issued > now) return Invalid(token);
  if (now - issued > kNextTokenLifetime) {
    return KinesisError{
        ErrorCode::kExpiredNextToken,
        absl::StrCat("The NextToken was issued at ", issued.ToString(), " and expired after ",
                     kNextTokenLifetime.seconds(), " seconds.")};
  }
  return body;
}

Json FilterJson(const ShardFilter& f) {
  Json out{{"Type", std::string(ShardFilterTypeName(f.Type))}};
  if (f.ShardId) out["ShardId"] = *f.ShardId;
  if (f.Timestamp) out["Timestamp"] = f.Timestamp->unix_micros();
  return out;
}

// The filter a token carries, exactly as ListShards accepts one; nullopt otherwise.
std::optional<ShardFilter> FilterFromJson(const Json& j) {
  if (!j.is_object() || !IsString(j, "Type")) return std::nullopt;
  const std::optional<ShardFilterType> type = ShardFilterTypeFromName(j["Type"].get<std::string>());
  if (!type) return std::nullopt;
  ShardFilter f{*type, std::nullopt, std::nullopt};
  if (j.contains("ShardId")) {
    if (!j["ShardId"].is_string()) return std::nullopt;
    f.ShardId = j["ShardId"].get<std::string>();
  }
  if (j.contains("Timestamp")) {
    if (!j["Timestamp"].is_number_integer()) return std::nullopt;
    f.Timestamp = Instant::FromUnixMicros(j["Timestamp"].get<int64_t>());
  }
  const bool wants_id = f.Type == ShardFilterType::AFTER_SHARD_ID;
  const bool wants_time =
      f.Type == ShardFilterType::AT_TIMESTAMP || f.Type == ShardFilterType::FROM_TIMESTAMP;
  if (wants_id != f.ShardId.has_value() || wants_time != f.Timestamp.has_value()) {
    return std::nullopt;
  }
  return f;
}

}  // namespace

std::string EncodeShardsToken(const ShardsPage& page, Instant issued) {
  Json body{{"k", kShards}, {"s", page.stream}, {"a", page.after}};
  if (page.filter) body["f"] = FilterJson(*page.filter);
  return Encode(std::move(body), issued);
}

Outcome<ShardsPage> DecodeShardsToken(std::string_view token, Instant now) {
  Outcome<Json> body = Decode(token, kShards, now);
  if (!body.ok()) return body.error();
  const Json& j = *body;
  if (!IsString(j, "s")) return Invalid(token);
  ShardsPage page{j["s"].get<std::string>(), j["a"].get<std::string>(), std::nullopt};
  if (j.contains("f")) {
    page.filter = FilterFromJson(j["f"]);
    if (!page.filter) return Invalid(token);
  }
  return page;
}

std::string EncodeStreamsToken(std::string_view after, Instant issued) {
  return Encode(Json{{"k", kStreams}, {"a", std::string(after)}}, issued);
}

Outcome<std::string> DecodeStreamsToken(std::string_view token, Instant now) {
  Outcome<Json> body = Decode(token, kStreams, now);
  if (!body.ok()) return body.error();
  return (*body)["a"].get<std::string>();
}

std::string EncodeConsumersToken(const ConsumersPage& page, Instant issued) {
  return Encode(Json{{"k", kConsumers}, {"s", page.stream}, {"a", page.after}}, issued);
}

Outcome<ConsumersPage> DecodeConsumersToken(std::string_view token, Instant now) {
  Outcome<Json> body = Decode(token, kConsumers, now);
  if (!body.ok()) return body.error();
  const Json& j = *body;
  if (!IsString(j, "s")) return Invalid(token);
  return ConsumersPage{j["s"].get<std::string>(), j["a"].get<std::string>()};
}

}  // namespace shardsim::model::internal
