"""CBOR as the Java SDK v2 (and so the KCL) sends it, answered with the same values as JSON.

Requests are encoded the way the Java SDK's Jackson CBOR generator writes them:
Content-Type application/x-amz-cbor-1.1, indefinite-length maps and arrays, Data a byte string,
timestamps tag 1 on an integer of epoch milliseconds (not seconds, as RFC 8949 would have it).
The same session runs twice, against two servers started alike (same seed, manual clock):
once in JSON (Data base64, timestamps fractional epoch seconds), once in CBOR. With the manual
clock the same requests in the same order give the same answers, so every CBOR answer must
decode to exactly the JSON answer once Data (base64 text vs bytes) and timestamps (seconds vs
milliseconds, tagged or not) are normalised: sequence numbers, iterators, shard ids, request ids
and all. Operations: CreateStream, DescribeStreamSummary, PutRecord, PutRecords,
DescribeStream, ListShards, GetShardIterator (AT_TIMESTAMP, TRIM_HORIZON), GetRecords, and an
error (ResourceNotFoundException) whose CBOR body must carry the same __type.

With --kinesalite both sessions go to one kinesalite, which answers from the wall clock and
random iterators: values that differ by nature there (iterators, sequence numbers, times) are
masked, and the test says so. kinesalite 3.3.3 fails this test all the same, in two ways a Java
client would meet: it refuses a tag-1 Timestamp ("Start of structure or map found where not
expected"), and it answers Data as a map {"type": "Buffer", "data": [...]}, not a byte string.
"""

import argparse
import base64
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

START = "2023-04-05T07:06:12Z"
START_MS = 1680678372000
STREAM = "cbor-java-sdk"
TIMESTAMP_KEYS = {"Timestamp", "ApproximateArrivalTimestamp", "StreamCreationTimestamp"}
CBOR = "application/x-amz-cbor-1.1"
JSON = "application/x-amz-json-1.1"


class Millis(int):
    """A timestamp in epoch milliseconds: tag 1 in CBOR, fractional seconds in JSON."""


class JavaSdkCbor:
    """Encodes a request body as the Java SDK v2 does (Jackson's CBORGenerator)."""

    def __init__(self, cbor2):
        self.cbor2 = cbor2

    def encode(self, value):
        dumps = self.cbor2.dumps
        if isinstance(value, dict):  # writeStartObject(): an indefinite-length map
            return b"\xbf" + b"".join(dumps(k) + self.encode(v) for k, v in value.items()) + b"\xff"
        if isinstance(value, list):  # writeStartArray(): an indefinite-length array
            return b"\x9f" + b"".join(self.encode(v) for v in value) + b"\xff"
        if isinstance(value, Millis):
            return dumps(self.cbor2.CBORTag(1, int(value)))
        return dumps(value)


