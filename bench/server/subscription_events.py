"""SubscribeToShard events per second on the wire: boto3 (HTTP/1.1, chunked event stream) against
`shardsim serve` with its manual clock, walking an idle day as the seed article does — records
'a', then a day of virtual time, then 'b' — subscribing AFTER 'a' and resubscribing from each
ContinuationSequenceNumber until 'b' arrives or SECONDS of wall time pass.

  subscription_events.py ENDPOINT SECONDS

Prints "EVENTS n SECONDS s SUBSCRIPTIONS k". Every event is a step of virtual time the open
subscription takes itself (README, "How virtual time moves while a subscription is open"), so
this is the rate at which a client sees an idle stretch walked, not a raw framing rate.
"""
import json
import sys
import time
import urllib.request

import boto3


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} ENDPOINT SECONDS")
    endpoint, seconds = sys.argv[1], float(sys.argv[2])
    kinesis = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="bench", aws_secret_access_key="x")
    kinesis.create_stream(StreamName="bench-efo", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="bench-efo",
                                             WaiterConfig={"Delay": 0, "MaxAttempts": 50})
    a = kinesis.put_record(StreamName="bench-efo", Data=b"a", PartitionKey="1")
    now = json.load(urllib.request.urlopen(endpoint + "/_shardsim/clock"))["now"]
    day_later = json.dumps({"advance": "24h"}).encode()
    urllib.request.urlopen(urllib.request.Request(endpoint + "/_shardsim/clock", data=day_later))
    kinesis.put_record(StreamName="bench-efo", Data=b"b", PartitionKey="2")
    arn = kinesis.describe_stream_summary(StreamName="bench-efo")[
        "StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="bench")[
        "Consumer"]["ConsumerARN"]
    position = {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": a["SequenceNumber"]}
    events = subscriptions = 0
    start = time.monotonic()
    found = False
    while not found and time.monotonic() - start < seconds:
        subscriptions += 1
        stream = kinesis.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000",
                                            StartingPosition=position)["EventStream"]
        for event in stream:
            e = event["SubscribeToShardEvent"]
            events += 1
            if any(r["Data"] == b"b" for r in e["Records"]):
                found = True
                break
            position = {"Type": "AFTER_SEQUENCE_NUMBER",
                        "SequenceNumber": e["ContinuationSequenceNumber"]}
            if time.monotonic() - start >= seconds:
                break
        stream.close()
    elapsed = time.monotonic() - start
    print(f"EVENTS {events} SECONDS {elapsed:.3f} SUBSCRIPTIONS {subscriptions} FROM {now}")


if __name__ == "__main__":
    main()
