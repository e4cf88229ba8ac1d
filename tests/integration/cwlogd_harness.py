"""Harness for the cwlogd integration suites: runs the real `cwlogd` binary on loopback with a
port picked by the kernel, and gives tests boto3 clients and aws CLI (v1 and v2) runners pointed
at it. Stdlib unittest only.

The binary comes from the CWLOGD_BINARY environment variable (ctest sets it). Every server gets a
fresh temporary data directory, removed when the server is discarded.

Sanitizer builds (cmake -DCWLOGD_SANITIZE=...): ctest sets CWLOGD_TEST_TIMEOUT_SCALE, which
stretches the harness's start and stop waits, and every stop, kill or discard of a server raises
SanitizerReport when its stderr holds a sanitizer report (ASan, LSan, UBSan, TSan), so a finding in
the server process fails the test that ran it even when the client saw nothing wrong.
"""

import atexit
import datetime
import functools
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import unittest.mock
import urllib.request

import boto3
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

# Groups: version, host, port, data dir (the scheme is http, or https with --tls-cert).
BANNER_RE = re.compile(r"^cwlogd (\S+) listening on https?://([^\s:]+):(\d+) \(data: (.*)\)$")
# Sanitized servers start, answer and shut down (leak check included) several times slower.
TIMEOUT_SCALE = float(os.environ.get("CWLOGD_TEST_TIMEOUT_SCALE") or "1")
STARTUP_TIMEOUT_S = 20.0 * TIMEOUT_SCALE
STOP_TIMEOUT_S = 5.0 * TIMEOUT_SCALE
# Lines the sanitizer runtimes print with a finding: the SUMMARY closing every report, and the
# "file:line:col: runtime error:" opening a UBSan one.
SANITIZER_REPORT_RE = re.compile(
    r"^(?:SUMMARY: (?:Address|Leak|Thread|UndefinedBehavior)Sanitizer: "
    r"|\S+:\d+:\d+: runtime error: )", re.M)

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"

MSG_GROUP_NOT_FOUND = "The specified log group does not exist."
MSG_STREAM_NOT_FOUND = "The specified log stream does not exist."
MSG_BAD_TOKEN = "The specified nextToken is invalid."

_live_servers = []


def _stop_all_at_exit():
    for server in list(_live_servers):
        server.discard()


atexit.register(_stop_all_at_exit)


class SanitizerReport(AssertionError):
    """The server printed a sanitizer report on stderr (sanitizer builds only)."""


def binary_path():
    path = os.environ.get("CWLOGD_BINARY")
    if not path:
        raise unittest.SkipTest("CWLOGD_BINARY is not set (run through ctest, or export it)")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"CWLOGD_BINARY={path} is not an executable file")
    return path


def now_ms():
    return int(time.time() * 1000)


