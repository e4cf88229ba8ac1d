#!/usr/bin/env python3
"""Resource attacks on the HTTP front end (issue 14, items 1-2) against a cwlogd started with its
DEFAULT settings, while legitimate boto3 clients work. One attack at a time, each for --seconds:

  unread     100 connections pipeline GetLogEvents calls (~1 MB answers) and never read them
  bodies     100 connections each send 8 MiB - 1 of an 8 MiB body, then stall
  slowloris  1,300 connections drip one header line a second

The attackers run in a child process (their Python work must not slow the measured client down),
each reconnects as soon as the server closes it. Meanwhile the legitimate side runs in this
process: a boto3 client on keep-alive connections (PutLogEvents and GetLogEvents by turns), and a
NEW boto3 client every second (a new connection) making one DescribeLogGroups. No SDK retries: a
failed call counts as failed. Reported per attack: server RSS (before, peak, 10 s after the
attack), the legitimate calls' success rate, p50 and p99 (the call, not the client creation).

  bench/attack.py [--binary build/test/cwlogd] [--seconds 60] [--attacks unread,bodies,slowloris]
"""

import argparse
import multiprocessing
import os
import re
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

BANNER_RE = re.compile(r"listening on http://([^\s:]+):(\d+) ")
EVENT_BYTES = 200_000  # 5 events: a ~1 MB GetLogEvents answer


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def start_server(binary, data_dir):
    proc = subprocess.Popen([binary, "--port", "0", "--data-dir", data_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = BANNER_RE.search(line)
    if not m:
        proc.kill()
        raise SystemExit(f"no banner from {binary}: {line!r}")
    return proc, int(m.group(2))


def client(port, pool=10):
    return boto3.client("logs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="bench", aws_secret_access_key="bench",
                        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5,
                                      read_timeout=10, max_pool_connections=pool))


def seed(port):
    logs = client(port)
    logs.create_log_group(logGroupName="bench")
    logs.create_log_stream(logGroupName="bench", logStreamName="big")
    logs.create_log_stream(logGroupName="bench", logStreamName="legit")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="bench", logStreamName="big", logEvents=[
        {"timestamp": now + i, "message": chr(65 + i) * EVENT_BYTES} for i in range(5)])


def raw_request(target, body, content_length=None):
    length = len(body) if content_length is None else content_length
    return (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Logs_20140328." + target +
            b"\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n" % length +
            body)


# --- attackers (child process) ---------------------------------------------------------------

class Attacker:
    """Non-blocking connections, each fed by `payload()` (bytes to send once; None: nothing
    more) and re-opened when the server closes it."""

    def __init__(self, port, count, payload, drip=None, small_receive_buffer=False):
        self.port, self.count, self.payload, self.drip = port, count, payload, drip
        self.small_receive_buffer = small_receive_buffer
        self.sel = selectors.DefaultSelector()
        self.conns = {}  # socket -> memoryview still to send
        self.reconnects = 0

    def open_one(self):
        s = socket.socket()
        if self.small_receive_buffer:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", self.port))
        except OSError:
            s.close()
            return
        s.setblocking(False)
        self.conns[s] = memoryview(self.payload())
        self.sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)

    def drop(self, s):
        self.sel.unregister(s)
        del self.conns[s]
        s.close()
        self.reconnects += 1

    def run(self, stop_at):
        for _ in range(self.count):
            self.open_one()
        next_drip = time.monotonic() + 1
        while time.monotonic() < stop_at:
            for key, events in self.sel.select(timeout=0.1):
                s = key.fileobj
                if s not in self.conns:
                    continue
                try:
                    if events & selectors.EVENT_READ:
                        if not s.recv(65536):  # closed (or answered and closed)
                            self.drop(s)
                            continue
                    if events & selectors.EVENT_WRITE:
                        rest = self.conns[s]
                        if rest:
                            sent = s.send(rest)
                            self.conns[s] = rest[sent:]
                        if not self.conns[s]:
                            self.sel.modify(s, selectors.EVENT_READ)
                except BlockingIOError:
                    pass
                except OSError:
                    self.drop(s)
            if self.drip is not None and time.monotonic() >= next_drip:
                next_drip += 1
                for s in list(self.conns):
                    try:
                        s.send(self.drip)
                    except BlockingIOError:
                        pass
                    except OSError:
                        self.drop(s)
            while len(self.conns) < self.count and time.monotonic() < stop_at:
                self.open_one()
        for s in list(self.conns):
            s.close()


