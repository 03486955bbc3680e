// The registry of named strategies. Nothing is registered by linking shardsim::consumer: the
// built-in catalogue registers itself only when asked (catalogue::RegisterCatalogue), and a
// user's strategy registers from the user's own code, explicitly or with the macro:
//
//   SHARDSIM_REGISTER_STRATEGY(my_loop, (shardsim::consumer::StrategyInfo{
//       .name = "my-loop", .description = "...", .run = MyLoop}));
#ifndef SHARDSIM_CONSUMER_STRATEGY_REGISTRY_H_
#define SHARDSIM_CONSUMER_STRATEGY_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "consumer/strategy.h"

namespace shardsim::consumer {

class StrategyRegistry {
 public:
  // The process-wide registry: empty until something registers into it.
  static StrategyRegistry& Global();

  // InvalidArgument for a bad name, an expected violation that is not a property
  // (consumer/property_names.h; the message names the known ones), a missing run function or
  // inconsistent parameter specs; AlreadyExists for a duplicate name.
  absl::Status Register(StrategyInfo info);
  const StrategyInfo* Find(std::string_view name) const;
  // All strategies, ordered by name.
  std::vector<const StrategyInfo*> All() const;
  // Checks `overrides` against the strategy's specs and fills in defaults. InvalidArgument
  // names an unknown parameter or a value out of range.
  absl::StatusOr<std::map<std::string, int64_t, std::less<>>> ResolveParams(
      const StrategyInfo& info, const std::map<std::string, int64_t, std::less<>>& overrides) const;

 private:
  std::map<std::string, std::unique_ptr<StrategyInfo>, std::less<>> strategies_;
};

namespace registry_internal {
// For SHARDSIM_REGISTER_STRATEGY: registers or stops the program with the reason.
bool RegisterOrDie(StrategyInfo info);
}  // namespace registry_internal

}  // namespace shardsim::consumer

// Registers a strategy with the global registry during static initialisation. Use it in the
// .cc file that is linked into your test executable.
#define SHARDSIM_REGISTER_STRATEGY(identifier, ...)                              \
  static const bool shardsim_registered_strategy_##identifier [[maybe_unused]] = \
      ::shardsim::consumer::registry_internal::RegisterOrDie(__VA_ARGS__)

#endif  // SHARDSIM_CONSUMER_STRATEGY_REGISTRY_H_
