#!/usr/bin/env python3
"""Export tasks: how long a CreateExportTask of --events events takes, and the ingest rate while
exports run, against the plain ingest rate (docs/export-tasks.md, docs/performance.md).

Starts a real cwlogd (temp data dir, retention sweeps off), fills group "exp" with --events
events of ~110 bytes in --streams streams, then:
  1. export time: CreateExportTask of the whole group, polled until COMPLETED (--exports times;
     wall time from the call to COMPLETED, and the server's completionTime - creationTime);
  2. ingest: --clients processes put 1000-event batches to group "live" for --duration s with
     nothing else running ("plain"), then for --duration s while exports of "exp" run back to
     back ("during"). Events/s per window and their ratio.
Run it on a quiet machine: other work moves the figures.

  python3 bench/export_bench.py --binary build/release/cwlogd [--events 1000000] ...
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from cwlogd_harness import CwlogdServer, now_ms  # noqa: E402

HEADERS = {"Content-Type": "application/x-amz-json-1.1"}
BUCKET = "bench-bucket"


def call(conn, op, body):
    conn.request("POST", "/", body=body if isinstance(body, bytes) else json.dumps(body),
                 headers=dict(HEADERS, **{"X-Amz-Target": f"Logs_20140328.{op}"}))
    resp = conn.getresponse()
    out = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{op} -> {resp.status} {out[:300]!r}")
    return json.loads(out) if out else {}


def message(rng, i):
    return (f"{rng.getrandbits(32):08x} GET /api/v1/items/{i} status={rng.choice([200, 404, 500])}"
            f" bytes={rng.randrange(100000)} agent=bench/{i % 97} " + "x" * 30)


def batch_body(group, stream, t0, first, count, rng):
    events = [{"timestamp": t0 + (first + k) // 1000, "message": message(rng, first + k)}
              for k in range(count)]
    return json.dumps({"logGroupName": group, "logStreamName": stream,
                       "logEvents": events}).encode()


def fill_worker(port, group, streams, t0, jobs):
    rng = random.Random(os.getpid())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for stream_index, first, count in jobs:
        call(conn, "PutLogEvents", batch_body(group, streams[stream_index], t0, first, count, rng))
    conn.close()


def ingest_worker(port, stream, stop, out):
    """Puts 1000-event batches to group "live" until `stop`; reports (completion time) per call."""
    rng = random.Random(stream)
    t0 = now_ms()
    bodies = [batch_body("live", stream, t0 + k, 0, 1000, rng) for k in range(8)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    done = []
    k = 0
    while not stop.is_set():
        call(conn, "PutLogEvents", bodies[k % len(bodies)])
        done.append(time.monotonic())
        k += 1
    conn.close()
    out.put(done)


def ingest_rate(port, clients, seconds, during=None):
    """Events/s of `clients` ingest processes over `seconds` (after 1 s warm-up), while
    `during` (a function taking a stop Event) runs in a thread."""
    stop = mp.Event()
    out = mp.Queue()
    procs = [mp.Process(target=ingest_worker, args=(port, f"c{i}", stop, out))
             for i in range(clients)]
    for p in procs:
        p.start()
    time.sleep(1.0)
    side_stop = threading.Event()
    side = threading.Thread(target=during, args=(side_stop,)) if during else None
    if side:
        side.start()
    start = time.monotonic()
    time.sleep(seconds)
    end = time.monotonic()
    stop.set()
    side_stop.set()
    calls = []
    for _ in procs:
        calls.extend(out.get())
    for p in procs:
        p.join()
    if side:
        side.join()
    n = sum(1 for t in calls if start <= t <= end)
    return n * 1000 / (end - start)


def run_export(conn, group):
    """One export of the whole group: (wall seconds, server seconds)."""
    start = time.monotonic()
    task_id = call(conn, "CreateExportTask", {"logGroupName": group, "from": 0, "to": now_ms(),
                                              "destination": BUCKET})["taskId"]
    while True:
        task = call(conn, "DescribeExportTasks", {"taskId": task_id})["exportTasks"][0]
        if task["status"]["code"] not in ("PENDING", "RUNNING"):
            break
        time.sleep(0.01)
    wall = time.monotonic() - start
    if task["status"]["code"] != "COMPLETED":
        raise RuntimeError(f"export ended {task['status']}")
    info = task["executionInfo"]
    return wall, (info["completionTime"] - info["creationTime"]) / 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.environ.get("CWLOGD_BINARY"))
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--streams", type=int, default=10)
    ap.add_argument("--exports", type=int, default=3)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--duration", type=float, default=10.0)
    args = ap.parse_args()
    if args.binary:
        os.environ["CWLOGD_BINARY"] = os.path.abspath(args.binary)
    server = CwlogdServer(["--retention-sweep-interval-seconds", "0"])
    server.start()
    try:
        port = server.port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        os.makedirs(os.path.join(server.data_dir, "exports", BUCKET))
        streams = [f"app/{i:02d}" for i in range(args.streams)]
        call(conn, "CreateLogGroup", {"logGroupName": "exp"})
        call(conn, "CreateLogGroup", {"logGroupName": "live"})
        for s in streams:
            call(conn, "CreateLogStream", {"logGroupName": "exp", "logStreamName": s})
        for i in range(args.clients):
            call(conn, "CreateLogStream", {"logGroupName": "live", "logStreamName": f"c{i}"})
        t0 = now_ms() - 3_600_000
        jobs = [(first // 8000 % len(streams), first, min(8000, args.events - first))
                for first in range(0, args.events, 8000)]
        fill_start = time.monotonic()
        workers = [mp.Process(target=fill_worker, args=(port, "exp", streams, t0, jobs[i::4]))
                   for i in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
            if w.exitcode != 0:
                raise RuntimeError("a fill worker failed")
        print(f"filled {args.events} events in {time.monotonic() - fill_start:.1f} s")

        walls, servers = [], []
        for _ in range(args.exports):
            wall, server_s = run_export(conn, "exp")
            walls.append(wall)
            servers.append(server_s)
            shutil.rmtree(os.path.join(server.data_dir, "exports", BUCKET, "exportedlogs"))
        print(f"export of {args.events} events: wall {', '.join(f'{w:.2f}' for w in walls)} s "
              f"(median {statistics.median(walls):.2f} s); server "
              f"{', '.join(f'{s:.2f}' for s in servers)} s")
        size = 0

        def exports_back_to_back(stop):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            while not stop.is_set():
                exports_done.append(run_export(c, "exp")[0])

        exports_done = []
        plain = ingest_rate(port, args.clients, args.duration)
        during = ingest_rate(port, args.clients, args.duration, exports_back_to_back)
        for dirpath, _, files in os.walk(os.path.join(server.data_dir, "exports", BUCKET)):
            size += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
        print(f"ingest plain: {plain:,.0f} events/s; during exports: {during:,.0f} events/s "
              f"({during / plain:.0%} of plain); exports meanwhile took "
              f"{', '.join(f'{w:.2f}' for w in exports_done)} s")
        print(f"bytes written by the exports: {size:,}")
    finally:
        server.discard()


if __name__ == "__main__":
    main()