def run_attack(name, port, seconds):
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    stop_at = time.monotonic() + seconds
    if name == "unread":
        get = raw_request(b"GetLogEvents", b'{"logGroupName":"bench","logStreamName":"big",'
                                           b'"startFromHead":true}')
        attacker = Attacker(port, 100, lambda: get * 2000, small_receive_buffer=True)
    elif name == "bodies":
        size = 8 << 20
        head = raw_request(b"PutLogEvents", b"", content_length=size)
        attacker = Attacker(port, 100, lambda: head + b" " * (size - 1))
    else:
        head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        attacker = Attacker(port, 1300, lambda: head, drip=b"X-Slow: 1\r\n")
    attacker.run(stop_at)
    print(f"  attacker: {attacker.reconnects} reconnects", flush=True)


# --- the legitimate side ---------------------------------------------------------------------

class Legit:
    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.results = {"keep-alive": [], "new client": []}  # (ok, seconds)

    def record(self, kind, ok, seconds, error=None):
        with self.lock:
            self.results[kind].append((ok, seconds))
            failures = sum(1 for good, _ in self.results[kind] if not good)
        if error is not None and failures <= 3:  # the first few say why; the report counts
            print(f"  {kind} call failed: {type(error).__name__}: {error}", flush=True)

    def steady(self, stop):
        logs = client(self.port)
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            try:
                if i % 2 == 0:
                    logs.put_log_events(logGroupName="bench", logStreamName="legit", logEvents=[
                        {"timestamp": int(time.time() * 1000), "message": f"legit {i} {j}"}
                        for j in range(10)])
                else:
                    logs.get_log_events(logGroupName="bench", logStreamName="legit", limit=10)
                self.record("keep-alive", True, time.perf_counter() - t)
            except Exception as e:  # noqa: BLE001 -- any failure counts
                self.record("keep-alive", False, time.perf_counter() - t, e)
            i += 1
            time.sleep(0.05)

    def newcomers(self, stop):
        while not stop.is_set():
            logs = client(self.port, pool=1)
            t = time.perf_counter()
            try:
                logs.describe_log_groups(limit=1)
                self.record("new client", True, time.perf_counter() - t)
            except Exception as e:  # noqa: BLE001
                self.record("new client", False, time.perf_counter() - t, e)
            if hasattr(logs, "close"):  # botocore >= 1.33
                logs.close()
            stop.wait(1.0)

    def report(self):
        lines = []
        for kind, rows in self.results.items():
            if not rows:
                continue
            ok = [s for good, s in rows if good]
            times = sorted(s for _, s in rows)
            p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
            lines.append(f"{kind}: {len(ok)}/{len(rows)} ok ({100 * len(ok) / len(rows):.1f}%), "
                         f"p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, max {times[-1]*1000:.0f} ms")
        return lines


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(root, "build/test/cwlogd"))
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--attacks", default="unread,bodies,slowloris")
    args = ap.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))  # the server inherits it

    print(f"cwlogd {args.binary} with default settings; load average {os.getloadavg()}")
    for name in args.attacks.split(","):
        data_dir = tempfile.mkdtemp(prefix="cwlogd-attack-")
        proc, port = start_server(args.binary, data_dir)
        try:
            seed(port)
            before = rss_bytes(proc.pid)
            legit = Legit(port)
            stop = threading.Event()
            threads = [threading.Thread(target=legit.steady, args=(stop,)),
                       threading.Thread(target=legit.newcomers, args=(stop,))]
            attacker = multiprocessing.Process(target=run_attack, args=(name, port, args.seconds))
            print(f"{name}: {args.seconds:.0f} s", flush=True)
            attacker.start()
            time.sleep(1)  # let the attack take hold before measuring the legitimate side
            for t in threads:
                t.start()
            peak = before
            while attacker.is_alive():
                peak = max(peak, rss_bytes(proc.pid))
                attacker.join(0.1)
            stop.set()
            for t in threads:
                t.join()
            time.sleep(10)
            after = rss_bytes(proc.pid)
            mib = 1 << 20
            print(f"  server RSS: before {before / mib:.0f} MiB, peak {peak / mib:.0f} MiB, "
                  f"10 s after {after / mib:.0f} MiB")
            for line in legit.report():
                print("  " + line)
            print(f"  load average after: {os.getloadavg()}", flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
