"""No verdict from a wall clock: the same client, cases and seed give the same verdict, the same
failing case and minimal scenario, and byte-identical server logs on an idle machine and on one
whose cores are all busy (a CPU hog of one spinning process per core beside it).

Clients: examples/python/poller.py --stop-on-first-empty-page over 20 generated cases (it fails
no_abandoned_shard, is shrunk, and its minimal run is logged), and examples/python/poller.py, the
correct poller, over 6 generated cases (it passes; the log of case 0 is compared), and
examples/python/efo_consumer.py, whose subscriptions move the clock while it only reads them
(server/service.h, "Subscriptions and the clock"), over 5 generated cases (it passes).
"""
import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLLER = os.path.join(ROOT, "examples", "python", "poller.py")
EFO = os.path.join(ROOT, "examples", "python", "efo_consumer.py")
CLIENTS = [
    (f"{sys.executable} {POLLER} --stop-on-first-empty-page", 20, 1, "no_abandoned_shard"),
    (f"{sys.executable} {POLLER}", 6, 0, None),
    (f"{sys.executable} {EFO}", 5, 0, None),
]


def spin():
    while True:
        pass


def run(binary, client, cases, tmp, name):
    log = os.path.join(tmp, name + ".jsonl")
    command = [binary, "check", "--client", client, "--cases", str(cases), "--quiet",
               "--failure-dir", os.path.join(tmp, name), "--client-log", log]
    done = subprocess.run(command, env=dict(os.environ, POLL_SLEEP_S="0"), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=900)
    # Wall time per case and the failure folder are the only things allowed to differ.
    text = re.sub(r", [0-9.]+ s per case", "", done.stdout).replace(os.path.join(tmp, name), "DIR")
    with open(log, "rb") as f:
        return done.returncode, text, f.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    args = parser.parse_args()
    failed = False
    for client, cases, status, property_name in CLIENTS:
        with tempfile.TemporaryDirectory() as tmp:
            idle = run(args.shardsim, client, cases, tmp, "idle")
            hogs = [multiprocessing.Process(target=spin, daemon=True)
                    for _ in range(os.cpu_count() or 2)]
            for hog in hogs:
                hog.start()
            try:
                loaded = run(args.shardsim, client, cases, tmp, "loaded")
            finally:
                for hog in hogs:
                    hog.terminate()
        first = idle[1].splitlines()[0] if idle[1] else ""
        ok = (idle[0] == status and loaded[0] == status and idle[1] == loaded[1] and
              idle[2] == loaded[2] and len(idle[2]) > 0 and
              (property_name is None or f": {property_name} (case" in first))
        print(f"{'ok  ' if ok else 'FAIL'} {client.split()[-1]} over {cases} cases: exit {idle[0]} "
              f"idle, {loaded[0]} loaded; text identical: {idle[1] == loaded[1]}; logs identical: "
              f"{idle[2] == loaded[2]} ({len(idle[2])} bytes)")
        print("     " + first)
        if not ok:
            print(idle[1][-3000:])
            print(loaded[1][-3000:])
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
