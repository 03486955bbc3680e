#include "clientcheck/playback.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientcheck/internal/process_activity.h"
#include "model/hash_key.h"
#include "properties/harness.h"

namespace shardsim::clientcheck {

namespace {
// Per-request clocks can run past the scenario's end while a client is being stopped; the
// simulation only needs to reach it, so its own bounds lie far beyond.
constexpr Duration kSimulationSpan = Duration::Micros(int64_t{3650} * 86'400 * 1'000'000);
// RunUntil returns early when a judge stops the simulation; a bound on the retries.
constexpr int kMaxRunRetries = 64;
// How long a held request waits for its runner to kill the client (a runner polls every few
// milliseconds; this only bounds a runner that went away).
constexpr auto kHoldBound = std::chrono::seconds(30);
using Lock = std::lock_guard<std::recursive_mutex>;
}  // namespace

struct ScenarioPlayback::Client {
  Client(sim::Simulation& sim, const properties::Scenario& scenario)
      : delivery(sim, scenario.max_calls_per_second, scenario.stream.retention,
                 std::max(properties::Judge::kMinRestartGrace, scenario.liveness_budget)),
        application(sim, scenario.max_calls_per_second, scenario.stream.retention,
                    std::max(properties::Judge::kMinRestartGrace, scenario.liveness_budget)) {
    delivery.JudgeDeliveries();
  }
  properties::Judge delivery;
  properties::Judge application;
  uint64_t requests = 0;
  uint64_t application_events = 0;
  // What the client reported as checkpointed (what a crash leaves it, for the judges).
  consumer::CheckpointStore checkpoints;

