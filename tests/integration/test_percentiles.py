"""Percentiles (ExtendedStatistics) and high-resolution metrics, end to end.

boto3 (any botocore: JSON 1.0 or the query protocol's XML, where ExtendedStatistics is a map of
<entry> elements) and the aws CLI v2. Expected values are computed here from the values sent:
nearest-rank percentiles, exact while a minute holds at most 32 distinct values, within the
documented 1% relative error beyond (docs/metrics.md, "Percentiles").
"""

import json
import math
import random
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import AwsCli, DEFAULT_REGION, ServerTestCase, find_aws_v2, now_ms

MINUTE_MS = 60_000
RELATIVE_ERROR = 0.01


def cloudwatch(server):
    return boto3.session.Session().client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=DEFAULT_REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def nearest_rank(values, q):
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


class PercentilesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cloudwatch(cls.server)

    def minute(self, minutes_ago=10):
        ms = now_ms()
        return ms - ms % MINUTE_MS - minutes_ago * MINUTE_MS

    def put_values(self, namespace, name, ts_ms, values, **extra):
        """Sends `values` as Values arrays (150 per datum, 20 data per call)."""
        data = [dict(MetricName=name, Timestamp=ts_ms / 1000, Values=values[i:i + 150], **extra)
                for i in range(0, len(values), 150)]
        for i in range(0, len(data), 20):
            self.cw.put_metric_data(Namespace=namespace, MetricData=data[i:i + 20])

    def extended(self, namespace, name, start_ms, stats, period=60, end_ms=None):
        points = self.cw.get_metric_statistics(
            Namespace=namespace, MetricName=name, StartTime=start_ms / 1000,
            EndTime=(end_ms or start_ms + period * 1000) / 1000, Period=period,
            ExtendedStatistics=stats)["Datapoints"]
        return points

    def test_percentiles_of_many_values_are_within_one_percent(self):
        rng = random.Random(20240101)
        m0 = self.minute()
        shapes = {
            "Uniform": [rng.uniform(0, 1000) for _ in range(3000)],
            "LogNormal": [rng.lognormvariate(3, 1.5) for _ in range(3000)],
            "Bimodal": [max(0.0, rng.gauss(100, 5) if rng.random() < 0.8 else rng.gauss(5000, 300))
                        for _ in range(3000)],
        }
        wanted = ["p10", "p50", "p90", "p99", "p99.9"]
        for name, values in shapes.items():
            self.put_values("Pct", name, m0 + 1000, values)
            points = self.extended("Pct", name, m0, wanted)
            self.assertEqual(len(points), 1, points)
            got = points[0]["ExtendedStatistics"]
            for stat in wanted:
                exact = nearest_rank(values, float(stat[1:]))
                self.assertLessEqual(abs(got[stat] - exact), RELATIVE_ERROR * exact + 1e-9,
                                     f"{name} {stat}: exact {exact}, got {got[stat]}")

    def test_few_values_give_exact_statistics_and_counts_weigh(self):
        m0 = self.minute()
        # 1..25, 25 counted ten times (Counts), one Value of 0, and a statistic set of four 2s
        # (Minimum == Maximum): 39 samples, 26 distinct values, all known.
        values = list(range(1, 26))
        counts = [1] * 24 + [10]
        self.cw.put_metric_data(Namespace="Pct", MetricData=[
            dict(MetricName="Small", Timestamp=m0 / 1000, Values=values, Counts=counts),
            dict(MetricName="Small", Timestamp=m0 / 1000, Value=0),
            dict(MetricName="Small", Timestamp=m0 / 1000,
                 StatisticValues=dict(SampleCount=4, Sum=8, Minimum=2, Maximum=2))])
        samples = sorted(list(range(1, 25)) + [25] * 10 + [0] + [2] * 4)
        stats = ["p50", "p90", "p99", "p100", "tm90", "TM(10%:90%)", "PR(:2)", "tc90", "ts90",
                 "wm90"]  # at most 10 per call
        got = self.extended("Pct", "Small", m0, stats)[0]["ExtendedStatistics"]
        for stat in ("p50", "p90", "p99", "p100"):
            self.assertEqual(got[stat], nearest_rank(samples, float(stat[1:])), stat)
        n = len(samples)
        self.assertAlmostEqual(got["PR(:2)"], 100 * sum(1 for v in samples if v <= 2) / n)
        # tm90 and friends keep the lowest 90% of the ranks (a fraction of a sample at the edge).
        keep = 0.9 * n
        whole = int(keep)
        ts90 = sum(samples[:whole]) + samples[whole] * (keep - whole)
        self.assertAlmostEqual(got["tc90"], keep)
        self.assertAlmostEqual(got["ts90"], ts90)
        self.assertAlmostEqual(got["tm90"], ts90 / keep)
        p90 = nearest_rank(samples, 90)
        self.assertAlmostEqual(got["wm90"], sum(min(v, p90) for v in samples) / n)

        # GetMetricData: MetricStat.Stat takes the same names.
        result = self.cw.get_metric_data(
            MetricDataQueries=[{"Id": "p", "MetricStat": {
                "Metric": {"Namespace": "Pct", "MetricName": "Small"}, "Period": 60,
                "Stat": "p90"}}],
            StartTime=m0 / 1000, EndTime=(m0 + MINUTE_MS) / 1000)["MetricDataResults"][0]
        self.assertEqual(result["Values"], [nearest_rank(samples, 90)])

    def test_statistic_sets_with_a_spread_and_negative_values_give_no_percentile(self):
        m0 = self.minute()
        self.cw.put_metric_data(Namespace="Pct", MetricData=[
            dict(MetricName="Sets", Timestamp=m0 / 1000, Value=5),
            dict(MetricName="Sets", Timestamp=m0 / 1000,
                 StatisticValues=dict(SampleCount=3, Sum=30, Minimum=1, Maximum=20)),
            dict(MetricName="Neg", Timestamp=m0 / 1000, Values=[3, -1, 4])])
        for name in ("Sets", "Neg"):
            points = self.extended("Pct", name, m0, ["p50"])
            self.assertEqual(len(points), 1)
            self.assertNotIn("ExtendedStatistics", points[0])
        # The statistic set still counts for the plain statistics.
        points = self.cw.get_metric_statistics(
            Namespace="Pct", MetricName="Sets", StartTime=m0 / 1000,
            EndTime=(m0 + MINUTE_MS) / 1000, Period=60, Statistics=["SampleCount"])["Datapoints"]
        self.assertEqual(points[0]["SampleCount"], 4.0)

    def test_metric_filter_values_feed_percentiles(self):
        self.make_stream("app", "s")
        self.logs.put_metric_filter(
            logGroupName="app", filterName="latency", filterPattern="{ $.latency = * }",
            metricTransformations=[{"metricName": "Latency", "metricNamespace": "AppLogs",
                                    "metricValue": "$.latency"}])
        m0 = self.minute(5)
        latencies = [5 * i for i in range(1, 26)]
        self.put("app", "s", [(m0 + i, json.dumps({"latency": v}))
                              for i, v in enumerate(latencies)])
        got = self.extended("AppLogs", "Latency", m0, ["p50", "p95"])[0]["ExtendedStatistics"]
        self.assertEqual(got, {"p50": nearest_rank(latencies, 50),
                               "p95": nearest_rank(latencies, 95)})

    def test_invalid_extended_statistic_is_refused(self):
        with self.assertRaises(ClientError) as ctx:
            self.cw.get_metric_statistics(Namespace="Pct", MetricName="M", StartTime=0,
                                          EndTime=600, Period=60, ExtendedStatistics=["p101"])
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidParameterValue")
        self.assertTrue(err["Message"].startswith(
            "The value p101 for parameter ExtendedStatistics.member.1 is invalid."), err)

    def test_high_resolution_metrics_answer_sub_minute_periods(self):
        ms = now_ms()
        t0 = ms - ms % 10_000 - 60_000  # a 10 s boundary a minute ago
        self.cw.put_metric_data(Namespace="Hi", MetricData=[
            dict(MetricName="Req", Timestamp=(t0 + 1000 * s) / 1000, Value=s, StorageResolution=1)
            for s in range(20)])
        points = self.cw.get_metric_statistics(
            Namespace="Hi", MetricName="Req", StartTime=t0 / 1000, EndTime=(t0 + 20_000) / 1000,
            Period=10, Statistics=["Sum", "SampleCount"])["Datapoints"]
        points.sort(key=lambda p: p["Timestamp"])
        self.assertEqual([(p["Sum"], p["SampleCount"]) for p in points],
                         [(45.0, 10.0), (145.0, 10.0)])
        one = self.cw.get_metric_statistics(
            Namespace="Hi", MetricName="Req", StartTime=t0 / 1000, EndTime=(t0 + 20_000) / 1000,
            Period=1, Statistics=["Sum"])["Datapoints"]
        self.assertEqual(sorted(p["Sum"] for p in one), [float(s) for s in range(20)])
        with self.assertRaises(ClientError) as ctx:
            self.cw.get_metric_statistics(
                Namespace="Hi", MetricName="Req", StartTime=t0 / 1000,
                EndTime=(t0 + 20_000) / 1000, Period=7, Statistics=["Sum"])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidParameterValue")
        # A StartTime more than 3 hours back: sub-minute periods find nothing (AWS's rollups).
        old = self.cw.get_metric_statistics(
            Namespace="Hi", MetricName="Req", StartTime=(t0 - 4 * 3600_000) / 1000,
            EndTime=(t0 + 20_000) / 1000, Period=30, Statistics=["Sum"])["Datapoints"]
        self.assertEqual(old, [])

    def test_aws_cli_v2_extended_statistics(self):
        path = find_aws_v2()
        if path is None:
            self.skipTest("aws CLI v2 not installed")
        cli = AwsCli(path, "v2")
        m0 = self.minute()
        values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]
        self.put_values("Cli", "Lat", m0 + 500, values)
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(m0 / 1000))
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(m0 / 1000 + 60))
        r = cli.run(self.server, "cloudwatch", "get-metric-statistics", "--namespace", "Cli",
                    "--metric-name", "Lat", "--start-time", start, "--end-time", end,
                    "--period", "60", "--extended-statistics", "p99", "p50")
        self.assertEqual(r.returncode, 0, r)
        points = r.json()["Datapoints"]
        self.assertEqual(len(points), 1, points)
        self.assertEqual(points[0]["ExtendedStatistics"],
                         {"p99": nearest_rank(values, 99), "p50": nearest_rank(values, 50)})


if __name__ == "__main__":
    unittest.main()
