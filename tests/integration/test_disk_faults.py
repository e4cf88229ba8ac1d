"""Disk faults and process lifecycle: a full disk (data dir on a small tmpfs mounted by the test)
answers ServiceUnavailableException without crashing or losing acknowledged events and recovers
once space returns; a corrupt data directory stops start-up with a clear message; SIGTERM drains
in-flight requests and every acknowledged event survives the restart.
"""

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import cwlogd_harness as h
from test_hostile_input import recv_response

TMPFS_SIZE = "20m"


def mount_tmpfs(path):
    """Mounts a small tmpfs at path; returns None, or the reason it could not."""
    if os.geteuid() != 0:
        return "not running as root, cannot mount a tmpfs"
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return f"mount -t tmpfs not permitted: {proc.stderr.strip()}"
    return None


class DiskFullTest(unittest.TestCase):

    def setUp(self):
        self.mnt = tempfile.mkdtemp(prefix="cwlogd-diskfull-")
        why = mount_tmpfs(self.mnt)
        if why:
            os.rmdir(self.mnt)
            self.skipTest(why)
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.discard()
        subprocess.run(["umount", "-l", self.mnt], capture_output=True)
        shutil.rmtree(self.mnt, ignore_errors=True)

    def test_disk_full_answers_service_unavailable_and_recovers(self):
        server = h.CwlogdServer()
        server.data_dir = os.path.join(self.mnt, "data")
        self.server = server
        server.start()
        logs = server.client()
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")

        # A filler that can be deleted later to give space back. It is larger than what the
        # store can write before the disk is full, because recovering means flushing the
        # memtable (as big as the write-ahead log) to a table file before the log can go.
        filler = os.path.join(self.mnt, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (12 << 20))

        rng = random.Random(7)
        acked, failed = [], 0
        base = h.now_ms() - 3_600_000
        seq = 0
        error = None
        # Random (incompressible) 64 KiB messages, 8 per batch, until the disk is full.
        for batch in range(400):
            events = []
            for _ in range(8):
                msg = f"{seq:08d} " + rng.randbytes(24 << 10).hex()
                events.append({"timestamp": base + seq, "message": msg})
                seq += 1
            try:
                logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=events)
                acked.extend(e["message"] for e in events)
            except h.ClientError as e:
                error = e
                failed += 1
                break
        self.assertIsNotNone(error, "the 20 MB tmpfs never filled up")
        err = error.response["Error"]
        self.assertEqual(err["Code"], "ServiceUnavailableException", err)
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.assertTrue(server.running(), "server died on a full disk")

        # Still serving reads, and nothing acknowledged is lost; nothing from the failed batch.
        status, _, _ = server.http("GET", "/_cwlogd/health")
        self.assertEqual(status, 200)
        stored = self._all_messages(logs)
        self.assertEqual(stored, acked)

        # Writes keep failing cleanly while the disk is full.
        for _ in range(3):
            with self.assertRaises(h.ClientError) as cm:
                logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
                    {"timestamp": base + seq, "message": rng.randbytes(32 << 10).hex()}])
            self.assertEqual(cm.exception.response["Error"]["Code"], "ServiceUnavailableException")
            self.assertTrue(server.running())

        # Space comes back: writes succeed again without a restart.
        os.unlink(filler)
        deadline = time.monotonic() + 20
        while True:
            try:
                logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
                    {"timestamp": base + seq, "message": "after recovery"}])
                acked.append("after recovery")
                break
            except h.ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "ServiceUnavailableException")
                if time.monotonic() > deadline:
                    self.fail("writes did not recover within 20 s of freeing space")
                time.sleep(0.5)
        logs.create_log_group(logGroupName="g2")
        self.assertEqual(self._all_messages(logs), acked)

        # And everything acknowledged survives a restart.
        server.restart()
        logs = server.client()
        self.assertEqual(self._all_messages(logs), acked)
        self.assertEqual(sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
                         ["g", "g2"])

    @staticmethod
    def _all_messages(logs):
        out, token = [], None
        while True:
            kw = {"logGroupName": "g", "logStreamName": "s", "startFromHead": True}
            if token:
                kw["nextToken"] = token
            page = logs.get_log_events(**kw)
            out.extend(e["message"] for e in page["events"])
            if page["nextForwardToken"] == token or not page["events"]:
                return out
            token = page["nextForwardToken"]


