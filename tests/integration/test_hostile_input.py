"""Hostile input over raw HTTP (sockets and http.client, not botocore): broken framing, broken
JSON, wrong types in every field, numeric edge cases, NUL and invalid UTF-8, deep nesting, huge
bodies, unknown targets, missing headers, slow and greedy clients.

For every case: the answer is an AWS-shaped error (or, for framing the server cannot answer, a
closed connection), the server keeps serving, and the stored data is unchanged.
"""

import gzip
import http.client
import json
import socket
import time
import unittest

import cwlogd_harness as h

TARGET_PREFIX = "Logs_20140328."
JSON_CT = "application/x-amz-json-1.1"
CLIENT_ERRORS = {"SerializationException", "InvalidParameterException", "ValidationException",
                 "ResourceNotFoundException", "UnknownOperationException",
                 "InvalidSequenceTokenException", "MissingAuthenticationTokenException",
                 "NotFoundException"}


def recv_response(sock, timeout=10.0, pending=None):
    """Reads one HTTP response from a socket. Returns (status, headers, body) or None when the
    server closed the connection without answering. For several responses on one connection
    pass the same `pending` bytearray each time: bytes read past one response are kept there."""
    sock.settimeout(timeout)
    data = bytes(pending) if pending is not None else b""
    if pending is not None:
        pending.clear()

    def more():
        try:
            return sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return b""

    while b"\r\n\r\n" not in data:
        chunk = more()
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = more()
        if not chunk:
            break
        rest += chunk
    if pending is not None:
        pending.extend(rest[length:])
    return status, headers, rest[:length]


