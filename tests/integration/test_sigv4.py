"""SigV4 authentication end to end: cwlogd started with --auth sigv4 and a credentials file, driven
by real clients (boto3, aws CLI v1 and v2, the JS SDK when installed) with keys from the file, and
by raw HTTP requests signed with botocore's own signer and then tampered with. Every failure must
be AWS's error type and message, and change no state.
"""

import datetime
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import cwlogd_harness as h

KEY_A, SECRET_A, ACCOUNT_A = "AKIACWLOGDTESTAAAAAA", "secret/A+key/aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "111122223333"
KEY_B, SECRET_B, ACCOUNT_B = "AKIACWLOGDTESTBBBBBB", "secret/B+key/bbbbbbbbbbbbbbbbbbbbbbbbbbbb", "444455556666"
# The harness's CLI runner always signs with secret "test".
KEY_CLI = "test"
KEY_CLI_WRONG = "cli-wrong-secret"

MSG_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.")
MSG_UNRECOGNIZED = "The security token included in the request is invalid."
EXPIRED_RE = re.compile(r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                        r"\(\d{8}T\d{6}Z - 5 min\.\)")
NOT_YET_RE = re.compile(r"Signature not yet current: \d{8}T\d{6}Z is still later than "
                        r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)")

CREDENTIALS = f"""# cwlogd test keys
{KEY_A} {SECRET_A} {ACCOUNT_A}
{KEY_B}\t{SECRET_B}\t{ACCOUNT_B}   # tab-separated
{KEY_CLI} test
{KEY_CLI_WRONG} not-test 999988887777
"""


def sign(server, target, body, *, key=KEY_A, secret=SECRET_A, region="us-east-1",
         service="logs", when=None, token=None, extra_headers=None):
    """A request signed by botocore.auth.SigV4Auth. Returns (headers dict, body bytes)."""
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"X-Amz-Target": f"Logs_20140328.{target}",
               "Content-Type": "application/x-amz-json-1.1"}
    headers.update(extra_headers or {})
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    signer = botocore.auth.SigV4Auth(Credentials(key, secret, token), service, region)
    if when is None:
        signer.add_auth(request)
    else:
        h.add_auth_at(signer, request, when)
    prepared = request.prepare()
    return dict(prepared.headers), prepared.body or b""


def raw_post(server, headers, body, path="/"):
    """POST with exactly these headers (a dict, or a list of pairs to repeat a name); http.client
    adds Host and Content-Length only."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", path, skip_accept_encoding=True)
        for k, v in (headers.items() if isinstance(headers, dict) else headers):
            if k.lower() != "content-length":
                conn.putheader(k, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class SigV4Server(unittest.TestCase):
    """One `--auth sigv4` server for the class."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cwlogd-sigv4-")
        cls.creds_path = os.path.join(cls.tmp, "credentials")
        with open(cls.creds_path, "w") as f:
            f.write(CREDENTIALS)
        cls.server = h.start_server(["--auth", "sigv4", "--credentials-file", cls.creds_path])
        cls.logs_a = cls.server.client(access_key=KEY_A, secret_key=SECRET_A)
        cls.logs_b = cls.server.client(access_key=KEY_B, secret_key=SECRET_B)

    @classmethod
    def tearDownClass(cls):
        cls.server.discard()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.server.reset()
        self.logs_a.create_log_group(logGroupName="seed")
        self.logs_a.create_log_stream(logGroupName="seed", logStreamName="s")
        self.logs_a.put_log_events(logGroupName="seed", logStreamName="s",
                                   logEvents=[{"timestamp": h.now_ms(), "message": "one"}])

    def snapshot(self):
        groups = self.logs_a.describe_log_groups()["logGroups"]
        events = self.logs_a.get_log_events(logGroupName="seed", logStreamName="s",
                                            startFromHead=True)["events"]
        return ([g["logGroupName"] for g in groups],
                [(e["timestamp"], e["message"]) for e in events])

    def assertAwsError(self, status, body, code, message):
        self.assertEqual(status, 400, body)
        doc = json.loads(body)
        self.assertEqual(doc.get("__type"), code, doc)
        if hasattr(message, "fullmatch"):
            self.assertIsNotNone(message.fullmatch(doc.get("message", "")), doc)
        elif message is not None:
            self.assertEqual(doc.get("message"), message, doc)