  bool over() const {
    if (delivery.violation() || application.violation()) return true;
    return delivery.converged() && (application_events == 0 || application.converged());
  }
  template <typename F>
  void Both(F f) {
    f(delivery);
    f(application);
  }
};

ScenarioPlayback::ScenarioPlayback(const properties::Scenario& scenario,
                                   server::KinesisService& service)
    : scenario_(scenario),
      service_(&service),
      sim_(sim::Simulation::Options{.seed = scenario.seed,
                                    .start = scenario.start,
                                    .max_events = scenario.max_events,
                                    .max_virtual_time = kSimulationSpan,
                                    .trace_mode = sim::Trace::Mode::kHashOnly}),
      producer_(sim_, service.model(), "producer", Duration::Zero()),
      admin_(sim_, service.model(), "admin", Duration::Zero()),
      safety_end_(scenario.start + scenario.SafetyPhaseEnd()),
      end_(safety_end_ + scenario.liveness_budget),
      fast_forward_(scenario, safety_end_, end_) {
  producer_.AddObserver(this);
  now_us_ = scenario.start.unix_micros();
}

ScenarioPlayback::~ScenarioPlayback() = default;

absl::StatusOr<std::unique_ptr<ScenarioPlayback>> ScenarioPlayback::Create(
    const properties::Scenario& scenario, server::KinesisService& service) {
  if (absl::Status s = scenario.stream.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario '", scenario.name, "': ", s.message()));
  }
  if (scenario.shard_count < 1 || scenario.shard_count > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario '", scenario.name, "': shard_count must be 1 to 64"));
  }
  if (service.clock().Now() != scenario.start) {
    return absl::InvalidArgumentError("the server's clock must start at the scenario's start");
  }
  if (absl::Status s =
          service.AddStream(scenario.stream_name, scenario.shard_count, scenario.stream);
      !s.ok()) {
    return s;
  }
  std::unique_ptr<ScenarioPlayback> playback(new ScenarioPlayback(scenario, service));
  playback->Schedule();
  return playback;
}

void ScenarioPlayback::Schedule() {
  sim_.Spawn("producer", Producer());
  for (const properties::ReshardSpec& r : scenario_.reshards) {
    const absl::StatusOr<sim::TimerId> timer =
        sim_.ScheduleAt(scenario_.start + r.at, "reshard", [this, r] { Reshard(r); });
    SHARDSIM_CHECK(timer.ok(), "reshards are scheduled at or after the start");
  }
  for (size_t i = 0; i < scenario_.competing_readers.size(); ++i) {
    sim_.Spawn(absl::StrCat("reader-", i),
               properties::RunCompetingReader(sim_, service_->model(), scenario_,
                                              scenario_.competing_readers[i], i));
  }
  const absl::StatusOr<sim::TimerId> liveness = sim_.ScheduleAt(safety_end_, "liveness", [this] {
    liveness_ = true;
    for (auto& [name, client] : clients_)
      client->Both([](properties::Judge& j) { j.StopWhenConverged(); });
  });
  SHARDSIM_CHECK(liveness.ok(), "the safety phase ends after the start");
}

sim::Task<void> ScenarioPlayback::Producer() {
  for (const properties::PutSpec& put : scenario_.puts) {
    co_await sim_.SleepUntil(std::max(sim_.now(), scenario_.start + put.at));
    (void)producer_.PutRecordNow(
        {scenario_.stream_name, put.partition_key, put.data, std::nullopt});
  }
}

void ScenarioPlayback::Reshard(const properties::ReshardSpec& spec) {
  auto listed = service_->model().ListShards(sim_.now(), {.StreamName = scenario_.stream_name});
  if (!listed.ok()) return;
  std::vector<std::string> closing = {spec.shard_id};
  bool ok = false;
  if (spec.kind == properties::ReshardSpec::Kind::kSplit) {
    std::string key = spec.new_starting_hash_key;
    for (const model::Shard& s : listed->Shards) {
      if (s.ShardId != spec.shard_id || !key.empty()) continue;
      auto lo = model::HashKey::Parse(s.HashKeyRange.StartingHashKey);
      auto hi = model::HashKey::Parse(s.HashKeyRange.EndingHashKey);
      if (lo.ok() && hi.ok()) {
        key = model::HashKey::FromUint128(lo->value() + (hi->value() - lo->value()) / 2).ToString();
      }
    }
    ok = admin_.SplitShardNow({scenario_.stream_name, spec.shard_id, key}).ok();
  } else {
    closing.push_back(spec.adjacent_shard_id);
    ok = admin_.MergeShardsNow({scenario_.stream_name, spec.shard_id, spec.adjacent_shard_id}).ok();
  }
  if (!ok) return;
  for (const std::string& id : closing) {
    closed_.push_back(id);
    for (auto& [name, client] : clients_)
      client->Both([&](properties::Judge& j) { j.OnShardClosed(id); });
  }
  for (const auto& lineage :
       properties::ChildrenOf(service_->model(), sim_.now(), scenario_.stream_name, closing)) {
    parents_.push_back(lineage);
    for (auto& [name, client] : clients_) {
      client->Both([&](properties::Judge& j) { j.OnShardParents(lineage.first, lineage.second); });
    }
  }
}

void ScenarioPlayback::PlayProcess() {
  Lock lock(mu_);
  plays_process_ = true;
  for (const properties::CrashSpec& c : scenario_.crashes) {
    const Instant restart_at = scenario_.start + c.at + c.restart_after;
    const absl::StatusOr<sim::TimerId> crash =
        sim_.ScheduleAt(scenario_.start + c.at, "crash", [this] { Crash(); });
    SHARDSIM_CHECK(crash.ok(), "crashes are scheduled at or after the start");
    const absl::StatusOr<sim::TimerId> restart = sim_.ScheduleAt(restart_at, "restart", [this] {
      if (running_) return;
      running_ = true;
      for (auto& [name, client] : clients_) {
        client->Both([](properties::Judge& j) { j.OnRestart(/*after_crash=*/true); });
      }
    });
    SHARDSIM_CHECK(restart.ok(), "restarts are scheduled at or after the start");
  }
}

void ScenarioPlayback::Crash() {
  if (!running_ || done()) return;  // as the harness: a consumer that is not running is not crashed
  running_ = false;
  crashed_at_ = sim_.now();
  for (auto& entry : clients_) {
    Client& client = *entry.second;
    client.Both([&](properties::Judge& j) { j.OnCrash(client.checkpoints); });
  }
  ++crashes_played_;
  kill_due_ = true;
}

std::optional<Instant> ScenarioPlayback::RestartAfter(Instant t) const {
  std::optional<Instant> first;
  for (const properties::CrashSpec& c : scenario_.crashes) {
    const Instant r = scenario_.start + c.at + c.restart_after;
    if (r > t && (!first || r < *first)) first = r;
  }
  return first;
}

bool ScenarioPlayback::Admit(Instant now) {
  if (!plays_process_) return true;
  std::unique_lock<std::recursive_mutex> lock(mu_);
  if (done() || released_) return true;
  RunTo(now);
  if (done()) {
    kill_due_ = false;
    return true;  // the run is over: nothing is judged, the runner stops the client
  }
  if (kill_due_) {
    dropped_at_ = now;
    held_.wait_for(lock, kHoldBound, [this] { return !kill_due_.load(); });
    kill_due_ = false;
    return false;
  }
  return running_;  // a request of a process that is down (a straggler of a killed one)
}

std::optional<Instant> ScenarioPlayback::Killed() {
  Lock lock(mu_);
  kill_due_ = false;
  held_.notify_all();
  // The harness's next start after a crash: the first restart to fall due after it.
  const std::optional<Instant> at = RestartAfter(crashed_at_);
  SHARDSIM_CHECK(at.has_value(), "a crash's own restart lies after it");
  if (*at <= dropped_at_) return std::nullopt;
  return at;
}

std::optional<Instant> ScenarioPlayback::Exited(Instant now) {
  Lock lock(mu_);
  running_ = false;
  std::optional<Instant> next = RestartAfter(now);
  if (scenario_.rerun_after_exit) {
    const Instant rerun_at = now + *scenario_.rerun_after_exit;
    const absl::StatusOr<sim::TimerId> rerun =
        sim_.ScheduleAt(std::max(rerun_at, sim_.now()), "rerun", [this] {
          if (running_) return;  // a crash's restart came first
          running_ = true;
          for (auto& [name, client] : clients_) {
            client->Both([](properties::Judge& j) { j.OnRestart(/*after_crash=*/false); });
          }
        });
    SHARDSIM_CHECK(rerun.ok(), "a rerun lies after the exit");
    if (!next || rerun_at < *next) next = rerun_at;
  }
  if (!next || *next >= end_) return std::nullopt;
  return next;
}

void ScenarioPlayback::Release() {
  Lock lock(mu_);
  released_ = true;
  kill_due_ = false;
  held_.notify_all();
}

void ScenarioPlayback::BeforeCall(Instant now, model::KinesisModel&) {
  Lock lock(mu_);
  fast_forward_.BeginCall();
  if (done()) return;
  RunTo(now);
}

Duration ScenarioPlayback::JumpAfterCall(Instant now, std::string_view client, Duration step) {
  Lock lock(mu_);
  ++progress_;
  if (done()) return Duration::Zero();  // what a client sends while it is stopped is not counted
  ++calls_;
  const Duration jump = fast_forward_.JumpAfterCall(now, client, step);
  if (liveness_ && fast_forward_.StoppedReading()) {
    stopped_reading_ = true;
    done_ = true;  // judged at this time: what it left behind stays left behind
    return Duration::Zero();
  }
  return jump;
}

std::string ScenarioPlayback::ReadingSummary(const std::string& client) const {
  Lock lock(mu_);
  const std::string reading = fast_forward_.DescribeReading(client);
  std::string out =
      reading.empty() ? "it held no shard iterator" : absl::StrCat("it was reading ", reading);
  const uint64_t throttled = fast_forward_.throttled(client);
  if (throttled == 0) return out;
  const std::string shard = fast_forward_.last_throttled_shard(client);
  absl::StrAppend(&out, "; ", throttled, throttled == 1 ? " GetRecords was" : " GetRecords were",
                  " throttled (ProvisionedThroughputExceededException), the latest on ", shard);
  for (const properties::CompetingReaderSpec& r : scenario_.competing_readers) {
    if (r.shard_id != shard) continue;
    absl::StrAppend(&out, ", which the scenario's competing reader reads from ",
                    (scenario_.start + r.start).ToString(), " to ",
                    (scenario_.start + r.stop).ToString(), " every ", r.poll_interval.ToString());
  }
  return out;
}

uint64_t ScenarioPlayback::jumps() const {
  Lock lock(mu_);
  return fast_forward_.jumps();
}

Duration ScenarioPlayback::jumped() const {
  Lock lock(mu_);
  return fast_forward_.jumped();
}

void ScenarioPlayback::RunTo(Instant now) {
  // Events due at `now` itself fire before the call; a judge's Stop() ends a run early.
  for (int i = 0; i < kMaxRunRetries && sim_.now() <= now; ++i) {
    if (sim_.RunUntil(now).outcome != sim::RunOutcome::kStopped) break;
  }
  now_us_ = sim_.now().unix_micros();
  UpdateDone();
}

ScenarioPlayback::Client& ScenarioPlayback::ClientNamed(const std::string& name) {
  auto it = clients_.find(name);
  if (it != clients_.end()) return *it->second;
  auto client = std::make_unique<Client>(sim_, scenario_);
  client->Both([&](properties::Judge& j) {
    for (const model::PutCall& put : puts_) j.OnPut(put);
    for (const std::string& id : closed_) j.OnShardClosed(id);
    for (const auto& [child, parents] : parents_) j.OnShardParents(child, parents);
    for (const properties::CompetingReaderSpec& r : scenario_.competing_readers) {
      j.OnCompetingReader(r.shard_id, scenario_.start + r.start, scenario_.start + r.stop,
                          properties::ReadBudgetShare(scenario_, r));
    }
    if (liveness_) j.StopWhenConverged();
  });
  return *clients_.emplace(name, std::move(client)).first->second;
}

bool ScenarioPlayback::Judged(const std::string& client) {
  if (done()) return false;
  ++ClientNamed(client).requests;
  ++requests_;
  return true;
}

void ScenarioPlayback::UpdateDone() {
  if (sim_.now() >= end_) {
    done_ = true;
    return;
  }
  if (clients_.empty()) return;
  const bool all_over = std::all_of(clients_.begin(), clients_.end(),
                                    [](const auto& entry) { return entry.second->over(); });
  if (all_over) done_ = true;
}

void ScenarioPlayback::OnGetRecords(const model::GetRecordsCall& call) {
  Lock lock(mu_);
  fast_forward_.OnGetRecords(call);
  if (!Judged(call.client)) return;
  ClientNamed(call.client).Both([&](properties::Judge& j) { j.OnGetRecords(call); });
  UpdateDone();
}

void ScenarioPlayback::OnGetShardIterator(const model::GetShardIteratorCall& call) {
  Lock lock(mu_);
  fast_forward_.OnGetShardIterator(call);
  if (!Judged(call.client)) return;
  ClientNamed(call.client).Both([&](properties::Judge& j) { j.OnGetShardIterator(call); });
  UpdateDone();
}

void ScenarioPlayback::OnListShards(Instant at, const std::string& client) {
  Lock lock(mu_);
  if (!Judged(client)) return;
  ClientNamed(client).Both([&](properties::Judge& j) { j.OnListShards(at, client); });
  UpdateDone();
}

void ScenarioPlayback::OnSubscribeToShard(const model::SubscribeToShardCall& call) {
  Lock lock(mu_);
  fast_forward_.OnSubscribeToShard(call);
  if (!Judged(call.client)) return;
  ClientNamed(call.client).Both([&](properties::Judge& j) { j.OnSubscribeToShard(call); });
  UpdateDone();
}

std::optional<server::ClientActivity> ScenarioPlayback::ClientActivityNow() {
  if (!plays_process_) return std::nullopt;
  // Once the run is over the runner stops the client, at a wall time of its own: no
  // subscription moves the clock after that, so the log ends where the run did.
  if (done()) return server::ClientActivity{};  // busy
  return internal::LookAtProcessTree(client_pid_.load());
}

std::optional<Instant> ScenarioPlayback::NextScheduledAfter(Instant now) {
  Lock lock(mu_);
  const Instant next = fast_forward_.NextEventAfter(now);
  if (next <= now) return std::nullopt;
  return next;
}

void ScenarioPlayback::OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) {
  Lock lock(mu_);
  ++progress_;
  fast_forward_.OnSubscriptionDelivery(delivery);
  if (!Judged(delivery.client)) return;
  ClientNamed(delivery.client).Both([&](properties::Judge& j) {
    j.OnSubscriptionDelivery(delivery);
  });
  UpdateDone();
}

void ScenarioPlayback::OnPut(const model::PutCall& call) {
  Lock lock(mu_);
  if (done()) return;
  if (call.client != producer_.name()) {
    if (!Judged(call.client)) return;
  }
  if (!call.outcome.ok()) return;
  puts_.push_back(call);
  for (auto& [name, client] : clients_) client->Both([&](properties::Judge& j) { j.OnPut(call); });
}

void ScenarioPlayback::OnApplicationEvent(Instant, const std::string& client_name,
                                          const server::ApplicationEvent& event) {
  Lock lock(mu_);
  if (done()) return;
  Client& client = ClientNamed(client_name);
  ++client.application_events;
  properties::Judge& judge = client.application;
  using Type = server::ApplicationEvent::Type;
  switch (event.type) {
    case Type::kProcessed: {
      model::Record record;
      record.SequenceNumber = event.sequence_number;
      judge.OnProcess(event.shard_id, record);
      break;
    }
    case Type::kCheckpoint: {
      const consumer::Checkpoint checkpoint{event.sequence_number, event.shard_end};
      client.checkpoints.Write(event.shard_id, checkpoint);
      judge.OnCheckpoint(event.shard_id, checkpoint);
      break;
    }
    case Type::kCaughtUp:
      judge.OnDeclareCaughtUp(event.shard_id);
      break;
    case Type::kShardEnd:
      judge.OnDeclareShardEnd(event.shard_id);
      break;
  }
  UpdateDone();
}

std::vector<ClientVerdict> ScenarioPlayback::Finish(bool exited) {
  Lock lock(mu_);
  std::vector<ClientVerdict> out;
  for (auto& [name, client] : clients_) {
    client->Both([&](properties::Judge& j) {
      // A client that stopped reading is not on its way to what lies ahead of it either.
      if (exited || stopped_reading_) j.OnConsumerExited();
      j.Finish(false, "", scenario_.liveness_budget);
    });
    ClientVerdict v;
    v.client = name;
    v.stats = client->delivery.stats();
    v.probes = client->delivery.probes();
    v.requests = client->requests;
    v.application_events = client->application_events;
    v.violation = client->delivery.violation();
    const auto& app = client->application.violation();
    if (client->application_events > 0 && app && (!v.violation || app->at <= v.violation->at)) {
      v.violation = app;
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace shardsim::clientcheck
