#!/usr/bin/env bash
# Sets up a Debian 12 machine for shardsim, builds it, and optionally runs the tests or the demo.
# Safe to run again: packages already installed are left alone, and an existing build tree is
# reused (only what changed is rebuilt).
set -euo pipefail

readonly PROG="setup.sh"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT

# Debian packages needed to build and test everything in the repository.
# shardsim is compiled with clang++: GCC 12, Debian 12's default, destroys temporaries in
# co_await expressions twice (see the compiler check in CMakeLists.txt).
readonly PACKAGES=(
  cmake clang clang-format libclang-rt-14-dev g++ make ninja-build
  libabsl-dev libssl-dev libnghttp2-dev
  nghttp2-client  # h2load: bench/server/run_side_by_side.sh's HTTP/2 figures
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libxxhash-dev libboost1.81-dev zlib1g-dev chromium libxml2-utils
  parallel  # GNU parallel: the README's campaign block, run as written by tests/cli/readme_campaign_test.sh
)

# Relative to the build tree.
readonly DEMO_EXE="cli/shardsim"

usage() {
  cat <<'EOF'
Usage: ./scripts/setup.sh [OPTIONS] [--run CMD [ARG...]]

Installs the Debian packages shardsim needs (only those missing), configures and builds the
project (Release, all cores) into build/, then does what the options ask.

Options:
  --test             after building, run every test: ctest --output-on-failure -j2
  --demo             after building (and testing, with --test), run the demo:
                     <build dir>/cli/shardsim demo
  --run CMD [ARG...] after building, run CMD from the repository root with the given
                     arguments; everything after --run belongs to CMD, so put it last.
                     Example: ./scripts/setup.sh --run build/bench/<some_benchmark>
  --sanitize         build with AddressSanitizer + UndefinedBehaviorSanitizer
                     (-DSHARDSIM_SANITIZE=ON, RelWithDebInfo, no benchmarks) into build-asan/
  --build-type TYPE  CMake build type (default: Release; RelWithDebInfo with --sanitize)
  --build-dir DIR    build tree to use (default: build/, or build-asan/ with --sanitize)
  --build-only       skip the package step; only configure and build
  --deps-only        only install missing packages; do not configure or build
  -h, --help         print this help and exit

The package step needs root: it uses sudo when not root, and when sudo is not available it
prints the apt-get command to run and exits with status 1. Unknown options exit with status 2.

Examples:
  ./scripts/setup.sh --demo              set up, build, run the demo
  ./scripts/setup.sh --test              set up, build, run all tests
  ./scripts/setup.sh --sanitize --test   the same tests under ASan + UBSan (all but the
                                         packaging tests, label install)
EOF
}

say() { printf '[%s] %s\n' "${PROG}" "$*"; }
die() { printf '%s: %s\n' "${PROG}" "$*" >&2; exit 1; }
usage_error() {
  printf '%s: %s\nTry ./scripts/setup.sh --help\n' "${PROG}" "$*" >&2
  exit 2
}

# ---- options ----------------------------------------------------------------------------
run_tests=0
run_demo=0
sanitize=0
do_deps=1
do_build=1
build_type=""
build_dir=""
run_cmd=()

