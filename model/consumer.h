// Consumers as ordinary code: the application side a consumer loop talks to, the context it
// runs in, and the registry of named strategies (consumer loops).
//
// A strategy is a coroutine written like production code against KinesisClient, plus explicit
// calls to its application: Process(record), Checkpoint(shard, sequence number), and what it
// believes — DeclareCaughtUp(shard) ("nothing more to read right now"), DeclareShardEnd(shard)
// — and a normal return. Those calls are what checkers judge. A harness may destroy the
// strategy's coroutine at any suspension point (a crash) and start it again later; the
// checkpoint store survives, everything else is lost.
//
//   sim::Task<void> DrainUntilCaughtUp(ConsumerContext& ctx) {
//     auto shards = co_await ctx.kinesis.ListShards({ctx.stream_name});
//     ...
//     auto page = co_await ctx.kinesis.GetRecords({.ShardIterator = it});
//     for (const Record& r : page->Records) co_await ctx.app.Process(shard, r);
//   }
//
// Strategies register by name with metadata (description, expected verdict, provenance,
// parameters). A user's own strategy registers the same way from the user's project:
//
//   SHARDSIM_REGISTER_STRATEGY(my_loop, (shardsim::model::StrategyInfo{
//       .name = "my-loop", .description = "...", .run = MyLoop}));
#ifndef SHARDSIM_MODEL_CONSUMER_H_
#define SHARDSIM_MODEL_CONSUMER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/client.h"
#include "sim/random.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::model {

// The properties checkers judge, by their stable names (used in expected verdicts and output).
enum class Property {
  kNoMissedRecords,     // "no_missed_records"
  kNoFalseCaughtUp,     // "no_false_caught_up"
  kNoFalseShardEnd,     // "no_false_shard_end"
  kNoDuplicates,        // "no_duplicates"
  kLineageOrder,        // "lineage_order"
  kCheckpointSafety,    // "checkpoint_safety"
  kExpiredIteratorRecovered,  // "expired_iterator_recovered"
  kBoundedCallRate,     // "bounded_call_rate"
  kTermination,         // "termination"
};
inline constexpr Property kAllProperties[] = {
    Property::kNoMissedRecords,  Property::kNoFalseCaughtUp,  Property::kNoFalseShardEnd,
    Property::kNoDuplicates,     Property::kLineageOrder,     Property::kCheckpointSafety,
    Property::kExpiredIteratorRecovered, Property::kBoundedCallRate, Property::kTermination};
std::string_view PropertyName(Property property);
std::string_view PropertyDescription(Property property);
std::optional<Property> ParseProperty(std::string_view name);

// A checkpoint: the sequence number of the last record processed on a shard, or SHARD_END
// once the shard has been read to its end (as KCL writes it).
struct Checkpoint {
  std::string sequence_number;
  bool shard_end = false;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Everything a consumer's application does that checkers watch. Implemented by the harness.
class ApplicationEvents {
 public:
  virtual ~ApplicationEvents() = default;
  virtual void OnProcess(const std::string& shard_id, const Record& record) = 0;
  virtual void OnCheckpoint(const std::string& shard_id, const Checkpoint& checkpoint) = 0;
  virtual void OnDeclareCaughtUp(const std::string& shard_id) = 0;
  virtual void OnDeclareShardEnd(const std::string& shard_id) = 0;
};

// Checkpoints by shard id; owned by the harness, so it survives consumer crashes.
class CheckpointStore {
 public:
  std::optional<Checkpoint> Read(std::string_view shard_id) const;
  void Write(std::string_view shard_id, Checkpoint checkpoint);
  // Ordered by shard id.
  const std::map<std::string, Checkpoint, std::less<>>& all() const { return checkpoints_; }

 private:
  std::map<std::string, Checkpoint, std::less<>> checkpoints_;
};

// The application a strategy feeds. Process sleeps the configured virtual time per record,
// so slow processing can let iterators expire.
class Application {
 public:
  Application(sim::Simulation& simulation, CheckpointStore& store, ApplicationEvents& events,
              Duration processing_time_per_record);

  sim::Task<void> Process(std::string shard_id, Record record);
  void Checkpoint(const std::string& shard_id, const std::string& sequence_number);
  void CheckpointShardEnd(const std::string& shard_id);
  std::optional<model::Checkpoint> ReadCheckpoint(const std::string& shard_id) const;
  void DeclareCaughtUp(const std::string& shard_id);
  void DeclareShardEnd(const std::string& shard_id);
  Duration processing_time_per_record() const { return processing_time_; }

 private:
  void TraceProcess(const std::string& shard_id, const Record& record);

