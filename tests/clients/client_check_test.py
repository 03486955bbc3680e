"""Runs `shardsim check --client ...` and holds its verdict to an expectation.

    client_check_test.py --shardsim BIN --expect pass|PROPERTY [--max-records N]
                         [--expect-output REGEX]... -- CHECK_ARGS...

CHECK_ARGS follow `check` (e.g. --client "python3 x.py" --cases 4 --rerun-every 15m). The test
prints shardsim's report, then one line with the number of cases run and the size of the
counterexample, and fails (exit 1) unless the exit status and the property are the expected
ones, the counterexample has at most N records and shardsim's report matches every REGEX (e.g.
the crashes played and restarts judged of the failing run). A hung check is impossible by construction
(every client run is bounded), and the test's own deadline (ctest TIMEOUT) backs that up.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardsim", required=True)
    parser.add_argument("--expect", required=True)
    parser.add_argument("--max-records", type=int, default=None)
    parser.add_argument("--expect-output", action="append", default=[])
    parser.add_argument("check_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    check_args = args.check_args[1:] if args.check_args[:1] == ["--"] else args.check_args
    with tempfile.TemporaryDirectory() as tmp:
        result_path = os.path.join(tmp, "result.json")
        command = [args.shardsim, "check", *check_args, "--quiet", "--output", result_path,
                   "--failure-dir", os.path.join(tmp, "failures")]
        print("$", " ".join(command), flush=True)
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout, end="")
        if done.returncode == 2:
            print("FAIL: shardsim check --client reported an input error (exit 2)")
            return 1
        with open(result_path) as f:
            result = json.load(f)["results"][0]
    for pattern in args.expect_output:
        if not re.search(pattern, done.stdout):
            print(f"FAIL: the report does not match /{pattern}/")
            return 1
    failure = result.get("failure")
    cases = result["cases_run"] + result["corpus_run"]
    if failure is None:
        print(f"verdict: pass after {cases} cases")
        if args.expect != "pass":
            print(f"FAIL: expected {args.expect}, but every case passed")
            return 1
        return 0 if done.returncode == 0 else 1
    records = len(failure["minimal_scenario"]["puts"])
    shards = failure["minimal_scenario"]["shard_count"]
    print(f"verdict: {failure['property']} after {cases} cases; counterexample: {records} records "
          f"on {shards} shards ({failure['shrink_steps']} shrink steps, {failure['shrink_runs']} runs)")
    if done.returncode != 1:
        print(f"FAIL: a failure must exit 1, got {done.returncode}")
        return 1
    if failure["property"] != args.expect:
        print(f"FAIL: expected {args.expect}, got {failure['property']}")
        return 1
    if args.max_records is not None and records > args.max_records:
        print(f"FAIL: the counterexample has {records} records, more than {args.max_records}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
