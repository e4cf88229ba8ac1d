"""Soak: 64 keep-alive connections of mixed Logs operations against one cwlogd on 127.0.0.1 for
60 s (SOAK_SECONDS, SOAK_CONNECTIONS override). Passes when no request failed, the server's RSS
stayed flat after warm-up, and every acknowledged event can be read back.

Run by ctest as `security.soak` (label `soak`), or directly:
  CWLOGD_BINARY=build/x/cwlogd python3 tests/security/soak_test.py
"""

import http.client
import json
import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import cwlogd_harness as h  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
WARMUP_FRACTION = 1 / 3
# RSS may grow by at most this much between the end of warm-up and the end of the run
# (RocksDB memtables and block cache reach their steady size during warm-up).
MAX_RSS_GROWTH_BYTES = 48 << 20


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Worker(threading.Thread):
    def __init__(self, n, port, deadline, base_ms):
        super().__init__(daemon=True)
        self.n, self.port, self.deadline, self.base_ms = n, port, deadline, base_ms
        self.rng = random.Random(n)
        self.acked = []  # messages acknowledged by PutLogEvents, in order
        self.errors = []
        self.requests = 0
        self.stream = f"w{n}"

    def call(self, conn, op, body):
        data = json.dumps(body).encode()
        conn.request("POST", "/", body=data, headers={
            "X-Amz-Target": f"Logs_20140328.{op}", "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/logs/"
                             "aws4_request, SignedHeaders=host, Signature=x"})
        resp = conn.getresponse()
        payload = resp.read()
        self.requests += 1
        if resp.status != 200:
            self.errors.append(f"{op} -> {resp.status} {payload[:200]!r}")
            return None
        return json.loads(payload) if payload else {}

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.call(conn, "CreateLogStream", {"logGroupName": "soak", "logStreamName": self.stream})
            seq = 0
            while time.monotonic() < self.deadline and len(self.errors) < 5:
                r = self.rng.random()
                if r < 0.5:
                    msgs = [f"{self.stream} {seq + i} " + "x" * self.rng.randrange(10, 400)
                            for i in range(self.rng.randrange(1, 50))]
                    body = {"logGroupName": "soak", "logStreamName": self.stream, "logEvents": [
                        {"timestamp": self.base_ms + seq + i, "message": m}
                        for i, m in enumerate(msgs)]}
                    seq += len(msgs)
                    if self.call(conn, "PutLogEvents", body) is not None:
                        self.acked.extend(msgs)
                elif r < 0.7:
                    self.call(conn, "GetLogEvents", {"logGroupName": "soak",
                                                     "logStreamName": self.stream, "limit": 100})
                elif r < 0.8:
                    self.call(conn, "FilterLogEvents", {"logGroupName": "soak",
                                                        "logStreamNames": [self.stream],
                                                        "filterPattern": f'"{seq // 2}"',
                                                        "limit": 50})
                elif r < 0.9:
                    self.call(conn, "DescribeLogStreams", {"logGroupName": "soak",
                                                           "logStreamNamePrefix": "w1",
                                                           "limit": 10})
                else:
                    self.call(conn, "DescribeLogGroups", {"limit": 5})
        except Exception as e:  # any transport failure is a soak failure
            self.errors.append(f"{type(e).__name__}: {e}")
        finally:
            conn.close()


class SoakTest(unittest.TestCase):

    def test_mixed_load_no_errors_flat_rss_no_lost_events(self):
        server = h.CwlogdServer(["--max-connections", str(CONNECTIONS * 2)])
        try:
            server.start()
            logs = server.client()
            logs.create_log_group(logGroupName="soak")
            pid = server.proc.pid
            start = time.monotonic()
            deadline = start + SECONDS
            workers = [Worker(i, server.port, deadline, h.now_ms() - 3_600_000)
                       for i in range(CONNECTIONS)]
            for w in workers:
                w.start()
            samples = []
            while any(w.is_alive() for w in workers):
                samples.append((time.monotonic() - start, rss_bytes(pid)))
                time.sleep(1)
            for w in workers:
                w.join()

            errors = [e for w in workers for e in w.errors]
            total = sum(w.requests for w in workers)
            acked = sum(len(w.acked) for w in workers)
            print(f"\nsoak: {CONNECTIONS} connections, {SECONDS:.0f} s, {total} requests "
                  f"({total / SECONDS:.0f}/s), {acked} events acknowledged", file=sys.stderr)
            self.assertEqual(errors[:10], [], f"{len(errors)} failed requests")
            self.assertTrue(server.running())

            warm = [r for t, r in samples if t >= SECONDS * WARMUP_FRACTION]
            self.assertGreater(len(warm), 3)
            growth = max(warm) - warm[0]
            print("soak: RSS MiB after warm-up "
                  f"{warm[0] / 2**20:.1f} -> max {max(warm) / 2**20:.1f}, end "
                  f"{warm[-1] / 2**20:.1f}", file=sys.stderr)
            self.assertLess(growth, MAX_RSS_GROWTH_BYTES,
                            f"RSS grew by {growth / 2**20:.1f} MiB after warm-up")

            for w in workers:
                got, token = [], None
                while True:
                    kw = {"logGroupName": "soak", "logStreamName": w.stream,
                          "startFromHead": True}
                    if token:
                        kw["nextToken"] = token
                    page = logs.get_log_events(**kw)
                    got.extend(e["message"] for e in page["events"])
                    if not page["events"] or page["nextForwardToken"] == token:
                        break
                    token = page["nextForwardToken"]
                self.assertEqual(len(got), len(w.acked), f"stream {w.stream}")
                self.assertEqual(got, w.acked, f"stream {w.stream}")
        finally:
            server.discard()


if __name__ == "__main__":
    unittest.main()
