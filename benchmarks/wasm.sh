#!/usr/bin/env bash
# Benchmark of Wasm containers, in one run under one containerd of this script's own (temp root, state,
# sockets and shim caches; never the system's), all figures as ratios to a baseline measured alongside:
#   1. `ctr run --rm` of a Wasm hello (hello.wat) through our shim vs a busybox echo through runc's shim;
#   2. the first start of a big module (empty compile cache) vs the second (compiled code from the cache);
#   3. a CPU-bound module (probe.c counting primes, timed by itself) under the engine vs the same C
#      compiled by gcc -O2, and the whole `ctr run` vs the whole native process;
#   4. peak memory of our shim server and of the container (init JVM + module) while a module runs, and
#      the memory of the idle standby server waiting for the next container.
# Usage: sudo benchmarks/wasm.sh [runs]   (needs: mvn -DskipTests package; scripts/install-deps.sh)
#        WASMJ_DIST=<a dist dir> benchmarks/wasm.sh   measures another build of the shim
set -euo pipefail
runs=${1:-11}
here=$(cd "$(dirname "$0")/.." && pwd)
dist=${WASMJ_DIST:-$here/engine-wasmtime/target/dist}   # WASMJ_DIST: compare another build
src="$here/integration-tests/src/test/wasm"
[ -x "$dist/bin/containerd-shim-wasmtime-v1" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
for tool in containerd clang wat2wasm gcc; do
  command -v $tool >/dev/null || { echo "$tool missing: scripts/install-deps.sh" >&2; exit 1; }
done

# The shims' caches in a directory of our own, so that emptying the compile cache touches nothing of the node's.
sandbox_shim_bin="$dist/bin"
sandbox_ns=bench
. "$here/scripts/lib/containerd-sandbox.sh"
sandbox_start_with_own_caches
work=$sandbox_work
ctr() { sandbox_ctr "$@"; }
sandbox_import_busybox sh echo sleep

# The Wasm image, built from the tests' sources as the tests build it.
mkdir -p "$work/wasm-rootfs"
wat2wasm "$src/hello.wat" -o "$work/wasm-rootfs/hello.wasm"
clang --target=wasm32-wasi -O2 -s -o "$work/wasm-rootfs/probe.wasm" "$src/probe.c"
gcc -O2 -o "$work/probe-native" "$src/probe.c"
# A module big enough that compiling it shows: 4000 distinct small functions, reached through a table.
big_c() {
  echo '#include <stdio.h>'
  for i in $(seq 4000); do
    echo "__attribute__((noinline)) unsigned f$i(unsigned x) { for (unsigned k = 0; k < (x & 7) + $i % 5; k++) {" \
      "x = x * $((i * 2654435761 % 4294967291))u + $i; if (x % $((i % 13 + 2)) == 0) x ^= x >> $((i % 17 + 1)); } return x; }"
  done
  echo 'static unsigned (*const table[])(unsigned) = {'
  for i in $(seq 4000); do printf 'f%d,' "$i"; done
  echo '};'
  echo 'int main(int argc, char **argv) { unsigned x = (unsigned) argc;'
  echo '  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++) x = table[i](x);'
  echo '  printf("big: checksum %u\n", x); return 0; }'
}
echo "compiling the big module (clang, ~15 s)..." >&2
big_c > "$work/big.c"
clang --target=wasm32-wasi -O2 -s -o "$work/wasm-rootfs/big.wasm" "$work/big.c"
big_kib=$(( $(stat -c %s "$work/wasm-rootfs/big.wasm") / 1024 ))
wasm_image=docker.io/wasmj/bench:wasm
oci_image_tar "$work/wasm-rootfs" "$wasm_image" wasi/wasm '{"Entrypoint":["/hello.wasm"]}' "$work/wasm.tar"
ctr images import --platform wasi/wasm "$work/wasm.tar" >/dev/null

. "$here/scripts/lib/measure.sh"
timed() { # expected-output command... -> microseconds
  local want=$1 t0; shift
  sandbox_settle
  t0=$(now_ns)
  "$@" > "$work/out" 2>&1 < /dev/null \
    || { echo "failed: $*" >&2; cat "$work/out" >&2; tail -20 "$work/containerd.log" >&2; exit 1; }
  grep -q -- "$want" "$work/out" || { echo "no '$want' from: $*" >&2; cat "$work/out" >&2; exit 1; }
  echo $(( ($(now_ns) - t0) / 1000 ))
}
n=0
wasm_run() { n=$((n + 1)); ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 "$wasm_image" "w$n" "$@"; }
runc_run() { n=$((n + 1)); ctr run --rm --runtime io.containerd.runc.v2 "$sandbox_busybox" "r$n" "$@"; }
clear_compile_cache() { rm -rf "$WASMJ_CDS_DIR/wasmtime-cache"; }

echo "warming up (the first runs train the CDS archives and extract wasmtime's library)..." >&2
timed hello wasm_run >/dev/null; timed hello wasm_run >/dev/null; timed hello runc_run echo hello >/dev/null

echo "1/4 start latency, $runs runs each, interleaved..." >&2
: > "$work/wasm"; : > "$work/runc"
for _ in $(seq "$runs"); do
  timed "hello from a WAT module" wasm_run >> "$work/wasm"
  timed hello runc_run echo hello >> "$work/runc"
done

echo "2/4 first vs second start of big.wasm..." >&2
: > "$work/first"; : > "$work/second"
for _ in $(seq "$runs"); do
  clear_compile_cache
  timed "big: checksum" wasm_run /big.wasm >> "$work/first"
  timed "big: checksum" wasm_run /big.wasm >> "$work/second"
done

echo "3/4 CPU-bound: primes below 3,000,000, 5 runs each..." >&2
: > "$work/cpu"; : > "$work/cpu-run"; : > "$work/native"; : > "$work/native-run"
took() { sed -n 's/.* in \([0-9]*\) us$/\1/p' "$work/out"; } # the program's own timing of the computation
for _ in $(seq 5); do
  timed "216816 primes" wasm_run /probe.wasm primes 3000000 >> "$work/cpu-run"; took >> "$work/cpu"
  timed "216816 primes" "$work/probe-native" primes 3000000 >> "$work/native-run"; took >> "$work/native"
done

echo "4/4 memory while one module runs..." >&2
ctr run -d --platform wasi/wasm --runtime io.containerd.wasmtime.v1 "$wasm_image" mem /probe.wasm sleep >/dev/null
sleep 1
shim_pid=$(sandbox_shim_pid mem)
shim_kib=$(awk '/VmHWM/ {print $2}' "/proc/$shim_pid/status")
if [ -r /sys/fs/cgroup/memory/bench/mem/memory.max_usage_in_bytes ]; then
  cg_kib=$(( $(cat /sys/fs/cgroup/memory/bench/mem/memory.max_usage_in_bytes) / 1024 ))
else cg_kib=$(( $(cat /sys/fs/cgroup/bench/mem/memory.peak 2>/dev/null || echo 0) / 1024 )); fi
sleep 2  # the standby started by mem's start has booted by now
standby_fifo=$(ls "$work"/s/standby-*/*.fifo 2>/dev/null | head -1 || true)   # named after the waiting JVM's pid
standby_pid=$(basename "${standby_fifo:-none}" .fifo)
[ -d "/proc/$standby_pid" ] || standby_pid=
standby_kib=$( [ -n "$standby_pid" ] && awk '/VmRSS/ {print $2}' "/proc/$standby_pid/status" || echo 0)
init_pid=$(ctr task ls | awk '$1 == "mem" {print $2}')
init_kib=$(awk '/VmHWM/ {print $2}' "/proc/$init_pid/status")
ctr task kill -s SIGKILL mem >/dev/null; sleep 0.5; ctr task delete mem >/dev/null 2>&1 || true
ctr container delete mem >/dev/null 2>&1 || true

awk -v runs="$runs" -v w="$(median < "$work/wasm")" -v r="$(median < "$work/runc")" \
    -v f="$(median < "$work/first")" -v s="$(median < "$work/second")" \
    -v cpu="$(median < "$work/cpu")" -v cpurun="$(median < "$work/cpu-run")" \
    -v nat="$(median < "$work/native")" -v natrun="$(median < "$work/native-run")" \
    -v shim="$shim_kib" -v cg="$cg_kib" -v init="$init_kib" -v big="$big_kib" -v standby="$standby_kib" 'BEGIN {
  printf "1. ctr run --rm, median of %d, interleaved (same containerd):\n", runs
  printf "   runc shim, busybox echo                  %8.1f ms = 1\n", r / 1000
  printf "   our shim, Wasm hello (hello.wat)         %8.1f ms = %.1fx\n", w / 1000, w / r
  printf "2. ctr run --rm of big.wasm (%d KiB, 4000 functions), median of %d:\n", big, runs
  printf "   second start (compiled code from cache)  %8.1f ms = 1\n", s / 1000
  printf "   first start (empty compile cache)        %8.1f ms = %.2fx\n", f / 1000, f / s
  printf "3. primes below 3,000,000, median of 5:\n"
  printf "   gcc -O2, native, the computation         %8.1f ms = 1\n", nat / 1000
  printf "   wasmtime engine, the computation         %8.1f ms = %.2fx\n", cpu / 1000, cpu / nat
  printf "   gcc -O2, whole process                   %8.1f ms = 1\n", natrun / 1000
  printf "   engine, whole ctr run --rm               %8.1f ms = %.2fx\n", cpurun / 1000, cpurun / natrun
  printf "4. peak memory while one module runs:\n"
  printf "   our shim server VmHWM                    %8.1f MiB\n", shim / 1024
  printf "   init JVM + module VmHWM                  %8.1f MiB\n", init / 1024
  printf "   container cgroup peak                    %8.1f MiB\n", cg / 1024
  printf "   the idle standby server (one per containerd) %4.1f MiB RSS\n", standby / 1024
}'
