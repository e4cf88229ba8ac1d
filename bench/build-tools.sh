# Sourced by the bench scripts (run.sh, describe_streams.sh): sets CWLOGD and LG to the cwlogd and
# loadgen binaries, building both (Release, $ROOT/build/bench) unless CWLOGD_BINARY and
# LOADGEN_BINARY name them. Needs ROOT (the repository root).
BUILD=$ROOT/build/bench
if [ -z "${CWLOGD_BINARY:-}" ] || [ -z "${LOADGEN_BINARY:-}" ]; then
  echo "building cwlogd and loadgen (Release, $BUILD; log: $BUILD/bench-build.log)" >&2
  mkdir -p "$BUILD"
  if ! { cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
           -DCWLOGD_BENCH=ON && cmake --build "$BUILD" --target cwlogd loadgen -j2; } \
         >"$BUILD/bench-build.log" 2>&1; then
    tail -30 "$BUILD/bench-build.log" >&2; exit 1
  fi
fi
CWLOGD=${CWLOGD_BINARY:-$BUILD/cwlogd}
LG=${LOADGEN_BINARY:-$BUILD/bench/loadgen}
