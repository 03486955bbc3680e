"""The same client and scenario, run twice by `shardsim check --client`, give the same verdict
and byte-identical server logs; `shardsim replay --log` re-runs such a log (the scenario it
played is in its header) and finds no difference.

The client is examples/python/stop_on_first_empty_page.py on the seed article's scenario, rerun
every 6 hours (batch runs, clock advances between them, a failing verdict),
examples/python/drain.py (a poller stopped by SIGTERM once it converged, with application
events): what a client sends while it is being stopped is not logged, so its log is stable too;
and drain.py again on a scenario whose crash kills it (SIGKILL at its first request at or after
the crash's virtual time, that request dropped, the clock set to the restart) while a competing
reader throttles it: the kill is a function of virtual time and request order, so the log is
stable across the kill and the restart (it must hold the restart and throttled answers).
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED_ARTICLE = os.path.join(ROOT, "tests", "corpus", "the-seed-article-idle-day.json")
CRASH = os.path.join(ROOT, "tests", "clients", "scenarios", "a-crash-and-a-competing-reader.json")
# (client, scenario, flags, exit status, what its log must hold)
CLIENTS = [
    ("stop_on_first_empty_page.py", SEED_ARTICLE, ["--rerun-every", "6h"], 1, []),
    ("drain.py", SEED_ARTICLE, ["--step", "60s"], 0, []),
    ("drain.py", CRASH, [], 0, [b'"request":{"set":', b"ProvisionedThroughputExceededException"]),
]


def run(binary, client, scenario, flags, log, tmp):
    command = [binary, "check", "--client", f"{sys.executable} {os.path.join(ROOT, 'examples', 'python', client)}",
               "--scenario", scenario, "--quiet", "--failure-dir", tmp, "--client-log", log, *flags]
    env = dict(os.environ, POLL_SLEEP_S="0")
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120)
    return done.returncode, done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    args = parser.parse_args()
    failed = False
    for client, scenario, flags, status, must_hold in CLIENTS:
        with tempfile.TemporaryDirectory() as tmp:
            logs = [os.path.join(tmp, "a.jsonl"), os.path.join(tmp, "b.jsonl")]
            outputs = []
            for log in logs:
                code, out = run(args.shardsim, client, scenario, flags, log, tmp)
                outputs.append(out)
                if code != status:
                    print(out)
                    print(f"FAIL {client}: exit {code}, expected {status}")
                    return 1
            a, b = (open(p, "rb").read() for p in logs)
            lines = a.count(b"\n")
            same_verdict = outputs[0].splitlines()[:1] == outputs[1].splitlines()[:1]
            print(f"{client} on {os.path.basename(scenario)}: {lines} log lines, {len(a)} bytes; logs identical: {a == b}; "
                  f"verdicts identical: {same_verdict}")
            print("  " + outputs[0].splitlines()[0])
            replay = subprocess.run([args.shardsim, "replay", "--log", logs[0]], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, timeout=60)
            print(f"  replay --log: {replay.stdout.strip()}")
            missing = [m.decode() for m in must_hold if m not in a]
            if missing:
                print(f"  the log lacks {missing}")
            if a != b or not same_verdict or lines < 5 or replay.returncode != 0 or missing:
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
