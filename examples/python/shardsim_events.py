"""Application events for shardsim (POST /_shardsim/events): tell the judge what the consumer
processed, checkpointed and believes, so that the full property set applies to a real client.

    events = ShardsimEvents()              # endpoint from SHARDSIM_ENDPOINT; off without it
    events.processed(shard_id, record["SequenceNumber"])
    events.checkpoint(shard_id, sequence_number)   # or events.checkpoint(shard_id, shard_end=True)
    events.caught_up(shard_id)             # "nothing more to read on this shard right now"
    events.shard_end(shard_id)             # "this closed shard is read to its end"
    events.flush()                         # sends what is buffered (also at every belief)

Events are buffered and sent in one request per flush (a belief flushes at once, since the
judge checks it against what the client was given before it). Standard library only; the
client's name is its AWS_ACCESS_KEY_ID, as the server names its Kinesis calls.
"""
import json
import os
import urllib.request


class ShardsimEvents:
    def __init__(self, endpoint=None, client=None):
        self.endpoint = endpoint if endpoint is not None else os.environ.get("SHARDSIM_ENDPOINT")
        self.client = client or os.environ.get("AWS_ACCESS_KEY_ID", "anonymous")
        self.pending = []

    def processed(self, shard_id, sequence_number):
        self.pending.append({"type": "processed", "shard_id": shard_id,
                             "sequence_number": sequence_number})

    def checkpoint(self, shard_id, sequence_number=None, shard_end=False):
        event = {"type": "checkpoint", "shard_id": shard_id}
        if shard_end:
            event["shard_end"] = True
        else:
            event["sequence_number"] = sequence_number
        self.pending.append(event)
        self.flush()

    def caught_up(self, shard_id):
        self.pending.append({"type": "caught_up", "shard_id": shard_id})
        self.flush()

    def shard_end(self, shard_id):
        self.pending.append({"type": "shard_end", "shard_id": shard_id})
        self.flush()

    def flush(self):
        if not self.pending or not self.endpoint:
            self.pending = []
            return
        body = json.dumps({"client": self.client, "events": self.pending}).encode()
        self.pending = []
        request = urllib.request.Request(self.endpoint.rstrip("/") + "/_shardsim/events", data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
