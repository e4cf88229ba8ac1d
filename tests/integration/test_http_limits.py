"""The HTTP front end's defences, over raw sockets against the real server (docs/security.md):
strict RFC 9112 framing, the header and body deadlines, eviction at the connection caps, and the
budget on memory held for request bodies and unread answers.

Each server runs with small limits so that every case takes seconds.
"""

import gzip
import json
import os
import socket
import time
import unittest

import cwlogd_harness as h
from test_hostile_input import recv_response

# Sanitizer builds (timeouts scaled) keep freed memory in quarantine: RSS says nothing there.
SANITIZED = h.TIMEOUT_SCALE > 1


def connect(server, timeout=10):
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def request(target, body, extra=b"", version=b"HTTP/1.1", host=b"Host: 127.0.0.1\r\n"):
    return (b"POST / " + version + b"\r\n" + host + b"X-Amz-Target: Logs_20140328." + target +
            b"\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n" % len(body) +
            extra + b"\r\n" + body)


def exchange(server, data, timeout=10):
    """Sends `data`, half-closes, and returns every response read until the server closes."""
    with connect(server, timeout) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        pending = bytearray()
        responses = []
        while True:
            result = recv_response(s, timeout, pending)
            if result is None:
                return responses
            responses.append(result)


def closed_by_server(sock, wait):
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def rss_bytes(server):
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def health_ok(server):
    status, _, body = server.http("GET", "/_cwlogd/health", timeout=10)
    return status == 200


class LimitsServer(h.ServerTestCase):
    """One server per class, started with its server_args; no reset between tests."""

    reset_between_tests = False


class FramingTest(LimitsServer):
    """RFC 9112: a request whose framing is doubtful gets 400 and its connection is closed."""

    HEALTH = b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n"

    def assertRejectedAndClosed(self, data, reason):
        responses = exchange(self.server, data)
        self.assertEqual(len(responses), 1, f"{reason}: {responses}")
        status, headers, body = responses[0]
        self.assertEqual(status, 400, body)
        self.assertEqual(headers.get("connection", "").lower(), "close")
        error = json.loads(body)
        self.assertEqual(error["__type"], "SerializationException")
        self.assertIn(reason, error["message"])

    def test_transfer_encodings_other_than_chunked_are_rejected(self):
        # The "body" is a whole second request: it must never be answered (smuggling shape).
        for coding in [b"xchunked", b"gzip, chunked", b"chunked, chunked", b"chunked;x=1",
                       b"identity"]:
            with self.subTest(coding=coding):
                data = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328."
                        b"DescribeLogGroups\r\nTransfer-Encoding: " + coding + b"\r\n\r\n" +
                        self.HEALTH)
                self.assertRejectedAndClosed(data, "Transfer-Encoding")

    def test_transfer_encoding_with_content_length_or_in_http_1_0_is_rejected(self):
        body = b"2\r\n{}\r\n0\r\n\r\n"
        self.assertRejectedAndClosed(
            request(b"DescribeLogGroups", body, b"Transfer-Encoding: chunked\r\n"),
            "Transfer-Encoding")
        self.assertRejectedAndClosed(
            b"POST / HTTP/1.0\r\nHost: x\r\nX-Amz-Target: Logs_20140328.DescribeLogGroups\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + body, "HTTP/1.0")

    def test_chunked_alone_is_served(self):
        responses = exchange(self.server, (
            b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.DescribeLogGroups\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
            b"2\r\n{}\r\n0\r\n\r\n"))
        self.assertEqual([r[0] for r in responses], [200])

    def test_host_header_is_required_once_in_http_1_1(self):
        self.assertRejectedAndClosed(request(b"DescribeLogGroups", b"{}", host=b""),
                                     "without a Host header")
        self.assertRejectedAndClosed(
            request(b"DescribeLogGroups", b"{}", host=b"Host: a\r\nHost: b\r\n"),
            "more than one Host header")
        # HTTP/1.0 has no Host requirement.
        responses = exchange(self.server, request(b"DescribeLogGroups", b"{}", version=b"HTTP/1.0",
                                                  host=b""))
        self.assertEqual([r[0] for r in responses], [200])

    def test_gzip_body_with_trailing_garbage_is_rejected(self):
        packed = gzip.compress(b"{}")
        for tail in [b"garbage", b"\x00", packed[:5]]:
            with self.subTest(tail=tail):
                responses = exchange(self.server, request(b"DescribeLogGroups", packed + tail,
                                                          b"Content-Encoding: gzip\r\n"))
                self.assertEqual(len(responses), 1)
                status, _, body = responses[0]
                self.assertEqual(status, 400, body)
                self.assertEqual(json.loads(body)["__type"], "SerializationException")
        # Several gzip members are one valid gzip body (RFC 1952).
        two = gzip.compress(b"{") + gzip.compress(b"}")
        responses = exchange(self.server, request(b"DescribeLogGroups", two,
                                                  b"Content-Encoding: gzip\r\n"))
        self.assertEqual([r[0] for r in responses], [200])


class DeadlinesTest(LimitsServer):
    """Headers and body have deadlines of their own, shorter than the idle timeout."""

    server_args = ["--idle-timeout-seconds", "30", "--header-timeout-seconds", "1",
            "--body-timeout-seconds", "1"]

    def test_dripped_headers_are_cut_off_by_the_header_deadline(self):
        socks = [connect(self.server) for _ in range(4)]
        try:
            for s in socks:
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
            closed, elapsed = h.drip_until_closed(socks, b"X-A: b\r\n", 8, pause=0.2)
            self.assertTrue(all(closed), f"still open after {elapsed:.1f} s")
            self.assertLess(elapsed, 4)
        finally:
            for s in socks:
                s.close()

    def test_dripped_body_is_cut_off_by_the_body_deadline(self):
        with connect(self.server) as s:
            s.sendall(request(b"DescribeLogGroups", b"{" + b" " * 98 + b"}")[:-90])
            closed, elapsed = h.drip_until_closed([s], b" ", 8, pause=0.2)
            self.assertTrue(all(closed), f"still open after {elapsed:.1f} s")
            self.assertLess(elapsed, 4)

    def test_a_quiet_keep_alive_connection_outlives_the_header_deadline(self):
        with connect(self.server) as s:
            s.sendall(request(b"DescribeLogGroups", b"{}"))
            pending = bytearray()
            self.assertEqual(recv_response(s, 10, pending)[0], 200)
            self.assertFalse(closed_by_server(s, 2.5))
            s.sendall(request(b"DescribeLogGroups", b"{}"))
            self.assertEqual(recv_response(s, 10, pending)[0], 200)


class ConnectionCapTest(LimitsServer):
    """At the cap a new client is served: the connection waiting longest for its request goes."""

    server_args = ["--max-connections", "16", "--header-timeout-seconds", "60"]

    def test_slow_loris_at_the_cap_does_not_lock_new_clients_out(self):
        socks, clients = [], []
        try:
            for _ in range(16):
                s = connect(self.server)
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)
            time.sleep(0.2)
            # New clients that keep their connections open: each takes one loris's place.
            for i in range(10):
                c = connect(self.server)
                clients.append(c)
                c.sendall(b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n")
                result = recv_response(c, 10)
                self.assertIsNotNone(result, f"new client {i} refused")
                self.assertEqual(result[0], 200)
            # The oldest incomplete requests were the ones evicted.
            closed = [closed_by_server(s, 0.2) for s in socks]
            self.assertEqual(closed, [True] * 10 + [False] * 6)
        finally:
            for s in socks + clients:
                s.close()


class PerAddressCapTest(LimitsServer):
    server_args = ["--max-connections-per-address", "4", "--header-timeout-seconds", "60"]

    def test_one_address_keeps_at_most_its_cap(self):
        socks = []
        try:
            for _ in range(6):
                s = connect(self.server)
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)
                time.sleep(0.05)
            closed = [closed_by_server(s, 0.5) for s in socks]
            self.assertEqual(closed, [True, True, False, False, False, False])
            self.assertTrue(health_ok(self.server))
        finally:
            for s in socks:
                s.close()


