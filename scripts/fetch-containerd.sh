#!/usr/bin/env bash
# Fetches containerd of another Debian suite (trixie: 1.7, sid: 2.1) as a package, unpacked into a cache
# directory and never installed over the system's containerd. A private apt configuration keeps the
# system's apt state untouched; the mirror is the one this machine's apt already uses.
# Usage: scripts/fetch-containerd.sh SUITE [CACHE]   prints the directory holding bin/containerd, bin/ctr, ...
# (CACHE defaults to /var/cache/containerd-shim-wasm-j/containerd). Idempotent: an unpacked suite is reused.
set -euo pipefail
suite=${1:?suite (trixie or sid)}
cache=${2:-/var/cache/containerd-shim-wasm-j/containerd}
dir=$cache/$suite
if [ -x "$dir/root/usr/bin/containerd" ]; then echo "$dir/root/usr"; exit 0; fi

# The machine's Debian mirror: the first URIs: of debian.sources, else the first deb line of sources.list.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "fetch-containerd: no Debian mirror found in /etc/apt" >&2; exit 1; }

apt_dir=$dir/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" "$dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$apt_dir/sources.list"
opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
      -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "Dir::State::status=/dev/null"
      -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
apt-get "${opts[@]}" -qq update >&2
(cd "$dir/debs" && apt-get "${opts[@]}" -qq download containerd >&2)
rm -rf "$dir/root.tmp"
mkdir -p "$dir/root.tmp"
for deb in "$dir"/debs/containerd_*.deb; do dpkg -x "$deb" "$dir/root.tmp"; done
rm -rf "$dir/root"
mv "$dir/root.tmp" "$dir/root"
"$dir/root/usr/bin/containerd" --version >&2
echo "$dir/root/usr"
