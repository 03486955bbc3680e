"""A load test on loopback: 16 keep-alive connections mixing puts and reads for 30 s.

The server runs a scaled clock (--clock scaled:11520: a virtual day every 7.5 wall seconds), so
buckets close every ~20 ms, iterators expire after ~26 ms, and from 7.5 s on records expire
(24 h retention) as fast as they come: the stored data reaches a steady state. (The model's
payload arena drops its dead prefix once that is half of it, so memory settles at about twice
the live data, one more retention period later: about 15 s.)

Connections: 4 consumers, one per shard, follow NextShardIterator from TRIM_HORIZON as a real
consumer does (recovering from an expired iterator AFTER the last sequence number read); 12
mixed workers do PutRecord (55%), PutRecords of 10 (15%), GetShardIterator + GetRecords at a
random position (20%) and ListShards / DescribeStreamSummary (10%). Bounded in time (30 s of
load, 20 s to drain) and in count (REQUESTS_MAX in all).

Asserted:
  - no 5xx, no connection error, no 400 other than ExpiredIterator / ProvisionedThroughput-
    Exceeded, no crash: the server is alive at the end and exits cleanly on SIGTERM (under ASan
    that includes the leak check);
  - every acknowledged put is read by its shard's consumer, once the load has stopped and the
    consumers have drained to the tip: nothing acknowledged is lost, nothing read was not put;
  - resident memory stops growing: VmRSS from /proc/PID/status, sampled each second; once data
    expires as fast as it comes (from 20 s on), the highest sample of the last 5 s is at most
    10% + 8 MiB above the highest sample of seconds 15-20, while the load still runs.
"""

import argparse
import base64
import http.client
import json
import os
import random
import sys
import threading
import time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

STREAM = "load"
CLOCK = "scaled:11520"  # a virtual day every 7.5 wall seconds
SHARDS = 4
CONSUMERS = SHARDS
MIXED_WORKERS = 12
LOAD_S = 30
DRAIN_S = 20
REQUESTS_MAX = 1_000_000  # all connections together; the 30 s end the load first
ALLOWED_400 = {"ExpiredIteratorException", "ProvisionedThroughputExceededException"}
RSS_PLATEAU_FROM_S, RSS_PLATEAU_TO_S = 15, 20
RSS_GROWTH_FRACTION, RSS_GROWTH_SLACK_KIB = 0.10, 8 * 1024


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}            # sequence number -> (shard id, partition key, data length)
        self.read = {}             # shard id -> {sequence number}
        self.errors = []           # the first few unexpected answers
        self.requests = 0
        self.status_counts = {}
        self.expired_recoveries = 0
        self.stop_load = threading.Event()
        self.stop_all = threading.Event()

    def count(self, operation, status, error_type):
        with self.lock:
            self.requests += 1
            key = f"{status} {error_type}" if error_type else str(status)
            self.status_counts[key] = self.status_counts.get(key, 0) + 1
            return self.requests <= REQUESTS_MAX

    def error(self, text):
        with self.lock:
            if len(self.errors) < 10:
                self.errors.append(text)
        self.stop_all.set()


