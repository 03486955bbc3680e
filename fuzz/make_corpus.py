#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

The seeds come from the tests' own inputs (tests/corpus/, tests/server/bad_input_test.cc's
table, the wire-protocol examples) and the seed article's values (its two sequence numbers,
its iterator tokens, its stream and shard names). Run it again after changing a seed; the
files are committed, so the fuzzers need nothing but the repository. Needs python3-cbor2
(/usr/bin/python3, Debian's). Campaign result seeds are written by `shardsim check --output`
(see the comment at campaign_result below); replay_log seeds are `shardsim serve --log` files.
"""
import hashlib
import json
import os
import shutil
import struct
import zlib
import sys

import cbor2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")

ARTICLE_SEQS = ["49639543389862895699365693304023657829928072185817071618",
                "49639543389862895699365693304024866755747687983222882306"]
ARTICLE_TOKENS = [
    "AAAAAAAAAAGn7k1dYirjbM+BLl4n/7PaiVVAm0S0DgPwVn+lCT5PUIHju3RLUCONg0dHAvh0VBxqBPc22+wpmRaPuGKfrOxp7D3FLu3zvP7HmJmDuUCPqASVYBf4fWYFFtWb9oX3nDW5W6Bq6N9nVyyt49mFPrIm2zN7EKEci3FJ8Y+YOI+53MY8gselQrhhuCEN/5Z5okMMqPUAV3QDNHBxQ/BVcBTZX5DRKMpB0QH0n3pogjMEcQ==",
    "AAAAAAAAAAEodnF6VW96K31Zi8EeehSCFo1s6lGI6cmGEcFx0vv3w1CNhn+9PZUJXFvizsCmWNTEEQfZ4BjGjVecy3TjL/4HrC30DTWzEO2vpHe7WX+1EznYCnmeil42tJumRSk0+AqI2mj9Vj3UoATcprhQeoYBUR89CiwKKU6s7Dg98g3xiuCSvsi1cScsxPuDtArkHdK9iHhjboy1PwkgTHF+tMF5dZfsIr/1vFXo8/mAS43ujQ==",
]


def write(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def scenario_json():
    src = os.path.join(ROOT, "tests", "corpus")
    for name in sorted(os.listdir(src)):
        if name.endswith(".json"):
            shutil.copy(os.path.join(src, name), os.path.join(OUT, "scenario_json", name))
    with open(os.path.join(src, "split-and-merge-while-catching-up.json")) as f:
        doc = json.load(f)
    # The optional limits off and a rerun, as a batch strategy's scenario has them.
    for key in list(doc["stream"]["limits"]):
        if key not in ("large_response_bytes", "max_get_records_bytes"):
            doc["stream"]["limits"][key] = None
    doc["rerun_after_exit_us"] = 900000000
    doc["stream"]["buckets"] = "range:1s-1h"
    doc["stream"]["below_horizon"] = "stuck_empty_pages"
    doc["crashes"] = [{"at_us": 5000000, "restart_after_us": 259200000000}]
    doc["competing_readers"] = [{"start_us": 0, "stop_us": 60000000, "poll_interval_us": 200000,
                                 "shard_id": "shardId-000000000000"}]
    doc["params"] = {"poll_interval_ms": 200}
    write("scenario_json", "limits-off-rerun-crash-competing-reader.json",
          json.dumps(doc, indent=2, sort_keys=True) + "\n")


def sequence_number():
    for i, seq in enumerate(ARTICLE_SEQS):
        write("sequence_number", f"article-{i}", seq)
    write("sequence_number", "leading-zero", "0" + ARTICLE_SEQS[0][1:])
    write("sequence_number", "55-digits", ARTICLE_SEQS[0][:55])
    write("sequence_number", "version-1", str(int(ARTICLE_SEQS[0]) - 1))
    # Raw field sets (5-byte creation + 2^38, 4-byte index, 8-byte counter, 5-byte put + 2^38,
    # version byte): the article's two records.
    def fields(created, index, counter, put):
        return (struct.pack(">Q", created + (1 << 38))[3:] + struct.pack(">I", index) +
                struct.pack(">Q", counter) + struct.pack(">Q", put + (1 << 38))[3:] + b"\x02")
    write("sequence_number", "article-fields",
          fields(1680678372, 0, 8398, 1680678490) + fields(1680678372, 0, 8399, 1680678507))
    write("sequence_number", "index-17-fields",
          fields(1680678372, 17, 2**64 - 1, 2**36 - 1) + fields(0, 16, 0, 0))


def iterator_token():
    for i, token in enumerate(ARTICLE_TOKENS):
        write("iterator_token", f"article-{i}", b"\x00" + token.encode())
    write("iterator_token", "not-base64", b"\x00AAAAAAAAAAEnotatoken")
    # Field sets: flags, shard, bucket (2), ordinal (2), age ms (4), [stream name].
    write("iterator_token", "fields-shard0-bucket0", b"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00")
    write("iterator_token", "fields-shard1-bucket3", b"\x01\x00\x01\x00\x03\x00\x01\x00\x00\x01\x00")
    write("iterator_token", "fields-stuck-child", b"\x01\x01\x02\x00\x01\x00\x00\x00\x00\x00\x10")
    write("iterator_token", "fields-far-bucket", b"\x01\x04\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00")
    write("iterator_token", "fields-named-stream", b"\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00test-offsets")


def next_token():
    write("next_token", "garbage", b"\x00garbage")
    write("next_token", "shards-after-1",
          b"\x01" + json.dumps({"k": "shards", "s": "fuzz", "a": "shardId-000000000001",
                                "t": 0}).replace("0}", "$NOW}").encode())
    write("next_token", "shards-filtered",
          b"\x03" + b'{"a":"shardId-000000000000","f":{"Type":"AT_TIMESTAMP","Timestamp":1672531200000000},"k":"shards","s":"fuzz","t":$NOW}')
    write("next_token", "shards-after-shard-id-filter",
          b"\x01" + b'{"a":"shardId-000000000002","f":{"Type":"AFTER_SHARD_ID","ShardId":"shardId-000000000003"},"k":"shards","s":"fuzz","t":$NOW}')
    write("next_token", "streams-after-fuzz", b"\x05" + b'{"a":"fuzz","k":"streams","t":$NOW}')
    write("next_token", "expired", b"\x01" + b'{"a":"fuzz","k":"streams","t":0}')
    write("next_token", "other-kind", b"\x01" + b'{"a":"fuzz","k":"shards","s":"fuzz2","t":$NOW}')


def cbor_body(doc):
    """The CBOR a Java SDK sends: Data as bytes, Timestamp as tag 1 epoch milliseconds."""
    def convert(key, v):
        if key == "Data" and isinstance(v, str):
            import base64
            return base64.b64decode(v)
        if key in ("Timestamp", "StreamCreationTimestamp") and isinstance(v, (int, float)):
            return cbor2.CBORTag(1, int(v * 1000))
        if isinstance(v, dict):
            return {k: convert(k, x) for k, x in v.items()}
        if isinstance(v, list):
            return [convert(key if key != "Records" else "", x) for x in v]
        return v
    return cbor2.dumps(convert("", doc))


SERVER_CALLS = [
    ("CreateStream", {"StreamName": "test-offsets", "ShardCount": 1}),
    ("CreateStream", {"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    ("DescribeStream", {"StreamName": "fuzz", "Limit": 1, "ExclusiveStartShardId": "shardId-0"}),
    ("DescribeStreamSummary", {"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/fuzz"}),
    ("ListStreams", {"Limit": 1}),
    ("ListStreams", {"NextToken": "$TOKEN"}),
    ("ListShards", {"StreamName": "fuzz", "MaxResults": 1}),
    ("ListShards", {"NextToken": "$TOKEN", "MaxResults": 1}),
    ("ListShards", {"StreamName": "fuzz", "ShardFilter": {"Type": "AT_TIMESTAMP", "Timestamp": 1672531200.5}}),
    ("ListShards", {"StreamName": "fuzz", "ShardFilter": {"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000000"}}),
    ("GetShardIterator", {"StreamName": "fuzz", "ShardId": "shardId-0000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    ("GetShardIterator", {"StreamName": "fuzz", "ShardId": "shardId-000000000000", "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": "$SEQ"}),
    ("GetShardIterator", {"StreamName": "fuzz", "ShardId": "shardId-000000000001", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1672531200}),
    ("GetShardIterator", {"StreamName": "fuzz", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": ARTICLE_SEQS[0]}),
    ("GetRecords", {"ShardIterator": "$ITER", "Limit": 1}),
    ("GetRecords", {"ShardIterator": "$NEXT"}),
    ("GetRecords", {"ShardIterator": ARTICLE_TOKENS[0]}),
    ("PutRecord", {"StreamName": "fuzz", "Data": "YQ==", "PartitionKey": "1"}),
    ("PutRecord", {"StreamName": "fuzz", "Data": "Yg==", "PartitionKey": "2", "ExplicitHashKey": "340282366920938463463374607431768211455", "SequenceNumberForOrdering": "$SEQ"}),
    ("PutRecords", {"StreamName": "fuzz", "Records": [{"Data": "Mw==", "PartitionKey": "3"}, {"Data": "", "PartitionKey": "k", "ExplicitHashKey": "0"}]}),
    ("SplitShard", {"StreamName": "fuzz", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "85070591730234615865843651857942052864"}),
    ("MergeShards", {"StreamName": "fuzz", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
    ("UpdateShardCount", {"StreamName": "fuzz", "TargetShardCount": 3, "ScalingType": "UNIFORM_SCALING"}),
    ("IncreaseStreamRetentionPeriod", {"StreamName": "fuzz", "RetentionPeriodHours": 48}),
    ("DecreaseStreamRetentionPeriod", {"StreamName": "fuzz", "RetentionPeriodHours": 24}),
    ("DeleteStream", {"StreamName": "fuzz", "EnforceConsumerDeletion": True}),
]


def server_request():
    sep = b"\n###\n"
    def request(op, doc, cbor):
        body = cbor_body(doc) if cbor else json.dumps(doc).encode()
        return op.encode() + (b" c\n" if cbor else b" j\n") + body
    for i, (op, doc) in enumerate(SERVER_CALLS):
        for cbor in (False, True):
            write("server_request", f"{i:02d}-{op}-{'cbor' if cbor else 'json'}", request(op, doc, cbor))
    # Sessions: the seed article's walk, a split read across, a session with its own options.
    article = [("GetShardIterator", SERVER_CALLS[10][1]), ("GetRecords", {"ShardIterator": "$ITER"}),
               ("PutRecord", SERVER_CALLS[17][1]), ("GetRecords", {"ShardIterator": "$NEXT"}),
               ("GetRecords", {"ShardIterator": "$NEXT"})]
    for cbor in (False, True):
        write("server_request", f"session-article-{'cbor' if cbor else 'json'}",
              sep.join(request(op, doc, cbor) for op, doc in article))
    split = [("PutRecord", SERVER_CALLS[17][1]), SERVER_CALLS[20],
             ("GetShardIterator", SERVER_CALLS[10][1]), ("GetRecords", {"ShardIterator": "$ITER"}),
             ("GetRecords", {"ShardIterator": "$NEXT"}), SERVER_CALLS[22], SERVER_CALLS[6],
             SERVER_CALLS[7]]
    write("server_request", "session-split-read",
          b"shardsim-fuzz profile=observed log\n" + sep.join(request(op, doc, False) for op, doc in split))
    write("server_request", "session-clock",
          b"shardsim-fuzz profile=dense limits=off\n" + sep.join([
              request(*SERVER_CALLS[17], False), b'_clock j\n{"advance": "17h33m"}',
              request("GetShardIterator", SERVER_CALLS[10][1], True),
              request("GetRecords", {"ShardIterator": "$ITER"}, True), b"_clock j\n"]))
    # The bad inputs of tests/server/bad_input_test.cc.
    bad = [b"ListStreams c\n\xbf\x61", b'DescribeStream j\n{"StreamName": 5}',
           b'PutRecords j\n{"StreamName": "fuzz", "Records": {}}',
           b'GetShardIterator j\n{"StreamName": "fuzz", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "yesterday"}',
           b'PutRecord j\n{"StreamName": "fuzz", "PartitionKey": "k", "Data": "!!!"}',
           b"SubscribeToShard j\n{}", b"Nope j\n{}", b"PutRecord text/plain\n{}",
           b'GetRecords j\n{"ShardIterator": "AAAAAAAAAAEnotatoken"}',
           b'ListShards j\n{"NextToken": "garbage"}', b'_clock j\n{"advance": 5}',
           b"ListStreams c\n\xa1\x65Limit\xc1\x01", b"ListStreams j\n" + b"[" * 70 + b"]" * 70]
    for i, body in enumerate(bad):
        write("server_request", f"bad-{i:02d}", body)


def event_stream():
    """Frames of the AWS event-stream encoding: the SDK test vectors, SubscribeToShard's three
    kinds of message, every header type, two frames in a row, and broken ones."""
    def header(name, kind, value=b""):
        return bytes([len(name)]) + name + bytes([kind]) + value

    def string(name, text):
        return header(name, 7, struct.pack(">H", len(text)) + text)

    def frame(headers, payload):
        total = 16 + len(headers) + len(payload)
        prelude = struct.pack(">II", total, len(headers))
        prelude += struct.pack(">I", zlib.crc32(prelude))
        body = prelude + headers + payload
        return body + struct.pack(">I", zlib.crc32(body))

    json_type = string(b":content-type", b"application/x-amz-json-1.1")
    initial = frame(string(b":event-type", b"initial-response") + json_type +
                    string(b":message-type", b"event"), b"{}")
    event = frame(string(b":event-type", b"SubscribeToShardEvent") + json_type +
                  string(b":message-type", b"event"),
                  b'{"Records":[],"ContinuationSequenceNumber":"4959","MillisBehindLatest":63180000}')
    exception = frame(string(b":exception-type", b"ResourceInUseException") + json_type +
                      string(b":message-type", b"exception"), b'{"message":"taken over"}')
    every_type = frame(header(b"t", 0) + header(b"f", 1) + header(b"b", 2, b"\xf9") +
                       header(b"s", 3, struct.pack(">h", -300)) +
                       header(b"i", 4, struct.pack(">i", -70000)) +
                       header(b"l", 5, struct.pack(">q", -1)) +
                       header(b"y", 6, struct.pack(">H", 3) + b"\x00\x01\x02") +
                       header(b"ts", 8, struct.pack(">q", 1680678372000)) +
                       header(b"u", 9, b"0123456789abcdef"), b"payload")
    write("event_stream", "empty-message", frame(b"", b""))
    write("event_stream", "one-string-header",
          frame(string(b"content-type", b"application/json"), b"{'foo':'bar'}"))
    write("event_stream", "initial-response", initial)
    write("event_stream", "subscribe-to-shard-event", event)
    write("event_stream", "exception", exception)
    write("event_stream", "every-header-type", every_type)
    write("event_stream", "a-stream", initial + event + event + exception)
    write("event_stream", "truncated", initial + event[:30])
    write("event_stream", "bad-message-crc", event[:-1] + bytes([event[-1] ^ 1]))


def strategy():
    # Seed (8 bytes), size, shrink path: the first cases `shardsim check` would run at each size.
    for seed, size in [(1, 0), (1, 10), (2, 50), (7, 100), (2023, 80), (1680678372, 30)]:
        write("strategy", f"seed-{seed}-size-{size}", struct.pack(">QB", seed, size))
    write("strategy", "seed-1-size-100-shrunk", struct.pack(">QB", 1, 100) + b"\x00\x00\x01\x03")


def main():
    if os.path.isdir(OUT):
        # scenario_json, campaign_result and replay_log also hold inputs kept by hand.
        for target in ("sequence_number", "iterator_token", "next_token",
                       "server_request", "event_stream", "strategy"):
            shutil.rmtree(os.path.join(OUT, target), ignore_errors=True)
    os.makedirs(os.path.join(OUT, "scenario_json"), exist_ok=True)
    scenario_json()
    sequence_number()
    iterator_token()
    next_token()
    server_request()
    event_stream()
    strategy()
    # campaign_result: written by shardsim itself, e.g.
    #   shardsim check --strategy stop-on-first-empty-page --cases 40 --output one.json
    #   shardsim check --strategy kcl-worker --cases 20 --shard-index I --shard-count 2 ...
    # and kept as they are (make_corpus.py leaves fuzz/corpus/campaign_result/ alone).


if __name__ == "__main__":
    sys.exit(main())
