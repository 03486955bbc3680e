#include "properties/property.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace shardsim::properties {

namespace {
struct PropertyRow {
  Property property;
  std::string_view name;
  std::string_view description;
};

constexpr PropertyRow kPropertyRows[] = {
    {Property::kNoMissedRecords, "no_missed_records",
     "every record put is processed by the end of the run"},
    {Property::kNoFalseCaughtUp, "no_false_caught_up",
     "a consumer declares a shard caught up only when no record that had arrived lies beyond "
     "what it processed"},
    {Property::kNoFalseShardEnd, "no_false_shard_end",
     "a consumer declares a shard's end only for a closed shard read to its end"},
    {Property::kNoDuplicates, "no_duplicates",
     "a record is processed twice only when it lay past the last checkpoint at a crash"},
    {Property::kLineageOrder, "lineage_order",
     "records of one partition key are processed in put order, across parent and child shards"},
    {Property::kCheckpointSafety, "checkpoint_safety",
     "checkpoints never run ahead of processing and never go backwards"},
    {Property::kExpiredIteratorRecovered, "expired_iterator_recovered",
     "after ExpiredIteratorException a consumer gets a new iterator instead of reusing the old"},
    {Property::kBoundedCallRate, "bounded_call_rate",
     "a consumer's calls per shard and virtual second stay within bounds (no hot loop under "
     "throttling)"},
    {Property::kTermination, "termination", "the run ends within its event and time bounds"},
    {Property::kDurableState, "durable_state",
     "a read of the consumer's durable key-value table returns the last acknowledged write, "
     "across crashes"},
    {Property::kNoAbandonedShard, "no_abandoned_shard",
     "a real client stops reading a shard only when no record it was not given lies past its "
     "last position (judged from what the server saw)"},
};
}  // namespace

std::string_view PropertyName(Property property) {
  for (const PropertyRow& row : kPropertyRows) {
    if (row.property == property) return row.name;
  }
  return "?";
}

std::string_view PropertyDescription(Property property) {
  for (const PropertyRow& row : kPropertyRows) {
    if (row.property == property) return row.description;
  }
  return "?";
}

std::optional<Property> ParseProperty(std::string_view name) {
  for (const PropertyRow& row : kPropertyRows) {
    if (row.name == name) return row.property;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Property>> ExpectedViolation(const consumer::StrategyInfo& strategy) {
  if (!strategy.expected.violates.has_value()) return std::optional<Property>();
  if (const std::optional<Property> property = ParseProperty(*strategy.expected.violates)) {
    return property;
  }
  std::string known;
  for (const PropertyRow& row : kPropertyRows) {
    absl::StrAppend(&known, known.empty() ? "" : ", ", std::string(row.name));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "strategy '", strategy.name, "' expects a violation of '", *strategy.expected.violates,
      "', which is not a property (the properties are: ", known, ")"));
}

consumer::ExpectedVerdict Violates(Property property) {
  return {std::string(PropertyName(property))};
}

}  // namespace shardsim::properties
