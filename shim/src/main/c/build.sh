#!/usr/bin/env bash
# Builds wasmj-pod-holder (pod-holder.c): the process that holds a pod's namespaces for the sandbox API.
# Usage: build.sh OUTPUT_DIR
set -euo pipefail
out=${1:?output directory}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
if [ "$out/wasmj-pod-holder" -nt "$here/pod-holder.c" ] && [ "$out/wasmj-pod-holder" -nt "$here/build.sh" ]; then
  exit 0
fi
gcc -O2 -Wall -Wextra -Werror -o "$out/wasmj-pod-holder.tmp" "$here/pod-holder.c"
mv "$out/wasmj-pod-holder.tmp" "$out/wasmj-pod-holder"
