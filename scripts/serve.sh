#!/usr/bin/env bash
# Builds cwlogd (Release) and starts it with its data in ./data. Extra arguments go to cwlogd,
# e.g. scripts/serve.sh --port 4588 --enable-test-endpoints
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release --target cwlogd
exec build/release/cwlogd --data-dir ./data "$@"
