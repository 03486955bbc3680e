"""The boto3 loop of docs/porting.md, unmodified: read the first shard, stop on the first empty page.

It passes against kinesalite (a range scan: no empty page while records remain) and fails
against shardsim serve, where an idle gap makes GetRecords answer empty pages while later
records exist (the seed article's bug). The endpoint comes from SHARDSIM_ENDPOINT (Debian's
boto3 1.26 predates AWS_ENDPOINT_URL), the stream from SHARDSIM_STREAM; POLL_SLEEP_S sets the
loop's sleep (0.2 s, as in the original; a per-request clock does not see it, so tests set 0).
"""
import os
import time

import boto3

kinesis = boto3.client("kinesis", endpoint_url=os.environ.get("SHARDSIM_ENDPOINT"))
POLL_SLEEP_S = float(os.environ.get("POLL_SLEEP_S", "0.2"))


def process(record):
    print(record["SequenceNumber"], record["Data"][:40])


def consume(stream):
    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    shard_id = shards[0]["ShardId"]
    it = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard_id,
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    while it:
        resp = kinesis.get_records(ShardIterator=it, Limit=1000)
        if not resp["Records"]:
            break                                   # "no more data"
        for record in resp["Records"]:
            process(record)
        it = resp.get("NextShardIterator")
        time.sleep(POLL_SLEEP_S)


if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"))
