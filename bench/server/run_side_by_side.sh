#!/usr/bin/env bash
# GetRecords (Limit=1) and PutRecord requests per second over HTTP keep-alive, with wrk (Debian's,
# Lua scripts in this folder), against `shardsim serve` and against kinesalite 3.3.3 in the same
# run, and the ratio. The server is pinned to one core and wrk to another (taskset), so "one
# core" is the server's whole budget. Not part of ctest: timings are not pass/fail; the targets
# (issue 12) are printed beside the figures.
#
#   ./bench/server/run_side_by_side.sh [--shardsim BIN] [--duration S] [--threads N]
#        [--connections N] [--server-core C] [--wrk-core C] [--mode fixed|follow]
#        [--only shardsim|kinesalite] [--h2-streams M] [--shardsim-arg ARG]...
#
# Both servers get the same requests. By default every GetRecords sends the same TRIM_HORIZON
# iterator (--mode fixed: the same first record each time, as a load generator does), and
# shardsim runs with --latency 0s --limits off (its defaults otherwise: with --shardsim-arg):
# with a frozen manual clock an iterator never ages, and no per-shard limit (5 GetRecords/s)
# throttles the load, which kinesalite has neither of. --mode follow instead follows
# NextShardIterator as a consumer does (then give shardsim --latency 200ms and its limits).
#
# shardsim's GetRecords is also measured over HTTP/2 (h2c with prior knowledge) with h2load
# (Debian's nghttp2-client), the same connections and requests as wrk, one stream at a time per
# connection (-m 1, as keep-alive HTTP/1.1 has one request in flight) and then 8
# (--h2-streams), and compared with wrk's HTTP/1.1 figure of the same run (target: within 20%).
#
# SubscribeToShard: events per second a boto3 client is sent while its subscription walks an
# idle day under the manual clock (subscription_events.py; kinesalite has no SubscribeToShard).
#
# Needs wrk, h2load, node, boto3 and the npm packages: scripts/setup_clients.sh and
# scripts/setup.sh install them.
set -euo pipefail

readonly PROG="run_side_by_side.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HERE}/../.." && pwd)"
readonly HERE REPO_ROOT
readonly PYTHON=/usr/bin/python3
readonly GET_RECORDS_TARGET=50000
readonly RATIO_TARGET=20
readonly H2_WITHIN_PERCENT=20

shardsim_bin="${REPO_ROOT}/build/cli/shardsim"
duration=5
threads=1
connections=8
server_core=1
wrk_core=0
mode=fixed
only=""
h2_streams=8
shardsim_args=()
default_shardsim_args=(--latency 0s --limits off)

die() { printf '%s: %s\n' "${PROG}" "$*" >&2; exit 1; }
usage() { sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

while (($# > 0)); do
  case "$1" in
    --shardsim) shardsim_bin="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --server-core) server_core="$2"; shift ;;
    --wrk-core) wrk_core="$2"; shift ;;
    --mode) mode="$2"; shift ;;
    --only) only="$2"; shift ;;
    --h2-streams) h2_streams="$2"; shift ;;
    --shardsim-arg) shardsim_args+=("$2"); default_shardsim_args=(); shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || die "wrk not found; scripts/setup_clients.sh installs it"
command -v node >/dev/null || die "node not found; scripts/setup_clients.sh installs it"
command -v h2load >/dev/null || die "h2load not found; scripts/setup.sh installs it (nghttp2-client)"
command -v taskset >/dev/null || die "taskset not found (Debian package util-linux)"
[[ -d "${REPO_ROOT}/tests/clients/node/node_modules/kinesalite" ]] ||
  die "kinesalite is not installed; scripts/setup_clients.sh installs it"
[[ -n "${only}" && "${only}" == kinesalite ]] || [[ -x "${shardsim_bin}" ]] ||
  die "${shardsim_bin} not found; build it: cmake --build build --target shardsim"

