"""The aws CLI, v1 (pyenv `aws`) and v2 (/usr/bin/aws), against the server: the newcomer flow,
`aws logs tail`, error output and --max-items pagination. A CLI that is not installed is skipped."""

import re
import unittest

from cwlogd_harness import AwsCli, ServerTestCase, find_aws_v1, find_aws_v2, now_ms

GROUP = "/itest/app"
STREAM = "web-1"


class CliFlows:
    """Test bodies shared by both CLI versions. Subclasses set `cli` in setUpClass."""

    cli = None
    error_exit_code = None
    has_tail = False

    def aws(self, *args, expect_ok=True, **kwargs):
        res = self.cli.run(self.server, *args, **kwargs)
        if expect_ok:
            self.assertEqual(res.returncode, 0, res)
        return res

    def test_readme_flow(self):
        """The commands of README.md "Try it with the aws CLI", argument for argument, then a
        look at the stream and a delete."""
        ts = str(now_ms() // 1000) + "000"  # $(date +%s000)
        self.aws("logs", "create-log-group", "--log-group-name", "app")
        self.aws("logs", "create-log-stream", "--log-group-name", "app",
                 "--log-stream-name", "web-1")
        out = self.aws("logs", "put-log-events", "--log-group-name", "app", "--log-stream-name",
                       "web-1", "--log-events", f"timestamp={ts},message=GET /index.html 200",
                       f"timestamp={ts},message=GET /missing 404").json()
        self.assertRegex(out.get("nextSequenceToken", ""), r"^[0-9]{56}$")
        self.assertNotIn("rejectedLogEventsInfo", out)
        got = self.aws("logs", "get-log-events", "--log-group-name", "app", "--log-stream-name",
                       "web-1", "--start-from-head").json()
        self.assertEqual([(e["timestamp"], e["message"]) for e in got["events"]],
                         [(int(ts), "GET /index.html 200"), (int(ts), "GET /missing 404")])
        self.assertRegex(got["nextForwardToken"], r"^f/[0-9]{56}(/s)?$")
        self.assertRegex(got["nextBackwardToken"], r"^b/[0-9]{56}(/s)?$")
        filtered = self.aws("logs", "filter-log-events", "--log-group-name", "app",
                            "--filter-pattern", '"404"').json()
        self.assertEqual([e["message"] for e in filtered["events"]], ["GET /missing 404"])
        self.assertEqual(filtered["events"][0]["logStreamName"], "web-1")
        if self.has_tail:
            res = self.aws("logs", "tail", "app")
            lines = [l for l in res.stdout.splitlines() if l.strip()]
            self.assertEqual(len(lines), 2, res)
            self.assertTrue(lines[0].endswith(" web-1 GET /index.html 200"), lines)
            self.assertTrue(lines[1].endswith(" web-1 GET /missing 404"), lines)
        streams = self.aws("logs", "describe-log-streams", "--log-group-name", "app").json()
        s = streams["logStreams"][0]
        self.assertEqual(s["logStreamName"], "web-1")
        self.assertEqual((s["firstEventTimestamp"], s["lastEventTimestamp"]), (int(ts), int(ts)))
        self.aws("logs", "delete-log-group", "--log-group-name", "app")
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])

    def test_error_output_for_a_missing_group(self):
        res = self.aws("logs", "describe-log-streams", "--log-group-name", "/does/not/exist",
                       expect_ok=False)
        self.assertEqual(res.returncode, self.error_exit_code, res)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the "
                      "DescribeLogStreams operation: The specified log group does not exist.",
                      res.stderr)
        res = self.aws("logs", "create-log-group", "--log-group-name", "aws/reserved",
                       expect_ok=False)
        self.assertEqual(res.returncode, self.error_exit_code, res)
        self.assertIn("An error occurred (InvalidParameterException) when calling the "
                      "CreateLogGroup operation: Log groups starting with AWS/ are reserved for "
                      "AWS.", res.stderr)

    def test_describe_with_max_items_pagination(self):
        names = [f"/page/g{i}" for i in range(7)]
        for n in names:
            self.logs.create_log_group(logGroupName=n)
        seen, token, calls = [], None, 0
        while True:
            args = ["logs", "describe-log-groups", "--max-items", "3", "--page-size", "2"]
            if token:
                args += ["--starting-token", token]
            out = self.aws(*args).json()
            calls += 1
            self.assertLessEqual(len(out["logGroups"]), 3)
            seen += [g["logGroupName"] for g in out["logGroups"]]
            token = out.get("NextToken")
            if not token or calls > 10:
                break
        self.assertEqual(seen, names)
        self.assertEqual(calls, 3)

    def test_region_comes_from_the_cli_configuration(self):
        self.aws("logs", "create-log-group", "--log-group-name", "west-only", region="eu-west-1")
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])
        west = self.aws("logs", "describe-log-groups", region="eu-west-1").json()["logGroups"]
        self.assertEqual(west[0]["arn"], "arn:aws:logs:eu-west-1:000000000000:log-group:west-only:*")


class CliV1Test(CliFlows, ServerTestCase):
    error_exit_code = 255
    has_tail = False  # `aws logs tail` exists only in CLI v2

    @classmethod
    def setUpClass(cls):
        exe = find_aws_v1()
        if exe is None:
            raise unittest.SkipTest("aws CLI v1 (an `aws` on PATH other than /usr/bin/aws) "
                                    "is not installed")
        cls.cli = AwsCli(exe, "v1")
        super().setUpClass()


class CliV2Test(CliFlows, ServerTestCase):
    error_exit_code = 254
    has_tail = True

    @classmethod
    def setUpClass(cls):
        exe = find_aws_v2()
        if exe is None:
            raise unittest.SkipTest("aws CLI v2 (/usr/bin/aws) is not installed")
        cls.cli = AwsCli(exe, "v2")
        super().setUpClass()

    def test_tail_shows_the_messages(self):
        t = now_ms() - 5000
        self.make_stream(GROUP, STREAM)
        self.make_stream(GROUP, "worker-2")
        self.put(GROUP, STREAM, [(t, "hello world"), (t + 1, "ERROR something broke"),
                                 (t + 2, "bye ünïcødé 日本語")])
        self.put(GROUP, "worker-2", [(t + 3, "from the worker")])
        res = self.aws("logs", "tail", GROUP, "--since", "1h")
        lines = [l for l in res.stdout.splitlines() if l.strip()]
        self.assertEqual(len(lines), 4, res)
        for n, (msg, stream) in enumerate([("hello world", STREAM),
                                           ("ERROR something broke", STREAM),
                                           ("bye ünïcødé 日本語", STREAM),
                                           ("from the worker", "worker-2")]):
            # detailed format: <ISO timestamp> <stream name> <message>
            self.assertRegex(lines[n], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00 "
                             + re.escape(stream) + " " + re.escape(msg) + "$")

        res = self.aws("logs", "tail", GROUP, "--since", "1h", "--filter-pattern", "ERROR",
                       "--format", "short")
        lines = [l for l in res.stdout.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, res)
        self.assertTrue(lines[0].endswith(" ERROR something broke"), lines)

    def test_tail_missing_group(self):
        res = self.aws("logs", "tail", "/does/not/exist", expect_ok=False)
        self.assertEqual(res.returncode, self.error_exit_code, res)
        self.assertIn("ResourceNotFoundException", res.stderr)
        self.assertIn("The specified log group does not exist.", res.stderr)


if __name__ == "__main__":
    unittest.main()
