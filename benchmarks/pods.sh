#!/usr/bin/env bash
# Benchmark: what a Kubernetes pod costs each way, through containerd's CRI (the kubelet's calls): the time of
# RunPodSandbox and the PSS of the pod's processes (its shim, and the pause container or our shim's namespace
# holder), for runc's handler (the baseline), ours with a pause container, and, on containerd 2.x, ours as the
# pod's sandboxer (sandboxer = "shim"). One containerd of the benchmark's own (temp dirs, never the system's).
# Then CreateContainer, StartContainer and ContainerStats of a sleeping container, and ten in one pod (PSS per container).
# Usage: sudo benchmarks/pods.sh [pods per handler] [suite]   suite: bookworm (1.6, default), trixie (1.7), sid (2.1)
# Needs a build (mvn -DskipTests install). WASMJ_BENCH_HOLD=<s> keeps each ten-container pod that long before it goes (to read smaps).
set -euo pipefail
rounds=${1:-10}
suite=${2:-bookworm}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -d integration-tests/target/test-classes ] || { echo "build first: mvn -DskipTests install" >&2; exit 1; }
dir=/usr
[ "$suite" = bookworm ] || dir=$(scripts/fetch-containerd.sh "$suite")
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -o dependency:build-classpath -pl integration-tests -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cd integration-tests   # the fixtures find the test programs' sources from the module's directory
java ${WASMJ_BENCH_LOG:+-Dwasmj.bench.log=$WASMJ_BENCH_LOG} ${WASMJ_BENCH_HOLD:+-Dwasmj.bench.hold=$WASMJ_BENCH_HOLD} -Dwasmj.containerd.dir="$dir" -Dwasmj.wasmtime.dist="$here/engine-wasmtime/target/dist" \
  -cp "target/test-classes:$(cat "$cp_file")" dev.wasmj.it.cri.PodBench "$rounds"
