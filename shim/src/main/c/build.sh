#!/usr/bin/env bash
# Builds the shim's two small C programs: wasmj-pod-holder (pod-holder.c), the process that holds a pod's
# namespaces for the sandbox API, and wasmj-start (start-client.c), which hands containerd's start to a
# running shim server.
# Usage: build.sh OUTPUT_DIR
set -euo pipefail
out=${1:?output directory}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
build() { # build PROGRAM SOURCE
  if [ "$out/$1" -nt "$here/$2" ] && [ "$out/$1" -nt "$here/build.sh" ]; then return 0; fi
  gcc -O2 -Wall -Wextra -Werror -o "$out/$1.tmp" "$here/$2"
  mv "$out/$1.tmp" "$out/$1"
}
build wasmj-pod-holder pod-holder.c
build wasmj-start start-client.c
