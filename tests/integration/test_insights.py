"""Logs Insights through real clients (boto3, the aws CLIs, the JS SDK): StartQuery,
GetQueryResults, StopQuery, DescribeQueries, GetLogRecord, GetLogGroupFields,
ListLogGroupsForQuery and the saved query definitions, with the worked examples of
shared/spec/insights.md section 6 end to end and the seed script of issue 15."""

import calendar
import datetime
import json
import os
import subprocess
import sys
import time
import unittest

import cwlogd_harness as h
from cwlogd_harness import AwsCli, ServerTestCase, find_aws_v1, find_aws_v2, now_ms

HERE = os.path.dirname(os.path.abspath(__file__))
DONE = ("Complete", "Failed", "Cancelled", "Timeout")
# shared/spec/insights.md section 6: T = 2024-06-01T10:00:00Z
T = calendar.timegm((2024, 6, 1, 10, 0, 0)) * 1000
SPEC_EVENTS = [
    (T, "INFO start"),
    (T + 30_000, "ERROR db timeout duration=120"),
    (T + 65_000, '{"level":"ERROR","latency":250,"user":{"id":"u1"}}'),
    (T + 70_000, '{"level":"INFO","latency":50,"user":{"id":"u2"}}'),
    (T + 130_000, '{"level":"ERROR","latency":100,"user":{"id":"u1"}}'),
]


def wait_done(logs, query_id, timeout=60, **kwargs):
    deadline = time.monotonic() + timeout
    while True:
        r = logs.get_query_results(queryId=query_id, **kwargs)
        if r["status"] in DONE:
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"query {query_id} still {r['status']} after {timeout}s")
        time.sleep(0.05)


def cells(row):
    return {c["field"]: c["value"] for c in row}


def secs(ms):
    return ms // 1000


class InsightsTestBase(ServerTestCase):
    """`self.logs` is the class's recent-model client: Insights members such as queryLanguage are
    newer than Debian 12's botocore (cwlogd_harness.CwlogdServer.recent_client)."""

    def setUp(self):
        super().setUp()
        self.logs = self.recent_logs

    def run_query(self, group, query, start_ms, end_ms, **kwargs):
        params = dict(startTime=secs(start_ms), endTime=secs(end_ms), queryString=query, **kwargs)
        if isinstance(group, list):
            params["logGroupNames"] = group
        elif group is not None:
            params["logGroupName"] = group
        qid = self.logs.start_query(**params)["queryId"]
        return qid, wait_done(self.logs, qid)

    def seed_recent(self, group, stream, messages, step_ms=1000):
        """Events ending a minute ago, one every step_ms; returns their (timestamp, message)."""
        self.make_stream(group, stream)
        base = now_ms() - 60_000 - step_ms * len(messages)
        events = [(base + i * step_ms, m) for i, m in enumerate(messages)]
        self.put(group, stream, events)
        return events


