"""CloudWatch resources stored without computation (docs/metrics.md): anomaly detectors,
Contributor Insights rules (and managed rules), metric streams and OTel enrichment, over boto3.
Also checks that every operation of botocore's installed cloudwatch model is routed (all 46 of a
model that has the alarm mute rules, which test_alarm_mute_rules.py covers)."""

import gzip
import json
import os
import time
import unittest

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import DEFAULT_REGION, ServerTestCase

FIREHOSE = "arn:aws:firehose:us-east-1:123456789012:deliverystream/metrics"
ROLE = "arn:aws:iam::123456789012:role/stream"
RULE = json.dumps({"Schema": {"Name": "CloudWatchLogRule", "Version": 1},
                   "LogGroupNames": ["/app"], "LogFormat": "JSON",
                   "Contribution": {"Keys": ["$.ip"]}, "AggregateOn": "Count"})
# Newer than some botocore (Debian's 1.26): checked even when the installed model lacks them.
MUTE_RULE_OPS = {"PutAlarmMuteRule", "GetAlarmMuteRule", "ListAlarmMuteRules",
                 "DeleteAlarmMuteRule"}


def cloudwatch(server):
    return boto3.session.Session().client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=DEFAULT_REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def has_op(client, name):
    return name in client.meta.service_model.operation_names


class CloudWatchResourcesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cloudwatch(cls.server)

    def code(self, cm):
        return cm.exception.response["Error"]["Code"]

    def test_anomaly_detectors(self):
        self.cw.put_anomaly_detector(SingleMetricAnomalyDetector={
            "Namespace": "App", "MetricName": "Latency", "Stat": "Average",
            "Dimensions": [{"Name": "Host", "Value": "a"}]},
            Configuration={"ExcludedTimeRanges": [{"StartTime": time.time() - 7200,
                                                   "EndTime": time.time() - 3600}]})
        self.cw.put_anomaly_detector(Namespace="App", MetricName="Errors", Stat="Sum")
        got = self.cw.describe_anomaly_detectors()["AnomalyDetectors"]
        self.assertEqual(len(got), 2)
        by_name = {d["SingleMetricAnomalyDetector"]["MetricName"]: d for d in got}
        self.assertEqual(by_name["Latency"]["StateValue"], "PENDING_TRAINING")
        self.assertEqual(len(by_name["Latency"]["Configuration"]["ExcludedTimeRanges"]), 1)
        only = self.cw.describe_anomaly_detectors(MetricName="Errors")["AnomalyDetectors"]
        self.assertEqual([d["MetricName"] for d in only], ["Errors"])
        page = self.cw.describe_anomaly_detectors(MaxResults=1)
        self.assertEqual(len(page["AnomalyDetectors"]), 1)
        rest = self.cw.describe_anomaly_detectors(MaxResults=1, NextToken=page["NextToken"])
        self.assertEqual(len(rest["AnomalyDetectors"]), 1)
        self.cw.delete_anomaly_detector(Namespace="App", MetricName="Errors", Stat="Sum")
        with self.assertRaises(ClientError) as cm:
            self.cw.delete_anomaly_detector(Namespace="App", MetricName="Errors", Stat="Sum")
        self.assertEqual(self.code(cm), "ResourceNotFoundException")
        with self.assertRaises(ClientError) as cm:
            self.cw.put_anomaly_detector(Namespace="App", MetricName="X", Stat="Median")
        self.assertEqual(self.code(cm), "InvalidParameterValue")

    def test_insight_rules(self):
        self.cw.put_insight_rule(RuleName="top-ips", RuleDefinition=RULE)
        rules = self.cw.describe_insight_rules()["InsightRules"]
        self.assertEqual(len(rules), 1)
        self.assertEqual(rules[0]["Name"], "top-ips")
        self.assertEqual(rules[0]["State"], "ENABLED")
        self.assertEqual(rules[0]["Definition"], RULE)
        out = self.cw.disable_insight_rules(RuleNames=["top-ips", "ghost"])
        self.assertEqual([f["FailureResource"] for f in out["Failures"]], ["ghost"])
        self.assertEqual(self.cw.describe_insight_rules()["InsightRules"][0]["State"], "DISABLED")
        self.cw.enable_insight_rules(RuleNames=["top-ips"])
        report = self.cw.get_insight_rule_report(RuleName="top-ips", StartTime=time.time() - 3600,
                                                 EndTime=time.time(), Period=300)
        self.assertEqual(report["Contributors"], [])
        self.assertEqual(report["AggregationStatistic"], "Count")
        with self.assertRaises(ClientError) as cm:
            self.cw.get_insight_rule_report(RuleName="ghost", StartTime=time.time() - 3600,
                                            EndTime=time.time(), Period=300)
        self.assertEqual(self.code(cm), "ResourceNotFoundException")
        with self.assertRaises(ClientError) as cm:
            self.cw.put_insight_rule(RuleName="bad", RuleDefinition="{not json")
        self.assertEqual(self.code(cm), "InvalidParameterValue")
        self.assertEqual(self.cw.delete_insight_rules(RuleNames=["top-ips"])["Failures"], [])
        self.assertEqual(self.cw.describe_insight_rules()["InsightRules"], [])

    def test_managed_insight_rules(self):
        if not has_op(self.cw, "PutManagedInsightRules"):
            self.skipTest("this botocore's cloudwatch model has no managed insight rules")
        arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t"
        out = self.cw.put_managed_insight_rules(ManagedRules=[
            {"TemplateName": "DynamoDBContributorInsights-PKT", "ResourceARN": arn}])
        self.assertEqual(out["Failures"], [])
        listed = self.cw.list_managed_insight_rules(ResourceARN=arn)["ManagedRules"]
        self.assertEqual([r["TemplateName"] for r in listed], ["DynamoDBContributorInsights-PKT"])
        self.assertEqual(self.cw.describe_insight_rules()["InsightRules"], [])

    def test_metric_streams(self):
        arn = self.cw.put_metric_stream(Name="s1", FirehoseArn=FIREHOSE, RoleArn=ROLE,
                                        OutputFormat="json",
                                        IncludeFilters=[{"Namespace": "App"}])["Arn"]
        self.assertTrue(arn.endswith(":metric-stream/s1"), arn)
        got = self.cw.get_metric_stream(Name="s1")
        self.assertEqual(got["State"], "running")
        self.assertEqual(got["IncludeFilters"][0]["Namespace"], "App")
        self.assertEqual(got["FirehoseArn"], FIREHOSE)
        self.cw.stop_metric_streams(Names=["s1"])
        self.assertEqual(self.cw.get_metric_stream(Name="s1")["State"], "stopped")
        self.cw.start_metric_streams(Names=["s1"])
        entries = self.cw.list_metric_streams()["Entries"]
        self.assertEqual([(e["Name"], e["State"]) for e in entries], [("s1", "running")])
        with self.assertRaises(ClientError) as cm:
            self.cw.put_metric_stream(Name="s2", FirehoseArn=FIREHOSE, RoleArn=ROLE,
                                      OutputFormat="json", IncludeFilters=[{"Namespace": "A"}],
                                      ExcludeFilters=[{"Namespace": "B"}])
        self.assertEqual(self.code(cm), "InvalidParameterCombination")
        with self.assertRaises(ClientError) as cm:
            self.cw.put_metric_stream(Name="s2", FirehoseArn=FIREHOSE, RoleArn=ROLE,
                                      OutputFormat="xml")
        self.assertEqual(self.code(cm), "InvalidParameterValue")
        self.cw.delete_metric_stream(Name="s1")
        with self.assertRaises(ClientError) as cm:
            self.cw.get_metric_stream(Name="s1")
        self.assertEqual(self.code(cm), "ResourceNotFoundException")

    def test_otel_enrichment(self):
        if not has_op(self.cw, "GetOTelEnrichment"):
            self.skipTest("this botocore's cloudwatch model has no OTel enrichment")
        self.assertEqual(self.cw.get_otel_enrichment()["Status"], "Stopped")
        self.cw.start_otel_enrichment()
        self.assertEqual(self.cw.get_otel_enrichment()["Status"], "Running")
        self.cw.stop_otel_enrichment()
        self.assertEqual(self.cw.get_otel_enrichment()["Status"], "Stopped")

    def test_every_model_operation_is_routed(self):
        base = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudwatch")
        folder = os.path.join(base, sorted(os.listdir(base))[-1])
        plain = os.path.join(folder, "service-2.json")
        if os.path.exists(plain):
            with open(plain, encoding="utf-8") as f:
                model = json.load(f)
        else:
            with gzip.open(plain + ".gz", "rt", encoding="utf-8") as f:
                model = json.load(f)
        unrouted = []
        operations = sorted(set(model["operations"]) | MUTE_RULE_OPS)
        if MUTE_RULE_OPS <= set(model["operations"]):
            # The model of 2026 (botocore 1.43): 46 operations, every one served.
            self.assertGreaterEqual(len(operations), 46)
        for op in operations:
            status, _, data = self.server.http("POST", "/", b"{}", headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "GraniteServiceVersion20100801." + op})
            if b"UnknownOperationException" in data:
                unrouted.append(op)
        self.assertEqual(unrouted, [])


if __name__ == "__main__":
    unittest.main()
