#!/usr/bin/env bash
# cwlogd vs moto benchmark (issue 6). One command:
#   bench/run.sh            full mode
#   bench/run.sh --quick    small counts, short durations (~2 minutes)
# Builds cwlogd and bench/loadgen in Release (build/bench), starts cwlogd (temp data dir, --port 0)
# and moto_server (free loopback port) side by side, runs the same workloads against both and
# prints one table. Counts and durations are flags (see below) or env vars of the same name.
# CWLOGD_BINARY / LOADGEN_BINARY skip the build and use the given executables.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

QUICK=0
INGEST_SECONDS=${INGEST_SECONDS:-20}; MOTO_INGEST_SECONDS=${MOTO_INGEST_SECONDS:-10}
EVENTS=${EVENTS:-1000000}; MOTO_EVENTS=${MOTO_EVENTS:-1000000}
READ_EVENTS=${READ_EVENTS:-1000000}; MOTO_READ_EVENTS=${MOTO_READ_EVENTS:-1000000}
FOOTPRINT_EVENTS=${FOOTPRINT_EVENTS:-10000000}
MIXED_SECONDS=${MIXED_SECONDS:-30}; MIXED_WRITERS=${MIXED_WRITERS:-30}
MIXED_BATCH=${MIXED_BATCH:-100}; MIXED_INTERVAL_MS=${MIXED_INTERVAL_MS:-100}
REPS=${REPS:-5}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --ingest-seconds) INGEST_SECONDS=$2; shift ;;
    --moto-ingest-seconds) MOTO_INGEST_SECONDS=$2; shift ;;
    --events) EVENTS=$2; shift ;;
    --moto-events) MOTO_EVENTS=$2; shift ;;
    --read-events) READ_EVENTS=$2; shift ;;
    --moto-read-events) MOTO_READ_EVENTS=$2; shift ;;
    --footprint-events) FOOTPRINT_EVENTS=$2; shift ;;
    --mixed-seconds) MIXED_SECONDS=$2; shift ;;
    --mixed-writers) MIXED_WRITERS=$2; shift ;;
    --reps) REPS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  INGEST_SECONDS=5; MOTO_INGEST_SECONDS=3; EVENTS=200000; MOTO_EVENTS=50000
  READ_EVENTS=200000; MOTO_READ_EVENTS=50000; FOOTPRINT_EVENTS=0; MIXED_SECONDS=8; REPS=3
fi

# shellcheck source=bench/build-tools.sh
. "$ROOT/bench/build-tools.sh"

