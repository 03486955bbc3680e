"""boto3 (Debian's python3-boto3 1.26) against the server: a producer and a consumer as users
write them.

Producer: PutRecords batches of 500 entries of 3 KiB, 1.5 MB a call, more than a shard's 1 MiB/s,
so the server fails some entries alone: HTTP 200, FailedRecordCount, and per entry an ErrorCode
(ProvisionedThroughputExceededException) and ErrorMessage instead of a SequenceNumber. The
producer retries exactly the failed entries, as the AWS developer guide says to, until every
entry is acknowledged. An oversized entry is refused for the whole request
(InvalidArgumentException / ValidationException), with nothing written.

Consumer: the loop of the boto3 documentation's Kinesis example (get_shard_iterator, then
`while 'NextShardIterator' in record_response: get_records(...)`), from TRIM_HORIZON, on every
shard it reaches: when a shard's loop ends (the key is absent: the shard was closed and read to
its end), the consumer goes on with the shard's children. While it reads the first shard the
test splits that shard (SplitShard) and the producer writes more, which go to the children.
The consumer must read the parent to its end, then the children, and get every acknowledged
record exactly once, each partition key in the order it was acknowledged.

Every virtual call costs 250 ms (--latency), a poll interval, so the consumer stays under the
5 GetRecords/s limit while the producer's 1.5 MB calls still exceed 1 MiB/s.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

STREAM = "boto3-split"
ENTRY_BYTES = 3 * 1024
FIRST_BATCH = 500       # entries in the one PutRecords call before the split
SECOND_BATCHES = 2      # PutRecords calls of 500 after the split
KEYS = 40               # partition keys, spread over the hash-key space by MD5
SPLIT_AFTER_RECORDS = 100
PAGE_LIMIT = 25
CALLS_MAX = 2_000       # GetRecords calls the consumer may make in all
RETRIES_MAX = 50        # PutRecords rounds for one batch


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_target_arguments(parser)
    return parser.parse_args()


class Clock:
    """Lets time pass: the virtual clock on shardsim, the wall clock on kinesalite."""

    def __init__(self, server):
        self.server = server

    def pass_time(self, seconds):
        if self.server.is_shardsim:
            self.server.advance(f"{seconds}s")
        else:
            time.sleep(min(seconds, 0.2))


def wait_active(kinesis, clock):
    for _ in range(100):
        status = kinesis.describe_stream_summary(StreamName=STREAM)[
            "StreamDescriptionSummary"]["StreamStatus"]
        if status == "ACTIVE":
            return
        clock.pass_time(1)
    fail(f"{STREAM} not ACTIVE after 100 polls")


class Producer:
    """PutRecords with retries of the failed entries; remembers what was acknowledged."""

    def __init__(self, kinesis, clock):
        self.kinesis = kinesis
        self.clock = clock
        self.acked = []          # (partition key, data, sequence number, shard id), ack order
        self.entry_failures = 0  # entries that failed alone and were retried
        self.error_codes = set()

    def put_batch(self, first_index, count):
        pending = [self.entry(i) for i in range(first_index, first_index + count)]
        for _ in range(RETRIES_MAX):
            response = self.kinesis.put_records(StreamName=STREAM, Records=pending)
            results = response["Records"]
            check(len(results) == len(pending),
                  f"{len(results)} results for {len(pending)} entries")
            failed = [(entry, r) for entry, r in zip(pending, results) if "ErrorCode" in r]
            check(response.get("FailedRecordCount", 0) == len(failed),
                  f"FailedRecordCount {response.get('FailedRecordCount')} but {len(failed)} "
                  "entries carry an ErrorCode")
            for entry, r in zip(pending, results):
                if "ErrorCode" in r:
                    check("SequenceNumber" not in r and r.get("ErrorMessage"),
                          f"a failed entry has a sequence number or no message: {r}")
                    self.error_codes.add(r["ErrorCode"])
                else:
                    check(r.get("SequenceNumber") and r.get("ShardId"), f"bad success entry {r}")
                    self.acked.append((entry["PartitionKey"], entry["Data"], r["SequenceNumber"],
                                       r["ShardId"]))
            self.entry_failures += len(failed)
            if not failed:
                return
            pending = [entry for entry, _ in failed]
            self.clock.pass_time(1)  # the throughput window moves on
        fail(f"{len(pending)} entries still failing after {RETRIES_MAX} PutRecords rounds")

    @staticmethod
    def entry(index):
        prefix = f"record-{index:05d}:".encode()
        return {"Data": prefix + b"x" * (ENTRY_BYTES - len(prefix)),
                "PartitionKey": f"key-{index % KEYS}"}


def shard_reader(kinesis, shard_id, pages):
    """The boto3 documentation's loop for one shard, from TRIM_HORIZON; yields after each call.

    Appends each page's records to `pages` as (shard id, record); returns the last response
    (no NextShardIterator: the shard was closed and read to its end).
    """
    shard_iterator = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard_id,
                                                ShardIteratorType="TRIM_HORIZON")
    my_shard_iterator = shard_iterator["ShardIterator"]
    record_response = kinesis.get_records(ShardIterator=my_shard_iterator, Limit=PAGE_LIMIT)
    pages.extend((shard_id, r) for r in record_response["Records"])
    yield
    while "NextShardIterator" in record_response:
        record_response = kinesis.get_records(ShardIterator=record_response["NextShardIterator"],
                                              Limit=PAGE_LIMIT)
        pages.extend((shard_id, r) for r in record_response["Records"])
        yield
    return record_response


def consume(kinesis, on_page):
    """Runs one documentation loop per shard, as a user runs one per shard (a thread each), here
    taking turns so the test is deterministic; a shard's children start when its loop ends.

    Returns ([(shard id, record)] in the order read, [(finished shard, its ChildShards)], calls).
    on_page(records so far) runs after each call; "stop" ends the run.
    """
    got, finished = [], []
    shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
    readers = [(s["ShardId"], shard_reader(kinesis, s["ShardId"], got))
               for s in shards if "ParentShardId" not in s]
    calls = 0
    while calls < CALLS_MAX:
        check(readers, "every shard ended, none open")
        shard_id, reader = readers.pop(0)
        try:
            next(reader)  # one GetRecords call
            calls += 1
            readers.append((shard_id, reader))
        except StopIteration as end:  # a loop ended without calling again
            finished.append((shard_id, end.value.get("ChildShards")))
            readers.extend((s["ShardId"], shard_reader(kinesis, s["ShardId"], got))
                           for s in kinesis.list_shards(StreamName=STREAM)["Shards"]
                           if s.get("ParentShardId") == shard_id)
            continue
        if on_page(got) == "stop":
            return got, finished, calls
    fail(f"the consumer made {CALLS_MAX} GetRecords calls without reading every record")


def check_oversized_entry_refused(kinesis, botocore):
    big = {"Data": b"z" * (1024 * 1024 + 1), "PartitionKey": "big"}
    try:
        kinesis.put_records(StreamName=STREAM, Records=[Producer.entry(0), big])
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        check(code in ("InvalidArgumentException", "ValidationException"),
              f"a 1 MiB + 1 entry gave {code}")
        say(f"  a PutRecords with a 1 MiB + 1 entry: {code} for the whole request")
        return
    fail("a PutRecords with a 1 MiB + 1 byte entry was accepted")


def main():
    args = parse_args()
    harness.use_client_env()
    harness.time_limit(100, "the boto3 test")
    boto3 = harness.require_module("boto3", "python3-boto3")
    botocore = harness.require_module("botocore.config", "python3-boto3")
    harness.require_module("botocore.exceptions", "python3-boto3")
    server = harness.start_target(args, "--latency", "250ms")
    clock = Clock(server)
    # boto3 1.26 predates AWS_ENDPOINT_URL, so the endpoint is passed here.
    kinesis = boto3.client("kinesis", endpoint_url=server.endpoint, config=botocore.config.Config(
        connect_timeout=5, read_timeout=15, retries={"max_attempts": 1}))

    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    wait_active(kinesis, clock)
    check_oversized_entry_refused(kinesis, botocore)

    producer = Producer(kinesis, clock)
    producer.put_batch(0, FIRST_BATCH)
    say(f"  first PutRecords batch: {producer.entry_failures} entries failed alone "
        f"({sorted(producer.error_codes)}) and were retried")
    if server.is_shardsim:
        check(producer.entry_failures > 0, "500 entries of 3 KiB (1.5 MB) in one call: none "
                                           "failed, so the 1 MiB/s shard limit did not apply")
        check(producer.error_codes == {"ProvisionedThroughputExceededException"},
              f"per-entry error codes {producer.error_codes}")
    else:
        say("  (kinesalite has no write limits: per-entry failure assertions skipped)")

    parent = kinesis.list_shards(StreamName=STREAM)["Shards"][0]
    split = {"done": False}

    def on_page(got):
        if not split["done"] and len(got) >= SPLIT_AFTER_RECORDS:
            split["done"] = True
            low = int(parent["HashKeyRange"]["StartingHashKey"])
            high = int(parent["HashKeyRange"]["EndingHashKey"])
            kinesis.split_shard(StreamName=STREAM, ShardToSplit=parent["ShardId"],
                                NewStartingHashKey=str((low + high + 1) // 2))
            say(f"  split {parent['ShardId']} after the consumer read {len(got)} records")
            wait_active(kinesis, clock)
            for b in range(SECOND_BATCHES):
                producer.put_batch(FIRST_BATCH + b * 500, 500)
        if len(got) >= len(producer.acked) and split["done"]:
            return "stop"
        return None

    got, finished, calls = consume(kinesis, on_page)
    check_everything_read(producer, got, parent["ShardId"])
    check(finished and finished[0][0] == parent["ShardId"],
          f"the consumer did not read {parent['ShardId']} to its end: {finished}")
    children = {s for s, _ in got} - {parent["ShardId"]}
    check(len(children) == 2, f"records came from children {children}, not two")
    child_shards = finished[0][1]
    if server.is_shardsim:
        check(child_shards and {c["ShardId"] for c in child_shards} == children and
              all(c["ParentShards"] == [parent["ShardId"]] for c in child_shards),
              f"the parent's last page has ChildShards {child_shards}, not {children}")
    say(f"  read {len(got)} records in {calls} GetRecords calls: {parent['ShardId']} to its end, "
        f"then {sorted(children)}; every acknowledged record once, each key in order")
    check(server.alive(), "the server died")
    server.stop()
    say("PASS: boto3 producer (per-entry failures retried) and consumer (across a split)")


def check_everything_read(producer, got, parent_id):
    seqs = [r["SequenceNumber"] for _, r in got]
    check(len(seqs) == len(set(seqs)), f"{len(seqs) - len(set(seqs))} records read twice")
    acked = {seq: (key, data, shard) for key, data, seq, shard in producer.acked}
    missing = set(acked) - set(seqs)
    check(not missing, f"{len(missing)} acknowledged records never read, e.g. {sorted(missing)[:3]}")
    check(set(seqs) <= set(acked), "records read that were never acknowledged")
    for shard, r in got:
        key, data, acked_shard = acked[r["SequenceNumber"]]
        check((r["PartitionKey"], r["Data"], shard) == (key, data, acked_shard),
              f"record {r['SequenceNumber']} read from {shard} differs from what was acked")
    # Each key in acknowledgement order: the parent's records of a key come before its children's.
    order_acked, order_read = {}, {}
    for key, _, seq, _ in producer.acked:
        order_acked.setdefault(key, []).append(seq)
    for _, r in got:
        order_read.setdefault(r["PartitionKey"], []).append(r["SequenceNumber"])
    wrong = [k for k in order_acked if order_acked[k] != order_read.get(k)]
    check(not wrong, f"keys read out of acknowledgement order: {wrong[:5]}")
    check(got[0][0] == parent_id and any(s != parent_id for s, _ in got), "no parent/child order")
    first_child = next(i for i, (s, _) in enumerate(got) if s != parent_id)
    check(all(s == parent_id for s, _ in got[:first_child]) and
          all(s != parent_id for s, _ in got[first_child:]),
          "the consumer read a child before finishing the parent")


if __name__ == "__main__":
    main()
