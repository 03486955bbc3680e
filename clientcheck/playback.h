// ScenarioPlayback: a saved scenario played inside `shardsim serve`, and the judges of the
// real clients that read it.
//
// The playback owns a simulation whose clock follows the server's virtual clock: before each
// call the server handles at virtual time t, the simulation runs up to t, so the scenario's
// puts, reshards and competing readers fire in order, each at its own time, on the server's
// model (its stream is created ACTIVE at the start, with the scenario's buckets, limits and
// retention). Crashes are not played: a real client's crashes are its own.
//
// Every client (named by its access key id) gets two properties::Judge: one in delivery mode
// (what the server saw: records returned, child shards read, shards left behind) and one fed
// the application events the client reports (POST /_shardsim/events), which applies the full
// property set once it reports any. A client's verdict is the earlier of their violations.
//
// The run is over (done()) when the liveness phase has ended, or every client has a violation
// or has converged in the liveness phase; from then on calls are answered but not judged, so
// what a client does while it is being stopped changes no verdict.
#ifndef SHARDSIM_CLIENTCHECK_PLAYBACK_H_
#define SHARDSIM_CLIENTCHECK_PLAYBACK_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/client.h"
#include "properties/judge.h"
#include "properties/scenario.h"
#include "server/service.h"
#include "sim/simulation.h"

namespace shardsim::clientcheck {

using sim::Duration;
using sim::Instant;

struct ClientVerdict {
  std::string client;
  std::optional<properties::Violation> violation;
  properties::RunStats stats;
  uint64_t requests = 0;         // Kinesis calls it made while the run was judged
  uint64_t application_events = 0;
};

class ScenarioPlayback : public server::ServiceHooks {
 public:
  // Creates the scenario's stream on `service` and schedules its events. InvalidArgument for a
  // scenario the model refuses. REQUIRES: `service` outlives the playback; its clock starts at
  // the scenario's start.
  static absl::StatusOr<std::unique_ptr<ScenarioPlayback>> Create(
      const properties::Scenario& scenario, server::KinesisService& service);
  ~ScenarioPlayback() override;

  void BeforeCall(Instant now, model::KinesisModel& model) override;
  void OnGetRecords(const model::GetRecordsCall& call) override;
  void OnGetShardIterator(const model::GetShardIteratorCall& call) override;
  void OnPut(const model::PutCall& call) override;
  void OnListShards(Instant at, const std::string& client) override;
  void OnApplicationEvent(Instant now, const std::string& client,
                          const server::ApplicationEvent& event) override;

  // Thread-safe.
  bool done() const { return done_.load(); }
  uint64_t requests() const { return requests_.load(); }
  // When the liveness phase ends (the run's end).
  Instant end() const { return end_; }
  // Thread-safe: the virtual time of the latest call.
  Instant now() const { return Instant::FromUnixMicros(now_us_.load()); }

  // The verdict of every client, by name. `exited`: the client stopped by itself (a batch job
  // at its exit, a client gone quiet), so what still lay ahead of it is not excused as late.
  // REQUIRES: no call in flight (the server stopped), called once.
  std::vector<ClientVerdict> Finish(bool exited);

 private:
  struct Client;
  ScenarioPlayback(const properties::Scenario& scenario, server::KinesisService& service);
  void Schedule();
  void Reshard(const properties::ReshardSpec& spec);
  sim::Task<void> Producer();
  Client& ClientNamed(const std::string& name);
  // A call of a client: counted, and false when it is not judged (the run is over).
  bool Judged(const std::string& client);
  void UpdateDone();

  properties::Scenario scenario_;
  server::KinesisService* service_;
  sim::Simulation sim_;
  model::KinesisClient producer_;
  model::KinesisClient admin_;
  Instant safety_end_;
  Instant end_;
  bool liveness_ = false;
  std::map<std::string, std::unique_ptr<Client>, std::less<>> clients_;
  // What every judge must know, for a client seen late: puts, closed shards, lineage.
  std::vector<model::PutCall> puts_;
  std::vector<std::string> closed_;
  std::vector<std::pair<std::string, std::vector<std::string>>> parents_;
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> requests_{0};
  std::atomic<int64_t> now_us_{0};
};

}  // namespace shardsim::clientcheck

#endif  // SHARDSIM_CLIENTCHECK_PLAYBACK_H_