WORK=$(mktemp -d /tmp/cwlogd-bench.XXXXXX)
CW_PID=""; MOTO_PID=""
cleanup() {
  [ -n "$CW_PID" ] && kill "$CW_PID" 2>/dev/null && wait "$CW_PID" 2>/dev/null
  [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
get() { sed -n "s/^$1=//p" "$2" | tail -1; }   # get KEY FILE

stop_cwlogd() { kill "$CW_PID"; wait "$CW_PID" 2>/dev/null || true; CW_PID=""; }


# run_all NAME PORT PID EVENTS READ_EVENTS INGEST_SECONDS -> results in $WORK/NAME.*
run_all() {
  local name=$1 port=$2 pid=$3 events=$4 read_events=$5 ingest_s=$6
  echo "== $name: ingest ${ingest_s}s, 8 connections" >&2
  "$LG" ingest --port "$port" --group ingest --conns 8 --duration "$ingest_s" >"$WORK/$name.ingest"
  if [ "$name" = cw ]; then  # moto stores metric filters but never evaluates them: cwlogd only
    echo "== $name: ingest ${ingest_s}s, 8 connections, 5 metric filters on the group" >&2
    "$LG" ingest --port "$port" --group ingestmf --conns 8 --duration "$ingest_s" --metric-filters 5 >"$WORK/$name.ingestmf"
  fi
  echo "== $name: load $events events in 10 streams (search set)" >&2
  "$LG" load --port "$port" --group search --streams 10 --events "$events" --conns 2 >"$WORK/$name.load"
  echo "== $name: load $read_events events in 1 stream (read set)" >&2
  "$LG" load --port "$port" --group read --streams 1 --events "$read_events" --conns 1 >"$WORK/$name.loadread"
  echo "== $name: filter rare / common" >&2
  "$LG" filter --port "$port" --group search --pattern RAREPANIC --limit 10000 --pages 0 --reps "$REPS" >"$WORK/$name.rare"
  "$LG" filter --port "$port" --group search --pattern GET --limit 10000 --pages 1 --reps "$REPS" >"$WORK/$name.common"
  echo "== $name: read" >&2
  "$LG" read --port "$port" --group read --stream s0 --limit 10000 >"$WORK/$name.read"
  echo "$(rss_kb "$pid")" >"$WORK/$name.rss"
  echo "== $name: mixed ${MIXED_SECONDS}s, $MIXED_WRITERS writers + 2 pollers" >&2
  "$LG" mixed --port "$port" --group mixed --writers "$MIXED_WRITERS" --pollers 2 \
    --duration "$MIXED_SECONDS" --batch "$MIXED_BATCH" --interval-ms "$MIXED_INTERVAL_MS" >"$WORK/$name.mixed"
}

echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB RAM, load: $(uptime | sed 's/.*load average: //')" >&2

# ---- cwlogd
start_cwlogd 0
run_all cw "$CW_PORT" "$CW_PID" "$EVENTS" "$READ_EVENTS" "$INGEST_SECONDS"
CW_STORED=$(( $(get events "$WORK/cw.ingest") + $(get events "$WORK/cw.ingestmf") + $(get loaded "$WORK/cw.load") + $(get loaded "$WORK/cw.loadread") + $(get written "$WORK/cw.mixed") ))
stop_cwlogd   # clean shutdown flushes memtables
CW_DISK=$(du -sb "$WORK/data" | awk '{print $1}')
start_cwlogd "$CW_PORT"
"$LG" probe --port "$CW_PORT" --group read --stream s0 >"$WORK/cw.probe"
CW_RESTART_MS=$(( ($(get answered_ns "$WORK/cw.probe") - START_NS) / 1000000 ))
CW_RSS_RESTART=$(rss_kb "$CW_PID")
stop_cwlogd

# footprint at FOOTPRINT_EVENTS (cwlogd only): fresh data dir
FP_LINE=""
if [ "$FOOTPRINT_EVENTS" -gt 0 ]; then
  rm -rf "$WORK/data"
  start_cwlogd 0
  echo "== cw: footprint load $FOOTPRINT_EVENTS events" >&2
  "$LG" load --port "$CW_PORT" --group fp --streams 10 --events "$FOOTPRINT_EVENTS" --conns 2 >"$WORK/cw.fp"
  FP_RSS=$(rss_kb "$CW_PID")
  stop_cwlogd
  FP_DISK=$(du -sb "$WORK/data" | awk '{print $1}')
  start_cwlogd "$CW_PORT"
  "$LG" probe --port "$CW_PORT" --group fp --stream s0 >"$WORK/cw.fpprobe"
  FP_RESTART_MS=$(( ($(get answered_ns "$WORK/cw.fpprobe") - START_NS) / 1000000 ))
  stop_cwlogd
  FP_LINE=$(awk -v n="$FOOTPRINT_EVENTS" -v r="$FP_RSS" -v d="$FP_DISK" -v t="$FP_RESTART_MS" -v l="$(get load_seconds "$WORK/cw.fp")" \
    'BEGIN { printf "cwlogd at %d events: RSS %.0f MiB, disk %.1f B/event, restart %d ms (load took %.1f s)\n", n, r/1024, d/n, t, l }')
fi

# ---- moto
start_moto
run_all moto "$MOTO_PORT" "$MOTO_PID" "$MOTO_EVENTS" "$MOTO_READ_EVENTS" "$MOTO_INGEST_SECONDS"
MOTO_STORED=$(( $(get events "$WORK/moto.ingest") + $(get loaded "$WORK/moto.load") + $(get loaded "$WORK/moto.loadread") + $(get written "$WORK/moto.mixed") ))
stop_moto
start_moto
MOTO_START_MS=$(( ($(now_ns) - START_NS) / 1000000 ))
stop_moto

# ---- table
r() { get "$1" "$WORK/$2"; }
{
  echo "| workload | cwlogd | moto | ratio |"
  echo "|---|---|---|---|"
  row() {  # label cw moto unit higher_is_better(1/0)
    awk -v l="$1" -v a="$2" -v b="$3" -v u="$4" -v h="$5" 'BEGIN {
      ratio = (a > 0 && b > 0) ? (h ? a / b : b / a) : 0;
      rs = (ratio > 0) ? sprintf("%.1fx", ratio) : "n/a"; printf "| %s | %s %s | %s %s | %s |\n", l, a, u, b, u, rs }'
  }
  row "ingest events/s (8 conns, 1000/batch)" "$(r events_per_s cw.ingest)" "$(r events_per_s moto.ingest)" "ev/s" 1
  echo "| ingest events/s with 5 metric filters (count, delimited \$size, 5xx by status, term, JSON) | $(r events_per_s cw.ingestmf) ev/s | not evaluated by moto | $(awk -v a="$(r events_per_s cw.ingestmf)" -v b="$(r events_per_s cw.ingest)" 'BEGIN{printf "%.0f%% of no filters", 100*a/b}') |"
  row "ingest MB/s of messages" "$(r mb_per_s cw.ingest)" "$(r mb_per_s moto.ingest)" "MB/s" 1
  row "ingest PutLogEvents p50 latency" "$(r put_p50_ms cw.ingest)" "$(r put_p50_ms moto.ingest)" "ms" 0
  row "load (2 conns) of search set: events/s" \
    "$(awk -v n="$(r loaded cw.load)" -v s="$(r load_seconds cw.load)" 'BEGIN{printf "%.0f", n/s}')" \
    "$(awk -v n="$(r loaded moto.load)" -v s="$(r load_seconds moto.load)" 'BEGIN{printf "%.0f", n/s}')" "ev/s" 1
  row "filter rare term, full scan (median of $REPS)" "$(r median_ms cw.rare)" "$(r median_ms moto.rare)" "ms" 0
  row "filter common term, first page of 10,000" "$(r median_ms cw.common)" "$(r median_ms moto.common)" "ms" 0
  row "GetLogEvents paging, 10,000/page, whole stream" "$(r read_ms cw.read)" "$(r read_ms moto.read)" "ms" 0
  row "RSS after the runs above" "$(( $(cat "$WORK/cw.rss") / 1024 ))" "$(( $(cat "$WORK/moto.rss") / 1024 ))" "MiB" 0
  echo "| bytes on disk per stored event ($CW_STORED events) | $(awk -v d="$CW_DISK" -v n="$CW_STORED" 'BEGIN{printf "%.1f", d/n}') B | in memory only | n/a |"
  echo "| restart: start to first answered GetLogEvents with data | $CW_RESTART_MS ms (RSS $(( CW_RSS_RESTART / 1024 )) MiB) | ${MOTO_START_MS} ms to first answer, data lost | n/a |"
  row "mixed: PutLogEvents p50" "$(r put_p50_ms cw.mixed)" "$(r put_p50_ms moto.mixed)" "ms" 0
  row "mixed: PutLogEvents p99" "$(r put_p99_ms cw.mixed)" "$(r put_p99_ms moto.mixed)" "ms" 0
  row "mixed: tail lag p50 (event time to seen by poller)" "$(r lag_p50_ms cw.mixed)" "$(r lag_p50_ms moto.mixed)" "ms" 0
  row "mixed: tail lag p99" "$(r lag_p99_ms cw.mixed)" "$(r lag_p99_ms moto.mixed)" "ms" 0
  echo
  echo "counts used: cwlogd ingest ${INGEST_SECONDS}s, search set $EVENTS events (rare matches: $(r matched cw.rare)), read stream $READ_EVENTS events ($(r read_events cw.read) read in $(r pages cw.read) pages);"
  echo "moto ingest ${MOTO_INGEST_SECONDS}s, search set $MOTO_EVENTS events (rare matches: $(r matched moto.rare)), read stream $MOTO_READ_EVENTS events ($(r read_events moto.read) read in $(r pages moto.read) pages);"
  echo "mixed: ${MIXED_SECONDS}s, $MIXED_WRITERS writers x $MIXED_BATCH events every ${MIXED_INTERVAL_MS} ms + 2 pollers; cwlogd wrote $(r written cw.mixed) / polled $(r seen cw.mixed), moto wrote $(r written moto.mixed) / polled $(r seen moto.mixed)."
  echo "moto stored $MOTO_STORED events at the RSS figure; cwlogd stored $CW_STORED."
  [ -n "$FP_LINE" ] && echo "$FP_LINE"
  echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB RAM, load average at end: $(uptime | sed 's/.*load average: //')"
} | tee "$ROOT/build/bench-last-table.md"