server_pid=""
server_out=""
stop_server() {
  if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
    kill -TERM "${server_pid}"
    wait "${server_pid}" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; [[ -n "${server_out}" ]] && rm -f "${server_out}"' EXIT

# CPU time (ns) the server has run, from /proc/PID/schedstat (all its threads).
server_cpu_ns() {
  local total=0 t run
  for t in /proc/"${server_pid}"/task/*/schedstat; do
    read -r run _ <"${t}"
    total=$((total + run))
  done
  printf '%s\n' "${total}"
}

# start_server NAME CMD... : starts CMD pinned to the server core; sets endpoint.
start_server() {
  local name="$1"
  shift
  server_out="$(mktemp)"
  taskset -c "${server_core}" "$@" >"${server_out}" 2>&1 &
  server_pid=$!
  local line=""
  for _ in $(seq 1 100); do
    line="$(grep -m1 -o 'listening on http://127\.0\.0\.1:[0-9]*' "${server_out}" || true)"
    [[ -n "${line}" ]] && break
    kill -0 "${server_pid}" 2>/dev/null || die "${name} exited: $(cat "${server_out}")"
    sleep 0.1
  done
  [[ -n "${line}" ]] || die "${name} printed no listening line in 10 s"
  endpoint="${line#listening on }"
}

# run_wrk SCRIPT ARGS... : prints "REQ_PER_S OK EMPTY ERRORS FIRST_ERROR".
run_wrk() {
  local script="$1"
  shift
  # A short warm-up first (connections, caches), not counted.
  local warm_args=("$@")
  if [[ "${1:-}" == ITERATOR ]]; then
    warm_args[0]="$("${PYTHON}" "${HERE}/prepare.py" --iterator "${endpoint}" bench-get)"
  fi
  taskset -c "${wrk_core}" wrk -t"${threads}" -c"${connections}" -d2s -s "${HERE}/${script}" \
    "${endpoint}" -- "${warm_args[@]}" >/dev/null
  # Each run starts from a fresh TRIM_HORIZON iterator: the warm-up aged the last one.
  if [[ "${1:-}" == ITERATOR ]]; then
    set -- "$("${PYTHON}" "${HERE}/prepare.py" --iterator "${endpoint}" bench-get)" "${@:2}"
  fi
  local out cpu_before cpu_after
  cpu_before="$(server_cpu_ns)"
  out="$(taskset -c "${wrk_core}" wrk -t"${threads}" -c"${connections}" -d"${duration}s" \
    -s "${HERE}/${script}" "${endpoint}" -- "$@")"
  cpu_after="$(server_cpu_ns)"
  printf '%s\n' "${out}" | sed 's/^/    /' >&2
  local result
  result="$(printf '%s\n' "${out}" | grep '^RESULT ')" || die "wrk printed no RESULT line"
  local requests ok empty errors seconds first
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"${result}")"
  ok="$(sed -E 's/.* ok=([0-9]+).*/\1/' <<<"${result}")"
  empty="$(sed -E 's/.* empty=([0-9]+).*/\1/' <<<"${result}")"
  errors="$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"${result}")"
  seconds="$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"${result}")"
  first="$(sed -E 's/.*first_error=//' <<<"${result}")"
  # On a machine shared with other work the wall rate understates the server: also say how
  # many requests one second of the server's own CPU time answered.
  awk -v r="${requests}" -v ns="$((cpu_after - cpu_before))" -v s="${seconds}" 'BEGIN {
    printf "    server CPU: %.2f s of %.2f s wall, %.1f us a request, %.0f requests per CPU-second\n",
      ns / 1e9, s, ns / 1e3 / r, r / (ns / 1e9) }' >&2
  printf '%s %s %s %s %s\n' "$(awk -v r="${requests}" -v s="${seconds}" 'BEGIN { printf "%.0f", r / s }')" \
    "${ok}" "${empty}" "${errors}" "${first}"
}

