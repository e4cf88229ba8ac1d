"""Scheduled queries through boto3: Create/Get/Update/Delete/ListScheduledQueries and
GetScheduledQueryHistory. The happy path, the model's validation errors (sent raw: botocore
validates on the client first) reported as ValidationException, not-found, the name conflict,
paging, tags by ARN, and a query that really runs when the test clock passes its fire time: its
rows land in the export folder of its S3 bucket and its run in the history, once, also across
kill -9. One sample with the aws CLI."""

import json
import os
import shutil
import time
import unittest

from cwlogd_harness import (TIMEOUT_SCALE, AwsCli, RawLogsClient, RecentModelTestCase,
                            find_aws_v1, now_ms, validation_message)

ACCOUNT = "000000000000"
REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/sq"
BUCKET = "sq-results"
MINUTE = 60_000
HOUR = 3_600_000


def arn(name):
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:scheduled-query:{name}"


class ScheduledQueryTestCase(RecentModelTestCase):
    def setUp(self):
        super().setUp()
        self.server.set_clock_offset(0)
        self.exports = os.path.join(self.server.data_dir, "exports")
        shutil.rmtree(os.path.join(self.exports, BUCKET), ignore_errors=True)
        os.makedirs(os.path.join(self.exports, BUCKET))

    def tearDown(self):
        self.server.set_clock_offset(0)
        super().tearDown()

    def create(self, name, **overrides):
        params = {"name": name, "queryLanguage": "CWLI",
                  "queryString": "fields @message | sort @timestamp asc",
                  "scheduleExpression": "rate(1 hour)", "executionRoleArn": ROLE}
        params.update(overrides)
        return self.logs.create_scheduled_query(**params)

    def history(self, name, **kwargs):
        return self.logs.get_scheduled_query_history(identifier=name, startTime=0,
                                                     endTime=now_ms() + 400 * 24 * HOUR,
                                                     **kwargs)["triggerHistory"]

    def wait_history(self, name, count, statuses=("Complete", "Failed", "InvalidQuery",
                                                    "Timeout")):
        deadline = time.monotonic() + 30 * TIMEOUT_SCALE
        while True:
            runs = [r for r in self.history(name) if r["executionStatus"] in statuses]
            if len(runs) >= count:
                return runs
            self.assertLess(time.monotonic(), deadline, f"runs so far: {self.history(name)}")
            time.sleep(0.05)


