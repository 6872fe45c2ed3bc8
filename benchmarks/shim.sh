#!/usr/bin/env bash
# Benchmark: `ctr run --rm` of a busybox `echo` through our shim (io.containerd.wasmtime.v1) and through
# runc's shim (io.containerd.runc.v2), in the same run, under one containerd of this script's own (temp
# root, state and sockets; never the system's). Prints medians, the ratio, and peak memory of our shim
# server and of a container's cgroup (init JVM + workload) while a container runs.
# Usage: sudo benchmarks/shim.sh [runs]   (needs a build: mvn -DskipTests package; Debian's containerd)
set -euo pipefail
runs=${1:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
dist="$here/shim/target/dist"
[ -x "$dist/bin/containerd-shim-wasmtime-v1" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
command -v containerd >/dev/null || { echo "containerd missing: apt-get install containerd" >&2; exit 1; }

sandbox_shim_bin="$dist/bin"
sandbox_ns=bench
. "$here/scripts/lib/containerd-sandbox.sh"
sandbox_start
sandbox_import_busybox sh echo sleep
work=$sandbox_work; ns=$sandbox_ns; image=$sandbox_busybox
ctr() { sandbox_ctr "$@"; }

. "$here/scripts/lib/measure.sh"
run_once() { # runtime id -> microseconds
  sandbox_settle
  local t0; t0=$(now_ns)
  ctr run --rm --runtime "$1" "$image" "$2" echo hello > "$work/out" 2>&1 < /dev/null \
    || { echo "$1 failed:" >&2; cat "$work/out" >&2; tail -20 "$work/containerd.log" >&2; exit 1; }
  grep -q hello "$work/out" || { echo "$1 printed no hello" >&2; exit 1; }
  echo $(( ($(now_ns) - t0) / 1000 ))
}
ours=io.containerd.wasmtime.v1; runc=io.containerd.runc.v2
run_once $ours warm-o >/dev/null; run_once $runc warm-r >/dev/null   # first runs train the CDS archives
: > "$work/ours"; : > "$work/runc"
for i in $(seq 1 "$runs"); do   # interleaved, so drift hits both alike
  run_once $ours "o$i" >> "$work/ours"
  run_once $runc "r$i" >> "$work/runc"
done
o=$(median < "$work/ours"); r=$(median < "$work/runc")

# Peak memory while one container runs: our shim server, and the container's cgroup (init JVM + program).
ctr run -d --runtime $ours "$image" mem sleep 1000 >/dev/null
sleep 1
shim_pid=$(sandbox_shim_pid mem)
shim_kib=$(awk '/VmHWM/ {print $2}' "/proc/$shim_pid/status")
cg=$(ls -d /sys/fs/cgroup/memory/$ns/mem 2>/dev/null || true)
if [ -n "$cg" ]; then cg_kib=$(( $(cat "$cg/memory.max_usage_in_bytes") / 1024 )); else
  cg_kib=$(( $(cat /sys/fs/cgroup/$ns/mem/memory.peak 2>/dev/null || echo 0) / 1024 )); fi
ctr task kill -s SIGKILL mem >/dev/null; sleep 0.5; ctr task delete mem >/dev/null 2>&1 || true; ctr container delete mem >/dev/null 2>&1 || true

awk -v o="$o" -v r="$r" -v runs="$runs" -v shim="$shim_kib" -v cg="$cg_kib" 'BEGIN {
  printf "ctr run --rm, busybox echo, median of %d (same containerd, interleaved):\n", runs
  printf "  runc shim (io.containerd.runc.v2)       %8.1f ms  = 1\n", r / 1000
  printf "  our shim (io.containerd.wasmtime.v1)    %8.1f ms  = %.1fx\n", o / 1000, o / r
  printf "peak memory while a container runs:\n"
  printf "  our shim server VmHWM                   %8.1f MiB\n", shim / 1024
  printf "  container cgroup peak (init JVM + prog) %8.1f MiB\n", cg / 1024
}'
