#!/usr/bin/env bash
# DescribeLogStreams paging speed with many streams (issue 14 item 8): creates STREAMS streams
# (half with one event), then pages through all of them, 50 a page, ordered by LastEventTime
# (ascending and descending) and by LogStreamName. Prints one key=value block per ordering.
#   bench/describe_streams.sh [--streams N]      default 100000
# Builds like run.sh (build/bench, Release); CWLOGD_BINARY / LOADGEN_BINARY skip the build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STREAMS=${STREAMS:-100000}
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) STREAMS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/build-tools.sh
. "$ROOT/bench/build-tools.sh"

WORK=$(mktemp -d /tmp/cwlogd-describe.XXXXXX)
CW_PID=""
cleanup() {
  [ -n "$CW_PID" ] && kill "$CW_PID" 2>/dev/null && wait "$CW_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

start_cwlogd 0

echo "machine: $(nproc) cores, load: $(uptime | sed 's/.*load average: //')"
echo "== create $STREAMS streams"
"$LG" streams --port "$CW_PORT" --group many --streams "$STREAMS" --conns 4
for order in "LastEventTime 0" "LastEventTime 1" "LogStreamName 0"; do
  set -- $order
  echo "== DescribeLogStreams orderBy=$1 descending=$2"
  "$LG" describe --port "$CW_PORT" --group many --order-by "$1" --descending "$2"
done
