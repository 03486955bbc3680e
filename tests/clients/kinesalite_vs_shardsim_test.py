"""The demonstration: the same unmodified boto3 loop (examples/python/stop_on_first_empty_page.py,
the loop of docs/porting.md) passes against kinesalite and fails against shardsim serve.

Both get the seed article's stream: records 'a' and 'b', a day's idle gap, then '3'
(tests/corpus/the-seed-article-idle-day.json). kinesalite runs on the wall clock, so the test
puts the three records and then runs the loop, as a scheduler would after the gap; it checks
that the loop printed every record (kinesalite answers GetRecords with a range scan: no empty
page while records remain). shardsim plays the scenario in virtual time and reruns the loop
every 6 hours (`check --client ... --scenario ... --rerun-every 6h`): after the gap the loop's
first GetRecords is an empty page with MillisBehindLatest near 17.5 h, it stops, and
no_abandoned_shard names that. The test prints both verdicts and the reason.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import harness

LOOP = os.path.join(harness.REPO_ROOT, "examples", "python", "stop_on_first_empty_page.py")
SCENARIO = os.path.join(harness.REPO_ROOT, "tests", "corpus", "the-seed-article-idle-day.json")


def run_loop(endpoint, stream):
    env = dict(os.environ, **harness.CLIENT_ENV, SHARDSIM_ENDPOINT=endpoint, SHARDSIM_STREAM=stream,
               POLL_SLEEP_S="0")
    done = subprocess.run([sys.executable, LOOP], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60)
    harness.check(done.returncode == 0, f"the loop failed against kinesalite: {done.stdout[-2000:]}")
    return done.stdout


def against_kinesalite():
    import boto3
    with open(SCENARIO) as f:
        scenario = json.load(f)
    server = harness.start_kinesalite()
    harness.use_client_env()
    kinesis = boto3.client("kinesis", endpoint_url=server.endpoint)
    stream = scenario["stream_name"]
    kinesis.create_stream(StreamName=stream, ShardCount=scenario["shard_count"])
    kinesis.get_waiter("stream_exists").wait(StreamName=stream,
                                             WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    put = []
    for p in scenario["puts"]:
        put.append(kinesis.put_record(StreamName=stream, PartitionKey=p["partition_key"],
                                      Data=p["data"].encode())["SequenceNumber"])
    output = run_loop(server.endpoint, stream)
    delivered = [s for s in put if s in output]
    server.stop()
    harness.say(f"kinesalite: PASS: the loop was given {len(delivered)} of {len(put)} records")
    harness.check(len(delivered) == len(put),
                  f"against kinesalite the loop printed only {len(delivered)} of {len(put)} records")


def against_shardsim(binary, failure_dir):
    command = [binary, "check", "--client", f"{sys.executable} {LOOP}", "--scenario", SCENARIO,
               "--rerun-every", "6h", "--quiet", "--failure-dir", failure_dir]
    env = dict(os.environ, POLL_SLEEP_S="0")
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=90)
    print(done.stdout, end="")
    harness.check(done.returncode == 1, f"expected the loop to fail against shardsim (exit 1), got "
                                        f"{done.returncode}")
    first = done.stdout.splitlines()[0]
    harness.check("no_abandoned_shard" in first, f"expected no_abandoned_shard, got: {first}")
    reason = next(l.strip() for l in done.stdout.splitlines() if "MillisBehindLatest" in l)
    harness.say(f"shardsim serve: FAIL no_abandoned_shard: {reason}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    args = parser.parse_args()
    against_kinesalite()
    with tempfile.TemporaryDirectory() as failure_dir:
        against_shardsim(args.shardsim, failure_dir)
    harness.say("the same unmodified loop passes on kinesalite and fails on shardsim serve")


if __name__ == "__main__":
    main()
