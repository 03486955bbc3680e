"""A boto3 batch job that reads every shard in turn and gives up on one after N empty pages in a
row (EMPTY_PAGES, default 3): the usual "fix" of the stop-on-first-empty-page loop. It still
abandons a shard whose idle gap spans more than N buckets (shardsim check --client finds one).
A throttled read (a competing reader on the shard) is tried again and is not an empty page; an
iterator that expired meanwhile is asked for again after the last record read (from the start if
none was).
Endpoint from SHARDSIM_ENDPOINT, stream from SHARDSIM_STREAM.
"""
import os

import boto3
from botocore.exceptions import ClientError

kinesis = boto3.client("kinesis", endpoint_url=os.environ.get("SHARDSIM_ENDPOINT"))
EMPTY_PAGES = int(os.environ.get("EMPTY_PAGES", "3"))


def consume(stream):
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        last = None  # the last sequence number read from the shard

        def iterator():
            position = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                         "StartingSequenceNumber": last} if last else
                        {"ShardIteratorType": "TRIM_HORIZON"})
            return kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                              **position)["ShardIterator"]

        it = iterator()
        empty = 0
        while it and empty < EMPTY_PAGES:
            try:
                resp = kinesis.get_records(ShardIterator=it, Limit=1000)
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code == "ProvisionedThroughputExceededException":
                    continue
                if code == "ExpiredIteratorException":
                    it = iterator()
                    continue
                raise
            empty = 0 if resp["Records"] else empty + 1
            for record in resp["Records"]:
                print(shard["ShardId"], record["SequenceNumber"])
                last = record["SequenceNumber"]
            it = resp.get("NextShardIterator")


if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"))