class MemoryBudgetTest(LimitsServer):
    """--max-buffered-bytes bounds the memory that clients who never read answers, or send
    huge bodies slowly, can make the server hold."""

    server_args = ["--max-buffered-bytes", str(8 << 20)]
    EVENT_BYTES = 200_000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        logs = cls.server.client()
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        now = h.now_ms()
        logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
            {"timestamp": now + i, "message": chr(65 + i) * cls.EVENT_BYTES} for i in range(5)])

    def test_clients_that_never_read_answers_hold_at_most_the_budget(self):
        # Each GetLogEvents answer is ~1 MB; 10 connections x 16 pipelined = 160 MB unbounded.
        body = json.dumps({"logGroupName": "g", "logStreamName": "s",
                           "startFromHead": True}).encode()
        one = request(b"GetLogEvents", body)
        before = rss_bytes(self.server)
        socks = []
        peak = before
        try:
            for _ in range(10):
                s = connect(self.server)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.setblocking(False)
                try:
                    s.send(one * 40)
                except BlockingIOError:
                    pass
                socks.append(s)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                peak = max(peak, rss_bytes(self.server))
                time.sleep(0.05)
            self.assertTrue(health_ok(self.server))
        finally:
            for s in socks:
                s.close()
        if SANITIZED:
            return
        self.assertLess(peak - before, 40 << 20, f"RSS grew from {before} to {peak}")
        # Once they are gone, the memory goes back to the system.
        deadline = time.monotonic() + 6
        while rss_bytes(self.server) - before > 16 << 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertLess(rss_bytes(self.server) - before, 16 << 20)

    def test_large_bodies_over_the_budget_get_service_unavailable(self):
        holders = []
        try:
            # Two half-sent 3.5 MB bodies (7 MB charged) leave no room for a third.
            for _ in range(2):
                s = connect(self.server)
                s.sendall(request(b"DescribeLogGroups", b" " * 3_500_000)[:-1_000_000])
                holders.append(s)
            time.sleep(0.3)
            responses = exchange(self.server, request(b"DescribeLogGroups",
                                                      b"{" + b" " * 2_000_000 + b"}"))
            self.assertEqual(len(responses), 1)
            status, _, body = responses[0]
            self.assertEqual(status, 500, body)
            self.assertEqual(json.loads(body)["__type"], "ServiceUnavailableException")
            # Small bodies are still served.
            responses = exchange(self.server, request(b"DescribeLogGroups", b"{}"))
            self.assertEqual([r[0] for r in responses], [200])
        finally:
            for s in holders:
                s.close()
        # With the holders gone, the large body fits again.
        deadline = time.monotonic() + 5
        while True:
            responses = exchange(self.server, request(b"DescribeLogGroups",
                                                      b"{" + b" " * 2_000_000 + b"}"))
            if [r[0] for r in responses] == [200] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual([r[0] for r in responses], [200])


if __name__ == "__main__":
    unittest.main()
