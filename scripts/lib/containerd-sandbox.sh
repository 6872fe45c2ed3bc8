# Sourced by scripts/demo.sh and benchmarks/shim.sh: a containerd of the caller's own (root, state,
# sockets and log under a temp dir; never the system's /run/containerd), with our shim on its PATH, and
# a busybox image built from Debian's busybox-static. Call sandbox_start, then sandbox_import_busybox;
# sandbox_cleanup (set as an EXIT trap by sandbox_start) removes everything again.
# Needs: $sandbox_shim_bin (the dir holding containerd-shim-wasmtime-v1).

. "$(dirname "${BASH_SOURCE[0]}")/oci-image.sh"

sandbox_start() {
  sandbox_work=$(mktemp -d /tmp/wasmj-sandbox.XXXXXX)
  sandbox_sock="$sandbox_work/containerd.sock"
  sandbox_ns=${sandbox_ns:-wasmj}
  trap sandbox_cleanup EXIT
  cat > "$sandbox_work/config.toml" <<TOML
version = 2
root = "$sandbox_work/root"
state = "$sandbox_work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sandbox_sock"
[ttrpc]
  address = "$sandbox_sock.ttrpc"
[debug]
  level = "${sandbox_log_level:-info}"
TOML
  PATH="$sandbox_shim_bin:$PATH" containerd --config "$sandbox_work/config.toml" > "$sandbox_work/containerd.log" 2>&1 &
  sandbox_containerd_pid=$!
  for _ in $(seq 100); do sandbox_ctr version >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "containerd did not start; its log:" >&2; cat "$sandbox_work/containerd.log" >&2; return 1
}

# For benchmarks: sandbox_start with the shims' caches (CDS archives, wasmtime's library and compiled code) in a
# temp dir of their own ($WASMJ_CDS_DIR; containerd passes its env to the shims), removed again on exit, so
# nothing of the node's is touched or reused.
sandbox_start_with_own_caches() {
  export WASMJ_CDS_DIR; WASMJ_CDS_DIR=$(mktemp -d /tmp/wasmj-bench-cache.XXXXXX)
  sandbox_start
  trap 'sandbox_cleanup; rm -rf "$WASMJ_CDS_DIR"' EXIT
}

sandbox_ctr() { command ctr --address "$sandbox_sock" --namespace "$sandbox_ns" "$@"; }

# Builds an OCI image of busybox (applets: $*, default sh echo sleep cat) and imports it as
# docker.io/wasmj/busybox:local ($sandbox_busybox).
sandbox_import_busybox() {
  local rootfs="$sandbox_work/busybox-rootfs" applets=${*:-sh echo sleep cat}
  mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/"
  for a in $applets; do ln -s busybox "$rootfs/bin/$a"; done
  sandbox_busybox=docker.io/wasmj/busybox:local
  oci_image_tar "$rootfs" "$sandbox_busybox" "linux/$(dpkg --print-architecture)" '{"Env":["PATH=/bin"]}' "$sandbox_work/busybox.tar"
  sandbox_ctr images import "$sandbox_work/busybox.tar" >/dev/null
}

# Waits until no standby server of our shim is busy: the one our previous start launched holds its lock
# dir `starting` until it waits (up to 10 s), then still warms up at nice 19 for a moment (until its CPU
# time stops growing, up to 5 s). On 2 vCPUs either would slow whichever run comes next, runc's included;
# benchmarks call this before each timed run, so each starts on a quiet machine.
sandbox_settle() {
  local i f pid before after
  for i in $(seq 200); do
    compgen -G "$sandbox_work/s/standby-*/starting" > /dev/null || break
    sleep 0.05
  done
  for f in "$sandbox_work"/s/standby-*/*.fifo; do
    [ -p "$f" ] || continue
    pid=${f##*/}; pid=${pid%.fifo}
    for i in $(seq 50); do
      before=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || break
      sleep 0.1
      after=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || break
      [ "$before" = "$after" ] && break
    done
  done
}

# The pid of the shim server JVM serving container $1: the JVM holding the socket its bundle's address
# names (found by inode; the command line does not tell, e.g. a claimed standby's names another container).
sandbox_shim_pid() {
  local socket inode p
  socket=$(sed 's|^unix://||' "$sandbox_work/state/io.containerd.runtime.v2.task/$sandbox_ns/$1/address")
  inode=$(awk -v s="$socket" '$8 == s {print $7; exit}' /proc/net/unix)
  [ -n "$inode" ] || return 1
  for p in /proc/[0-9]*; do
    [ "$(basename "$(readlink "$p/exe" 2>/dev/null)")" = java ] || continue
    if ls -l "$p/fd" 2>/dev/null | grep -q "socket:\[$inode\]"; then echo "${p#/proc/}"; return 0; fi
  done
  return 1
}

sandbox_cleanup() {
  set +e
  [ -n "${sandbox_work:-}" ] || return 0
  for t in $(sandbox_ctr task ls -q 2>/dev/null); do sandbox_ctr task kill -s SIGKILL "$t" >/dev/null 2>&1; done
  sleep 0.3
  for t in $(sandbox_ctr task ls -q 2>/dev/null); do sandbox_ctr task delete "$t" >/dev/null 2>&1; done
  for c in $(sandbox_ctr container ls -q 2>/dev/null); do sandbox_ctr container delete "$c" >/dev/null 2>&1; done
  [ -n "${sandbox_containerd_pid:-}" ] && kill "$sandbox_containerd_pid" 2>/dev/null && wait "$sandbox_containerd_pid" 2>/dev/null
  # SIGTERM first: a shim server ends its pre-started inits and removes their cgroups on its way out.
  if pkill -TERM -f -- "-address $sandbox_sock " 2>/dev/null; then
    for _ in $(seq 30); do pgrep -f -- "-address $sandbox_sock " >/dev/null || break; sleep 0.1; done
  fi
  pkill -KILL -f -- "-address $sandbox_sock " 2>/dev/null
  grep -o " $sandbox_work[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  for d in "/sys/fs/cgroup/"*"/$sandbox_ns" "/sys/fs/cgroup/$sandbox_ns"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$sandbox_work"
}
