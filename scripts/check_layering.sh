#!/bin/sh
# Checks that no #include runs back up the library stack:
#   sim <- model <- consumer <- properties <- catalogue <- cli / tests / bench
#   sim <- model <- server (shardsim serve) <- cli / tests / bench
#                              properties <- timeline <- cli / tests
#   catalogue / server <- fuzz (the libFuzzer targets; nothing includes them)
#                  server, properties <- clientcheck (real clients) <- cli / tests
# Each folder may include its own headers and those of the folders below it; examples/ (a
# user's project) may not include the catalogue. Prints every offending line; exit 1 if any.
# Usage: scripts/check_layering.sh [SOURCE_DIR]
set -eu
root="${1:-$(dirname "$0")/..}"
status=0
# Include prefixes that are this project's folders; anything else (absl/, ...) is a library.
project_folders="sim model consumer properties timeline catalogue server clientcheck cli tests bench examples fuzz"

check() {  # check FOLDER "ALLOWED FOLDERS"
  folder="$1"
  allowed="$2"
  [ -d "${root}/${folder}" ] || return 0
  (cd "${root}" && grep -rnE '^#include "[a-z_]+/' --include='*.h' --include='*.cc' "${folder}") |
    awk -v folder="${folder}" -v allowed=" ${allowed} " -v project=" ${project_folders} " '
      {
        target = $0
        sub(/^[^"]*"/, "", target)
        sub(/\/.*/, "", target)
        if (index(project, " " target " ") && !index(allowed, " " target " ")) {
          split($0, at, ":")
          print at[1] ":" at[2] ": " folder "/ may not include " target "/"
          bad = 1
        }
      }
      END { exit bad }' || status=1
}

check sim "sim"
check model "sim model"
check consumer "sim model consumer"
check properties "sim model consumer properties"
check timeline "sim model consumer properties timeline"
check catalogue "sim model consumer properties catalogue"
check server "sim model server"
check clientcheck "sim model consumer properties server clientcheck"
check examples "sim model consumer properties examples"
check fuzz "sim model consumer properties catalogue server fuzz"

if [ "${status}" -ne 0 ]; then
  echo "layering: includes above run against the dependency direction" >&2
  exit 1
fi
echo "layering: every include points down the stack"
