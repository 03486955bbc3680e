#include "properties/property.h"

#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "consumer/property_names.h"

namespace shardsim::properties {

namespace {
struct PropertyRow {
  Property property;
  std::string_view description;
};

constexpr PropertyRow kPropertyRows[] = {
    {Property::kNoMissedRecords, "every record put is processed by the end of the run"},
    {Property::kNoFalseCaughtUp,
     "a consumer declares a shard caught up only when no record that had arrived lies beyond "
     "what it processed"},
    {Property::kNoFalseShardEnd,
     "a consumer declares a shard's end only for a closed shard read to its end"},
    {Property::kNoDuplicates,
     "a record is processed twice only when it lay past the last checkpoint at a crash"},
    {Property::kLineageOrder,
     "records of one partition key are processed in put order, across parent and child shards"},
    {Property::kCheckpointSafety,
     "checkpoints never run ahead of processing and never go backwards"},
    {Property::kExpiredIteratorRecovered,
     "after ExpiredIteratorException a consumer gets a new iterator instead of reusing the old"},
    {Property::kBoundedCallRate,
     "a consumer's calls per shard and virtual second stay within bounds (no hot loop under "
     "throttling)"},
    {Property::kTermination, "the run ends within its event and time bounds"},
    {Property::kDurableState,
     "a read of the consumer's durable key-value table returns the last acknowledged write, "
     "across crashes"},
    {Property::kNoAbandonedShard,
     "a real client stops reading a shard only when no record it was not given lies past its "
     "last position (judged from what the server saw)"},
    {Property::kNoSkippingSubscription,
     "a SubscribeToShard (first or renewed) starts at or before the first record of the shard "
     "that has arrived, has not expired and has not been processed"},
};

// The names are consumer::kPropertyNames (a strategy's expected verdict is checked against
// them when it registers), in the order of Property and of the rows above.
static_assert(std::size(kPropertyRows) == std::size(consumer::kPropertyNames));
static_assert(std::size(kAllProperties) == std::size(consumer::kPropertyNames));
constexpr bool RowsInPropertyOrder() {
  for (size_t i = 0; i < std::size(kPropertyRows); ++i) {
    if (kPropertyRows[i].property != kAllProperties[i] ||
        static_cast<size_t>(kAllProperties[i]) != i)
      return false;
  }
  return true;
}
static_assert(RowsInPropertyOrder());
}  // namespace

std::string_view PropertyName(Property property) {
  const size_t index = static_cast<size_t>(property);
  return index < std::size(consumer::kPropertyNames) ? consumer::kPropertyNames[index] : "?";
}

std::string_view PropertyDescription(Property property) {
  for (const PropertyRow& row : kPropertyRows) {
    if (row.property == property) return row.description;
  }
  return "?";
}

std::optional<Property> ParseProperty(std::string_view name) {
  for (size_t i = 0; i < std::size(consumer::kPropertyNames); ++i) {
    if (consumer::kPropertyNames[i] == name) return kAllProperties[i];
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Property>> ExpectedViolation(const consumer::StrategyInfo& strategy) {
  if (!strategy.expected.violates.has_value()) return std::optional<Property>();
  if (const std::optional<Property> property = ParseProperty(*strategy.expected.violates)) {
    return property;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "strategy '", strategy.name, "' expects a violation of '", *strategy.expected.violates,
      "', which is not a property (the properties are: ", consumer::KnownPropertyNames(), ")"));
}

consumer::ExpectedVerdict Violates(Property property) {
  return {std::string(PropertyName(property))};
}

}  // namespace shardsim::properties
