#!/bin/sh
# Checks that every tracked C++ file is laid out as .clang-format says, with clang-format 14
# (Debian 12's `clang-format`): prints each file that differs and the first lines of its diff;
# exit 1 if any does, 2 if clang-format 14 is missing. Fix with:
#   git ls-files '*.cc' '*.h' | xargs clang-format -i
# Usage: scripts/check_format.sh [SOURCE_DIR]
set -eu
root="${1:-$(dirname "$0")/..}"
cd "${root}"
formatter=""
for candidate in clang-format-14 clang-format; do
  if command -v "${candidate}" >/dev/null 2>&1 &&
     "${candidate}" --version | grep -q 'version 14\.'; then
    formatter="${candidate}"
    break
  fi
done
if [ -z "${formatter}" ]; then
  echo "check_format.sh: clang-format 14 not found (./scripts/setup.sh --deps-only installs it)" >&2
  exit 2
fi
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  files="$(git ls-files '*.cc' '*.h')"
else
  files="$(find . -path ./build -prune -o \( -name '*.cc' -o -name '*.h' \) -print)"
fi
count=$(echo "${files}" | wc -w)
# One run over every file (one process per file took 30 s); then the files it names, with diffs.
# shellcheck disable=SC2086
if "${formatter}" --dry-run -Werror ${files} 2>/dev/null; then
  echo "check_format.sh: ${count} files formatted as .clang-format says"
  exit 0
fi
# shellcheck disable=SC2086
for file in $("${formatter}" --dry-run ${files} 2>&1 |
              sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' | sort -u); do
  echo "not formatted: ${file}"
  "${formatter}" "${file}" | diff -u "${file}" - | head -20
done
exit 1
