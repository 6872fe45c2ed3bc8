# Sourced by scripts/demo.sh and benchmarks/shim.sh: a containerd of the caller's own (root, state,
# sockets and log under a temp dir; never the system's /run/containerd), with our shim on its PATH, and
# a busybox image built from Debian's busybox-static. Call sandbox_start, then sandbox_import_busybox;
# sandbox_cleanup (set as an EXIT trap by sandbox_start) removes everything again.
# Needs: $sandbox_shim_bin (the dir holding containerd-shim-wasmtime-v1).

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

sandbox_ctr() { command ctr --address "$sandbox_sock" --namespace "$sandbox_ns" "$@"; }

# Builds an OCI image layout tar of busybox (applets: $*, default sh echo sleep cat) and imports it as
# docker.io/wasmj/busybox:local.
sandbox_import_busybox() {
  local img="$sandbox_work/img" applets=${*:-sh echo sleep cat}
  mkdir -p "$img/rootfs/bin" "$img/blobs/sha256"
  cp /bin/busybox "$img/rootfs/bin/"
  for a in $applets; do ln -s busybox "$img/rootfs/bin/$a"; done
  tar -C "$img/rootfs" --owner=0 --group=0 --numeric-owner -cf "$img/layer.tar" bin
  local ldig lsize cdig csize mdig msize
  read -r ldig lsize < <(_sandbox_blob "$img" "$img/layer.tar")
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(dpkg --print-architecture)" "$ldig" > "$img/config.json"
  read -r cdig csize < <(_sandbox_blob "$img" "$img/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cdig" "$csize" "$ldig" "$lsize" > "$img/manifest.json"
  read -r mdig msize < <(_sandbox_blob "$img" "$img/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"docker.io/wasmj/busybox:local"}}]}' \
    "$mdig" "$msize" > "$img/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$img/oci-layout"
  tar -C "$img" -cf "$sandbox_work/busybox.tar" oci-layout index.json blobs
  sandbox_ctr images import "$sandbox_work/busybox.tar" >/dev/null
  sandbox_busybox=docker.io/wasmj/busybox:local
}

_sandbox_blob() { # dir file -> "digest size"
  local d; d=$(sha256sum "$2" | cut -d' ' -f1)
  cp "$2" "$1/blobs/sha256/$d"
  echo "$d $(stat -c %s "$2")"
}

sandbox_cleanup() {
  set +e
  [ -n "${sandbox_work:-}" ] || return 0
  for t in $(sandbox_ctr task ls -q 2>/dev/null); do sandbox_ctr task kill -s SIGKILL "$t" >/dev/null 2>&1; done
  sleep 0.3
  for t in $(sandbox_ctr task ls -q 2>/dev/null); do sandbox_ctr task delete "$t" >/dev/null 2>&1; done
  for c in $(sandbox_ctr container ls -q 2>/dev/null); do sandbox_ctr container delete "$c" >/dev/null 2>&1; done
  [ -n "${sandbox_containerd_pid:-}" ] && kill "$sandbox_containerd_pid" 2>/dev/null && wait "$sandbox_containerd_pid" 2>/dev/null
  pkill -KILL -f -- "-address $sandbox_sock " 2>/dev/null
  grep -o " $sandbox_work[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rmdir "/sys/fs/cgroup/"*"/$sandbox_ns" "/sys/fs/cgroup/$sandbox_ns" 2>/dev/null
  rm -rf "$sandbox_work"
}
