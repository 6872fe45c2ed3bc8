# Sourced: oci_image_tar, which writes an OCI image layout tar (what `docker buildx ... --output type=oci`
# produces, and `ctr images import` reads) from a directory that becomes the image's only layer.
#
#   oci_image_tar <rootfs dir> <ref> <os/arch> <config "config" object as JSON> <out.tar>
#   e.g. oci_image_tar rootfs docker.io/wasmj/wasi-demo:latest wasi/wasm '{"Entrypoint":["/wasi-demo.wasm"]}' demo.tar
#
# Entries are owned by root and dated 2024-01-01, so the same rootfs gives the same digests.

oci_image_tar() {
  local rootfs=$1 ref=$2 platform=$3 config=$4 out=$5
  local os=${platform%/*} arch=${platform#*/}
  local work; work=$(mktemp -d)
  mkdir -p "$work/blobs/sha256"
  tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=2024-01-01T00:00:00Z -cf "$work/layer.tar" .
  local ldig lsize cdig csize mdig msize
  read -r ldig lsize < <(_oci_blob "$work" "$work/layer.tar")
  printf '{"architecture":"%s","os":"%s","created":"2024-01-01T00:00:00Z","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$os" "$config" "$ldig" > "$work/config.json"
  read -r cdig csize < <(_oci_blob "$work" "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cdig" "$csize" "$ldig" "$lsize" > "$work/manifest.json"
  read -r mdig msize < <(_oci_blob "$work" "$work/manifest.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"%s"},"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$mdig" "$msize" "$arch" "$os" "$ref" > "$work/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"
  tar -C "$work" --owner=0 --group=0 --numeric-owner -cf "$out" oci-layout index.json blobs
  rm -rf "$work"
}

_oci_blob() { # dir file -> "digest size", the file copied into dir/blobs/sha256
  local d; d=$(sha256sum "$2" | cut -d' ' -f1)
  cp "$2" "$1/blobs/sha256/$d"
  echo "$d $(stat -c %s "$2")"
}
