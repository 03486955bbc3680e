#!/usr/bin/python3
"""Fuzzer executions to first failure: for every buggy catalogue entry, how many executions the
strategy fuzzer takes to report the entry's bug, across libFuzzer seeds.

Runs `FUZZER -seed=S -runs=R --strategy=X --report-expected CORPUS` for each buggy entry and
each seed, from an empty corpus directory (which the fuzzer seeds with generated cases; those
runs count), in a scratch folder, and reads the fuzzer's own count ("finding after N
executions"). Prints, per entry, the minimum, median and maximum, how many seeds found a failure
within R executions and how many of those were the entry's expected property. A seed that finds
nothing counts as R in the median. Compare with scripts/time_to_first_failure.py (the
generator's cases to first failure).

  /usr/bin/python3 scripts/fuzz_time_to_first_failure.py --fuzzer build-fuzz/fuzz/strategy_fuzzer
  /usr/bin/python3 scripts/fuzz_time_to_first_failure.py --fuzzer F --seeds 3 --strategy subscribe-once
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

FINDING = re.compile(r"finding after (\d+) executions")
VERDICT = re.compile(r"\(expected ([a-z_]+)\): FAIL ([a-z_]+)")


def list_buggy(shardsim):
    import json
    out = subprocess.run([shardsim, "list", "--json"], capture_output=True, text=True, check=True)
    return [s["name"] for s in json.loads(out.stdout)["strategies"] if s["expected"] != "pass"]


def fuzz_once(opts, strategy, seed, scratch):
    corpus = os.path.join(scratch, f"{strategy}-{seed}")
    artifacts = corpus + "-artifacts/"
    os.makedirs(corpus)
    os.makedirs(artifacts)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:" + os.environ.get("ASAN_OPTIONS", ""))
    proc = subprocess.run(
        [opts.fuzzer, f"-seed={seed}", f"-runs={opts.runs}", f"-max_total_time={opts.max_time}",
         f"-artifact_prefix={artifacts}", "-print_final_stats=1", f"--strategy={strategy}",
         "--report-expected", corpus],
        capture_output=True, text=True, env=env)
    found = FINDING.search(proc.stderr)
    if not found:
        if "Done " not in proc.stderr:
            sys.exit(f"{strategy} seed {seed}: the fuzzer neither finished nor found:\n"
                     f"{proc.stderr[-3000:]}")
        return None, None
    verdict = VERDICT.search(proc.stderr)
    expected = verdict is not None and verdict.group(1) == verdict.group(2)
    return int(found.group(1)), expected


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzzer", required=True, help="a strategy fuzzer built with CATALOGUE")
    parser.add_argument("--shardsim", default=os.path.join(root, "build", "cli", "shardsim"))
    parser.add_argument("--seeds", type=int, default=10, help="libFuzzer seeds 1..N (default 10)")
    parser.add_argument("--runs", type=int, default=3000, help="executions per seed (default 3000)")
    parser.add_argument("--max-time", type=int, default=600, help="seconds per seed (default 600)")
    parser.add_argument("--strategy", action="append", help="only this entry (repeatable)")
    opts = parser.parse_args()
    for tool in (opts.fuzzer, opts.shardsim):
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool}: not an executable (build it first)")
    entries = opts.strategy or list_buggy(opts.shardsim)
    print(f"{'strategy':42} {'min':>5} {'median':>7} {'max':>5}  found  expected  "
          f"(libFuzzer seeds 1-{opts.seeds}, up to {opts.runs} executions)", flush=True)
    with tempfile.TemporaryDirectory(prefix="shardsim-fuzz-ttff-") as scratch:
        for entry in entries:
            counts, found, expected = [], 0, 0
            for seed in range(1, opts.seeds + 1):
                n, was_expected = fuzz_once(opts, entry, seed, scratch)
                counts.append(opts.runs if n is None else n)
                found += n is not None
                expected += bool(was_expected)
            print(f"{entry:42} {min(counts):>5} {statistics.median(counts):>7} "
                  f"{max(counts):>5}  {found:>5}  {expected:>8}  {counts}", flush=True)


if __name__ == "__main__":
    main()
