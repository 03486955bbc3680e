#!/usr/bin/env bash
# Installs what the real-client tests (tests/clients, label `clients`) and the side-by-side
# benchmark (bench/server) need: Debian's AWS CLI, boto3, cbor2, wrk, Node.js, Go and the AWS
# SDK for Go v2 (examples/go, built offline in GOPATH mode), then the npm packages pinned in
# tests/clients/node/package-lock.json (the AWS SDK for JavaScript v3 and kinesalite 3.3.3)
# with `npm ci`. Safe to run again: installed packages are left alone, and npm runs only when
# the lock file changed since the last install. scripts/setup.sh calls it.
set -euo pipefail

readonly PROG="setup_clients.sh"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly NODE_DIR="${REPO_ROOT}/tests/clients/node"
# A copy of the lock file npm last installed from; npm runs again when they differ.
readonly STAMP="${NODE_DIR}/node_modules/.shardsim-installed-lock.json"

# Debian 12 packages. The tests use /usr/bin/python3 and /usr/bin/aws, whose modules these are;
# examples/go/build.sh finds the Go SDK (1.17.1) in /usr/share/gocode; curl (on nghttp2),
# h2load (nghttp2-client) and openssl drive the HTTP/2 and TLS test.
readonly PACKAGES=(awscli python3-boto3 python3-cbor2 wrk nodejs golang-go
                   golang-github-aws-aws-sdk-go-v2-dev curl nghttp2-client openssl)

say() { printf '[%s] %s\n' "${PROG}" "$*"; }
die() { printf '%s: %s\n' "${PROG}" "$*" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  -h | --help)
    sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) printf '%s: unknown option %s\n' "${PROG}" "$1" >&2; exit 2 ;;
esac

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "${pkg}" 2>/dev/null || true)"
  [[ "${status}" == ii* ]] || missing+=("${pkg}")
done
# Debian's nodejs ships npm separately; a nodejs from elsewhere may bring its own.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]} > 0)); then
  say "missing packages: ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 ||
      die "not root and sudo is not available; as root run: apt-get install -y --no-install-recommends ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "client packages installed: ${PACKAGES[*]}"
fi

if [[ -f "${STAMP}" ]] && cmp -s "${STAMP}" "${NODE_DIR}/package-lock.json"; then
  say "npm packages up to date in tests/clients/node/node_modules"
else
  say "npm ci in tests/clients/node (@aws-sdk/client-kinesis, @smithy/node-http-handler, kinesalite)"
  (cd "${NODE_DIR}" && npm ci --no-audit --no-fund --loglevel=error)
  cp "${NODE_DIR}/package-lock.json" "${STAMP}"
fi
