#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test this project (root; idempotent).
set -euo pipefail
packages=(
  openjdk-17-jdk-headless maven gcc libc6-dev   # build: Java 17 and our JNI library
  busybox-static                                 # the tests' container images
  runc                                           # the baseline the benchmarks compare against
  containerd                                     # shim tests start their own (never the system one): ctr, runc shim
  util-linux                                     # umount, for their cleanup of leftover mounts
  clang lld wasi-libc libclang-rt-14-dev-wasm32  # C -> WASI preview 1 modules: the demo, test and benchmark programs
  wabt                                           # wat2wasm: the tests' modules written in WAT
  containernetworking-plugins iproute2           # the CRI tests' pod network (bridge, host-local) and its removal
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
