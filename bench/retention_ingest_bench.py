#!/usr/bin/env python3
"""Ingest throughput before, during and after a retention pass (docs/retention.md).

Starts a real cwlogd (temp data dir, background sweeps off), then for each run:
  1. fills group "expired" with --expired-mb of events 3 days old, sets retention 1 day on it;
  2. --clients processes put 1000-event batches to group "live": 1 s warm-up, --duration s
     "before", then POST /_cwlogd/sweep runs one pass synchronously ("during": the pass's own
     time window), then --after s "after";
  --mode gentle (default) runs the background job's pass ({"gentle": true, "reclaimDelayMs":
  --reclaim-delay-ms}); --mode immediate the endpoint default (sweep, flush, compaction at once;
  also what binaries before the gentle pass do whatever the body).
Prints events/s and per-request latency p50/p99 per window, the pass's figures, and the medians
over --runs. Run a/b pairs back to back: other work on the machine moves absolute figures.

  CWLOGD_BINARY=build/x/cwlogd python3 bench/retention_ingest_bench.py [--runs 3] ...
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from cwlogd_harness import CwlogdServer, now_ms  # noqa: E402

DAY_MS = 86_400_000
BATCH = 1000
PATHS = ["/", "/index.html", "/api/v1/items", "/api/v1/users/42", "/static/app.js", "/health"]


def access_line(rng, i):
    ip = ".".join(str(rng.randrange(256)) for _ in range(4))
    return (f'{ip} - - [10/Oct/2025:13:55:{i % 60:02d} +0000] "GET {rng.choice(PATHS)}'
            f'?q={rng.getrandbits(32):x} HTTP/1.1" {rng.choice([200, 200, 200, 304, 404, 500])} '
            f'{rng.randrange(100000)} '
            f'"-" "Mozilla/5.0 (X11; Linux x86_64) bench/{i}"')


def body(group, stream, t0, rng):
    events = [{"timestamp": t0 + i // 10, "message": access_line(rng, i)} for i in range(BATCH)]
    return json.dumps({"logGroupName": group, "logStreamName": stream,
                       "logEvents": events}).encode()


HEADERS = {"X-Amz-Target": "Logs_20140328.PutLogEvents",
           "Content-Type": "application/x-amz-json-1.1"}


def post(conn, data):
    conn.request("POST", "/", body=data, headers=HEADERS)
    resp = conn.getresponse()
    out = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"PutLogEvents -> {resp.status} {out[:300]!r}")
    return json.loads(out)


def ingest_worker(port, group, stream, stop, out):
    """Puts pre-encoded batches until `stop`; reports (completion time, latency) per request."""
    rng = random.Random(stream)
    t0 = now_ms()
    bodies = [body(group, stream, t0 + k, rng) for k in range(16)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples = []
    k = 0
    while not stop.is_set():
        start = time.monotonic()
        post(conn, bodies[k % len(bodies)])
        end = time.monotonic()
        samples.append((end, end - start))
        k += 1
    conn.close()
    out.put(samples)


def fill_worker(port, group, stream, t0, batches, seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for b in range(batches):
        post(conn, body(group, stream, t0 + b * 100, rng))
    conn.close()


def window_stats(samples, t0, t1):
    inside = sorted(lat for (t, lat) in samples if t0 <= t <= t1)
    secs = t1 - t0
    return {"events_per_s": len(inside) * BATCH / secs if secs > 0 else 0.0,
            "window_s": secs,
            "requests": len(inside),
            "p50_ms": 1000 * inside[len(inside) // 2] if inside else float("nan"),
            "p99_ms": 1000 * inside[min(len(inside) - 1, int(len(inside) * 0.99))] if inside
            else float("nan")}


def ingest(server, streams, before_s, during, after_s):
    """Runs len(streams) ingest processes: 1 s warm-up, `before_s` s, then `during()` in this
    process (the pass), then `after_s` s. Returns per-window stats and during()'s result."""
    stop = mp.Event()
    out = mp.Queue()
    procs = [mp.Process(target=ingest_worker, args=(server.port, "live", s, stop, out))
             for s in streams]
    for p in procs:
        p.start()
    time.sleep(1.0)  # warm-up: processes start, bodies encoded, connections open
    t0 = time.monotonic()
    time.sleep(before_s)
    t1 = time.monotonic()
    extra = during()
    t2 = time.monotonic()
    time.sleep(after_s)
    t3 = time.monotonic()
    stop.set()
    samples = [s for _ in procs for s in out.get()]
    for p in procs:
        p.join()
    timeline = []  # events/s per 0.5 s from the start of "before" to the end of "after"
    t = t0
    while t + 0.5 <= t3:
        timeline.append(window_stats(samples, t, t + 0.5)["events_per_s"])
        t += 0.5
    return {"before": window_stats(samples, t0, t1), "during": window_stats(samples, t1, t2),
            "after": window_stats(samples, t2, t3), "extra": extra, "timeline": timeline,
            "pass_offset_s": t1 - t0}