  sim::Simulation* simulation_;
  CheckpointStore* store_;
  ApplicationEvents* events_;
  Duration processing_time_;
};

// Named integer parameters of a strategy, with their declared defaults.
struct ParamSpec {
  std::string name;
  int64_t default_value = 0;
  int64_t min_value = 0;
  int64_t max_value = INT64_MAX;
  std::string description;
  // The range scenario generators draw this parameter from; empty (min > max) keeps the
  // default in generated scenarios.
  int64_t generate_min = 0;
  int64_t generate_max = -1;
};

class ConsumerContext;
using StrategyFn = std::function<sim::Task<void>(ConsumerContext&)>;

struct ExpectedVerdict {
  // nullopt: the strategy is correct and every property holds.
  std::optional<Property> violates;
};

struct StrategyInfo {
  std::string name;         // [a-z0-9-]+, unique
  std::string description;  // one line: what the loop does
  ExpectedVerdict expected;
  // Where the pattern was seen: URLs or "project#issue" references.
  std::vector<std::string> provenance;
  std::vector<ParamSpec> params;
  StrategyFn run;
  // For a loop that returns normally when it believes it is done (a batch job): how long
  // after it returns the generated scenarios start it again, as a scheduler would.
  std::optional<Duration> rerun_interval;
};

// What a running strategy sees: its client, its application, the stream, its parameters.
class ConsumerContext {
 public:
  ConsumerContext(sim::Simulation& simulation, KinesisClient& kinesis, Application& app,
                  std::string stream_name, const StrategyInfo& info,
                  std::map<std::string, int64_t, std::less<>> params, int incarnation);

  sim::Simulation& sim;
  KinesisClient& kinesis;
  Application& app;
  const std::string stream_name;
  const int incarnation;  // 0 at the first start, +1 at every restart

  // The value of a declared parameter. Throws std::invalid_argument for an undeclared name
  // (a bug in the strategy, which the harness reports as the strategy's failure).
  int64_t param(std::string_view name) const;
  // Sleeps in virtual time (negative durations are a strategy bug and throw).
  sim::Simulation::SleepAwaiter Sleep(Duration d) { return sim.Sleep(d); }
  // Starts a helper process (e.g. one per shard) that dies with this consumer on a crash.
  sim::ProcessId Spawn(std::string name, sim::Task<void> task);
  const std::vector<sim::ProcessId>& spawned() const { return spawned_; }

 private:
  const StrategyInfo* info_;
  std::map<std::string, int64_t, std::less<>> params_;
  std::vector<sim::ProcessId> spawned_;
};

// Runs `body`; an exception escaping it ends it with a trace record (actor `who`, kind
// "consumer.threw") instead of failing the simulation, so a strategy that throws is judged by
// its effects.
sim::Task<void> CatchStrategyErrors(sim::Simulation& simulation, std::string who,
                                    sim::Task<void> body);

class StrategyRegistry {
 public:
  // The process-wide registry, holding the built-in catalogue and every registered strategy.
  static StrategyRegistry& Global();

  // InvalidArgument for a bad name, a missing run function or inconsistent parameter specs;
  // AlreadyExists for a duplicate name.
  absl::Status Register(StrategyInfo info);
  const StrategyInfo* Find(std::string_view name) const;
  // All strategies, ordered by name.
  std::vector<const StrategyInfo*> All() const;
  // Checks `overrides` against the strategy's specs and fills in defaults. InvalidArgument
  // names an unknown parameter or a value out of range.
  absl::StatusOr<std::map<std::string, int64_t, std::less<>>> ResolveParams(
      const StrategyInfo& info, const std::map<std::string, int64_t, std::less<>>& overrides)
      const;

 private:
  std::map<std::string, std::unique_ptr<StrategyInfo>, std::less<>> strategies_;
};

// Registers the built-in catalogue of real-world loops (done once by Global()).
void RegisterCatalogue(StrategyRegistry& registry);

namespace consumer_internal {
// For SHARDSIM_REGISTER_STRATEGY: registers or stops the program with the reason.
bool RegisterOrDie(StrategyInfo info);
}  // namespace consumer_internal

}  // namespace shardsim::model

// Registers a strategy with the global registry during static initialisation. Use it in the
// .cc file that is linked into your test executable.
#define SHARDSIM_REGISTER_STRATEGY(identifier, ...)                                 \
  static const bool shardsim_registered_strategy_##identifier [[maybe_unused]] = \
      ::shardsim::model::consumer_internal::RegisterOrDie(__VA_ARGS__)

#endif  // SHARDSIM_MODEL_CONSUMER_H_