class SpecExamplesTest(InsightsTestBase):
    """The worked examples of insights.md section 6, with the server clock set just after T."""

    def setUp(self):
        super().setUp()
        self.server.set_clock_offset(T + 10 * 60_000 - now_ms())
        self.make_stream("g", "s")
        self.put("g", "s", SPEC_EVENTS)

    def tearDown(self):
        self.server.set_clock_offset(0)
        super().tearDown()

    def query(self, text):
        _, r = self.run_query("g", text, T, T + 5 * 60_000)
        self.assertEqual(r["status"], "Complete", r)
        return r

    def test_example_1_filter_and_sort(self):
        r = self.query("fields @timestamp, @message | filter @message like /ERROR/ "
                       "| sort @timestamp desc")
        rows = [cells(x) for x in r["results"]]
        self.assertEqual([x["@message"] for x in rows],
                         [SPEC_EVENTS[4][1], SPEC_EVENTS[2][1], SPEC_EVENTS[1][1]])
        self.assertEqual(rows[0]["@timestamp"], "2024-06-01 10:02:10.000")
        for x in rows:
            self.assertEqual(list(x), ["@timestamp", "@message", "@ptr"])
        self.assertEqual(r["statistics"]["recordsMatched"], 3.0)
        self.assertEqual(r["statistics"]["recordsScanned"], 5.0)
        self.assertEqual(r["statistics"]["bytesScanned"],
                         float(sum(len(m.encode()) for _, m in SPEC_EVENTS)))
        # One chunk, which holds "ERROR": nothing to skip.
        self.assertEqual(r["statistics"]["estimatedRecordsSkipped"], 0.0)
        self.assertEqual(r["statistics"]["estimatedBytesSkipped"], 0.0)
        self.assertEqual(r["statistics"]["logGroupsScanned"], 1.0)
        self.assertEqual(r["queryLanguage"], "CWLI")

    def test_statistics_count_the_chunks_the_pruning_skipped(self):
        # Another batch (another chunk) without the word: skipped, not scanned.
        quiet = [(T + 200_000 + i, f"INFO quiet {i}") for i in range(20)]
        self.put("g", "s", quiet)
        r = self.query("filter @message like /ERROR/ | stats count(*) as n")
        self.assertEqual(cells(r["results"][0])["n"], "3")
        st = r["statistics"]
        self.assertEqual((st["recordsMatched"], st["recordsScanned"]), (3.0, 5.0))
        self.assertEqual(st["estimatedRecordsSkipped"], 20.0)
        self.assertEqual(st["estimatedBytesSkipped"], float(sum(len(m) for _, m in quiet)))
        self.assertEqual(st["logGroupsScanned"], 1.0)

    def test_example_2_stats_by_bin(self):
        r = self.query('filter level = "ERROR" | stats count(*) as n by bin(1m)')
        rows = sorted((cells(x) for x in r["results"]), key=lambda x: x["bin(1m)"])
        self.assertEqual(rows, [{"bin(1m)": "2024-06-01 10:01:00.000", "n": "1"},
                                {"bin(1m)": "2024-06-01 10:02:00.000", "n": "1"}])

    def test_example_3_stats_by_nested_field(self):
        r = self.query("filter ispresent(user.id) | stats avg(latency), max(latency) by user.id")
        rows = {x["user.id"]: x for x in (cells(y) for y in r["results"])}
        self.assertEqual(rows["u1"]["avg(latency)"], "175")
        self.assertEqual(rows["u1"]["max(latency)"], "250")
        self.assertEqual(rows["u2"]["avg(latency)"], "50")
        self.assertEqual(len(rows), 2)

    def test_example_6_in_list(self):
        r = self.query("filter latency in [50, 100] | fields latency")
        self.assertEqual([cells(x)["latency"] for x in r["results"]], ["100", "50"])

    def test_example_7_not_like_with_limit(self):
        r = self.query('filter @message not like "ERROR" | limit 1')
        self.assertEqual([cells(x)["@message"] for x in r["results"]], [SPEC_EVENTS[3][1]])

    def test_get_log_record_from_a_rows_ptr(self):
        r = self.query("fields @message | filter @message like /db timeout/")
        ptr = cells(r["results"][0])["@ptr"]
        record = self.logs.get_log_record(logRecordPointer=ptr)["logRecord"]
        self.assertEqual(record["@message"], SPEC_EVENTS[1][1])
        self.assertEqual(record["@timestamp"], str(SPEC_EVENTS[1][0]))
        self.assertEqual(record["@logStream"], "s")
        self.assertEqual(record["@log"], "000000000000:g")
        # A JSON event also gives its flattened fields.
        r = self.query("fields @message | filter latency = 250")
        record = self.logs.get_log_record(logRecordPointer=cells(r["results"][0])["@ptr"])["logRecord"]
        self.assertEqual({k: v for k, v in record.items() if not k.startswith("@")},
                         {"level": "ERROR", "latency": "250", "user.id": "u1"})
        self.assertEqual(record["@message"], SPEC_EVENTS[2][1])
        # Another account's client cannot use it.
        other = self.server.client(access_key="123456789012")
        self.assertClientError("InvalidParameterException", None, other.get_log_record,
                               logRecordPointer=ptr)
        self.assertClientError("InvalidParameterException", None, self.logs.get_log_record,
                               logRecordPointer="not-a-pointer")

    def test_get_log_group_fields_around_a_time(self):
        fields = self.logs.get_log_group_fields(logGroupName="g", time=secs(T) + 60)
        got = {f["name"]: f["percent"] for f in fields["logGroupFields"]}
        for system in ("@timestamp", "@message", "@logStream", "@log", "@ingestionTime"):
            self.assertEqual(got[system], 100)
        self.assertEqual(got["level"], 60)  # 3 of 5 events
        percents = [f["percent"] for f in fields["logGroupFields"]]
        self.assertEqual(percents, sorted(percents, reverse=True))
        # The window is time +- 8 minutes: an hour later there is nothing.
        later = self.logs.get_log_group_fields(logGroupName="g", time=secs(T) + 3600)
        self.assertEqual(later["logGroupFields"], [])
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.get_log_group_fields, logGroupName="nope")


