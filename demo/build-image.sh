#!/usr/bin/env bash
# Builds the demo's OCI image from source: wasi-demo.c -> wasi-demo.wasm (Debian's clang and wasi-libc,
# WASI preview 1) -> an image layout tar for platform wasi/wasm holding /wasi-demo.wasm and /etc/motd,
# with the module as entrypoint: the layout `docker buildx build --platform wasi/wasm --output type=oci`
# gives. Prints the tar's path.
#   demo/build-image.sh [out.tar]     (default demo/target/wasi-demo.tar; image docker.io/wasmj/wasi-demo:latest)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target/wasi-demo.tar}
. "$here/../scripts/lib/oci-image.sh"
mkdir -p "$here/target" "$(dirname "$out")"
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
clang --target=wasm32-wasi -O2 -s -o "$rootfs/wasi-demo.wasm" "$here/wasi-demo.c"
mkdir -p "$rootfs/etc"
echo "This line was read from the image's /etc/motd." > "$rootfs/etc/motd"
oci_image_tar "$rootfs" docker.io/wasmj/wasi-demo:latest wasi/wasm \
  '{"Entrypoint":["/wasi-demo.wasm"],"Cmd":["hello","from","wasi-demo"],"Env":["GREETING=hi from the image config"]}' "$out"
echo "$out"
