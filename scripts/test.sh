#!/usr/bin/env bash
# Builds cwlogd with its tests and runs the whole suite:
#   1. Catch2 unit tests of every module and the integration tests that drive the real server with
#      the aws CLI (v1 if installed, v2) , boto3 and the JS SDK        (build/test)
#   2. a short libFuzzer run of every fuzz target (clang, ASan + UBSan) (build/fuzz)
#   3. the container image: docker/test.sh (Docker, or podman + chroot)
# A sanitizer build of the suite: cmake -DCWLOGD_SANITIZE=address,undefined (see README).
# `scripts/test.sh --quick` runs stage 1 only. Extra arguments after --quick go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi

scripts/install-deps.sh test
jobs=$(nproc)

stage() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

stage "1/3 build and run every test"
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test -j"$jobs"
(cd build/test && ctest --output-on-failure --timeout 900 "$@")
[ "$quick" = 1 ] && exit 0

stage "2/3 fuzz every parser for ${CWLOGD_FUZZ_SECONDS:-30}s each"
tests/fuzz/run-fuzz.sh "${CWLOGD_FUZZ_SECONDS:-30}"

stage "3/3 container image"
docker/test.sh

stage "all stages passed"
