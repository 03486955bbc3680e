"""The same client and scenario, run twice by `shardsim check --client`, give the same verdict
and byte-identical server logs; `shardsim replay --log` re-runs such a log (the scenario it
played is in its header) and finds no difference.

The client is examples/python/stop_on_first_empty_page.py on the seed article's scenario, rerun
every 6 hours (batch runs, clock advances between them, a failing verdict), and
examples/python/drain.py (a poller stopped by SIGTERM once it converged, with application
events): what a client sends while it is being stopped is not logged, so its log is stable too.
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(ROOT, "tests", "corpus", "the-seed-article-idle-day.json")
CLIENTS = [
    ("stop_on_first_empty_page.py", ["--rerun-every", "6h"], 1),
    ("drain.py", ["--step", "60s"], 0),
]


def run(binary, client, flags, log, tmp):
    command = [binary, "check", "--client", f"{sys.executable} {os.path.join(ROOT, 'examples', 'python', client)}",
               "--scenario", SCENARIO, "--quiet", "--failure-dir", tmp, "--client-log", log, *flags]
    env = dict(os.environ, POLL_SLEEP_S="0")
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120)
    return done.returncode, done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    args = parser.parse_args()
    failed = False
    for client, flags, status in CLIENTS:
        with tempfile.TemporaryDirectory() as tmp:
            logs = [os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl")]
            outputs = []
            for log in logs:
                code, out = run(args.shardsim, client, flags, log, tmp)
                outputs.append(out)
                if code != status:
                    print(out)
                    print(f"FAIL {client}: exit {code}, expected {status}")
                    return 1
            a, b = (open(p, "rb").read() for p in logs)
            lines = a.count(b"\n")
            same_verdict = outputs[0].splitlines()[:1] == outputs[1].splitlines()[:1]
            print(f"{client}: {lines} log lines, {len(a)} bytes; logs identical: {a == b}; "
                  f"verdicts identical: {same_verdict}")
            print("  " + outputs[0].splitlines()[0])
            replay = subprocess.run([args.shardsim, "replay", "--log", logs[0]], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, timeout=60)
            print(f"  replay --log: {replay.stdout.strip()}")
            if a != b or not same_verdict or lines < 5 or replay.returncode != 0:
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
