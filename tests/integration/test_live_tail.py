"""StartLiveTail against the real server with real clients (docs/live.md): boto3 iterating the
response stream, the aws CLI v1 `logs start-live-tail`, the JS SDK's StartLiveTailCommand, and
`aws logs tail --follow` (CLI v2, FilterLogEvents polling). Every client is told not to put the
`stream-` host prefix in front of 127.0.0.1 (the ways differ per client; docs/live.md)."""

import json
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import botocore.exceptions
from botocore.config import Config

import cwlogd_harness as h
from cwlogd_harness import ServerTestCase, find_aws_v1, find_aws_v2, now_ms
from test_tls import make_cert, start_tls_server

# Timing assertions are generous (the goal, "within 1 s", is measured in bench/).
SEEN_WITHIN_S = 5.0 * h.TIMEOUT_SCALE


def cli_env(home):
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": h.DEFAULT_REGION, "AWS_REGION": h.DEFAULT_REGION, "AWS_PAGER": "",
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true", "HOME": home,
    })
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE",
                "AWS_DISABLE_HOST_PREFIX_INJECTION"):
        env.pop(var, None)
    return env


class Tail:
    """One boto3 live-tail session read on a thread: `items` receives each event of the response
    stream, then ("end", None) or ("error", exception)."""

    def __init__(self, client, **params):
        self.response = client.start_live_tail(**params)
        self.stream = self.response["responseStream"]
        self.items = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for event in self.stream:
                self.items.put(event)
            self.items.put(("end", None))
        except Exception as e:  # noqa: BLE001 - handed to the test thread
            self.items.put(("error", e))

    def next(self, timeout=10):
        return self.items.get(timeout=timeout)

    def session_start(self):
        item = self.next()
        if "sessionStart" not in item:
            raise AssertionError(f"first event is not sessionStart: {item}")
        return item["sessionStart"]

    def results_until(self, predicate, timeout):
        """sessionResults of the updates read until predicate(all results so far) holds."""
        results = []
        deadline = time.monotonic() + timeout
        while not predicate(results):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not seen within {timeout} s; got {results}")
            item = self.next(timeout=left)
            if not isinstance(item, dict):
                raise AssertionError(f"stream ended: {item}")
            results.extend(item["sessionUpdate"]["sessionResults"])
        return results

    def close(self):
        self.stream.close()


class LiveTailTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        # inject_host_prefix=False: botocore would otherwise send to http://stream-127.0.0.1.
        self.tail_client = self.tail_client_for(self.server)
        if not h.boto3_knows_recent_logs_model(self.tail_client):
            self.skipTest("this botocore predates StartLiveTail (botocore >= 1.34.x has it)")
        self.tails = []

    def tearDown(self):
        for t in self.tails:
            t.close()
        super().tearDown()

    @staticmethod
    def tail_client_for(server):
        import boto3
        return boto3.session.Session().client(
            "logs", endpoint_url=server.endpoint, region_name=h.DEFAULT_REGION,
            aws_access_key_id="test", aws_secret_access_key="test", verify=server.ca_bundle,
            config=Config(inject_host_prefix=False, retries={"max_attempts": 1},
                          read_timeout=60))

    def tail(self, **params):
        t = Tail(self.tail_client, **params)
        self.tails.append(t)
        return t

    def test_session_start_then_events_put_after_it(self):
        self.make_stream("/live/app", "web-1")
        self.put("/live/app", "web-1", [(now_ms(), "before the session")])
        t = self.tail(logGroupIdentifiers=["/live/app"])
        start = t.session_start()
        self.assertEqual(start["logGroupIdentifiers"], ["/live/app"])
        self.assertTrue(start["sessionId"])
        self.assertTrue(start["requestId"])
        self.assertNotIn("logStreamNames", start)
        self.assertEqual(t.response["ResponseMetadata"]["HTTPHeaders"]["content-type"],
                         "application/vnd.amazon.eventstream")
        ts = now_ms()
        put_at = time.monotonic()
        self.put("/live/app", "web-1", [(ts, "first"), (ts + 1, "second")])
        results = t.results_until(lambda r: len(r) >= 2, SEEN_WITHIN_S)
        self.assertLess(time.monotonic() - put_at, SEEN_WITHIN_S)
        self.assertEqual([r["message"] for r in results], ["first", "second"])
        r = results[0]
        self.assertEqual(r["logStreamName"], "web-1")
        self.assertEqual(r["logGroupIdentifier"], "/live/app")
        self.assertEqual(r["timestamp"], ts)
        self.assertGreaterEqual(r["ingestionTime"], ts - 1000)

    def test_streams_over_tls(self):
        # The streaming mode over the TLS session (its writes and its watching read share one
        # SSL stream).
        cert_dir = tempfile.mkdtemp(prefix="cwlogd-itest-live-tls-")
        server = None
        try:
            cert, key = make_cert(cert_dir, "server")
            server = start_tls_server(cert, key)
            logs = server.client()
            logs.create_log_group(logGroupName="tls-live")
            logs.create_log_stream(logGroupName="tls-live", logStreamName="s")
            t = Tail(self.tail_client_for(server), logGroupIdentifiers=["tls-live"])
            self.tails.append(t)
            t.session_start()
            ts = now_ms()
            logs.put_log_events(logGroupName="tls-live", logStreamName="s",
                                logEvents=[{"timestamp": ts, "message": "over tls"}])
            results = t.results_until(lambda r: len(r) >= 1, SEEN_WITHIN_S)
            self.assertEqual([(r["message"], r["timestamp"]) for r in results],
                             [("over tls", ts)])
            t.close()
            self.tails.remove(t)
        finally:
            if server is not None:
                server.discard()
            shutil.rmtree(cert_dir, ignore_errors=True)

    def test_group_arn_is_accepted_and_echoed(self):
        self.make_stream("arn-group", "s")
        arn = self.logs.describe_log_groups(logGroupNamePrefix="arn-group")["logGroups"][0][
            "logGroupArn"]
        t = self.tail(logGroupIdentifiers=[arn])
        self.assertEqual(t.session_start()["logGroupIdentifiers"], [arn])
        self.put("arn-group", "s", [(now_ms(), "via arn")])
        results = t.results_until(lambda r: len(r) >= 1, SEEN_WITHIN_S)
        self.assertEqual(results[0]["logGroupIdentifier"], arn)

    def test_updates_come_every_second_even_without_events(self):
        self.make_stream("quiet", "s")
        t = self.tail(logGroupIdentifiers=["quiet"])
        t.session_start()
        started = time.monotonic()
        updates = [t.next(timeout=5), t.next(timeout=5), t.next(timeout=5)]
        elapsed = time.monotonic() - started
        for u in updates:
            self.assertEqual(u, {"sessionUpdate": {"sessionMetadata": {"sampled": False},
                                                   "sessionResults": []}})
        # Three heartbeats, about a second apart.
        self.assertGreater(elapsed, 1.5)
        self.assertLess(elapsed, 3.0 * 2)

    def test_filter_pattern_and_stream_names_select_events(self):
        self.make_stream("sel", "web-1")
        self.make_stream("sel", "web-2")
        self.make_stream("sel", "db-1")
        by_name = self.tail(logGroupIdentifiers=["sel"], logStreamNames=["web-1"],
                            logEventFilterPattern="ERROR")
        by_prefix = self.tail(logGroupIdentifiers=["sel"], logStreamNamePrefixes=["web-"])
        start = by_name.session_start()
        self.assertEqual(start["logStreamNames"], ["web-1"])
        self.assertEqual(start["logEventFilterPattern"], "ERROR")
        self.assertEqual(by_prefix.session_start()["logStreamNamePrefixes"], ["web-"])
        ts = now_ms()
        self.put("sel", "web-1", [(ts, "ERROR on web-1"), (ts, "INFO on web-1")])
        self.put("sel", "web-2", [(ts, "ERROR on web-2")])
        self.put("sel", "db-1", [(ts, "ERROR on db-1"), (ts + 1, "last")])
        got = by_name.results_until(lambda r: len(r) >= 1, SEEN_WITHIN_S)
        got2 = by_prefix.results_until(lambda r: len(r) >= 3, SEEN_WITHIN_S)
        # One more update each: nothing else arrives.
        got += by_name.next(timeout=5)["sessionUpdate"]["sessionResults"]
        got2 += by_prefix.next(timeout=5)["sessionUpdate"]["sessionResults"]
        self.assertEqual([r["message"] for r in got], ["ERROR on web-1"])
        self.assertEqual(sorted(r["message"] for r in got2),
                         ["ERROR on web-1", "ERROR on web-2", "INFO on web-1"])

    def test_validation_errors(self):
        self.make_stream("v1", "s")
        self.make_stream("v2", "s")
        c = self.tail_client
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value '[g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10]' "
            "at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length "
            "less than or equal to 10",
            c.start_live_tail, logGroupIdentifiers=[f"g{i}" for i in range(11)])
        self.assertClientError(
            "InvalidParameterException",
            "Only one of logStreamNames or logStreamNamePrefixes can be provided.",
            c.start_live_tail, logGroupIdentifiers=["v1"], logStreamNames=["s"],
            logStreamNamePrefixes=["s"])
        self.assertClientError(
            "InvalidParameterException",
            "logStreamNames and logStreamNamePrefixes can only be used with a single log group.",
            c.start_live_tail, logGroupIdentifiers=["v1", "v2"], logStreamNames=["s"])
        self.assertClientError(
            "ResourceNotFoundException", "The specified log group does not exist.",
            c.start_live_tail, logGroupIdentifiers=["v1", "missing"])
        self.assertClientError(
            "InvalidParameterException", "Invalid filter pattern: Invalid character(s) in term '\"\"'",
            c.start_live_tail, logGroupIdentifiers=["v1"], logEventFilterPattern='""')

    def test_session_timeout_after_three_hours_ends_the_stream(self):
        self.make_stream("long", "s")
        t = self.tail(logGroupIdentifiers=["long"])
        t.session_start()
        try:
            self.server.set_clock_offset(3 * 3600 * 1000 + 1000)
            deadline = time.monotonic() + 5
            while True:
                item = t.next(timeout=max(0.1, deadline - time.monotonic()))
                if not isinstance(item, dict):
                    break
        finally:
            self.server.set_clock_offset(0)
        kind, error = item
        self.assertEqual(kind, "error")
        self.assertIsInstance(error, botocore.exceptions.EventStreamError)
        self.assertEqual(error.response["Error"]["Code"], "SessionTimeoutException")
        self.assertIn("3 hours", error.response["Error"]["Message"])

    def test_a_client_that_never_reads_does_not_slow_ingest(self):
        self.make_stream("busy", "s")

        def put_rate(seconds):
            n = 0
            msg = "x" * 200
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                self.logs.put_log_events(logGroupName="busy", logStreamName="s", logEvents=[
                    {"timestamp": now_ms(), "message": msg} for _ in range(500)])
                n += 1
            return n / seconds

        baseline = put_rate(2)
        # A raw connection that asks for a live tail and then never reads a byte.
        body = json.dumps({"logGroupIdentifiers": ["busy"]}).encode()
        sock = socket.create_connection(("127.0.0.1", self.server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.StartLiveTail\r\n"
                     b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)
        try:
            with_stalled = put_rate(4)
        finally:
            sock.close()
        # Ingest is not held back by the reader (generous: machines are noisy).
        self.assertGreater(with_stalled, baseline * 0.5, (baseline, with_stalled))

    def test_server_shutdown_ends_the_stream_promptly(self):
        self.make_stream("stop", "s")
        t = self.tail(logGroupIdentifiers=["stop"])
        t.session_start()
        started = time.monotonic()
        try:
            code = self.server.stop()  # SIGTERM; returns once the process has exited
            elapsed = time.monotonic() - started
            item = t.next(timeout=8)
            while isinstance(item, dict):
                item = t.next(timeout=8)
        finally:
            self.server.start()
            type(self).logs = self.server.client()
            type(self).recent_logs = self.server.recent_client()
            self.logs = type(self).logs
            self.tail_client = self.tail_client_for(self.server)
        self.assertEqual(code, 0)
        kind, error = item
        self.assertEqual(kind, "error")
        self.assertEqual(error.response["Error"]["Code"], "SessionStreamingException")
        self.assertLess(elapsed, 3.0 * h.TIMEOUT_SCALE)

    def test_aws_cli_v1_start_live_tail(self):
        cli = find_aws_v1()
        if cli is None:
            self.skipTest("aws CLI v1 not installed")
        self.make_stream("cli", "s")
        home = tempfile.mkdtemp(prefix="cwlogd-livetail-cli-")
        env = cli_env(home)
        env["AWS_MAX_ATTEMPTS"] = "1"
        argv = [cli, "--endpoint-url", self.server.endpoint, "logs", "start-live-tail",
                "--log-group-identifiers", "cli"]
        # As a new user first tries it: the CLI puts stream- in front of the host.
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(f'Could not connect to the endpoint URL: "http://stream-127.0.0.1:'
                      f'{self.server.port}/"', proc.stderr)
        # With host prefix injection off (docs/live.md) it streams the messages as they come.
        env["AWS_DISABLE_HOST_PREFIX_INJECTION"] = "true"
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            time.sleep(3)  # the CLI's start-up and the session's
            self.put("cli", "s", [(now_ms(), "seen by the CLI")])
            time.sleep(3)
            self.server.set_clock_offset(3 * 3600 * 1000 + 1000)
            out, err = proc.communicate(timeout=20)
        finally:
            self.server.set_clock_offset(0)
            if proc.poll() is None:
                proc.kill()
        self.assertIn("seen by the CLI", out, err)
        # The CLI's live-tail printer writes the exception that ends the stream to stdout.
        self.assertIn("SessionTimeoutException", out, err)

    def test_js_sdk_start_live_tail(self):
        self.make_stream("js", "s")
        node_dir = h.js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, GROUP="js", STREAM="s")
        proc = subprocess.run(["node", os.path.join(node_dir, "live_tail.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(result["kinds"][0], "sessionStart")
        self.assertEqual(result["sessionStart"]["logGroupIdentifiers"], ["js"])
        self.assertIsNotNone(result["found"], result)
        self.assertEqual(result["found"]["logStreamName"], "s")
        self.assertLess(result["seenAfterMs"], SEEN_WITHIN_S * 1000)
        self.assertEqual(result["missing"], "ResourceNotFoundException")

    def test_aws_cli_v2_logs_tail_follow_shows_each_new_event_once(self):
        cli = find_aws_v2()
        if cli is None:
            self.skipTest("aws CLI v2 not installed")
        self.make_stream("follow", "s")
        home = tempfile.mkdtemp(prefix="cwlogd-livetail-v2-")
        proc = subprocess.Popen(
            [cli, "--endpoint-url", self.server.endpoint, "--no-cli-pager", "logs", "tail",
             "follow", "--follow", "--format", "short"],
            env=cli_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sent = []
        try:
            time.sleep(2)
            for batch in range(6):
                ts = now_ms()
                msgs = [f"follow-{batch}-{i}" for i in range(3)]
                # Same timestamp within a batch: the CLI must not drop or repeat ties.
                self.put("follow", "s", [(ts, m) for m in msgs])
                sent += msgs
                time.sleep(1.2)
            time.sleep(8)  # the CLI polls FilterLogEvents every few seconds
        finally:
            proc.terminate()
            out, err = proc.communicate(timeout=20)
        shown = [line.split(" ", 1)[1] for line in out.splitlines() if " " in line]
        self.assertEqual(shown, sent, err)


if __name__ == "__main__":
    unittest.main()
