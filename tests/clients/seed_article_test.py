"""The seed article's experiment, command for command, with Debian's AWS CLI (2.9.19).

shared/seed/kinesis-sequence-number-is-not-a-kafka-offset.txt: create a one-shard stream, put
'a' and 'b', read them from TRIM_HORIZON, wait a day, read AFTER_SEQUENCE_NUMBER 'b' (empty,
MillisBehindLatest 63,180,000), put '3', and follow NextShardIterator through empty pages
(62,995,000, 62,761,000, ...) until '3' comes. Here `shardsim clock advance 17h33m` stands in
for the wait (63,180,000 ms is 17 h 33 min), and the server's clock is set to the article's
instants, so the numbers are the article's:
  - MillisBehindLatest after the wait is within one bucket (240 s on the observed profile) of
    63,180,000;
  - each further empty page is 150-250 s lower (the article's hops: 185 s and 234 s), up to
    the last, which stands in the bucket holding '3' and is less than a bucket behind;
  - '3' arrives after about gap / width calls: between gap/240 s and gap/180 s, +-2.

The article's steps run as shell commands through /usr/bin/aws (with --endpoint-url added, as
2.9.19 has no AWS_ENDPOINT_URL). The ~300 get-records calls of the walk to '3' run through the
same CLI code (awscli.clidriver, what /usr/bin/aws calls) in this process: each /usr/bin/aws
start costs about 1 s of CPU, so 300 of them would take five minutes.

Every virtual call costs 250 ms (--latency), a consumer's poll interval, so the walk stays under
the 5 GetRecords/s limit. With --kinesalite the same commands run against kinesalite, which has
no buckets and no clock: the test says which assertions it skips and shows that one call reaches
'3' there.
"""

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, fail, say  # noqa: E402

AWS = "/usr/bin/aws"
STREAM = "test-offsets"
ARTICLE_SHARD_ID = "shardId-0000000000"  # as the article writes it (ten digits)
CREATED_AT = "2023-04-05T07:06:12Z"      # the shard creation time its sequence numbers encode
PUT_A_AT = "2023-04-05T07:08:10.670Z"    # the records' ApproximateArrivalTimestamps
PUT_B_AT = "2023-04-05T07:08:27.176Z"
IDLE = "17h33m"                          # = 63,180,000 ms, the article's MillisBehindLatest
IDLE_MS = 63_180_000
WIDTH_MIN_MS, WIDTH_MAX_MS = 180_000, 240_000  # the observed profile
HOP_MIN_MS, HOP_MAX_MS = 150_000, 250_000
LATENCY = "250ms"
CREATE_DELAY = "30s"
WALK_CALLS_MAX = 1_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_target_arguments(parser)
    parser.add_argument("--picture-dir", metavar="DIR",
                        help="keep the server's log there, and the session's picture drawn from "
                             "it by `shardsim replay --log FILE --format svg` (checked)")
    return parser.parse_args()


class Article:
    def __init__(self, server, shardsim_binary):
        self.server = server
        self.binary = shardsim_binary

    def shell(self, command):
        """Runs one of the article's lines in bash, `aws` being the Debian CLI on our endpoint."""
        script = (f'aws() {{ {AWS} --endpoint-url "{self.server.endpoint}" "$@"; }}\n'
                  f"STREAM_NAME='{STREAM}'\n{command}\n")
        say(f"$ {command}")
        try:
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", script],
                                  capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            fail(f"'{command}' did not finish within 60 s")
        check(done.returncode == 0,
              f"'{command}' exited with {done.returncode}: {done.stderr.strip()[:500]}")
        out = done.stdout.strip()
        return json.loads(out) if out else None

    def clock(self, *args):
        """`shardsim clock ...` against the server, as a user types it."""
        command = [self.binary, "clock", *args, "--endpoint", self.server.endpoint]
        say(f"$ shardsim clock {' '.join(args)}")
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        check(done.returncode == 0,
              f"{' '.join(command)} exited with {done.returncode}: {done.stderr.strip()}")
        return done.stdout.strip()


