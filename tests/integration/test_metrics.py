"""Metric filters and the CloudWatch metrics API, end to end against the real server.

boto3 (botocore 1.43: CloudWatch over AWS JSON 1.0 with x-amzn-query-error), the aws CLI v1
(same botocore) and the aws CLI v2 from Debian (2.9: CloudWatch over the query protocol, XML).
Per-minute numbers are checked against what was ingested, to the unit.
"""

import gzip
import json
import math
import struct
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import (AwsCli, DEFAULT_REGION, ServerTestCase, find_aws_v1, find_aws_v2,
                            now_ms)

MINUTE_MS = 60_000

NGINX_PATTERN = "[ip, id, user, timestamp, request, status_code, size]"


def cloudwatch(server, region=DEFAULT_REGION, access_key="test"):
    return boto3.session.Session().client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=region,
        aws_access_key_id=access_key, aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def minute_floor(ms):
    return ms - ms % MINUTE_MS


def nginx_line(ip, status, size, path="/index.html"):
    return (f'{ip} - frank [10/Oct/2000:13:55:36 -0700] "GET {path} HTTP/1.0" '
            f"{status} {size}")


class MetricsTestCase(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cloudwatch(cls.server)

    def base_minute(self, minutes_ago=30):
        return minute_floor(now_ms()) - minutes_ago * MINUTE_MS

    def stats(self, namespace, name, start_ms, end_ms, dims=None, period=60, unit=None,
              statistics=("SampleCount", "Sum", "Minimum", "Maximum", "Average")):
        kwargs = dict(Namespace=namespace, MetricName=name, StartTime=start_ms / 1000,
                      EndTime=end_ms / 1000, Period=period, Statistics=list(statistics),
                      Dimensions=[{"Name": k, "Value": v} for k, v in (dims or {}).items()])
        if unit:
            kwargs["Unit"] = unit
        points = self.cw.get_metric_statistics(**kwargs)["Datapoints"]
        return {int(p["Timestamp"].timestamp() * 1000): p for p in points}

    def metric_filter(self, group, name, pattern, metric, namespace, value, **extra):
        t = {"metricName": metric, "metricNamespace": namespace, "metricValue": value}
        t.update(extra)
        self.logs.put_metric_filter(logGroupName=group, filterName=name, filterPattern=pattern,
                                    metricTransformations=[t])


class MetricFilterApiTest(MetricsTestCase):
    def test_put_describe_delete_and_metric_filter_count(self):
        self.logs.create_log_group(logGroupName="app")
        self.metric_filter("app", "errors", "ERROR", "ErrorCount", "App", "1",
                           defaultValue=0.0, unit="Count")
        self.metric_filter("app", "bytes", NGINX_PATTERN, "Bytes", "Web", "$size",
                           dimensions={"Status": "$status_code"})
        filters = self.recent_logs.describe_metric_filters(logGroupName="app")["metricFilters"]
        self.assertEqual([f["filterName"] for f in filters], ["bytes", "errors"])
        errors = filters[1]
        self.assertEqual(errors["filterPattern"], "ERROR")
        self.assertEqual(errors["logGroupName"], "app")
        self.assertFalse(errors["applyOnTransformedLogs"])
        self.assertIsInstance(errors["creationTime"], int)
        self.assertEqual(errors["metricTransformations"],
                         [{"metricName": "ErrorCount", "metricNamespace": "App",
                           "metricValue": "1", "defaultValue": 0.0, "unit": "Count"}])
        self.assertEqual(filters[0]["metricTransformations"][0]["dimensions"],
                         {"Status": "$status_code"})
        self.assertNotIn("unit", filters[0]["metricTransformations"][0])
        group = self.logs.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0]
        self.assertEqual(group["metricFilterCount"], 2)

        # Replacing keeps the count and the creation time.
        created = errors["creationTime"]
        self.metric_filter("app", "errors", "WARN", "ErrorCount", "App", "2")
        again = self.logs.describe_metric_filters(logGroupName="app",
                                                  filterNamePrefix="err")["metricFilters"]
        self.assertEqual(len(again), 1)
        self.assertEqual(again[0]["filterPattern"], "WARN")
        self.assertEqual(again[0]["creationTime"], created)
        group = self.logs.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0]
        self.assertEqual(group["metricFilterCount"], 2)

        self.logs.delete_metric_filter(logGroupName="app", filterName="errors")
        group = self.logs.describe_log_groups(logGroupNamePrefix="app")["logGroups"][0]
        self.assertEqual(group["metricFilterCount"], 1)
        self.assertClientError("ResourceNotFoundException",
                               "The specified metric filter does not exist.",
                               self.logs.delete_metric_filter, logGroupName="app",
                               filterName="errors")

    def test_describe_by_metric_across_groups_and_pagination(self):
        for g in ("a", "b", "c"):
            self.logs.create_log_group(logGroupName=g)
            for i in range(3):
                self.metric_filter(g, f"f{i}", "", f"M{i}", "NS", "1")
        by_metric = self.logs.describe_metric_filters(metricName="M1", metricNamespace="NS")
        self.assertEqual([(f["logGroupName"], f["filterName"])
                          for f in by_metric["metricFilters"]],
                         [("a", "f1"), ("b", "f1"), ("c", "f1")])
        seen = []
        kwargs = {"limit": 2}
        while True:
            page = self.logs.describe_metric_filters(**kwargs)
            self.assertLessEqual(len(page["metricFilters"]), 2)
            seen += [(f["logGroupName"], f["filterName"]) for f in page["metricFilters"]]
            if "nextToken" not in page:
                break
            kwargs["nextToken"] = page["nextToken"]
        self.assertEqual(seen, [(g, f"f{i}") for g in "abc" for i in range(3)])
        paginated = []
        for page in self.logs.get_paginator("describe_metric_filters").paginate(
                logGroupName="b", PaginationConfig={"PageSize": 1}):
            paginated += [f["filterName"] for f in page["metricFilters"]]
        self.assertEqual(paginated, ["f0", "f1", "f2"])
        # Filters go with their group.
        self.logs.delete_log_group(logGroupName="b")
        self.logs.create_log_group(logGroupName="b")
        self.assertEqual(self.logs.describe_metric_filters(logGroupName="b")["metricFilters"], [])
        self.assertEqual(
            self.logs.describe_log_groups(logGroupNamePrefix="b")["logGroups"][0]
            ["metricFilterCount"], 0)

    def test_validation_and_errors(self):
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.metric_filter, "missing", "f", "", "M", "NS", "1")
        self.logs.create_log_group(logGroupName="g")
        self.assertClientError(
            "InvalidParameterException",
            "Invalid metric transformation: dimensions and default value are mutually "
            "exclusive properties",
            self.metric_filter, "g", "f", "{ $.a = 1 }", "M", "NS", "1", defaultValue=0.0,
            dimensions={"A": "$.a"})
        self.assertClientError("InvalidParameterException",
                               "The specified filter pattern does not support dimensions",
                               self.metric_filter, "g", "f", "ERROR", "M", "NS", "1",
                               dimensions={"A": "$.a"})
        self.assertClientError("InvalidParameterException", None,
                               self.metric_filter, "g", "f", "{ $.a = ", "M", "NS", "1")
        err = self.assertClientError(
            "InvalidParameterException", None, self.logs.put_metric_filter, logGroupName="g",
            filterName="f", filterPattern="",
            metricTransformations=[
                {"metricName": "a", "metricNamespace": "n", "metricValue": "1"},
                {"metricName": "b", "metricNamespace": "n", "metricValue": "1"}])
        self.assertIn("at 'metricTransformations' failed to satisfy constraint: Member must have "
                      "length less than or equal to 1", err["Error"]["Message"])
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.describe_metric_filters, logGroupName="missing")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.delete_metric_filter, logGroupName="missing",
                               filterName="f")

    def test_limit_of_100_filters_per_group(self):
        self.logs.create_log_group(logGroupName="g")
        for i in range(100):
            self.metric_filter("g", f"f{i:03d}", "", "M", "NS", "1")
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.metric_filter, "g", "one-too-many", "", "M", "NS", "1")
        self.metric_filter("g", "f000", "ERROR", "M", "NS", "1")  # replacing is fine
        self.assertEqual(
            self.logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"][0]
            ["metricFilterCount"], 100)


    def test_limit_of_5_regex_filter_patterns_per_group(self):
        self.logs.create_log_group(logGroupName="g")
        for i, pattern in enumerate(["%ERROR%", "%a|b%", "{ $.level = %WARN% }",
                                     "[ip=%^10\\.%, rest]", "[a=%x%, b=%y%]"]):
            self.metric_filter("g", f"re{i}", pattern, "M", "NS", "1")
        self.metric_filter("g", "plain", "ERROR", "M", "NS", "1")  # no regex: not counted
        err = self.assertClientError("LimitExceededException", None, self.metric_filter, "g",
                                     "re5", "%timeout%", "M", "NS", "1")
        self.assertIn("regular expression", err["Error"]["Message"])
        self.metric_filter("g", "re0", "%FATAL%", "M", "NS", "1")  # replacing is fine
        names = [f["filterName"] for f in
                 self.logs.describe_metric_filters(logGroupName="g")["metricFilters"]]
        self.assertEqual(sorted(names), ["plain", "re0", "re1", "re2", "re3", "re4"])


