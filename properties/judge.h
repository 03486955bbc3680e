// The judge: watches every call and application event of a run and checks the stream-consumer
// properties (properties::Property), stopping the run at the first violation.
//
// Online checks (as events happen): no false "caught up", no false "shard end", no
// duplicates beyond at-least-once redelivery after a crash, per-partition-key order across
// the shard lineage, checkpoint safety, no reuse of an expired iterator, bounded call rate.
// End-of-run checks: no missed records, termination within bounds. A run whose liveness budget
// runs out while the consumer is still reading its way toward records it has not processed
// (it moved a read position forward behind a shard's tip, or processed a record, in the last
// `kProgressWindow`, and has not read past any of them) ends in a termination verdict naming
// how far it got, not in missed records: it was late, and nothing says it would not have read
// them. Following the tip of a shard it has read to its end (every record read past,
// MillisBehindLatest 0 since) is not reading toward anything: such a run still misses records.
//
// Delivery mode (JudgeDeliveries) judges a real client from what a server saw of it: a record
// a GetRecords call returned counts as processed (a real client reads at least once, so a
// record returned again is never a duplicate), a read of a child shard while a parent still
// holds records the client was not given violates lineage_order, and at the end a shard whose
// undelivered records lie past the client's last position there was abandoned
// (no_abandoned_shard, naming the last MillisBehindLatest and the empty pages in a row).
#ifndef SHARDSIM_PROPERTIES_JUDGE_H_
#define SHARDSIM_PROPERTIES_JUDGE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consumer/application.h"
#include "model/client.h"
#include "model/sequence_number.h"
#include "model/shard_id_map.h"
#include "properties/probes.h"
#include "properties/property.h"
#include "sim/simulation.h"

namespace shardsim::properties {

using sim::Duration;
using sim::Instant;

struct Violation {
  Property property;
  Instant at;
  std::string message;               // one sentence naming what went wrong
  std::vector<std::string> witness;  // the records / call involved, one per line
};

struct RunStats {
  uint64_t records_put = 0;
  uint64_t records_processed = 0;  // distinct records
  uint64_t redeliveries = 0;
  uint64_t get_records_calls = 0;
  uint64_t empty_pages = 0;
  uint64_t throttled_calls = 0;
  uint64_t expired_iterator_errors = 0;
  uint64_t checkpoints = 0;
  uint64_t subscription_events = 0;
  uint64_t empty_events = 0;
  uint64_t crashes = 0;
  uint64_t restarts = 0;
};

class Judge : public model::CallObserver, public consumer::ApplicationEvents {
 public:
  // `retention`: records that expire unprocessed while a crashed consumer is down (or within
  // `restart_grace` of its restart: the time a correct consumer may need to walk back to them)
  // are not counted as missed: no consumer could have read them.
  Judge(sim::Simulation& simulation, int max_calls_per_second, Duration retention,
        Duration restart_grace = kMinRestartGrace);
  static constexpr Duration kMinRestartGrace = Duration::Micros(5 * 60 * 1'000'000LL);

  // Producer side: observe the producer's client for puts.
  void OnPut(const model::PutCall& call) override;
  // Consumer side: observe the consumer's client.
  void OnGetRecords(const model::GetRecordsCall& call) override;
  void OnGetShardIterator(const model::GetShardIteratorCall& call) override;
  void OnListShards(Instant at, const std::string& client) override;
  // Enhanced fan-out: a subscription's start (no_skipping_subscription), and its events, read
  // as GetRecords pages are.
  void OnSubscribeToShard(const model::SubscribeToShardCall& call) override;
  void OnSubscriptionDelivery(const model::SubscriptionDelivery& delivery) override;
  void OnProcess(const std::string& shard_id, const model::Record& record) override;
  void OnCheckpoint(const std::string& shard_id, const consumer::Checkpoint& checkpoint) override;
  void OnDeclareCaughtUp(const std::string& shard_id) override;
  void OnDeclareShardEnd(const std::string& shard_id) override;
  // The durable table: every read must return the last acknowledged write of its key.
  void OnStoreWrite(const std::string& key, const std::optional<std::string>& value) override;
  void OnStoreRead(const std::string& key, const std::optional<std::string>& value) override;

