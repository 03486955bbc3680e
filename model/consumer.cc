#include "model/consumer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace shardsim::model {

namespace {
std::string S(std::string_view v) { return std::string(v); }

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
    {Property::kTermination, "termination",
     "the run ends within its event and time bounds"},
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

// CheckpointStore / Application --------------------------------------------------------------

std::optional<Checkpoint> CheckpointStore::Read(std::string_view shard_id) const {
  const auto it = checkpoints_.find(shard_id);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

void CheckpointStore::Write(std::string_view shard_id, Checkpoint checkpoint) {
  checkpoints_[S(shard_id)] = std::move(checkpoint);
}

Application::Application(sim::Simulation& simulation, CheckpointStore& store,
                         ApplicationEvents& events, Duration processing_time_per_record)
    : simulation_(&simulation),
      store_(&store),
      events_(&events),
      processing_time_(processing_time_per_record) {
  SHARDSIM_CHECK(processing_time_ >= Duration::Zero(), "processing time must not be negative");
}

sim::Task<void> Application::Process(std::string shard_id, Record record) {
  if (processing_time_ > Duration::Zero()) co_await simulation_->Sleep(processing_time_);
  TraceProcess(shard_id, record);
  events_->OnProcess(shard_id, record);
}

void Application::TraceProcess(const std::string& shard_id, const Record& record) {
  simulation_->Record("app", "process", {{"shard", shard_id},
                                         {"seq", record.SequenceNumber},
                                         {"key", record.PartitionKey}});
}

void Application::Checkpoint(const std::string& shard_id, const std::string& sequence_number) {
  model::Checkpoint checkpoint{sequence_number, false};
  simulation_->Record("app", "checkpoint", {{"shard", shard_id}, {"seq", sequence_number}});
  events_->OnCheckpoint(shard_id, checkpoint);
  store_->Write(shard_id, std::move(checkpoint));
}

void Application::CheckpointShardEnd(const std::string& shard_id) {
  model::Checkpoint checkpoint{"", true};
  simulation_->Record("app", "checkpoint", {{"shard", shard_id}, {"seq", "SHARD_END"}});
  events_->OnCheckpoint(shard_id, checkpoint);
  store_->Write(shard_id, std::move(checkpoint));
}

std::optional<Checkpoint> Application::ReadCheckpoint(const std::string& shard_id) const {
  return store_->Read(shard_id);
}

void Application::DeclareCaughtUp(const std::string& shard_id) {
  simulation_->Record("app", "declare.caught_up", {{"shard", shard_id}});
  events_->OnDeclareCaughtUp(shard_id);
}

void Application::DeclareShardEnd(const std::string& shard_id) {
  simulation_->Record("app", "declare.shard_end", {{"shard", shard_id}});
  events_->OnDeclareShardEnd(shard_id);
}

// ConsumerContext -----------------------------------------------------------------------------

ConsumerContext::ConsumerContext(sim::Simulation& simulation, KinesisClient& kinesis_client,
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
    throw std::invalid_argument(absl::StrCat("strategy '", info_->name,
                                             "' asked for parameter '", S(name),
                                             "', which it does not declare"));
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

// StrategyRegistry ----------------------------------------------------------------------------

StrategyRegistry& StrategyRegistry::Global() {
  static StrategyRegistry* registry = [] {
    auto* r = new StrategyRegistry();
    RegisterCatalogue(*r);
    return r;
  }();
  return *registry;
}

namespace {
bool ValidStrategyName(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}
}  // namespace

absl::Status StrategyRegistry::Register(StrategyInfo info) {
  if (!ValidStrategyName(info.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "strategy name '", info.name, "' must be 1 to 64 characters of [a-z0-9-]"));
  }
  if (!info.run) {
    return absl::InvalidArgumentError(absl::StrCat("strategy '", info.name,
                                                   "' has no run function"));
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
        return absl::InvalidArgumentError(absl::StrCat("strategy '", info.name,
                                                       "' declares parameter '", p.name,
                                                       "' twice"));
      }
    }
  }
  if (strategies_.contains(info.name)) {
    return absl::AlreadyExistsError(absl::StrCat("a strategy named '", info.name,
                                                 "' is already registered"));
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
      for (const ParamSpec& p : info.params) absl::StrAppend(&known, known.empty() ? "" : ", ", p.name);
      return absl::InvalidArgumentError(absl::StrCat(
          "strategy '", info.name, "' has no parameter '", name, "' (it has: ",
          known.empty() ? "none" : known, ")"));
    }
    if (value < spec->min_value || value > spec->max_value) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parameter '", name, "' of strategy '", info.name, "' must be between ",
          spec->min_value, " and ", spec->max_value, ", got ", value));
    }
    resolved[name] = value;
  }
  return resolved;
}

bool consumer_internal::RegisterOrDie(StrategyInfo info) {
  const std::string name = info.name;
  const absl::Status status = StrategyRegistry::Global().Register(std::move(info));
  if (!status.ok()) {
    std::fprintf(stderr, "shardsim: cannot register strategy '%s': %s\n", name.c_str(),
                 std::string(status.message()).c_str());
    std::exit(2);
  }
  return true;
}

}  // namespace shardsim::model
