#!/usr/bin/env bash
# Installs a built shardsim tree into a scratch prefix, builds examples/installed_consumer
# against it with find_package(shardsim) and runs it. See cmake/InstallSmokeTest.cmake.
#
# Usage: scripts/install_smoke_test.sh [BUILD_DIR]   (default: the repository's build/)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-${repo_root}/build}"
case "${build_dir}" in
  -h|--help)
    sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    echo "install_smoke_test.sh: unknown option '${build_dir}' (try --help)" >&2
    exit 2
    ;;
esac
if [[ ! -d "${build_dir}" ]]; then
  echo "install_smoke_test.sh: no build tree at '${build_dir}'; run ./scripts/setup.sh first" >&2
  exit 1
fi
build_dir="$(cd "${build_dir}" && pwd)"

exec cmake -DSHARDSIM_SOURCE_DIR="${repo_root}" -DSHARDSIM_BUILD_DIR="${build_dir}" \
  -P "${repo_root}/cmake/InstallSmokeTest.cmake"