# run_h2load STREAMS : GetRecords (the fixed iterator) over h2c; prints "REQ_PER_S NON_2XX".
run_h2load() {
  local streams="$1" body out cpu_before cpu_after
  body="$(mktemp)"
  printf '{"ShardIterator":"%s","Limit":1}' \
    "$("${PYTHON}" "${HERE}/prepare.py" --iterator "${endpoint}" bench-get)" >"${body}"
  local args=(-t"${threads}" -c"${connections}" -m"${streams}" -d "${body}"
              -H "content-type: application/x-amz-json-1.1"
              -H "x-amz-target: Kinesis_20131202.GetRecords"
              -H "authorization: AWS4-HMAC-SHA256 Credential=h2load/20230405/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00"
              "${endpoint}/")
  taskset -c "${wrk_core}" h2load "${args[@]}" -D 2 >/dev/null
  cpu_before="$(server_cpu_ns)"
  out="$(taskset -c "${wrk_core}" h2load "${args[@]}" -D "${duration}")"
  cpu_after="$(server_cpu_ns)"
  rm -f "${body}"
  printf '%s\n' "${out}" | grep -E '^(finished|requests|status codes|traffic)' | sed 's/^/    /' >&2
  local rps done_n non_2xx
  rps="$(sed -nE 's/^finished in [0-9.]+s, ([0-9.]+) req\/s.*/\1/p' <<<"${out}")"
  done_n="$(sed -nE 's/^requests: .* ([0-9]+) succeeded.*/\1/p' <<<"${out}")"
  non_2xx="$(sed -nE 's/^status codes: [0-9]+ 2xx, ([0-9]+) 3xx, ([0-9]+) 4xx, ([0-9]+) 5xx.*/\1 \2 \3/p' <<<"${out}" |
    awk '{ print $1 + $2 + $3 }')"
  [[ -n "${rps}" ]] || die "h2load printed no rate: ${out}"
  awk -v r="${done_n:-0}" -v ns="$((cpu_after - cpu_before))" 'BEGIN { if (r > 0)
    printf "    server CPU: %.2f s, %.1f us a request, %.0f requests per CPU-second\n",
      ns / 1e9, ns / 1e3 / r, r / (ns / 1e9) }' >&2
  printf '%.0f %s\n' "${rps}" "${non_2xx:-0}"
}

declare -A rate errors_of first_error_of empty_of
# measure NAME RECORDS CMD... : RECORDS preloaded for GetRecords, enough that following
# NextShardIterator with Limit=1 finds a record on every call for the whole run.
measure() {
  local name="$1" records="$2"
  shift 2
  printf '== %s: %s\n' "${name}" "$*" >&2
  start_server "${name}" "$@"
  local iterator
  "${PYTHON}" "${HERE}/prepare.py" "${endpoint}" bench-get 1 "${records}" >/dev/null
  "${PYTHON}" "${HERE}/prepare.py" "${endpoint}" bench-put 4 0 >/dev/null
  local r
  printf '  GetRecords Limit=1 (%s iterator):\n' "${mode}" >&2
  read -r r ok empty err first < <(run_wrk get_records.lua ITERATOR "${mode}")
  rate["${name}.get"]="${r}"; errors_of["${name}.get"]="${err}"; first_error_of["${name}.get"]="${first}"
  empty_of["${name}.get"]="${empty}"
  if [[ "${name}" == shardsim && "${mode}" == fixed ]]; then
    for m in 1 "${h2_streams}"; do
      printf '  GetRecords Limit=1 over HTTP/2 (h2load, h2c, %s stream(s) per connection):\n' "${m}" >&2
      read -r r err < <(run_h2load "${m}")
      rate["h2.m${m}"]="${r}"; errors_of["shardsim.h2.m${m}"]="${err}"; first_error_of["shardsim.h2.m${m}"]="see above"
    done
  fi
  printf '  PutRecord:\n' >&2
  read -r r ok empty err first < <(run_wrk put_record.lua bench-put)
  rate["${name}.put"]="${r}"; errors_of["${name}.put"]="${err}"; first_error_of["${name}.put"]="${first}"
  kill -0 "${server_pid}" 2>/dev/null || die "${name} died during the run: $(tail -5 "${server_out}")"
  stop_server
}

