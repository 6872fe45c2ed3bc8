#!/usr/bin/env bash
# Density benchmark (issue 13): N long-running containers started with `ctr run -d` one after the other,
# through runc's shim (busybox sleep, the baseline) and through ours (a WASI module that sleeps), one
# containerd of the script's own (temp dirs, never the system's). For each runtime it prints:
#   - the wall time of the N starts, back to back;
#   - the CPU time (user + sys of every process on the machine, from /proc/stat) from the first start until
#     the machine is quiet again (a standby's boot included), per container;
#   - the PSS of every process the N containers added and of every shim process of the containerd (servers,
#     inits, standbys; /proc/<pid>/smaps_rollup, so pages shared between JVMs count once), per container, and
#     what it is made of for ours;
# and then a `ctr run --rm` of a Wasm hello against a busybox echo through runc's shim, interleaved.
# Usage: sudo benchmarks/density.sh [containers] [rounds]   (needs: mvn -DskipTests package; scripts/install-deps.sh)
#        WASMJ_DIST=<a dist dir> benchmarks/density.sh   measures another build of the shim
set -euo pipefail
count=${1:-10}
rounds=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
dist=${WASMJ_DIST:-$here/engine-wasmtime/target/dist}
src="$here/integration-tests/src/test/wasm"
[ -x "$dist/bin/containerd-shim-wasmtime-v1" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
for tool in containerd clang wat2wasm; do
  command -v $tool >/dev/null || { echo "$tool missing: scripts/install-deps.sh" >&2; exit 1; }
done

sandbox_shim_bin="$dist/bin"
sandbox_ns=density
. "$here/scripts/lib/containerd-sandbox.sh"
sandbox_start_with_own_caches
work=$sandbox_work
ctr() { sandbox_ctr "$@"; }
sandbox_import_busybox sh echo sleep
mkdir -p "$work/wasm-rootfs"
wat2wasm "$src/hello.wat" -o "$work/wasm-rootfs/hello.wasm"
clang --target=wasm32-wasi -O2 -s -o "$work/wasm-rootfs/probe.wasm" "$src/probe.c"
wasm_image=docker.io/wasmj/density:wasm
oci_image_tar "$work/wasm-rootfs" "$wasm_image" wasi/wasm '{"Entrypoint":["/probe.wasm"]}' "$work/wasm.tar"
ctr images import --platform wasi/wasm "$work/wasm.tar" >/dev/null
. "$here/scripts/lib/measure.sh"

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }   # user nice system irq softirq
tick_ms=$(( 1000 / $(getconf CLK_TCK) ))
# Waits until the machine is quiet: less than 2 % of one CPU busy over half a second (at most 20 s).
quiet() {
  local a b
  for _ in $(seq 40); do
    a=$(busy_ticks); sleep 0.5; b=$(busy_ticks)
    [ $(( (b - a) * tick_ms )) -lt 10 ] && return 0
  done
}
pids() { ls /proc | grep -E "^[0-9]+$" | sort; }
kind() { # what a process is, for the breakdown
  local cmd; cmd=$(tr '\0' ' ' < "/proc/$1/cmdline")
  case $cmd in
    *InitMain*--ready*) echo "init JVM (pre-started; claimed by a container or waiting)" ;; *InitMain*) echo "init JVM" ;; *" standby "*) echo "shim server (a standby, waiting or claimed)" ;;
    java*) echo "shim server" ;; *) echo "${cmd%% *}" ;;
  esac
}
shims() { # shims <runc|wasm>: that runtime's shim processes of this containerd (their command lines name its socket)
  local f cmd p
  for f in /proc/[0-9]*/cmdline; do
    cmd=$(tr '\0' ' ' 2>/dev/null < "$f")
    case $cmd in *"-address $sandbox_sock "*) ;; *) continue ;; esac
    case $1/$cmd in runc/*containerd-shim-runc-v2*|wasm/java*|wasm/*wasmtime*) ;; *) continue ;; esac
    p=${f#/proc/}; p=${p%/cmdline}; echo "$p"
    # Our servers' children that wait for a container (pre-started inits) count as theirs, whenever they started.
    [ "$1" = wasm ] && cat /proc/"$p"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' \
      | while read -r c; do grep -q -- --ready "/proc/$c/cmdline" 2>/dev/null && echo "$c"; done
  done
  return 0
}
pss_kib() { awk '/^Pss:/ {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
cleanup_tasks() {
  for t in $(ctr task ls -q 2>/dev/null); do ctr task kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
  sleep 0.5
  for t in $(ctr task ls -q 2>/dev/null); do ctr task delete "$t" >/dev/null 2>&1 || true; done
  for c in $(ctr container ls -q 2>/dev/null); do ctr container delete "$c" >/dev/null 2>&1 || true; done
}

# round <name> <runc|wasm> <run command...>: starts $count containers named <name>1.. and records
# "<ms> <cpu ms> <pss kib> <processes>" in $work/<name>, the added processes' names and PSS in $work/<name>.procs.
round() {
  local name=$1 runtime=$2 t0 t1 c0 c1 before added p total=0 n=0; shift 2
  quiet
  pids > "$work/before"
  c0=$(busy_ticks); t0=$(now_ns)
  for i in $(seq "$count"); do "$@" "$name$i" > /dev/null; done
  t1=$(now_ns)
  quiet
  c1=$(busy_ticks)
  : > "$work/$name.procs"
  # What the containers added, and every shim process of this containerd (a server that was already running
  # when the round began serves these containers too, and a standby waits for the next ones).
  for p in $( { pids | comm -13 "$work/before" -; shims "$runtime"; } | sort -u); do
    case $runtime/$(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline") in runc/java*) continue ;; esac   # our resident server
    [ -r "/proc/$p/smaps_rollup" ] || continue
    [ "$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)" = 2 ] && continue   # kernel threads
    k=$(pss_kib "$p"); [ "$k" -gt 0 ] || continue
    total=$((total + k)); n=$((n + 1))
    printf '%s %s %s\n' "$k" "$p" "$(kind "$p")" >> "$work/$name.procs"
  done
  echo "$(( (t1 - t0) / 1000000 )) $(( (c1 - c0) * tick_ms )) $total $n" >> "$work/$name"
}
runc_start() { ctr run -d --runtime io.containerd.runc.v2 "$sandbox_busybox" "$1" sleep 3600; }
wasm_start() { ctr run -d --platform wasi/wasm --runtime io.containerd.wasmtime.v1 "$wasm_image" "$1" /probe.wasm sleep; }

echo "warming up (the first start trains the CDS archives and extracts wasmtime's library)..." >&2
wasm_start warm1 >/dev/null; sleep 3; wasm_start warm2 >/dev/null; runc_start warm3 >/dev/null
quiet; cleanup_tasks
# The first server of a build trains the class-data archive and writes it when it exits; a node that has run
# containers before has it. The warm-up's containers are gone: end that server and wait for its archive, so
# that the measured rounds run on a settled node.
pkill -TERM -f -- "-XX:ArchiveClassesAtExit=$WASMJ_CDS_DIR/" || true
for _ in $(seq 200); do ls "$WASMJ_CDS_DIR"/shim-*.jsa >/dev/null 2>&1 && break; sleep 0.1; done
ls "$WASMJ_CDS_DIR"/shim-*.jsa >/dev/null 2>&1 || echo "warning: no shim archive after the warm-up: the rounds run a training server" >&2

echo "$rounds rounds of $count containers each way..." >&2
: > "$work/r"; : > "$work/w"
for r in $(seq "$rounds"); do
  round r runc runc_start; cleanup_tasks
  round w wasm wasm_start
  [ "$r" = "$rounds" ] || cleanup_tasks
done
echo "PSS of what the last round of Wasm containers added (KiB, pid, command):" >&2
awk '{k = substr($0, index($0, $3)); s[k] += $1; c[k]++} END {for (k in s) printf "  %8d KiB in %2d x %s\n", s[k], c[k], k}' "$work/w.procs" | sort -rn >&2
# The biggest init JVM's memory by mapping kind.
init=$(awk '/init JVM/ {print $2}' "$work/w.procs" | head -1)
if [ -n "$init" ] && [ -r "/proc/$init/smaps" ]; then
  echo "an init JVM's PSS by mapping (KiB):" >&2
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anon]" : $6); if (name ~ /\.jsa$/) name = "CDS archive"; else if (name ~ /\.so/) name = "shared libraries"}
       /^Pss:/ {pss[name] += $2} END {for (n in pss) printf "  %6d %s\n", pss[n], n}' "/proc/$init/smaps" | sort -rn | head -8 >&2
fi
cleanup_tasks

echo "ctr run --rm: Wasm hello vs busybox echo, $rounds each, interleaved..." >&2
: > "$work/hello"; : > "$work/echo"
for i in $(seq "$rounds"); do
  quiet; t0=$(now_ns); ctr run --rm --runtime io.containerd.runc.v2 "$sandbox_busybox" "e$i" echo hello > /dev/null
  echo $(( ($(now_ns) - t0) / 1000 )) >> "$work/echo"
  quiet; t0=$(now_ns); ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 "$wasm_image" "h$i" /hello.wasm > "$work/out"
  echo $(( ($(now_ns) - t0) / 1000 )) >> "$work/hello"
  grep -q "hello from a WAT module" "$work/out" || { echo "no hello:"; cat "$work/out"; exit 1; } >&2
done

col() { awk -v c="$1" '{print $c}' "$2" | median; }
awk -v n="$count" -v rounds="$rounds" \
    -v rt="$(col 1 "$work/r")" -v rc="$(col 2 "$work/r")" -v rp="$(col 3 "$work/r")" -v rn="$(col 4 "$work/r")" \
    -v wt="$(col 1 "$work/w")" -v wc="$(col 2 "$work/w")" -v wp="$(col 3 "$work/w")" -v wn="$(col 4 "$work/w")" \
    -v he="$(median < "$work/hello")" -v ec="$(median < "$work/echo")" 'BEGIN {
  printf "%d containers started with ctr run -d, back to back; medians of %d rounds, same containerd:\n", n, rounds
  printf "                               runc busybox sleep   our Wasm sleep   ratio\n"
  printf "  time of the %2d starts        %12.0f ms %12.0f ms   %5.2fx\n", n, rt, wt, wt / rt
  printf "  CPU time per start           %12.0f ms %12.0f ms   %5.2fx\n", rc / n, wc / n, wc / rc
  printf "  PSS added per container      %12.1f MiB %10.1f MiB  %5.2fx\n", rp / n / 1024, wp / n / 1024, wp / rp
  printf "  processes added              %12d    %12d\n", rn, wn
  printf "ctr run --rm, median of %d, interleaved:\n", rounds
  printf "  busybox echo (runc) %8.1f ms, Wasm hello (ours) %8.1f ms = %.2fx\n", ec / 1000, he / 1000, he / ec
}'
