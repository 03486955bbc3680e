#include "model/catalogue/catalogue.h"

#include "absl/strings/str_cat.h"

namespace shardsim::model {

void RegisterCatalogue(StrategyRegistry& registry) {
  std::vector<StrategyInfo> entries = catalogue::CorrectLoops();
  for (StrategyInfo& info : catalogue::BuggyLoops()) entries.push_back(std::move(info));
  for (StrategyInfo& info : entries) {
    const std::string name = info.name;
    const absl::Status status = registry.Register(std::move(info));
    SHARDSIM_CHECK(status.ok(), absl::StrCat("catalogue entry ", name, ": ",
                                             std::string(status.message())));
  }
}

}  // namespace shardsim::model
