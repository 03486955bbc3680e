#include "properties/harness.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/client.h"
#include "model/hash_key.h"
#include "model/kinesis_model.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

using consumer::ConsumerContext;
using consumer::StrategyInfo;
using model::KinesisClient;

class Run {
 public:
  Run(const Scenario& scenario, const StrategyInfo& strategy,
      std::map<std::string, int64_t, std::less<>> params, const RunOptions& options)
      : scenario_(scenario),
        strategy_(strategy),
        params_(std::move(params)),
        sim_(sim::Simulation::Options{
            .seed = scenario.seed,
            .start = scenario.start,
            .max_events = scenario.max_events,
            .max_virtual_time =
                scenario.SafetyPhaseEnd() + scenario.liveness_budget + sim::Duration::Seconds(1),
            .trace_mode =
                options.keep_trace ? sim::Trace::Mode::kKeepRecords : sim::Trace::Mode::kHashOnly}),
        model_(scenario.seed),
        judge_(sim_, scenario.max_calls_per_second, scenario.stream.retention,
               std::max(Judge::kMinRestartGrace, scenario.liveness_budget)),
        producer_(sim_, model_, "producer", sim::Duration::Zero()),
        admin_(sim_, model_, "admin", sim::Duration::Zero()),
        consumer_client_(sim_, model_, "consumer", scenario.call_latency),
        app_(sim_, checkpoints_, judge_, scenario.processing_time_per_record, &table_) {
    producer_.AddObserver(&judge_);
    consumer_client_.AddObserver(&judge_);
    if (options.on_record) sim_.trace().AddObserver(options.on_record);
  }

  absl::StatusOr<RunReport> Execute(const RunOptions& options) {
    auto created = model_.CreateStream(
        sim_.now(), {.StreamName = scenario_.stream_name, .ShardCount = scenario_.shard_count},
        scenario_.stream);
    if (!created.ok()) return absl::InvalidArgumentError(created.error().ToString());
    sim_.Record("harness", "scenario",
                {{"name", scenario_.name},
                 {"strategy", strategy_.name},
                 {"seed", scenario_.seed},
                 {"shards", scenario_.shard_count},
                 {"buckets", scenario_.stream.buckets.ToString()}});
    sim_.Spawn("producer", Producer());
    for (const ReshardSpec& r : scenario_.reshards) ScheduleReshard(r);
    for (const CrashSpec& c : scenario_.crashes) ScheduleCrash(c);
    for (size_t i = 0; i < scenario_.competing_readers.size(); ++i) {
      const CompetingReaderSpec& reader = scenario_.competing_readers[i];
      judge_.OnCompetingReader(reader.shard_id, scenario_.start + reader.start,
                               scenario_.start + reader.stop, ReadBudgetShare(scenario_, reader));
      sim_.Spawn(absl::StrCat("reader-", i),
                 RunCompetingReader(sim_, model_, scenario_, scenario_.competing_readers[i], i));
    }
    StartConsumer();
    const Instant safety_end = scenario_.start + scenario_.SafetyPhaseEnd();
    const absl::StatusOr<sim::TimerId> liveness =
        sim_.ScheduleAt(safety_end, "liveness-phase", [this] {
          sim_.Record("harness", "liveness-phase", {});
          judge_.StopWhenConverged();
        });
    SHARDSIM_CHECK(liveness.ok(), "the safety phase ends after the start");
    const Instant end = safety_end + scenario_.liveness_budget;
    sim::RunResult result = sim_.RunUntil(end);
    while (result.outcome == sim::RunOutcome::kStopped && !judge_.violation() &&
           !judge_.converged()) {
      result = sim_.RunUntil(end);  // a Stop() that was not the judge's
    }
    const bool bound_hit = result.hit_bound();
    if (result.outcome == sim::RunOutcome::kFailed) {
      return absl::InternalError(
          absl::StrCat("the harness itself failed: ", sim::ToString(result.status.message())));
    }
    judge_.Finish(bound_hit, result.ToString(), scenario_.liveness_budget);
    RunReport report;
    report.scenario = scenario_.name;
    report.strategy = strategy_.name;
    report.seed = scenario_.seed;
    report.violation = judge_.violation();
    report.run = result;
    report.stats = judge_.stats();
    report.probes = judge_.probes();
    report.trace_hash = sim_.trace().hash();
    report.trace_records = sim_.trace().size();
    if (options.keep_trace) {
      report.trace_text = options.jsonl ? sim_.trace().ToJsonLines() : sim_.trace().ToText();
      report.trace = sim_.trace().records();
    }
    if (options.after_run) options.after_run(sim_.trace(), model_);
    return report;
  }

 private:
  sim::Task<void> Producer() {
    for (const PutSpec& put : scenario_.puts) {
      co_await sim_.SleepUntil(std::max(sim_.now(), scenario_.start + put.at));
      (void)producer_.PutRecordNow(
          {scenario_.stream_name, put.partition_key, put.data, std::nullopt});
    }
  }