class SigV4RealClientsTest(SigV4Server):

    def test_boto3_with_keys_from_the_file_works_and_accounts_are_separate(self):
        self.assertEqual(self.snapshot(), (["seed"], [(self.snapshot()[1][0][0], "one")]))
        group = self.logs_a.describe_log_groups()["logGroups"][0]
        self.assertIn(f":{ACCOUNT_A}:", group.get("arn", f":{ACCOUNT_A}:"))
        # Key B is another account: it sees nothing of A's.
        self.assertEqual(self.logs_b.describe_log_groups()["logGroups"], [])
        self.logs_b.create_log_group(logGroupName="seed")
        self.assertEqual(len(self.logs_a.describe_log_groups()["logGroups"]), 1)

    def test_boto3_region_scope_selects_the_partition(self):
        eu = self.server.client(region="eu-west-1", access_key=KEY_A, secret_key=SECRET_A)
        self.assertEqual(eu.describe_log_groups()["logGroups"], [])

    def test_boto3_with_a_session_token_works(self):
        c = h.boto3.session.Session().client(
            "logs", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id=KEY_A, aws_secret_access_key=SECRET_A,
            aws_session_token="FQoGZXIvYXdzEXAMPLE//token==",
            config=h.Config(retries={"max_attempts": 1}))
        self.assertEqual(len(c.describe_log_groups()["logGroups"]), 1)

    def test_boto3_with_a_wrong_secret_gets_InvalidSignatureException(self):
        before = self.snapshot()
        bad = self.server.client(access_key=KEY_A, secret_key="wrong")
        with self.assertRaises(h.ClientError) as cm:
            bad.create_log_group(logGroupName="nope")
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"]), ("InvalidSignatureException", MSG_MISMATCH))
        self.assertEqual(self.snapshot(), before)

    def test_boto3_with_an_unknown_key_gets_UnrecognizedClientException(self):
        before = self.snapshot()
        bad = self.server.client(access_key="AKIAUNKNOWNKEY000000", secret_key="x")
        with self.assertRaises(h.ClientError) as cm:
            bad.create_log_group(logGroupName="nope")
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"]),
                         ("UnrecognizedClientException", MSG_UNRECOGNIZED))
        self.assertEqual(self.snapshot(), before)

    def test_cloudwatch_metrics_are_verified_too_including_gzip_bodies(self):
        def cw(secret):
            return h.boto3.session.Session().client(
                "cloudwatch", endpoint_url=self.server.endpoint, region_name="us-east-1",
                aws_access_key_id=KEY_A, aws_secret_access_key=secret,
                config=h.Config(retries={"max_attempts": 1}))
        # 600 datums serialise to more than 10 KiB, so botocore gzips the body; the signature
        # covers the compressed bytes.
        cw(SECRET_A).put_metric_data(Namespace="ns", MetricData=[
            {"MetricName": "m", "Value": float(i)} for i in range(600)])
        self.assertEqual([m["MetricName"] for m in cw(SECRET_A).list_metrics()["Metrics"]], ["m"])
        with self.assertRaises(h.ClientError) as cm:
            cw("wrong").list_metrics()
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "SignatureDoesNotMatch", err)
        self.assertEqual(err["Message"], MSG_MISMATCH)

    def test_cloudwatch_metrics_auth_errors_use_the_query_codes(self):
        # CloudWatch is a query-compatible service: clients see SignatureDoesNotMatch and
        # InvalidClientTokenId (HTTP 403), not the Logs JSON names.
        def cw(key, secret):
            return h.boto3.session.Session().client(
                "cloudwatch", endpoint_url=self.server.endpoint, region_name="us-east-1",
                aws_access_key_id=key, aws_secret_access_key=secret,
                config=h.Config(retries={"max_attempts": 1}))
        cases = [(KEY_A, "wrong", "SignatureDoesNotMatch", MSG_MISMATCH),
                 ("AKIAUNKNOWNKEY000000", "x", "InvalidClientTokenId", MSG_UNRECOGNIZED)]
        for key, secret, code, message in cases:
            with self.subTest(code=code):
                with self.assertRaises(h.ClientError) as cm:
                    cw(key, secret).list_metrics()
                response = cm.exception.response
                self.assertEqual((response["Error"]["Code"], response["Error"]["Message"]),
                                 (code, message))
                self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # The Logs API on the same server keeps its own names.
        with self.assertRaises(h.ClientError) as cm:
            self.server.client(access_key=KEY_A, secret_key="wrong").describe_log_groups()
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidSignatureException")

    def test_cloudwatch_auth_errors_with_aws_cli_v2_query_protocol(self):
        exe = h.find_aws_v2()
        if exe is None:
            self.skipTest("aws CLI v2 not installed")
        cli = h.AwsCli(exe, "v2")
        r = cli.run(self.server, "cloudwatch", "list-metrics", access_key=KEY_CLI)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "cloudwatch", "list-metrics", access_key=KEY_CLI_WRONG)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("(SignatureDoesNotMatch)", r.stderr)
        self.assertIn("The request signature we calculated does not match", r.stderr)
        r = cli.run(self.server, "cloudwatch", "list-metrics", access_key="AKIANOTINTHEFILE")
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("(InvalidClientTokenId)", r.stderr)

    def test_cloudwatch_query_protocol_expired_and_missing_auth_codes(self):
        body = b"Action=ListMetrics&Version=2010-08-01"

        def post(when=None, signed=True):
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            request = AWSRequest(method="POST", url=self.server.endpoint + "/", data=body,
                                 headers=headers)
            if signed:
                signer = botocore.auth.SigV4Auth(Credentials(KEY_A, SECRET_A), "monitoring",
                                                 "us-east-1")
                h.add_auth_at(signer, request, when or h.utc_now())
            return raw_post(self.server, dict(request.prepare().headers), body)

        status, resp = post()
        self.assertEqual(status, 200, resp)
        old = h.utc_now() - datetime.timedelta(minutes=20)
        for when, signed, code, http_status in [(old, True, "RequestExpired", 400),
                                                (None, False, "MissingAuthenticationToken", 403)]:
            with self.subTest(code=code):
                status, resp = post(when, signed)
                self.assertEqual(status, http_status, resp)
                self.assertIn(f"<Code>{code}</Code>".encode(), resp)

    def _cli(self, label, finder):
        exe = finder()
        if exe is None:
            self.skipTest(f"aws CLI {label} not installed")
        cli = h.AwsCli(exe, label)
        r = cli.run(self.server, "logs", "create-log-group", "--log-group-name", f"cli-{label}",
                    access_key=KEY_CLI)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "describe-log-groups", access_key=KEY_CLI)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual([g["logGroupName"] for g in r.json()["logGroups"]], [f"cli-{label}"])
        before = self.snapshot()
        r = cli.run(self.server, "logs", "create-log-group", "--log-group-name", "nope",
                    access_key=KEY_CLI_WRONG)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("InvalidSignatureException", r.stderr)
        self.assertIn("The request signature we calculated does not match", r.stderr)
        r = cli.run(self.server, "logs", "describe-log-groups", access_key="AKIANOTINTHEFILE")
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("UnrecognizedClientException", r.stderr)
        self.assertEqual(self.snapshot(), before)

    def test_sts_get_caller_identity_is_verified_and_names_the_key_s_account(self):
        def sts(key, secret):
            return h.boto3.session.Session().client(
                "sts", endpoint_url=self.server.endpoint, region_name="us-east-1",
                aws_access_key_id=key, aws_secret_access_key=secret,
                config=h.Config(retries={"max_attempts": 1}))
        who = sts(KEY_A, SECRET_A).get_caller_identity()
        self.assertEqual((who["Account"], who["Arn"]),
                         (ACCOUNT_A, f"arn:aws:iam::{ACCOUNT_A}:root"))
        self.assertEqual(sts(KEY_B, SECRET_B).get_caller_identity()["Account"], ACCOUNT_B)
        with self.assertRaises(h.ClientError) as cm:
            sts(KEY_A, "wrong").get_caller_identity()
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_aws_cli_v1_signs_acceptably(self):
        self._cli("v1", h.find_aws_v1)

    def test_aws_cli_v2_signs_acceptably(self):
        self._cli("v2", h.find_aws_v2)

    def test_js_sdk_signs_acceptably(self):
        node_dir = h.js_sdk_dir()
        script = os.path.join(node_dir, "sigv4_check.mjs")
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, KEY_ID=KEY_A,
                   SECRET=SECRET_A, WRONG_SECRET="wrong")
        proc = subprocess.run(["node", script], env=env, capture_output=True, text=True,
                              timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(result["groups"], ["js-sdk", "seed"])
        self.assertEqual(result["wrongSecretError"], "InvalidSignatureException")
        self.assertEqual(result["wrongSecretMessage"], MSG_MISMATCH)


class SigV4TamperedRequestsTest(SigV4Server):
    """Raw requests signed by botocore, then changed; each must fail and change nothing."""

    BODY = {"logGroupName": "created-by-tampered-request"}

    def check_rejected(self, headers, body, code, message):
        before = self.snapshot()
        status, resp = raw_post(self.server, headers, body)
        self.assertAwsError(status, resp, code, message)
        self.assertEqual(self.snapshot(), before)

    def test_an_untampered_raw_request_is_accepted(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        status, resp = raw_post(self.server, headers, body)
        self.assertEqual(status, 200, resp)
        self.assertIn("created-by-tampered-request", self.snapshot()[0])

    def test_tampered_body(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        self.check_rejected(headers, body.replace(b"tampered", b"tampereD"),
                            "InvalidSignatureException", MSG_MISMATCH)

    def test_tampered_signed_header(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        headers["X-Amz-Target"] = "Logs_20140328.DeleteLogGroup"
        self.check_rejected(headers, json.dumps({"logGroupName": "seed"}).encode(),
                            "InvalidSignatureException", MSG_MISMATCH)

    def test_wrong_secret(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, secret="not-the-secret")
        self.check_rejected(headers, body, "InvalidSignatureException", MSG_MISMATCH)

    def test_region_in_scope_changed_after_signing(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, region="us-east-1")
        headers["Authorization"] = headers["Authorization"].replace("/us-east-1/", "/eu-west-1/")
        self.check_rejected(headers, body, "InvalidSignatureException", MSG_MISMATCH)

    def test_wrong_service_in_scope(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, service="monitoring")
        self.check_rejected(headers, body, "InvalidSignatureException",
                            "Credential should be scoped to correct service: 'logs'.")

    def test_invalid_region_in_scope(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, region="Not_A_Region")
        self.check_rejected(headers, body, "InvalidSignatureException",
                            "Credential should be scoped to a valid region.")

    def test_old_x_amz_date(self):
        when = h.utc_now() - datetime.timedelta(minutes=6)
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, when=when)
        self.check_rejected(headers, body, "InvalidSignatureException", EXPIRED_RE)

    def test_future_x_amz_date(self):
        when = h.utc_now() + datetime.timedelta(minutes=6)
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, when=when)
        self.check_rejected(headers, body, "InvalidSignatureException", NOT_YET_RE)

    def test_slightly_skewed_date_is_accepted(self):
        when = h.utc_now() - datetime.timedelta(minutes=4)
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, when=when)
        status, resp = raw_post(self.server, headers, body)
        self.assertEqual(status, 200, resp)

    def test_missing_authorization(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        del headers["Authorization"]
        self.check_rejected(headers, body, "MissingAuthenticationTokenException",
                            "Missing Authentication Token")

    def test_missing_x_amz_date(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        del headers["X-Amz-Date"]
        self.check_rejected(headers, body, "IncompleteSignatureException",
                            re.compile(r"Authorization header requires existence of either a "
                                       r"'X-Amz-Date' or a 'Date' header\. Authorization=.*"))

    def test_missing_signature_parameter(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        headers["Authorization"] = headers["Authorization"].split(", Signature=")[0]
        self.check_rejected(headers, body, "IncompleteSignatureException",
                            re.compile(r"Authorization header requires 'Signature' parameter\. "
                                       r"Authorization=AWS4-HMAC-SHA256 .*"))

    def test_unknown_access_key(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, key="AKIANOTINFILE")
        self.check_rejected(headers, body, "UnrecognizedClientException", MSG_UNRECOGNIZED)

    def test_mismatched_x_amz_content_sha256(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY, extra_headers={
            "X-Amz-Content-SHA256": botocore.auth.sha256(b"{}").hexdigest()})
        self.check_rejected(headers, body, "InvalidSignatureException", MSG_MISMATCH)

    def test_bearer_token(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        headers["Authorization"] = "Bearer abc"
        self.check_rejected(headers, body, "IncompleteSignatureException",
                            "Authorization header requires 'Credential' parameter. "
                            "Authorization header requires 'Signature' parameter. "
                            "Authorization header requires 'SignedHeaders' parameter. "
                            "Authorization=Bearer abc")


class SigV4SignedHeadersTest(SigV4Server):
    """A signature must cover the headers that choose the operation and how the body reads, and
    a request carries one Authorization header: else a captured request could be replayed, within
    the clock skew, as another operation."""

    BODY = {"logGroupName": "created-by-a-replay"}

    def captured(self, target, body, signed_names):
        """A request signed over `signed_names` (besides host and x-amz-date) only; X-Amz-Target
        and Content-Type are added after signing unless they are among them."""
        late = {"X-Amz-Target": f"Logs_20140328.{target}",
                "Content-Type": "application/x-amz-json-1.1"}
        early = {k: v for k, v in late.items() if k.lower() in signed_names}
        body = json.dumps(body).encode()
        request = AWSRequest(method="POST", url=self.server.endpoint + "/", data=body,
                             headers=early)
        botocore.auth.SigV4Auth(Credentials(KEY_A, SECRET_A), "logs", "us-east-1").add_auth(request)
        headers = dict(request.prepare().headers)
        headers.update({k: v for k, v in late.items() if k not in early})
        return headers, body

    def test_replay_with_an_unsigned_x_amz_target_changed_is_refused(self):
        # DescribeLogStreams and DeleteLogGroup take the same body: a signature without
        # X-Amz-Target would delete the group.
        headers, body = self.captured("DescribeLogStreams", {"logGroupName": "seed"}, ())
        self.assertIn("SignedHeaders=host;x-amz-date,", headers["Authorization"])
        before = self.snapshot()
        headers["X-Amz-Target"] = "Logs_20140328.DeleteLogGroup"
        status, resp = raw_post(self.server, headers, body)
        self.assertAwsError(status, resp, "InvalidSignatureException",
                            "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual([g["logGroupName"] for g in self.logs_a.describe_log_groups()["logGroups"]],
                         ["seed"])

    def test_an_unsigned_content_type_is_refused(self):
        headers, body = self.captured("CreateLogGroup", self.BODY, ("x-amz-target",))
        self.assertIn("SignedHeaders=host;x-amz-date;x-amz-target,", headers["Authorization"])
        before = self.snapshot()
        status, resp = raw_post(self.server, headers, body)
        self.assertAwsError(status, resp, "InvalidSignatureException",
                            "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.")
        self.assertEqual(self.snapshot(), before)

    def test_an_x_amz_header_added_after_signing_is_refused(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        headers["X-Amz-Security-Token"] = "added-by-someone-else"
        before = self.snapshot()
        status, resp = raw_post(self.server, headers, body)
        self.assertAwsError(status, resp, "InvalidSignatureException",
                            "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS "
                            "Authorization.")
        self.assertEqual(self.snapshot(), before)

    def test_headers_proxies_add_need_no_signature(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        headers.update({"X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793",
                        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
                        "Via": "1.1 proxy", "User-Agent": "changed"})
        status, resp = raw_post(self.server, headers, body)
        self.assertEqual(status, 200, resp)
        self.assertIn(self.BODY["logGroupName"], self.snapshot()[0])

    def test_a_second_authorization_header_is_refused(self):
        headers, body = sign(self.server, "CreateLogGroup", self.BODY)
        authorization = headers.pop("Authorization")
        before = self.snapshot()
        status, resp = raw_post(self.server, list(headers.items()) + [
            ("Authorization", authorization), ("Authorization", authorization)], body)
        self.assertAwsError(status, resp, "IncompleteSignatureException",
                            "'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) "
                            f"in Authorization header: '{authorization},{authorization}'.")
        self.assertEqual(self.snapshot(), before)


class SigV4TestEndpointsTest(SigV4Server):
    """With --auth sigv4 the test endpoints (which change every account) need a valid signature;
    the harness signs its own calls (reset in setUp) with a key from the file."""

    def clock(self):
        status, _, body = self.server.signed_http("GET", "/_cwlogd/clock")
        self.assertEqual(status, 200, body)
        return json.loads(body)["offsetMs"]

    def test_unsigned_or_badly_signed_test_endpoints_are_refused(self):
        before, offset = self.snapshot(), self.clock()
        for path, body in [("/_cwlogd/reset", b"{}"), ("/_cwlogd/clock", b'{"offsetMs": 86400000}'),
                           ("/_cwlogd/sweep", b"{}")]:
            with self.subTest(path=path, signed=False):
                status, resp = raw_post(self.server, {"Content-Type": "application/json"}, body,
                                        path=path)
                self.assertAwsError(status, resp, "MissingAuthenticationTokenException",
                                    "Missing Authentication Token")
            with self.subTest(path=path, signed="wrong secret"):
                status, _, resp = self.server.signed_http(
                    "POST", path, body=body, headers={"Content-Type": "application/json"},
                    access_key=KEY_A, secret_key="wrong")
                self.assertAwsError(status, resp, "InvalidSignatureException", MSG_MISMATCH)
        status, _, resp = self.server.http("GET", "/_cwlogd/clock")
        self.assertAwsError(status, resp, "MissingAuthenticationTokenException",
                            "Missing Authentication Token")
        self.assertEqual((self.snapshot(), self.clock()), (before, offset))

    def test_signed_test_endpoints_work_and_health_needs_no_signature(self):
        status, _, body = self.server.signed_http("POST", "/_cwlogd/clock", body={"offsetMs": 5},
                                                  headers={"Content-Type": "application/json"},
                                                  access_key=KEY_B, secret_key=SECRET_B)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.clock(), 5)
        self.server.set_clock_offset(0)
        status, _, body = self.server.signed_http("POST", "/_cwlogd/sweep", body=b"{}",
                                                  headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.server.reset()
        self.assertEqual(self.logs_a.describe_log_groups()["logGroups"], [])
        status, _, body = self.server.http("GET", "/_cwlogd/health")
        self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))


class SigV4StartupTest(unittest.TestCase):

    def _start_fails(self, args, expect):
        server = h.CwlogdServer(args)
        try:
            with self.assertRaises(RuntimeError) as cm:
                server.start()
            self.assertIn(expect, str(cm.exception))
        finally:
            server.discard()

    def test_sigv4_without_credentials_file_is_refused(self):
        self._start_fails(["--auth", "sigv4"], "--auth sigv4 needs --credentials-file")

    def test_unknown_auth_mode_is_refused(self):
        self._start_fails(["--auth", "basic"], "expected none or sigv4")

    def test_bad_credentials_file_names_the_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".creds", delete=False) as f:
            f.write("# ok\nAKID SECRET 12345\n")
        try:
            self._start_fails(["--auth", "sigv4", "--credentials-file", f.name],
                              "line 2: account id must be exactly 12 digits")
        finally:
            os.unlink(f.name)

    def test_missing_credentials_file(self):
        self._start_fails(["--auth", "sigv4", "--credentials-file", "/nonexistent/creds"],
                          "cannot read credentials file /nonexistent/creds")


class DefaultModeAcceptsAnyCredentialsTest(h.ServerTestCase):

    def test_any_keys_and_no_authorization_are_accepted(self):
        c = self.server.client(access_key="whatever", secret_key="anything")
        c.create_log_group(logGroupName="g")
        status, _, body = self.server.http(
            "POST", "/", body=b"{}", headers={"X-Amz-Target": "Logs_20140328.DescribeLogGroups",
                                              "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual(status, 200, body)
        self.assertEqual([g["logGroupName"] for g in json.loads(body)["logGroups"]], ["g"])


if __name__ == "__main__":
    unittest.main()
