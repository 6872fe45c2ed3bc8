#!/usr/bin/env bash
# Benchmark: a busybox `echo` through libcontainer-j and through runc, in the same run, on the same bundle.
# Prints per-runtime medians of `run` (create + start + wait + delete in one command), the same cycle
# through the API in a warm JVM (as the shim runs it), their ratios to runc, the
# init's time to READY, and the container cgroup's peak memory (init JVM + workload).
# Usage: sudo benchmarks/runtime.sh [runs]   (needs a build: mvn -DskipTests package)
set -euo pipefail
runs=${1:-20}
here=$(cd "$(dirname "$0")/.." && pwd)
cli="$here/libcontainer-j/target/dist/bin/libcontainer-j"
[ -x "$cli" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
command -v runc >/dev/null || { echo "runc missing: apt-get install runc" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "busybox-static missing" >&2; exit 1; }

work=$(mktemp -d /tmp/wasmj-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
cp /bin/busybox "$bundle/rootfs/bin/"
ln -s busybox "$bundle/rootfs/bin/sh"; ln -s busybox "$bundle/rootfs/bin/echo"
(cd "$bundle" && runc spec)
# runc spec makes a terminal container running sh: make it `echo hello`, without a terminal, in its own cgroup.
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["echo", "hello"]
c["linux"]["cgroupsPath"] = "/wasmj-bench/c"
json.dump(c, open(p, "w"), indent=1)
PY

. "$here/scripts/lib/measure.sh"

bench_run() { # name, command...
  local name=$1; shift
  local out="$work/$name.times"
  : > "$out"
  for i in $(seq 1 "$runs"); do
    local t0; t0=$(now_ns)
    "$@" "bench-$name-$i" > "$work/$name.out" 2>&1 || { echo "$name failed:"; cat "$work/$name.out"; exit 1; }
    echo $(( ($(now_ns) - t0) / 1000 )) >> "$out"
  done
  grep -q hello "$work/$name.out" || { echo "$name printed no hello"; cat "$work/$name.out"; exit 1; }
  median < "$out"
}

# Interleave warm-up of both, then measure each.
"$cli" --root "$work/state" run --bundle "$bundle" warm-j >/dev/null
runc --root "$work/runc" run --bundle "$bundle" warm-r >/dev/null
ours=$(bench_run libcontainer-j "$cli" --root "$work/state" run --bundle "$bundle")
theirs=$(bench_run runc runc --root "$work/runc" run --bundle "$bundle")

# The same cycle through the API in one warm JVM (how the shim uses the runtime).
mkdir -p "$work/bench-classes"
javac -d "$work/bench-classes" -cp "$here/libcontainer-j/target/dist/lib/*" "$here/benchmarks/src/ApiCycleBench.java"
api=$(java --enable-native-access=ALL-UNNAMED -cp "$here/libcontainer-j/target/dist/lib/*:$work/bench-classes" \
  ApiCycleBench "$bundle" "$work/api-state" "$runs" 2>/dev/null)

# The init's time to READY and the cgroup's peak memory (v1 memory controller, this machine's layout).
ready=()
peak=()
for i in $(seq 1 "$runs"); do
  "$cli" --root "$work/state" --log "$work/log" --debug create --bundle "$bundle" "rss-$i" >/dev/null
  "$cli" --root "$work/state" start "rss-$i"
  while "$cli" --root "$work/state" state "rss-$i" | grep -q '"running"'; do sleep 0.02; done
  for f in /sys/fs/cgroup/memory/wasmj-bench/c/memory.max_usage_in_bytes /sys/fs/cgroup/wasmj-bench/c/memory.peak; do
    [ -r "$f" ] && { peak+=("$(cat "$f")"); break; }
  done
  "$cli" --root "$work/state" delete "rss-$i"
done
ready_ms=$(grep -o 'ready in [0-9]* ms' "$work/log" | awk '{print $3}' | median)
peak_mib=$(printf '%s\n' "${peak[@]}" | median | awk '{printf "%.1f", $1/1048576}')
rmdir /sys/fs/cgroup/*/wasmj-bench 2>/dev/null || true

printf 'busybox echo, %d runs each, medians (%s, %d cpus)\n' "$runs" "$(uname -r)" "$(nproc)"
awk -v o="$ours" -v t="$theirs" -v a="$api" 'BEGIN {
  printf "  runc run (one command):                     %8.1f ms\n", t / 1000
  printf "  libcontainer-j run (one command, new JVM):  %8.1f ms   ratio to runc %.2f\n", o / 1000, o / t
  printf "  libcontainer-j API cycle (warm JVM, shim):  %8.1f ms   ratio to runc %.2f\n", a / 1000, a / t }'
printf '  init ready (spawn -> READY): %s ms\n' "$ready_ms"
printf '  container cgroup peak memory (init JVM + workload): %s MiB\n' "$peak_mib"