class QueryApiTest(InsightsTestBase):
    def test_start_query_errors(self):
        now = now_ms()
        self.make_stream("app", "s")
        base = dict(startTime=secs(now) - 60, endTime=secs(now), queryString="fields @message")
        r = self.assertClientError("MalformedQueryException", None, self.logs.start_query,
                                   logGroupName="app", **dict(base, queryString="fields @message | bogus"))
        err = r.get("queryCompileError")  # botocore puts modelled members beside "Error"
        self.assertIsNotNone(err, r)
        self.assertIn("location", err)
        self.assertLess(err["location"]["startCharOffset"], err["location"]["endCharOffset"] + 1)
        self.assertGreaterEqual(err["location"]["startCharOffset"], len("fields @message | "))
        self.assertClientError(
            "ResourceNotFoundException",
            h.re.compile(r"Log group 'missing' does not exist for account ID '000000000000' "
                         r"\(Service: AWSLogs; Status Code: 400; Error Code: "
                         r"ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)"),
            self.logs.start_query, logGroupName="missing", **base)
        self.assertClientError("InvalidParameterException", None, self.logs.start_query,
                               logGroupName="app", logGroupNames=["app"], **base)
        self.assertClientError("InvalidParameterException", None, self.logs.start_query, **base)
        self.assertClientError("InvalidParameterException",
                               h.re.compile(r"1 validation error detected: .* at 'logGroupNames' .*"),
                               self.logs.start_query,
                               logGroupNames=[f"g{i}" for i in range(51)], **base)
        self.assertClientError("InvalidParameterException", h.re.compile(r".*SQL.*"),
                               self.logs.start_query, logGroupName="app", queryLanguage="SQL",
                               **base)
        self.assertClientError("ResourceNotFoundException", "The specified query does not exist.",
                               self.logs.get_query_results, queryId="0" * 36)
        self.assertClientError("ResourceNotFoundException", "The specified query does not exist.",
                               self.logs.stop_query, queryId="0" * 36)

    def test_paging_of_results_and_stop_of_a_finished_query(self):
        events = self.seed_recent("app", "s", [f"line {i:02d}" for i in range(25)])
        qid, r = self.run_query("app", "fields @message | sort @timestamp asc",
                                events[0][0], events[-1][0] + 1000)
        self.assertEqual(len(r["results"]), 25)
        got, token, pages = [], None, 0
        while True:
            kw = {"nextToken": token} if token else {}
            page = self.logs.get_query_results(queryId=qid, maxItems=10, **kw)
            pages += 1
            got += [cells(x)["@message"] for x in page["results"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(got, [m for _, m in events])
        self.assertClientError("InvalidParameterException", "Query " + qid + " is not running.",
                               self.logs.stop_query, queryId=qid)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.get_query_results, queryId=qid, nextToken="bogus")

    def test_limit_caps_the_rows(self):
        events = self.seed_recent("app", "s", [f"line {i}" for i in range(30)])
        _, r = self.run_query("app", "fields @message", events[0][0], events[-1][0] + 1000,
                              limit=7)
        self.assertEqual(len(r["results"]), 7)
        # Newest first by default.
        self.assertEqual(cells(r["results"][0])["@message"], "line 29")

    def test_time_range_is_inclusive_seconds(self):
        self.make_stream("app", "s")
        base = (now_ms() // 1000 - 120) * 1000
        self.put("app", "s", [(base - 1, "before"), (base, "first ms"), (base + 10_999, "last ms"),
                              (base + 11_000, "after")])
        _, r = self.run_query("app", "fields @message", base, base + 10_000)
        self.assertEqual(sorted(cells(x)["@message"] for x in r["results"]),
                         ["first ms", "last ms"])

    def test_query_over_several_groups_and_list_log_groups_for_query(self):
        a = self.seed_recent("a", "s", ["from a 1", "from a 2"])
        b = self.seed_recent("b", "s", ["from b 1"])
        start = min(a[0][0], b[0][0])
        qid, r = self.run_query(None, "fields @message, @log", start, now_ms(),
                                logGroupIdentifiers=["a", "arn:aws:logs:us-east-1:000000000000:log-group:b"])
        logs_seen = sorted((cells(x)["@log"], cells(x)["@message"]) for x in r["results"])
        self.assertEqual(logs_seen, [("000000000000:a", "from a 1"), ("000000000000:a", "from a 2"),
                                     ("000000000000:b", "from b 1")])
        self.assertEqual(r["statistics"]["recordsScanned"], 3.0)
        groups = self.logs.list_log_groups_for_query(queryId=qid)
        self.assertEqual(groups["logGroupIdentifiers"],
                         ["arn:aws:logs:us-east-1:000000000000:log-group:a",
                          "arn:aws:logs:us-east-1:000000000000:log-group:b"])
        self.assertNotIn("nextToken", groups)

    def test_describe_queries(self):
        self.seed_recent("a", "s", ["x"])
        self.seed_recent("b", "s", ["y"])
        start, end = now_ms() - 3600_000, now_ms()
        qa, _ = self.run_query("a", "fields @message", start, end)
        qb, _ = self.run_query("b", "fields @timestamp", start, end)
        all_q = self.logs.describe_queries()["queries"]
        self.assertEqual([q["queryId"] for q in all_q], [qb, qa])  # newest first
        only_a = self.logs.describe_queries(logGroupName="a")["queries"]
        self.assertEqual(len(only_a), 1)
        q = only_a[0]
        self.assertEqual(q["queryString"],
                         f'SOURCE "a" START={secs(start)}000 END={secs(end)}999 | fields @message')
        self.assertEqual(q["status"], "Complete")
        self.assertEqual(q["logGroupName"], "a")
        self.assertEqual(q["queryLanguage"], "CWLI")
        self.assertTrue(abs(q["createTime"] - now_ms()) < 60_000, q)
        self.assertEqual(self.logs.describe_queries(logGroupName="none")["queries"], [])
        self.assertEqual(self.logs.describe_queries(status="Running")["queries"], [])
        page = self.logs.describe_queries(maxResults=1)
        self.assertEqual([q["queryId"] for q in page["queries"]], [qb])
        page2 = self.logs.describe_queries(maxResults=1, nextToken=page["nextToken"])
        self.assertEqual([q["queryId"] for q in page2["queries"]], [qa])
        self.assertNotIn("nextToken", page2)

    def test_queries_are_per_account(self):
        self.seed_recent("a", "s", ["x"])
        qid, _ = self.run_query("a", "fields @message", now_ms() - 3600_000, now_ms())
        other = self.server.client(access_key="123456789012")
        self.assertClientError("ResourceNotFoundException", None, other.get_query_results,
                               queryId=qid)
        self.assertEqual(other.describe_queries()["queries"], [])


class StopQueryTest(InsightsTestBase):
    """One query thread, so later queries wait (Scheduled) behind the first."""

    server_args = ["--query-threads", "1", "--max-concurrent-queries", "3"]

    def test_stop_cancels_and_the_concurrency_cap_applies(self):
        self.make_stream("big", "s")
        base = now_ms() - 3600_000
        for batch in range(20):
            self.put("big", "s", [(base + batch * 10_000 + i, f"event {batch} {i} some text")
                                  for i in range(10_000)])
        kw = dict(logGroupName="big", startTime=secs(base), endTime=secs(now_ms()),
                  queryString="stats count(*) by @message")
        ids = [self.logs.start_query(**kw)["queryId"] for _ in range(3)]
        self.assertClientError("LimitExceededException",
                               "Account maximum query concurrency limit of [3] reached.",
                               self.logs.start_query, **kw)
        stopped = self.logs.stop_query(queryId=ids[2])
        self.assertTrue(stopped["success"])
        self.assertEqual(wait_done(self.logs, ids[2])["status"], "Cancelled")
        # The first may already have finished (the engine is quick): then StopQuery refuses.
        try:
            self.assertTrue(self.logs.stop_query(queryId=ids[0])["success"])
            first_status = "Cancelled"
        except self.logs.exceptions.InvalidParameterException:
            first_status = "Complete"
        self.assertEqual(wait_done(self.logs, ids[0])["status"], first_status)
        self.assertEqual(wait_done(self.logs, ids[1])["status"], "Complete")
        cancelled = self.logs.describe_queries(status="Cancelled")["queries"]
        expected = [ids[2]] + ([ids[0]] if first_status == "Cancelled" else [])
        self.assertEqual(sorted(q["queryId"] for q in cancelled), sorted(expected))


class QueryDefinitionsTest(InsightsTestBase):
    def test_definitions_survive_a_restart_and_update_replaces_all(self):
        a = self.logs.put_query_definition(name="errors/by-service", queryString="filter level = 'ERROR'",
                                           logGroupNames=["app", "web"])["queryDefinitionId"]
        b = self.logs.put_query_definition(
            name="latency", queryString="stats avg(latency)",
            parameters=[{"name": "svc", "defaultValue": "api", "description": "service"}])["queryDefinitionId"]
        self.logs.put_query_definition(queryDefinitionId=a, name="errors/all",
                                       queryString="filter level = 'ERROR' | limit 10")
        self.restart_server()
        logs = self.recent_logs
        defs = {d["queryDefinitionId"]: d for d in logs.describe_query_definitions()["queryDefinitions"]}
        self.assertEqual(set(defs), {a, b})
        self.assertEqual(defs[a]["name"], "errors/all")
        self.assertEqual(defs[a]["queryString"], "filter level = 'ERROR' | limit 10")
        self.assertNotIn("logGroupNames", defs[a])  # the update left them out: cleared
        self.assertEqual(defs[b]["parameters"],
                         [{"name": "svc", "defaultValue": "api", "description": "service"}])
        self.assertIsInstance(defs[b]["lastModified"], int)
        prefixed = logs.describe_query_definitions(queryDefinitionNamePrefix="errors/")
        self.assertEqual([d["queryDefinitionId"] for d in prefixed["queryDefinitions"]], [a])
        page = logs.describe_query_definitions(maxResults=1)
        self.assertEqual([d["name"] for d in page["queryDefinitions"]], ["errors/all"])
        page2 = logs.describe_query_definitions(maxResults=1, nextToken=page["nextToken"])
        self.assertEqual([d["name"] for d in page2["queryDefinitions"]], ["latency"])
        self.assertNotIn("nextToken", page2)
        self.assertEqual(logs.delete_query_definition(queryDefinitionId=a)["success"], True)
        self.assertClientError("ResourceNotFoundException",
                               "The specified query definition does not exist.",
                               logs.delete_query_definition, queryDefinitionId=a)
        self.assertClientError("ResourceNotFoundException",
                               "The specified query definition does not exist.",
                               logs.put_query_definition, queryDefinitionId="nope", name="n",
                               queryString="fields @message")
        self.assertEqual([d["queryDefinitionId"] for d in
                          logs.describe_query_definitions()["queryDefinitions"]], [b])


    def test_client_token_makes_a_retried_create_idempotent_across_a_restart(self):
        token = "5d1b8d0e-1c1f-4b1e-9a7b-2f7c2b1e0a11"
        params = dict(name="retried", queryString="fields @message | limit 5", clientToken=token)
        first = self.logs.put_query_definition(**params)["queryDefinitionId"]
        self.assertEqual(self.logs.put_query_definition(**params)["queryDefinitionId"], first)
        self.restart_server()
        logs = self.recent_logs
        self.assertEqual(logs.put_query_definition(**params)["queryDefinitionId"], first)
        self.assertEqual([d["queryDefinitionId"] for d in
                          logs.describe_query_definitions()["queryDefinitions"]], [first])
        self.assertClientError("InvalidParameterException",
                               "The clientToken was already used with a different request.",
                               logs.put_query_definition, name="other",
                               queryString="fields @message", clientToken=token)
        # Without an explicit token each call is a new request (botocore makes a new token).
        other = logs.put_query_definition(name="retried", queryString="fields @message | limit 5")
        self.assertNotEqual(other["queryDefinitionId"], first)


class ClientsTest(InsightsTestBase):
    """The seed script of issue 15, the aws CLIs and the JS SDK."""

    def seed_lambda(self):
        group = "/aws/lambda/LambdaAPIGateWay"
        self.make_stream(group, "2024/06/01/[$LATEST]abc")
        base = now_ms() - 30 * 60_000
        events = []
        for i in range(8):
            t = base + i * 60_000
            rid = f"req-{i}"
            events.append((t, f"START RequestId: {rid} Version: $LATEST"))
            events.append((t + 5, f"END RequestId: {rid}"))
            events.append((t + 6, f"REPORT RequestId: {rid}\tDuration: {10 + i}.00 ms\t"
                                  f"Billed Duration: {11 + i} ms\tMemory Size: 128 MB\t"
                                  f"Max Memory Used: {60 + i} MB\t"))
        self.put(group, "2024/06/01/[$LATEST]abc", events)
        return group, base

    def test_seed_script_publishes_the_five_newest_memory_figures(self):
        _, base = self.seed_lambda()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint)
        proc = subprocess.run([sys.executable, os.path.join(HERE, "insights_seed_script.py")],
                              env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.split("\n")[:-1]
        self.assertEqual([l.split(" ")[-1] for l in lines], ["67", "66", "65", "64", "63"])
        cli = find_aws_v2() or find_aws_v1()
        if cli is None:
            self.skipTest("no aws CLI")
        start = datetime.datetime.utcfromtimestamp(base / 1000 - 60).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = datetime.datetime.utcfromtimestamp(now_ms() / 1000 + 60).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = AwsCli(cli, "v2" if cli == find_aws_v2() else "v1").run(
            self.server, "cloudwatch", "get-metric-statistics", "--namespace", "LambdaMemory",
            "--metric-name", "MaxMemoryUsed", "--dimensions", "Name=FunctionName,Value=LambdaAPIGateWay",
            "--statistics", "Maximum", "--start-time", start, "--end-time", end, "--period", "60")
        self.assertEqual(r.returncode, 0, r)
        points = r.json()["Datapoints"]
        self.assertEqual(sorted(p["Maximum"] for p in points), [63.0, 64.0, 65.0, 66.0, 67.0])
        self.assertTrue(all(p["Unit"] == "Megabytes" for p in points), points)

    def _cli_start_and_get(self, finder, label):
        path = finder()
        if path is None:
            self.skipTest(f"aws CLI {label} not installed")
        group, base = self.seed_lambda()
        cli = AwsCli(path, label)
        r = cli.run(self.server, "logs", "start-query", "--log-group-name", group,
                    "--start-time", str(secs(base) - 60), "--end-time", str(secs(now_ms())),
                    "--query-string", "fields @timestamp, @message | filter @message like /REPORT/ | limit 3")
        self.assertEqual(r.returncode, 0, r)
        qid = r.json()["queryId"]
        deadline = time.monotonic() + 60
        while True:
            g = cli.run(self.server, "logs", "get-query-results", "--query-id", qid)
            self.assertEqual(g.returncode, 0, g)
            if g.json()["status"] in DONE:
                break
            self.assertLess(time.monotonic(), deadline)
        out = g.json()
        self.assertEqual(out["status"], "Complete")
        self.assertEqual(len(out["results"]), 3)
        self.assertTrue(cells(out["results"][0])["@message"].startswith("REPORT RequestId: req-7"))
        bad = cli.run(self.server, "logs", "start-query", "--log-group-name", group,
                      "--start-time", "0", "--end-time", "10", "--query-string", "fields | bogus")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("MalformedQueryException", bad.stderr)

    def test_aws_cli_v1_start_query_and_get_results(self):
        self._cli_start_and_get(find_aws_v1, "v1")

    def test_aws_cli_v2_start_query_and_get_results(self):
        self._cli_start_and_get(find_aws_v2, "v2")

    def test_js_sdk_start_query_and_get_results(self):
        group, base = self.seed_lambda()
        node_dir = h.js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, GROUP=group,
                   START=str(secs(base) - 60), END=str(secs(now_ms())))
        proc = subprocess.run(["node", os.path.join(node_dir, "insights_query.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(result["status"], "Complete")
        self.assertEqual(len(result["rows"]), 2)
        self.assertTrue(result["rows"][0]["@message"].startswith("REPORT RequestId: req-7"))
        self.assertEqual(result["malformed"], "MalformedQueryException")
        self.assertIsNotNone(result["location"])


if __name__ == "__main__":
    unittest.main()
