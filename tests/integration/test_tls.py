"""HTTPS (--tls-cert/--tls-key): aws CLI v1 and v2 and boto3 against a TLS port with a throwaway
self-signed certificate; clients that do not trust it; plain HTTP, garbage and stalled handshakes
on the TLS port; the connection cap, bounded pipelining, 413, close_notify and graceful stop over
TLS; start-up refusals (one file only, unreadable files, a key that is not the certificate's).
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import types
import unittest
import warnings

import boto3
from botocore.config import Config
from botocore.exceptions import SSLError

import cwlogd_harness as h

GROUP = "tls-group"
STREAM = "tls-stream"


def make_cert(directory, name):
    """A self-signed EC certificate for 127.0.0.1 and localhost; returns (cert, key) paths."""
    cert = os.path.join(directory, f"{name}.pem")
    key = os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class CertDirMixin:
    """A temp directory holding one certificate + key per test class."""

    @classmethod
    def make_certs(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="cwlogd-itest-tls-")
        cls.cert, cls.key = make_cert(cls.cert_dir, "server")

    @classmethod
    def remove_certs(cls):
        shutil.rmtree(cls.cert_dir, ignore_errors=True)


def start_tls_server(cert, key, extra=()):
    server = h.CwlogdServer(["--tls-cert", cert, "--tls-key", key] + list(extra), ca_bundle=cert)
    try:
        server.start()
    except Exception:
        server.discard()
        raise
    return server


def tls_socket(server, context=None, timeout=10, suppress_ragged_eofs=True):
    """A connected, handshaken TLS socket trusting the server's certificate."""
    context = context or ssl.create_default_context(cafile=server.ca_bundle)
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="127.0.0.1",
                               suppress_ragged_eofs=suppress_ragged_eofs)


def read_to_eof(sock, limit=1 << 20):
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def wait_closed(sock, within_s):
    """True once the peer closed `sock` (EOF or reset), False if still open after within_s."""
    deadline = time.monotonic() + within_s
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if sock.recv(4096) == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
            return True
    return False


class TlsServerPerClass(CertDirMixin):
    """One TLS server per test class, started with SERVER_ARGS."""

    SERVER_ARGS = []

    @classmethod
    def setUpClass(cls):
        cls.make_certs()
        try:
            cls.server = start_tls_server(cls.cert, cls.key, cls.SERVER_ARGS)
        except Exception:
            cls.remove_certs()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.discard()
        cls.remove_certs()

    def health_soon(self):
        """Health over TLS succeeds, allowing a few seconds for earlier connections to go."""
        deadline = time.monotonic() + 15
        while True:
            try:
                status, _, body = self.server.http("GET", "/_cwlogd/health", timeout=10)
                self.assertEqual(status, 200, body)
                return
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


