#!/usr/bin/python3
"""Time to first failure: for every buggy catalogue entry, the index of the first generated case
that fails, across seeds, with the built shardsim.

Runs `shardsim check --strategy X --seed S --cases N --json` for each buggy entry and each seed
(in a scratch folder, so saved failures do not land in the tree) and prints, per entry, the
minimum, median and maximum case index of the first failure, how many seeds found one within N
cases and how many of those failed with the entry's expected property. A seed that finds
nothing counts as N in the median. Exit status 1 when some median is not below --target.

  /usr/bin/python3 scripts/time_to_first_failure.py                  # 20 seeds, 1,000 cases
  /usr/bin/python3 scripts/time_to_first_failure.py --seeds 5 --strategy stuck-below-trim-horizon
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(shardsim, args, cwd):
    proc = subprocess.run([shardsim] + args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shardsim", default=os.path.join(root, "build", "cli", "shardsim"))
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N (default 20)")
    parser.add_argument("--cases", type=int, default=1000, help="cases per seed (default 1000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--target", type=int, default=100, help="median to stay below")
    parser.add_argument("--strategy", action="append", help="only this entry (repeatable)")
    parser.add_argument("--extra", default="", help="more check flags, e.g. '--long-gaps'")
    opts = parser.parse_args()
    if not os.access(opts.shardsim, os.X_OK):
        sys.exit(f"{opts.shardsim}: not an executable (build it first)")

    with tempfile.TemporaryDirectory(prefix="shardsim-ttff-") as scratch:
        listing = run(opts.shardsim, ["list", "--json"], scratch)
        entries = [s for s in listing["strategies"] if s["expected"] != "pass"]
        if opts.strategy:
            entries = [s for s in entries if s["name"] in opts.strategy]
        print(f"{'strategy':42} {'min':>5} {'median':>7} {'max':>5}  found  expected  "
              f"(seeds 1-{opts.seeds}, {opts.cases} cases)")
        all_ok = True
        for entry in entries:
            firsts, found, expected = [], 0, 0
            others = set()
            for seed in range(1, opts.seeds + 1):
                result = run(opts.shardsim,
                             ["check", "--strategy", entry["name"], "--seed", str(seed),
                              "--cases", str(opts.cases), "--jobs", str(opts.jobs), "--json",
                              "--quiet"] + opts.extra.split(), scratch)["results"][0]
                failure = result["failure"]
                if failure is None:
                    firsts.append(opts.cases)
                    continue
                found += 1
                firsts.append(failure["case"])
                if failure["property"] == entry["expected"]:
                    expected += 1
                else:
                    others.add(f"{failure['property']}@seed{seed}")
            median = statistics.median(firsts)
            all_ok = all_ok and median < opts.target and expected == opts.seeds
            note = f"  other: {', '.join(sorted(others))}" if others else ""
            print(f"{entry['name']:42} {min(firsts):5} {median:7g} {max(firsts):5}  "
                  f"{found:5}  {expected:8}{note}", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