class InProcessCli:
    """The AWS CLI's own driver (what /usr/bin/aws runs), kept loaded between calls."""

    def __init__(self, endpoint):
        sys.path.insert(0, "/usr/lib/python3/dist-packages")
        clidriver = harness.require_module("awscli.clidriver", "awscli")
        self.driver = clidriver.clidriver.create_clidriver()
        self.endpoint = endpoint

    def __call__(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = self.driver.main([*args, "--endpoint-url", self.endpoint])
        check(status == 0, f"aws {' '.join(args[:2])} exited with {status}: {err.getvalue()[:500]}")
        return json.loads(out.getvalue())


def arrival_ms(record):
    """ApproximateArrivalTimestamp as the CLI prints it (ISO 8601) -> epoch ms."""
    stamp = datetime.fromisoformat(record["ApproximateArrivalTimestamp"])
    return round(stamp.timestamp() * 1000)


def epoch_ms(rfc3339):
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def check_picture(shardsim, log_path):
    """The served session replays identically and draws as the article's walk."""
    replayed = subprocess.run([shardsim, "replay", "--log", log_path], capture_output=True,
                              text=True, timeout=60)
    check(replayed.returncode == 0 and replayed.stdout.startswith("identical"),
          f"replay --log {log_path}: exit {replayed.returncode}: {replayed.stdout}{replayed.stderr}")
    svg_path = log_path[:-len(".jsonl")] + ".svg"
    with open(svg_path, "w") as out:
        drawn = subprocess.run([shardsim, "replay", "--log", log_path, "--format", "svg"],
                               stdout=out, stderr=subprocess.PIPE, text=True, timeout=60)
    check(drawn.returncode == 0 and not drawn.stderr,
          f"replay --log --format svg: exit {drawn.returncode}: {drawn.stderr}")
    with open(svg_path) as f:
        svg = f.read()
    xmllint = subprocess.run(["xmllint", "--noout", svg_path], capture_output=True, text=True)
    check(xmllint.returncode == 0, f"{svg_path} is not well-formed: {xmllint.stderr}")
    counts = {name: svg.count(f'class="{name}"')
              for name in ("lane", "put", "empty-run", "walk", "calls", "found", "idle-stretch",
                           "axis-break", "read outcome-records")}
    say(f"  picture of the session: {svg_path}: {counts}")
    check(counts["lane"] == 1, "the picture has no lane, or more than the stream's one shard")
    check(counts["put"] == 3, "the picture does not show the article's three puts")
    check(counts["empty-run"] >= 1, "the picture does not show the walk's empty pages as a run")
    check(counts["walk"] >= 1 and counts["calls"] >= 1,
          "the picture does not draw the empty pages as a walk through the wait, a tick per call")
    check(counts["found"] >= 1, "the picture does not ring the page that found '3'")
    check(counts["idle-stretch"] + counts["axis-break"] >= 1,
          "the picture does not say how long the 17 h 33 min wait was")
    check(counts["read outcome-records"] >= 2, "the picture misses the reads that returned records")
    check("seed-article-aws-cli.jsonl" in svg and "test-offsets" in svg,
          "the picture does not name its log and stream")


def main():
    args = parse_args()
    harness.use_client_env()
    harness.time_limit(170, "the seed article test")  # ~25 s on an idle machine
    check(os.access(AWS, os.X_OK), f"{AWS} not found; scripts/setup_clients.sh installs it "
                                   "(Debian package awscli)")
    log_args = []
    if args.picture_dir and args.shardsim:
        os.makedirs(args.picture_dir, exist_ok=True)
        log_path = os.path.join(args.picture_dir, "seed-article-aws-cli.jsonl")
        log_args = ["--log", log_path]
    server = harness.start_target(args, "--start", CREATED_AT, "--latency", LATENCY,
                                  "--create-delay", CREATE_DELAY, *log_args)
    shardsim = server.is_shardsim
    article = Article(server, args.shardsim)
    skipped = []

    # 1. Create the stream; it is CREATING until the (virtual) creation delay has passed.
    article.shell("aws kinesis create-stream --stream-name $STREAM_NAME --shard-count 1")
    if shardsim:
        summary = article.shell("aws kinesis describe-stream-summary --stream-name $STREAM_NAME")
        status = summary["StreamDescriptionSummary"]["StreamStatus"]
        check(status == "CREATING", f"a new stream is {status}, not CREATING")
        article.clock("advance", CREATE_DELAY)
    # One CLI call's wall time, to tell the waiter's first poll from a second one 10 s later.
    started = time.monotonic()
    article.shell("aws kinesis describe-stream --stream-name $STREAM_NAME > /dev/null")
    one_call_s = time.monotonic() - started
    started = time.monotonic()
    article.shell("aws kinesis wait stream-exists --stream-name $STREAM_NAME")
    waited_s = time.monotonic() - started
    say(f"  wait stream-exists returned after {waited_s:.1f} s of wall time "
        f"(one CLI call: {one_call_s:.1f} s)")
    if shardsim:
        # The waiter sleeps 10 s between polls: returning sooner means its first poll saw ACTIVE.
        check(waited_s < one_call_s + 8, f"wait stream-exists took {waited_s:.1f} s: the stream "
                                         "was not ACTIVE after the clock passed the creation delay")

    # 2. Put 'a' and 'b' at the article's instants.
    if shardsim:
        article.clock("set", PUT_A_AT)
    article.shell("payload=$(echo -n 'a' | base64)\n"
                  "aws kinesis put-record --stream-name $STREAM_NAME --data $payload --partition-key 1")
    if shardsim:
        article.clock("set", PUT_B_AT)
    put_b = article.shell(
        "payload=$(echo -n 'b' | base64)\n"
        "aws kinesis put-record --stream-name $STREAM_NAME --data $payload --partition-key 2")
    check(put_b["ShardId"] == "shardId-000000000000", f"'b' went to {put_b['ShardId']}")
    seq_b = put_b["SequenceNumber"]
    check(len(seq_b) == 56 or not shardsim, f"sequence number {seq_b} is not 56 digits")

    # 3. Read both from TRIM_HORIZON.
    iterator = article.shell(
        f"aws kinesis get-shard-iterator --stream-name $STREAM_NAME --shard-id {ARTICLE_SHARD_ID} "
        "--shard-iterator-type TRIM_HORIZON")["ShardIterator"]
    page = article.shell(f"aws kinesis get-records --shard-iterator {iterator}")
    records = page["Records"]
    check([(r["Data"], r["PartitionKey"]) for r in records] == [("YQ==", "1"), ("Yg==", "2")],
          f"TRIM_HORIZON read gave {records}, not 'a' (key 1) and 'b' (key 2)")
    check(records[1]["SequenceNumber"] == seq_b, "the second record is not the 'b' put-record acked")
    check(page["MillisBehindLatest"] == 0,
          f"MillisBehindLatest after reading everything is {page['MillisBehindLatest']}, not 0")
    if shardsim:
        for record, at in zip(records, (PUT_A_AT, PUT_B_AT)):
            lag_ms = arrival_ms(record) - epoch_ms(at)
            check(0 <= lag_ms <= 1_000,
                  f"{record['Data']} arrived at {record['ApproximateArrivalTimestamp']}, not at {at}")
    say(f"  read 'a' and 'b', arrivals {[r['ApproximateArrivalTimestamp'] for r in records]}, "
        f"MillisBehindLatest 0")

    # 4. "Waiting 1 day": 17 h 33 min of virtual time.
    if shardsim:
        article.clock("advance", IDLE)
        say(f"  clock now {article.clock('show')}")
    else:
        skipped.append(f"the {IDLE} wait (kinesalite has no clock)")

    # 5. Read after 'b': empty, and far behind.
    iterator = article.shell(
        f"aws kinesis get-shard-iterator --stream-name $STREAM_NAME --shard-id {ARTICLE_SHARD_ID} "
        f"--shard-iterator-type AFTER_SEQUENCE_NUMBER --starting-sequence-number {seq_b}"
    )["ShardIterator"]
    page = article.shell(f"aws kinesis get-records --shard-iterator {iterator}")
    check(page["Records"] == [], f"the read after 'b' returned {page['Records']}")
    behind_ms = page["MillisBehindLatest"]
    say(f"  after the wait: Records [], MillisBehindLatest {behind_ms:,} (article: 63,180,000)")
    if shardsim:
        check(abs(behind_ms - IDLE_MS) <= WIDTH_MAX_MS,
              f"MillisBehindLatest {behind_ms:,} is not within one bucket ({WIDTH_MAX_MS:,} ms) "
              f"of {IDLE_MS:,}")
    else:
        skipped.append("MillisBehindLatest near 63,180,000")

    # 6. Put '3'.
    put_3 = article.shell(
        "payload=$(echo -n '3' | base64)\n"
        "aws kinesis put-record --stream-name $STREAM_NAME --data $payload --partition-key 3")

    # 7. Follow NextShardIterator until '3' comes.
    cli = InProcessCli(server.endpoint)
    iterator = page["NextShardIterator"]
    behind = [behind_ms]
    calls = 0
    while True:
        calls += 1
        check(calls <= WALK_CALLS_MAX, f"'3' not reached after {WALK_CALLS_MAX} get-records calls")
        page = cli("kinesis", "get-records", "--shard-iterator", iterator)
        if page["Records"]:
            break
        behind.append(page["MillisBehindLatest"])
        iterator = page["NextShardIterator"]
    check([r["Data"] for r in page["Records"]] == ["Mw=="],
          f"the walk ended on {page['Records']}, not on '3'")
    check(page["Records"][0]["SequenceNumber"] == put_3["SequenceNumber"],
          "the record found is not the '3' put-record acked")
    hops_ms = [earlier - later for earlier, later in zip(behind, behind[1:])]
    say(f"  empty pages: MillisBehindLatest {', '.join(f'{b:,}' for b in behind[:4])}, ... "
        f"(article: 63,180,000, 62,995,000, 62,761,000, ...)")
    if shardsim:
        # Every hop but the last: the last empty page stands in the bucket that holds '3', and
        # its MillisBehindLatest is the age of '3' (the walk's own duration), under one bucket.
        bad = [(i + 1, hop) for i, hop in enumerate(hops_ms[:-1])
               if not HOP_MIN_MS <= hop <= HOP_MAX_MS]
        check(not bad, f"empty pages not {HOP_MIN_MS // 1000}-{HOP_MAX_MS // 1000} s apart "
                       f"(page, hop ms): {bad[:10]}")
        check(0 <= behind[-1] <= WIDTH_MAX_MS,
              f"the last empty page is {behind[-1]:,} ms behind, more than one bucket")
        hops_ms = hops_ms[:-1]
        gap_ms = arrival_ms(page["Records"][0]) - epoch_ms(PUT_B_AT)
        low, high = gap_ms // WIDTH_MAX_MS - 2, gap_ms // WIDTH_MIN_MS + 2
        say(f"  '3' reached after {calls} get-records calls: gap {gap_ms / 1000:,.0f} s / "
            f"180-240 s buckets = {low + 2}-{high - 2} calls; hops {min(hops_ms) / 1000:.1f}-"
            f"{max(hops_ms) / 1000:.1f} s, mean {sum(hops_ms) / len(hops_ms) / 1000:.1f} s")
        check(low <= calls <= high, f"{calls} calls to reach '3', expected {low}-{high}")
    else:
        say(f"  kinesalite reached '3' after {calls} get-records call(s): no buckets, no empty pages")
        skipped.append("150-250 s hops and the gap / width call count")

    check(server.alive(), "the server died")
    server.stop()
    if log_args:
        check_picture(args.shardsim, log_path)
    if skipped:
        say(f"against kinesalite, skipped (bucket and clock behaviour): {'; '.join(skipped)}")
    say("PASS: the seed article, step for step")


if __name__ == "__main__":
    main()
