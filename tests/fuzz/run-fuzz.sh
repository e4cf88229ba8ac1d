#!/usr/bin/env bash
# Builds every libFuzzer target with clang in build/fuzz and runs each for N seconds (default
# 30) on its seed corpus (tests/fuzz/corpus/<name>/). Fails on any crash, leak or timeout.
# Usage: tests/fuzz/run-fuzz.sh [seconds] [fuzzer-name...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-30}"
shift || true
build="$root/build/fuzz"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCWLOGD_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null

if [ "$#" -gt 0 ]; then
  names=("$@")
  targets=()
  for n in "${names[@]}"; do targets+=("${n}_fuzzer"); done
  cmake --build "$build" --target "${targets[@]}" -j2
else
  cmake --build "$build" --target fuzzers -j2
  names=()
  for src in "$here"/*_fuzzer.cpp; do
    n="$(basename "$src" _fuzzer.cpp)"
    [ -x "$build/tests/fuzz/${n}_fuzzer" ] && names+=("$n")
  done
fi

status=0
for n in "${names[@]}"; do
  bin="$build/tests/fuzz/${n}_fuzzer"
  seeds="$here/corpus/$n"
  work="$build/corpus/$n"       # new inputs go here, not into the committed seeds
  artifacts="$build/artifacts/$n/"
  mkdir -p "$work" "$artifacts" "$seeds"
  echo "== $n: ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "$seeds" \
      >"$build/$n.log" 2>&1; then
    echo "!! $n FAILED; see $build/$n.log and $artifacts"
    tail -n 40 "$build/$n.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$n.log" | tail -n 2
  fi
done
exit "$status"
