#include "consumer/application.h"

#include <utility>

#include "sim/check.h"
#include "sim/strings.h"

namespace shardsim::consumer {

std::optional<Checkpoint> CheckpointStore::Read(std::string_view shard_id) const {
  const Checkpoint* found = Find(shard_id);
  if (found == nullptr) return std::nullopt;
  return *found;
}

const Checkpoint* CheckpointStore::Find(std::string_view shard_id) const {
  return checkpoints_.Find(shard_id);
}

void CheckpointStore::Write(std::string_view shard_id, const Checkpoint& checkpoint) {
  checkpoints_[shard_id] = checkpoint;
}

std::optional<std::string> KeyValueStore::Read(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

void KeyValueStore::Write(std::string_view key, std::string value) {
  values_[sim::ToString(key)] = std::move(value);
}

void KeyValueStore::Erase(std::string_view key) {
  const auto it = values_.find(key);
  if (it != values_.end()) values_.erase(it);
}

Application::Application(sim::Simulation& simulation, CheckpointStore& store,
                         ApplicationEvents& events, Duration processing_time_per_record,
                         KeyValueStore* table)
    : simulation_(&simulation),
      store_(&store),
      events_(&events),
      table_(table),
      processing_time_(processing_time_per_record) {
  SHARDSIM_CHECK(processing_time_ >= Duration::Zero(), "processing time must not be negative");
}

sim::Task<void> Application::Process(std::string shard_id, Record record) {
  if (processing_time_ > Duration::Zero()) co_await simulation_->Sleep(processing_time_);
  TraceProcess(shard_id, record);
  events_->OnProcess(shard_id, record);
}

void Application::TraceProcess(const std::string& shard_id, const Record& record) {
  simulation_->trace()
      .Begin(simulation_->now(), "app", "process")
      .Add("shard", shard_id)
      .Add("seq", record.SequenceNumber)
      .Add("key", record.PartitionKey)
      .Commit();
}

void Application::Checkpoint(const std::string& shard_id, const std::string& sequence_number) {
  simulation_->trace()
      .Begin(simulation_->now(), "app", "checkpoint")
      .Add("shard", shard_id)
      .Add("seq", sequence_number)
      .Commit();
  // Built in reused room and copied into the stored entry's: a loop may checkpoint once per
  // event, and a fresh Checkpoint cost an allocation and a free each time (measured).
  written_.sequence_number.assign(sequence_number);
  written_.shard_end = false;
  events_->OnCheckpoint(shard_id, written_);
  store_->Write(shard_id, written_);
}

void Application::CheckpointShardEnd(const std::string& shard_id) {
  consumer::Checkpoint checkpoint{"", true};
  simulation_->Record("app", "checkpoint", {{"shard", shard_id}, {"seq", "SHARD_END"}});
  events_->OnCheckpoint(shard_id, checkpoint);
  store_->Write(shard_id, checkpoint);
}

std::optional<Checkpoint> Application::ReadCheckpoint(const std::string& shard_id) const {
  return store_->Read(shard_id);
}

const Checkpoint* Application::FindCheckpoint(const std::string& shard_id) const {
  return store_->Find(shard_id);
}

void Application::DeclareCaughtUp(const std::string& shard_id) {
  simulation_->Record("app", "declare.caught_up", {{"shard", shard_id}});
  events_->OnDeclareCaughtUp(shard_id);
}

void Application::DeclareShardEnd(const std::string& shard_id) {
  simulation_->Record("app", "declare.shard_end", {{"shard", shard_id}});
  events_->OnDeclareShardEnd(shard_id);
}

void Application::StoreWrite(const std::string& key, std::string value) {
  SHARDSIM_CHECK(table_ != nullptr, "this application was given no key-value table");
  simulation_->Record("app", "store.write",
                      {{"key", key}, {"bytes", static_cast<int64_t>(value.size())}});
  table_->Write(key, value);
  events_->OnStoreWrite(key, value);
}

std::optional<std::string> Application::StoreRead(const std::string& key) {
  SHARDSIM_CHECK(table_ != nullptr, "this application was given no key-value table");
  std::optional<std::string> value = table_->Read(key);
  simulation_->Record("app", "store.read", {{"key", key}, {"found", value.has_value()}});
  events_->OnStoreRead(key, value);
  return value;
}

void Application::StoreErase(const std::string& key) {
  SHARDSIM_CHECK(table_ != nullptr, "this application was given no key-value table");
  simulation_->Record("app", "store.erase", {{"key", key}});
  table_->Erase(key);
  events_->OnStoreWrite(key, std::nullopt);
}

}  // namespace shardsim::consumer
