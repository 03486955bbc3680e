#include "consumer/strategy_registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "consumer/property_names.h"

namespace shardsim::consumer {

StrategyRegistry& StrategyRegistry::Global() {
  static StrategyRegistry* registry = new StrategyRegistry();
  return *registry;
}

namespace {
bool ValidStrategyName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}
}  // namespace

absl::Status StrategyRegistry::Register(StrategyInfo info) {
  if (!ValidStrategyName(info.name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("strategy name '", info.name, "' must be 1 to 64 characters of [a-z0-9-]"));
  }
  if (info.expected.violates && !IsPropertyName(*info.expected.violates)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "strategy '", info.name, "' expects a violation of '", *info.expected.violates,
        "', which is not a property (the properties are: ", KnownPropertyNames(), ")"));
  }
  if (!info.run) {
    return absl::InvalidArgumentError(
        absl::StrCat("strategy '", info.name, "' has no run function"));
  }
  for (size_t i = 0; i < info.params.size(); ++i) {
    const ParamSpec& p = info.params[i];
    const bool generated = p.generate_min <= p.generate_max;
    if (p.name.empty() || p.min_value > p.max_value || p.default_value < p.min_value ||
        p.default_value > p.max_value ||
        (generated && (p.generate_min < p.min_value || p.generate_max > p.max_value))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "strategy '", info.name, "': parameter '", p.name,
          "' needs a name, min <= default <= max, and a generated range within [min, max]"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (info.params[j].name == p.name) {
        return absl::InvalidArgumentError(
            absl::StrCat("strategy '", info.name, "' declares parameter '", p.name, "' twice"));
      }
    }
  }
  if (strategies_.contains(info.name)) {
    return absl::AlreadyExistsError(
        absl::StrCat("a strategy named '", info.name, "' is already registered"));
  }
  const std::string name = info.name;
  strategies_.emplace(name, std::make_unique<StrategyInfo>(std::move(info)));
  return absl::OkStatus();
}

const StrategyInfo* StrategyRegistry::Find(std::string_view name) const {
  const auto it = strategies_.find(name);
  return it == strategies_.end() ? nullptr : it->second.get();
}

std::vector<const StrategyInfo*> StrategyRegistry::All() const {
  std::vector<const StrategyInfo*> out;
  for (const auto& [name, info] : strategies_) out.push_back(info.get());
  return out;
}

absl::StatusOr<std::map<std::string, int64_t, std::less<>>> StrategyRegistry::ResolveParams(
    const StrategyInfo& info, const std::map<std::string, int64_t, std::less<>>& overrides) const {
  std::map<std::string, int64_t, std::less<>> resolved;
  for (const ParamSpec& p : info.params) resolved[p.name] = p.default_value;
  for (const auto& entry : overrides) {
    const std::string& name = entry.first;
    const int64_t value = entry.second;
    const auto spec = std::find_if(info.params.begin(), info.params.end(),
                                   [&](const ParamSpec& p) { return p.name == name; });
    if (spec == info.params.end()) {
      std::string known;
      for (const ParamSpec& p : info.params)
        absl::StrAppend(&known, known.empty() ? "" : ", ", p.name);
      return absl::InvalidArgumentError(
          absl::StrCat("strategy '", info.name, "' has no parameter '", name,
                       "' (it has: ", known.empty() ? "none" : known, ")"));
    }
    if (value < spec->min_value || value > spec->max_value) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter '", name, "' of strategy '", info.name, "' must be between ",
                       spec->min_value, " and ", spec->max_value, ", got ", value));
    }
    resolved[name] = value;
  }
  return resolved;
}

bool registry_internal::RegisterOrDie(StrategyInfo info) {
  const std::string name = info.name;
  const absl::Status status = StrategyRegistry::Global().Register(std::move(info));
  if (!status.ok()) {
    std::fprintf(stderr, "shardsim: cannot register strategy '%s': %s\n", name.c_str(),
                 std::string(status.message()).c_str());
    std::exit(2);
  }
  return true;
}

}  // namespace shardsim::consumer