class Connection:
    def __init__(self, server, shared, client_name):
        self.server = server
        self.shared = shared
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        self.headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={client_name}/20230405/us-east-1/"
                             "kinesis/aws4_request, SignedHeaders=host, Signature=00",
            "X-Amz-Date": "20230405T000000Z",
        }

    def call(self, operation, body):
        """The answer of a 200, or None (a 400 the load test expects); anything else ends it."""
        headers = dict(self.headers, **{"X-Amz-Target": f"Kinesis_20131202.{operation}"})
        try:
            self.conn.request("POST", "/", body=json.dumps(body), headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.shared.error(f"{operation}: connection error {type(e).__name__}: {e}")
            raise SystemExit
        answer = json.loads(raw) if raw else {}
        error_type = answer.get("__type", "").rsplit("#", 1)[-1] if response.status != 200 else ""
        if not self.shared.count(operation, response.status, error_type):
            self.shared.stop_load.set()
        if response.status == 200:
            return answer
        if response.status == 400 and error_type in ALLOWED_400:
            return None
        self.shared.error(f"{operation}: HTTP {response.status} {raw[:200]!r}")
        raise SystemExit


def record_put(shared, shard_id, sequence_number, key, length):
    with shared.lock:
        if sequence_number in shared.acked:
            shared.errors.append(f"sequence number {sequence_number} acknowledged twice")
            shared.stop_all.set()
        shared.acked[sequence_number] = (shard_id, key, length)


def mixed_worker(server, shared, index, shard_ids, virtual_start_s):
    rng = random.Random(index)
    conn = Connection(server, shared, f"mixed-{index}")

    def data():
        return base64.b64encode(rng.randbytes(rng.randrange(16, 1024))).decode()

    while not shared.stop_load.is_set() and not shared.stop_all.is_set():
        choice = rng.random()
        if choice < 0.55:
            key = f"key-{rng.randrange(10_000)}"
            body = {"StreamName": STREAM, "Data": data(), "PartitionKey": key}
            answer = conn.call("PutRecord", body)
            if answer:
                record_put(shared, answer["ShardId"], answer["SequenceNumber"], key,
                           len(base64.b64decode(body["Data"])))
        elif choice < 0.70:
            entries = [{"Data": data(), "PartitionKey": f"key-{rng.randrange(10_000)}"}
                       for _ in range(10)]
            answer = conn.call("PutRecords", {"StreamName": STREAM, "Records": entries})
            if answer:
                for entry, result in zip(entries, answer["Records"]):
                    if "SequenceNumber" in result:
                        record_put(shared, result["ShardId"], result["SequenceNumber"],
                                   entry["PartitionKey"], len(base64.b64decode(entry["Data"])))
        elif choice < 0.90:
            kind = rng.choice(["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"])
            body = {"StreamName": STREAM, "ShardId": rng.choice(shard_ids),
                    "ShardIteratorType": kind}
            if kind == "AT_TIMESTAMP":
                # Before the stream existed (so never in the future): the trim horizon.
                body["Timestamp"] = virtual_start_s - rng.randrange(1, 3600)
            answer = conn.call("GetShardIterator", body)
            if answer:
                conn.call("GetRecords", {"ShardIterator": answer["ShardIterator"],
                                         "Limit": rng.choice([1, 10, 100])})
        elif choice < 0.95:
            conn.call("ListShards", {"StreamName": STREAM})
        else:
            conn.call("DescribeStreamSummary", {"StreamName": STREAM})


def consumer(server, shared, shard_id, start_iterator):
    conn = Connection(server, shared, f"consumer-{shard_id}")
    seen = shared.read.setdefault(shard_id, set())
    iterator, last_sequence = start_iterator, None
    while not shared.stop_all.is_set():
        answer = conn.call("GetRecords", {"ShardIterator": iterator, "Limit": 10_000})
        if answer is None:  # expired (or throttled): a new iterator after the last record read
            with shared.lock:
                shared.expired_recoveries += 1
            body = {"StreamName": STREAM, "ShardId": shard_id}
            if last_sequence:
                body.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                            StartingSequenceNumber=last_sequence)
            else:
                body.update(ShardIteratorType="TRIM_HORIZON")
            fresh = conn.call("GetShardIterator", body)
            if fresh:
                iterator = fresh["ShardIterator"]
            continue
        with shared.lock:
            for record in answer["Records"]:
                seen.add(record["SequenceNumber"])
        if answer["Records"]:
            last_sequence = answer["Records"][-1]["SequenceNumber"]
        iterator = answer["NextShardIterator"]


