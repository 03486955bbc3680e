#!/bin/sh
# Renders the demo's picture (the seed article's walk) and a failure's picture in headless
# Chromium (issue 14): each must be well-formed XML (xmllint), load without a parse error,
# and show its lanes; the demo its walk through the silence (a tick per call, the record found
# ringed), the failure its axis break and violation marker. The
# screenshots stay in OUT_DIR as test artifacts. Also checks the files the commands promise:
# the picture next to a failing check's saved scenario, and the report pages.
# Usage: browser_test.sh SHARDSIM CHROMIUM XMLLINT OUT_DIR
set -eu
shardsim="$1"
chromium="$2"
xmllint="$3"
out="$4"

fail() { echo "browser_test: $*" >&2; exit 1; }

rm -rf "${out}"
mkdir -p "${out}"

# The demo's report: the article's walk (one case per loop and profile keeps it fast).
"${shardsim}" demo --cases 1 --jobs 1 --report "${out}/demo" > "${out}/demo.txt"
grep -q "report: ${out}/demo/index.html" "${out}/demo.txt" || fail "demo did not name its report"
demo_svg="${out}/demo/seed-article.svg"

# A failing check: the picture next to the saved scenario, and the report page.
status=0
"${shardsim}" check --strategy stop-on-first-empty-page --cases 200 --quiet \
  --failure-dir "${out}/failures" --report "${out}/check" > "${out}/check.txt" || status=$?
[ "${status}" -eq 1 ] || fail "check of a buggy loop exited ${status}, not 1"
failure_svg=$(sed -n 's/^picture of the failing run: //p' "${out}/check.txt")
[ -n "${failure_svg}" ] || fail "a failing check printed no picture path"
[ -f "${failure_svg}" ] || fail "the printed picture ${failure_svg} does not exist"
[ -f "${failure_svg%.svg}.json" ] || fail "the picture is not next to the saved scenario"
grep -q 'id="verdicts"' "${out}/check/index.html" || fail "the report has no verdict table"
grep -q 'id="violation"' "${out}/check/index.html" || fail "the report has no failure picture"

# Replaying the saved scenario as a picture gives the same bytes, and the failing verdict.
status=0
"${shardsim}" replay --scenario "${failure_svg%.svg}.json" --format svg > "${out}/replayed.svg" ||
  status=$?
[ "${status}" -eq 1 ] || fail "replay --format svg of a failure exited ${status}, not 1"
cmp -s "${failure_svg}" "${out}/replayed.svg" || fail "the replayed picture differs from the saved one"

for svg in "${demo_svg}" "${failure_svg}"; do
  "${xmllint}" --noout "${svg}" || fail "${svg} is not well-formed XML"
done

# Both pictures in the browser at once: the DOM as loaded, and a screenshot.
render() {  # render SVG NAME
  height=$(sed -n 's/^<svg .* height="\([0-9]*\)".*/\1/p' "$1" | head -1)
  profile=$(mktemp -d)
  DBUS_SESSION_BUS_ADDRESS=disabled: "${chromium}" --headless --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="${profile}" --window-size="1200,${height}" \
    --screenshot="${out}/$2.png" --dump-dom "file://$1" > "${out}/$2.dom" 2> "${out}/$2.log"
  rm -rf "${profile}"
}
render "${demo_svg}" demo &
demo_pid=$!
render "${failure_svg}" failure &
failure_pid=$!
wait "${demo_pid}" || fail "chromium failed on the demo's picture (see ${out}/demo.log)"
wait "${failure_pid}" || fail "chromium failed on the failure's picture (see ${out}/failure.log)"

expect() {  # expect NAME PATTERN WHAT
  grep -q "$2" "${out}/$1.dom" || fail "$1: the loaded picture has no $3"
}
for name in demo failure; do
  [ -s "${out}/${name}.png" ] || fail "${name}: no screenshot"
  if grep -q "parsererror" "${out}/${name}.dom"; then fail "${name}: the browser reports a parse error"; fi
  expect "${name}" '<svg xmlns="http://www.w3.org/2000/svg"' "SVG root"
  expect "${name}" 'class="lane"' "lane"
  expect "${name}" 'class="read outcome-' "GetRecords mark"
done
expect demo 'class="empty-run"' "band of empty pages"
expect demo 'class="walk"' "walk through the empty buckets"
expect demo 'class="calls"' "tick per call"
expect demo 'class="found"' "ringed record at the end of the walk"
expect demo 'class="idle-stretch"' "bracket over the silence"
expect failure 'class="axis-break"' "axis break"
expect failure 'id="violation"' "violation marker"
if grep -q 'id="violation"' "${out}/demo.dom"; then fail "demo: the article's walk shows a violation"; fi
echo "browser_test: both pictures load in $("${chromium}" --version 2>/dev/null | head -1); screenshots in ${out}"
