// The trace of a served session: a `shardsim serve --log` file replayed into a fresh service,
// each Kinesis call it answered turned into a sim::TraceRecord in the vocabulary the simulated
// client writes (model/client.cc), so the timeline draws a real client's run as it draws a
// simulated one.
//
// Records, one per logged call (the actor is the client, its access key id): PutRecord (shard,
// key, seq; one per stored entry of a PutRecords), GetShardIterator (shard, type, bucket,
// ordinal), GetRecords (shard, bucket, ordinal, records, first_seq/last_seq, next_bucket or
// next="absent" and children, behind_ms), SubscribeToShard and each SubscribeToShardEvent
// delivered (as the simulated client traces them), SplitShard, MergeShards, CreateStream,
// ListShards;
// a failed call carries `error` (the AWS __type) and `message`. Clock-control calls become
// `clock` records of actor "control". Other operations are left out of the picture.
#ifndef SHARDSIM_SERVER_LOG_TRACE_H_
#define SHARDSIM_SERVER_LOG_TRACE_H_

#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/replay.h"
#include "server/service.h"
#include "sim/trace.h"

namespace shardsim::server {

struct ServedSession {
  // The service after the last request (its model holds the shards and buckets to draw), and
  // the playback of the header's scenario, if the session played one.
  ReplaySession replayed;
  std::vector<sim::TraceRecord> records;  // in request order
  std::vector<std::string> streams;       // every stream created, in order
  std::vector<std::string> clients;       // every client that called, in order of first call
  int requests = 0;
  // The first logged status the replay did not reproduce (the log is then not this build's,
  // and the picture may differ from the session), as "line N: status differs"; else empty.
  std::string difference;
};

// An error for a log that cannot be read (as ReplayLog; a log that played a scenario needs
// `hooks`). The scenario's own puts are not requests, so they are not among the records.
absl::StatusOr<ServedSession> TraceOfLog(std::istream& log, const ReplayHooksFactory& hooks = {});

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_LOG_TRACE_H_
