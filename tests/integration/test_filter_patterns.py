"""Each kind of filter pattern (terms, regex, JSON, space-delimited) through FilterLogEvents and
TestMetricFilter, with boto3 and both aws CLIs, plus AWS's error for invalid patterns."""

import unittest

from cwlogd_harness import AwsCli, ServerTestCase, find_aws_v1, find_aws_v2, now_ms

GROUP = "/itest/patterns"
NGINX = [
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 200 2326',
    '10.0.0.7 - - [10/Oct/2000:13:55:37 -0700] "POST /login HTTP/1.1" 401 512',
    '10.0.0.9 - - [10/Oct/2000:13:55:38 -0700] "GET /missing HTTP/1.1" 404 128',
]
JSON_EVENTS = [
    '{"level":"ERROR","latency":250,"user":{"id":7}}',
    '{"level":"INFO","latency":12,"user":{"id":8}}',
]
TEXT_EVENTS = ["ERROR disk full on /var", "INFO all good", "WARN ERRORCODE 17"]
ALL = NGINX + JSON_EVENTS + TEXT_EVENTS

# pattern -> the messages of ALL it must select, in order.
CASES = {
    "ERROR": [JSON_EVENTS[0], "ERROR disk full on /var", "WARN ERRORCODE 17"],
    '"disk full"': ["ERROR disk full on /var"],
    "ERROR -WARN": [JSON_EVENTS[0], "ERROR disk full on /var"],
    "?INFO ?WARN": ['{"level":"INFO","latency":12,"user":{"id":8}}', "INFO all good",
                    "WARN ERRORCODE 17"],
    "%ERRORCODE [0-9]+%": ["WARN ERRORCODE 17"],
    '{ $.level = "ERROR" }': ['{"level":"ERROR","latency":250,"user":{"id":7}}'],
    "{ $.latency > 100 }": ['{"level":"ERROR","latency":250,"user":{"id":7}}'],
    "{ $.user.id = 8 && $.level = INFO* }": ['{"level":"INFO","latency":12,"user":{"id":8}}'],
    "[ip, id, user, timestamp, request, status_code = 4*, size]": NGINX[1:],
    "[ip, id, user, timestamp, request = *POST*, status_code, size > 100]": [NGINX[1]],
}


class FilterPatternKinds(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.make_stream(GROUP, "s")
        t = now_ms()
        self.put(GROUP, "s", [(t + i, m) for i, m in enumerate(ALL)])

    def filtered(self, pattern):
        resp = self.logs.filter_log_events(logGroupName=GROUP, filterPattern=pattern)
        return [e["message"] for e in resp["events"]]

    def test_filter_log_events_selects_what_each_pattern_kind_matches(self):
        for pattern, expected in CASES.items():
            with self.subTest(pattern=pattern):
                self.assertEqual(self.filtered(pattern), expected)

    def test_test_metric_filter_agrees_with_filter_log_events(self):
        for pattern, expected in CASES.items():
            with self.subTest(pattern=pattern):
                resp = self.logs.test_metric_filter(filterPattern=pattern, logEventMessages=ALL)
                self.assertEqual([m["eventMessage"] for m in resp["matches"]], expected)
                self.assertEqual([m["eventNumber"] for m in resp["matches"]],
                                 [ALL.index(m) for m in expected])

    def test_test_metric_filter_extracts_space_delimited_fields(self):
        resp = self.logs.test_metric_filter(
            filterPattern="[ip, id, user, timestamp, request, status_code, size]",
            logEventMessages=[NGINX[0]])
        values = resp["matches"][0]["extractedValues"]
        self.assertEqual(values["$ip"], "127.0.0.1")
        self.assertEqual(values["$user"], "frank")
        self.assertEqual(values["$request"], "GET /index.html HTTP/1.0")
        self.assertEqual(values["$status_code"], "200")
        self.assertEqual(values["$size"], "2326")

    def test_invalid_patterns_get_invalid_parameter_exception(self):
        for pattern in ["/api", "{ $.level = ", "user@example.com"]:
            with self.subTest(pattern=pattern):
                with self.assertRaises(self.logs.exceptions.InvalidParameterException):
                    self.logs.filter_log_events(logGroupName=GROUP, filterPattern=pattern)
                with self.assertRaises(self.logs.exceptions.InvalidParameterException):
                    self.logs.test_metric_filter(filterPattern=pattern, logEventMessages=ALL)


class CliPatterns:
    cli = None

    def test_cli_filter_log_events_and_test_metric_filter_per_kind(self):
        self.make_stream(GROUP, "s")
        t = now_ms()
        self.put(GROUP, "s", [(t + i, m) for i, m in enumerate(ALL)])
        for pattern in ["ERROR -WARN", "%ERRORCODE [0-9]+%", "{ $.latency > 100 }",
                        "[ip, id, user, timestamp, request, status_code = 4*, size]"]:
            with self.subTest(pattern=pattern):
                res = self.cli.run(self.server, "logs", "filter-log-events", "--log-group-name",
                                   GROUP, "--filter-pattern", pattern)
                self.assertEqual(res.returncode, 0, res)
                self.assertEqual([e["message"] for e in res.json()["events"]], CASES[pattern])
                res = self.cli.run(self.server, "logs", "test-metric-filter", "--filter-pattern",
                                   pattern, "--log-event-messages", *ALL)
                self.assertEqual(res.returncode, 0, res)
                self.assertEqual([m["eventMessage"] for m in res.json()["matches"]],
                                 CASES[pattern])
        res = self.cli.run(self.server, "logs", "filter-log-events", "--log-group-name", GROUP,
                           "--filter-pattern", "/api")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("InvalidParameterException", res.stderr)


class CliV1Patterns(CliPatterns, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        exe = find_aws_v1()
        if exe is None:
            raise unittest.SkipTest("aws CLI v1 not installed")
        cls.cli = AwsCli(exe, "v1")
        super().setUpClass()


class CliV2Patterns(CliPatterns, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        exe = find_aws_v2()
        if exe is None:
            raise unittest.SkipTest("aws CLI v2 not installed")
        cls.cli = AwsCli(exe, "v2")
        super().setUpClass()


if __name__ == "__main__":
    unittest.main()
