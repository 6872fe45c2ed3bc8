#!/usr/bin/env bash
# Runs every test: unit tests of each module, then the integration tests (real kernel, real cgroups,
# real namespaces; they need root) under Debian 12's containerd 1.6; then the tests that run under
# containerd (shim, Wasm, CRI, containerd's own baseline) again under containerd 1.7 (Debian 13) and 2.1
# (Debian unstable), fetched as packages by scripts/fetch-containerd.sh and never installed.
# Usage: sudo scripts/test.sh [extra maven arguments]
#        WASMJ_OTHER_CONTAINERDS="trixie" scripts/test.sh   only 1.7 besides 1.6 ("" for 1.6 alone)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "scripts/test.sh: run as root (the tests create namespaces and cgroups)" >&2; exit 1; }
scripts/install-deps.sh
mvn -B -ntp verify "$@"
under_containerd='dev.wasmj.it.shim.*Test,dev.wasmj.it.wasm.*Test,dev.wasmj.it.cri.*Test,dev.wasmj.it.containerd.*Test'
for suite in ${WASMJ_OTHER_CONTAINERDS-trixie sid}; do
  dir=$(scripts/fetch-containerd.sh "$suite")
  echo "=== the tests under containerd again, with $("$dir/bin/containerd" --version)"
  mvn -B -ntp verify -Dwasmj.containerd.dir="$dir" -Dtest="$under_containerd" -Dsurefire.failIfNoSpecifiedTests=false "$@"
done