# Records to preload: a fixed iterator reads the first one only; following needs one per call.
records_for() { if [[ "${mode}" == follow ]]; then printf '%s\n' "$1"; else printf '1000\n'; fi; }

printf 'wrk %s thread(s), %s connections, %s s per run; server on CPU %s, wrk on CPU %s; %s\n' \
  "${threads}" "${connections}" "${duration}" "${server_core}" "${wrk_core}" "$(date -u +%FT%TZ)"
if [[ "${only}" != kinesalite ]]; then
  measure shardsim "$(records_for 400000)" "${shardsim_bin}" serve --port 0 "${default_shardsim_args[@]}" \
    "${shardsim_args[@]}"
  # SubscribeToShard (kinesalite has none): boto3 walking an idle day under the manual clock.
  printf '== shardsim-efo: SubscribeToShard events, boto3 over HTTP/1.1, manual clock\n' >&2
  start_server shardsim-efo "${shardsim_bin}" serve --port 0 --start 2023-04-05T07:06:12Z
  efo="$("${PYTHON}" "${HERE}/subscription_events.py" "${endpoint}" "${duration}")"
  printf '    %s\n' "${efo}" >&2
  stop_server
  rate[efo]="$(awk '{ printf "%.0f", $2 / $4 }' <<<"${efo}")"
fi
if [[ "${only}" != shardsim ]]; then
  measure kinesalite "$(records_for 50000)" node "${REPO_ROOT}/tests/clients/node/kinesalite_serve.js"
fi

printf '\n%-22s %14s %14s %8s\n' "requests/s" "shardsim" "kinesalite" "ratio"
for op in get put; do
  label="GetRecords Limit=1"; [[ "${op}" == put ]] && label="PutRecord"
  s="${rate[shardsim.${op}]:-}"; k="${rate[kinesalite.${op}]:-}"
  ratio="-"
  if [[ -n "${s}" && -n "${k}" ]]; then ratio="$(awk -v s="${s}" -v k="${k}" 'BEGIN { printf "%.1fx", s / k }')"; fi
  printf '%-22s %14s %14s %8s\n' "${label}" "${s:--}" "${k:--}" "${ratio}"
done
if [[ -n "${rate[h2.m1]:-}" ]]; then
  h1="${rate[shardsim.get]}"
  for m in 1 "${h2_streams}"; do
    h2="${rate[h2.m${m}]}"
    printf '%-22s %14s %14s %8s\n' "GetRecords HTTP/2 m=${m}" "${h2}" "-" \
      "$(awk -v a="${h2}" -v b="${h1}" 'BEGIN { printf "%+.0f%%", (a / b - 1) * 100 }')"
  done
  printf '(the last column of the HTTP/2 lines: against shardsim over HTTP/1.1 with wrk, same run)\n'
fi
if [[ -n "${rate[efo]:-}" ]]; then
  printf '%-22s %14s %14s %8s\n' "SubscribeToShard events" "${rate[efo]}" "-" "-"
  printf '(events a second a boto3 client is sent while its subscription walks an idle day, manual clock)\n'
fi
for key in "${!empty_of[@]}"; do
  if [[ "${empty_of[${key}]}" != 0 ]]; then
    printf 'note: %s: %s answers were empty pages (the iterator reached the tip)\n' "${key}" "${empty_of[${key}]}"
  fi
done
for key in "${!errors_of[@]}"; do
  if [[ "${errors_of[${key}]}" != 0 ]]; then
    printf 'note: %s answered %s non-200 (first: %s)\n' "${key}" "${errors_of[${key}]}" "${first_error_of[${key}]}"
  fi
done
printf 'targets: shardsim >= %s GetRecords/s on one core, >= %sx kinesalite; HTTP/2 within %s%% of HTTP/1.1\n' \
  "${GET_RECORDS_TARGET}" "${RATIO_TARGET}" "${H2_WITHIN_PERCENT}"