def fmt(w):
    return (f"{w['events_per_s']:>9.0f} ev/s  p50 {w['p50_ms']:5.1f} ms  p99 {w['p99_ms']:5.1f} ms"
            f"  ({w['requests']} req, {w['window_s']:.1f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.environ.get("CWLOGD_BINARY"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--expired-mb", type=int, default=200, help="approx. message MB to expire")
    ap.add_argument("--duration", type=float, default=8.0, help="'before' window, seconds")
    ap.add_argument("--after", type=float, default=3.0, help="'after' window, seconds")
    ap.add_argument("--mode", choices=["immediate", "gentle", "none"], default="gentle",
                    help="pass to run: the background job's (gentle), the endpoint default "
                    "(immediate), or none (control: the window is --reclaim-delay-ms of ingest "
                    "only, to compare with a gentle pass's window)")
    ap.add_argument("--timeline", action="store_true", help="print events/s per 0.5 s")
    ap.add_argument("--io-threads", type=int, default=3,
                    help="server io threads (one is taken by the synchronous sweep request)")
    ap.add_argument("--reclaim-delay-ms", type=int, default=5000,
                    help="gentle: delay before the reclaim check (server default 60000)")
    ap.add_argument("--nice-rocksdb", type=int, default=None,
                    help="experiment: renice the server's rocksdb:* threads to this value")
    args = ap.parse_args()
    if not args.binary:
        sys.exit("set CWLOGD_BINARY or pass --binary")
    os.environ["CWLOGD_BINARY"] = args.binary

    # The pass runs on the io thread serving POST /_cwlogd/sweep, blocked for all of it (a gentle
    # pass waits its reclaim delay there); the background job has a thread of its own. One io
    # thread more than the 2 of this machine class keeps ingest's share the same in every mode.
    server = CwlogdServer(extra_args=["--retention-sweep-interval-seconds", "0",
                                      "--log-level", "warn", "--io-threads",
                                      str(args.io_threads)])
    server.start()
    if args.nice_rocksdb is not None:
        task_dir = f"/proc/{server.proc.pid}/task"
        for tid in os.listdir(task_dir):
            with open(f"{task_dir}/{tid}/comm") as f:
                if f.read().startswith("rocksdb:"):
                    os.setpriority(os.PRIO_PROCESS, int(tid), args.nice_rocksdb)
    logs = server.client()
    try:
        logs.create_log_group(logGroupName="live")
        logs.create_log_group(logGroupName="expired")
        streams = [f"w{i}" for i in range(args.clients)]
        for s in streams:
            logs.create_log_stream(logGroupName="live", logStreamName=s)
        batches_total = max(1, args.expired_mb * 1_000_000 // (BATCH * 170))
        results = []
        for run in range(args.runs):
            # 1. expired data, filled in parallel streams.
            logs.delete_retention_policy(logGroupName="expired")
            fill_streams = [f"old{run}-{i}" for i in range(args.clients)]
            for s in fill_streams:
                logs.create_log_stream(logGroupName="expired", logStreamName=s)
            t_fill = time.monotonic()
            per = batches_total // len(fill_streams)
            procs = [mp.Process(target=fill_worker,
                                args=(server.port, "expired", s, now_ms() - 3 * DAY_MS + 1000,
                                      per, f"{run}{s}"))
                     for s in fill_streams]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
                if p.exitcode != 0:
                    sys.exit("fill failed")
            stored = [g for g in logs.describe_log_groups()["logGroups"]
                      if g["logGroupName"] == "expired"][0]["storedBytes"]
            print(f"run {run + 1}: filled {per * len(fill_streams) * BATCH} expired events, "
                  f"storedBytes {stored} in {time.monotonic() - t_fill:.1f} s; data dir "
                  f"{server_disk(server)} bytes", flush=True)
            logs.put_retention_policy(logGroupName="expired", retentionInDays=1)

            # 2. ingest: before, during the pass, after.
            request = ({"gentle": True, "reclaimDelayMs": args.reclaim_delay_ms}
                       if args.mode == "gentle" else {})

            def run_sweep():
                if args.mode == "none":
                    time.sleep(args.reclaim_delay_ms / 1000)
                    return {"deletedEvents": 0, "deletedBytes": 0, "sweepMs": 0, "compactMs": 0,
                            "diskBytesBefore": 0, "diskBytesAfter": 0}
                status, _, data = server.http("POST", "/_cwlogd/sweep",
                                              body=json.dumps(request).encode(), timeout=1800)
                if status != 200:
                    raise RuntimeError(f"sweep -> {status} {data!r}")
                return json.loads(data)
            res = ingest(server, streams, args.duration, run_sweep, args.after)
            r = res["extra"]
            print(f"  before: {fmt(res['before'])}\n  during: {fmt(res['during'])}\n"
                  f"  after:  {fmt(res['after'])}\n"
                  f"  pass ({args.mode}): deleted {r['deletedEvents']} events / "
                  f"{r['deletedBytes']} bytes in {r['sweepMs']:.0f} ms, reclaim wait "
                  f"{r.get('reclaimWaitMs', 0):.0f} ms, compaction {r['compactMs']:.0f} ms "
                  f"(ranges compacted {r.get('rangesCompacted', '-')}, already reclaimed "
                  f"{r.get('rangesReclaimed', '-')}), RocksDB {r['diskBytesBefore']} -> "
                  f"{r['diskBytesAfter']} bytes; after the window {rocks_disk(server)} bytes; "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
            if args.timeline:
                print(f"  timeline (k ev/s per 0.5 s, pass starts at {res['pass_offset_s']:.1f} s):"
                      f" {' '.join(f'{v / 1000:.0f}' for v in res['timeline'])}", flush=True)
            results.append(res)
        med = {w: statistics.median(x[w]["events_per_s"] for x in results)
               for w in ("before", "during", "after")}
        p99 = {w: statistics.median(x[w]["p99_ms"] for x in results)
               for w in ("before", "during", "after")}
        rel = {w: 100 * (med[w] - med["before"]) / med["before"] for w in med}
        print(f"\nmedian of {args.runs} ({args.mode}): before {med['before']:.0f} ev/s, during "
              f"{med['during']:.0f} ev/s ({rel['during']:+.1f}%), after {med['after']:.0f} ev/s "
              f"({rel['after']:+.1f}%); "
              f"p99 before {p99['before']:.1f} ms, during {p99['during']:.1f} ms, after "
              f"{p99['after']:.1f} ms; pass median "
              f"{statistics.median(x['during']['window_s'] for x in results):.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}")
    finally:
        server.discard()


def rocks_disk(server):
    """Live SST + WAL bytes as the server sees them: a no-op pass reports them."""
    status, _, data = server.http("POST", "/_cwlogd/sweep", body=b"{}", timeout=600)
    return json.loads(data)["diskBytesAfter"] if status == 200 else -1


def server_disk(server):
    total = 0
    for root, _, files in os.walk(server.data_dir):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass
    return total


if __name__ == "__main__":
    main()
