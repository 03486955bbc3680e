#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace shardsim::cli {

int RunList(const ListFlags& flags) {
  const auto strategies = consumer::StrategyRegistry::Global().All();
  if (flags.json) {
    nlohmann::json out;
    out["strategies"] = nlohmann::json::array();
    for (const consumer::StrategyInfo* s : strategies) {
      nlohmann::json entry;
      entry["name"] = s->name;
      entry["description"] = s->description;
      entry["expected"] = s->expected.violates.value_or("pass");
      entry["provenance"] = s->provenance;
      entry["batch"] = s->rerun_interval.has_value();
      entry["reads"] = sim::ToString(consumer::ReadApiName(s->reads));
      entry["params"] = nlohmann::json::array();
      for (const consumer::ParamSpec& p : s->params) {
        entry["params"].push_back({{"name", p.name},
                                   {"default", p.default_value},
                                   {"min", p.min_value},
                                   {"max", p.max_value},
                                   {"description", p.description}});
      }
      out["strategies"].push_back(entry);
    }
    out["properties"] = nlohmann::json::array();
    for (properties::Property p : properties::kAllProperties) {
      out["properties"].push_back(
          {{"name", sim::ToString(properties::PropertyName(p))},
           {"description", sim::ToString(properties::PropertyDescription(p))}});
    }
    PrintJson(out);
    return kExitOk;
  }
  std::string text =
      "strategies (how each reads, its expected verdict, then where the pattern was seen):\n";
  for (const consumer::StrategyInfo* s : strategies) {
    absl::StrAppend(&text, "  ", s->name, "\n      ", s->description, "\n      reads: ",
                    s->reads == consumer::ReadApi::kEnhancedFanOut
                        ? "subscribes (enhanced fan-out: SubscribeToShard)"
                        : "polls (GetShardIterator, GetRecords)",
                    "\n      expected: ",
                    s->expected.violates ? absl::StrCat("fails ", *s->expected.violates)
                                         : "passes every property",
                    "\n");
    for (const std::string& source : s->provenance)
      absl::StrAppend(&text, "      seen: ", source, "\n");
    for (const consumer::ParamSpec& p : s->params) {
      absl::StrAppend(&text, "      param ", p.name, " = ", p.default_value, " (", p.min_value,
                      "..", p.max_value, ") ", p.description, "\n");
    }
  }
  absl::StrAppend(&text, "\nproperties:\n");
  for (properties::Property p : properties::kAllProperties) {
    absl::StrAppend(&text, "  ", sim::ToString(properties::PropertyName(p)), ": ",
                    sim::ToString(properties::PropertyDescription(p)), "\n");
  }
  Print(text);
  return kExitOk;
}

}  // namespace shardsim::cli
