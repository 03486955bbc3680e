#!/bin/sh
# Checks that no #include runs back up the library stack:
#   sim <- model <- consumer <- properties <- catalogue <- cli / tests / bench
# Each folder may include its own headers and those of the folders below it; examples/ (a
# user's project) may not include the catalogue. Prints every offending line; exit 1 if any.
# Usage: scripts/check_layering.sh [SOURCE_DIR]
set -eu
root="${1:-$(dirname "$0")/..}"
status=0
# Include prefixes that are this project's folders; anything else (absl/, ...) is a library.
project_folders="sim model consumer properties catalogue cli tests bench examples"

check() {  # check FOLDER "ALLOWED FOLDERS"
  folder="$1"
  allowed="$2"
  [ -d "${root}/${folder}" ] || return 0
  for file in $(find "${root}/${folder}" -name '*.h' -o -name '*.cc' | sort); do
    grep -n '^#include "[a-z_]*/' "${file}" | while IFS= read -r line; do
      target=$(printf '%s\n' "${line}" | sed 's/^[0-9]*:#include "\([a-z_]*\)\/.*/\1/')
      case " ${allowed} " in
        *" ${target} "*) ;;
        *) case " ${project_folders} " in *" ${target} "*) ;; *) continue ;; esac ;;
      esac
      case " ${allowed} " in
        *" ${target} "*) ;;
        *) echo "${file#${root}/}:${line%%:*}: ${folder}/ may not include ${target}/: ${line#*:}"; exit 1 ;;
      esac
    done || status=1
  done
}

check sim "sim"
check model "sim model"
check consumer "sim model consumer"
check properties "sim model consumer properties"
check catalogue "sim model consumer properties catalogue"
check examples "sim model consumer properties"

if [ "${status}" -ne 0 ]; then
  echo "layering: includes above run against the dependency direction" >&2
  exit 1
fi
echo "layering: every include points down the stack"
