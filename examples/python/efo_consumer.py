"""A correct enhanced fan-out consumer with boto3 (SubscribeToShard over HTTP/1.1): one registered
consumer; every shard read through subscriptions, each resubscribed AFTER the last event's
ContinuationSequenceNumber when its five minutes end (so an idle stretch is walked, not
skipped); a closed shard's end (an event with ChildShards and no continuation) finishes it, and
a child is read only once its parents are finished; application events reported
(shardsim_events), so shardsim judges processing, checkpoints and beliefs too. Runs until
SIGTERM. Expected verdict under `shardsim check --client`: pass.

Checkpoints are durable (a file in SHARDSIM_STATE_DIR, as in drain.py): the last record
processed per shard, written after the records are reported processed; a restarted consumer
resubscribes AFTER it. Endpoint from SHARDSIM_ENDPOINT, stream from SHARDSIM_STREAM.

efo_resubscribe_at_latest.py is the same loop with the classic bug: when a subscription's five
minutes end it subscribes again at LATEST, skipping whatever it had not yet been sent.
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
CONSUMER = os.environ.get("EFO_CONSUMER_NAME", "efo-example")
POLL_SLEEP_S = float(os.environ.get("POLL_SLEEP_S", "0"))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


class Checkpoints:
    """shard -> the last sequence number processed, or None once the shard is read to its end."""

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, "efo-checkpoints.json") if state_dir else None
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


def active_consumer(stream):
    """The consumer's ARN, registered (or found, after a restart) and ACTIVE."""
    stream_arn = kinesis.describe_stream_summary(StreamName=stream)[
        "StreamDescriptionSummary"]["StreamARN"]
    try:
        arn = kinesis.register_stream_consumer(StreamARN=stream_arn,
                                               ConsumerName=CONSUMER)["Consumer"]["ConsumerARN"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceInUseException":
            raise
        arn = None
    while True:
        if arn is None:
            d = kinesis.describe_stream_consumer(StreamARN=stream_arn, ConsumerName=CONSUMER)
        else:
            d = kinesis.describe_stream_consumer(ConsumerARN=arn)
        arn = d["ConsumerDescription"]["ConsumerARN"]
        if d["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
            return arn


def read_subscription(consumer_arn, shard_id, position, checkpoints):
    """One subscription, read to its end. Returns the position to resume at (the last
    continuation), or None when the shard was read to its end."""
    response = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id,
                                          StartingPosition=position)
    resume = position
    try:
        for event in response["EventStream"]:
            e = event["SubscribeToShardEvent"]
            for record in e["Records"]:
                events.processed(shard_id, record["SequenceNumber"])
            if e["Records"]:
                last = e["Records"][-1]["SequenceNumber"]
                events.flush()  # processed, then checkpointed: at least once
                checkpoints.save(shard_id, last)
                events.checkpoint(shard_id, last)
            if "ContinuationSequenceNumber" not in e:  # the shard's end: ChildShards follow
                events.flush()
                checkpoints.save(shard_id, None)
                events.checkpoint(shard_id, shard_end=True)
                events.shard_end(shard_id)
                return None
            resume = {"Type": "AFTER_SEQUENCE_NUMBER",
                      "SequenceNumber": e["ContinuationSequenceNumber"]}
            if e["MillisBehindLatest"] == 0:
                events.caught_up(shard_id)
    finally:
        response["EventStream"].close()
    return resume


def consume(stream, resubscribe_at_latest=False):
    checkpoints = Checkpoints(os.environ.get("SHARDSIM_STATE_DIR"))
    finished = {s for s, seq in checkpoints.by_shard.items() if seq is None}
    positions = {s: {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": seq}
                 for s, seq in checkpoints.by_shard.items() if seq is not None}
    consumer_arn = active_consumer(stream)
    while True:
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        known = {s["ShardId"] for s in shards}
        for shard in shards:
            shard_id = shard["ShardId"]
            parents = [p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId"))
                       if p]
            if shard_id in finished or any(p in known and p not in finished for p in parents):
                continue
            position = positions.get(shard_id, {"Type": "TRIM_HORIZON"})
            try:
                resume = read_subscription(consumer_arn, shard_id, position, checkpoints)
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code == "ResourceInUseException":  # resubscribed within 5 s: later
                    continue
                if code == "InvalidArgumentException" and shard_id in positions:
                    positions[shard_id] = {"Type": "TRIM_HORIZON"}  # below the trim horizon
                    continue
                raise
            if resume is None:
                finished.add(shard_id)
                positions.pop(shard_id, None)
            elif resubscribe_at_latest:
                positions[shard_id] = {"Type": "LATEST"}  # the bug: skips what was not sent
            else:
                positions[shard_id] = resume
        events.flush()
        time.sleep(POLL_SLEEP_S)


if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"))
