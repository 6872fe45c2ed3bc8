#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine, as root: install what is missing (containerd and the build
# tools from Debian), build, start a containerd of our own (under a temp dir; the system's is never
# touched), and run a container through our shim, `ctr run --runtime io.containerd.wasmtime.v1`.
# Today the container is a busybox image built here from Debian's busybox-static; with the wasmtime
# engine (issue 4) it becomes a Wasm module.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "scripts/demo.sh: run as root" >&2; exit 1; }
scripts/install-deps.sh
mvn -B -q -ntp -DskipTests package
sandbox_shim_bin="$PWD/shim/target/dist/bin"
sandbox_ns=demo
. scripts/lib/containerd-sandbox.sh
sandbox_start
sandbox_import_busybox sh echo hostname cat
echo "+ ctr run --rm --runtime io.containerd.wasmtime.v1 $sandbox_busybox demo sh -c '...'"
sandbox_ctr run --rm --runtime io.containerd.wasmtime.v1 "$sandbox_busybox" demo \
  sh -c 'echo "hello from $(hostname), pid $$ in its own namespaces, through containerd-shim-wasmtime-v1"' < /dev/null
echo "(the shim's log lines are in containerd's log: $sandbox_work/containerd.log, removed on exit)"
grep 'runtime=io.containerd.wasmtime.v1' "$sandbox_work/containerd.log" | grep 'id=demo' | head -5