class HostileInputTest(h.ServerTestCase):
    """One server for all cases; the seed data is created once and must never change."""

    reset_between_tests = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed()

    @classmethod
    def seed(cls):
        cls.server.reset()
        cls.logs.create_log_group(logGroupName="seed")
        cls.logs.create_log_stream(logGroupName="seed", logStreamName="s")
        cls.logs.put_log_events(logGroupName="seed", logStreamName="s", logEvents=[
            {"timestamp": cls.SEED_BASE_MS + i, "message": f"seed event {i}"} for i in range(3)])
        cls.seed_snapshot = cls.snapshot_state()

    SEED_BASE_MS = h.now_ms() - 60_000

    @classmethod
    def snapshot_state(cls):
        groups = cls.logs.describe_log_groups()["logGroups"]
        streams = cls.logs.describe_log_streams(logGroupName="seed")["logStreams"]
        events = cls.logs.get_log_events(logGroupName="seed", logStreamName="s",
                                         startFromHead=True)["events"]
        return ([(g["logGroupName"], g.get("retentionInDays")) for g in groups],
                [s["logStreamName"] for s in streams],
                [(e["timestamp"], e["message"]) for e in events])

    # --- helpers -------------------------------------------------------------------------------

    def post(self, target, body, headers=None, content_type=JSON_CT):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        hdrs = {}
        if target is not None:
            hdrs["X-Amz-Target"] = target if "." in target or target == "" else TARGET_PREFIX + target
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.putrequest("POST", "/", skip_accept_encoding=True)
            for k, v in hdrs.items():
                conn.putheader(k, v)
            if "Content-Length" not in hdrs and "Transfer-Encoding" not in hdrs:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def raw(self, data, shutdown_write=True, timeout=10.0):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout) as s:
            try:
                s.sendall(data)
                if shutdown_write:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return recv_response(s, timeout)

    def assertStillServingAndUnchanged(self):
        status, _, body = self.server.http("GET", "/_cwlogd/health")
        self.assertEqual(status, 200, body)
        self.assertUnchanged()

    def assertUnchanged(self):
        now = self.snapshot_state()
        if now != self.seed_snapshot:
            # Put the seed back so one failure does not cascade into every later case.
            self.seed()
            self.fail(f"stored data changed: {now!r}")

    def assertAwsError(self, status, headers, body, types=None, http_status=400):
        self.assertEqual(status, http_status, body[:500])
        self.assertTrue(headers.get("content-type", "").startswith("application/x-amz-json-1.1"),
                        headers)
        self.assertIn("x-amzn-requestid", headers)
        doc = json.loads(body)
        self.assertIsInstance(doc.get("__type"), str, doc)
        self.assertIsInstance(doc.get("message"), str, doc)
        allowed = types if types is not None else CLIENT_ERRORS
        if isinstance(allowed, str):
            allowed = {allowed}
        self.assertIn(doc["__type"], allowed, doc)
        return doc

    def assertRejected(self, target, body, types=None, **kw):
        status, headers, resp = self.post(target, body, **kw)
        doc = self.assertAwsError(status, headers, resp, types)
        self.assertStillServingAndUnchanged()
        return doc

    def assertAnsweredOrClosed(self, result, statuses=(400, 411, 413, 431, 501, 505)):
        """For broken framing: either no answer (closed) or an AWS error with a 4xx status."""
        if result is None:
            return
        status, headers, body = result
        self.assertIn(status, statuses, body[:300])
        if body:
            doc = json.loads(body)
            self.assertIn("__type", doc)

    # --- JSON bodies ---------------------------------------------------------------------------

    def test_invalid_json_bodies(self):
        for body in [b"{", b"not json", b"[]", b"null", b'"str"', b"123", b"{}}", b'{"a":}',
                     b"{'logGroupName': 'x'}", b'{"logGroupName": "x",}', b"\xff\xfe{}",
                     b'{"logGroupName": "x"} trailing', b"\x00", b"{\x00}"]:
            with self.subTest(body=body):
                self.assertRejected("CreateLogGroup", body, {"SerializationException"})

    def test_empty_body_is_treated_as_no_members(self):
        # botocore sends "{}" for member-less operations; an empty body reads the same way.
        self.assertRejected("CreateLogGroup", b"",
                            {"InvalidParameterException", "ValidationException",
                             "SerializationException"})

    def test_invalid_utf8_inside_strings(self):
        # Bytes that are not UTF-8 are decoded as U+FFFD, as AWS does: a name then fails its
        # pattern; a message is stored with U+FFFD in their place.
        for raw_value in [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"]:
            body = b'{"logGroupName":"bad' + raw_value + b'"}'
            with self.subTest(value=raw_value):
                doc = self.assertRejected("CreateLogGroup", body, {"InvalidParameterException"})
                self.assertIn("\ufffd", doc["message"])
        self.logs.create_log_group(logGroupName="utf8-scratch")
        try:
            self.logs.create_log_stream(logGroupName="utf8-scratch", logStreamName="s")
            ts = h.now_ms()
            body = (b'{"logGroupName":"utf8-scratch","logStreamName":"s","logEvents":[{"timestamp":'
                    + str(ts).encode() + b',"message":"a\xffb\xc3"}]}')
            status, headers, resp = self.post("PutLogEvents", body)
            self.assertEqual(status, 200, resp)
            got = self.logs.get_log_events(logGroupName="utf8-scratch", logStreamName="s",
                                           startFromHead=True)["events"]
            self.assertEqual([e["message"] for e in got], ["a\ufffdb\ufffd"])
        finally:
            self.logs.delete_log_group(logGroupName="utf8-scratch")
        self.assertStillServingAndUnchanged()

    def test_lone_surrogate_escapes(self):
        for esc in [b"\\ud800", b"\\udfff", b"\\ud800x"]:
            with self.subTest(esc=esc):
                self.assertRejected("CreateLogGroup", b'{"logGroupName":"a' + esc + b'"}',
                                    {"SerializationException"})

    def test_nul_and_control_characters_in_names(self):
        for name in ["a\u0000b", "\u0000", "a\nb", "a\u0001", "seed\u0000"]:
            with self.subTest(name=name):
                # Group names are [.\-_/#A-Za-z0-9]+ (model pattern): rejected.
                self.assertRejected("CreateLogGroup", {"logGroupName": name},
                                    {"InvalidParameterException", "ValidationException"})
        # Stream names only exclude ':' and '*' ([^:*]*), so control characters are legal; they
        # must round-trip exactly. A scratch group keeps the seed untouched.
        self.logs.create_log_group(logGroupName="names-scratch")
        try:
            for name in ["a\u0000b", "\u0000", "a\nb", "a\u0001"]:
                with self.subTest(stream=name):
                    status, headers, body = self.post("CreateLogStream", {
                        "logGroupName": "names-scratch", "logStreamName": name})
                    if status != 200:
                        self.assertAwsError(status, headers, body)
                        continue
                    got = [s["logStreamName"] for s in self.logs.describe_log_streams(
                        logGroupName="names-scratch", logStreamNamePrefix=name)["logStreams"]]
                    self.assertIn(name, got)
        finally:
            self.logs.delete_log_group(logGroupName="names-scratch")
        self.assertRejected("CreateLogStream", {"logGroupName": "seed", "logStreamName": "a:b"},
                            {"InvalidParameterException", "ValidationException"})

    def test_nul_in_a_message_round_trips_byte_exact(self):
        # Not an error: CloudWatch accepts any Unicode in messages. Use a scratch group so the
        # seed stays untouched, and remove it afterwards.
        self.logs.create_log_group(logGroupName="nul-scratch")
        try:
            self.logs.create_log_stream(logGroupName="nul-scratch", logStreamName="s")
            msg = "a\u0000b\u0001c\u00e9\u2603\U0001F600"
            status, headers, body = self.post("PutLogEvents", {
                "logGroupName": "nul-scratch", "logStreamName": "s",
                "logEvents": [{"timestamp": h.now_ms(), "message": msg}]})
            self.assertEqual(status, 200, body)
            got = self.logs.get_log_events(logGroupName="nul-scratch", logStreamName="s",
                                           startFromHead=True)["events"]
            self.assertEqual([e["message"] for e in got], [msg])
        finally:
            self.logs.delete_log_group(logGroupName="nul-scratch")
        self.assertStillServingAndUnchanged()

    def test_deep_nesting(self):
        for depth in [100, 10_000, 100_000]:
            for opener, closer in [(b"[", b"]"), (b'{"a":', b"}")]:
                body = b'{"logGroupName":' + opener * depth + b"1" + closer * depth + b"}"
                with self.subTest(depth=depth, opener=opener):
                    self.assertRejected("CreateLogGroup", body, {"SerializationException"})
        # Unbalanced, too: an opening bracket flood with no end.
        self.assertRejected("CreateLogGroup", b"[" * 100_000, {"SerializationException"})

    def test_ten_megabyte_body(self):
        big = json.dumps({"logGroupName": "seed", "logStreamName": "s",
                          "logEvents": [{"timestamp": h.now_ms(), "message": "x" * (10 << 20)}]})
        status, headers, body = self.post("PutLogEvents", big)
        self.assertEqual(status, 413, body[:300])
        self.assertEqual(json.loads(body)["__type"], "SerializationException")
        self.assertStillServingAndUnchanged()

    def test_gzip_bomb_and_broken_gzip(self):
        bomb = gzip.compress(b'{"logGroupName":"' + b"a" * (64 << 20) + b'"}')
        status, headers, body = self.post("CreateLogGroup", bomb,
                                          headers={"Content-Encoding": "gzip"})
        self.assertIn(status, (400, 413), body[:300])
        self.assertIn(json.loads(body)["__type"], CLIENT_ERRORS)
        self.assertStillServingAndUnchanged()
        status, headers, body = self.post("CreateLogGroup", b"\x1f\x8b\x08\x00garbage",
                                          headers={"Content-Encoding": "gzip"})
        self.assertAwsError(status, headers, body)
        status, headers, body = self.post("CreateLogGroup", b"{}",
                                          headers={"Content-Encoding": "br"})
        self.assertAwsError(status, headers, body)
        self.assertStillServingAndUnchanged()

    # --- wrong types and numeric edges ---------------------------------------------------------

    WRONG_TYPE_VALUES = [1, -1, 1.5, True, [], {}, ["x"], {"a": 1}, "x" * 600]

    # (operation, a valid request, fields to corrupt). Every valid request here would itself
    # fail harmlessly or not mutate the seed, so a wrongly accepted corruption is visible.
    OPERATIONS = [
        ("CreateLogGroup", {"logGroupName": "new-group", "tags": {"k": "v"},
                            "kmsKeyId": "arn:aws:kms:us-east-1:000000000000:key/x",
                            "logGroupClass": "STANDARD"}),
        ("CreateLogStream", {"logGroupName": "seed", "logStreamName": "new-stream"}),
        ("PutLogEvents", {"logGroupName": "seed", "logStreamName": "s",
                          "logEvents": [{"timestamp": 0, "message": "m"}]}),
        ("PutRetentionPolicy", {"logGroupName": "seed", "retentionInDays": 1}),
        ("DeleteLogGroup", {"logGroupName": "seed"}),
        ("DeleteLogStream", {"logGroupName": "seed", "logStreamName": "s"}),
        ("GetLogEvents", {"logGroupName": "seed", "logStreamName": "s", "startTime": 0,
                          "endTime": 1, "limit": 10, "startFromHead": True, "nextToken": "t"}),
        ("FilterLogEvents", {"logGroupName": "seed", "logStreamNames": ["s"], "startTime": 0,
                             "endTime": 1, "filterPattern": "x", "limit": 10,
                             "interleaved": True, "nextToken": "t"}),
        ("DescribeLogGroups", {"logGroupNamePrefix": "s", "limit": 10, "nextToken": "t"}),
        ("DescribeLogStreams", {"logGroupName": "seed", "logStreamNamePrefix": "s",
                                "orderBy": "LogStreamName", "descending": True, "limit": 10,
                                "nextToken": "t"}),
    ]

    @staticmethod
    def _same_type(a, b):
        if isinstance(a, bool) or isinstance(b, bool):
            return isinstance(a, bool) and isinstance(b, bool)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return isinstance(a, int) == isinstance(b, int)
        return type(a) is type(b)

    def test_wrong_types_in_every_field(self):
        mutating = {"CreateLogGroup", "CreateLogStream", "PutLogEvents", "PutRetentionPolicy",
                    "DeleteLogGroup", "DeleteLogStream"}
        for op, valid in self.OPERATIONS:
            for field, good in valid.items():
                for bad in self.WRONG_TYPE_VALUES:
                    if self._same_type(bad, good):
                        continue
                    if isinstance(bad, str) and isinstance(good, str):
                        continue
                    body = dict(valid, **{field: bad})
                    with self.subTest(op=op, field=field, value=str(bad)[:20]):
                        status, headers, resp = self.post(op, body)
                        self.assertAwsError(status, headers, resp)
                        if op in mutating:
                            self.assertUnchanged()
            # Nested event fields of PutLogEvents.
        for field, bad_values in [("timestamp", ["1", None, [], {}, True]),
                                  ("message", [1, None, [], {}, True])]:
            for bad in bad_values:
                event = {"timestamp": h.now_ms(), "message": "m"}
                event[field] = bad
                with self.subTest(event_field=field, value=bad):
                    self.assertRejected("PutLogEvents", {"logGroupName": "seed",
                                                         "logStreamName": "s",
                                                         "logEvents": [event]})
        for events in [None, {}, "x", [1], [None], [[]]]:
            with self.subTest(logEvents=events):
                self.assertRejected("PutLogEvents", {"logGroupName": "seed", "logStreamName": "s",
                                                     "logEvents": events})
        self.assertStillServingAndUnchanged()

    def test_duplicate_members_and_fractions_are_refused(self):
        # Issue #14 item 9: no SDK sends these, so they go over raw HTTP. A member named twice
        # (at any depth) and a fraction in an integer member are SerializationException, with
        # one answer from the PutLogEvents parser and the parser of every other operation.
        ts = str(self.SEED_BASE_MS + 10)
        event = '{"timestamp":' + ts + ',"message":"dup"}'
        cases = [
            ("CreateLogGroup", '{"logGroupName":"a","logGroupName":"b"}',
             "Duplicate field 'logGroupName'"),
            ("CreateLogGroup", '{"logGroupName":"a","tags":{"k":"1","\\u006b":"2"}}',
             "Duplicate field 'k'"),
            ("PutRetentionPolicy", '{"logGroupName":"seed","retentionInDays":1,'
                                   '"retentionInDays":3}', "Duplicate field 'retentionInDays'"),
            ("PutLogEvents", '{"logGroupName":"seed","logGroupName":"seed","logStreamName":"s",'
                             '"logEvents":[' + event + ']}', "Duplicate field 'logGroupName'"),
            ("PutLogEvents", '{"logGroupName":"seed","logStreamName":"s","logEvents":['
                             '{"timestamp":' + ts + ',"message":"a","message":"b"}]}',
             "Duplicate field 'message'"),
            ("PutLogEvents", '{"logGroupName":"seed","logStreamName":"s","logEvents":['
                             '{"timestamp":' + ts + '.5,"message":"frac"}]}',
             "NUMBER_VALUE can not be converted to Long"),
            ("PutRetentionPolicy", '{"logGroupName":"seed","retentionInDays":1.5}',
             "NUMBER_VALUE can not be converted to Integer"),
            ("GetLogEvents", '{"logGroupName":"seed","logStreamName":"s","startTime":0.5}',
             "NUMBER_VALUE can not be converted to Long"),
        ]
        for op, body, message in cases:
            with self.subTest(op=op, body=body):
                status, headers, resp = self.post(op, body)
                doc = self.assertAwsError(status, headers, resp, "SerializationException")
                self.assertEqual(doc["message"], message)
                self.assertUnchanged()
        self.assertStillServingAndUnchanged()

    def test_numeric_edges(self):
        edges = ["9223372036854775807", "-9223372036854775808", "9223372036854775808",
                 "-9223372036854775809", "18446744073709551616", "1e400", "-1e400", "1e3",
                 "1.0", "-0", "0.0000001", "99999999999999999999999999999999999999999", "NaN",
                 "Infinity"]
        for edge in edges:
            for op, template in [
                ("PutLogEvents", '{"logGroupName":"seed","logStreamName":"s","logEvents":'
                                 '[{"timestamp":%s,"message":"edge"}]}'),
                ("PutRetentionPolicy", '{"logGroupName":"seed","retentionInDays":%s}'),
                ("GetLogEvents", '{"logGroupName":"seed","logStreamName":"s","limit":%s}'),
                ("GetLogEvents", '{"logGroupName":"seed","logStreamName":"s","startTime":%s,'
                                 '"endTime":%s}'),
                ("FilterLogEvents", '{"logGroupName":"seed","startTime":%s}'),
                ("DescribeLogGroups", '{"limit":%s}'),
            ]:
                body = template.replace("%s", edge)
                with self.subTest(op=op, edge=edge, body=body):
                    status, headers, resp = self.post(op, body)
                    if status == 200:
                        # Accepted edges must still not store anything (e.g. PutLogEvents
                        # answers rejectedLogEventsInfo for out-of-range timestamps).
                        doc = json.loads(resp)
                        if op == "PutLogEvents":
                            self.assertIn("rejectedLogEventsInfo", doc, doc)
                        if op == "PutRetentionPolicy":
                            # e.g. 1.0 -> 1 day (a whole number): legal, so restore.
                            got = self.logs.describe_log_groups()["logGroups"][0]
                            self.assertEqual(got.get("retentionInDays"), int(float(edge)))
                            self.seed()
                            continue
                    else:
                        self.assertAwsError(status, headers, resp)
                    self.assertUnchanged()
        self.assertStillServingAndUnchanged()

    def test_negative_timestamps_are_rejected_not_stored(self):
        for ts in [-1, -9223372036854775808, 0]:
            with self.subTest(ts=ts):
                status, headers, resp = self.post("PutLogEvents", {
                    "logGroupName": "seed", "logStreamName": "s",
                    "logEvents": [{"timestamp": ts, "message": "old"}]})
                if status == 200:
                    self.assertIn("tooOldLogEventEndIndex",
                                  json.loads(resp).get("rejectedLogEventsInfo", {}))
                else:
                    self.assertAwsError(status, headers, resp)
                self.assertStillServingAndUnchanged()

    # --- routing and headers -------------------------------------------------------------------

    def test_unknown_targets(self):
        for target in ["Logs_20140328.NoSuchOperation", "Logs_20140328.", "Logs_20140328",
                       "Foo.Bar", "logs_20140328.CreateLogGroup", "Logs_20140328.CreateLogGroup2",
                       "Logs_20140328." + "A" * 5000]:
            with self.subTest(target=target[:40]):
                self.assertRejected(target, {"logGroupName": "x"}, {"UnknownOperationException"})
        # A control character makes the header itself malformed HTTP.
        self.assertRejected("Logs_20140328.Create\x7fLogGroup", {"logGroupName": "x"},
                            {"UnknownOperationException", "SerializationException"})

    def test_missing_headers(self):
        # No X-Amz-Target.
        self.assertRejected(None, {"logGroupName": "x"}, {"UnknownOperationException"})
        # Empty X-Amz-Target.
        self.assertRejected("", {"logGroupName": "x"}, {"UnknownOperationException"})
        # No Content-Type: still a Logs request (botocore always sends it, AWS tolerates it).
        status, headers, body = self.post("DescribeLogGroups", {}, content_type=None)
        self.assertEqual(status, 200, body)
        # No Content-Length and no Transfer-Encoding: the body is empty.
        result = self.raw(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.CreateLogGroup"
                          b"\r\nContent-Type: application/x-amz-json-1.1\r\nConnection: close"
                          b"\r\n\r\n")
        self.assertIsNotNone(result)
        self.assertAwsError(*result)
        self.assertStillServingAndUnchanged()

    def test_wrong_methods_and_paths(self):
        for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]:
            with self.subTest(method=method):
                status, headers, body = self.server.http(method, "/", body=b"{}" if method in (
                    "PUT", "PATCH") else None, headers={
                        "X-Amz-Target": "Logs_20140328.DeleteLogGroup"})
                self.assertGreaterEqual(status, 400)
                self.assertLess(status, 500)
        status, headers, body = self.server.http("POST", "/_cwlogd/../_cwlogd/reset",
                                                 body=b"{}")
        self.assertStillServingAndUnchanged()

    # --- HTTP framing --------------------------------------------------------------------------

    def _request_head(self, extra=b"", target=b"Logs_20140328.CreateLogGroup"):
        return (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: " + target +
                b"\r\nContent-Type: application/x-amz-json-1.1\r\n" + extra)

    def test_truncated_body(self):
        result = self.raw(self._request_head(b"Content-Length: 100\r\n\r\n") +
                          b'{"logGroupName":"trunc')
        self.assertAnsweredOrClosed(result)
        self.assertStillServingAndUnchanged()

    def test_chunked_bodies(self):
        good = self.raw(self._request_head(b"Transfer-Encoding: chunked\r\n\r\n",
                                           b"Logs_20140328.DescribeLogGroups") +
                        b"1\r\n{\r\n1\r\n}\r\n0\r\n\r\n")
        self.assertIsNotNone(good)
        self.assertEqual(good[0], 200, good)
        for chunks in [b"zz\r\n{}\r\n0\r\n\r\n",                       # bad size
                       b"ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",     # size overflow
                       b"2\r\n{}\r\n",                                  # no last chunk
                       b"5\r\n{}\r\n0\r\n\r\n",                         # size larger than data
                       b"2;" + b"e" * 100_000 + b"\r\n{}\r\n0\r\n\r\n",  # huge extension
                       b"-2\r\n{}\r\n0\r\n\r\n"]:
            with self.subTest(chunks=chunks[:30]):
                result = self.raw(self._request_head(b"Transfer-Encoding: chunked\r\n\r\n") +
                                  chunks)
                self.assertAnsweredOrClosed(result)
                self.assertStillServingAndUnchanged()

    def test_bad_content_length_and_smuggling(self):
        for extra in [b"Content-Length: -1\r\n\r\n{}",
                      b"Content-Length: 99999999999999999999999\r\n\r\n{}",
                      b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x",
                      b"Content-Length: abc\r\n\r\n{}",
                      b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                      b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                      b"Content-Length: 1073741824\r\n\r\n{}"]:
            with self.subTest(extra=extra[:50]):
                result = self.raw(self._request_head(extra))
                self.assertAnsweredOrClosed(result, statuses=(400, 411, 413, 431, 501))
                self.assertStillServingAndUnchanged()

    def test_garbage_and_oversized_request_heads(self):
        for data in [b"\x00\x01\x02\x03\r\n\r\n", b"GET\r\n\r\n", b"POST / HTTP/9.9\r\n\r\n",
                     b"POST " + b"/" * 100_000 + b" HTTP/1.1\r\n\r\n",
                     self._request_head(b"X-Big: " + b"a" * 200_000 + b"\r\n\r\n"),
                     self._request_head(b"".join(b"X-H%d: v\r\n" % i for i in range(20_000)) +
                                        b"\r\n"),
                     self._request_head(b"Bad Header Name: v\r\n\r\n"),
                     self._request_head(b"X-Nul: a\x00b\r\nContent-Length: 2\r\n\r\n{}")]:
            with self.subTest(data=data[:40]):
                result = self.raw(data)
                self.assertAnsweredOrClosed(result)
                self.assertStillServingAndUnchanged()

    def test_pipelined_requests_are_answered_in_order(self):
        n = 100
        req = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.GetLogEvents\r\n"
               b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s")
        # Response i must hold exactly (i % 3) + 1 events: answers out of order would show.
        bodies = [json.dumps({"logGroupName": "seed", "logStreamName": "s", "startFromHead": True,
                              "limit": i % 3 + 1}).encode() for i in range(n)]
        data = b"".join(req % (len(b), b) for b in bodies)
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
            s.sendall(data)
            pending = bytearray()
            for i in range(n):
                result = recv_response(s, 30, pending)
                self.assertIsNotNone(result, f"response {i} missing")
                status, _, body = result
                self.assertEqual(status, 200, body)
                self.assertEqual(len(json.loads(body)["events"]), i % 3 + 1, f"response {i}")
        self.assertStillServingAndUnchanged()


