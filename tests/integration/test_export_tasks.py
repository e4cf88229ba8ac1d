"""Export tasks through boto3: CreateExportTask writes a log group's time range as gzip objects
under the export directory (<data-dir>/exports by default; bucket B is its folder B), laid out as
AWS lays them out in S3; DescribeExportTasks and CancelExportTask; the one-active-task limit; the
model's validation errors (sent raw: botocore validates on the client first); a task interrupted
by kill -9 resumes after the restart; one sample with the aws CLI and one with the JS SDK."""

import datetime
import gzip
import json
import os
import shutil
import subprocess
import time
import unittest

from cwlogd_harness import (NODE_DIR, TIMEOUT_SCALE, AwsCli, RawLogsClient, ServerTestCase,
                            find_aws_v2, js_sdk_dir, now_ms, validation_message)

BUCKET = "export-bucket"
BUCKET_MISSING = "The given bucket does not exist. Please make sure the bucket is valid."


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class ExportTestCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.raw = RawLogsClient(self.server)
        self.exports = os.path.join(self.server.data_dir, "exports")
        shutil.rmtree(os.path.join(self.exports, BUCKET), ignore_errors=True)
        os.makedirs(os.path.join(self.exports, BUCKET))

    def wait(self, task_id, codes=("COMPLETED", "FAILED", "CANCELLED"), timeout=60):
        deadline = time.monotonic() + timeout * TIMEOUT_SCALE
        while True:
            tasks = self.logs.describe_export_tasks(taskId=task_id)["exportTasks"]
            self.assertEqual(len(tasks), 1)
            if tasks[0]["status"]["code"] in codes:
                return tasks[0]
            self.assertLess(time.monotonic(), deadline, f"task still {tasks[0]['status']}")
            time.sleep(0.05)

    def lines(self, *key):
        with gzip.open(os.path.join(self.exports, BUCKET, *key), "rt", encoding="utf-8") as f:
            return f.read().splitlines()

    def objects(self, *folder):
        """Every file under the folder, as keys relative to it."""
        root = os.path.join(self.exports, BUCKET, *folder)
        found = []
        for dirpath, _, files in os.walk(root):
            for name in files:
                found.append(os.path.relpath(os.path.join(dirpath, name), root))
        return sorted(found)

    def fill_big_group(self, group, events):
        """`events` events of ~100 bytes in one stream, 8,000 per call."""
        self.make_stream(group, "s")
        t0 = now_ms() - 3_600_000
        for start in range(0, events, 8_000):
            self.put(group, "s", [(t0 + i // 100, f"event {i:08d} " + "x" * 80)
                                  for i in range(start, min(events, start + 8_000))])
        return t0


class ExportTest(ExportTestCase):
    def test_exports_the_range_as_aws_lays_it_out(self):
        # In the future (PutLogEvents takes up to 2 h ahead): `to` must not be earlier than the
        # group's creation.
        t0 = now_ms() + 600_000
        self.make_stream("app", "web/1")
        self.make_stream("app", "api")
        self.make_stream("app", "idle")
        self.put("app", "web/1", [(t0 - 1, "before"), (t0, "first"), (t0 + 5, "second line"),
                                  (t0 + 1000, "last"), (t0 + 1001, "after")])
        self.put("app", "api", [(t0 + 7, '{"level":"info","msg":"ünïcode"}')])
        self.put("app", "idle", [(t0 + 5000, "outside")])
        task_id = self.logs.create_export_task(taskName="nightly", logGroupName="app",
                                               **{"from": t0}, to=t0 + 1000, destination=BUCKET,
                                               destinationPrefix="exp/2026")["taskId"]
        self.assertRegex(task_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        task = self.wait(task_id)
        created = task["executionInfo"]["creationTime"]
        self.assertLessEqual(created, task["executionInfo"]["completionTime"])
        self.assertEqual(task, {
            "taskId": task_id, "taskName": "nightly", "logGroupName": "app", "from": t0,
            "to": t0 + 1000, "destination": BUCKET, "destinationPrefix": "exp/2026",
            "status": {"code": "COMPLETED", "message": "Completed successfully"},
            "executionInfo": {"creationTime": created,
                              "completionTime": task["executionInfo"]["completionTime"]}})
        # from and to are both inclusive (the model: events later than `to` are not exported);
        # '/' in a stream name becomes '-'; streams without events in range get no folder.
        self.assertEqual(self.objects("exp", "2026"), sorted([
            "aws-logs-write-test", f"{task_id}/api/000000.gz", f"{task_id}/web-1/000000.gz"]))
        self.assertEqual(self.lines("exp", "2026", task_id, "web-1", "000000.gz"),
                         [f"{iso(t0)} first", f"{iso(t0 + 5)} second line",
                          f"{iso(t0 + 1000)} last"])
        self.assertEqual(self.lines("exp", "2026", task_id, "api", "000000.gz"),
                         [f'{iso(t0 + 7)} {{"level":"info","msg":"ünïcode"}}'])

    def test_default_prefix_and_stream_prefix(self):
        t0 = now_ms() - 60_000
        for stream in ("web-a", "web-b", "db"):
            self.make_stream("g", stream)
            self.put("g", stream, [(t0, f"from {stream}")])
        task_id = self.logs.create_export_task(logGroupName="g", logStreamNamePrefix="web-",
                                               **{"from": 0}, to=now_ms(),
                                               destination=BUCKET)["taskId"]
        task = self.wait(task_id)
        self.assertEqual(task["destinationPrefix"], "exportedlogs")
        self.assertNotIn("taskName", task)
        self.assertEqual(self.objects("exportedlogs"), sorted([
            "aws-logs-write-test", f"{task_id}/web-a/000000.gz", f"{task_id}/web-b/000000.gz"]))
        self.assertEqual(self.lines("exportedlogs", task_id, "web-b", "000000.gz"),
                         [f"{iso(t0)} from web-b"])

    def test_errors(self):
        self.logs.create_log_group(logGroupName="g")
        now = now_ms()
        self.assertClientError("InvalidParameterException", BUCKET_MISSING,
                               self.logs.create_export_task, logGroupName="g", **{"from": 0},
                               to=now, destination="no-such-bucket")
        self.assertClientError("InvalidParameterException", BUCKET_MISSING,
                               self.logs.create_export_task, logGroupName="g", **{"from": 0},
                               to=now, destination="Not_A_Bucket")
        self.assertClientError("ResourceNotFoundException", "The specified log group does not exist.",
                               self.logs.create_export_task, logGroupName="missing", **{"from": 0},
                               to=now, destination=BUCKET)
        self.assertClientError("InvalidParameterException",
                               "The from time must not be later than the to time.",
                               self.logs.create_export_task, logGroupName="g", **{"from": now},
                               to=now - 1, destination=BUCKET)
        self.assertClientError(
            "InvalidParameterException",
            "The to time must not be earlier than the creation time of the log group.",
            self.logs.create_export_task, logGroupName="g", **{"from": 0}, to=1000,
            destination=BUCKET)
        self.assertClientError(
            "InvalidParameterException",
            "destinationPrefix must not have '.' or '..' as a path segment.",
            self.logs.create_export_task, logGroupName="g", **{"from": 0}, to=now,
            destination=BUCKET, destinationPrefix="a/../../b")
        self.assertClientError("ResourceNotFoundException",
                               "The specified export task does not exist.",
                               self.logs.cancel_export_task, taskId="nope")
        self.assertEqual(self.logs.describe_export_tasks(taskId="nope")["exportTasks"], [])
        # Nothing was stored by the refused calls.
        self.assertEqual(self.logs.describe_export_tasks()["exportTasks"], [])

    def test_validation_errors_of_the_model(self):
        self.logs.create_log_group(logGroupName="g")
        self.assertClientError("InvalidParameterException",
                               validation_message("null", "destination", "not be null"),
                               self.raw.create_export_task, logGroupName="g", **{"from": 0},
                               to=1)
        self.assertClientError("InvalidParameterException",
                               validation_message("'-1'", "from",
                                                  "have value greater than or equal to 0"),
                               self.raw.create_export_task, logGroupName="g", to=1,
                               destination=BUCKET, **{"from": -1})
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "taskName",
                                                  "have length greater than or equal to 1"),
                               self.raw.create_export_task, taskName="", logGroupName="g",
                               to=1, destination=BUCKET, **{"from": 0})
        self.assertClientError("InvalidParameterException",
                               validation_message("'a:b'", "logStreamNamePrefix",
                                                  "satisfy regular expression pattern: [^:*]*"),
                               self.raw.create_export_task, logStreamNamePrefix="a:b",
                               logGroupName="g", to=1, destination=BUCKET, **{"from": 0})
        self.assertClientError("InvalidParameterException",
                               validation_message("'51'", "limit",
                                                  "have value less than or equal to 50"),
                               self.raw.describe_export_tasks, limit=51)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'DONE'", "statusCode",
                               "satisfy enum value set: [CANCELLED, COMPLETED, FAILED, PENDING, "
                               "PENDING_CANCEL, RUNNING]"),
            self.raw.describe_export_tasks, statusCode="DONE")
        self.assertClientError("InvalidParameterException",
                               validation_message("null", "taskId", "not be null"),
                               self.raw.cancel_export_task)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_export_tasks, nextToken="bogus")

    def test_describe_newest_first_with_paging_and_filters(self):
        t0 = now_ms() - 60_000
        self.make_stream("g", "s")
        self.put("g", "s", [(t0, "m")])
        ids = []
        for _ in range(3):
            ids.append(self.logs.create_export_task(logGroupName="g", **{"from": 0}, to=now_ms(),
                                                    destination=BUCKET)["taskId"])
            self.wait(ids[-1])
        page = self.logs.describe_export_tasks(limit=2)
        self.assertEqual([t["taskId"] for t in page["exportTasks"]], [ids[2], ids[1]])
        rest = self.logs.describe_export_tasks(limit=2, nextToken=page["nextToken"])
        self.assertEqual([t["taskId"] for t in rest["exportTasks"]], [ids[0]])
        self.assertNotIn("nextToken", rest)
        # A token belongs to the filters it was made for.
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_export_tasks, limit=2,
                               statusCode="COMPLETED", nextToken=page["nextToken"])
        done = self.logs.describe_export_tasks(statusCode="COMPLETED")["exportTasks"]
        self.assertEqual([t["taskId"] for t in done], [ids[2], ids[1], ids[0]])
        self.assertEqual(self.logs.describe_export_tasks(statusCode="RUNNING")["exportTasks"], [])
        one = self.logs.describe_export_tasks(taskId=ids[1])["exportTasks"]
        self.assertEqual([t["taskId"] for t in one], [ids[1]])
        # Finished tasks cannot be cancelled.
        self.assertClientError("InvalidOperationException",
                               "Only a PENDING or RUNNING export task can be cancelled.",
                               self.logs.cancel_export_task, taskId=ids[0])
        # Tasks are durable.
        self.restart_server()
        again = self.logs.describe_export_tasks()["exportTasks"]
        self.assertEqual([t["taskId"] for t in again], [ids[2], ids[1], ids[0]])

    def test_one_active_task_and_cancel(self):
        t0 = self.fill_big_group("big", 200_000)
        first = self.logs.create_export_task(logGroupName="big", **{"from": t0}, to=now_ms(),
                                             destination=BUCKET, destinationPrefix="one")["taskId"]
        # Sent at once: the first task is still PENDING or RUNNING (it has 20 MB to write).
        status = self.logs.describe_export_tasks(taskId=first)["exportTasks"][0]["status"]
        self.assertIn(status["code"], ("PENDING", "RUNNING"), status)
        # Sent raw: botocore retries LimitExceededException (a throttling code to it) after a
        # back-off, by which time the first task may be done.
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.raw.create_export_task, logGroupName="big", **{"from": t0},
                               to=now_ms(), destination=BUCKET)
        self.assertEqual(self.logs.cancel_export_task(taskId=first)["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)
        task = self.wait(first)
        self.assertEqual(task["status"], {"code": "CANCELLED", "message": "Cancelled by user"})
        self.assertIn("completionTime", task["executionInfo"])
        # The runner stops within one event of the cancel and removes its temp file: no object
        # is left half written, every .gz present reads to the end.
        deadline = time.monotonic() + 10 * TIMEOUT_SCALE
        while any(k.endswith(".cwlogd-tmp") for k in self.objects("one")):
            self.assertLess(time.monotonic(), deadline, self.objects("one"))
            time.sleep(0.05)
        for key in self.objects("one"):
            self.assertFalse(key.endswith(".cwlogd-tmp"), key)
            if key.endswith(".gz"):
                self.lines("one", key)
        # The slot is free again; this one runs to the end.
        second = self.logs.create_export_task(logGroupName="big", **{"from": t0}, to=now_ms(),
                                              destination=BUCKET, destinationPrefix="two")["taskId"]
        self.assertEqual(self.wait(second)["status"]["code"], "COMPLETED")
        lines = self.lines("two", second, "s", "000000.gz")
        self.assertEqual(len(lines), 200_000)
        self.assertEqual(lines[-1], f"{iso(t0 + 1999)} event 00199999 " + "x" * 80)

    def test_a_task_interrupted_by_kill_resumes_after_restart(self):
        t0 = self.fill_big_group("big", 100_000)
        task_id = self.logs.create_export_task(logGroupName="big", **{"from": t0}, to=now_ms(),
                                               destination=BUCKET)["taskId"]
        self.server.kill9()
        self.server.start()
        type(self).logs = self.server.client()
        self.logs = type(self).logs
        task = self.wait(task_id)
        self.assertEqual(task["status"]["code"], "COMPLETED")
        self.assertEqual(self.objects("exportedlogs", task_id), ["s/000000.gz"])
        self.assertEqual(len(self.lines("exportedlogs", task_id, "s", "000000.gz")), 100_000)


class ExportClientsTest(ExportTestCase):
    def test_aws_cli(self):
        exe = find_aws_v2()
        if exe is None:
            self.skipTest("aws CLI v2 is not installed")
        cli = AwsCli(exe, "v2")
        t0 = now_ms() - 60_000
        self.make_stream("cli", "s")
        self.put("cli", "s", [(t0, "hello from the cli")])
        res = cli.run(self.server, "logs", "create-export-task", "--log-group-name", "cli",
                      "--from", "0", "--to", str(now_ms()), "--destination", BUCKET)
        self.assertEqual(res.returncode, 0, res)
        task_id = res.json()["taskId"]
        self.wait(task_id)
        res = cli.run(self.server, "logs", "describe-export-tasks", "--task-id", task_id)
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json()["exportTasks"][0]["status"]["code"], "COMPLETED")
        self.assertEqual(self.lines("exportedlogs", task_id, "s", "000000.gz"),
                         [f"{iso(t0)} hello from the cli"])

    def test_js_sdk(self):
        node_dir = js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, CWLOGD_BUCKET=BUCKET)
        proc = subprocess.run(["node", os.path.join(NODE_DIR, "export_tasks.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        task_id = out.pop("taskId")
        ts = out.pop("timestamp")
        self.assertEqual(out, {"status": "COMPLETED", "destinationPrefix": "js",
                               "cancelMissing": "ResourceNotFoundException"})
        self.assertEqual(self.lines("js", task_id, "s", "000000.gz"), [f"{iso(ts)} hello from js"])


if __name__ == "__main__":
    unittest.main()