class TlsClientsTest(TlsServerPerClass, unittest.TestCase):
    """Real clients against an HTTPS server: trusted via the CA bundle, refused without it."""

    def setUp(self):
        self.server.reset()

    def assert_still_serving(self):
        status, _, body = self.server.http("GET", "/_cwlogd/health", timeout=10)
        self.assertEqual(status, 200, body)

    def test_banner_and_endpoint_say_https(self):
        self.assertIn(" listening on https://127.0.0.1:", self.server.banner)
        self.assertTrue(self.server.endpoint.startswith("https://"))

    def test_boto3_with_the_ca_bundle_creates_puts_and_gets(self):
        logs = self.server.client()
        logs.create_log_group(logGroupName=GROUP)
        logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        now = h.now_ms()
        logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM,
                            logEvents=[{"timestamp": now, "message": "over tls"},
                                       {"timestamp": now + 1, "message": "second"}])
        events = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM,
                                     startFromHead=True)["events"]
        self.assertEqual([e["message"] for e in events], ["over tls", "second"])

    def check_cli(self, executable, label):
        if executable is None:
            self.skipTest(f"aws CLI {label} not installed")
        cli = h.AwsCli(executable, label)
        r = cli.run(self.server, "logs", "create-log-group", "--log-group-name", GROUP)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "create-log-stream", "--log-group-name", GROUP,
                    "--log-stream-name", STREAM)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "put-log-events", "--log-group-name", GROUP,
                    "--log-stream-name", STREAM, "--log-events",
                    f"timestamp={h.now_ms()},message=from-{label}")
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "logs", "get-log-events", "--log-group-name", GROUP,
                    "--log-stream-name", STREAM, "--start-from-head")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual([e["message"] for e in r.json()["events"]], [f"from-{label}"])

    def test_aws_cli_v1_with_ca_bundle(self):
        self.check_cli(h.find_aws_v1(), "v1")

    def test_aws_cli_v2_with_ca_bundle(self):
        self.check_cli(h.find_aws_v2(), "v2")

    def test_boto3_without_the_ca_bundle_fails_verification(self):
        logs = boto3.session.Session().client(
            "logs", endpoint_url=self.server.endpoint, region_name=h.DEFAULT_REGION,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}))
        with self.assertRaises(SSLError) as cm:
            logs.describe_log_groups()
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(cm.exception))
        self.assert_still_serving()

    def test_aws_clis_without_the_ca_bundle_fail_verification(self):
        untrusting = types.SimpleNamespace(endpoint=self.server.endpoint, ca_bundle=None)
        ran = 0
        for executable, label in ((h.find_aws_v1(), "v1"), (h.find_aws_v2(), "v2")):
            if executable is None:
                continue
            ran += 1
            r = h.AwsCli(executable, label).run(untrusting, "logs", "describe-log-groups",
                                                timeout=120)
            self.assertNotEqual(r.returncode, 0, r)
            self.assertIn("CERTIFICATE_VERIFY_FAILED", r.stderr, r)
        if ran == 0:
            self.skipTest("no aws CLI installed")
        self.assert_still_serving()

    def test_plain_http_to_the_tls_port_fails_only_that_request(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            with self.assertRaises((OSError, http.client.HTTPException)):
                conn.request("POST", "/", body=b"{}", headers={
                    "X-Amz-Target": "Logs_20140328.DescribeLogGroups",
                    "Content-Type": "application/x-amz-json-1.1"})
                conn.getresponse().read()
        finally:
            conn.close()
        self.assert_still_serving()

    def test_garbage_bytes_on_the_tls_port_close_that_connection(self):
        payloads = [
            b"\x00" * 4096,
            b"\x16\x03\x01\xff\xff" + bytes(range(256)) * 4,  # a handshake record that lies
            b"\x16\x03\x03\x00\x05\x01\x00\x00\x01\x00",      # a 1-byte ClientHello
            bytes(range(256)) * 64,
        ]
        for payload in payloads:
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                try:
                    s.sendall(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.assertTrue(wait_closed(s, 30), f"still open after {payload[:8]!r}")
        self.assert_still_serving()

    def test_tls_1_1_client_is_refused(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(self.cert)
        try:
            with warnings.catch_warnings():  # deprecated on purpose: this is the old client
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
                context.maximum_version = ssl.TLSVersion.TLSv1_1
            context.set_ciphers("ALL:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            self.skipTest("this Python/OpenSSL cannot offer TLS 1.1")
        with self.assertRaises((ssl.SSLError, OSError)):
            tls_socket(self.server, context=context).close()
        self.assert_still_serving()

    def test_pipelined_requests_over_tls_are_answered_in_order(self):
        request = b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n"
        last = b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        with tls_socket(self.server) as s:
            s.sendall(request * 5 + last)
            data = read_to_eof(s)
        self.assertEqual(data.count(b"HTTP/1.1 200 OK\r\n"), 6, data[:2000])

    def test_connection_close_ends_with_tls_close_notify(self):
        # suppress_ragged_eofs=False: a TCP close without close_notify raises SSLEOFError.
        with tls_socket(self.server, suppress_ragged_eofs=False) as s:
            s.sendall(b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = read_to_eof(s)
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"), data[:500])

    def test_body_over_the_limit_gets_413_over_tls(self):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.server.port, timeout=30,
            context=ssl.create_default_context(cafile=self.cert))
        try:
            body = b"x" * ((8 << 20) + 1)
            conn.request("POST", "/", body=body, headers={
                "X-Amz-Target": "Logs_20140328.DescribeLogGroups",
                "Content-Type": "application/x-amz-json-1.1"})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 413)
            self.assertIn(b"SerializationException", resp.read())
        finally:
            conn.close()
        self.assert_still_serving()


class TlsTimeoutsTest(TlsServerPerClass, unittest.TestCase):
    """The idle timeout bounds TLS handshakes and idle TLS connections (own server, 2 s)."""

    SERVER_ARGS = ["--idle-timeout-seconds", "2"]

    def test_a_stalled_handshake_is_cut_off(self):
        socks = []
        try:
            for _ in range(4):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
                s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # ClientHello start
                socks.append(s)
            # Drip one more byte every 0.5 s: the handshake deadline must still expire.
            closed, _ = h.drip_until_closed(socks, b"\x00", 30)
            self.assertTrue(all(closed), "slow handshakes still open")
        finally:
            for s in socks:
                s.close()
        self.health_soon()

    def test_an_idle_tls_connection_is_closed(self):
        with tls_socket(self.server) as s:
            s.sendall(b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertTrue(s.recv(65536).startswith(b"HTTP/1.1 200 OK"))
            self.assertTrue(wait_closed(s, 30), "idle TLS connection still open")
        self.health_soon()


class TlsConnectionCapTest(TlsServerPerClass, unittest.TestCase):
    """--max-connections counts TLS connections, handshaken or not (default idle timeout, so
    the connections holding the slots stay open): at the cap a new one evicts the oldest."""

    MAX_CONNECTIONS = 8
    SERVER_ARGS = ["--max-connections", str(MAX_CONNECTIONS)]

    def test_the_connection_cap_counts_tls_connections(self):
        socks = []
        try:
            for i in range(self.MAX_CONNECTIONS):
                if i % 2:
                    socks.append(tls_socket(self.server))  # handshake done
                else:
                    socks.append(socket.create_connection(("127.0.0.1", self.server.port),
                                                          timeout=10))  # no handshake yet
                time.sleep(0.05)
            with tls_socket(self.server) as newcomer:
                newcomer.sendall(b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertTrue(newcomer.recv(65536).startswith(b"HTTP/1.1 200 OK"))
            self.assertTrue(wait_closed(socks[0], 5), "the oldest connection is still open")
        finally:
            for s in socks:
                s.close()
        self.health_soon()


class TlsGracefulStopTest(CertDirMixin, unittest.TestCase):

    def setUp(self):
        self.make_certs()
        self.addCleanup(self.remove_certs)
        self.server = start_tls_server(self.cert, self.key)
        self.addCleanup(self.server.discard)

    def test_sigterm_with_open_tls_connections_exits_cleanly(self):
        idle = tls_socket(self.server)  # handshake done, no request
        self.addCleanup(idle.close)
        busy = tls_socket(self.server)  # one answered request, kept alive
        self.addCleanup(busy.close)
        busy.sendall(b"GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(busy.recv(65536).startswith(b"HTTP/1.1 200 OK"))
        half = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        self.addCleanup(half.close)  # TCP only, handshake never started
        self.assertEqual(self.server.stop(), 0, self.server.stderr_text())


class TlsStartupTest(CertDirMixin, unittest.TestCase):
    """Bad TLS configurations stop cwlogd before it listens, with one clear line on stderr."""

    @classmethod
    def setUpClass(cls):
        cls.make_certs()
        cls.other_cert, cls.other_key = make_cert(cls.cert_dir, "other")
        cls.encrypted_key = os.path.join(cls.cert_dir, "encrypted.key")
        subprocess.run(["openssl", "pkey", "-in", cls.key, "-aes256", "-passout", "pass:secret",
                        "-out", cls.encrypted_key], check=True, capture_output=True, timeout=60)
        cls.not_pem = os.path.join(cls.cert_dir, "not.pem")
        with open(cls.not_pem, "w") as f:
            f.write("this is not a certificate\n")

    @classmethod
    def tearDownClass(cls):
        cls.remove_certs()

    def run_cwlogd(self, args, env=None):
        workdir = tempfile.mkdtemp(prefix="cwlogd-itest-tls-start-")
        self.addCleanup(shutil.rmtree, workdir, True)
        data_dir = os.path.join(workdir, "data")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("CWLOGD_TLS_")}
        full_env.update(env or {})
        proc = subprocess.run([h.binary_path(), "--port", "0", "--host", "127.0.0.1",
                               "--data-dir", data_dir] + args, stdin=subprocess.DEVNULL,
                              env=full_env, capture_output=True, text=True, timeout=30)
        return proc, data_dir

    def assert_refused(self, args, expect, env=None):
        proc, data_dir = self.run_cwlogd(args, env)
        self.assertNotEqual(proc.returncode, 0, proc)
        self.assertNotIn("listening", proc.stdout)
        self.assertIn(f"cwlogd: {expect}", proc.stderr)
        self.assertFalse(os.path.exists(data_dir), "data directory created despite bad TLS")

    def test_cert_without_key(self):
        self.assert_refused(["--tls-cert", self.cert],
                            "--tls-cert needs --tls-key (HTTPS needs both)")

    def test_key_without_cert_from_the_environment(self):
        self.assert_refused([], "--tls-key needs --tls-cert (HTTPS needs both)",
                            env={"CWLOGD_TLS_KEY": self.key})

    def test_key_of_another_certificate(self):
        self.assert_refused(["--tls-cert", self.cert, "--tls-key", self.other_key],
                            f"TLS key file {self.other_key} does not match the certificate in "
                            f"{self.cert}")

    def test_missing_certificate_file(self):
        missing = os.path.join(self.cert_dir, "missing.pem")
        self.assert_refused(["--tls-cert", missing, "--tls-key", self.key],
                            f"cannot read TLS certificate file {missing}: No such file or "
                            "directory")

    def test_missing_key_file(self):
        missing = os.path.join(self.cert_dir, "missing.key")
        self.assert_refused(["--tls-cert", self.cert, "--tls-key", missing],
                            f"cannot read TLS key file {missing}: No such file or directory")

    def test_file_that_is_not_pem(self):
        self.assert_refused(["--tls-cert", self.not_pem, "--tls-key", self.key],
                            f"TLS certificate file {self.not_pem} has no usable PEM certificate")
        self.assert_refused(["--tls-cert", self.cert, "--tls-key", self.not_pem],
                            f"TLS key file {self.not_pem} has no usable PEM private key")

    def test_encrypted_key_is_refused_without_a_prompt(self):
        self.assert_refused(["--tls-cert", self.cert, "--tls-key", self.encrypted_key],
                            f"TLS key file {self.encrypted_key} has no usable PEM private key "
                            "(encrypted keys are not supported)")

    def test_environment_variables_turn_https_on(self):
        server = h.CwlogdServer(ca_bundle=self.cert)
        self.addCleanup(server.discard)
        saved = {k: os.environ.get(k) for k in ("CWLOGD_TLS_CERT", "CWLOGD_TLS_KEY")}
        os.environ["CWLOGD_TLS_CERT"], os.environ["CWLOGD_TLS_KEY"] = self.cert, self.key
        try:
            server.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.assertEqual(server.scheme, "https")
        status, _, body = server.http("GET", "/_cwlogd/health", timeout=10)
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
