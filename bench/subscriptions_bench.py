#!/usr/bin/env python3
"""Subscription delivery cost and lag (docs/live.md, "Subscription filters").

Starts a real cwlogd (temp data dir) with --subscription-targets mapping one Lambda ARN to an HTTP
receiver (a separate Python process that decodes every payload, as a consumer would), then:
  1. "plain": --clients processes put --events events in 1000-event batches to group "plain"
     (no filter) and the ingest rate is measured;
  2. "subscribed": the same into group "sub", which has a match-all subscription filter to the
     receiver; ingest rate, and per payload the lag = arrival time - the newest event's timestamp
     (events are stamped when their batch is built, just before it is sent), and the time from
     the last acknowledged batch until the receiver has every event.
Prints both rates, their ratio, the lag percentiles over the second half of the run (steady
state) and the drain time. Run it on an idle machine: other work moves absolute figures.

With --loadgen PATH (bench/loadgen, C++), each phase is instead `loadgen ingest` for --seconds
with --clients connections: far faster than the Python clients, so the ratio shows cwlogd's cost
rather than the clients'. loadgen reuses fixed timestamps, so the lag is then the drain time alone
(how far delivery is behind when ingest stops).

  CWLOGD_BINARY=build/x/cwlogd python3 bench/subscriptions_bench.py [--events 1000000] [--clients 2]
      [--loadgen build/x/bench/loadgen --seconds 10]
"""

import argparse
import base64
import gzip
import http.client
import http.server
import json
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from cwlogd_harness import CwlogdServer  # noqa: E402

BATCH = 1000
TIMESTAMP = re.compile(rb'"timestamp":(\d+)')
LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:bench"
HEADERS = {"Content-Type": "application/x-amz-json-1.1"}
LINE = ('10.0.{a}.{b} - - [10/Oct/2025:13:55:36 +0000] "GET /api/v1/items?page={i} HTTP/1.1" '
        '200 {n} "-" "Mozilla/5.0 (X11; Linux x86_64) bench"')


def call(conn, op, body):
    conn.request("POST", "/", body=json.dumps(body).encode(),
                 headers=dict(HEADERS, **{"X-Amz-Target": f"Logs_20140328.{op}"}))
    resp = conn.getresponse()
    out = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{op} -> {resp.status} {out[:300]!r}")
    return out


def client(port, group, stream, batches, start_evt, first):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    start_evt.wait()
    for b in range(batches):
        t = int(time.time() * 1000)
        events = [{"timestamp": t, "message": LINE.format(a=b % 256, b=i % 256, i=first + b * BATCH
                                                          + i, n=i)} for i in range(BATCH)]
        call(conn, "PutLogEvents", {"logGroupName": group, "logStreamName": stream,
                                    "logEvents": events})


def receiver(port_q, stats_q, stop_evt):
    """The HTTP receiver, in a process of its own: a threaded server (cwlogd keeps its connection
    alive, so a one-request-at-a-time loop would stall on it), reporting its count every 100 ms."""
    counts = {"events": 0, "lags": []}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            now = time.time() * 1000
            data = gzip.decompress(base64.b64decode(json.loads(body)["awslogs"]["data"]))
            # Counted with bytes searches, not a JSON parse, so the receiver keeps up with
            # cwlogd (the payload's shape is checked by tests/integration/test_subscriptions.py).
            if b'"messageType":"DATA_MESSAGE"' in data:
                stamps = [int(t) for t in TIMESTAMP.findall(data)]
                with lock:
                    counts["events"] += len(stamps)
                    counts["lags"].append((now, now - max(stamps)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port_q.put(server.server_address[1])
    while not stop_evt.wait(0.1):
        with lock:
            stats_q.put(("count", counts["events"]))
    server.shutdown()
    with lock:
        stats_q.put(("lags", counts["lags"]))


def ingest(port, group, events, clients):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    per_client = events // BATCH // clients
    for c in range(clients):
        call(conn, "CreateLogStream", {"logGroupName": group, "logStreamName": f"s{c}"})
    start_evt = mp.Event()
    procs = [mp.Process(target=client, args=(port, group, f"s{c}", per_client, start_evt,
                                             c * per_client * BATCH)) for c in range(clients)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    start_evt.set()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError("a client failed")
    elapsed = time.monotonic() - t0
    return per_client * clients * BATCH, elapsed


def loadgen_ingest(loadgen, port, group, clients, seconds):
    """`loadgen ingest` into `group` (streams s0..): (events acknowledged, seconds)."""
    out = subprocess.run([loadgen, "ingest", "--port", str(port), "--group", group, "--conns",
                          str(clients), "--duration", str(seconds)], check=True,
                         capture_output=True, text=True).stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return int(values["events"]), float(values["seconds"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--loadgen", help="bench/loadgen binary: ingest with it for --seconds")
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    if args.loadgen:
        ingest_phase = lambda port, group: loadgen_ingest(  # noqa: E731
            args.loadgen, port, group, args.clients, args.seconds)
    else:
        ingest_phase = lambda port, group: ingest(port, group, args.events,  # noqa: E731
                                                  args.clients)

    port_q, stats_q, stop_evt = mp.Queue(), mp.Queue(), mp.Event()
    recv = mp.Process(target=receiver, args=(port_q, stats_q, stop_evt))
    recv.start()
    recv_port = port_q.get()
    fd, targets = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({LAMBDA: {"url": f"http://127.0.0.1:{recv_port}/"}}, f)
    server = CwlogdServer(["--subscription-targets", targets]).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port)
        for g in ("plain", "sub"):
            call(conn, "CreateLogGroup", {"logGroupName": g})
        plain_n, plain_s = ingest_phase(server.port, "plain")
        call(conn, "PutSubscriptionFilter", {"logGroupName": "sub", "filterName": "all",
                                             "filterPattern": "", "destinationArn": LAMBDA})
        sub_n, sub_s = ingest_phase(server.port, "sub")
        acked_at = time.monotonic()
        received = 0
        while received < sub_n:
            kind, value = stats_q.get()
            if kind == "count":
                received = value
        drain_s = time.monotonic() - acked_at
        stop_evt.set()
        lags = None
        while lags is None:
            kind, value = stats_q.get()
            if kind == "lags":
                lags = value
        recv.join()
    finally:
        server.discard()
        os.unlink(targets)
        if recv.is_alive():
            recv.terminate()

    plain_rate = plain_n / plain_s
    sub_rate = sub_n / sub_s
    print(f"plain ingest:      {plain_n} events in {plain_s:.2f} s = {plain_rate:,.0f} events/s")
    print(f"subscribed ingest: {sub_n} events in {sub_s:.2f} s = {sub_rate:,.0f} events/s "
          f"({100 * sub_rate / plain_rate:.0f}% of plain)")
    print(f"payloads: {len(lags)}, {sub_n / max(1, len(lags)):.0f} events each on average")
    if not args.loadgen:
        steady = sorted(lag for _, lag in lags[len(lags) // 2:])
        pct = lambda q: steady[min(len(steady) - 1, int(q * len(steady)))]  # noqa: E731
        print(f"delivery lag, second half (ms): p50 {pct(0.5):.0f}  p99 {pct(0.99):.0f}  "
              f"max {steady[-1]:.0f}  mean {statistics.mean(steady):.0f}")
    print(f"drain after the last acknowledged batch: {drain_s:.2f} s")


if __name__ == "__main__":
    main()
