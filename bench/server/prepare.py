"""Prepares a server for the wrk runs: creates a stream, waits until it is ACTIVE (moving
shardsim's virtual clock, or waiting for kinesalite), puts records, and prints a TRIM_HORIZON
shard iterator of its first shard on stdout; with --iterator, only prints a fresh one.

  prepare.py ENDPOINT STREAM SHARDS RECORDS
  prepare.py --iterator ENDPOINT STREAM
"""
import http.client
import json
import sys
import time
import urllib.parse


def main():
    iterator_only = sys.argv[1:2] == ["--iterator"]
    if iterator_only and len(sys.argv) == 4:
        endpoint, stream = sys.argv[2], sys.argv[3]
    elif len(sys.argv) == 5:
        endpoint, stream, shards, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    else:
        sys.exit(f"usage: {sys.argv[0]} ENDPOINT STREAM SHARDS RECORDS | --iterator ENDPOINT STREAM")
    url = urllib.parse.urlparse(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(operation, body, path="/", method="POST"):
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "X-Amz-Target": f"Kinesis_20131202.{operation}",
                   "X-Amz-Date": "20230405T070612Z",
                   "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20230405/us-east-1/"
                                    "kinesis/aws4_request, SignedHeaders=host, Signature=00"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, (json.loads(raw) if raw else {})
        except ValueError:
            return response.status, {"raw": raw[:200]}

    if iterator_only:
        print(first_shard_iterator(call, stream))
        return
    status, answer = call("CreateStream", {"StreamName": stream, "ShardCount": shards})
    if status != 200:
        sys.exit(f"prepare.py: CreateStream: HTTP {status} {answer}")
    shardsim = call("", None, "/_shardsim/clock", "GET")[0] == 200
    for _ in range(100):
        _, answer = call("DescribeStreamSummary", {"StreamName": stream})
        if answer["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            break
        if shardsim:
            call("", {"advance": "10s"}, "/_shardsim/clock")
        else:
            time.sleep(0.05)
    else:
        sys.exit(f"prepare.py: {stream} never became ACTIVE")
    for i in range(0, records, 500):
        entries = [{"Data": "QUJD", "PartitionKey": f"key-{j}"} for j in range(i, min(records, i + 500))]
        status, answer = call("PutRecords", {"StreamName": stream, "Records": entries})
        if status != 200:
            sys.exit(f"prepare.py: PutRecords: HTTP {status} {answer}")
        if shardsim:
            call("", {"advance": "1s"}, "/_shardsim/clock")  # stay under 1,000 records/s
    print(first_shard_iterator(call, stream))


def first_shard_iterator(call, stream):
    _, answer = call("ListShards", {"StreamName": stream})
    shard_id = answer["Shards"][0]["ShardId"]
    status, answer = call("GetShardIterator", {"StreamName": stream, "ShardId": shard_id,
                                               "ShardIteratorType": "TRIM_HORIZON"})
    if status != 200:
        sys.exit(f"prepare.py: GetShardIterator: HTTP {status} {answer}")
    return answer["ShardIterator"]


if __name__ == "__main__":
    main()