class ScheduledQueryCrudTest(ScheduledQueryTestCase):
    def test_create_get_list_update_delete(self):
        self.logs.create_log_group(logGroupName="app")
        made = self.create("hourly/errors", description="errors per hour",
                           logGroupIdentifiers=["app"], timezone="UTC", startTimeOffset=3600,
                           destinationConfiguration={"s3Configuration": {
                               "destinationIdentifier": f"s3://{BUCKET}/reports",
                               "roleArn": ROLE}},
                           tags={"team": "obs"})
        self.assertEqual(made["scheduledQueryArn"], arn("hourly/errors"))
        self.assertEqual(made["state"], "ENABLED")
        got = self.logs.get_scheduled_query(identifier="hourly/errors")
        got.pop("ResponseMetadata")
        self.assertEqual(got["creationTime"], got["lastUpdatedTime"])
        self.assertAlmostEqual(got.pop("creationTime"), now_ms(), delta=60_000)
        got.pop("lastUpdatedTime")
        self.assertEqual(got, {
            "scheduledQueryArn": arn("hourly/errors"), "name": "hourly/errors",
            "description": "errors per hour", "queryLanguage": "CWLI",
            "queryString": "fields @message | sort @timestamp asc",
            "logGroupIdentifiers": ["app"], "scheduleExpression": "rate(1 hour)",
            "timezone": "UTC", "startTimeOffset": 3600,
            "destinationConfiguration": {"s3Configuration": {
                "destinationIdentifier": f"s3://{BUCKET}/reports", "roleArn": ROLE}},
            "state": "ENABLED", "executionRoleArn": ROLE})
        # By ARN too.
        self.assertEqual(self.logs.get_scheduled_query(identifier=arn("hourly/errors"))["name"],
                         "hourly/errors")
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn("hourly/errors"))["tags"],
                         {"team": "obs"})

        self.create("daily", scheduleExpression="cron(0 6 * * ? *)", state="DISABLED")
        listed = self.logs.list_scheduled_queries()["scheduledQueries"]
        self.assertEqual([(q["name"], q["state"]) for q in listed],
                         [("daily", "DISABLED"), ("hourly/errors", "ENABLED")])
        self.assertNotIn("queryString", listed[0])
        self.assertEqual(listed[0]["scheduleExpression"], "cron(0 6 * * ? *)")
        only = self.logs.list_scheduled_queries(state="DISABLED")["scheduledQueries"]
        self.assertEqual([q["name"] for q in only], ["daily"])

        # PUT semantics: members left out are gone; the state left out is kept.
        updated = self.logs.update_scheduled_query(
            identifier=arn("hourly/errors"), queryLanguage="CWLI", queryString="stats count(*)",
            scheduleExpression="rate(5 minutes)", executionRoleArn=ROLE)
        self.assertEqual(updated["queryString"], "stats count(*)")
        self.assertEqual(updated["state"], "ENABLED")
        for gone in ("description", "logGroupIdentifiers", "timezone", "startTimeOffset",
                     "destinationConfiguration"):
            self.assertNotIn(gone, updated)
        again = self.logs.get_scheduled_query(identifier="hourly/errors")
        self.assertEqual(again["scheduleExpression"], "rate(5 minutes)")
        self.assertEqual(again["lastUpdatedTime"], updated["lastUpdatedTime"])

        self.logs.delete_scheduled_query(identifier="hourly/errors")
        self.assertClientError("ResourceNotFoundException",
                               "The specified scheduled query does not exist.",
                               self.logs.get_scheduled_query, identifier="hourly/errors")
        self.assertEqual([q["name"] for q in self.logs.list_scheduled_queries()["scheduledQueries"]],
                         ["daily"])

    def test_not_found_and_conflict(self):
        missing = "The specified scheduled query does not exist."
        for call in (lambda: self.logs.get_scheduled_query(identifier="nope"),
                     lambda: self.logs.delete_scheduled_query(identifier=arn("nope")),
                     lambda: self.logs.get_scheduled_query_history(identifier="nope",
                                                                   startTime=0, endTime=1),
                     lambda: self.logs.update_scheduled_query(
                         identifier="nope", queryLanguage="CWLI", queryString="x",
                         scheduleExpression="rate(1 hour)", executionRoleArn=ROLE)):
            self.assertClientError("ResourceNotFoundException", missing, call)
        # Another account's ARN names nothing here.
        self.create("mine")
        self.assertClientError(
            "ResourceNotFoundException", missing, self.logs.get_scheduled_query,
            identifier="arn:aws:logs:us-east-1:111111111111:scheduled-query:mine")
        self.assertClientError("ConflictException",
                               "A scheduled query with the name 'mine' already exists.",
                               self.create, "mine")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.create, "other", logGroupIdentifiers=["no-such-group"])

    def test_model_validation_errors(self):
        base = {"name": "q", "queryLanguage": "CWLI", "queryString": "fields @message",
                "scheduleExpression": "rate(1 hour)", "executionRoleArn": ROLE}

        def refused(message, **changes):
            params = dict(base)
            params.update(changes)
            params = {k: v for k, v in params.items() if v is not None}
            self.assertClientError("ValidationException", message,
                                   self.raw.create_scheduled_query, **params)

        refused(validation_message("null", "name", "not be null"), name=None)
        refused(validation_message("'bad name'", "name",
                                   r"satisfy regular expression pattern: ^[a-zA-Z0-9_\-/.#]+$"),
                name="bad name")
        refused(validation_message("'" + "n" * 256 + "'", "name",
                                   "have length less than or equal to 255"), name="n" * 256)
        refused(validation_message("'LogsQL'", "queryLanguage",
                                   "satisfy enum value set: [CWLI, SQL, PPL]"),
                queryLanguage="LogsQL")
        refused(validation_message("'PAUSED'", "state",
                                   "satisfy enum value set: [ENABLED, DISABLED]"), state="PAUSED")
        refused(validation_message("'[]'", "logGroupIdentifiers",
                                   "have length greater than or equal to 1"),
                logGroupIdentifiers=[])
        refused(validation_message("'-1'", "scheduleStartTime",
                                   "have value greater than or equal to 0"),
                scheduleStartTime=-1)
        refused(validation_message(
            "'https://x'", "destinationConfiguration.s3Configuration.destinationIdentifier",
            r"satisfy regular expression pattern: s3://[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9](/.*)?"),
            destinationConfiguration={"s3Configuration": {"destinationIdentifier": "https://x",
                                                          "roleArn": ROLE}})
        refused(validation_message("null", "destinationConfiguration.s3Configuration.roleArn",
                                   "not be null"),
                destinationConfiguration={"s3Configuration": {
                    "destinationIdentifier": f"s3://{BUCKET}"}})
        # Two at once, in the members' order.
        self.assertClientError(
            "ValidationException",
            "2 validation errors detected: Value null at 'queryString' failed to satisfy "
            "constraint: Member must not be null; Value null at 'executionRoleArn' failed to "
            "satisfy constraint: Member must not be null",
            self.raw.create_scheduled_query, name="q", queryLanguage="CWLI",
            scheduleExpression="rate(1 hour)")
        # Beyond the model: the expression and the window.
        for bad in ("every hour", "rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)",
                    "cron(0 * * * *)", "cron(0 * * * * *)", "cron(61 * * * ? *)",
                    "cron(0 * ? * ? *)", "cron(0 0 1 FOO ? *)"):
            with self.assertRaises(Exception, msg=bad) as cm:
                self.raw.create_scheduled_query(**dict(base, scheduleExpression=bad))
            self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException", bad)
        self.assertClientError("ValidationException",
                               "scheduleEndTime must be after scheduleStartTime.",
                               self.raw.create_scheduled_query,
                               **dict(base, scheduleStartTime=1000, scheduleEndTime=1000))
        self.assertClientError("ValidationException",
                               validation_message("'0'", "maxResults",
                                                  "have value greater than or equal to 1"),
                               self.raw.list_scheduled_queries, maxResults=0)
        self.assertEqual(self.logs.list_scheduled_queries()["scheduledQueries"], [])

    def test_paging(self):
        names = [f"q{i:02d}" for i in range(7)]
        for name in names:
            self.create(name)
        seen = []
        token = None
        while True:
            page = self.logs.list_scheduled_queries(
                maxResults=3, **({"nextToken": token} if token else {}))
            seen += [q["name"] for q in page["scheduledQueries"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(seen, names)
        if not isinstance(self.logs, RawLogsClient):  # boto3's paginator, where its model has it
            paginated = [q["name"] for p in self.logs.get_paginator(
                "list_scheduled_queries").paginate(PaginationConfig={"PageSize": 2})
                for q in p["scheduledQueries"]]
            self.assertEqual(paginated, names)
        self.assertClientError("ValidationException", "The specified nextToken is invalid.",
                               self.logs.list_scheduled_queries, nextToken="garbage")


class ScheduledQueryRunTest(ScheduledQueryTestCase):
    def test_runs_when_the_clock_passes_its_fire_time(self):
        self.logs.create_log_group(logGroupName="web")
        self.logs.create_log_stream(logGroupName="web", logStreamName="s")
        t = now_ms()
        self.put("web", "s", [(t - 2 * MINUTE, "ERROR one"), (t - MINUTE, "ok"),
                              (t, "ERROR two")])
        self.create("errors", logGroupIdentifiers=["web"],
                    queryString="filter @message like /ERROR/ | fields @message "
                                "| sort @timestamp asc",
                    scheduleExpression="rate(5 minutes)", startTimeOffset=3600,
                    destinationConfiguration={"s3Configuration": {
                        "destinationIdentifier": f"s3://{BUCKET}/out", "roleArn": ROLE}})
        self.assertEqual(self.history("errors"), [])
        time.sleep(0.5)
        self.assertEqual(self.history("errors"), [], "nothing is due before the clock moves")
        # Past the first fire time (creation + 5 min), not yet the second.
        self.server.set_clock_offset(6 * MINUTE)
        runs = self.wait_history("errors", 1)
        self.assertEqual(len(runs), 1, runs)
        run = runs[0]
        self.assertEqual(run["executionStatus"], "Complete", run)
        self.assertTrue(run["queryId"])
        self.assertEqual(len(run["destinations"]), 1)
        dest = run["destinations"][0]
        self.assertEqual(dest["destinationType"], "S3")
        self.assertEqual(dest["destinationIdentifier"], f"s3://{BUCKET}/out")
        self.assertEqual(dest["status"], "COMPLETE")
        key = dest["processedIdentifier"][len(f"s3://{BUCKET}/"):]
        self.assertTrue(key.startswith("out/errors/"), key)
        with open(os.path.join(self.exports, BUCKET, *key.split("/")), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f.read().splitlines()]
        self.assertEqual([r["@message"] for r in rows], ["ERROR one", "ERROR two"])

        got = self.logs.get_scheduled_query(identifier="errors")
        self.assertEqual(got["lastTriggeredTime"], run["triggeredTimestamp"])
        self.assertEqual(got["lastExecutionStatus"], "Complete")
        # Filters of the history.
        self.assertEqual(self.history("errors", executionStatuses=["Failed"]), [])
        self.assertEqual(len(self.logs.get_scheduled_query_history(
            identifier="errors", startTime=0, endTime=run["triggeredTimestamp"] - 1)
            ["triggerHistory"]), 0)
        # Each period once more: a run each, in time order. (A clock that jumps several
        # periods at once gets one run: missed runs are not made up.)
        self.server.set_clock_offset(11 * MINUTE)
        self.wait_history("errors", 2)
        self.server.set_clock_offset(16 * MINUTE)
        runs = self.wait_history("errors", 3)
        stamps = [r["triggeredTimestamp"] for r in runs]
        self.assertEqual(stamps, sorted(stamps))
        self.assertEqual(stamps[1] - stamps[0], 5 * MINUTE)
        end = now_ms() + HOUR
        page = self.logs.get_scheduled_query_history(identifier="errors", startTime=0,
                                                     endTime=end, maxResults=2)
        self.assertEqual(len(page["triggerHistory"]), 2)
        rest = self.logs.get_scheduled_query_history(identifier="errors", startTime=0,
                                                     endTime=end, maxResults=2,
                                                     nextToken=page["nextToken"])
        self.assertEqual(len(rest["triggerHistory"]), 1)

    def test_disabled_queries_and_bad_queries(self):
        self.logs.create_log_group(logGroupName="web")
        self.create("off", logGroupIdentifiers=["web"], scheduleExpression="rate(1 minute)",
                    state="DISABLED")
        self.create("broken", logGroupIdentifiers=["web"], queryString="fields | |",
                    scheduleExpression="rate(1 minute)")
        self.create("nobucket", logGroupIdentifiers=["web"], scheduleExpression="rate(1 minute)",
                    destinationConfiguration={"s3Configuration": {
                        "destinationIdentifier": "s3://no-such-bucket", "roleArn": ROLE}})
        self.server.set_clock_offset(90_000)
        broken = self.wait_history("broken", 1)
        self.assertEqual(broken[0]["executionStatus"], "InvalidQuery")
        self.assertTrue(broken[0]["errorMessage"])
        nobucket = self.wait_history("nobucket", 1)
        self.assertEqual(nobucket[0]["executionStatus"], "Complete")
        self.assertEqual(nobucket[0]["destinations"][0]["status"], "CLIENT_ERROR")
        self.assertEqual(self.history("off"), [])

    def test_cron_schedule_fires_at_its_minute(self):
        self.logs.create_log_group(logGroupName="web")
        # Every hour at minute 0: within the next 61 minutes exactly one run.
        self.create("top", logGroupIdentifiers=["web"], scheduleExpression="cron(0 * * * ? *)")
        self.server.set_clock_offset(61 * MINUTE)
        runs = self.wait_history("top", 1)
        time.sleep(0.5)
        runs = self.history("top")
        self.assertEqual(len(runs), 1, runs)
        self.assertEqual(runs[0]["triggeredTimestamp"] % HOUR, 0)

    def test_a_run_is_recorded_once_across_kill_9(self):
        self.logs.create_log_group(logGroupName="web")
        self.create("once", logGroupIdentifiers=["web"], scheduleExpression="rate(1 minute)")
        self.server.set_clock_offset(90_000)
        self.wait_history("once", 1)
        self.server.kill9()
        self.server.start()
        self.logs = self.server.recent_client()
        type(self).recent_logs = self.logs
        # The clock offset is not kept across a start: the next run is still in the future.
        time.sleep(0.5)
        runs = self.history("once")
        self.assertEqual(len(runs), 1, runs)
        self.assertEqual(self.logs.get_scheduled_query(identifier="once")["lastExecutionStatus"],
                         "Complete")


class ScheduledQueryCliTest(ScheduledQueryTestCase):
    def test_aws_cli_create_and_get(self):
        # Debian's aws v2 predates scheduled queries; the pyenv v1 runs on this botocore.
        exe = find_aws_v1()
        if exe is None:
            self.skipTest("aws CLI v1 not installed")
        cli = AwsCli(exe, "aws v1")
        made = cli.run(self.server, "logs", "create-scheduled-query", "--name", "cli-q",
                       "--query-language", "CWLI", "--query-string", "fields @message",
                       "--schedule-expression", "cron(0 6 ? * MON-FRI *)",
                       "--execution-role-arn", ROLE)
        self.assertEqual(made.returncode, 0, made)
        self.assertEqual(made.json()["scheduledQueryArn"], arn("cli-q"))
        got = cli.run(self.server, "logs", "get-scheduled-query", "--identifier", "cli-q")
        self.assertEqual(got.returncode, 0, got)
        self.assertEqual(got.json()["scheduleExpression"], "cron(0 6 ? * MON-FRI *)")


if __name__ == "__main__":
    unittest.main()
