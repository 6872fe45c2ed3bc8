#!/usr/bin/env bash
# Runs every test: unit tests of each module, then the integration tests (real kernel, real cgroups,
# real namespaces; they need root). Usage: sudo scripts/test.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "scripts/test.sh: run as root (the tests create namespaces and cgroups)" >&2; exit 1; }
scripts/install-deps.sh
exec mvn -B -ntp verify "$@"
