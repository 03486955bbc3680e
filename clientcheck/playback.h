// ScenarioPlayback: a saved scenario played inside `shardsim serve`, and the judges of the
// real clients that read it.
//
// The playback owns a simulation whose clock follows the server's virtual clock: before each
// call the server handles at virtual time t, the simulation runs up to t, so the scenario's
// puts, reshards and competing readers fire in order, each at its own time, on the server's
// model (its stream is created ACTIVE at the start, with the scenario's buckets, limits and
// retention).
//
// Crashes are played only when a runner owns the client's process (PlayProcess, as
// `check --client` does; `serve --scenario` has no process to kill). A crash at virtual time T
// falls due at the first request (a Kinesis call or an events report) whose clock time is at
// or after T: that request is held until the runner has killed the process (SIGKILL), then
// dropped (ServiceHooks::Admit), so the client's state at the kill is exactly what it was when
// it sent it, a function of virtual time and request order. The judges are told of the crash
// at T and of the restart at the time the scenario says, as the C++ harness tells them; a
// batch job's reruns are restarts too. Judges of a client first seen after a crash do not
// know of it.
//
// Every client (named by its access key id) gets two properties::Judge: one in delivery mode
// (what the server saw: records returned, child shards read, shards left behind) and one fed
// the application events the client reports (POST /_shardsim/events), which applies the full
// property set once it reports any. A client's verdict is the earlier of their violations.
//
// Under a per-request clock, the clock jumps after calls that changed nothing (FastForward:
// idle stretches cost a few calls, and a client that stopped reading reaches the run's end).
//
// The run is over (done()) when the liveness phase has ended, when in it every client stopped
// reading (FastForward::StoppedReading), or every client has a violation
// or has converged in the liveness phase; from then on calls are answered but not judged, so
// what a client does while it is being stopped changes no verdict.
#ifndef SHARDSIM_CLIENTCHECK_PLAYBACK_H_
#define SHARDSIM_CLIENTCHECK_PLAYBACK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientcheck/fast_forward.h"
#include "consumer/application.h"
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
  properties::ProbeSet probes;
  uint64_t requests = 0;  // Kinesis calls it made while the run was judged
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

  // From now on the scenario's crashes and the client's exits are played on a process that
  // a runner on another thread owns (see the header comment). REQUIRES: before any request.
  void PlayProcess();

  bool Admit(Instant now) override;
  void BeforeCall(Instant now, model::KinesisModel& model) override;
  void OnGetRecords(const model::GetRecordsCall& call) override;
  void OnGetShardIterator(const model::GetShardIteratorCall& call) override;
  void OnPut(const model::PutCall& call) override;
  void OnListShards(Instant at, const std::string& client) override;
  // A real client's subscriptions (SubscribeToShard served), judged as the simulated client's.
  void OnSubscribeToShard(const model::SubscribeToShardCall& call) override;
  void OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) override;
  void OnApplicationEvent(Instant now, const std::string& client,
                          const server::ApplicationEvent& event) override;
  Duration JumpAfterCall(Instant now, std::string_view client, Duration step) override;
  // What the client's process tree (SetClientProcess) is doing; nullopt without PlayProcess;
  // busy once the run is over.
  std::optional<server::ClientActivity> ClientActivityNow() override;
  // The scenario's next event after `now` (a put, a reshard, a crash, a restart).
  std::optional<Instant> NextScheduledAfter(Instant now) override;

  // Thread-safe.
  bool done() const { return done_.load(); }
  uint64_t requests() const { return requests_.load(); }
  // When the liveness phase ends (the run's end).
  Instant end() const { return end_; }
  // Thread-safe: the virtual time of the latest call.
  Instant now() const { return Instant::FromUnixMicros(now_us_.load()); }

  // The runner's side of PlayProcess; thread-safe.
  // The client's process (the root of its tree) from now on; 0 while none runs.
  void SetClientProcess(int pid) { client_pid_ = pid; }
  // Grows with every Kinesis call and every subscription event the client is sent: a client
  // that reads only its subscriptions is not hung.
  uint64_t progress() const { return progress_.load(); }
  // A crash fell due: kill the process now (its held request waits for Killed).
  bool kill_due() const { return kill_due_.load(); }
  // The process is dead: its held request is dropped. Returns the time the clock must be set
  // to before the process starts again (the crash's restart), or nullopt when the clock is
  // already there.
  std::optional<Instant> Killed();
  // The process exited by itself with status 0 when the clock read `now`: the time it starts
  // again (a crash's restart or its scheduled rerun, whichever comes first), or nullopt when
  // that lies at or after the run's end.
  std::optional<Instant> Exited(Instant now);
  // The runner is stopping: a held request is dropped, and none is held from now on.
  void Release();
  // Crashes played on the process.
  int crashes_played() const { return crashes_played_.load(); }
  // Thread-safe: the clock's jumps after idle calls, and the virtual time they covered.
  uint64_t jumps() const;
  Duration jumped() const;
  // Thread-safe: the run ended in its liveness phase because every client stopped reading.
  bool stopped_reading() const { return stopped_reading_.load(); }
  // Thread-safe: the Kinesis calls answered under the per-request clock until the run was over
  // (what a client sends while it is being stopped depends on wall time, and is not counted).
  uint64_t calls() const { return calls_.load(); }
  // What `client` was reading, shard by shard (FastForward::DescribeReading), and, when some of
  // its GetRecords were throttled, how many and where (naming the scenario's competing reader
  // of that shard, if it has one). Thread-safe.
  std::string ReadingSummary(const std::string& client) const;

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
  // Runs the simulation up to `now` (events due at `now` fire first).
  void RunTo(Instant now);
  void Crash();
  // The first restart time after `t` among the scenario's crashes, if any.
  std::optional<Instant> RestartAfter(Instant t) const;

  properties::Scenario scenario_;
  server::KinesisService* service_;
  sim::Simulation sim_;
  model::KinesisClient producer_;
  model::KinesisClient admin_;
  Instant safety_end_;
  Instant end_;
  FastForward fast_forward_;
  bool liveness_ = false;
  std::map<std::string, std::unique_ptr<Client>, std::less<>> clients_;
  // What every judge must know, for a client seen late: puts, closed shards, lineage.
  std::vector<model::PutCall> puts_;
  std::vector<std::string> closed_;
  std::vector<std::pair<std::string, std::vector<std::string>>> parents_;
  // Guards everything below it that both the server's thread and a runner touch.
  // Recursive: the producer's puts reach OnPut from inside the simulation.
  mutable std::recursive_mutex mu_;
  std::condition_variable_any held_;
  bool plays_process_ = false;
  bool released_ = false;  // the runner is stopping: no request is held any more
  bool running_ = true;    // the process runs, in virtual time
  Instant crashed_at_;     // the crash that fell due
  Instant dropped_at_;     // the clock's time at the held request
  std::atomic<bool> kill_due_{false};
  std::atomic<int> crashes_played_{0};
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> calls_{0};
  std::atomic<uint64_t> progress_{0};
  std::atomic<int> client_pid_{0};
  std::atomic<bool> stopped_reading_{false};
  std::atomic<int64_t> now_us_{0};
};

}  // namespace shardsim::clientcheck

#endif  // SHARDSIM_CLIENTCHECK_PLAYBACK_H_
