"""A correct long-running boto3 poller: every shard followed with NextShardIterator (empty pages
are normal), children read only after their parents are read to their end, throttling and
expired iterators handled, a checkpoint below the trim horizon (a downtime longer than the
retention period) replaced by TRIM_HORIZON, and application events reported (shardsim_events), so shardsim
judges processing, checkpoints and beliefs too. Runs until SIGTERM.

Checkpoints are durable: a file in SHARDSIM_STATE_DIR (kept in memory without it), written
(atomically, fsynced) after the page's records are reported processed and before the checkpoint
is reported, and read at start, so a consumer killed by a scenario's crash resumes after its
last checkpoint and redelivers only what it had not checkpointed.
Endpoint from SHARDSIM_ENDPOINT, stream from SHARDSIM_STREAM.
"""
import json
import os
import signal
import sys
import time

import boto3
from botocore.exceptions import ClientError

from shardsim_events import ShardsimEvents

kinesis = boto3.client("kinesis", endpoint_url=os.environ.get("SHARDSIM_ENDPOINT"))
events = ShardsimEvents()
POLL_SLEEP_S = float(os.environ.get("POLL_SLEEP_S", "0"))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


class Checkpoints:
    """shard -> the last sequence number processed, or None once the shard is read to its end."""

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "checkpoints.json") if state_dir else None
        self.by_shard = {}
        if self.path and os.path.exists(self.path):
            with open(self.path) as f:
                self.by_shard = json.load(f)

    def save(self, shard_id, sequence_number):
        self.by_shard[shard_id] = sequence_number
        if not self.path:
            return
        temporary = self.path + ".tmp"
        with open(temporary, "w") as f:
            json.dump(self.by_shard, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)


def consume(stream):
    checkpoints = Checkpoints(os.environ.get("SHARDSIM_STATE_DIR"))
    finished = {s for s, seq in checkpoints.by_shard.items() if seq is None}  # read to their end
    position = {s: seq for s, seq in checkpoints.by_shard.items() if seq is not None}
    iterators = {}         # shard -> iterator
    while True:
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            parents = [p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")) if p]
            known = {s["ShardId"] for s in shards}
            if shard_id in finished or any(p in known and p not in finished for p in parents):
                continue
            if shard_id not in iterators:
                kwargs = {"ShardIteratorType": "TRIM_HORIZON"}
                if shard_id in position:
                    kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                              "StartingSequenceNumber": position[shard_id]}
                try:
                    iterators[shard_id] = kinesis.get_shard_iterator(
                        StreamName=stream, ShardId=shard_id, **kwargs)["ShardIterator"]
                except ClientError as e:
                    if e.response["Error"]["Code"] != "InvalidArgumentException" or shard_id not in position:
                        raise
                    # The checkpoint fell below the trim horizon (down longer than the retention
                    # period): what lay between has expired; go on from the oldest record left.
                    iterators[shard_id] = kinesis.get_shard_iterator(
                        StreamName=stream, ShardId=shard_id,
                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            try:
                resp = kinesis.get_records(ShardIterator=iterators[shard_id], Limit=1000)
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code == "ExpiredIteratorException":
                    del iterators[shard_id]
                    continue
                if code == "ProvisionedThroughputExceededException":
                    continue
                raise
            for record in resp["Records"]:
                events.processed(shard_id, record["SequenceNumber"])
                position[shard_id] = record["SequenceNumber"]
            if resp["Records"]:
                events.flush()     # processed, then checkpointed: at least once
                checkpoints.save(shard_id, position[shard_id])
                events.checkpoint(shard_id, position[shard_id])
            if resp.get("NextShardIterator") is None:
                events.flush()
                checkpoints.save(shard_id, None)
                events.checkpoint(shard_id, shard_end=True)
                events.shard_end(shard_id)
                finished.add(shard_id)
                del iterators[shard_id]
                continue
            iterators[shard_id] = resp["NextShardIterator"]
            if resp["MillisBehindLatest"] == 0:
                events.caught_up(shard_id)
        events.flush()
        time.sleep(POLL_SLEEP_S)


if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"))
