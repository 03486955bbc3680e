"""boto3 (Debian's python3-boto3 1.26) reading enhanced fan-out over HTTP/1.1, unmodified: the
seed article's idle day seen through SubscribeToShard.

Records 'a' and 'b' go in; a day of virtual time passes (the manual clock is set forward: 24 h,
so the walk outlasts one subscription); '3' goes in. A consumer registered with register_stream_consumer subscribes AFTER 'b' and iterates
response['EventStream'] as the boto3 documentation does. It must see events without records
whose MillisBehindLatest shrinks event after event (each event walks one time bucket, as
GetRecords does), resubscribe from ContinuationSequenceNumber each time a subscription's five
minutes end, and finally get '3' — all within seconds of real time, because the manual clock
moves with the open subscription itself (README, "Enhanced fan-out: SubscribeToShard"). A
SubscribeToShard of an unknown consumer is ResourceNotFoundException, raised by boto3 as a
ClientError before any stream opens. With --tls the same over HTTPS (serve --tls, its
self-signed certificate trusted by AWS_CA_BUNDLE, as a user would).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

STREAM = "test-offsets"
SUBSCRIPTIONS_MAX = 10
REAL_SECONDS_MAX = 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shardsim", metavar="BIN", required=True)
    parser.add_argument("--tls", action="store_true",
                        help="serve --tls, the self-signed certificate trusted by AWS_CA_BUNDLE")
    args = parser.parse_args()
    harness.use_client_env()
    harness.time_limit(110, "the boto3 SubscribeToShard test")
    boto3 = harness.require_module("boto3", "python3-boto3")
    botocore = harness.require_module("botocore.config", "python3-boto3")
    harness.require_module("botocore.exceptions", "python3-boto3")
    server = harness.start_shardsim(args.shardsim, "--start", "2023-04-05T07:06:12Z",
                                    *(["--tls"] if args.tls else []))
    if args.tls:
        check(server.endpoint.startswith("https://") and server.cert, "serve --tls printed no cert")
        os.environ["AWS_CA_BUNDLE"] = server.cert  # boto3's usual setting, read at client creation
    kinesis = boto3.client("kinesis", endpoint_url=server.endpoint, config=botocore.config.Config(
        connect_timeout=5, read_timeout=15, retries={"max_attempts": 1}))

    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM,
                                             WaiterConfig={"Delay": 0, "MaxAttempts": 50})
    kinesis.put_record(StreamName=STREAM, Data=b"a", PartitionKey="1")
    b = kinesis.put_record(StreamName=STREAM, Data=b"b", PartitionKey="2")
    server.set_clock("2023-04-06T07:06:12Z")  # "waiting 1 day"
    kinesis.put_record(StreamName=STREAM, Data=b"3", PartitionKey="3")

    stream_arn = kinesis.describe_stream_summary(StreamName=STREAM)[
        "StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="efo")[
        "Consumer"]
    for _ in range(50):
        status = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])[
            "ConsumerDescription"]["ConsumerStatus"]
        if status == "ACTIVE":
            break
    check(status == "ACTIVE", f"the consumer is {status}, not ACTIVE")
    listed = kinesis.list_stream_consumers(StreamARN=stream_arn)["Consumers"]
    check([c["ConsumerName"] for c in listed] == ["efo"], f"list_stream_consumers: {listed}")

    try:  # an error before the stream opens is an ordinary AWS error
        kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"] + "0",
                                   ShardId="shardId-000000000000",
                                   StartingPosition={"Type": "LATEST"})
        fail("a SubscribeToShard of an unknown consumer was accepted")
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        check(code == "ResourceNotFoundException", f"an unknown consumer gave {code}")

    started = time.monotonic()
    position = {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": b["SequenceNumber"]}
    empty, behind, found, subscriptions = 0, [], None, 0
    while found is None and subscriptions < SUBSCRIPTIONS_MAX:
        subscriptions += 1
        response = kinesis.subscribe_to_shard(ConsumerARN=consumer["ConsumerARN"],
                                              ShardId="shardId-000000000000",
                                              StartingPosition=position)
        for event in response["EventStream"]:
            shard_event = event["SubscribeToShardEvent"]
            position = {"Type": "AFTER_SEQUENCE_NUMBER",
                        "SequenceNumber": shard_event["ContinuationSequenceNumber"]}
            if shard_event["Records"]:
                found = shard_event["Records"][0]["Data"]
                break
            empty += 1
            behind.append(shard_event["MillisBehindLatest"])
        response["EventStream"].close()
    elapsed = time.monotonic() - started
    check(found == b"3", f"no record '3' after {subscriptions} subscriptions ({empty} empty events)")
    # 24 idle hours in buckets of 180-240 s (the observed profile): 360 to 480 empty events.
    check(24 * 3600 // 240 <= empty <= 24 * 3600 // 180,
          f"{empty} empty events over a 24 h idle stretch")
    check(all(x > y for x, y in zip(behind, behind[1:])), "MillisBehindLatest did not shrink "
          f"event after event: {behind[:5]} ...")
    check(behind[0] >= 23 * 3600 * 1000, f"the first empty event was only {behind[0]} ms behind")
    check(subscriptions >= 2, "the walk fitted one five-minute subscription")
    check(elapsed < REAL_SECONDS_MAX, f"the walk took {elapsed:.1f} s of real time")
    say(f"  {empty} empty events, MillisBehindLatest {behind[0]} -> {behind[-1]}, then "
        f"'3', over {subscriptions} subscriptions in {elapsed:.1f} s of real time")
    check(server.alive(), "the server died")
    server.stop()
    say("PASS: boto3 register_stream_consumer + subscribe_to_shard walk an idle day")


if __name__ == "__main__":
    main()
