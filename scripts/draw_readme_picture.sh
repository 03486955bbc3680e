#!/bin/sh
# Redraws docs/seed-article.png, the README's picture of the seed article's walk: the SVG of
# `shardsim demo --report`, screenshotted by headless Chromium at the SVG's own size.
# Usage: scripts/draw_readme_picture.sh [BUILD_DIR]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${root}/build}"
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
"${build}/cli/shardsim" demo --cases 1 --jobs 1 --report "${work}/report" > /dev/null
svg="${work}/report/seed-article.svg"
height=$(sed -n 's/^<svg .* height="\([0-9]*\)".*/\1/p' "${svg}" | head -1)
DBUS_SESSION_BUS_ADDRESS=disabled: chromium --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="${work}/profile" --window-size="1200,${height}" \
  --screenshot="${root}/docs/seed-article.png" "file://${svg}" 2> /dev/null
echo "wrote ${root}/docs/seed-article.png"