  void ScheduleReshard(const ReshardSpec& spec) {
    const absl::StatusOr<sim::TimerId> timer =
        sim_.ScheduleAt(scenario_.start + spec.at, "reshard", [this, spec] { Reshard(spec); });
    SHARDSIM_CHECK(timer.ok(), "reshards are scheduled at or after the start");
  }

  void Reshard(const ReshardSpec& spec) {
    std::vector<std::string> closing = {spec.shard_id};
    bool done = false;
    if (spec.kind == ReshardSpec::Kind::kSplit) {
      const std::string key =
          spec.new_starting_hash_key.empty()
              ? SplitMidpoint(model_, sim_.now(), scenario_.stream_name, spec.shard_id)
              : spec.new_starting_hash_key;
      done = admin_.SplitShardNow({scenario_.stream_name, spec.shard_id, key}).ok();
    } else {
      closing.push_back(spec.adjacent_shard_id);
      done = admin_.MergeShardsNow({scenario_.stream_name, spec.shard_id, spec.adjacent_shard_id})
                 .ok();
    }
    if (!done) return;
    for (const std::string& id : closing) judge_.OnShardClosed(id);
    for (const auto& [child, parents] :
         ChildrenOf(model_, sim_.now(), scenario_.stream_name, closing)) {
      judge_.OnShardParents(child, parents);
    }
  }

  void ScheduleCrash(const CrashSpec& spec) {
    const absl::StatusOr<sim::TimerId> crash =
        sim_.ScheduleAt(scenario_.start + spec.at, "crash", [this] { Crash(); });
    SHARDSIM_CHECK(crash.ok(), "crashes are scheduled at or after the start");
    const absl::StatusOr<sim::TimerId> restart =
        sim_.ScheduleAt(scenario_.start + spec.at + spec.restart_after, "restart", [this] {
          if (!consumer_running_) {
            judge_.OnRestart(/*after_crash=*/true);
            StartConsumer();
          }
        });
    SHARDSIM_CHECK(restart.ok(), "restarts are scheduled at or after the start");
  }

  void Crash() {
    if (!consumer_running_) return;
    sim_.Record("harness", "crash", {{"incarnation", incarnation_ - 1}});
    for (sim::ProcessId id : contexts_.back()->spawned()) (void)sim_.Kill(id);
    (void)sim_.Kill(consumer_process_);
    consumer_running_ = false;
    judge_.OnCrash(checkpoints_);
  }

  void StartConsumer() {
    contexts_.push_back(std::make_unique<ConsumerContext>(
        sim_, consumer_client_, app_, scenario_.stream_name, strategy_, params_, incarnation_));
    ++incarnation_;
    consumer_running_ = true;
    consumer_process_ =
        sim_.Spawn(absl::StrCat(sim::ToAbsl(kConsumerActorPrefix), incarnation_ - 1),
                   Consumer(contexts_.back().get()));
  }

  sim::Task<void> Consumer(ConsumerContext* ctx) {
    co_await consumer::CatchStrategyErrors(
        sim_, absl::StrCat(sim::ToAbsl(kConsumerActorPrefix), ctx->incarnation),
        strategy_.run(*ctx));
    consumer_running_ = false;
    if (scenario_.rerun_after_exit.has_value()) {
      co_await sim_.Sleep(*scenario_.rerun_after_exit);
      if (!consumer_running_) {
        judge_.OnRestart(/*after_crash=*/false);
        StartConsumer();
      }
    }
  }

  const Scenario& scenario_;
  const StrategyInfo& strategy_;
  std::map<std::string, int64_t, std::less<>> params_;
  sim::Simulation sim_;
  model::KinesisModel model_;
  Judge judge_;
  KinesisClient producer_;
  KinesisClient admin_;
  KinesisClient consumer_client_;
  consumer::CheckpointStore checkpoints_;
  consumer::KeyValueStore table_;  // survives crashes, like the checkpoints
  consumer::Application app_;
  std::vector<std::unique_ptr<ConsumerContext>> contexts_;
  sim::ProcessId consumer_process_ = 0;
  bool consumer_running_ = false;
  int incarnation_ = 0;
};

}  // namespace

std::string RunReport::Summary() const {
  if (!violation.has_value()) {
    return absl::StrCat("PASS ", strategy, " on ", scenario, " (", stats.records_put, " records, ",
                        stats.get_records_calls, " GetRecords calls)");
  }
  return absl::StrCat(
      "FAIL ", sim::ToString(properties::PropertyName(violation->property)), " at ",
      violation->at.ToString(), ": ",
      absl::StrJoin(ViolationSentences(violation->message, violation->witness), "\n  "));
}

