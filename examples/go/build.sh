#!/usr/bin/env bash
# Builds the Go examples against Debian 12's AWS SDK for Go v2 (golang-go,
# golang-github-aws-aws-sdk-go-v2-dev; scripts/setup_clients.sh installs them) in GOPATH mode,
# offline: OUT_DIR/drain, stop_on_first_empty_page and efo_idle_day (SubscribeToShard). All Go
# writes (the build cache, a private GOPATH naming this folder shardsim/examples/go) stays there.
#   usage: examples/go/build.sh OUT_DIR
set -euo pipefail

readonly PROG="examples/go/build.sh"
die() { printf '%s: %s\n' "${PROG}" "$*" >&2; exit 1; }

case "${1:-}" in
  "") die "usage: ${PROG} OUT_DIR" ;;
  -h | --help) sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
mkdir -p "$1"
OUT_DIR="$(cd "$1" && pwd)"
EXAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly OUT_DIR EXAMPLES_DIR
readonly SYSTEM_GOPATH=/usr/share/gocode

command -v go >/dev/null 2>&1 || die "go not found: run scripts/setup_clients.sh"
[[ -d "${SYSTEM_GOPATH}/src/github.com/aws/aws-sdk-go-v2/service/kinesis" ]] ||
  die "the AWS SDK for Go v2 is not in ${SYSTEM_GOPATH}: run scripts/setup_clients.sh"

mkdir -p "${OUT_DIR}/gopath/src/shardsim/examples"
ln -sfn "${EXAMPLES_DIR}" "${OUT_DIR}/gopath/src/shardsim/examples/go"

export GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local
export GOPATH="${OUT_DIR}/gopath:${SYSTEM_GOPATH}" GOCACHE="${OUT_DIR}/go-cache"
for program in drain stop_on_first_empty_page efo_idle_day; do
  go build -o "${OUT_DIR}/${program}" "shardsim/examples/go/${program}"
done
printf '%s: built drain, stop_on_first_empty_page and efo_idle_day in %s (%s)\n' "${PROG}" \
  "${OUT_DIR}" "$(go version)"
