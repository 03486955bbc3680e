"""Clients that hang, crash, print garbage or never connect get a clear verdict from
`shardsim check --client`, within bounds, never a hung test; and one that reports a false
belief through the application events is judged by the full property set.

Each row: a client command, extra check flags, the expected exit status and a phrase the
output must contain (verdicts exit 1; a client that cannot run, never calls the endpoint or
sends nothing for --client-start / --client-idle of wall time is an error, exit 2: a wall clock
decides no verdict). The removed wall-time flags are refused, naming what replaced them.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(ROOT, "tests", "corpus", "the-seed-article-idle-day.json")
# A client that lists the shards and then does what the row says.
LIST_THEN = (PY + " -c \"import os, boto3, time; "
             "boto3.client('kinesis', endpoint_url=os.environ['SHARDSIM_ENDPOINT'])"
             ".list_shards(StreamName=os.environ['SHARDSIM_STREAM']); {}\"")

SPLIT_SCENARIO = SCENARIO.replace("the-seed-article-idle-day", "split-and-merge-while-catching-up")
# Reads shard 0 three times without processing anything, then tells the judge it is caught up.
FALSE_CAUGHT_UP = LIST_THEN.format(
    "import sys; sys.path.insert(0, os.path.join(os.environ['SHARDSIM_EXAMPLES'], 'python')); "
    "from shardsim_events import ShardsimEvents; k = boto3.client('kinesis', endpoint_url=os.environ['SHARDSIM_ENDPOINT']); "
    "it = k.get_shard_iterator(StreamName=os.environ['SHARDSIM_STREAM'], ShardId='shardId-000000000000', "
    "ShardIteratorType='TRIM_HORIZON')['ShardIterator']; [k.get_records(ShardIterator=it) for _ in range(3)]; "
    "ShardsimEvents().caught_up('shardId-000000000000')")

ROWS = [
    ("never connects", "true", [], 2, "without sending the endpoint a request"),
    ("cannot be run", "/nonexistent/shardsim-no-such-client", [], 2, "could not be run"),
    ("prints garbage and never connects", "head -c 3000 /dev/urandom", [], 2,
     "without sending the endpoint a request"),
    ("sends malformed HTTP", PY + " -c \"import os, socket; s = socket.create_connection(('127.0.0.1', "
     "int(os.environ['SHARDSIM_ENDPOINT'].rsplit(':', 1)[1]))); s.sendall(b'BAD REQUEST LINE\\r\\n\\r\\n'); "
     "print(s.recv(4096)[:12]); raise SystemExit(1)\"", [], 2,
     "1 request the server could not read (the last: SerializationException: Malformed HTTP request"),
    ("hangs before its first call", "sleep 600", ["--client-start", "1s"], 2,
     "made no request and was sent no subscription event for 1 s of wall time after it started"),
    ("hangs after a call", LIST_THEN.format("time.sleep(600)"), ["--client-idle", "1s"], 2,
     "made no request and was sent no subscription event for 1 s of wall time"),
    ("uses the removed --client-timeout", "true", ["--client-timeout", "20s"], 2,
     "--client-timeout was removed"),
    ("uses the removed --shrink-time", "true", ["--shrink-time", "20s"], 2,
     "--shrink-time was removed"),
    ("crashes after a call", LIST_THEN.format("os._exit(3)"), [], 1, "exited with status 3"),
    ("ignores SIGTERM and hangs", LIST_THEN.format(
        "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"),
     ["--client-idle", "1s"], 2, "made no request and was sent no subscription event for 1 s of wall time"),
    ("reports a false caught up (application events)", FALSE_CAUGHT_UP,
     ["--scenario", SPLIT_SCENARIO], 1, "no_false_caught_up"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    args = parser.parse_args()
    failed = 0
    for name, client, flags, status, phrase in ROWS:
        with tempfile.TemporaryDirectory() as tmp:
            scenario = [] if "--scenario" in flags else ["--scenario", SCENARIO]
            command = [args.shardsim, "check", "--client", client, *scenario,
                       "--quiet", "--failure-dir", tmp, *flags]
            started = time.monotonic()
            env = dict(os.environ, SHARDSIM_EXAMPLES=os.path.join(ROOT, "examples"))
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", timeout=60)
            took = time.monotonic() - started
        first = (done.stdout.strip().splitlines() or [""])[0]
        ok = done.returncode == status and phrase in done.stdout
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {done.returncode} in {took:.1f} s: {first[:200]}")
        if not ok:
            print(done.stdout[-3000:])
            print(f"     expected exit {status} and '{phrase}'")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