def run_threads(targets):
    def guarded(fn, *args):
        try:
            fn(*args)
        except SystemExit:
            pass
        except Exception as e:  # a bug in the test itself must fail it too
            args[1].error(f"{fn.__name__}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=guarded, args=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    return threads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_target_arguments(parser)
    args = parser.parse_args()
    harness.time_limit(LOAD_S + DRAIN_S + 40, "the load test")
    # Under ASan, freed memory waits in a quarantine (256 MiB by default) before reuse, which
    # would read as growth; a small one keeps the check meaningful there (no effect otherwise).
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, ASAN_OPTIONS=(asan + ":" if asan else "") + "quarantine_size_mb=4")
    server = harness.start_target(args, "--clock", CLOCK, env=env)
    shared = Shared()

    virtual_start_s = time.time()
    if server.is_shardsim:
        now = server.clock()["now"]
        virtual_start_s = datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()
    setup = Connection(server, shared, "setup")
    setup.call("CreateStream", {"StreamName": STREAM, "ShardCount": SHARDS})
    for _ in range(200):
        summary = setup.call("DescribeStreamSummary", {"StreamName": STREAM})
        if summary["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    else:
        fail(f"{STREAM} not ACTIVE after 10 s")
    shard_ids = [s["ShardId"] for s in setup.call("ListShards", {"StreamName": STREAM})["Shards"]]
    check(len(shard_ids) == SHARDS, f"{len(shard_ids)} shards")
    starts = [setup.call("GetShardIterator", {"StreamName": STREAM, "ShardId": s,
                                              "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
              for s in shard_ids]

    consumers = run_threads([(consumer, server, shared, s, it)
                             for s, it in zip(shard_ids, starts)])
    workers = run_threads([(mixed_worker, server, shared, i, shard_ids, virtual_start_s)
                           for i in range(MIXED_WORKERS)])
    rss = []
    started = time.monotonic()
    for second in range(1, LOAD_S + 1):
        time.sleep(max(0.0, started + second - time.monotonic()))
        check(server.alive(), f"the server died after {second} s (status {server.proc.returncode})")
        rss.append(server.rss_kib())
        if shared.stop_all.is_set():
            break
    shared.stop_load.set()
    for t in workers:  # each finishes the call it is in
        t.join(timeout=25)
    load_s = time.monotonic() - started
    requests_in_load = shared.requests
    check(not shared.errors, f"unexpected answers: {shared.errors}")

    # Drain: the consumers go on until they have read every acknowledged put.
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline:
        with shared.lock:
            missing = [q for q, (s, _, _) in shared.acked.items() if q not in shared.read[s]]
        if not missing or shared.stop_all.is_set():
            break
        time.sleep(0.1)
    shared.stop_all.set()
    for t in consumers:
        t.join(timeout=25)
    check(not shared.errors, f"unexpected answers: {shared.errors}")
    check(not missing, f"{len(missing)} of {len(shared.acked)} acknowledged puts never read by "
                       f"their shard's consumer, e.g. {missing[:3]}")
    read_total = sum(len(s) for s in shared.read.values())
    check(read_total == len(shared.acked),
          f"the consumers read {read_total} records, {read_total - len(shared.acked)} never put")

    say(f"  {requests_in_load:,} requests in {load_s:.1f} s ({requests_in_load / load_s:,.0f}/s) "
        f"on 16 connections; answers {dict(sorted(shared.status_counts.items()))}")
    say(f"  {len(shared.acked):,} puts acknowledged, every one read by its consumer; "
        f"{shared.expired_recoveries} expired-iterator recoveries")
    say(f"  VmRSS each second (MiB): {' '.join(f'{k / 1024:.0f}' for k in rss)}")
    check(len(rss) == LOAD_S, f"only {len(rss)} RSS samples")
    plateau_kib = max(rss[RSS_PLATEAU_FROM_S - 1:RSS_PLATEAU_TO_S])
    last_kib = max(rss[-5:])
    limit_kib = plateau_kib * (1 + RSS_GROWTH_FRACTION) + RSS_GROWTH_SLACK_KIB
    say(f"  RSS: max of seconds {RSS_PLATEAU_FROM_S}-{RSS_PLATEAU_TO_S} {plateau_kib / 1024:.1f} MiB, "
        f"max of the last 5 s {last_kib / 1024:.1f} MiB (limit {limit_kib / 1024:.1f} MiB)")
    check(last_kib <= limit_kib, "resident memory still grows once data expires as fast as it comes")
    check(server.alive(), "the server died")
    server.stop()
    say("PASS: 30 s of mixed load, nothing lost, memory flat")


if __name__ == "__main__":
    main()