  // See the header comment: from now on, returned records count as processed.
  void JudgeDeliveries() { deliveries_ = true; }
  // The consumer stopped by itself before the end (a batch job that exited, a client that
  // went quiet): records still ahead of it at Finish are not excused as late.
  void OnConsumerExited() { exited_ = true; }

  // Harness events.
  void OnShardClosed(const std::string& shard_id);
  // `child` was created by a split or merge of `parents`.
  void OnShardParents(const std::string& child, std::vector<std::string> parents);
  void OnCrash(const consumer::CheckpointStore& checkpoints);
  // `after_crash`: the restart ends a crash's downtime (not a scheduled rerun).
  void OnRestart(bool after_crash);
  // Another application reads `shard_id` from `start` to `stop` (its GetRecords spend the
  // shard's read budget): a throttled read of the consumer then is a probe. `budget_share` is
  // the share of the shard's GetRecords budget its polls take (polls per second / the limit;
  // 0 without a limit): while the readers of a shard take it all, no consumer can read there,
  // and records that expire meanwhile (or within the restart grace after) are not missed.
  void OnCompetingReader(const std::string& shard_id, Instant start, Instant stop,
                         double budget_share = 0.0);
  // From now on, stop the run as soon as every record put has been processed or has expired
  // (the liveness phase has nothing left to show). Stops at once if that is already so.
  void StopWhenConverged();
  bool converged() const { return converged_; }
  // End of run: liveness checks. `bound_hit` says the run stopped at an event or time bound;
  // `liveness_budget` is the one the run had (for the message when it ran out).
  void Finish(bool bound_hit, const std::string& bound_description, Duration liveness_budget);

  static constexpr Duration kProgressWindow = Duration::Micros(10 * 60 * 1'000'000LL);

  const std::optional<Violation>& violation() const { return violation_; }
  const RunStats& stats() const { return stats_; }
  // The domain situations the run reached so far (properties/probes.h).
  ProbeSet probes() const { return probes_; }

 private:
  struct PutRecord {
    std::string shard_id;
    std::string sequence_number;
    std::string partition_key;
    Instant arrival;
    uint64_t key_index;  // position among the puts of its partition key
    int times_processed = 0;
    int last_incarnation = -1;
    std::optional<model::SequenceNumber> number = std::nullopt;  // sequence_number, parsed once
  };
  struct ShardState {
    std::vector<uint64_t> records;  // indices into records_, in sequence order
    std::optional<Instant> last_read;
    // How many of the shard's records had been put when the consumer last read it (a put at
    // the same instant as a read may come after it).
    std::optional<size_t> put_at_last_read;
    bool closed = false;
    std::optional<consumer::Checkpoint> checkpoint;
    std::optional<model::SequenceNumber> checkpoint_number;  // its sequence number, parsed
    // The last read that moved forward behind the tip: when, to which bucket, and how far
    // behind the tip it still was.
    std::optional<Instant> last_advance;
    uint64_t advanced_to_bucket = 0;
    int64_t behind_ms = 0;
    // The consumer's last read left it at the shard's tip (MillisBehindLatest 0) past every
    // record of the shard: reading on from there follows the tip as buckets close, it does not
    // read toward any record, so it is no progress toward records missed elsewhere. Cleared by
    // a put on the shard, a new iterator for it and a restart.
    bool following_tip = false;
    // Where the consumer's last read of the shard left it: the shard's records before this
    // one (by ordinal) it has passed; absent before its first read.
    std::optional<uint64_t> next_ordinal;
    // The last GetRecords answer on the shard, and how many empty pages in a row ended there.
    int64_t last_behind_ms = 0;
    uint64_t empty_in_a_row = 0;
    std::vector<std::string> parents;
    // When the consumer's last subscription to the shard ran out its five minutes with the
    // shard not read to its end; cleared by the next subscription.
    std::optional<Instant> subscription_expired_at;
  };

