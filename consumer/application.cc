#include "consumer/application.h"

#include <utility>

#include "sim/check.h"
#include "sim/strings.h"

namespace shardsim::consumer {

std::optional<Checkpoint> CheckpointStore::Read(std::string_view shard_id) const {
  const auto it = checkpoints_.find(shard_id);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

void CheckpointStore::Write(std::string_view shard_id, Checkpoint checkpoint) {
  checkpoints_[sim::ToString(shard_id)] = std::move(checkpoint);
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
  consumer::Checkpoint checkpoint{sequence_number, false};
  simulation_->Record("app", "checkpoint", {{"shard", shard_id}, {"seq", sequence_number}});
  events_->OnCheckpoint(shard_id, checkpoint);
  store_->Write(shard_id, std::move(checkpoint));
}

void Application::CheckpointShardEnd(const std::string& shard_id) {
  consumer::Checkpoint checkpoint{"", true};
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

}  // namespace shardsim::consumer
