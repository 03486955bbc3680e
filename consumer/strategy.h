// A strategy: a consumer loop written as ordinary code, with the metadata that names it.
//
// A strategy is a coroutine written like production code against model::KinesisClient, plus
// explicit calls to its Application (consumer/application.h). A harness may destroy the
// strategy's coroutine at any suspension point (a crash) and start it again later; the
// checkpoint store survives, everything else is lost.
//
//   sim::Task<void> DrainUntilCaughtUp(ConsumerContext& ctx) {
//     auto shards = co_await ctx.kinesis.ListShards({.StreamName = ctx.stream_name});
//     ...
//     auto page = co_await ctx.kinesis.GetRecords({.ShardIterator = it});
//     for (const Record& r : page->Records) co_await ctx.app.Process(shard, r);
//   }
//
// The expected verdict names a property by its stable name ("no_false_caught_up"), not by the
// judge's enum: this library sits below the judge (shardsim::properties), which owns what each
// property means. The names are listed once, in consumer/property_names.h:
// StrategyRegistry::Register refuses any other, naming the known ones, and
// properties::ExpectedViolation (properties/property.h) turns a name into the judge's enum.
#ifndef SHARDSIM_CONSUMER_STRATEGY_H_
#define SHARDSIM_CONSUMER_STRATEGY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/application.h"
#include "model/client.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::consumer {

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
  // The stable name of the property the strategy is expected to violate first
  // ("no_missed_records", ...); nullopt: the strategy is correct and every property holds.
  std::optional<std::string> violates;
};

// How a strategy reads the stream: it polls (GetShardIterator and GetRecords), or it
// subscribes (enhanced fan-out: RegisterStreamConsumer and SubscribeToShard). Metadata for
// `list` and `demo`; the harness runs both alike.
enum class ReadApi { kPolling, kEnhancedFanOut };
// "polling" or "enhanced_fan_out", as `list --json` writes it.
std::string_view ReadApiName(ReadApi api);

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
  ReadApi reads = ReadApi::kPolling;
};

// What a running strategy sees: its client, its application, the stream, its parameters.
class ConsumerContext {
 public:
  ConsumerContext(sim::Simulation& simulation, model::KinesisClient& kinesis, Application& app,
                  std::string stream_name, const StrategyInfo& info,
                  std::map<std::string, int64_t, std::less<>> params, int incarnation);

  sim::Simulation& sim;
  model::KinesisClient& kinesis;
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

}  // namespace shardsim::consumer

#endif  // SHARDSIM_CONSUMER_STRATEGY_H_
