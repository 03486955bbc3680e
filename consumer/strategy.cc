#include "consumer/strategy.h"

#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/strings.h"

namespace shardsim::consumer {

std::string_view ReadApiName(ReadApi api) {
  switch (api) {
    case ReadApi::kPolling:
      return "polling";
    case ReadApi::kEnhancedFanOut:
      return "enhanced_fan_out";
  }
  return "polling";
}

ConsumerContext::ConsumerContext(sim::Simulation& simulation, model::KinesisClient& kinesis_client,
                                 Application& application, std::string stream,
                                 const StrategyInfo& info,
                                 std::map<std::string, int64_t, std::less<>> params,
                                 int incarnation_number)
    : sim(simulation),
      kinesis(kinesis_client),
      app(application),
      stream_name(std::move(stream)),
      incarnation(incarnation_number),
      info_(&info),
      params_(std::move(params)) {}

int64_t ConsumerContext::param(std::string_view name) const {
  const auto it = params_.find(name);
  if (it == params_.end()) {
    throw std::invalid_argument(absl::StrCat("strategy '", info_->name, "' asked for parameter '",
                                             sim::ToString(name), "', which it does not declare"));
  }
  return it->second;
}

sim::Task<void> CatchStrategyErrors(sim::Simulation& simulation, std::string who,
                                    sim::Task<void> body) {
  std::string error;
  try {
    co_await std::move(body);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  if (!error.empty()) simulation.Record(who, "consumer.threw", {{"error", error}});
}

sim::ProcessId ConsumerContext::Spawn(std::string name, sim::Task<void> task) {
  const std::string who = name;
  const sim::ProcessId id =
      sim.Spawn(std::move(name), CatchStrategyErrors(sim, who, std::move(task)));
  spawned_.push_back(id);
  return id;
}

}  // namespace shardsim::consumer
