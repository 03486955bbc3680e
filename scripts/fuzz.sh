#!/usr/bin/env bash
# Runs shardsim's libFuzzer targets (fuzz/), each for a given time with its seed corpus
# (fuzz/corpus/<target>/) and dictionary (fuzz/dict/<target>.dict). New inputs go to a working
# corpus in the build tree, never into the repository. Exit 0 when every target ran clean;
# 1 on a crash, a leak, a timeout or running out of memory, after printing the input that did
# it and the command that reproduces it; 2 on a usage error.
set -euo pipefail

readonly PROG="fuzz.sh"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly TARGETS=(scenario_json scenario_run campaign_result sequence_number iterator_token next_token
                  server_request replay_log event_stream http2_frames strategy)

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/fuzz.sh [--build-dir DIR] [--seconds N] [--runs N] [--timeout S] [--jobs J]
                       [--replay FROM | --merge-seeds [--from FROM]]
                       (--all | TARGET...) [-- LIBFUZZER_FLAG...]

Runs each TARGET (or every target, with --all) for N seconds (default 20), one after another
(or J at a time, with --jobs J).
Targets: scenario_json scenario_run campaign_result sequence_number iterator_token next_token
server_request replay_log event_stream http2_frames strategy. The fuzzers are built with -DSHARDSIM_FUZZERS=ON (the asan preset:
cmake --preset asan && cmake --build build-asan --target shardsim_fuzzers).

  --build-dir DIR  the build tree with fuzz/ (default: build-asan)
  --seconds N      time per target (libFuzzer -max_total_time)
  --runs N         stop each target after N executions instead (-runs), e.g. for a campaign
  --jobs J         run up to J targets at once (default 1), e.g. one per core; their
                   outputs are printed in the targets' order when all have ended
  --timeout S      a single input running longer than S seconds is a failure (default 10;
                   60 for strategy)
  --replay FROM    do not fuzz: run every input of FROM/fuzz-work/<target>/corpus once
                   (-runs=0), e.g. a campaign's corpus (build-fuzz-campaign, no ASan) through
                   the ASan+UBSan fuzzers of DIR
  --merge-seeds    do not fuzz: add to fuzz/corpus/<target>/ the fewest inputs of the working
                   corpus (FROM/fuzz-work/<target>/corpus, FROM defaulting to DIR) that reach
                   the edges the seeds do not (libFuzzer -set_cover_merge=1 -use_counters=0,
                   so the repository keeps a small corpus); the seeds already there stay
  -- FLAGS         passed to libFuzzer as they are (e.g. -jobs=1 -workers=1, -seed=7)

A long campaign, several times faster without ASan, then checked under ASan:
  cmake --preset fuzz-campaign && cmake --build build-fuzz-campaign --target shardsim_fuzzers
  nice -n 19 scripts/fuzz.sh --build-dir build-fuzz-campaign --runs 10000000 TARGET
  scripts/fuzz.sh --replay build-fuzz-campaign TARGET
  scripts/fuzz.sh --merge-seeds --from build-fuzz-campaign TARGET
For server_request add -- -max_len=2048: at libFuzzer's default of 4096 its sessions grew to
about 32 requests and its rate fell to ~610/s; at 2048 it held ~840/s over 5M executions.
A second process over the same working corpus (the fuzzer run directly on
DIR/fuzz-work/<target>/corpus and the seeds) uses the other core; libFuzzer reloads it every
second (the strategy target only with -- -reload=1: it turns the timed reload off so that a
fixed -seed is a repeatable run).

The strategy target runs SHARDSIM_FUZZ_STRATEGY (default kcl-worker). Working corpora and
crash inputs are kept under DIR/fuzz-work/<target>/.
EOF_USAGE
}

die_usage() { printf '%s: %s\nTry scripts/fuzz.sh --help\n' "${PROG}" "$*" >&2; exit 2; }

