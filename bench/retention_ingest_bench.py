#!/usr/bin/env python3
"""Ingest throughput with and without a concurrent retention sweep (docs/retention.md).

Starts a real cwlogd (temp data dir, background sweeps off), then for each run:
  1. fills group "expired" with --expired-mb of events 3 days old, sets retention 1 day on it;
  2. baseline: --clients processes put 1000-event batches to group "live" for --duration s;
  3. same ingest, and after 1 s POST /_cwlogd/sweep (sweep + CompactRange of the expired group,
     synchronous); throughput is counted over the sweep's own time window.
Prints events/s, per-request latency p50/p99 for both, and the medians over --runs.

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


def ingest(server, streams, seconds, during=None):
    """Runs len(streams) ingest processes; `during()` (if any) runs in this process after 1 s and
    its (t_start, t_end) window is where throughput is counted. Returns a result dict."""
    stop = mp.Event()
    out = mp.Queue()
    procs = [mp.Process(target=ingest_worker, args=(server.port, "live", s, stop, out))
             for s in streams]
    for p in procs:
        p.start()
    time.sleep(1.0)  # warm-up: processes start, bodies encoded, connections open
    extra = None
    window_start = time.monotonic()
    if during is not None:
        extra = during()
        window_end = time.monotonic()
        time.sleep(0.3)
    else:
        time.sleep(seconds)
        window_end = time.monotonic()
    stop.set()
    samples = [s for _ in procs for s in out.get()]
    for p in procs:
        p.join()
    inside = [lat for (t, lat) in samples if window_start <= t <= window_end]
    inside.sort()
    secs = window_end - window_start
    return {"events_per_s": len(inside) * BATCH / secs if secs > 0 else 0.0,
            "window_s": secs,
            "requests": len(inside),
            "p50_ms": 1000 * inside[len(inside) // 2] if inside else None,
            "p99_ms": 1000 * inside[min(len(inside) - 1, int(len(inside) * 0.99))] if inside
            else None,
            "extra": extra}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.environ.get("CWLOGD_BINARY"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--expired-mb", type=int, default=200, help="approx. message MB to expire")
    ap.add_argument("--duration", type=float, default=8.0, help="baseline window, seconds")
    ap.add_argument("--nice-rocksdb", type=int, default=None,
                    help="experiment: renice the server's rocksdb:* threads to this value")
    args = ap.parse_args()
    if not args.binary:
        sys.exit("set CWLOGD_BINARY or pass --binary")
    os.environ["CWLOGD_BINARY"] = args.binary

    server = CwlogdServer(extra_args=["--retention-sweep-interval-seconds", "0",
                                      "--log-level", "warn"])
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
        base, with_sweep = [], []
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

            # 2. baseline.
            a = ingest(server, streams, args.duration)
            print(f"  baseline:   {a['events_per_s']:>10.0f} events/s  p50 {a['p50_ms']:.1f} ms  "
                  f"p99 {a['p99_ms']:.1f} ms  ({a['requests']} requests, {a['window_s']:.1f} s)",
                  flush=True)

            # 3. the same with a sweep + compaction running.
            def run_sweep():
                status, _, data = server.http("POST", "/_cwlogd/sweep", body=b"{}",
                                              timeout=1800)
                if status != 200:
                    raise RuntimeError(f"sweep -> {status} {data!r}")
                return json.loads(data)
            b = ingest(server, streams, args.duration, during=run_sweep)
            r = b["extra"]
            print(f"  with sweep: {b['events_per_s']:>10.0f} events/s  p50 {b['p50_ms']:.1f} ms  "
                  f"p99 {b['p99_ms']:.1f} ms  ({b['requests']} requests, {b['window_s']:.1f} s)"
                  f"\n  sweep: deleted {r['deletedEvents']} events / {r['deletedBytes']} bytes in "
                  f"{r['sweepMs']:.0f} ms, compaction {r['compactMs']:.0f} ms, RocksDB "
                  f"{r['diskBytesBefore']} -> {r['diskBytesAfter']} bytes", flush=True)
            base.append(a)
            with_sweep.append(b)
        ma = statistics.median(x["events_per_s"] for x in base)
        mb = statistics.median(x["events_per_s"] for x in with_sweep)
        print(f"\nmedian of {args.runs}: baseline {ma:.0f} events/s, during sweep {mb:.0f} "
              f"events/s ({100 * (mb - ma) / ma:+.1f}%); p99 baseline "
              f"{statistics.median(x['p99_ms'] for x in base):.1f} ms, during sweep "
              f"{statistics.median(x['p99_ms'] for x in with_sweep):.1f} ms; "
              f"sweep+compaction median "
              f"{statistics.median(x['window_s'] for x in with_sweep):.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}")
    finally:
        server.discard()


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