while (($# > 0)); do
  case "$1" in
    --test) run_tests=1 ;;
    --demo) run_demo=1 ;;
    --sanitize) sanitize=1 ;;
    --build-only) do_deps=0 ;;
    --deps-only) do_build=0 ;;
    --build-type)
      (($# >= 2)) || usage_error "--build-type needs a value (Release, RelWithDebInfo, Debug)"
      build_type="$2"
      shift
      ;;
    --build-type=*) build_type="${1#*=}" ;;
    --build-dir)
      (($# >= 2)) || usage_error "--build-dir needs a value"
      build_dir="$2"
      shift
      ;;
    --build-dir=*) build_dir="${1#*=}" ;;
    --run)
      shift
      (($# > 0)) || usage_error "--run needs a command"
      run_cmd=("$@")
      break
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) usage_error "unknown option '$1'" ;;
  esac
  shift
done

if ((do_deps == 0 && do_build == 0)); then
  usage_error "--build-only and --deps-only exclude each other"
fi
if ((do_build == 0)) && ((run_tests || run_demo || ${#run_cmd[@]})); then
  usage_error "--deps-only cannot be combined with --test, --demo or --run"
fi

if [[ -z "${build_type}" ]]; then
  if ((sanitize)); then build_type="RelWithDebInfo"; else build_type="Release"; fi
fi
if [[ -z "${build_dir}" ]]; then
  if ((sanitize)); then build_dir="build-asan"; else build_dir="build"; fi
fi

cd "${REPO_ROOT}"

# ---- packages ---------------------------------------------------------------------------
missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Abbrev}' "${pkg}" 2>/dev/null || true)"
    [[ "${status}" == ii* ]] || printf '%s\n' "${pkg}"
  done
}

install_packages() {
  command -v dpkg-query >/dev/null 2>&1 ||
    die "dpkg-query not found: this script sets up Debian 12; install these by other means: ${PACKAGES[*]}"
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    say "all ${#PACKAGES[@]} needed packages are installed"
    return 0
  fi
  say "missing packages: ${missing[*]}"

  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      {
        printf '%s: not root and sudo is not available. As root, run:\n' "${PROG}"
        printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' "${missing[*]}"
        printf 'then run this script again.\n'
      } >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# ---- build ------------------------------------------------------------------------------
configure_and_build() {
  # The usual two configurations are the presets of CMakePresets.json (default: clang++,
  # Release, build/; asan: ASan+UBSan, RelWithDebInfo, build-asan/); other folders or build
  # types are configured with the same settings spelled out.
  local preset=""
  if ((sanitize == 0)) && [[ "${build_dir}" == build && "${build_type}" == Release ]]; then
    preset=default
  elif ((sanitize)) && [[ "${build_dir}" == build-asan && "${build_type}" == RelWithDebInfo ]]; then
    preset=asan
  fi
  if [[ -n "${preset}" && ( ! -f "${build_dir}/CMakeCache.txt" ||
        "$(grep -c '^CMAKE_GENERATOR:INTERNAL=Ninja$' "${build_dir}/CMakeCache.txt")" == 1 ) ]]; then
    say "configuring ${build_dir}/ (cmake --preset ${preset})"
    cmake --preset "${preset}"
    say "building with $(nproc) jobs"
    cmake --build "${build_dir}" --parallel "$(nproc)"
    return
  fi
  local args=(-S . -B "${build_dir}" -DCMAKE_BUILD_TYPE="${build_type}")
  # A tree that already exists keeps its generator (CMake refuses to switch); a new one uses
  # Ninja when it is there.
  if [[ ! -f "${build_dir}/CMakeCache.txt" ]]; then
    if command -v ninja >/dev/null 2>&1; then args+=(-G Ninja); fi
    args+=(-DCMAKE_CXX_COMPILER="${CXX:-clang++}")
  fi
  if ((sanitize)); then
    args+=(-DSHARDSIM_SANITIZE=ON -DSHARDSIM_BUILD_BENCHMARKS=OFF)
  fi
  local what="${build_type}"
  if ((sanitize)); then what+=", ASan+UBSan"; fi
  say "configuring ${build_dir}/ (${what})"
  cmake "${args[@]}"
  say "building with $(nproc) jobs"
  cmake --build "${build_dir}" --parallel "$(nproc)"
}

sanitizer_env() {
  # Stack traces for UBSan reports; -fno-sanitize-recover already makes each one fatal.
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
}

run_ctest() {
  say "running tests in ${build_dir}/"
  if ((sanitize)); then sanitizer_env; fi
  local exclude=()
  if ((sanitize)); then
    # The install tests (label install) check packaging: installing, and building a user's
    # project against the package. They test no code of ours the other tests do not, and under
    # the sanitizers they would rebuild a user project instrumented; the Release pass runs them.
    say "under the sanitizers, every test but the packaging ones (ctest -LE install)"
    exclude=(-LE '^install$')
  fi
  # A test command that ran no test has proved nothing, so an empty suite is a failure.
  ctest --test-dir "${build_dir}" --output-on-failure -j2 --no-tests=error "${exclude[@]}"
}

run_demo_exe() {
  local exe="${build_dir}/${DEMO_EXE}"
  [[ -x "${exe}" ]] ||
    die "the demo ${exe} was not built (the shardsim target is missing)"
  if ((sanitize)); then sanitizer_env; fi
  say "running ${exe} demo"
  "${exe}" demo
}

if ((do_deps)); then
  install_packages
  "${REPO_ROOT}/scripts/setup_clients.sh"  # real-client tests: AWS CLI, boto3, Node, npm
fi
if ((do_build == 0)); then
  exit 0
fi
configure_and_build
if ((run_tests)); then
  run_ctest
fi
if ((run_demo)); then
  run_demo_exe
fi
if ((${#run_cmd[@]} > 0)); then
  if ((sanitize)); then sanitizer_env; fi
  say "running: ${run_cmd[*]}"
  "${run_cmd[@]}"
fi
