# Sourced by the bench scripts (run.sh, describe_streams.sh, insights.sh): sets CWLOGD and LG to
# the cwlogd and loadgen binaries, building both (Release, $ROOT/build/bench) unless CWLOGD_BINARY
# and LOADGEN_BINARY name them, and defines start_cwlogd and start_moto / stop_moto. Needs ROOT
# (the repository root).
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

now_ns() { date +%s%N; }

# Starts cwlogd on PORT (0 = any) with its data in $WORK/data (the caller makes WORK and removes
# it, and kills CW_PID, on exit); sets CW_PID, CW_PORT; START_NS is the fork time.
start_cwlogd() {
  local port=$1
  START_NS=$(now_ns)
  "$CWLOGD" --port "$port" --data-dir "$WORK/data" --log-level warn >"$WORK/cw.out" 2>"$WORK/cw.err" &
  CW_PID=$!
  for _ in $(seq 1 3000); do
    if grep -q "listening on" "$WORK/cw.out" 2>/dev/null; then break; fi
    sleep 0.01
  done
  CW_PORT=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\) .*/\1/p' "$WORK/cw.out" | head -1)
  [ -n "$CW_PORT" ] || { echo "cwlogd did not start:"; cat "$WORK/cw.err"; exit 1; }
}

# Starts moto_server on a free loopback port (its log in $WORK/moto.log); sets MOTO_PID,
# MOTO_PORT; START_NS is the fork time.
start_moto() {
  MOTO_PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  START_NS=$(now_ns)
  moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 3000); do
    curl -s -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/" && break
    sleep 0.01
  done
}
stop_moto() { kill "$MOTO_PID"; wait "$MOTO_PID" 2>/dev/null || true; MOTO_PID=""; }
