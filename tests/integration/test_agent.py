"""cwlogd-agent end to end: the agent tails files and ships them to a real cwlogd started with
--auth sigv4, configured by the seed awslogs.conf and CloudWatch agent JSON configs. Every line the
tests write carries a unique sequence number (the ledger); what cwlogd stored is read back with
boto3 and checked for loss and duplicates, across logrotate (create and copytruncate), kill -9 of
the agent and a restart of cwlogd.
"""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import cwlogd_harness as h

KEY, SECRET, ACCOUNT = "AKIACWLOGDAGENTTEST1", "agent/secret+key/0123456789abcdefghijklm", "123456789012"
SEQ_RE = re.compile(r"seq=(\d+)")


def agent_binary():
    path = os.environ.get("CWLOGD_AGENT_BINARY")
    if not path:
        raise unittest.SkipTest("CWLOGD_AGENT_BINARY is not set (run through ctest, or export it)")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Agent:
    """One cwlogd-agent process; output to files in its directory."""

    def __init__(self, workdir, config_text, config_name, endpoint, env=None, args=()):
        self.workdir = workdir
        self.config = os.path.join(workdir, config_name)
        with open(self.config, "w") as f:
            f.write(config_text)
        self.endpoint = endpoint
        self.env = dict(os.environ)
        self.env.pop("AWS_PROFILE", None)
        self.env.update({"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET})
        self.env.update(env or {})
        self.args = list(args)
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        self.stderr_path = os.path.join(self.workdir, f"agent.stderr.{self.starts}")
        with open(self.stderr_path, "wb") as err, open(os.devnull, "wb") as out:
            self.proc = subprocess.Popen(
                [agent_binary(), "--config", self.config, "--endpoint-url", self.endpoint,
                 "--region", "us-east-1", "--poll-interval-ms", "50"] + self.args,
                stdout=out, stderr=err, env=self.env)
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        return code

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()


class Writer(threading.Thread):
    """Appends ledger lines `seq=N ...` to a file at a steady rate, reopening it once logrotate
    (create mode) has put a new file in its place, as a daemon does on its postrotate signal."""

    def __init__(self, path, rate=2000, prefix=""):
        super().__init__(daemon=True)
        self.path, self.rate, self.prefix = path, rate, prefix
        self.written = 0
        self.halt = threading.Event()

    def run(self):
        f = open(self.path, "a")
        ino = os.fstat(f.fileno()).st_ino
        start = time.monotonic()
        while not self.halt.is_set():
            due = int((time.monotonic() - start) * self.rate) + 1
            while self.written < due:
                f.write(f"{self.prefix}seq={self.written:09d} payload {'x' * (self.written % 40)}\n")
                self.written += 1
            f.flush()
            try:
                if os.stat(self.path).st_ino != ino:
                    f.close()
                    f = open(self.path, "a")
                    ino = os.fstat(f.fileno()).st_ino
            except FileNotFoundError:
                # Between logrotate's rename and its create: keep writing to the renamed file, as a
                # daemon does until its reopen. Creating the path here would race logrotate, which
                # then moves our new file aside ("destination already exists, renaming to
                # app.log.XXXXXX"), where no glob of the agent looks.
                pass
            time.sleep(0.005)
        f.close()

    def finish(self):
        self.halt.set()
        self.join()
        return self.written


class AgentTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        agent_binary()
        cls.tmp = tempfile.mkdtemp(prefix="cwlogd-agent-itest-")
        cls.creds = os.path.join(cls.tmp, "server-credentials")
        with open(cls.creds, "w") as f:
            f.write(f"{KEY} {SECRET} {ACCOUNT}\n")
        cls.server = cls.start_server()
        cls.logs = cls.server.client(access_key=KEY, secret_key=SECRET)

    @classmethod
    def start_server(cls, extra=()):
        return h.start_server(["--auth", "sigv4", "--credentials-file", cls.creds] + list(extra))

    @classmethod
    def tearDownClass(cls):
        cls.server.discard()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)
        self.agents = []

    def tearDown(self):
        for a in self.agents:
            a.stop(signal.SIGKILL)

    def agent(self, text, name, server=None, **kwargs):
        a = Agent(self.dir, text, name, (server or self.server).endpoint, **kwargs)
        self.agents.append(a)
        return a.start()

    def events(self, group, stream, client=None):
        client = client or self.logs
        out, token = [], None
        while True:
            kw = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
            if token:
                kw["nextToken"] = token
            try:
                page = client.get_log_events(**kw)
            except client.exceptions.ResourceNotFoundException:
                return []
            out.extend(page["events"])
            if page["nextForwardToken"] == token or not page["events"]:
                return out
            token = page["nextForwardToken"]

    def wait_for(self, group, stream, predicate, timeout=30, client=None):
        deadline = time.monotonic() + timeout
        while True:
            events = self.events(group, stream, client)
            if predicate(events) or time.monotonic() > deadline:
                return events
            time.sleep(0.3)

    @staticmethod
    def seqs(events):
        return {int(SEQ_RE.search(e["message"]).group(1)) for e in events}

    def check_ledger(self, events, expected, max_duplicates=0, written=None):
        """No line of `expected` missing, at most max_duplicates resent, nothing never written."""
        seqs = [int(SEQ_RE.search(e["message"]).group(1)) for e in events]
        missing = sorted(set(expected) - set(seqs))
        self.assertEqual(missing[:20], [], f"{len(missing)} ledger lines never arrived")
        duplicates = len(seqs) - len(set(seqs))
        self.assertLessEqual(duplicates, max_duplicates)
        self.assertEqual(set(seqs) - set(range(written if written is not None else len(expected))),
                         set())
        return duplicates


class SeedConfigs(AgentTestCase):
    def test_awslogs_seed_config_httpd_and_messages(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stamps = [now - datetime.timedelta(minutes=30 - i) for i in range(3)]
        access = os.path.join(self.dir, "access_log")
        messages = os.path.join(self.dir, "messages")
        with open(access, "w") as f:
            for i, t in enumerate(stamps):
                f.write(f'127.0.0.1 - frank [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0000] '
                        f'"GET /page{i} HTTP/1.1" 200 {100 + i}\n')
        # The seed's messages section has no time_zone: its stamps are local time.
        local = [t.astimezone() for t in stamps]
        with open(messages, "w") as f:
            for i, t in enumerate(local):
                f.write(f'{t.strftime("%b")} {t.day:2d} {t.strftime("%H:%M:%S")} web-1 app[{i}]: '
                        f'started worker {i}\n')
            f.write("    a continuation line of worker 2\n")
        conf = f"""[general]
state_file = {self.dir}/agent-state
use_gzip_http_content_encoding = true

[httpd_access]
file = {access}
log_group_name = httpd-{{hostname}}
log_stream_name = {{instance_id}}
datetime_format = %d/%b/%Y:%H:%M:%S
time_zone = UTC
initial_position = start_of_file
buffer_duration = 5000

[/var/log/messages]
datetime_format = %b %d %H:%M:%S
file = {messages}
buffer_duration = 5000
log_stream_name = {{instance_id}}
initial_position = start_of_file
log_group_name = /var/log/messages-{os.path.basename(self.dir)}
"""
        agent = self.agent(conf, "awslogs.conf", env={"CWLOGD_AGENT_INSTANCE_ID": "i-0abc"})
        group = f"httpd-{socket.gethostname()}"
        got = self.wait_for(group, "i-0abc", lambda ev: len(ev) >= 3, timeout=20)
        self.assertEqual([e["timestamp"] for e in got], [int(t.timestamp() * 1000) for t in stamps])
        self.assertIn('"GET /page2 HTTP/1.1" 200 102', got[2]["message"])
        msg_group = f"/var/log/messages-{os.path.basename(self.dir)}"
        got = self.wait_for(msg_group, "i-0abc", lambda ev: len(ev) >= 3, timeout=20)
        self.assertEqual([e["timestamp"] for e in got], [int(t.timestamp() * 1000) for t in stamps])
        # awslogs' default multi-line rule: an indented line continues the event before it.
        self.assertTrue(got[2]["message"].endswith("started worker 2\n    a continuation line of worker 2"))
        self.assertEqual(agent.stop(), 0)

    def test_json_config_multiline_java_traces_filters_and_credentials_file(self):
        log = os.path.join(self.dir, "app.log")
        group = f"app-{os.path.basename(self.dir)}"
        config = f"""{{
  "agent": {{"metrics_collection_interval": 60}},
  "logs": {{
    "logs_collected": {{
      "files": {{
        "collect_list": [
          {{
            "file_path": "{log}",
            "log_group_name": "{group}",
            "log_stream_name": "{{hostname}}",
            "timestamp_format": "%Y-%m-%d %H:%M:%S.%f",
            "timezone": "UTC",
            "multi_line_start_pattern": "{{timestamp_format}}",
            "encoding": "utf-8",
            "retention_in_days": 7,
            "filters": [{{"type": "exclude", "expression": "DEBUG"}}],
            "auto_removal": false,
            "surprise_key": 1
          }}
        ]
      }}
    }},
    "force_flush_interval": 1
  }}
}}"""
        home = os.path.join(self.dir, "home")
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write(f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
        base = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        lines = []
        for i in range(3):
            t = (base + datetime.timedelta(seconds=i)).strftime("%Y-%m-%d %H:%M:%S.123")
            lines.append(f"{t} ERROR [main] request {i} failed\n"
                         "java.lang.IllegalStateException: boom\n"
                         "\tat com.example.Service.handle(Service.java:42)\n"
                         "\tat com.example.Main.main(Main.java:7)\n"
                         f"Caused by: java.io.IOException: disk {i}\n"
                         "\t... 2 more\n")
            lines.append(f"{t} DEBUG [main] noise {i}\n")
        with open(log, "w") as f:
            f.write("".join(lines))
        env = {"HOME": home, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
        agent = self.agent(config, "amazon-cloudwatch-agent.json", env=env)
        got = self.wait_for(group, socket.gethostname(), lambda ev: len(ev) >= 3, timeout=20)
        self.assertEqual(len(got), 3, [e["message"] for e in got])
        for i, e in enumerate(got):
            self.assertTrue(e["message"].startswith(f"{(base + datetime.timedelta(seconds=i)).strftime('%Y-%m-%d %H:%M:%S')}.123 ERROR"))
            self.assertTrue(e["message"].endswith(f"Caused by: java.io.IOException: disk {i}\n\t... 2 more"))
            self.assertEqual(e["timestamp"], int((base + datetime.timedelta(seconds=i)).replace(microsecond=123000).timestamp() * 1000))
        retention = self.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
        self.assertEqual(retention.get("retentionInDays"), 7)
        self.assertEqual(agent.stop(), 0)
        self.assertIn("surprise_key: unknown key", agent.stderr())
        self.assertIn("$.agent.metrics_collection_interval: unknown key", agent.stderr())


def logrotate_binary():
    path = shutil.which("logrotate") or "/usr/sbin/logrotate"
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest("logrotate is not installed (scripts/install-deps.sh test)")
    return path


class Ledger(AgentTestCase):
    def ledger_config(self, log, group, batch_count=10000):
        return f"""[general]
state_file = {self.dir}/agent-state

[ledger]
file = {log}
log_group_name = {group}
log_stream_name = ledger
multi_line_start_pattern = ^seq=
batch_count = {batch_count}
buffer_duration = 5000
"""

    def rotate_during_writing(self, mode):
        rotate = logrotate_binary()
        log = os.path.join(self.dir, "app.log")
        open(log, "w").close()
        group = f"ledger-{mode}-{os.path.basename(self.dir)}"
        conf = os.path.join(self.dir, "logrotate.conf")
        with open(conf, "w") as f:
            f.write(f"{log} {{\n  rotate 10\n  {mode}\n  missingok\n  nocompress\n}}\n")
        agent = self.agent(self.ledger_config(log, group, batch_count=500), "awslogs.conf")
        writer = Writer(log, rate=3000)
        writer.start()
        for _ in range(3):
            time.sleep(0.7)
            subprocess.run([rotate, "-f", "-s", os.path.join(self.dir, "logrotate.state"), conf],
                           check=True, capture_output=True)
        time.sleep(0.5)
        written = writer.finish()
        if mode == "copytruncate":
            # Lines written between logrotate's copy and its truncate are in no file: copytruncate
            # loses them by design. The ledger is what the files hold.
            expected = set()
            for name in os.listdir(self.dir):
                if name.startswith("app.log"):
                    with open(os.path.join(self.dir, name)) as f:
                        expected.update(int(m.group(1)) for m in SEQ_RE.finditer(f.read()))
            self.assertGreater(len(expected), written * 0.95)
        else:
            expected = set(range(written))
        got = self.wait_for(group, "ledger", lambda ev: self.seqs(ev) >= expected, timeout=30)
        # copytruncate: lines the agent read before the truncate arrive though no file has them.
        self.check_ledger(got, expected, written=written)
        self.assertEqual(agent.stop(), 0)

    def test_logrotate_create_during_writing(self):
        self.rotate_during_writing("create")

    def test_logrotate_copytruncate_during_writing(self):
        self.rotate_during_writing("copytruncate")

    def test_kill9_of_the_agent_and_restart_of_cwlogd_during_writing(self):
        port = free_port()
        server = self.start_server(["--port", str(port)])
        try:
            client = server.client(access_key=KEY, secret_key=SECRET)
            log = os.path.join(self.dir, "app.log")
            open(log, "w").close()
            group = "ledger-crash"
            batch = 300
            agent = self.agent(self.ledger_config(log, group, batch_count=batch), "awslogs.conf",
                               server=server)
            writer = Writer(log, rate=3000)
            writer.start()
            time.sleep(1.0)
            agent.stop(signal.SIGKILL)
            time.sleep(0.3)
            agent.start()
            time.sleep(1.0)
            server.stop()  # the agent backs off; the file is the buffer
            time.sleep(1.5)
            server.start()
            self.assertEqual(server.port, port)
            time.sleep(1.0)
            written = writer.finish()
            got = self.wait_for(group, "ledger", lambda ev: self.seqs(ev) >= set(range(written)),
                                timeout=40, client=client)
            # kill -9 may resend the batch in flight, nothing more.
            self.check_ledger(got, set(range(written)), max_duplicates=batch)
            self.assertIn("retrying", agent.stderr())
            # A normal stop and start neither loses nor resends.
            before = len(got)
            self.assertEqual(agent.stop(), 0)
            with open(log, "a") as f:
                f.write(f"seq={written:09d} after restart\n")
            agent.start()
            got = self.wait_for(group, "ledger", lambda ev: len(ev) > before, timeout=20, client=client)
            self.assertEqual(agent.stop(), 0)
            got = self.events(group, "ledger", client)
            self.assertEqual(len(got), before + 1)
            self.assertIn("after restart", got[-1]["message"])
        finally:
            server.discard()


if __name__ == "__main__":
    unittest.main()
