#!/usr/bin/env bash
# Builds cwlogd with its tests and runs every test: Catch2 unit tests and the integration tests
# that drive the real server with the aws CLI (v1 if installed, v2) and boto3.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test
cd build/test
ctest --output-on-failure --timeout 900 "$@"
