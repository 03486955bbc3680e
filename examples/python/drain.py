"""A correct long-running boto3 poller: every shard followed with NextShardIterator (empty pages
are normal), children read only after their parents are read to their end, throttling and
expired iterators handled, and application events reported (shardsim_events), so shardsim
judges processing, checkpoints and beliefs too. Runs until SIGTERM.
Endpoint from SHARDSIM_ENDPOINT, stream from SHARDSIM_STREAM.
"""
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


def consume(stream):
    finished = set()       # shards read to their end
    position = {}          # shard -> the last sequence number processed
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
                iterators[shard_id] = kinesis.get_shard_iterator(
                    StreamName=stream, ShardId=shard_id, **kwargs)["ShardIterator"]
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
                events.checkpoint(shard_id, position[shard_id])
            if resp.get("NextShardIterator") is None:
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
