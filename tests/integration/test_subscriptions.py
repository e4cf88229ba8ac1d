"""Subscription filters: Put/Describe/DeleteSubscriptionFilter through boto3 (happy paths,
validation, the two-per-group limit, paging), one sample each with the aws CLI and the JS SDK, and
real delivery: a Python HTTP receiver that decodes what a Lambda would receive, a log-group target,
the CONTROL_MESSAGE, retries after HTTP 500, and a ledger test that kills cwlogd (kill -9) and the
receiver several times while events flow and then checks that nothing was lost."""

import base64
import gzip
import http.server
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from cwlogd_harness import (NODE_DIR, AwsCli, ServerTestCase, find_aws_v1, js_sdk_dir,
                            start_server)

ACCOUNT = "000000000000"
REGION = "us-east-1"
LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sink"
FLAKY = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:flaky"
UNMAPPED = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nowhere"
KINESIS_TO_GROUP = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/to-group"
KINESIS_CENTRAL = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/central"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/CWLtoKinesis"
WAIT_S = 15


def wait_for(predicate, timeout=WAIT_S, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that takes what a Lambda receives from CloudWatch Logs:
    POST {"awslogs": {"data": base64(gzip(json))}}. It decodes every payload it accepts into
    `docs` (with the `epoch` set by the test at that moment). `fail_next` answers that many
    POSTs with HTTP 500 first. stop() closes the port and every open connection, as a killed
    process would; start() binds the same port again."""

    def __init__(self):
        self.port = 0
        self.docs = []
        self.attempts = 0
        self.fail_next = 0
        self.epoch = 0
        self.lock = threading.Lock()
        self.server = None
        self.connections = set()

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept-alive connections, as a real endpoint

            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.connections.add(self.connection)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.attempts += 1
                    fail = receiver.fail_next > 0
                    if fail:
                        receiver.fail_next -= 1
                    else:
                        outer = json.loads(body)
                        data = base64.b64decode(outer["awslogs"]["data"], validate=True)
                        text = gzip.decompress(data).decode("utf-8")
                        receiver.docs.append({"epoch": receiver.epoch, "outer": outer,
                                              "text": text, "doc": json.loads(text)})
                answer = b'{"error":"busy"}' if fail else b"{}"
                self.send_response(500 if fail else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client (cwlogd) killed mid-connection: expected here

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for c in self.connections:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections.clear()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/invoke"

    def clear(self):
        with self.lock:
            self.docs.clear()
            self.attempts = 0
            self.fail_next = 0

    def data_docs(self):
        with self.lock:
            return [d["doc"] for d in self.docs if d["doc"]["messageType"] == "DATA_MESSAGE"]

    def control_docs(self):
        with self.lock:
            return [d["doc"] for d in self.docs if d["doc"]["messageType"] == "CONTROL_MESSAGE"]

    def messages(self):
        return [e["message"] for d in self.data_docs() for e in d["logEvents"]]


def write_targets(mapping):
    fd, path = tempfile.mkstemp(prefix="cwlogd-subscription-targets-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(mapping, f)
    return path


class SubscriptionTestCase(ServerTestCase):
    """One receiver for the sink Lambda, one for the flaky one, and a Kinesis stream that maps to
    the log group `collected`; the Kinesis stream `central` (a Logs destination's target) goes to
    the sink too."""

    @classmethod
    def setUpClass(cls):
        cls.sink = Receiver().start()
        cls.flaky = Receiver().start()
        cls.targets_file = write_targets({
            LAMBDA: {"url": cls.sink.url},
            FLAKY: {"url": cls.flaky.url},
            KINESIS_TO_GROUP: {"logGroup": "collected"},
            KINESIS_CENTRAL: {"url": cls.sink.url},
        })
        cls.server_args = ["--subscription-targets", cls.targets_file]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.sink.stop()
        cls.flaky.stop()
        os.unlink(cls.targets_file)

    def setUp(self):
        super().setUp()
        self.sink.clear()
        self.flaky.clear()

    def subscribe(self, group="app", name="errors", pattern="", destination=LAMBDA, client=None,
                  **kw):
        return (client or self.logs).put_subscription_filter(
            logGroupName=group, filterName=name, filterPattern=pattern, destinationArn=destination,
            **kw)


class FilterOperationsTest(SubscriptionTestCase):
    def test_put_describe_update_delete(self):
        # applyOnTransformedLogs is newer than Debian 12's botocore: the recent-model client.
        logs = self.recent_logs
        logs.create_log_group(logGroupName="app")
        before = int(time.time() * 1000)
        self.subscribe(pattern="ERROR", client=logs)
        self.subscribe(name="to-kinesis", pattern="[ip, user, status=5*]",
                       destination=KINESIS_TO_GROUP, roleArn=ROLE, distribution="Random",
                       client=logs)
        filters = logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"]
        self.assertEqual([f["filterName"] for f in filters], ["errors", "to-kinesis"])
        created = filters[0]["creationTime"]
        self.assertGreaterEqual(created, before - 1000)
        self.assertEqual(filters[0], {
            "filterName": "errors", "logGroupName": "app", "filterPattern": "ERROR",
            "destinationArn": LAMBDA, "distribution": "ByLogStream",
            "applyOnTransformedLogs": False, "creationTime": created})
        self.assertEqual(filters[1]["roleArn"], ROLE)
        self.assertEqual(filters[1]["distribution"], "Random")
        # The same name replaces the settings; the creation time stays.
        self.subscribe(pattern="WARN", applyOnTransformedLogs=True, client=logs)
        f = logs.describe_subscription_filters(logGroupName="app",
                                               filterNamePrefix="err")["subscriptionFilters"]
        self.assertEqual(len(f), 1)
        self.assertEqual((f[0]["filterPattern"], f[0]["applyOnTransformedLogs"],
                          f[0]["creationTime"]), ("WARN", True, created))
        # A third filter: AWS's fixed limit of two per group; updating one of the two still works.
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.subscribe, name="third")
        self.subscribe(name="to-kinesis", pattern="", destination=LAMBDA)
        self.logs.delete_subscription_filter(logGroupName="app", filterName="errors")
        self.assertClientError("ResourceNotFoundException",
                               "The specified subscription filter does not exist.",
                               self.logs.delete_subscription_filter, logGroupName="app",
                               filterName="errors")
        self.subscribe(name="third")  # room again
        names = [f["filterName"] for f in
                 self.logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"]]
        self.assertEqual(names, ["third", "to-kinesis"])

    def test_missing_group(self):
        for call, kw in ((self.subscribe, {"group": "nope"}),
                         (self.logs.describe_subscription_filters, {"logGroupName": "nope"}),
                         (self.logs.delete_subscription_filter,
                          {"logGroupName": "nope", "filterName": "f"})):
            self.assertClientError("ResourceNotFoundException",
                                   "The specified log group does not exist.", call, **kw)

    def test_no_filters_and_group_deletion(self):
        self.logs.create_log_group(logGroupName="app")
        empty = self.logs.describe_subscription_filters(logGroupName="app")
        self.assertEqual(empty["subscriptionFilters"], [])
        self.assertNotIn("nextToken", empty)
        self.subscribe()
        self.logs.delete_log_group(logGroupName="app")
        self.logs.create_log_group(logGroupName="app")
        # The filters went with the group.
        self.assertEqual(
            self.logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"], [])

    def test_paging(self):
        self.logs.create_log_group(logGroupName="app")
        self.subscribe(name="b")
        self.subscribe(name="a")
        first = self.logs.describe_subscription_filters(logGroupName="app", limit=1)
        self.assertEqual([f["filterName"] for f in first["subscriptionFilters"]], ["a"])
        second = self.logs.describe_subscription_filters(logGroupName="app", limit=1,
                                                         nextToken=first["nextToken"])
        self.assertEqual([f["filterName"] for f in second["subscriptionFilters"]], ["b"])
        self.assertNotIn("nextToken", second)
        pages = self.logs.get_paginator("describe_subscription_filters").paginate(
            logGroupName="app", PaginationConfig={"PageSize": 1})
        self.assertEqual([f["filterName"] for p in pages for f in p["subscriptionFilters"]],
                         ["a", "b"])
        # A token is bound to its query.
        self.logs.create_log_group(logGroupName="other")
        self.assertClientError("InvalidParameterException", None,
                               self.logs.describe_subscription_filters, logGroupName="other",
                               nextToken=first["nextToken"])

    def test_destination_checks(self):
        self.logs.create_log_group(logGroupName="app")
        self.assertClientError("InvalidParameterException",
                               "destinationArn for vendor kinesis cannot be used without roleArn",
                               self.subscribe, destination=KINESIS_TO_GROUP)
        self.assertClientError(
            "InvalidParameterException",
            "destinationArn for vendor firehose cannot be used without roleArn",
            self.subscribe,
            destination=f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/s")
        foreign = f"arn:aws:lambda:{REGION}:999999999999:function:theirs"
        message = ("Cross-account lambda invocation passing is not allowed. You must use "
                   "DestinationPolicies to create cross account lambda triggers.")
        self.assertClientError("AccessDeniedException", message, self.subscribe,
                               destination=foreign)
        # Checked before the group: a missing group still gets it.
        self.assertClientError("AccessDeniedException", message, self.subscribe, group="nope",
                               destination=foreign)
        self.assertClientError("ResourceNotFoundException",
                               "The specified destination does not exist.", self.subscribe,
                               destination=f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:none")
        self.assertClientError("InvalidParameterException", re.compile("Invalid destinationArn.*"),
                               self.subscribe, destination="not-an-arn")
        self.assertClientError("InvalidParameterException", re.compile("Invalid destinationArn.*"),
                               self.subscribe, destination="arn:aws:s3:::bucket")
        self.assertEqual(
            self.logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"], [])

    def test_pattern_errors_match_put_metric_filter(self):
        self.logs.create_log_group(logGroupName="app")
        for pattern in ('{ $.x = ', '[a, b', '%unterminated'):
            with self.assertRaises(self.logs.exceptions.InvalidParameterException) as metric:
                self.logs.put_metric_filter(
                    logGroupName="app", filterName="m", filterPattern=pattern,
                    metricTransformations=[{"metricName": "n", "metricNamespace": "ns",
                                            "metricValue": "1"}])
            self.assertClientError("InvalidParameterException",
                                   metric.exception.response["Error"]["Message"],
                                   self.subscribe, pattern=pattern)

    def test_model_validation(self):
        self.logs.create_log_group(logGroupName="app")
        status, _, raw = self.server.http("POST", "/", json.dumps({
            "logGroupName": "app", "filterName": "a:b", "filterPattern": "",
            "destinationArn": LAMBDA, "distribution": "Sideways"}).encode(),
            {"X-Amz-Target": "Logs_20140328.PutSubscriptionFilter",
             "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual(status, 400)
        body = json.loads(raw)
        self.assertEqual(body["__type"], "InvalidParameterException")
        self.assertIn("2 validation errors detected", body["message"])
        self.assertIn("Member must satisfy enum value set: [Random, ByLogStream]", body["message"])
        self.assertIn("Member must satisfy regular expression pattern: [^:*]*", body["message"])


class DeliveryTest(SubscriptionTestCase):
    def test_http_target_gets_lambda_payloads(self):
        self.make_stream("app", "web-1")
        self.make_stream("app", "web-2")
        self.subscribe(pattern="ERROR")
        control = wait_for(self.sink.control_docs, what="the CONTROL_MESSAGE")[0]
        self.assertEqual(list(control), ["messageType", "owner", "logGroup", "logStream",
                                         "subscriptionFilters", "logEvents"])
        self.assertEqual((control["owner"], control["logGroup"], control["logStream"],
                          control["subscriptionFilters"]), ("CloudwatchLogs", "", "", []))
        self.assertRegex(control["logEvents"][0]["message"],
                         r"^CWL CONTROL MESSAGE: Checking health of destination ")
        t = int(time.time() * 1000)
        self.put("app", "web-1", [(t, "ERROR one"), (t + 1, "fine"), (t + 2, "ERROR two")])
        self.put("app", "web-2", [(t, "ERROR three")])
        self.put("app", "web-1", [(t + 3, "ERROR four")])
        wait_for(lambda: len(self.sink.messages()) == 4, what="four events")
        docs = self.sink.data_docs()
        for d in docs:
            self.assertEqual(list(d), ["messageType", "owner", "logGroup", "logStream",
                                       "subscriptionFilters", "logEvents"])
            self.assertEqual((d["owner"], d["logGroup"], d["subscriptionFilters"]),
                             (ACCOUNT, "app", ["errors"]))
        by_stream = {}
        for d in docs:
            by_stream.setdefault(d["logStream"], []).extend(d["logEvents"])
        self.assertEqual([e["message"] for e in by_stream["web-1"]],
                         ["ERROR one", "ERROR two", "ERROR four"])
        self.assertEqual([e["message"] for e in by_stream["web-2"]], ["ERROR three"])
        # The ids are the event ids FilterLogEvents shows.
        found = self.logs.filter_log_events(logGroupName="app", filterPattern="ERROR")["events"]
        self.assertEqual(sorted(e["eventId"] for e in found),
                         sorted(e["id"] for s in by_stream.values() for e in s))
        self.assertEqual({e["timestamp"] for e in by_stream["web-1"]}, {t, t + 2, t + 3})

    def test_log_group_target(self):
        self.make_stream("app", "web-1")
        self.logs.create_log_group(logGroupName="collected")
        self.subscribe(pattern="", destination=KINESIS_TO_GROUP, roleArn=ROLE)
        t = int(time.time() * 1000)
        self.put("app", "web-1", [(t, "a"), (t + 5, "b")])
        self.put("app", "web-1", [(t + 6, "c")])

        def copied():
            try:
                got = self.logs.get_log_events(logGroupName="collected",
                                               logStreamName="app/web-1", startFromHead=True)
            except self.logs.exceptions.ResourceNotFoundException:
                return None
            return got["events"] if len(got["events"]) == 3 else None

        events = wait_for(copied, what="the copies in the target group")
        self.assertEqual([(e["timestamp"], e["message"]) for e in events],
                         [(t, "a"), (t + 5, "b"), (t + 6, "c")])

    def test_retries_after_http_500(self):
        self.make_stream("app", "s")
        self.flaky.fail_next = 3
        self.subscribe(destination=FLAKY)  # the CONTROL_MESSAGE takes the failures first
        t = int(time.time() * 1000)
        for i in range(5):
            self.put("app", "s", [(t + i, f"event {i}")])
        wait_for(lambda: len(self.flaky.messages()) == 5, what="five events after the failures")
        self.assertGreaterEqual(self.flaky.attempts, 3 + 1 + 1)
        # Nothing was accepted twice, and the order held.
        self.assertEqual(self.flaky.messages(), [f"event {i}" for i in range(5)])
        self.assertEqual(len(self.flaky.control_docs()), 1)

    def test_logs_destination_goes_to_its_target(self):
        self.make_stream("app", "s")
        self.logs.put_destination(destinationName="central", targetArn=KINESIS_CENTRAL,
                                  roleArn=ROLE)
        self.subscribe(destination=f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:central",
                       pattern="")
        self.put("app", "s", [(int(time.time() * 1000), "via destination")])
        wait_for(lambda: self.sink.messages() == ["via destination"], what="the event")

    def test_unmapped_destination_is_stored_not_delivered(self):
        self.make_stream("app", "s")
        self.subscribe(destination=UNMAPPED)
        self.subscribe(name="mapped", destination=LAMBDA)
        self.put("app", "s", [(int(time.time() * 1000), "x")])
        wait_for(lambda: self.sink.messages() == ["x"], what="the mapped filter's event")
        self.assertEqual({tuple(d["subscriptionFilters"]) for d in self.sink.data_docs()},
                         {("mapped",)})
        wait_for(lambda: "is not mapped to a target" in self.server.stderr_text(),
                 what="the log line about the unmapped ARN")

    def test_events_before_the_filter_are_not_delivered(self):
        self.make_stream("app", "s")
        t = int(time.time() * 1000)
        self.put("app", "s", [(t, "before")])
        self.subscribe()
        wait_for(self.sink.control_docs, what="the CONTROL_MESSAGE")
        self.put("app", "s", [(t + 1, "after")])
        wait_for(lambda: self.sink.messages() == ["after"], what="the later event only")

    def test_masked_data_is_delivered_masked(self):
        # A data protection policy masks what a subscription sees, the pattern included, as AWS
        # masks at ingestion (docs/data-protection.md).
        self.make_stream("app", "s")
        ids = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
        self.logs.put_data_protection_policy(logGroupIdentifier="app", policyDocument=json.dumps({
            "Version": "2021-06-01", "Statement": [
                {"DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
                {"DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}}]}))
        self.subscribe(pattern="?ERROR ?bob")
        wait_for(self.sink.control_docs, what="the CONTROL_MESSAGE")
        t = int(time.time() * 1000)
        self.put("app", "s", [(t, "ERROR for bob@example.com"), (t + 1, "mail bob@example.com")])
        wait_for(lambda: self.sink.messages() == ["ERROR for " + "*" * 15],
                 what="the masked event only")


class CrashLedgerTest(unittest.TestCase):
    """Ingest through a subscription while cwlogd (kill -9) and the receiver die and come back:
    every acknowledged event arrives, in order per stream; an event arrives twice only when the
    server crashed after sending it and before recording that it was delivered."""

    def test_nothing_lost_across_kills(self):
        receiver = Receiver().start()
        targets = write_targets({LAMBDA: {"url": receiver.url}})
        server = start_server(["--subscription-targets", targets])
        try:
            self.run_ledger(server, receiver)
        finally:
            server.discard()
            receiver.stop()
            os.unlink(targets)

    def run_ledger(self, server, receiver):
        logs = server.client()
        logs.create_log_group(logGroupName="ledger")
        streams = ["s0", "s1", "s2"]
        for s in streams:
            logs.create_log_stream(logGroupName="ledger", logStreamName=s)
        logs.put_subscription_filter(logGroupName="ledger", filterName="all", filterPattern="",
                                     destinationArn=LAMBDA)
        acknowledged = []
        counter = 0
        crashes = 0

        def burst(batches):
            nonlocal counter
            for _ in range(batches):
                for s in streams:
                    t = int(time.time() * 1000)
                    events = []
                    for _ in range(20):
                        events.append({"timestamp": t, "message": f"{s} {counter:08d}"})
                        counter += 1
                    logs.put_log_events(logGroupName="ledger", logStreamName=s, logEvents=events)
                    acknowledged.extend(e["message"] for e in events)

        for round_no in range(4):
            burst(15)
            if round_no % 2 == 0:
                # Crash while deliveries are in flight.
                server.kill9()
                crashes += 1
                with receiver.lock:
                    receiver.epoch += 1
                server.start()
                logs = server.client()
            else:
                # The receiver goes away; events pile up in the outbox, then it comes back.
                receiver.stop()
                # A request it had recorded but not yet answered is sent again (at least once),
                # as after a crash: a new epoch.
                with receiver.lock:
                    receiver.epoch += 1
                burst(5)
                time.sleep(0.5)
                receiver.start()
        burst(5)

        wait_for(lambda: set(acknowledged) <= set(receiver.messages()), timeout=40,
                 what="every acknowledged event")
        with receiver.lock:
            deliveries = [(d["epoch"], e["message"]) for d in receiver.docs
                          if d["doc"]["messageType"] == "DATA_MESSAGE"
                          for e in d["doc"]["logEvents"]]
        first_epoch = {}
        for epoch, message in deliveries:
            if message in first_epoch:
                # Again: only after a crash or receiver outage that followed the first delivery.
                self.assertGreater(epoch, first_epoch[message], f"{message} delivered twice")
            else:
                first_epoch[message] = epoch
        # In order per stream (first deliveries).
        for s in streams:
            seen = [m for m in dict.fromkeys(m for _, m in deliveries) if m.startswith(s + " ")]
            self.assertEqual(seen, sorted(seen))
        self.assertEqual(crashes, 2)


class CliAndJsSamplesTest(SubscriptionTestCase):
    def test_aws_cli_v1(self):
        exe = find_aws_v1()
        if exe is None:
            self.skipTest("the aws CLI v1 is not installed (optional; Debian ships v2)")
        cli = AwsCli(exe, "v1")
        self.logs.create_log_group(logGroupName="app")
        r = cli.run(self.server, "logs", "put-subscription-filter", "--log-group-name", "app",
                    "--filter-name", "cli", "--filter-pattern", "ERROR", "--destination-arn",
                    LAMBDA)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "describe-subscription-filters", "--log-group-name", "app")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual([(f["filterName"], f["filterPattern"])
                          for f in r.json()["subscriptionFilters"]], [("cli", "ERROR")])
        r = cli.run(self.server, "logs", "delete-subscription-filter", "--log-group-name", "app",
                    "--filter-name", "cli")
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "delete-subscription-filter", "--log-group-name", "app",
                    "--filter-name", "cli")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("The specified subscription filter does not exist.", r.stderr)

    def test_js_sdk(self):
        node_dir = js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, CWLOGD_DESTINATION=LAMBDA)
        proc = subprocess.run(["node", os.path.join(NODE_DIR, "subscriptions.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(out, {"filters": [["js", "ERROR", LAMBDA]],
                               "limit": "LimitExceededException"})
        # The JS SDK's events went out like any other.
        wait_for(lambda: "ERROR from js" in self.sink.messages(), what="the JS SDK's event")
        time.sleep(0.3)
        # Only the filter that is left delivered (the deleted "js2" took "" as its pattern).
        self.assertEqual(self.sink.messages(), ["ERROR from js"])


if __name__ == "__main__":
    unittest.main()