class StartupCorruptionTest(unittest.TestCase):

    def test_corrupt_data_dir_is_reported_clearly(self):
        server = h.CwlogdServer()
        try:
            server.start()
            server.client().create_log_group(logGroupName="g")
            self.assertEqual(server.stop(), 0)
            # Overwrite every MANIFEST and CURRENT with garbage.
            damaged = 0
            for name in os.listdir(server.data_dir):
                if name.startswith("MANIFEST-") or name == "CURRENT":
                    with open(os.path.join(server.data_dir, name), "wb") as f:
                        f.write(b"this is not a rocksdb file\n" * 10)
                    damaged += 1
            self.assertGreater(damaged, 0, os.listdir(server.data_dir))
            with self.assertRaises(RuntimeError) as cm:
                server.start()
            text = str(cm.exception)
            self.assertIn("exited with status 1", text)  # a clean exit, not a signal
            self.assertIn(f"cannot open the store in '{server.data_dir}'", text)
        finally:
            server.discard()

    def test_data_dir_that_is_a_file_is_reported_clearly(self):
        server = h.CwlogdServer()
        try:
            with open(server.data_dir, "w") as f:
                f.write("not a directory")
            with self.assertRaises(RuntimeError) as cm:
                server.start()
            self.assertIn("exited with status 1", str(cm.exception))
            self.assertIn(server.data_dir, str(cm.exception))
        finally:
            server.discard()


class GracefulShutdownTest(unittest.TestCase):

    def test_sigterm_drains_in_flight_requests_and_keeps_acked_events(self):
        server = h.CwlogdServer(["--shutdown-grace-seconds", "10"])
        try:
            server.start()
            logs = server.client()
            logs.create_log_group(logGroupName="g")
            logs.create_log_stream(logGroupName="g", logStreamName="s")
            acked = []
            lock = threading.Lock()
            stop = threading.Event()
            port = server.port
            base = h.now_ms() - 600_000

            def writer(n):
                # Raw keep-alive connection sending PutLogEvents back to back.
                seq = 0
                try:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
                except OSError:
                    return
                pending = bytearray()
                with sock:
                    while not stop.is_set():
                        msgs = [f"w{n}-{seq + i}" for i in range(50)]
                        body = json.dumps({"logGroupName": "g", "logStreamName": "s", "logEvents": [
                            {"timestamp": base + seq + i, "message": m}
                            for i, m in enumerate(msgs)]}).encode()
                        seq += 50
                        req = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: "
                               b"Logs_20140328.PutLogEvents\r\nContent-Type: "
                               b"application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n"
                               % len(body)) + body
                        try:
                            sock.sendall(req)
                            resp = recv_response(sock, 15, pending)
                        except OSError:
                            return
                        if resp is None:
                            return
                        if resp[0] == 200:
                            with lock:
                                acked.extend(msgs)
                        if resp[1].get("connection", "").lower() == "close":
                            return

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            time.sleep(1.5)
            with lock:
                acked_before_signal = len(acked)
            self.assertGreater(acked_before_signal, 0)
            code = server.stop()  # SIGTERM, waits for exit
            stop.set()
            for t in threads:
                t.join(20)
            self.assertEqual(code, 0, server.stderr_text()[-2000:])
            self.assertIn("shutting down", server.stderr_text())

            server.start()
            logs = server.client()
            stored = set()
            token = None
            while True:
                kw = {"logGroupName": "g", "logStreamName": "s", "startFromHead": True}
                if token:
                    kw["nextToken"] = token
                page = logs.get_log_events(**kw)
                stored.update(e["message"] for e in page["events"])
                if page["nextForwardToken"] == token or not page["events"]:
                    break
                token = page["nextForwardToken"]
            missing = [m for m in acked if m not in stored]
            self.assertEqual(missing, [], f"{len(missing)} acknowledged events lost")
        finally:
            server.discard()


if __name__ == "__main__":
    unittest.main()
