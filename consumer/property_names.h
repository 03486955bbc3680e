// The stable names of the properties the judge checks, in the order of properties::Property:
// the one list of them. A strategy's expected verdict (ExpectedVerdict::violates) names one,
// and StrategyRegistry::Register refuses any other name. The judge (properties/property.h),
// which sits above this library, owns what each property means and takes its names from here.
#ifndef SHARDSIM_CONSUMER_PROPERTY_NAMES_H_
#define SHARDSIM_CONSUMER_PROPERTY_NAMES_H_

#include <algorithm>
#include <string>
#include <string_view>

namespace shardsim::consumer {

inline constexpr std::string_view kPropertyNames[] = {
    "no_missed_records",
    "no_false_caught_up",
    "no_false_shard_end",
    "no_duplicates",
    "lineage_order",
    "checkpoint_safety",
    "expired_iterator_recovered",
    "bounded_call_rate",
    "termination",
    "durable_state",
    "no_abandoned_shard",  // judged only in delivery mode (real clients)
    "no_skipping_subscription",
};

inline bool IsPropertyName(std::string_view name) {
  return std::find(std::begin(kPropertyNames), std::end(kPropertyNames), name) !=
         std::end(kPropertyNames);
}

// "no_missed_records, no_false_caught_up, ...": for error messages.
inline std::string KnownPropertyNames() {
  std::string known;
  for (const std::string_view name : kPropertyNames) {
    if (!known.empty()) known += ", ";
    known += name;
  }
  return known;
}

}  // namespace shardsim::consumer

#endif  // SHARDSIM_CONSUMER_PROPERTY_NAMES_H_
