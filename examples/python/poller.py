"""A correct long-running boto3 poller of every shard, with nothing shardsim-specific in it:
every shard followed with NextShardIterator (empty pages are normal: after an idle gap Kinesis
answers page after empty page while MillisBehindLatest shrinks), children read only after their
parents are read to their end, throttling (ProvisionedThroughputExceededException) retried,
expired iterators renewed from the checkpoint, and a checkpoint that fell below the trim horizon
(a downtime longer than the retention period) replaced by TRIM_HORIZON. Runs until SIGTERM. shardsim judges it on what
the server delivered (no application events).

With --stop-on-first-empty-page it is its buggy twin, the seed article's loop: it leaves a shard
at its first empty page, believing it read to the end, and fails `no_abandoned_shard`.

Checkpoints are durable: a JSON file in SHARDSIM_STATE_DIR (kept in memory without it), so a
consumer killed by a scenario's crash resumes after its last checkpoint. Endpoint from
SHARDSIM_ENDPOINT (Debian's boto3 1.26 predates AWS_ENDPOINT_URL), stream from SHARDSIM_STREAM,
POLL_SLEEP_S the sleep between rounds (default 0: a per-request clock does not see it).
"""
import json
import os
import signal
import sys
import time

import boto3
from botocore.exceptions import ClientError

kinesis = boto3.client("kinesis", endpoint_url=os.environ.get("SHARDSIM_ENDPOINT"))
POLL_SLEEP_S = float(os.environ.get("POLL_SLEEP_S", "0"))
STOP_ON_FIRST_EMPTY_PAGE = "--stop-on-first-empty-page" in sys.argv[1:]
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


def process(shard_id, record):
    print(shard_id, record["SequenceNumber"], record["Data"][:40], flush=True)


def consume(stream):
    checkpoints = Checkpoints(os.environ.get("SHARDSIM_STATE_DIR"))
    finished = {s for s, seq in checkpoints.by_shard.items() if seq is None}
    position = {s: seq for s, seq in checkpoints.by_shard.items() if seq is not None}
    iterators = {}
    while True:
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        known = {s["ShardId"] for s in shards}
        for shard in shards:
            shard_id = shard["ShardId"]
            parents = [p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")) if p]
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
                process(shard_id, record)
                position[shard_id] = record["SequenceNumber"]
            if resp["Records"]:
                checkpoints.save(shard_id, position[shard_id])
            if resp.get("NextShardIterator") is None or (
                    STOP_ON_FIRST_EMPTY_PAGE and not resp["Records"]):
                checkpoints.save(shard_id, None)   # the bug, with the flag: "no more data"
                finished.add(shard_id)
                del iterators[shard_id]
                continue
            iterators[shard_id] = resp["NextShardIterator"]
        time.sleep(POLL_SLEEP_S)


if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"))
