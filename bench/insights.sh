#!/usr/bin/env bash
# Logs Insights beside FilterLogEvents over the same stored events (issue 15):
#   bench/insights.sh [--events N] [--reps R]
# Builds cwlogd and loadgen (Release, build/bench) unless CWLOGD_BINARY / LOADGEN_BINARY are set,
# starts cwlogd on a fresh data dir, loads N nginx lines (10 streams, the last hour; every
# 100,000th carries RAREPANIC) and N JSON lines, then times each workload (median of R runs,
# StartQuery to the final GetQueryResults) and prints one table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${EVENTS:-1000000}
REPS=${REPS:-5}
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift ;;
    --reps) REPS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/build-tools.sh
. "$ROOT/bench/build-tools.sh"

WORK=$(mktemp -d /tmp/cwlogd-insights-bench.XXXXXX)
CW_PID=""
cleanup() {
  [ -n "$CW_PID" ] && kill "$CW_PID" 2>/dev/null && wait "$CW_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
get() { sed -n "s/^$1=//p" "$2" | tail -1; }

start_cwlogd 0

echo "machine: $(nproc) cores, load: $(uptime | sed 's/.*load average: //')" >&2
echo "== load $EVENTS nginx lines and $EVENTS JSON lines" >&2
"$LG" load --port "$CW_PORT" --group search --streams 10 --events "$EVENTS" --conns 2 >"$WORK/load"
"$LG" load --port "$CW_PORT" --group json --streams 10 --events "$EVENTS" --conns 2 --json 1 >"$WORK/loadjson"

run() {  # run NAME GROUP QUERY
  echo "== $1" >&2
  "$LG" insights --port "$CW_PORT" --group "$2" --query "$3" --reps "$REPS" >"$WORK/$1"
}
"$LG" filter --port "$CW_PORT" --group search --pattern RAREPANIC --limit 10000 --pages 0 --reps "$REPS" >"$WORK/filter_rare"
run rare search 'fields @timestamp, @message | filter @message like /RAREPANIC/'
run bin search 'stats count(*) by bin(5m)'
run parse search "parse @message 'HTTP/1.1\" * * ' as status, size | stats sum(size) by status"
run json json 'filter status >= 500 | stats count(*), avg(latency_ms) by path'

printf '\n| workload (%s events) | median ms | min ms | rows | records scanned |\n|---|---|---|---|---|\n' "$EVENTS"
printf '| FilterLogEvents `RAREPANIC` (all pages) | %s | %s | %s events | |\n' \
  "$(get median_ms "$WORK/filter_rare")" "$(get min_ms "$WORK/filter_rare")" "$(get matched "$WORK/filter_rare")"
for w in rare bin parse json; do
  printf '| Insights %s | %s | %s | %s | %s |\n' "$w" "$(get median_ms "$WORK/$w")" \
    "$(get min_ms "$WORK/$w")" "$(get rows "$WORK/$w")" "$(get records_scanned "$WORK/$w")"
done