def utc_now():
    """The current UTC time as a naive datetime (what botocore's signer uses)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def add_auth_at(signer, request, when):
    """signer.add_auth(request) as if the clock read `when` (a naive UTC datetime), with the
    botocore this machine has: newer ones read botocore.auth.get_current_datetime(), older ones
    (Debian 12's 1.29) datetime.datetime.utcnow() through the module botocore.auth imported."""
    if hasattr(botocore.auth, "get_current_datetime"):
        with unittest.mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
            signer.add_auth(request)
        return

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when

    frozen_module = type(datetime)("datetime")
    frozen_module.__dict__.update(datetime.__dict__)
    frozen_module.datetime = FrozenDatetime
    with unittest.mock.patch.object(botocore.auth, "datetime", frozen_module):
        signer.add_auth(request)


# --- Logs API members newer than some botocore ----------------------------------------------------

# (operation or shape, member) pairs the suites use that older botocore models lack (Debian 12 ships
# botocore 1.29). A boto3 client whose model lacks one refuses the parameter before sending it, or
# drops the member from the parsed answer.
_RECENT_LOGS_MODEL = [
    ("ListLogGroups", None),
    ("CreateLogGroup", "logGroupClass"),
    ("DescribeLogGroups", "logGroupIdentifiers"),
    ("DescribeLogGroups", "logGroupClass"),
    ("DescribeLogStreams", "logGroupIdentifier"),
    ("GetLogEvents", "logGroupIdentifier"),
    ("FilterLogEvents", "logGroupIdentifier"),
    ("LogGroup", "logGroupArn"),
    ("LogGroup", "logGroupClass"),
    ("LogGroup", "deletionProtectionEnabled"),
    ("MetricFilter", "applyOnTransformedLogs"),
    ("PutLogGroupDeletionProtection", None),
    ("PutBearerTokenAuthentication", None),
    ("LogGroup", "bearerTokenAuthenticationEnabled"),
    # Account resources and Logs Insights (test_account_resources, test_insights, test_sts).
    ("PutAccountPolicy", None),
    ("PutIndexPolicy", None),
    ("DescribeFieldIndexes", None),
    ("ListLogGroupsForQuery", None),
    ("PutResourcePolicy", "resourceArn"),
    ("ResourcePolicy", "policyScope"),
    ("StartQuery", "queryLanguage"),
    ("QueryInfo", "queryLanguage"),
    ("PutQueryDefinition", "queryLanguage"),
    # Deliveries (test_deliveries).
    ("PutDeliverySource", None),
    ("PutDeliveryDestination", "deliveryDestinationType"),
    ("DescribeConfigurationTemplates", None),
    ("CreateDelivery", "s3DeliveryConfiguration"),
    # Lookup tables (test_lookup_tables).
    ("CreateLookupTable", None),
    # Anomaly detectors and integrations (test_anomaly_integrations).
    ("CreateLogAnomalyDetector", None),
    ("GetLogAnomalyDetector", None),
    ("ListLogAnomalyDetectors", None),
    ("UpdateLogAnomalyDetector", None),
    ("DeleteLogAnomalyDetector", None),
    ("ListAnomalies", None),
    ("UpdateAnomaly", None),
    ("PutIntegration", None),
    ("GetIntegration", None),
    ("ListIntegrations", None),
    ("DeleteIntegration", None),
    ("AssociateSourceToS3TableIntegration", None),
    ("DisassociateSourceFromS3TableIntegration", None),
    ("ListSourcesForS3TableIntegration", None),
    # Import tasks (test_import_tasks).
    ("CreateImportTask", None),
    ("CancelImportTask", None),
    ("DescribeImportTasks", None),
    ("DescribeImportTaskBatches", None),
    # Subscription filters (test_subscriptions).
    ("PutSubscriptionFilter", "applyOnTransformedLogs"),
    ("SubscriptionFilter", "applyOnTransformedLogs"),
    # Data sources (test_data_sources).
    ("ListLogGroups", "dataSources"),
    ("ListAggregateLogGroupSummaries", None),
    ("GetLogFields", None),
    # Live tail (test_live_tail: an event stream, which RawLogsClient cannot read).
    ("StartLiveTail", None),
]


def boto3_knows_recent_logs_model(client):
    """True if this boto3 client's service model has every member of _RECENT_LOGS_MODEL."""
    model = client.meta.service_model
    for name, member in _RECENT_LOGS_MODEL:
        if name in model.operation_names:
            shape = model.operation_model(name).input_shape
        else:
            try:
                shape = model.shape_for(name)
            except Exception:  # botocore raises NoShapeFoundError
                return False
        if member is not None and (shape is None or member not in shape.members):
            return False
    return True


class _ErrorClasses:
    """`client.exceptions.<Code>` as boto3 has it: one ClientError subclass per error code, so
    `except client.exceptions.InvalidParameterException` reads the same for both kinds of client."""

    def __init__(self):
        self._classes = {}

    def for_code(self, code):
        if code not in self._classes:
            self._classes[code] = type(code, (ClientError,), {})
        return self._classes[code]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.for_code(name)


class RawLogsClient:
    """The Logs API as JSON 1.1 requests signed with botocore's own SigV4 signer, for the API
    members an older botocore's model lacks (see _RECENT_LOGS_MODEL). Called like a boto3 client:
    `client.describe_log_groups(logGroupClass="STANDARD")` returns the answer's JSON (plus
    ResponseMetadata), and an error answer raises botocore's ClientError with its Code, Message
    and HTTP status, so tests read both kinds of client the same way."""

    def __init__(self, server, region=DEFAULT_REGION, access_key="test", secret_key="test"):
        self._server = server
        self._region = region
        self._credentials = Credentials(access_key, secret_key)
        self.exceptions = _ErrorClasses()

    def __getattr__(self, name):
        if name.startswith("_") or name == "exceptions":
            raise AttributeError(name)
        operation = "".join(part.capitalize() for part in name.split("_"))
        return functools.partial(self.call, operation)

    def call(self, operation, **params):
        body = json.dumps(params).encode()
        request = AWSRequest(method="POST", url=self._server.endpoint + "/", data=body,
                             headers={"X-Amz-Target": f"Logs_20140328.{operation}",
                                      "Content-Type": "application/x-amz-json-1.1"})
        botocore.auth.SigV4Auth(self._credentials, "logs", self._region).add_auth(request)
        prepared = request.prepare()
        if self._server.scheme == "https":
            context = ssl.create_default_context(cafile=self._server.ca_bundle)
            conn = http.client.HTTPSConnection("127.0.0.1", self._server.port, timeout=60,
                                               context=context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self._server.port, timeout=60)
        try:
            conn.request("POST", "/", body=prepared.body, headers=dict(prepared.headers))
            resp = conn.getresponse()
            status, headers, data = resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()
        answer = json.loads(data) if data.strip() else {}
        metadata = {"HTTPStatusCode": status, "HTTPHeaders": headers}
        if status >= 300:
            code = str(answer.get("__type") or headers.get("x-amzn-ErrorType", "")).split(":")[0]
            error = {"Code": code.rsplit("#", 1)[-1],
                     "Message": answer.get("message", answer.get("Message", ""))}
            # As botocore does for a modelled error: its other members sit beside "Error".
            members = {k: v for k, v in answer.items() if k not in ("__type", "message", "Message")}
            raise self.exceptions.for_code(error["Code"])(
                {**members, "Error": error, "ResponseMetadata": metadata}, operation)
        answer["ResponseMetadata"] = metadata
        return answer


class CwlogdServer:
    """One cwlogd process and its data directory.

    start() launches it and waits for the banner; stop() sends SIGTERM (SIGKILL after a few
    seconds); kill9() simulates a crash; restart() starts again on the same data directory.
    discard() stops the process and deletes the data directory.
    """

    def __init__(self, extra_args=None, ca_bundle=None):
        """ca_bundle: for a server started with --tls-cert, the PEM file clients trust."""
        self.binary = binary_path()
        self.workdir = tempfile.mkdtemp(prefix="cwlogd-itest-")
        self.data_dir = os.path.join(self.workdir, "data")
        self.extra_args = list(extra_args or [])
        self.ca_bundle = ca_bundle
        self.scheme = "http"
        self.proc = None
        self.port = None
        self.host = None
        self.version = None
        self.banner = None
        self.starts = 0
        self._stdout_file = None
        self._stderr_file = None
        _live_servers.append(self)

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("server already running")
        self.starts += 1
        self._stdout_file = os.path.join(self.workdir, f"stdout.{self.starts}.log")
        self._stderr_file = os.path.join(self.workdir, f"stderr.{self.starts}.log")
        args = [self.binary, "--port", "0", "--host", "127.0.0.1", "--data-dir", self.data_dir,
                "--enable-test-endpoints"] + self.extra_args
        # Output goes to files, not pipes, so a chatty server can never block on a full pipe.
        with open(self._stdout_file, "wb") as out, open(self._stderr_file, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            line = self._first_stdout_line()
            if line is not None:
                m = BANNER_RE.match(line)
                if not m:
                    self._fail_start(f"first stdout line is not the banner: {line!r}")
                self.version, self.host, self.port = m.group(1), m.group(2), int(m.group(3))
                self.scheme = "https" if " on https://" in line else "http"
                self.banner = line
                if self.port == 0:
                    self._fail_start("banner shows port 0, not the bound port")
                return self
            if self.proc.poll() is not None:
                self._fail_start(f"server exited with status {self.proc.returncode} before the banner")
            if time.monotonic() > deadline:
                self._fail_start(f"no banner on stdout within {STARTUP_TIMEOUT_S:.0f} s")
            time.sleep(0.02)

    def _first_stdout_line(self):
        try:
            with open(self._stdout_file, "r", encoding="utf-8", errors="replace") as f:
                data = f.read()
        except FileNotFoundError:
            return None
        if "\n" not in data:
            return None
        return data.split("\n", 1)[0].rstrip("\r")

    def _fail_start(self, why):
        self._terminate(signal.SIGKILL)
        raise RuntimeError(f"cwlogd did not start: {why}\n--- stderr ---\n{self.stderr_text()}"
                           f"\n--- stdout ---\n{self.stdout_text()}")

    def stdout_text(self):
        return _read_text(self._stdout_file)

    def stderr_text(self):
        return _read_text(self._stderr_file)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Graceful stop: SIGTERM, then SIGKILL after STOP_TIMEOUT_S. Returns the exit status."""
        return self._terminate(signal.SIGTERM)

    def kill9(self):
        return self._terminate(signal.SIGKILL)

    def _terminate(self, sig):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        self.check_sanitizer_report()
        return code

    def check_sanitizer_report(self):
        """Raises SanitizerReport if the last run's stderr holds a sanitizer finding."""
        text = self.stderr_text()
        if SANITIZER_REPORT_RE.search(text):
            raise SanitizerReport(f"cwlogd (start {self.starts}) reported a sanitizer finding; "
                                  f"its stderr:\n{text[-20000:]}")

    def restart(self):
        self.stop()
        return self.start()

    def discard(self):
        try:
            self._terminate(signal.SIGTERM)
        finally:
            if self in _live_servers:
                _live_servers.remove(self)
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- access ------------------------------------------------------------------------------

    @property
    def endpoint(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def client(self, region=DEFAULT_REGION, access_key="test", secret_key="test"):
        return boto3.session.Session().client(
            "logs",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            verify=self.ca_bundle,
            config=Config(retries={"max_attempts": 1, "mode": "standard"},
                          connect_timeout=10, read_timeout=60),
        )

    def recent_client(self, region=DEFAULT_REGION, access_key="test", secret_key="test"):
        """A Logs client for tests that use API members newer than some botocore: the boto3
        client when the installed botocore knows them all, else a RawLogsClient."""
        client = self.client(region, access_key, secret_key)
        if boto3_knows_recent_logs_model(client):
            return client
        return RawLogsClient(self, region, access_key, secret_key)

    def http(self, method, path, body=None, headers=None, timeout=30):
        """Raw HTTP request; returns (status, headers dict, body bytes). Never raises on 4xx/5xx."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers=headers or {})
        context = None
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=self.ca_bundle)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def signed_http(self, method, path, body=None, headers=None, access_key="test",
                    secret_key="test", timeout=30):
        """http() signed with SigV4 for the `logs` service, as the test endpoints need under
        --auth sigv4 (harmless without it). The default key is the one every client here uses;
        a sigv4 server's credentials file must list it (with secret "test")."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        request = AWSRequest(method=method, url=self.endpoint + path, data=data,
                             headers=headers or {})
        botocore.auth.SigV4Auth(Credentials(access_key, secret_key), "logs",
                                DEFAULT_REGION).add_auth(request)
        return self.http(method, path, body=data, headers=dict(request.prepare().headers),
                         timeout=timeout)

    def reset(self):
        status, _, body = self.signed_http("POST", "/_cwlogd/reset", body=b"{}",
                                           headers={"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"POST /_cwlogd/reset -> {status} {body!r}")

    def set_clock_offset(self, offset_ms):
        status, _, body = self.signed_http("POST", "/_cwlogd/clock", body={"offsetMs": offset_ms},
                                           headers={"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"POST /_cwlogd/clock -> {status} {body!r}")


def drip_until_closed(socks, drip, seconds, pause=0.5):
    """Slow-client pattern: sends `drip` on each socket every `pause` s until the server has
    closed them all or `seconds` have passed. Returns (closed flags, elapsed seconds)."""
    closed = [False] * len(socks)
    start = time.monotonic()
    while not all(closed) and time.monotonic() - start < seconds:
        for i, s in enumerate(socks):
            if closed[i]:
                continue
            try:
                s.sendall(drip)
                s.settimeout(0.05)
                if s.recv(1) == b"":
                    closed[i] = True
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                closed[i] = True
        time.sleep(pause)
    return closed, time.monotonic() - start


def _read_text(path):
    if not path:
        return ""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


# --- JS SDK ------------------------------------------------------------------------------------

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")


def js_sdk_dir():
    """tests/integration/node with its pinned JS SDK packages (package-lock.json) installed by
    `npm ci` the first time. Raises when node or npm is missing or the install fails: a JS SDK test
    must fail then, never skip (scripts/install-deps.sh test installs Debian's nodejs and npm)."""
    packages = [os.path.join(NODE_DIR, "node_modules", "@aws-sdk", name)
                for name in ("client-cloudwatch", "client-cloudwatch-logs")]
    if shutil.which("node") is None:
        raise RuntimeError("node is not installed (scripts/install-deps.sh test installs it)")
    if not all(os.path.isdir(p) for p in packages):
        if shutil.which("npm") is None:
            raise RuntimeError("npm is not installed (scripts/install-deps.sh test installs it)")
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 or not all(os.path.isdir(p) for p in packages):
            raise RuntimeError(f"npm ci in {NODE_DIR} failed (exit {proc.returncode}):\n"
                               f"{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return NODE_DIR


# --- aws CLI -----------------------------------------------------------------------------------

AWS_V2_PATH = "/usr/bin/aws"


def find_aws_v1():
    """The `aws` on PATH that is not the Debian v2 binary (the pyenv v1), or None."""
    v2_real = os.path.realpath(AWS_V2_PATH)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(d or ".", "aws")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            if os.path.realpath(candidate) == v2_real:
                continue
            return candidate
    return None


def find_aws_v2():
    return AWS_V2_PATH if os.access(AWS_V2_PATH, os.X_OK) else None


class CliResult:
    def __init__(self, argv, returncode, stdout, stderr):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        if not self.stdout.strip():
            return {}
        return json.loads(self.stdout)

    def __repr__(self):
        return (f"CliResult(argv={self.argv!r}, rc={self.returncode}, "
                f"stdout={self.stdout[:2000]!r}, stderr={self.stderr[:2000]!r})")


class AwsCli:
    """Runs one aws CLI binary against a server with throwaway credentials and no user config."""

    def __init__(self, executable, label):
        self.executable = executable
        self.label = label
        self._home = tempfile.mkdtemp(prefix=f"cwlogd-itest-{label}-home-")
        atexit.register(shutil.rmtree, self._home, True)

    def run(self, server, *args, region=DEFAULT_REGION, access_key="test", timeout=120):
        env = dict(os.environ)
        env.update({
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": os.path.join(self._home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self._home, "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": self._home,
        })
        # Default retry settings, so error output looks as a user sees it.
        for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
                    "AWS_CA_BUNDLE"):
            env.pop(var, None)
        ca_bundle = getattr(server, "ca_bundle", None)
        argv = [self.executable, "--endpoint-url", server.endpoint, "--output", "json",
                "--no-cli-pager" if self.label == "v2" else None,
                "--ca-bundle" if ca_bundle else None, ca_bundle] + list(args)
        argv = [a for a in argv if a is not None]
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
        return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


# --- test base class -----------------------------------------------------------------------------


def start_server(extra_args=None, **kwargs):
    """A started CwlogdServer; one that fails to start is discarded (its data directory too)."""
    server = CwlogdServer(extra_args, **kwargs)
    try:
        server.start()
    except Exception:
        server.discard()
        raise
    return server


class ServerTestCase(unittest.TestCase):
    """One server per test class, started with `server_args`; state wiped (POST /_cwlogd/reset)
    before every test unless `reset_between_tests` is False."""

    server = None
    server_args = []
    reset_between_tests = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = start_server(cls.server_args)
        cls.logs = cls.server.client()
        # For tests that use Logs API members newer than some botocore (CwlogdServer.recent_client).
        cls.recent_logs = cls.server.recent_client()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.discard()
            cls.server = None
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        if self.reset_between_tests:
            self.server.reset()

    def restart_server(self):
        """Stops the class's server (it must exit 0), starts it again on the same data directory
        and points the class's clients at its new port (the next tests of the class use them)."""
        code = self.server.stop()
        self.assertEqual(code, 0, self.server.stderr_text())
        self.server.start()
        type(self).logs = self.server.client()
        type(self).recent_logs = self.server.recent_client()

    # --- assertions ---

    def assertClientError(self, code, message, fn, *args, **kwargs):
        """Calls fn and asserts it raises ClientError `code` with exactly `message` (or, when
        message is a compiled regex, a message it fully matches). Returns the error response."""
        with self.assertRaises(ClientError, msg=f"expected {code}") as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err.get("Code"), code, f"error code; full error: {err}")
        if message is not None:
            if hasattr(message, "fullmatch"):
                self.assertRegex(err.get("Message", ""), message)
                self.assertIsNotNone(message.fullmatch(err.get("Message", "")),
                                     f"message {err.get('Message')!r} !~ {message.pattern!r}")
            else:
                self.assertEqual(err.get("Message"), message, f"error message; full error: {err}")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400,
                         f"HTTP status for {code}")
        return cm.exception.response

    # --- helpers ---

    def make_stream(self, group, stream, client=None):
        c = client or self.logs
        try:
            c.create_log_group(logGroupName=group)
        except c.exceptions.ResourceAlreadyExistsException:
            pass
        c.create_log_stream(logGroupName=group, logStreamName=stream)

    def put(self, group, stream, events, client=None):
        """events: list of (timestamp, message) or dicts."""
        c = client or self.logs
        evs = [e if isinstance(e, dict) else {"timestamp": e[0], "message": e[1]} for e in events]
        return c.put_log_events(logGroupName=group, logStreamName=stream, logEvents=evs)


class RecentModelTestCase(ServerTestCase):
    """For operations and members newer than Debian 12's botocore: `self.logs` is the class's
    recent-model client (CwlogdServer.recent_client) and `self.raw` a RawLogsClient, which sends
    what botocore would refuse on the client (missing or malformed members)."""

    def setUp(self):
        super().setUp()
        self.logs = self.recent_logs
        self.raw = RawLogsClient(self.server)

    def restart(self):
        """restart_server, then the clients of this test point at the new port too."""
        self.restart_server()
        self.logs = self.recent_logs
        self.raw = RawLogsClient(self.server)


def validation_message(value, member, constraint, count=1):
    """AWS's text for a model constraint violation (Coral format); `value` as AWS prints it
    ('...' quoted, or null), `count` the number of violations the message reports."""
    errors = "error" if count == 1 else "errors"
    return f"{count} validation {errors} detected: Value {value} at '{member}' failed to " \
           f"satisfy constraint: Member must {constraint}"


def is_56_digits(s):
    return isinstance(s, str) and re.fullmatch(r"[0-9]{56}", s) is not None
