#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine, as root: install what is missing (containerd, the JDK and
# Maven, clang with wasi-libc from Debian), build the shim, build the demo's Wasm image from
# demo/wasi-demo.c, start a containerd of our own (under a temp dir; the system's is never touched),
# import the image and run it through our shim:
#   ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 docker.io/wasmj/wasi-demo:latest demo
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "scripts/demo.sh: run as root" >&2; exit 1; }
scripts/install-deps.sh
mvn -B -q -ntp -DskipTests package
image_tar=$(demo/build-image.sh)
sandbox_shim_bin="$PWD/engine-wasmtime/target/dist/bin"
sandbox_ns=demo
. scripts/lib/containerd-sandbox.sh
sandbox_start
sandbox_ctr images import --platform wasi/wasm "$image_tar" >/dev/null
image=docker.io/wasmj/wasi-demo:latest
echo "+ ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 --env WHO=demo $image demo"
sandbox_ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 --env WHO=demo "$image" demo < /dev/null
echo "(the shim's log lines for the container, from containerd's log, which is removed on exit:)"
grep 'runtime=io.containerd.wasmtime.v1' "$sandbox_work/containerd.log" | grep 'id=demo' | head -5