std::vector<std::string> ViolationSentences(std::string_view message,
                                            const std::vector<std::string>& witness) {
  std::vector<std::string> sentences = {std::string(message)};
  size_t next = 0;
  if (!witness.empty() && !message.empty() && message.back() == ':') {
    absl::StrAppend(&sentences.front(), " ", witness.front());
    next = 1;
  }
  sentences.insert(sentences.end(), witness.begin() + static_cast<ptrdiff_t>(next), witness.end());
  return sentences;
}

std::vector<std::pair<std::string, std::vector<std::string>>> ChildrenOf(
    model::KinesisModel& model, sim::Instant now, const std::string& stream_name,
    const std::vector<std::string>& closed) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto shards = model.ListShards(now, {.StreamName = stream_name});
  if (!shards.ok()) return out;
  for (const model::Shard& s : shards->Shards) {
    std::vector<std::string> parents;
    for (const auto& p : {s.ParentShardId, s.AdjacentParentShardId}) {
      if (p && std::find(closed.begin(), closed.end(), *p) != closed.end()) parents.push_back(*p);
    }
    if (!parents.empty()) out.emplace_back(s.ShardId, std::move(parents));
  }
  return out;
}

std::string SplitMidpoint(model::KinesisModel& model, sim::Instant now,
                          const std::string& stream_name, const std::string& shard_id) {
  auto shards = model.ListShards(now, {.StreamName = stream_name});
  if (!shards.ok()) return "";
  for (const model::Shard& s : shards->Shards) {
    if (s.ShardId != shard_id) continue;
    auto lo = model::HashKey::Parse(s.HashKeyRange.StartingHashKey);
    auto hi = model::HashKey::Parse(s.HashKeyRange.EndingHashKey);
    if (!lo.ok() || !hi.ok()) return "";
    const model::Uint128 mid = lo->value() + (hi->value() - lo->value()) / 2;
    return model::HashKey::FromUint128(mid).ToString();
  }
  return "";
}

Scenario AdaptScenario(const Scenario& scenario, const consumer::StrategyInfo& strategy) {
  Scenario out = scenario;
  if (out.strategy != strategy.name) out.params.clear();
  out.strategy = strategy.name;
  if (!out.rerun_after_exit.has_value()) out.rerun_after_exit = strategy.rerun_interval;
  return out;
}

sim::Task<void> RunCompetingReader(sim::Simulation& sim, model::KinesisModel& model,
                                   const Scenario& scenario, CompetingReaderSpec spec,
                                   size_t index) {
  model::KinesisClient client(sim, model, absl::StrCat("reader-", index), scenario.call_latency);
  co_await sim.SleepUntil(std::max(sim.now(), scenario.start + spec.start));
  std::optional<std::string> iterator;
  while (sim.now() < scenario.start + spec.stop) {
    if (!iterator.has_value()) {
      auto it = co_await client.GetShardIterator({scenario.stream_name, spec.shard_id,
                                                  model::ShardIteratorType::TRIM_HORIZON,
                                                  std::nullopt, std::nullopt});
      if (it.ok()) iterator = it->ShardIterator;
    } else {
      auto page = co_await client.GetRecords({*iterator, std::nullopt, std::nullopt});
      if (page.ok() && !page->NextShardIterator.has_value()) co_return;  // the shard ended
      if (page.ok()) {
        iterator = std::move(page->NextShardIterator);
      } else if (page.error().code != model::ErrorCode::kProvisionedThroughputExceeded) {
        iterator.reset();
      }
    }
    co_await sim.Sleep(spec.poll_interval);
  }
}

double ReadBudgetShare(const Scenario& scenario, const CompetingReaderSpec& reader) {
  const std::optional<int> limit = scenario.stream.limits.get_records_per_second;
  if (!limit.has_value() || *limit <= 0) return 0.0;
  const double polls_per_second =
      1e6 / static_cast<double>(std::max<int64_t>(
                reader.poll_interval.micros() + scenario.call_latency.micros(), 1));
  return polls_per_second / *limit;
}

absl::StatusOr<RunReport> RunScenario(const Scenario& scenario, RunOptions options,
                                      const consumer::StrategyRegistry& registry) {
  const consumer::StrategyInfo* strategy = registry.Find(scenario.strategy);
  if (strategy == nullptr) {
    const std::string program = options.program.empty() ? "shardsim" : options.program;
    return absl::InvalidArgumentError(
        absl::StrCat("unknown strategy '", scenario.strategy, "' (see `", program, " list`)"));
  }
  auto params = registry.ResolveParams(*strategy, scenario.params);
  if (!params.ok()) return params.status();
  if (absl::Status s = scenario.stream.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario '", scenario.name, "': ", sim::ToString(s.message())));
  }
  if (scenario.shard_count < 1 || scenario.shard_count > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario '", scenario.name, "': shard_count must be 1 to 64"));
  }
  Run run(scenario, *strategy, *std::move(params), options);
  return run.Execute(options);
}

}  // namespace shardsim::properties
