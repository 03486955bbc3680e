#include "server/events_api.h"

#include <optional>
#include <variant>

#include "model/sequence_number.h"
#include "sim/strings.h"

namespace shardsim::server {

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

Decoded<EventBatch> ParseEvents(const Json& body, std::string default_client) {
  EventBatch out{std::move(default_client), {}};
  if (const auto it = body.find("client"); it != body.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return InvalidArgumentError("\"client\" must be a non-empty string");
    }
    out.client = it->get<std::string>();
  }
  const auto batch_it = body.find("events");
  const bool batch = batch_it != body.end();
  if (batch && !batch_it->is_array()) return InvalidArgumentError("\"events\" must be an array");
  const Json events = batch ? *batch_it : Json::array({body});
  if (events.size() > kMaxEventsPerRequest) {
    return InvalidArgumentError(sim::Cat("at most ", kMaxEventsPerRequest, " events per request"));
  }
  out.events.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    auto event = ParseEvent(events[i]);
    if (const std::string* problem = std::get_if<std::string>(&event)) {
      return InvalidArgumentError(sim::Cat(batch ? sim::Cat("event ", i, ": ") : "", *problem));
    }
    out.events.push_back(std::get<ApplicationEvent>(std::move(event)));
  }
  return out;
}

}  // namespace shardsim::server
