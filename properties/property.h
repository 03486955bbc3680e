// The judge's vocabulary: the properties a run is checked against, their stable names (used in
// expected verdicts, results and output) and one-line descriptions.
//
// A strategy (consumer::StrategyInfo) states the property it is expected to violate by name,
// since shardsim::consumer sits below this library. The names are consumer::kPropertyNames
// (consumer/property_names.h), in the order of Property; StrategyRegistry::Register refuses an
// unknown name, and ExpectedViolation turns a name into a Property (and reports an unknown name
// of a strategy that was never registered).
#ifndef SHARDSIM_PROPERTIES_PROPERTY_H_
#define SHARDSIM_PROPERTIES_PROPERTY_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "consumer/strategy.h"

namespace shardsim::properties {

enum class Property {
  kNoMissedRecords,           // "no_missed_records"
  kNoFalseCaughtUp,           // "no_false_caught_up"
  kNoFalseShardEnd,           // "no_false_shard_end"
  kNoDuplicates,              // "no_duplicates"
  kLineageOrder,              // "lineage_order"
  kCheckpointSafety,          // "checkpoint_safety"
  kExpiredIteratorRecovered,  // "expired_iterator_recovered"
  kBoundedCallRate,           // "bounded_call_rate"
  kTermination,               // "termination"
  kDurableState,              // "durable_state"
  // Judged only in delivery mode (real clients, Judge::JudgeDeliveries).
  kNoAbandonedShard,  // "no_abandoned_shard"
  // Enhanced fan-out: a SubscribeToShard starts no later than the first record of its shard
  // the consumer has yet to process.
  kNoSkippingSubscription,  // "no_skipping_subscription"
};
inline constexpr Property kAllProperties[] = {Property::kNoMissedRecords,
                                              Property::kNoFalseCaughtUp,
                                              Property::kNoFalseShardEnd,
                                              Property::kNoDuplicates,
                                              Property::kLineageOrder,
                                              Property::kCheckpointSafety,
                                              Property::kExpiredIteratorRecovered,
                                              Property::kBoundedCallRate,
                                              Property::kTermination,
                                              Property::kDurableState,
                                              Property::kNoAbandonedShard,
                                              Property::kNoSkippingSubscription};
std::string_view PropertyName(Property property);
std::string_view PropertyDescription(Property property);
std::optional<Property> ParseProperty(std::string_view name);

// The expected verdict of `strategy` in the judge's terms: nullopt when it is expected to pass.
// InvalidArgument naming the strategy, the unknown name and the known ones when its expected
// violation is not a property.
absl::StatusOr<std::optional<Property>> ExpectedViolation(const consumer::StrategyInfo& strategy);

// An expected verdict that violates `property` (for strategies written against this library).
consumer::ExpectedVerdict Violates(Property property);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_PROPERTY_H_