build_dir="build-asan"
seconds=20
runs=""
timeout=""
max_jobs=1
mode=fuzz
from=""
targets=()
extra=()
while (($# > 0)); do
  case "$1" in
    --build-dir) (($# >= 2)) || die_usage "--build-dir needs a value"; build_dir="$2"; shift ;;
    --seconds) (($# >= 2)) || die_usage "--seconds needs a value"; seconds="$2"; shift ;;
    --runs) (($# >= 2)) || die_usage "--runs needs a value"; runs="$2"; shift ;;
    --jobs) (($# >= 2)) || die_usage "--jobs needs a value"; max_jobs="$2"; shift ;;
    --timeout) (($# >= 2)) || die_usage "--timeout needs a value"; timeout="$2"; shift ;;
    --replay) (($# >= 2)) || die_usage "--replay needs a build folder"; mode=replay; from="$2"; shift ;;
    --merge-seeds) mode=merge ;;
    --from) (($# >= 2)) || die_usage "--from needs a build folder"; from="$2"; shift ;;
    --all) targets=("${TARGETS[@]}") ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) die_usage "unknown option '$1'" ;;
    *)
      [[ " ${TARGETS[*]} " == *" $1 "* ]] || die_usage "unknown target '$1' (targets: ${TARGETS[*]})"
      targets+=("$1")
      ;;
  esac
  shift
done
((${#targets[@]} > 0)) || die_usage "name a TARGET or give --all"
[[ "${seconds}" =~ ^[1-9][0-9]*$ ]] || die_usage "--seconds must be a positive integer, got '${seconds}'"
[[ -z "${runs}" || "${runs}" =~ ^[1-9][0-9]*$ ]] || die_usage "--runs must be a positive integer"
[[ -z "${timeout}" || "${timeout}" =~ ^[1-9][0-9]*$ ]] || die_usage "--timeout must be a positive integer"
[[ "${max_jobs}" =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs must be a positive integer, got '${max_jobs}'"
[[ "${build_dir}" = /* ]] || build_dir="${REPO_ROOT}/${build_dir}"
[[ -z "${from}" ]] && from="${build_dir}"
[[ "${from}" = /* ]] || from="${REPO_ROOT}/${from}"
[[ "${mode}" != replay || -d "${from}/fuzz-work" ]] || die_usage "${from} has no fuzz-work/ to replay"

# Reports from the sanitizers stop the run; leaks are reported at exit of each input's run.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for target in "${targets[@]}"; do
  exe="${build_dir}/fuzz/${target}_fuzzer"
  [[ -x "${exe}" ]] || {
    printf '%s: %s is not built: cmake --preset asan && cmake --build build-asan --target shardsim_fuzzers\n' \
      "${PROG}" "${exe}" >&2
    exit 2
  }
done

# Runs (or replays, or merges) one target; prints what it did; non-zero if it failed.
run_target() {
  local target="$1" exe work flags seeds dict log before after corpora budget status start_s artifact
  exe="${build_dir}/fuzz/${target}_fuzzer"
  work="${build_dir}/fuzz-work/${target}"
  mkdir -p "${work}/corpus" "${work}/artifacts"
  flags=(-timeout="${timeout:-$([[ ${target} == strategy ]] && echo 60 || echo 10)}"
         -artifact_prefix="${work}/artifacts/" -print_final_stats=1)
  if [[ "${mode}" != fuzz ]]; then :; elif [[ -n "${runs}" ]]; then flags+=(-runs="${runs}"); else flags+=(-max_total_time="${seconds}"); fi
  seeds="${target}"
  [[ "${target}" == scenario_run ]] && seeds=scenario_json  # the same files, run
  dict="${REPO_ROOT}/fuzz/dict/${seeds}.dict"
  [[ -f "${dict}" ]] && flags+=(-dict="${dict}")
  log="${work}/last-run.log"
  if [[ "${mode}" != fuzz && ! -d "${from}/fuzz-work/${target}/corpus" ]]; then
    printf '%s: %s has no working corpus of %s to %s\n' "${PROG}" "${from}" "${target}" "${mode}" >&2
    return 1
  fi
  if [[ "${mode}" == merge ]]; then
    # Only inputs that add edges to the seeds are copied in, as few as cover them (hit counts
    # do not count, or thousands would); the repository's seeds stay.
    before=$(find "${REPO_ROOT}/fuzz/corpus/${seeds}" -type f | wc -l)
    "${exe}" -set_cover_merge=1 -use_counters=0 "${flags[@]:0:1}" "${extra[@]}" "${REPO_ROOT}/fuzz/corpus/${seeds}" "${from}/fuzz-work/${target}/corpus" \
      >"${work}/merge.log" 2>&1 || { printf '%s: merging %s failed: %s\n' "${PROG}" "${target}" "${work}/merge.log"; return 1; }
    after=$(find "${REPO_ROOT}/fuzz/corpus/${seeds}" -type f | wc -l)
    printf '== %s: %d seed(s), %d added (%s)\n' "${target}" "${after}" $((after - before)) \
      "$(du -sh "${REPO_ROOT}/fuzz/corpus/${seeds}" | cut -f1)"
    return 0
  fi
  corpora=("${work}/corpus" "${REPO_ROOT}/fuzz/corpus/${seeds}")
  if [[ "${mode}" == replay ]]; then
    flags+=(-runs=0)
    corpora=("${from}/fuzz-work/${target}/corpus")
    log="${work}/last-replay.log"
    budget="replay of $(find "${corpora[0]}" -type f | wc -l) inputs from ${from}"
  elif [[ -n "${runs}" ]]; then budget="${runs} runs"; else budget="${seconds} s"; fi
  printf '== %s (%s)\n' "${target}" "${budget}"
  status=0
  start_s=${SECONDS}
  "${exe}" "${flags[@]}" "${extra[@]}" "${corpora[@]}" >"${log}" 2>&1 || status=$?
  printf 'wall time %d s\n' $((SECONDS - start_s))
  # The last status line and the totals: executions, coverage (cov) and features (ft).
  grep -E '^#[0-9]+.*(DONE|INITED|pulse|NEW|REDUCE).*cov:' "${log}" | tail -1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "${log}" || true
  if ((status != 0)); then
    artifact="$(grep -oE 'Test unit written to .*' "${log}" | tail -1 | sed 's/^Test unit written to //' || true)"
    grep -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error|fuzz property failed|strategy_fuzzer:|SUMMARY|ParseDictionaryFile' \
      "${log}" | head -5 || true
    printf '%s: %s FAILED (exit %d); its output: %s\n' "${PROG}" "${target}" "${status}" "${log}"
    if [[ -n "${artifact}" ]]; then
      printf 'reproduce: %s %s\n' "${exe}" "${artifact}"
      printf 'keep it:   cp %s %s/fuzz/corpus/%s/ (and add a regression test in tests/)\n' \
        "${artifact}" "${REPO_ROOT}" "${seeds}"
    fi
    return 1
  fi
}

failed=()
if ((max_jobs == 1)); then
  for target in "${targets[@]}"; do run_target "${target}" || failed+=("${target}"); done
else
  # Up to `max_jobs` targets at once, each into its own file, printed in the targets' order.
  outputs="$(mktemp -d)"
  trap 'rm -rf "${outputs}"' EXIT
  for target in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= max_jobs)); do wait -n || true; done
    { rc=0; run_target "${target}" >"${outputs}/${target}.out" 2>&1 || rc=$?; echo "${rc}" >"${outputs}/${target}.rc"; } &
  done
  wait
  for target in "${targets[@]}"; do
    cat "${outputs}/${target}.out"
    [[ "$(cat "${outputs}/${target}.rc" 2>/dev/null)" == 0 ]] || failed+=("${target}")
  done
fi
if ((${#failed[@]} > 0)); then
  printf '%s: failed: %s\n' "${PROG}" "${failed[*]}" >&2
  exit 1
fi
printf '%s: %d target(s) ran clean\n' "${PROG}" "${#targets[@]}"