  void Violate(Property property, std::string message, std::vector<std::string> witness = {});
  // Counts a call on `target` (a shard id, or "ListShards") in its trailing second.
  void CountCall(const std::string& target);
  PutRecord* FindRecord(const std::string& shard_id, const std::string& sequence_number);
  std::string Describe(const PutRecord& r) const;
  // The first unexpired, unprocessed record among the first `limit` of the shard (all of
  // them without a limit).
  std::optional<const PutRecord*> FirstUnprocessed(const ShardState& shard,
                                                   std::optional<size_t> limit) const;

  bool ExpiredWhileDown(const PutRecord& r) const;
  // Every record has been processed, or has expired and can no longer be.
  bool NothingLeftToRead() const;
  // If the consumer advanced on a shard behind its tip, or processed records, within
  // kProgressWindow of now: what it was doing, shard by shard, with the records not yet
  // processed (`missed_by_shard`): "reading S at bucket b, 2h behind its tip (3 records not yet
  // processed); not reading T (1 record not yet processed, last read at ...)".
  std::optional<std::string> RecentProgress(
      const std::map<std::string, uint64_t>& missed_by_shard) const;

  sim::Simulation* simulation_;
  int max_calls_per_second_;
  Duration retention_;
  Duration restart_grace_;
  // Crash downtimes [start, end); the last one may still be open.
  std::vector<std::pair<Instant, std::optional<Instant>>> downtimes_;
  int incarnation_ = 0;
  std::vector<PutRecord> records_;
  std::map<std::string, uint64_t, std::less<>> by_sequence_;  // "shard/seq" -> index
  model::ShardIdMap<ShardState> shards_;
  std::map<std::string, uint64_t, std::less<>> puts_per_key_;
  std::map<std::string, uint64_t, std::less<>> highest_processed_per_key_;  // key_index + 1
  // For each crash: the incarnation it ended and the checkpoints at that moment.
  std::vector<std::pair<int, std::map<std::string, consumer::Checkpoint, std::less<>>>> crashes_;
  std::set<std::string> expired_tokens_;
  // Calls in the trailing second, by target (a shard id, or "an unknown shard").
  model::ShardIdMap<std::deque<int64_t>> recent_calls_us_;
  // The durable table as acknowledged: key -> last written value (erased keys absent).
  std::map<std::string, std::string, std::less<>> acknowledged_table_;
  std::optional<Violation> violation_;
  RunStats stats_;
  ProbeSet probes_;
  struct CompetingRead {
    std::string shard_id;
    Instant start;
    Instant stop;
    double budget_share = 0.0;
  };
  // Whether the competing readers of `shard_id` take its whole read budget at `t`.
  bool StarvedAt(const std::string& shard_id, Instant t) const;
  std::vector<CompetingRead> competing_reads_;
  std::optional<Instant> last_processed_at_;
  bool stop_when_converged_ = false;
  bool converged_ = false;
  bool deliveries_ = false;
  bool exited_ = false;

  void Deliver(const std::string& shard_id, const std::vector<model::Record>& records);
  // A read of `from`'s shard that left the consumer at `next` (absent: the shard's end), for
  // GetRecords pages and subscription events alike.
  void Read(Instant at, const model::IteratorInfo& from,
            const std::optional<model::IteratorInfo>& next, bool empty, int64_t behind_ms);
  void StopIfConverged();
  // Probes of a read (Read's arguments) and of a crash (the checkpoints at that moment).
  void MarkReadProbes(Instant at, const ShardState& shard, const model::IteratorInfo& from,
                      const std::optional<model::IteratorInfo>& next, bool empty);
  void MarkCrashProbes(const consumer::CheckpointStore& checkpoints);
  // " (the subscription to S ran out its five minutes at T and was never renewed; ...)" for
  // the shards with missed records whose last subscription expired, or "".
  std::string ExpiredSubscriptions(const std::map<std::string, uint64_t>& missed_by_shard) const;
  // Delivery mode at Finish: the first shard with undelivered records past the last position.
  bool ReportAbandonedShard();
};

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_JUDGE_H_
