#!/usr/bin/env python3
"""What open live-tail sessions cost ingest (docs/live.md; goal: 64 sessions cost < 10%).

Starts a real cwlogd (temp data dir), creates group "live" with one stream per ingest client,
then alternates windows of --duration s: ingest alone, and ingest while --sessions StartLiveTail
sessions are open on the same group (every event matches every session, so each session samples
500 events a second out of the flow). Ingest: --clients processes putting 1000-event batches back
to back. Sessions: one process reading them all (threads), decoding the event-stream frames; one
of them selects only a marker stream, put every 0.5-1.5 s, and notes the time from PutLogEvents'
answer to the update that carried each marker (the live-tail latency). Prints events/s per window, the median
over --runs pairs, the cost in percent, and the latency p50/max.

  CWLOGD_BINARY=build/x/cwlogd python3 bench/live_tail_bench.py [--sessions 64] [--runs 3]
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import statistics
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from cwlogd_harness import CwlogdServer, now_ms  # noqa: E402

BATCH = 1000


def call(conn, target, payload):
    conn.request("POST", "/", body=json.dumps(payload).encode(),
                 headers={"X-Amz-Target": f"Logs_20140328.{target}",
                          "Content-Type": "application/x-amz-json-1.1"})
    resp = conn.getresponse()
    out = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{target} -> {resp.status} {out[:300]!r}")
    return out


def ingest_worker(port, stream, stop, out):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = now_ms()
    line = 'GET /api/v1/items?q=%d HTTP/1.1 200 "Mozilla/5.0 (X11; Linux x86_64) bench"'
    bodies = [{"logGroupName": "live", "logStreamName": stream,
               "logEvents": [{"timestamp": t0 + k, "message": line % i} for i in range(BATCH)]}
              for k in range(8)]
    done = []
    k = 0
    while not stop.is_set():
        call(conn, "PutLogEvents", bodies[k % len(bodies)])
        done.append(time.monotonic())
        k += 1
    out.put(done)


def ingest_rate(port, clients, seconds):
    stop = mp.Event()
    out = mp.Queue()
    procs = [mp.Process(target=ingest_worker, args=(port, f"s{i}", stop, out))
             for i in range(clients)]
    for p in procs:
        p.start()
    time.sleep(1.0)  # warm-up
    t0 = time.monotonic()
    time.sleep(seconds)
    t1 = time.monotonic()
    stop.set()
    done = [t for _ in procs for t in out.get()]
    for p in procs:
        p.join()
    return sum(1 for t in done if t0 <= t <= t1) * BATCH / (t1 - t0)


def read_session(port, request, marks, latencies, ready, stop):
    """One session on a raw connection: reads its updates, notes marker latencies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/", body=json.dumps(request).encode(),
                 headers={"X-Amz-Target": "Logs_20140328.StartLiveTail",
                          "Content-Type": "application/x-amz-json-1.1"})
    resp = conn.getresponse()
    assert resp.status == 200, resp.read()
    buf = b""
    ready.release()
    while not stop.is_set():
        chunk = resp.read1(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 12:
            total, headers_len = struct.unpack(">II", buf[:8])
            if len(buf) < total:
                break
            payload = buf[12 + headers_len:total - 4]
            buf = buf[total:]
            if b"bench-mark-" not in payload:
                continue
            now = time.monotonic()
            for r in json.loads(payload)["sessionResults"]:
                if r["logStreamName"] == "mark" and r["message"] in marks:
                    latencies.append(now - marks[r["message"]])
    conn.close()


def marker_worker(port, marks, stop):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = 0
    while not stop.is_set():
        msg = f"bench-mark-{i}"
        call(conn, "PutLogEvents", {"logGroupName": "live", "logStreamName": "mark",
                                    "logEvents": [{"timestamp": now_ms(), "message": msg}]})
        marks[msg] = time.monotonic()
        i += 1
        stop.wait(0.5 + random.random())  # no fixed phase against the 1 s updates


def with_sessions(port, sessions, clients, seconds):
    stop = threading.Event()
    marks, latencies = {}, []
    ready = threading.Semaphore(0)
    # All but one see the whole flow (a sample of it); one selects the marker stream, so every
    # marker reaches it and its latency is measured.
    requests = [{"logGroupIdentifiers": ["live"]}] * (sessions - 1) + [
        {"logGroupIdentifiers": ["live"], "logStreamNames": ["mark"]}]
    readers = [threading.Thread(target=read_session,
                                args=(port, r, marks, latencies, ready, stop), daemon=True)
               for r in requests]
    for t in readers:
        t.start()
    for _ in readers:
        ready.acquire()
    marker = threading.Thread(target=marker_worker, args=(port, marks, stop), daemon=True)
    marker.start()
    cpu0, wall0 = time.process_time(), time.monotonic()
    rate = ingest_rate(port, clients, seconds)
    # This process's own CPU (the readers' threads): on a small machine it competes with the
    # server and the ingest clients, and so counts in the measured cost.
    reader_cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    stop.set()
    marker.join()
    return rate, latencies, reader_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=64)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--duration", type=float, default=8.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    server = CwlogdServer()
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        call(conn, "CreateLogGroup", {"logGroupName": "live"})
        for s in [f"s{i}" for i in range(args.clients)] + ["mark"]:
            call(conn, "CreateLogStream", {"logGroupName": "live", "logStreamName": s})
        alone, tailed, lat = [], [], []
        for run in range(args.runs):
            a = ingest_rate(server.port, args.clients, args.duration)
            b, latencies, reader_cpu = with_sessions(server.port, args.sessions, args.clients,
                                                     args.duration)
            alone.append(a)
            tailed.append(b)
            lat += latencies
            print(f"run {run + 1}: alone {a:,.0f} ev/s, with {args.sessions} sessions "
                  f"{b:,.0f} ev/s ({100 * (a - b) / a:+.1f}% cost), "
                  f"{len(latencies)} marker deliveries, readers {reader_cpu:.2f} CPU-s/s",
                  flush=True)
            time.sleep(2)  # the sessions' connections close
        a, b = statistics.median(alone), statistics.median(tailed)
        lat.sort()
        print(f"median: alone {a:,.0f} ev/s, with {args.sessions} sessions {b:,.0f} ev/s: "
              f"cost {100 * (a - b) / a:.1f}%")
        if lat:
            print(f"put-to-update latency over {len(lat)} deliveries: p50 "
                  f"{1000 * lat[len(lat) // 2]:.0f} ms, max {1000 * lat[-1]:.0f} ms")
    finally:
        server.stop()
        server.discard()


if __name__ == "__main__":
    main()