class MetricFilterIngestTest(MetricsTestCase):
    def test_nginx_bytes_and_event_count_per_minute(self):
        self.make_stream("nginx", "access")
        self.metric_filter("nginx", "bytes", NGINX_PATTERN, "BytesTransferred", "Nginx", "$size",
                           unit="Bytes")
        self.metric_filter("nginx", "events", "", "EventCount", "Nginx", "1", unit="Count")
        m0 = self.base_minute()
        lines = {
            0: [("10.0.0.1", 200, 1534), ("10.0.0.2", 404, 0), ("10.0.0.1", 200, 2048)],
            1: [("10.0.0.3", 200, 100)],
            3: [("10.0.0.4", 500, 77), ("10.0.0.4", 200, 23), ("10.0.0.5", 200, 5000),
                ("10.0.0.6", 301, 1)],
        }
        events = []
        for minute, entries in sorted(lines.items()):
            for i, (ip, status, size) in enumerate(entries):
                events.append((m0 + minute * MINUTE_MS + 1000 * i, nginx_line(ip, status, size)))
        events.append((m0 + 3 * MINUTE_MS + 30_000, "garbage line that is not nginx"))
        self.put("nginx", "access", events)

        got = self.stats("Nginx", "BytesTransferred", m0, m0 + 10 * MINUTE_MS, unit="Bytes")
        expected = {m0 + m * MINUTE_MS: [s for _, _, s in e] for m, e in lines.items()}
        self.assertEqual(sorted(got), sorted(expected))
        for ts, sizes in expected.items():
            p = got[ts]
            self.assertEqual(p["Sum"], float(sum(sizes)))
            self.assertEqual(p["SampleCount"], float(len(sizes)))
            self.assertEqual(p["Minimum"], float(min(sizes)))
            self.assertEqual(p["Maximum"], float(max(sizes)))
            self.assertEqual(p["Unit"], "Bytes")
        count = self.stats("Nginx", "EventCount", m0, m0 + 10 * MINUTE_MS)
        self.assertEqual({ts: p["Sum"] for ts, p in count.items()},
                         {m0: 3.0, m0 + MINUTE_MS: 1.0, m0 + 3 * MINUTE_MS: 5.0})
        # A 5-minute period adds the minutes up.
        five = self.stats("Nginx", "BytesTransferred", m0, m0 + 5 * MINUTE_MS, period=300)
        self.assertEqual([p["Sum"] for p in five.values()],
                         [float(sum(s for e in lines.values() for _, _, s in e))])
        names = {m["MetricName"] for m in self.cw.list_metrics(Namespace="Nginx")["Metrics"]}
        self.assertEqual(names, {"BytesTransferred", "EventCount"})

    def test_error_count_filter_and_default_value(self):
        self.make_stream("svc", "s")
        self.metric_filter("svc", "errors", "ERROR", "Errors", "Svc", "1", unit="Count")
        self.metric_filter("svc", "errors0", "ERROR", "ErrorsWithDefault", "Svc", "1",
                           defaultValue=0.0)
        m0 = self.base_minute()
        self.put("svc", "s", [
            (m0 + 1000, "INFO started"), (m0 + 2000, "ERROR boom"), (m0 + 3000, "ERROR again"),
            (m0 + MINUTE_MS + 1000, "INFO fine"), (m0 + MINUTE_MS + 2000, "DEBUG fine"),
        ])
        errors = self.stats("Svc", "Errors", m0, m0 + 5 * MINUTE_MS)
        self.assertEqual({ts: (p["Sum"], p["SampleCount"]) for ts, p in errors.items()},
                         {m0: (2.0, 2.0)})
        default = self.stats("Svc", "ErrorsWithDefault", m0, m0 + 5 * MINUTE_MS)
        # Every non-matching event contributes one sample of defaultValue
        # (docs/filter-patterns.md, "Metric filters").
        self.assertEqual({ts: (p["Sum"], p["SampleCount"]) for ts, p in default.items()},
                         {m0: (2.0, 3.0), m0 + MINUTE_MS: (0.0, 2.0)})

    def test_json_latency_value_with_a_dimension(self):
        self.make_stream("api", "s")
        self.metric_filter("api", "latency", "{ $.latency = * }", "Latency", "Api", "$.latency",
                           unit="Milliseconds", dimensions={"Service": "$.service"})
        m0 = self.base_minute()
        self.put("api", "s", [
            (m0 + 1, json.dumps({"service": "auth", "latency": 12})),
            (m0 + 2, json.dumps({"service": "auth", "latency": 30.5})),
            (m0 + 3, json.dumps({"service": "cart", "latency": 100})),
            (m0 + 4, json.dumps({"service": "cart"})),  # no latency: no match
            (m0 + 5, "not json at all"),
        ])
        auth = self.stats("Api", "Latency", m0, m0 + MINUTE_MS, dims={"Service": "auth"})
        self.assertEqual(len(auth), 1)
        p = auth[m0]
        self.assertEqual((p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"], p["Average"]),
                         (2.0, 42.5, 12.0, 30.5, 21.25))
        self.assertEqual(p["Unit"], "Milliseconds")
        cart = self.stats("Api", "Latency", m0, m0 + MINUTE_MS, dims={"Service": "cart"})
        self.assertEqual(cart[m0]["Sum"], 100.0)
        self.assertEqual(self.stats("Api", "Latency", m0, m0 + MINUTE_MS), {})  # no dims: none
        listed = self.cw.list_metrics(Namespace="Api", Dimensions=[{"Name": "Service"}])
        self.assertEqual(sorted(m["Dimensions"][0]["Value"] for m in listed["Metrics"]),
                         ["auth", "cart"])

    def test_rejected_events_are_not_counted_and_data_survives_kill9(self):
        self.make_stream("g", "s")
        self.metric_filter("g", "all", "", "Events", "NS", "1")
        old = now_ms() - 15 * 86_400_000  # too old: rejected, not evaluated
        m0 = self.base_minute()
        resp = self.put("g", "s", [(old, "old"), (m0 + 1, "a"), (m0 + 2, "b")])
        self.assertIn("rejectedLogEventsInfo", resp)
        self.assertEqual(self.stats("NS", "Events", m0, m0 + MINUTE_MS)[m0]["Sum"], 2.0)
        self.server.kill9()
        self.server.restart()
        cw = cloudwatch(self.server)
        points = cw.get_metric_statistics(Namespace="NS", MetricName="Events",
                                          StartTime=m0 / 1000, EndTime=(m0 + MINUTE_MS) / 1000,
                                          Period=60, Statistics=["Sum"])["Datapoints"]
        self.assertEqual([p["Sum"] for p in points], [2.0])
        events = self.server.client().get_log_events(logGroupName="g", logStreamName="s")
        self.assertEqual(len(events["events"]), 2)


class PutMetricDataTest(MetricsTestCase):
    def test_custom_metrics_read_back_three_ways(self):
        m0 = self.base_minute(10)
        self.cw.put_metric_data(Namespace="Custom", MetricData=[
            {"MetricName": "Latency", "Value": 10, "Unit": "Milliseconds",
             "Timestamp": m0 / 1000, "Dimensions": [{"Name": "Host", "Value": "a"}]},
            {"MetricName": "Latency", "Values": [1, 2], "Counts": [3, 1], "Unit": "Milliseconds",
             "Timestamp": (m0 + 5000) / 1000, "Dimensions": [{"Name": "Host", "Value": "a"}]},
            {"MetricName": "Latency", "StorageResolution": 1, "Unit": "Milliseconds",
             "StatisticValues": {"SampleCount": 4, "Sum": 100, "Minimum": 5, "Maximum": 50},
             "Timestamp": (m0 + MINUTE_MS) / 1000, "Dimensions": [{"Name": "Host", "Value": "a"}]},
        ])
        got = self.stats("Custom", "Latency", m0, m0 + 2 * MINUTE_MS, dims={"Host": "a"})
        self.assertEqual((got[m0]["SampleCount"], got[m0]["Sum"], got[m0]["Minimum"],
                          got[m0]["Maximum"]), (5.0, 15.0, 1.0, 10.0))
        self.assertEqual(got[m0 + MINUTE_MS]["Average"], 25.0)

        data = self.cw.get_metric_data(
            MetricDataQueries=[
                {"Id": "s", "MetricStat": {"Metric": {"Namespace": "Custom", "MetricName": "Latency",
                                                      "Dimensions": [{"Name": "Host", "Value": "a"}]},
                                           "Period": 60, "Stat": "Sum"}},
                {"Id": "mx", "Label": "max", "MetricStat": {
                    "Metric": {"Namespace": "Custom", "MetricName": "Latency",
                               "Dimensions": [{"Name": "Host", "Value": "a"}]},
                    "Period": 120, "Stat": "Maximum"}}],
            StartTime=m0 / 1000, EndTime=(m0 + 2 * MINUTE_MS) / 1000,
            ScanBy="TimestampAscending")
        results = {r["Id"]: r for r in data["MetricDataResults"]}
        self.assertEqual(results["s"]["Values"], [15.0, 100.0])
        self.assertEqual([int(t.timestamp() * 1000) for t in results["s"]["Timestamps"]],
                         [m0, m0 + MINUTE_MS])
        self.assertEqual(results["s"]["StatusCode"], "Complete")
        self.assertEqual(results["mx"]["Label"], "max")
        self.assertEqual(results["mx"]["Values"], [50.0])

        metrics = self.cw.list_metrics(Namespace="Custom")["Metrics"]
        self.assertEqual(metrics, [{"Namespace": "Custom", "MetricName": "Latency",
                                    "Dimensions": [{"Name": "Host", "Value": "a"}]}])

    def test_large_request_is_gzip_compressed_by_botocore(self):
        m0 = self.base_minute(5)
        data = [{"MetricName": f"Metric{i:04d}", "Value": i, "Timestamp": m0 / 1000,
                 "Dimensions": [{"Name": "Padding", "Value": "x" * 40}]} for i in range(300)]
        self.assertGreater(len(json.dumps({"Namespace": "Big", "MetricData": data})), 10240)
        self.cw.put_metric_data(Namespace="Big", MetricData=data)
        pages = list(self.cw.get_paginator("list_metrics").paginate(Namespace="Big"))
        self.assertEqual(sum(len(p["Metrics"]) for p in pages), 300)
        got = self.stats("Big", "Metric0299", m0, m0 + MINUTE_MS, dims={"Padding": "x" * 40})
        self.assertEqual(got[m0]["Sum"], 299.0)

    def test_list_metrics_pages_of_500(self):
        for chunk in range(2):
            self.cw.put_metric_data(Namespace="Many", MetricData=[
                {"MetricName": f"m{chunk}-{i:03d}", "Value": 1} for i in range(400)])
        first = self.cw.list_metrics(Namespace="Many")
        self.assertEqual(len(first["Metrics"]), 500)
        second = self.cw.list_metrics(Namespace="Many", NextToken=first["NextToken"])
        self.assertEqual(len(second["Metrics"]), 300)
        self.assertNotIn("NextToken", second)

    def test_errors_are_modelled_exceptions(self):
        cw = self.cw
        with self.assertRaises(cw.exceptions.InvalidParameterValueException) as ctx:
            cw.get_metric_statistics(Namespace="N", MetricName="M", StartTime=0, EndTime=600,
                                     Period=61, Statistics=["Sum"])
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidParameterValue")
        self.assertEqual(err["Message"], "The parameter Period must be a multiple of 60.")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        with self.assertRaises(cw.exceptions.InvalidParameterCombinationException):
            cw.get_metric_statistics(Namespace="N", MetricName="M", StartTime=0, EndTime=600,
                                     Period=60, Statistics=["Sum"], ExtendedStatistics=["p99"])
        with self.assertRaises(cw.exceptions.InvalidParameterValueException):
            cw.put_metric_data(Namespace="N", MetricData=[{"MetricName": "m",
                                                          "Value": float("nan")}])
        with self.assertRaises(cw.exceptions.MissingRequiredParameterException):
            cw.put_metric_data(Namespace="N", MetricData=[{"MetricName": "m"}])
        # A metric-math syntax error (docs/metrics.md, "Metric math").
        with self.assertRaises(ClientError) as math_err:
            cw.get_metric_data(MetricDataQueries=[{"Id": "e", "Expression": "SUM(METRICS("}],
                               StartTime=0, EndTime=600)
        self.assertEqual(math_err.exception.response["Error"]["Code"], "ValidationError")
        with self.assertRaises(cw.exceptions.InvalidNextToken):
            cw.list_metrics(NextToken="bogus")

    def test_metrics_are_partitioned_by_account_and_region(self):
        self.cw.put_metric_data(Namespace="P", MetricData=[{"MetricName": "m", "Value": 1}])
        self.assertEqual(len(self.cw.list_metrics(Namespace="P")["Metrics"]), 1)
        other_region = cloudwatch(self.server, region="eu-west-1")
        self.assertEqual(other_region.list_metrics(Namespace="P")["Metrics"], [])
        other_account = cloudwatch(self.server, access_key="123456789012")
        self.assertEqual(other_account.list_metrics(Namespace="P")["Metrics"], [])

    def test_raw_protocol_errors(self):
        status, headers, body = self.server.http(
            "POST", "/", body=b"{oops",
            headers={"Content-Type": "application/x-amz-json-1.0",
                     "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics"})
        self.assertEqual(status, 400)
        self.assertIn("SerializationException", json.loads(body)["__type"])
        status, headers, body = self.server.http(
            "POST", "/", body=b"Action=ListMetrics&Version=2010-08-01&Namespace=%zz",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn(b"<ErrorResponse", body)
        status, headers, body = self.server.http(
            "POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics",
            body=b"\xbf\x61", headers={"Content-Type": "application/cbor",
                                       "smithy-protocol": "rpc-v2-cbor"})
        self.assertEqual(status, 400)
        self.assertEqual({k.lower(): v for k, v in headers.items()}["smithy-protocol"],
                         "rpc-v2-cbor")
        # A gzip'ed JSON body.
        payload = json.dumps({"Namespace": "Z", "MetricData": [{"MetricName": "z", "Value": 2}]})
        status, _, body = self.server.http(
            "POST", "/", body=gzip.compress(payload.encode()),
            headers={"Content-Type": "application/x-amz-json-1.0", "Content-Encoding": "gzip",
                     "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"})
        self.assertEqual(status, 200, body)
        self.assertEqual(len(self.cw.list_metrics(Namespace="Z")["Metrics"]), 1)


    def test_duplicate_members_and_fractional_integers_are_refused(self):
        """Issue 14 item 9 on the wire: a member given twice is never read as one of its
        values, and an Integer member never takes a fraction, in any of the three protocols."""
        json10 = {"Content-Type": "application/x-amz-json-1.0"}

        def post_json(op, text):
            status, headers, body = self.server.http(
                "POST", "/", body=text.encode(),
                headers=dict(json10, **{"X-Amz-Target": f"GraniteServiceVersion20100801.{op}"}))
            return status, {k.lower(): v for k, v in headers.items()}, json.loads(body)

        status, headers, body = post_json(
            "PutMetricData", '{"Namespace":"Dup","MetricData":[{"MetricName":"m","Value":1}],'
                             '"Namespace":"Other"}')
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazonaws.cloudwatch#SerializationException")
        self.assertEqual(body["message"], "Duplicate field 'Namespace'")
        self.assertEqual(headers["x-amzn-query-error"], "SerializationException;Sender")
        status, _, body = post_json(
            "GetMetricStatistics", '{"Namespace":"Dup","MetricName":"m","StartTime":0,'
                                   '"EndTime":600,"Period":60.5,"Statistics":["Sum"]}')
        self.assertEqual(status, 400)
        self.assertEqual(body["message"], "NUMBER_VALUE can not be converted to Integer")

        def text(s):  # a short CBOR text string
            return bytes([0x60 + len(s)]) + s.encode()

        cbor = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
        status, headers, body = self.server.http(
            "POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData",
            body=b"\xa3" + text("Namespace") + text("Dup") + text("MetricData") + b"\x81\xa2" +
            text("MetricName") + text("m") + text("Value") + b"\x01" + text("Namespace") +
            text("Other"), headers=cbor)
        self.assertEqual(status, 400)
        self.assertIn(b"com.amazonaws.cloudwatch#SerializationException", body)
        self.assertIn(b"Duplicate field 'Namespace'", body)
        # {"Namespace":"Dup","MetricName":"m","StartTime":0,"EndTime":600,
        #  "Period":60.5 (float64),"Statistics":["Sum"]}
        status, _, body = self.server.http(
            "POST", "/service/GraniteServiceVersion20100801/operation/GetMetricStatistics",
            body=b"\xa6" + text("Namespace") + text("Dup") + text("MetricName") + text("m") +
            text("StartTime") + b"\x00" + text("EndTime") + b"\x19\x02\x58" + text("Period") +
            b"\xfb" + struct.pack(">d", 60.5) + text("Statistics") + b"\x81" + text("Sum"),
            headers=cbor)
        self.assertEqual(status, 400)
        self.assertIn(b"NUMBER_VALUE can not be converted to Integer", body)

        form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        status, _, body = self.server.http(
            "POST", "/", body=b"Action=PutMetricData&Version=2010-08-01&Namespace=Dup"
            b"&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1&Namespace=Other",
            headers=form)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidQueryParameter</Code>", body)
        self.assertIn(b"The parameter Namespace is given more than once.", body)
        status, _, body = self.server.http(
            "POST", "/?Namespace=Other", body=b"Action=PutMetricData&Namespace=Dup"
            b"&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1", headers=form)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidQueryParameter</Code>", body)
        status, _, body = self.server.http(
            "POST", "/", body=b"Action=GetMetricStatistics&Version=2010-08-01&Namespace=Dup"
            b"&MetricName=m&StartTime=1970-01-01T00%3A00%3A00Z&EndTime=1970-01-01T00%3A10%3A00Z"
            b"&Period=60.5&Statistics.member.1=Sum", headers=form)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidParameterValue</Code>", body)
        self.assertIn(b"Value &apos;60.5&apos; for parameter Period is invalid.", body)

        # Nothing was stored under either name, and the server still answers.
        for namespace in ("Dup", "Other"):
            self.assertEqual(self.cw.list_metrics(Namespace=namespace)["Metrics"], [])


class CliMetricsTest(MetricsTestCase):
    """The same scenario through both CLIs: v1 speaks JSON 1.0, Debian's v2 (2.9) the query
    protocol with XML answers."""

    def _scenario(self, cli):
        self.make_stream("web", "access")
        r = cli.run(self.server, "logs", "put-metric-filter", "--log-group-name", "web",
                    "--filter-name", "bytes", "--filter-pattern", NGINX_PATTERN,
                    "--metric-transformations",
                    "metricName=BytesTransferred,metricNamespace=Web,metricValue=$size,unit=Bytes")
        self.assertEqual(r.returncode, 0, r)
        m0 = self.base_minute()
        self.put("web", "access", [(m0 + 1, nginx_line("1.1.1.1", 200, 300)),
                                   (m0 + 2, nginx_line("1.1.1.2", 200, 700)),
                                   (m0 + MINUTE_MS, nginx_line("1.1.1.3", 404, 5))])
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(m0 / 1000))
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(m0 / 1000 + 300))
        r = cli.run(self.server, "cloudwatch", "get-metric-statistics", "--namespace", "Web",
                    "--metric-name", "BytesTransferred", "--start-time", start, "--end-time", end,
                    "--period", "60", "--statistics", "Sum", "SampleCount")
        self.assertEqual(r.returncode, 0, r)
        points = sorted(r.json()["Datapoints"], key=lambda p: p["Timestamp"])
        self.assertEqual([(p["Sum"], p["SampleCount"], p["Unit"]) for p in points],
                         [(1000.0, 2.0, "Bytes"), (5.0, 1.0, "Bytes")])

        r = cli.run(self.server, "cloudwatch", "put-metric-data", "--namespace", "CliNs",
                    "--metric-name", "Temp", "--value", "21.5", "--unit", "Count",
                    "--dimensions", "Room=kitchen", "--timestamp", start)
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "cloudwatch", "list-metrics", "--namespace", "CliNs")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.json()["Metrics"], [{"Namespace": "CliNs", "MetricName": "Temp",
                                                "Dimensions": [{"Name": "Room",
                                                                "Value": "kitchen"}]}])
        queries = json.dumps([{"Id": "t", "MetricStat": {
            "Metric": {"Namespace": "CliNs", "MetricName": "Temp",
                       "Dimensions": [{"Name": "Room", "Value": "kitchen"}]},
            "Period": 60, "Stat": "Average"}}])
        r = cli.run(self.server, "cloudwatch", "get-metric-data", "--metric-data-queries", queries,
                    "--start-time", start, "--end-time", end)
        self.assertEqual(r.returncode, 0, r)
        result = r.json()["MetricDataResults"][0]
        self.assertEqual((result["Id"], result["Values"], result["StatusCode"]),
                         ("t", [21.5], "Complete"))

        r = cli.run(self.server, "cloudwatch", "get-metric-statistics", "--namespace", "Web",
                    "--metric-name", "BytesTransferred", "--start-time", start, "--end-time", end,
                    "--period", "90", "--statistics", "Sum")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("InvalidParameterValue", r.stderr)
        self.assertIn("The parameter Period must be a multiple of 60.", r.stderr)

    def test_aws_cli_v1(self):
        path = find_aws_v1()
        if path is None:
            self.skipTest("aws CLI v1 not installed")
        self._scenario(AwsCli(path, "v1"))

    def test_aws_cli_v2(self):
        path = find_aws_v2()
        if path is None:
            self.skipTest("aws CLI v2 not installed")
        self._scenario(AwsCli(path, "v2"))


if __name__ == "__main__":
    unittest.main()
