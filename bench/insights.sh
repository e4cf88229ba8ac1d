#!/usr/bin/env bash
# Logs Insights beside FilterLogEvents over the same stored events (issue 15):
#   bench/insights.sh [--events N] [--reps R] [--moto-events M]
# Builds cwlogd and loadgen (Release, build/bench) unless CWLOGD_BINARY / LOADGEN_BINARY are set,
# starts cwlogd on a fresh data dir, loads N nginx lines (10 streams, the last hour; every
# 100,000th carries RAREPANIC) and N JSON lines, then times each workload (median of R runs,
# StartQuery to the final GetQueryResults) and prints one table.
# Then, when moto_server is installed and M > 0 (default 100,000), moto side by side: the same M
# nginx lines loaded into both servers, each nginx workload run once against each, with the
# rows and the first row's fields each answered (moto's StartQuery runs few commands; where it
# ignores one, its answer shows it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${EVENTS:-1000000}
REPS=${REPS:-5}
MOTO_EVENTS=${MOTO_EVENTS:-100000}
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --moto-events) MOTO_EVENTS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/build-tools.sh
. "$ROOT/bench/build-tools.sh"

WORK=$(mktemp -d /tmp/cwlogd-insights-bench.XXXXXX)
CW_PID=""; MOTO_PID=""
cleanup() {
  [ -n "$CW_PID" ] && kill "$CW_PID" 2>/dev/null && wait "$CW_PID" 2>/dev/null
  [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
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

if [ "$MOTO_EVENTS" -gt 0 ] && command -v moto_server >/dev/null; then
  start_moto
  echo "== moto side by side: $MOTO_EVENTS nginx lines in each server" >&2
  "$LG" load --port "$CW_PORT" --group side --streams 10 --events "$MOTO_EVENTS" --conns 2 >/dev/null
  "$LG" load --port "$MOTO_PORT" --group side --streams 10 --events "$MOTO_EVENTS" --conns 2 >/dev/null
  printf '\n| workload (%s events, 1 run) | cwlogd ms | cwlogd rows: fields of the first | moto ms | moto rows: fields of the first |\n|---|---|---|---|---|\n' \
    "$MOTO_EVENTS"
  side() {  # side NAME QUERY
    "$LG" insights --port "$CW_PORT" --group side --query "$2" --reps 1 >"$WORK/side_cw" 2>&1 || true
    "$LG" insights --port "$MOTO_PORT" --group side --query "$2" --reps 1 >"$WORK/side_moto" 2>&1 ||
      true
    printf '| %s | %s | %s: %s | %s | %s: %s |\n' "$1" \
      "$(get median_ms "$WORK/side_cw")" "$(get rows "$WORK/side_cw")" \
      "$(get first_row_fields "$WORK/side_cw")" "$(get median_ms "$WORK/side_moto")" \
      "$(get rows "$WORK/side_moto")" "$(get first_row_fields "$WORK/side_moto")"
  }
  side rare 'fields @timestamp, @message | filter @message like /RAREPANIC/'
  side bin 'stats count(*) by bin(5m)'
  side parse "parse @message 'HTTP/1.1\" * * ' as status, size | stats sum(size) by status"
  stop_moto
fi
