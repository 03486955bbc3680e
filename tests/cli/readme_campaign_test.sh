#!/usr/bin/env bash
# The README's "Campaigns across machines", run as written with smaller numbers, against the
# unsharded run of the same campaign: the merge must exit, print and write (--json) exactly
# what `check --all` printed, for
#   1. the GNU parallel block (8 shards on this machine), and
#   2. the Kubernetes Indexed Job's command, once per completion index, with the Job's
#      JOB_COMPLETION_INDEX and SHARDSIM_SHARD_COUNT, merged as the README says.
# The blocks are copied out of README.md, so the README cannot drift from what is tested.
#
# Usage: readme_campaign_test.sh SHARDSIM_BINARY README.md [CASES]
set -euo pipefail

readonly PROG="readme_campaign_test"
fail() { printf '%s: FAIL: %s\n' "${PROG}" "$*" >&2; exit 1; }
(($# >= 2)) || { echo "usage: $0 SHARDSIM_BINARY README.md [CASES]" >&2; exit 2; }
BIN="$(realpath "$1")"; README="$(realpath "$2")"; readonly BIN README CASES="${3:-400}"
command -v parallel >/dev/null || fail "GNU parallel is not installed (./scripts/setup.sh --deps-only installs it)"

WORK="$(mktemp -d)"
readonly WORK
trap 'rm -rf "${WORK}"' EXIT
cd "${WORK}"
# As a user's shell would have it: no sharding variables from the test runner.
unset GTEST_SHARD_INDEX GTEST_TOTAL_SHARDS JOB_COMPLETION_INDEX SHARDSIM_SHARD_COUNT \
      SHARDSIM_FAILURE_DIR SHARDSIM_SEED SHARDSIM_CASES
mkdir -p "${HOME:-/tmp}/.parallel" 2>/dev/null && touch "${HOME:-/tmp}/.parallel/will-cite" 2>/dev/null || true

# The text between the first fence of kind $2 after the line containing $1, and its closing fence.
block_after() {
  awk -v marker="$1" -v fence="$2" '
    !seen && index($0, marker) { seen = 1; next }
    seen && !inside && $0 == fence { inside = 1; next }
    inside && $0 == "```" { exit }
    inside { print }' "${README}"
}

# Compares a merge's exit status, text and JSON with the unsharded run's.
expect_same() {  # what  whole.rc whole.txt whole.json  merged.rc merged.txt merged.json
  local what="$1"
  [[ "$2" == "$5" ]] || fail "${what}: merge exited $5, the unsharded run $2"
  cmp -s "$3" "$6" || { diff "$3" "$6" | head -20 >&2; fail "${what}: merged text differs from the unsharded run's"; }
  cmp -s "$4" "$7" || { diff "$4" "$7" | head -20 >&2; fail "${what}: merged JSON differs from the unsharded run's"; }
  echo "${PROG}: ${what}: exit $2, $(wc -l <"$3") lines of text and the JSON equal the unsharded run's"
}

# The unsharded run.
set +e
"${BIN}" check --all --cases "${CASES}" --seed 7 --quiet --output whole.json >whole.txt
whole_rc=$?
set -e
((whole_rc <= 1)) || fail "the unsharded check exited ${whole_rc}"
echo "${PROG}: unsharded check --all --cases ${CASES} --seed 7: exit ${whole_rc}"

# 1. GNU parallel, as written: the first command runs the shards, the second merges them.
block="$(block_after "parallel on one machine:" '```sh')"
[[ -n "${block}" ]] || fail "README.md has no \`\`\`sh block after 'parallel on one machine:'"
grep -q -- '--cases 100000' <<<"${block}" || fail "the README's parallel block no longer says --cases 100000:\n${block}"
block="${block//build\/cli\/shardsim/${BIN}}"
block="${block//--cases 100000/--cases ${CASES}}"
run_shards="$(sed '/ merge /,$d' <<<"${block}")"
run_merge="$(sed -n '/ merge /,$p' <<<"${block}")"
[[ -n "${run_merge}" ]] || fail "the README's parallel block has no merge command"
mkdir parallel && cd parallel
# GNU parallel exits with the number of shards that exited non-zero (101 and up for its own
# errors). A shard exits 1 only when a strategy expected to pass failed in it, so when the
# unsharded run passes, every shard does.
set +e
bash -c "${run_shards}" >shards.txt 2>shards.err
parallel_rc=$?
set -e
((parallel_rc <= 8)) || fail "the parallel command exited ${parallel_rc}: $(cat shards.err)"
((whole_rc == 1 || parallel_rc == 0)) ||
  fail "the unsharded run exits 0 but ${parallel_rc} shards exited non-zero"
[[ $(ls shard-*.json | wc -l) == 8 ]] || fail "the parallel block wrote $(ls shard-*.json | wc -l) shard files, not 8"
set +e
bash -c "${run_merge}" >merged.txt; merged_rc=$?
bash -c "${run_merge/ merge / merge --json }" >merged.json
set -e
# The shards saved their minimal scenarios relative to this folder; the unsharded run's are
# one folder up: the paths in the two texts differ by that folder alone.
sed "s#${WORK}/parallel/#${WORK}/#g" merged.txt >merged-paths.txt
sed "s#${WORK}/parallel/#${WORK}/#g" merged.json >merged-paths.json
expect_same "GNU parallel block" "${whole_rc}" ../whole.txt ../whole.json \
  "${merged_rc}" merged-paths.txt merged-paths.json
cd ..

# 2. The Indexed Job's container command, once per index.
yaml="$(block_after "As a Kubernetes Indexed Job" '```yaml')"
completions="$(sed -n 's/^ *completions: *\([0-9]*\)$/\1/p' <<<"${yaml}")"
shard_count="$(awk '/name: SHARDSIM_SHARD_COUNT/ { getline; gsub(/[^0-9]/, ""); print }' <<<"${yaml}")"
[[ -n "${completions}" && "${completions}" == "${shard_count}" ]] ||
  fail "the README's Job has completions '${completions}' and SHARDSIM_SHARD_COUNT '${shard_count}'"
command="$(awk '/^ *args:/ { on = 1; next } /^ *volumeMounts:/ { on = 0 } on' <<<"${yaml}" |
  sed 's/^ *- //; s/^ *//' | tr '\n' ' ')"
grep -q '^shardsim check --all --cases 1000000 ' <<<"${command}" || fail "unexpected Job command: ${command}"
command="${command/#shardsim /${BIN} }"
command="${command//--cases 1000000/--cases ${CASES}}"
command="${command//\/results\//${WORK}/job/results/}"
mkdir -p job/results && cd job
for ((index = 0; index < completions; index++)); do
  set +e
  JOB_COMPLETION_INDEX="${index}" SHARDSIM_SHARD_COUNT="${shard_count}" sh -c "${command}" >/dev/null
  job_rc=$?
  set -e
  # A pod that exits non-zero is retried and fails the Job: none may when the campaign passes.
  ((job_rc == 0 || (whole_rc == 1 && job_rc == 1))) ||
    fail "the Job's command exited ${job_rc} at index ${index} (the unsharded run: ${whole_rc})"
done
set +e
"${BIN}" merge results/*.json >merged.txt; merged_rc=$?
"${BIN}" merge --json results/*.json >merged.json
set -e
sed "s#${WORK}/job/#${WORK}/#g" merged.txt >merged-paths.txt
sed "s#${WORK}/job/#${WORK}/#g" merged.json >merged-paths.json
expect_same "Indexed Job of ${completions}" "${whole_rc}" ../whole.txt ../whole.json \
  "${merged_rc}" merged-paths.txt merged-paths.json
echo "${PROG}: passed"