def to_json_body(value):
    if isinstance(value, dict):
        return {k: to_json_body(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_body(v) for v in value]
    if isinstance(value, Millis):
        return int(value) / 1000
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def normalise(value, cbor2, key=None):
    """Data -> bytes, timestamps -> epoch ms, from either encoding."""
    if isinstance(value, dict):
        return {k: normalise(v, cbor2, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, cbor2, key) for v in value]
    if key in TIMESTAMP_KEYS:
        if isinstance(value, cbor2.CBORTag):
            check(value.tag == 1, f"{key} has CBOR tag {value.tag}, not 1")
            value = value.value
            check(isinstance(value, (int, float)), f"{key}: tag 1 on a {type(value).__name__}")
            return round(value)
        return value  # JSON seconds are converted by the caller, which knows the encoding
    if key == "Data" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def seconds_to_ms(value, key=None):
    if isinstance(value, dict):
        return {k: seconds_to_ms(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [seconds_to_ms(v, key) for v in value]
    if key in TIMESTAMP_KEYS:
        check(isinstance(value, (int, float)), f"JSON {key} is {value!r}, not epoch seconds")
        return round(value * 1000)
    return value


class Session:
    """One keep-alive connection speaking one encoding."""

    def __init__(self, server, content_type, cbor2):
        self.server = server
        self.content_type = content_type
        self.cbor2 = cbor2
        self.encoder = JavaSdkCbor(cbor2)
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)

    def call(self, operation, body):
        if self.content_type == CBOR:
            payload = self.encoder.encode(body)
        else:
            payload = json.dumps(to_json_body(body)).encode()
        headers = {
            "Content-Type": self.content_type,
            "X-Amz-Target": f"Kinesis_20131202.{operation}",
            "X-Amz-Date": "20230405T070612Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=java-sdk/20230405/us-east-1/kinesis/"
                             "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                             "x-amz-target, Signature=0000",
            "User-Agent": "aws-sdk-java/2.20.0 cbor-test",
        }
        self.conn.request("POST", "/", body=payload, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        content_type = response.getheader("Content-Type", "")
        check(content_type.startswith(self.content_type),
              f"{operation} in {self.content_type} answered with Content-Type {content_type!r}")
        if self.content_type == CBOR:
            decoded = self.cbor2.loads(raw) if raw else {}
            answer = normalise(decoded, self.cbor2)
        else:
            answer = seconds_to_ms(normalise(json.loads(raw) if raw else {}, self.cbor2))
        return response.status, answer, response.getheader("x-amzn-RequestId")


def differences(a, b, path="$"):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}.{k}: only in {'JSON' if k in a else 'CBOR'}"
            else:
                yield from differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b or type(a) is not type(b):
        yield f"{path}: JSON {a!r} vs CBOR {b!r}"


MASKED = {"SequenceNumber", "ShardIterator", "NextShardIterator", "ApproximateArrivalTimestamp",
          "StartingSequenceNumber", "StreamCreationTimestamp", "MillisBehindLatest",
          "StreamName", "StreamARN", "message"}


def mask(value, key=None):
    if isinstance(value, dict):
        return {k: ("<masked>" if k in MASKED else mask(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key) for v in value]
    return value


def run_session(session, clock, stream):
    """The session: every answer, in order. `clock(advance)` moves the server's time."""
    answers = []

    def call(operation, body):
        status, answer, request_id = session.call(operation, body)
        answers.append((operation, status, answer, request_id))
        return answer

    call("CreateStream", {"StreamName": stream, "ShardCount": 2})
    clock("60s")
    summary = call("DescribeStreamSummary", {"StreamName": stream})
    check(summary.get("StreamDescriptionSummary", {}).get("StreamStatus") == "ACTIVE",
          f"{stream} not ACTIVE after 60 s: {summary}")
    datas = [b"\x00\xff binary \x80", "ünïcode".encode(), b"plain"]
    for i, data in enumerate(datas):
        call("PutRecord", {"StreamName": stream, "Data": data, "PartitionKey": f"key-{i}"})
        clock("1s")
    call("PutRecords", {"StreamName": stream, "Records": [
        {"Data": bytes([i]) * (i + 1), "PartitionKey": f"batch-{i}"} for i in range(6)]})
    call("DescribeStream", {"StreamName": stream})
    shards = call("ListShards", {"StreamName": stream})["Shards"]
    for shard in shards:
        iterator = call("GetShardIterator", {
            "StreamName": stream, "ShardId": shard["ShardId"],
            "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": Millis(START_MS + 30_000)})
        check("ShardIterator" in iterator, f"GetShardIterator AT_TIMESTAMP: {iterator}")
        call("GetRecords", {"ShardIterator": iterator["ShardIterator"], "Limit": 100})
        iterator = call("GetShardIterator", {"StreamName": stream, "ShardId": shard["ShardId"],
                                             "ShardIteratorType": "TRIM_HORIZON"})
        check("ShardIterator" in iterator, f"GetShardIterator TRIM_HORIZON: {iterator}")
        call("GetRecords", {"ShardIterator": iterator["ShardIterator"], "Limit": 2})
    call("DescribeStream", {"StreamName": "no-such-stream"})
    return answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_target_arguments(parser)
    args = parser.parse_args()
    harness.time_limit(60, "the CBOR test")
    cbor2 = harness.require_module("cbor2", "python3-cbor2")

    servers = [harness.start_target(args, "--seed", "7", "--start", START, "--create-delay", "30s")
               for _ in range(1 if args.kinesalite else 2)]
    json_server, cbor_server = servers[0], servers[-1]

    def clock_of(server):
        # kinesalite's CREATING lasts 100 ms of wall time (tests/clients/node/kinesalite_serve.js).
        return server.advance if server.is_shardsim else (lambda duration: time.sleep(0.15))

    # One kinesalite holds both sessions, so each needs its own stream there.
    one_server = json_server is cbor_server
    json_answers = run_session(Session(json_server, JSON, cbor2), clock_of(json_server),
                               STREAM + ("-json" if one_server else ""))
    cbor_answers = run_session(Session(cbor_server, CBOR, cbor2), clock_of(cbor_server),
                               STREAM + ("-cbor" if one_server else ""))
    check(len(json_answers) == len(cbor_answers), "the two sessions made different calls")

    records_read = 0
    for (op, status_j, answer_j, id_j), (_, status_c, answer_c, id_c) in zip(json_answers,
                                                                          cbor_answers):
        check(status_j == status_c, f"{op}: HTTP {status_j} in JSON, {status_c} in CBOR")
        if not json_server.is_shardsim:
            answer_j, answer_c = mask(answer_j), mask(answer_c)
        elif status_j == 200:
            check(id_j == id_c, f"{op}: request ids differ ({id_j} vs {id_c}) for the same session")
        diff = list(differences(answer_j, answer_c))
        check(not diff, f"{op}: the CBOR answer differs from the JSON answer: {diff[:5]}")
        if op == "GetRecords":
            records_read += len(answer_c.get("Records", []))
            for record in answer_c.get("Records", []):
                check(isinstance(record["Data"], bytes), "Data is not a byte string")
        if status_j != 200:
            check(answer_c.get("__type", "").endswith("ResourceNotFoundException"),
                  f"{op}: error {answer_c}")
    check(records_read >= 9, f"only {records_read} records read back of the 9 put")
    say(f"  {len(json_answers)} calls: every CBOR answer decodes to the JSON answer"
        + (" (masked: iterators, sequence numbers, times - kinesalite is not deterministic)"
           if not json_server.is_shardsim else ", sequence numbers, iterators and request ids included"))
    for server in servers:
        check(server.alive(), f"{server.kind} died")
        server.stop()
    say("PASS: CBOR as the Java SDK sends it")


if __name__ == "__main__":
    main()
