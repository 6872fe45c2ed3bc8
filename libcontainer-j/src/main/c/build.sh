#!/usr/bin/env bash
# Builds libcontainerj.so, the project's own JNI binding (see docs/design/native-binding.md).
# Usage: build.sh OUTPUT_DIR
set -euo pipefail
out=${1:?output directory}
here=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
mkdir -p "$out"
# Rebuild only when a source changed: the library is on the path of every test run.
if [ "$out/libcontainerj.so" -nt "$here/containerj.c" ] && [ "$out/libcontainerj.so" -nt "$here/build.sh" ]; then
  exit 0
fi
gcc -O2 -g -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
    -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$out/libcontainerj.so.tmp" "$here/containerj.c"
mv "$out/libcontainerj.so.tmp" "$out/libcontainerj.so"
