// The application side of a consumer loop: what the loop hands its records to and what checkers
// watch. A strategy calls Process(record), Checkpoint(shard, sequence number) and states what it
// believes — DeclareCaughtUp(shard) ("nothing more to read right now"), DeclareShardEnd(shard).
// Every call is traced and reported to ApplicationEvents (the harness's judge).
//
// The CheckpointStore and the KeyValueStore are owned by the harness, so checkpoints and the
// table a loop keeps outside the stream survive a consumer crash; everything else a strategy
// holds is lost with its coroutine.
#ifndef SHARDSIM_CONSUMER_APPLICATION_H_
#define SHARDSIM_CONSUMER_APPLICATION_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/kinesis_api.h"
#include "model/shard_id_map.h"
#include "sim/simulation.h"
#include "sim/task.h"

namespace shardsim::consumer {

using model::Duration;
using model::Record;

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
  // The durable table: an acknowledged write (nullopt: the key was erased), and a read with
  // what it returned. Checkers that do not judge the table ignore them.
  virtual void OnStoreWrite(const std::string& /*key*/,
                            const std::optional<std::string>& /*value*/) {}
  virtual void OnStoreRead(const std::string& /*key*/,
                           const std::optional<std::string>& /*value*/) {}
};

// Checkpoints by shard id; owned by the harness, so it survives consumer crashes.
class CheckpointStore {
 public:
  std::optional<Checkpoint> Read(std::string_view shard_id) const;
  // The stored checkpoint without a copy (null if none); valid until the next Write.
  const Checkpoint* Find(std::string_view shard_id) const;
  // Copied into the entry's room (no allocation once it has held as long a number).
  void Write(std::string_view shard_id, const Checkpoint& checkpoint);
  // Ordered by shard id.
  const std::map<std::string, Checkpoint, std::less<>>& all() const {
    return checkpoints_.ordered();
  }

 private:
  model::ShardIdMap<Checkpoint> checkpoints_;
};

// A durable key-value table, for the state a real consumer keeps outside the stream: offsets
// in DynamoDB or Redis, a de-duplication window of recently processed sequence numbers. Owned
// by the harness like the CheckpointStore, so a write survives every later crash once
// Application::StoreWrite has returned (it is acknowledged); a crash cannot tear one. Ordered
// by key.
class KeyValueStore {
 public:
  std::optional<std::string> Read(std::string_view key) const;
  void Write(std::string_view key, std::string value);
  void Erase(std::string_view key);
  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// The application a strategy feeds. Process sleeps the configured virtual time per record,
// so slow processing can let iterators expire.
class Application {
 public:
  // `table` may be null: a StoreWrite, StoreRead or StoreErase then stops the run
  // (SHARDSIM_CHECK), since whoever built the application gave the strategy no table.
  Application(sim::Simulation& simulation, CheckpointStore& store, ApplicationEvents& events,
              Duration processing_time_per_record, KeyValueStore* table = nullptr);

  sim::Task<void> Process(std::string shard_id, Record record);
  void Checkpoint(const std::string& shard_id, const std::string& sequence_number);
  void CheckpointShardEnd(const std::string& shard_id);
  std::optional<consumer::Checkpoint> ReadCheckpoint(const std::string& shard_id) const;
  // The same without copying it: null if none, valid until the next checkpoint of any shard.
  const consumer::Checkpoint* FindCheckpoint(const std::string& shard_id) const;
  void DeclareCaughtUp(const std::string& shard_id);
  void DeclareShardEnd(const std::string& shard_id);
  // The durable table (KeyValueStore): traced, and reported to the checkers.
  void StoreWrite(const std::string& key, std::string value);
  std::optional<std::string> StoreRead(const std::string& key);
  void StoreErase(const std::string& key);
  Duration processing_time_per_record() const { return processing_time_; }

 private:
  void TraceProcess(const std::string& shard_id, const Record& record);

  sim::Simulation* simulation_;
  CheckpointStore* store_;
  ApplicationEvents* events_;
  KeyValueStore* table_;
  Duration processing_time_;
  consumer::Checkpoint written_;  // the last Checkpoint's, kept for its room
};

}  // namespace shardsim::consumer

#endif  // SHARDSIM_CONSUMER_APPLICATION_H_