class SlowAndGreedyClientsTest(h.ServerTestCase):
    """Limits that need their own server (small timeouts and connection cap)."""

    server_args = ["--idle-timeout-seconds", "2", "--header-timeout-seconds", "2",
                   "--max-connections", "32"]
    reset_between_tests = False

    def health(self):
        status, _, body = self.server.http("GET", "/_cwlogd/health", timeout=10)
        self.assertEqual(status, 200, body)

    def test_slow_loris_is_cut_off_by_the_header_deadline(self):
        socks = []
        try:
            for _ in range(8):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)
            # Keep dripping one header byte per 0.5 s: the request deadline must still expire.
            closed, elapsed = h.drip_until_closed(socks, b"X", 8)
            self.assertTrue(all(closed), f"slow connections still open after {elapsed:.1f} s")
            self.assertLess(elapsed, 6)
        finally:
            for s in socks:
                s.close()
        self.health()

    def test_connections_beyond_the_cap_evict_the_oldest_and_service_continues(self):
        socks = []
        try:
            for _ in range(64):
                socks.append(socket.create_connection(("127.0.0.1", self.server.port), timeout=10))
                time.sleep(0.01)
            time.sleep(0.3)
            # Each connection over the cap took the place of the one waiting longest.
            evicted = 0
            for s in socks[:32]:
                s.settimeout(2)
                try:
                    if s.recv(1) == b"":
                        evicted += 1
                except ConnectionResetError:
                    evicted += 1
                except socket.timeout:
                    pass
            self.assertGreaterEqual(evicted, 30)
            self.health()
        finally:
            for s in socks:
                s.close()
        # Once the flood is gone, normal clients are served again.
        deadline = time.monotonic() + 5
        while True:
            try:
                self.health()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


if __name__ == "__main__":
    unittest.main()
