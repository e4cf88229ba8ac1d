"""GetMetricData with metric math and Metrics Insights expressions, through boto3 (and the aws
CLI v2 for one case). Every expected answer is computed here from the values the test put."""
import json
import statistics
import time
import unittest

from botocore.exceptions import ClientError

from cwlogd_harness import AwsCli, find_aws_v2, now_ms
from test_metrics import MINUTE_MS, MetricsTestCase, minute_floor


def stat_query(qid, namespace, name, dims=None, stat="Sum", return_data=True, period=60):
    return {"Id": qid, "ReturnData": return_data, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": name,
                   "Dimensions": [{"Name": k, "Value": v} for k, v in (dims or {}).items()]},
        "Period": period, "Stat": stat}}


class MetricMathTest(MetricsTestCase):
    def setUp(self):
        super().setUp()
        self.m0 = minute_floor(now_ms()) - 30 * MINUTE_MS
        self.ns = f"Math{time.monotonic_ns()}"

    def put(self, name, values, dims=None, namespace=None):
        """values: {minute offset: [samples]}"""
        data = []
        for minute, samples in values.items():
            for v in samples:
                data.append({"MetricName": name, "Value": v,
                             "Timestamp": (self.m0 + minute * MINUTE_MS) / 1000,
                             "Dimensions": [{"Name": k, "Value": d}
                                            for k, d in (dims or {}).items()]})
        self.cw.put_metric_data(Namespace=namespace or self.ns, MetricData=data)

    def get(self, queries, minutes=10, **extra):
        return self.cw.get_metric_data(MetricDataQueries=queries,
                                       StartTime=self.m0 / 1000,
                                       EndTime=(self.m0 + minutes * MINUTE_MS) / 1000,
                                       ScanBy="TimestampAscending", **extra)

    def points(self, result):
        return {int(t.timestamp() * 1000 - self.m0) // MINUTE_MS: v
                for t, v in zip(result["Timestamps"], result["Values"])}

    def by_id(self, response):
        out = {}
        for r in response["MetricDataResults"]:
            out.setdefault(r["Id"], []).append(r)
        return out

    def test_arithmetic_over_hidden_inputs_and_aggregates(self):
        errors = {0: [1, 2], 1: [4], 3: [3]}
        requests = {0: [10, 20], 1: [40], 2: [50], 3: [30]}
        self.put("Errors", errors)
        self.put("Requests", requests)
        resp = self.get([
            stat_query("errors", self.ns, "Errors", return_data=False),
            stat_query("requests", self.ns, "Requests", return_data=False),
            {"Id": "rate", "Expression": "errors / requests * 100", "Label": "Error rate"},
            {"Id": "total", "Expression": "SUM(METRICS())"},
            {"Id": "centered", "Expression": "requests - AVG(requests)"},
            {"Id": "filled", "Expression": "FILL(errors, 0)"},
            {"Id": "big", "Expression": "IF(requests > 25 AND errors > 0, 1, 0)"},
            {"Id": "running", "Expression": "RUNNING_SUM(requests)"},
        ])
        got = self.by_id(resp)
        self.assertNotIn("errors", got)
        self.assertNotIn("requests", got)
        sums_e = {m: sum(v) for m, v in errors.items()}
        sums_r = {m: sum(v) for m, v in requests.items()}
        rate = got["rate"][0]
        self.assertEqual(rate["Label"], "Error rate")
        self.assertEqual(rate["StatusCode"], "Complete")
        expected = {m: sums_e[m] / sums_r[m] * 100 for m in sums_e if m in sums_r}
        for m, v in expected.items():
            self.assertAlmostEqual(self.points(rate)[m], v)
        self.assertEqual(set(self.points(rate)), set(expected))
        total = {m: sums_e.get(m, 0) + sums_r.get(m, 0) for m in set(sums_e) | set(sums_r)}
        self.assertEqual(self.points(got["total"][0]), total)
        mean = statistics.mean(sums_r.values())
        self.assertEqual(self.points(got["centered"][0]),
                         {m: v - mean for m, v in sums_r.items()})
        self.assertEqual(self.points(got["filled"][0]),
                         {m: sums_e.get(m, 0) for m in range(10)})
        self.assertEqual(self.points(got["big"][0]),
                         {m: 1 if sums_r[m] > 25 and sums_e[m] > 0 else 0
                          for m in sums_e if m in sums_r})
        running, acc = {}, 0
        for m in sorted(sums_r):
            acc += sums_r[m]
            running[m] = acc
        self.assertEqual(self.points(got["running"][0]), running)

    def test_search_returns_one_series_per_metric(self):
        hosts = {"a": {0: [10, 20], 1: [30]}, "b": {0: [5]}, "c": {1: [7, 9]}}
        for host, values in hosts.items():
            self.put("Latency", values, {"Host": host})
        self.put("Latency", {0: [1000]}, {"Host": "a", "Zone": "z"})  # another schema
        search = f"SEARCH('{{{self.ns},Host}} MetricName=\"Latency\"', 'Average', 60)"
        resp = self.get([{"Id": "s", "Expression": search},
                         {"Id": "mx", "Expression": f"MAX({search})"},
                         {"Id": "top", "Expression": f"FIRST(SORT({search}, MAX, DESC))"}])
        got = self.by_id(resp)
        self.assertEqual(len(got["s"]), 3)
        averages = {h: {m: statistics.mean(v) for m, v in vals.items()}
                    for h, vals in hosts.items()}
        for r in got["s"]:
            host = r["Label"].split()[-1]
            self.assertEqual(self.points(r), averages[host])
        expected_max = {}
        for vals in averages.values():
            for m, v in vals.items():
                expected_max[m] = max(expected_max.get(m, v), v)
        self.assertEqual(self.points(got["mx"][0]), expected_max)
        top_host = max(averages, key=lambda h: max(averages[h].values()))
        self.assertEqual(self.points(got["top"][0]), averages[top_host])

    def test_metrics_insights_group_by_order_and_limit(self):
        cpu = {("a", "z1"): {0: [10, 30], 1: [50]}, ("b", "z1"): {0: [70]},
               ("c", "z2"): {0: [1], 1: [3]}}
        for (host, zone), values in cpu.items():
            self.put("Cpu", values, {"Host": host, "Zone": zone})
        query = (f'SELECT AVG(Cpu) FROM SCHEMA("{self.ns}", Host, Zone) WHERE Host != \'c\' '
                 "GROUP BY Zone ORDER BY MAX() DESC LIMIT 5")
        resp = self.get([{"Id": "q", "Expression": query, "Period": 60}])
        rows = resp["MetricDataResults"]
        self.assertEqual([r["Label"] for r in rows], ["z1"])
        samples = {}
        for (host, zone), values in cpu.items():
            if host != "c":
                for m, v in values.items():
                    samples.setdefault(m, []).extend(v)
        self.assertEqual(self.points(rows[0]), {m: statistics.mean(v) for m, v in samples.items()})

        resp = self.get([{"Id": "q", "Period": 60, "Expression":
                          f'SELECT SUM(Cpu) FROM "{self.ns}" GROUP BY Host ORDER BY SUM() ASC '
                          "LIMIT 2"}])
        totals = {h: sum(sum(v) for v in vals.values()) for (h, _), vals in cpu.items()}
        expected = sorted(totals, key=totals.get)[:2]
        self.assertEqual([r["Label"] for r in resp["MetricDataResults"]], expected)

    def test_errors_are_validation_errors(self):
        self.put("Errors", {0: [1]})
        cases = {
            "m1 +": "Error in expression 'e1'",
            "NOPE(m1)": "Unrecognized function 'NOPE'",
            "ANOMALY_DETECTION_BAND(m1, 2)": "not supported",
            "m1 + m9": "Unrecognized identifier 'm9'",
            "SUM(m1)": "not a scalar",
        }
        for expression, message in cases.items():
            with self.subTest(expression=expression):
                with self.assertRaises(ClientError) as cm:
                    self.get([stat_query("m1", self.ns, "Errors", return_data=False),
                              {"Id": "e1", "Expression": expression}])
                self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationError")
                self.assertIn(message, cm.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as cm:
            self.get([{"Id": "e1", "Expression": "e2 + 1"}, {"Id": "e2", "Expression": "e1"}])
        self.assertIn("Circular", cm.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as cm:
            self.get([{"Id": "q", "Expression": f'SELECT AVG(Cpu) FROM "{self.ns}"'}])
        self.assertIn("Period", cm.exception.response["Error"]["Message"])

    def test_paging_spans_metric_and_expression_results(self):
        self.put("Errors", {m: [m + 1] for m in range(6)})
        queries = [stat_query("m1", self.ns, "Errors"),
                   {"Id": "e1", "Expression": "m1 * 10"}]
        seen = []
        token = None
        while True:
            extra = {"MaxDatapoints": 4}
            if token:
                extra["NextToken"] = token
            resp = self.get(queries, **extra)
            for r in resp["MetricDataResults"]:
                seen.extend((r["Id"], v) for v in r["Values"])
            token = resp.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, [("m1", float(m + 1)) for m in range(6)] +
                         [("e1", float((m + 1) * 10)) for m in range(6)])

    def test_aws_cli_v2_get_metric_data_with_an_expression(self):
        path = find_aws_v2()
        if path is None:
            self.skipTest("aws CLI v2 not installed")
        values = {0: [2, 4], 2: [8]}
        self.put("Bytes", values)
        queries = json.dumps([stat_query("b", self.ns, "Bytes", return_data=False),
                              {"Id": "kb", "Expression": "b / 2 + 1", "Label": "half"}])
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.m0 / 1000))
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.m0 / 1000 + 600))
        r = AwsCli(path, "v2").run(self.server, "cloudwatch", "get-metric-data",
                                   "--metric-data-queries", queries, "--start-time", start,
                                   "--end-time", end, "--scan-by", "TimestampAscending")
        self.assertEqual(r.returncode, 0, r)
        results = r.json()["MetricDataResults"]
        self.assertEqual(len(results), 1)
        self.assertEqual((results[0]["Id"], results[0]["Label"]), ("kb", "half"))
        self.assertEqual(results[0]["Values"], [sum(v) / 2 + 1 for _, v in sorted(values.items())])


if __name__ == "__main__":
    unittest.main()
