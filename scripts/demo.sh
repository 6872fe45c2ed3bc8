#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine, as root: install what is missing, build, and run a
# container through libcontainer-j (a busybox image built here from Debian's busybox-static).
# (When the shim and the wasmtime engine land, this runs a Wasm container under a real containerd.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "scripts/demo.sh: run as root" >&2; exit 1; }
scripts/install-deps.sh
mvn -B -q -ntp -DskipTests package
work=$(mktemp -d /tmp/wasmj-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/proc" "$work/bundle/rootfs/dev" "$work/bundle/rootfs/sys"
cp /bin/busybox "$work/bundle/rootfs/bin/"
for a in sh echo hostname cat; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
(cd "$work/bundle" && runc spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"sh", "-c", "echo hello from $(hostname), pid $$ in its own namespaces"/' "$work/bundle/config.json"
libcontainer-j/target/dist/bin/libcontainer-j --root "$work/state" run --bundle "$work/bundle" demo
