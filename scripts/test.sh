#!/usr/bin/env bash
# Builds cwlogd with its tests and runs the whole suite:
#   0. lint (scripts/lint.sh): clang-format --dry-run over every tracked C++ file (checked only with
#      clang-format 14, the version the tree is formatted with) and clang-tidy (.clang-tidy) over
#      every translation unit, fuzz targets and benchmarks included; first, so style and
#      clang-tidy findings fail before any build              (build/lint, configured, not built)
#   1. Catch2 unit tests of every module and the integration tests that drive the real server with
#      the aws CLI (v1 if installed, v2) , boto3 and the JS SDK        (build/test)
#   2. the same suite built with AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer
#      (gcc, -O1), every ctest test but the 60 s soak (label `soak`: ASan's quarantine makes its
#      flat-RSS check meaningless and it is the slowest test); the integration tests run the
#      sanitized cwlogd of the same build tree                           (build/asan)
#   3. the tests labelled `concurrency` (Catch2 tests with threads in filters, storage and the
#      in-process server; integration modules with concurrent clients) built with
#      ThreadSanitizer                                                    (build/tsan)
#   4. a short libFuzzer run of every fuzz target (clang, ASan + UBSan) (build/fuzz)
#   5. the container image: docker/test.sh (Docker, or podman + chroot)
# In stages 2 and 3 any sanitizer report fails the stage: the runtimes halt on the first error
# and exit non-zero, and the integration harness fails a test whose server printed a report on
# stderr (tests/integration/cwlogd_harness.py). Suppressions of third-party findings, each with
# its reason: tests/sanitizers/. Test time measured on the shared 2-core machine (load 7-13):
# stage 2's 16 integration modules 7.2 min, stage 3's `ctest -L concurrency` 2.2 min; the
# sanitizer builds cost about 15 (ASan, everything) and 7 (TSan, 4 targets) CPU-minutes.
# `scripts/test.sh --quick` runs stage 1 only (no lint: it is the edit-build-test loop; run
# scripts/lint.sh alone for the lint); `scripts/test.sh --sanitizers` runs stages 2 and 3 only.
# Extra arguments after either go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=all
case "${1:-}" in
  --quick) mode=quick; shift ;;
  --sanitizers) mode=sanitizers; shift ;;
esac

scripts/install-deps.sh test
jobs=$(nproc)
supp="$PWD/tests/sanitizers"

stage() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

if [ "$mode" = all ]; then
  stage "0/5 lint: clang-format and clang-tidy"
  LINT_JOBS="$jobs" scripts/lint.sh build/lint
fi

if [ "$mode" != sanitizers ]; then
  stage "1/5 build and run every test"
  cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/test -j"$jobs"
  (cd build/test && ctest --output-on-failure --timeout 900 "$@")
  [ "$mode" = quick ] && exit 0
fi

# -O1 with line tables only: compiles faster than -O2 -g and still gives file:line in reports.
san_flags="-O1 -g1 -DNDEBUG"

stage "2/5 every test but the soak under ASan + LSan + UBSan"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$san_flags" -DCWLOGD_SANITIZE=address,undefined >/dev/null
cmake --build build/asan -j"$jobs"
(cd build/asan &&
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0" \
  ctest --output-on-failure --timeout 1800 -LE soak "$@")

stage "3/5 the concurrency tests under TSan"
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$san_flags" -DCWLOGD_SANITIZE=thread >/dev/null
# Only what the label needs: the server and the test executables with [concurrency] tests.
cmake --build build/tsan -j"$jobs" --target cwlogd filters_tests storage_tests server_tests api_tests insights_tests
# detect_deadlocks=0: TSan's lock-order checker aborts when a thread holds more than 64 mutexes,
# and RocksLogStore::Reset (every integration test's setUp) takes all 64 group-lock stripes.
(cd build/tsan &&
  TSAN_OPTIONS="halt_on_error=1:detect_deadlocks=0:suppressions=$supp/tsan.supp" \
  ctest --output-on-failure --timeout 1800 -L concurrency "$@")
[ "$mode" = sanitizers ] && exit 0

stage "4/5 fuzz every parser for ${CWLOGD_FUZZ_SECONDS:-30}s each"
tests/fuzz/run-fuzz.sh "${CWLOGD_FUZZ_SECONDS:-30}"

stage "5/5 container image"
docker/test.sh

stage "all stages passed"
