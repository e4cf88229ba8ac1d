"""CloudWatch metric alarms (docs/alarms.md): the alarm operations over boto3 (AWS JSON 1.0) and
the aws CLI (query protocol), and the evaluator driven by PutMetricData and the test clock
(POST /_cwlogd/clock). Alarm actions go to the CWLOGD_ALARM_ACTION_LOG file sink."""

import json
import os
import struct
import tempfile
import time
import unittest
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import (AwsCli, DEFAULT_REGION, ServerTestCase, find_aws_v2, now_ms,
                            start_server)

MINUTE_MS = 60_000
ACCOUNT_ARN_PREFIX = "arn:aws:cloudwatch:us-east-1:"
TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"


def cloudwatch(server):
    return boto3.session.Session().client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=DEFAULT_REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


_bases_used = 0


def base_minute():
    """The start of a minute in the past that no earlier test used: the evaluator runs once per
    new minute of the server clock, so each test moves the clock through minutes of its own."""
    global _bases_used
    _bases_used += 1
    return now_ms() - now_ms() % MINUTE_MS - (10 + 10 * _bases_used) * MINUTE_MS


def short_date(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%d/%m/%y %H:%M:%S")


class AlarmTestCase(ServerTestCase):
    action_log = None

    @classmethod
    def setUpClass(cls):
        cls.action_log = tempfile.NamedTemporaryFile(prefix="alarm-actions-", delete=False).name
        os.environ["CWLOGD_ALARM_ACTION_LOG"] = cls.action_log
        try:
            super().setUpClass()
        finally:
            del os.environ["CWLOGD_ALARM_ACTION_LOG"]
        cls.cw = cloudwatch(cls.server)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.unlink(cls.action_log)

    def setUp(self):
        super().setUp()
        self.server.set_clock_offset(0)
        open(self.action_log, "w").close()

    def tearDown(self):
        self.server.set_clock_offset(0)
        super().tearDown()

    def restart_after_kill9(self, action_log=None):
        """kill -9, then a start on the same data with an action log (the class's by default,
        as setUpClass started the server: later tests read it)."""
        self.server.kill9()
        os.environ["CWLOGD_ALARM_ACTION_LOG"] = action_log or self.action_log
        try:
            self.server.start()
        finally:
            del os.environ["CWLOGD_ALARM_ACTION_LOG"]
        type(self).cw = cloudwatch(self.server)

    def put_alarm(self, name, **kwargs):
        params = dict(AlarmName=name, MetricName="Errors", Namespace="App", Statistic="Sum",
                      Period=60, EvaluationPeriods=1, Threshold=1.0,
                      ComparisonOperator="GreaterThanOrEqualToThreshold")
        params.update(kwargs)
        self.cw.put_metric_alarm(**params)

    def alarm(self, name):
        alarms = self.cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
        self.assertEqual(len(alarms), 1)
        return alarms[0]

    def wait_state(self, name, state, timeout=10):
        deadline = time.time() + timeout
        while True:
            a = self.alarm(name)
            if a["StateValue"] == state or time.time() > deadline:
                self.assertEqual(a["StateValue"], state, a.get("StateReason"))
                return a
            time.sleep(0.1)

    def put_value(self, value, at_ms, name="Errors"):
        self.cw.put_metric_data(Namespace="App", MetricData=[
            {"MetricName": name, "Value": value, "Timestamp": at_ms / 1000}])

    def move_clock_to(self, target_ms):
        """Sets the server clock so that it reads target_ms now."""
        self.server.set_clock_offset(target_ms - now_ms())

    def actions(self):
        with open(self.action_log) as f:
            return [json.loads(line) for line in f if line.strip()]


class AlarmCrudTest(AlarmTestCase):
    def test_created_alarm_as_described(self):
        self.put_alarm("cpu", AlarmDescription="too many errors", AlarmActions=[TOPIC],
                       Dimensions=[{"Name": "Service", "Value": "api"}], Unit="Count",
                       DatapointsToAlarm=1)
        a = self.alarm("cpu")
        self.assertEqual(a["AlarmArn"], ACCOUNT_ARN_PREFIX + "000000000000:alarm:cpu"
                         if a["AlarmArn"].startswith(ACCOUNT_ARN_PREFIX + "000000000000")
                         else a["AlarmArn"])
        self.assertTrue(a["AlarmArn"].startswith(ACCOUNT_ARN_PREFIX))
        self.assertTrue(a["AlarmArn"].endswith(":alarm:cpu"))
        self.assertEqual(a["StateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(a["StateReason"], "Unchecked: Initial alarm creation")
        self.assertNotIn("StateReasonData", a)
        self.assertNotIn("TreatMissingData", a)  # omitted = not stored
        self.assertEqual(a["AlarmDescription"], "too many errors")
        self.assertEqual(a["AlarmActions"], [TOPIC])
        self.assertEqual(a["OKActions"], [])
        self.assertTrue(a["ActionsEnabled"])
        self.assertEqual(a["Dimensions"], [{"Name": "Service", "Value": "api"}])
        self.assertEqual((a["Period"], a["EvaluationPeriods"], a["DatapointsToAlarm"]), (60, 1, 1))
        self.assertEqual(a["Threshold"], 1.0)
        self.assertEqual(a["Unit"], "Count")
        self.assertEqual(a["Statistic"], "Sum")
        self.assertIsInstance(a["StateUpdatedTimestamp"], datetime)
        self.assertIsInstance(a["AlarmConfigurationUpdatedTimestamp"], datetime)
        self.assertEqual(self.cw.describe_alarms()["CompositeAlarms"], [])

    def test_update_keeps_state_and_replaces_configuration(self):
        self.put_alarm("a", TreatMissingData="breaching", AlarmDescription="d")
        self.cw.set_alarm_state(AlarmName="a", StateValue="ALARM", StateReason="by hand")
        self.put_alarm("a", Threshold=5.0)
        a = self.alarm("a")
        self.assertEqual(a["StateValue"], "ALARM")
        self.assertEqual(a["StateReason"], "by hand")
        self.assertEqual(a["Threshold"], 5.0)
        self.assertNotIn("TreatMissingData", a)
        self.assertNotIn("AlarmDescription", a)

    def test_delete(self):
        self.put_alarm("a")
        self.put_alarm("b")
        self.cw.delete_alarms(AlarmNames=["a"])
        names = [a["AlarmName"] for a in self.cw.describe_alarms()["MetricAlarms"]]
        self.assertEqual(names, ["b"])
        with self.assertRaises(ClientError) as cm:
            self.cw.delete_alarms(AlarmNames=["nope"])
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFound")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_filters_and_paging(self):
        for i in range(7):
            self.put_alarm(f"web-{i}", AlarmActions=[TOPIC] if i % 2 else [])
        self.put_alarm("db-1")
        self.cw.set_alarm_state(AlarmName="web-3", StateValue="OK", StateReason="x")
        names, token, pages = [], None, 0
        while True:
            kwargs = {"MaxRecords": 3, "AlarmNamePrefix": "web-"}
            if token:
                kwargs["NextToken"] = token
            page = self.cw.describe_alarms(**kwargs)
            pages += 1
            names += [a["AlarmName"] for a in page["MetricAlarms"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(names, [f"web-{i}" for i in range(7)])
        self.assertEqual(pages, 3)
        ok = self.cw.describe_alarms(StateValue="OK")["MetricAlarms"]
        self.assertEqual([a["AlarmName"] for a in ok], ["web-3"])
        with_actions = self.cw.describe_alarms(ActionPrefix="arn:aws:sns:")["MetricAlarms"]
        self.assertEqual([a["AlarmName"] for a in with_actions], ["web-1", "web-3", "web-5"])
        self.assertEqual(self.cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["MetricAlarms"], [])
        self.assertClientError("InvalidNextToken", None, self.cw.describe_alarms, NextToken="bogus")
        for_metric = self.cw.describe_alarms_for_metric(MetricName="Errors", Namespace="App")
        self.assertEqual(len(for_metric["MetricAlarms"]), 8)
        self.assertEqual(self.cw.describe_alarms_for_metric(
            MetricName="Errors", Namespace="App", Period=300)["MetricAlarms"], [])

    def test_tags(self):
        self.put_alarm("t", Tags=[{"Key": "team", "Value": "web"}])
        arn = self.alarm("t")["AlarmArn"]
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "web"}])
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "api"},
                                                    {"Key": "env", "Value": "prod"}])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "api"}, {"Key": "env", "Value": "prod"}])
        self.put_alarm("t", Tags=[{"Key": "ignored", "Value": "on update"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "env", "Value": "prod"}])
        with self.assertRaises(ClientError) as cm:
            self.cw.list_tags_for_resource(ResourceARN=arn + "-missing")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_enable_disable_actions(self):
        self.put_alarm("a")
        self.cw.disable_alarm_actions(AlarmNames=["a", "unknown"])
        self.assertFalse(self.alarm("a")["ActionsEnabled"])
        self.cw.enable_alarm_actions(AlarmNames=["a"])
        self.assertTrue(self.alarm("a")["ActionsEnabled"])


class AlarmValidationTest(AlarmTestCase):
    def test_validation_errors(self):
        self.assertClientError(
            "ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods",
            self.put_alarm, "a", EvaluationPeriods=2, DatapointsToAlarm=3)
        self.assertClientError("ValidationError", "Period must be 10, 20, 30 or a multiple of 60",
                               self.put_alarm, "a", Period=45)
        self.assertClientError(
            "ValidationError",
            "1 validation error detected: Value 'Median' at 'statistic' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SampleCount, Average, Sum, "
            "Minimum, Maximum]",
            self.put_alarm, "a", Statistic="Median")
        self.assertClientError(
            "ValidationError",
            f"1 validation error detected: Value '{'x' * 256}' at 'alarmName' failed to satisfy "
            "constraint: Member must have length less than or equal to 255",
            self.put_alarm, "x" * 256)
        actions = [f"{TOPIC}{i}" for i in range(6)]
        self.assertClientError(
            "ValidationError",
            f"1 validation error detected: Value '[{', '.join(actions)}]' at 'alarmActions' "
            "failed to satisfy constraint: Member must have length less than or equal to 5",
            self.put_alarm, "a", AlarmActions=actions)
        self.assertClientError(
            "ValidationError",
            "1 validation error detected: Value '[not-an-arn]' at 'oKActions' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "arn:aws[a-z\\-]*:[a-z0-9\\-]+:.*",
            self.put_alarm, "a", OKActions=["not-an-arn"])
        self.assertClientError(
            "ValidationError",
            "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must "
            "be <= 86400).", self.put_alarm, "a", Period=60, EvaluationPeriods=1441)
        self.assertClientError(
            "ValidationError",
            "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy "
            "constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
            self.cw.set_alarm_state, AlarmName="a", StateValue="INVALID", StateReason="r")
        with self.assertRaises(ClientError) as cm:
            self.cw.set_alarm_state(AlarmName="missing", StateValue="OK", StateReason="r")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFound")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.put_alarm("a")
        self.assertClientError("InvalidFormat", None, self.cw.set_alarm_state, AlarmName="a",
                               StateValue="OK", StateReason="r", StateReasonData="{not json")
        self.assertEqual(self.cw.describe_alarms()["MetricAlarms"][0]["AlarmName"], "a")


class AlarmHistoryTest(AlarmTestCase):
    def test_history_items(self):
        # `ignore`: no evaluation at a minute boundary adds a StateUpdate of its own.
        self.put_alarm("h", TreatMissingData="ignore")
        self.put_alarm("h", Threshold=2.0, TreatMissingData="ignore")
        self.cw.set_alarm_state(AlarmName="h", StateValue="ALARM", StateReason="manual")
        items = self.cw.describe_alarm_history(AlarmName="h")["AlarmHistoryItems"]
        self.assertEqual([i["HistoryItemType"] for i in items],
                         ["StateUpdate", "ConfigurationUpdate", "ConfigurationUpdate"])
        self.assertEqual(items[0]["HistorySummary"], "Alarm updated from INSUFFICIENT_DATA to ALARM")
        data = json.loads(items[0]["HistoryData"])
        self.assertEqual(data["oldState"]["stateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(data["newState"], {"stateValue": "ALARM", "stateReason": "manual"})
        self.assertEqual(items[2]["HistorySummary"], 'Alarm "h" created')
        created = json.loads(items[2]["HistoryData"])
        self.assertEqual(created["type"], "Create")
        self.assertEqual(created["createdAlarm"]["okactions"], [])
        self.assertEqual(items[1]["HistorySummary"], 'Alarm "h" updated')
        self.assertEqual(json.loads(items[1]["HistoryData"])["type"], "Update")
        asc = self.cw.describe_alarm_history(AlarmName="h", ScanBy="TimestampAscending")
        self.assertEqual([i["HistoryItemType"] for i in asc["AlarmHistoryItems"]],
                         ["ConfigurationUpdate", "ConfigurationUpdate", "StateUpdate"])
        only_state = self.cw.describe_alarm_history(HistoryItemType="StateUpdate")
        self.assertEqual(len(only_state["AlarmHistoryItems"]), 1)
        page1 = self.cw.describe_alarm_history(MaxRecords=2)
        self.assertEqual(len(page1["AlarmHistoryItems"]), 2)
        page2 = self.cw.describe_alarm_history(MaxRecords=2, NextToken=page1["NextToken"])
        self.assertEqual([i["HistoryItemType"] for i in page2["AlarmHistoryItems"]],
                         ["ConfigurationUpdate"])
        self.assertNotIn("NextToken", page2)
        future = self.cw.describe_alarm_history(StartDate=datetime(2100, 1, 1))
        self.assertEqual(future["AlarmHistoryItems"], [])
        self.cw.delete_alarms(AlarmNames=["h"])
        after = self.cw.describe_alarm_history(AlarmName="h")["AlarmHistoryItems"]
        self.assertEqual(after[0]["HistorySummary"], 'Alarm "h" deleted')

    def test_history_is_kept_two_weeks(self):
        self.put_alarm("old")
        self.server.set_clock_offset(13 * 24 * 3600 * 1000)
        time.sleep(0.6)
        self.assertEqual(len(self.cw.describe_alarm_history()["AlarmHistoryItems"]), 1)
        self.server.set_clock_offset(15 * 24 * 3600 * 1000)
        deadline = time.time() + 10
        while self.cw.describe_alarm_history()["AlarmHistoryItems"] and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.cw.describe_alarm_history()["AlarmHistoryItems"], [])
        self.assertEqual(self.alarm("old")["StateValue"], "INSUFFICIENT_DATA")


class AlarmEvaluationTest(AlarmTestCase):
    def base(self):
        return base_minute()

    def test_ok_to_alarm_with_aws_reason_and_notification(self):
        m = self.base()
        self.move_clock_to(m + 5_000)
        self.put_alarm("errors", AlarmActions=[TOPIC], OKActions=[TOPIC], DatapointsToAlarm=1)
        self.put_value(3.0, m + 10_000)
        self.move_clock_to(m + MINUTE_MS + 5_000)
        a = self.wait_state("errors", "ALARM")
        self.assertEqual(
            a["StateReason"],
            f"Threshold Crossed: 1 out of the last 1 datapoints [3.0 ({short_date(m)})] was "
            "greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM "
            "transition).")
        data = json.loads(a["StateReasonData"])
        self.assertEqual(list(data)[:2], ["version", "queryDate"])
        self.assertEqual(data["recentDatapoints"], [3.0])
        self.assertEqual(data["statistic"], "Sum")
        self.assertEqual(data["period"], 60)
        self.assertEqual(data["evaluatedDatapoints"][0]["sampleCount"], 1.0)
        deadline = time.time() + 10
        while not self.actions() and time.time() < deadline:
            time.sleep(0.1)
        actions = self.actions()
        self.assertEqual(len(actions), 1)
        self.assertEqual(actions[0]["action"], TOPIC)
        self.assertEqual(actions[0]["subject"], 'ALARM: "errors" in US East (N. Virginia)')
        message = json.loads(actions[0]["message"])
        self.assertEqual(message["NewStateValue"], "ALARM")
        self.assertEqual(message["OldStateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(message["Region"], "US East (N. Virginia)")
        self.assertEqual(message["Trigger"]["Statistic"], "SUM")
        self.assertEqual(message["Trigger"]["TreatMissingData"], "missing")
        self.assertEqual(list(message)[:3], ["AlarmName", "AlarmDescription", "AWSAccountId"])
        deadline = time.time() + 10
        while time.time() < deadline:
            history = self.cw.describe_alarm_history(AlarmName="errors", HistoryItemType="Action")
            if history["AlarmHistoryItems"]:
                break
            time.sleep(0.1)
        item = history["AlarmHistoryItems"][0]
        self.assertEqual(item["HistorySummary"], f"Successfully executed action {TOPIC}")
        self.assertEqual(json.loads(item["HistoryData"])["actionState"], "Succeeded")
        # The evaluation range (N + 2 periods for N = 1) still holds the datapoint a minute
        # later, so the alarm stays; once it has left the range, missing -> INSUFFICIENT_DATA.
        self.move_clock_to(m + 2 * MINUTE_MS + 5_000)
        time.sleep(0.6)
        self.assertEqual(self.alarm("errors")["StateValue"], "ALARM")
        self.move_clock_to(m + 4 * MINUTE_MS + 5_000)
        a = self.wait_state("errors", "INSUFFICIENT_DATA")
        self.assertEqual(a["StateReason"], "Insufficient Data: 1 datapoint was unknown.")

    def test_m_out_of_n(self):
        m = self.base()
        self.move_clock_to(m + 5_000)
        self.put_alarm("mofn", EvaluationPeriods=3, DatapointsToAlarm=2)
        for i, v in enumerate([5.0, 0.0, 7.0]):
            self.put_value(v, m + i * MINUTE_MS + 1000)
        self.move_clock_to(m + 3 * MINUTE_MS + 5_000)
        a = self.wait_state("mofn", "ALARM")
        self.assertEqual(
            a["StateReason"],
            f"Threshold Crossed: 2 out of the last 3 datapoints [7.0 ({short_date(m + 2 * MINUTE_MS)}),"
            f" 5.0 ({short_date(m)})] were greater than or equal to the threshold (1.0) (minimum 2 "
            "datapoints for OK -> ALARM transition).")

    def test_no_datapoints_to_alarm_form(self):
        m = self.base()
        self.move_clock_to(m + 5_000)
        self.put_alarm("plain", ComparisonOperator="GreaterThanThreshold", Threshold=0.0)
        self.put_value(0.0, m + 1000)
        self.move_clock_to(m + MINUTE_MS + 5_000)
        a = self.wait_state("plain", "OK")
        self.assertEqual(a["StateReason"],
                         f"Threshold Crossed: 1 datapoint [0.0 ({short_date(m)})] was not greater "
                         "than the threshold (0.0).")

    def test_percentile_alarm(self):
        """ExtendedStatistic p90 over the period's values: nine fast requests and one slow one
        put p90 at the ninth value, under the threshold; a second slow one crosses it."""
        m = self.base()
        self.move_clock_to(m + 5_000)
        params = dict(AlarmName="p90", MetricName="Latency", Namespace="App", ExtendedStatistic="p90",
                      Period=60, EvaluationPeriods=1, Threshold=100.0, TreatMissingData="ignore",
                      ComparisonOperator="GreaterThanThreshold", AlarmActions=[TOPIC])
        self.cw.put_metric_alarm(**params)
        self.assertEqual(self.alarm("p90")["ExtendedStatistic"], "p90")
        self.assertNotIn("Statistic", self.alarm("p90"))
        self.cw.put_metric_data(Namespace="App", MetricData=[{
            "MetricName": "Latency", "Values": [10.0, 500.0], "Counts": [9.0, 1.0],
            "Timestamp": (m + 10_000) / 1000}])
        self.move_clock_to(m + MINUTE_MS + 5_000)
        self.wait_state("p90", "OK")
        self.cw.put_metric_data(Namespace="App", MetricData=[{
            "MetricName": "Latency", "Values": [10.0, 500.0], "Counts": [8.0, 2.0],
            "Timestamp": (m + MINUTE_MS + 10_000) / 1000}])
        self.move_clock_to(m + 2 * MINUTE_MS + 5_000)
        self.wait_state("p90", "ALARM")
        deadline = time.time() + 10
        while not self.actions() and time.time() < deadline:
            time.sleep(0.1)
        trigger = json.loads(self.actions()[0]["message"])["Trigger"]
        self.assertEqual(trigger["StatisticType"], "ExtendedStatistic")
        self.assertEqual(trigger["ExtendedStatistic"], "p90")
        with self.assertRaises(ClientError) as e:
            self.cw.put_metric_alarm(**dict(params, ExtendedStatistic="p101"))
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameterValue")

    def test_treat_missing_data(self):
        m = self.base()
        self.move_clock_to(m + 5_000)
        self.put_alarm("breaching", TreatMissingData="breaching", EvaluationPeriods=2)
        self.put_alarm("notbreaching", TreatMissingData="notBreaching", EvaluationPeriods=2)
        self.put_alarm("ignore", TreatMissingData="ignore", EvaluationPeriods=2)
        self.put_alarm("missing", TreatMissingData="missing", EvaluationPeriods=2)
        self.move_clock_to(m + MINUTE_MS + 5_000)
        a = self.wait_state("breaching", "ALARM")
        self.assertEqual(a["StateReason"],
                         "Threshold Crossed: no datapoints were received for 2 periods and 2 "
                         "missing datapoints were treated as [Breaching].")
        self.wait_state("notbreaching", "OK")
        self.assertEqual(self.alarm("missing")["StateValue"], "INSUFFICIENT_DATA")
        time.sleep(0.5)
        ignore = self.alarm("ignore")
        self.assertEqual(ignore["StateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(ignore["StateReason"], "Unchecked: Initial alarm creation")

    def test_set_alarm_state_then_evaluation_returns(self):
        m = self.base()
        self.move_clock_to(m + 5_000)
        self.put_alarm("s", TreatMissingData="notBreaching")
        self.cw.set_alarm_state(AlarmName="s", StateValue="ALARM", StateReason="testing")
        self.assertEqual(self.alarm("s")["StateReason"], "testing")
        self.move_clock_to(m + MINUTE_MS + 5_000)
        self.wait_state("s", "OK")


def stat_query(query_id, metric_name, stat="Sum", period=60):
    return {"Id": query_id, "ReturnData": False,
            "MetricStat": {"Metric": {"Namespace": "App", "MetricName": metric_name},
                           "Period": period, "Stat": stat}}


RATIO_METRICS = [
    {"Id": "e1", "Expression": "m1/m2*100", "Label": "ErrorRate", "ReturnData": True},
    stat_query("m1", "Errors"),
    stat_query("m2", "Requests"),
]


class MathAlarmTest(AlarmTestCase):
    """Alarms on a metric math expression (Metrics with a returned Expression): evaluated by the
    metric math engine GetMetricData uses."""

    def put_math_alarm(self, name, metrics=None, **kwargs):
        params = dict(AlarmName=name, Metrics=metrics or RATIO_METRICS, EvaluationPeriods=1,
                      DatapointsToAlarm=1, Threshold=50.0,
                      ComparisonOperator="GreaterThanThreshold")
        params.update(kwargs)
        self.cw.put_metric_alarm(**params)

    def put_counts(self, errors, requests, at_ms):
        self.cw.put_metric_data(Namespace="App", MetricData=[
            {"MetricName": "Errors", "Value": errors, "Timestamp": at_ms / 1000},
            {"MetricName": "Requests", "Value": requests, "Timestamp": at_ms / 1000}])

    def test_ratio_alarm_goes_to_alarm_and_back_to_ok(self):
        m = base_minute()
        self.move_clock_to(m + 5_000)
        self.put_math_alarm("error-rate", AlarmActions=[TOPIC], OKActions=[TOPIC])
        described = self.alarm("error-rate")
        self.assertEqual(described["Metrics"], RATIO_METRICS)
        self.assertNotIn("MetricName", described)
        self.assertNotIn("Period", described)
        self.put_counts(3.0, 4.0, m + 10_000)  # 75 %
        self.move_clock_to(m + MINUTE_MS + 5_000)
        a = self.wait_state("error-rate", "ALARM")
        self.assertEqual(
            a["StateReason"],
            f"Threshold Crossed: 1 out of the last 1 datapoints [75.0 ({short_date(m)})] was "
            "greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).")
        data = json.loads(a["StateReasonData"])
        self.assertNotIn("statistic", data)
        self.assertNotIn("unit", data)
        self.assertEqual(data["period"], 60)
        self.assertEqual(data["recentDatapoints"], [75.0])
        self.assertEqual(data["threshold"], 50.0)
        self.assertEqual(len(data["evaluatedDatapoints"]), 1)
        self.assertEqual(data["evaluatedDatapoints"][0]["value"], 75.0)
        self.assertNotIn("sampleCount", data["evaluatedDatapoints"][0])

        deadline = time.time() + 10
        while not self.actions() and time.time() < deadline:
            time.sleep(0.1)
        message = json.loads(self.actions()[0]["message"])
        self.assertEqual(message["NewStateValue"], "ALARM")
        trigger = message["Trigger"]
        self.assertNotIn("MetricName", trigger)
        self.assertEqual(list(trigger), ["Period", "EvaluationPeriods", "DatapointsToAlarm",
                                         "ComparisonOperator", "Threshold", "TreatMissingData",
                                         "EvaluateLowSampleCountPercentile", "Metrics"])
        self.assertEqual(trigger["Period"], 60)
        self.assertEqual(trigger["Metrics"][0], {"Expression": "m1/m2*100", "Id": "e1",
                                                 "Label": "ErrorRate", "ReturnData": True})
        self.assertEqual(trigger["Metrics"][1], {
            "Id": "m1", "MetricStat": {"Metric": {"Dimensions": [], "MetricName": "Errors",
                                                  "Namespace": "App"},
                                       "Period": 60, "Stat": "Sum"},
            "ReturnData": False})

        self.put_counts(1.0, 4.0, m + MINUTE_MS + 10_000)  # 25 %
        self.move_clock_to(m + 2 * MINUTE_MS + 5_000)
        a = self.wait_state("error-rate", "OK")
        self.assertEqual(
            a["StateReason"],
            f"Threshold Crossed: 1 out of the last 1 datapoints [25.0 "
            f"({short_date(m + MINUTE_MS)})] was not greater than the threshold (50.0) (minimum 1 "
            "datapoint for ALARM -> OK transition).")
        deadline = time.time() + 10
        while len(self.actions()) < 2 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual([a["subject"] for a in self.actions()],
                         ['ALARM: "error-rate" in US East (N. Virginia)',
                          'OK: "error-rate" in US East (N. Virginia)'])

    def test_m_out_of_n_and_missing_data(self):
        m = base_minute()
        self.move_clock_to(m + 5_000)
        self.put_math_alarm("two-of-three", EvaluationPeriods=3, DatapointsToAlarm=2)
        self.put_math_alarm("quiet", TreatMissingData="notBreaching")
        self.put_counts(3.0, 4.0, m + 10_000)                  # 75
        self.put_counts(0.0, 4.0, m + MINUTE_MS + 10_000)      # 0
        self.put_counts(4.0, 4.0, m + 2 * MINUTE_MS + 10_000)  # 100
        # Requests without Errors: the ratio has no point in that minute.
        self.cw.put_metric_data(Namespace="App", MetricData=[
            {"MetricName": "Requests", "Value": 4.0, "Timestamp": (m + 3 * MINUTE_MS + 1) / 1000}])
        self.move_clock_to(m + 4 * MINUTE_MS + 5_000)
        a = self.wait_state("two-of-three", "ALARM")
        self.assertEqual(
            a["StateReason"],
            f"Threshold Crossed: 2 out of the last 3 datapoints [100.0 "
            f"({short_date(m + 2 * MINUTE_MS)}), 75.0 ({short_date(m)})] were greater than the "
            "threshold (50.0) (minimum 2 datapoints for OK -> ALARM transition).")
        # N = 1: the newest real datapoint (100, two minutes old) is still in the range.
        self.wait_state("quiet", "ALARM")
        self.move_clock_to(m + 7 * MINUTE_MS + 5_000)
        a = self.wait_state("quiet", "OK")
        self.assertEqual(a["StateReason"],
                         "Threshold Crossed: no datapoints were received for 1 period and 1 "
                         "missing datapoint was treated as [NonBreaching].")

    def test_validation(self):
        two_returned = [dict(RATIO_METRICS[0]), dict(RATIO_METRICS[1], ReturnData=True),
                        RATIO_METRICS[2]]
        both = dict(RATIO_METRICS[1], Expression="m2")
        cases = [
            (dict(Statistic="Sum"), "ValidationError",
             "Statistic should not be set if list of Metrics is set."),
            (dict(Period=60), "ValidationError",
             "Period should not be set if list of Metrics is set."),
            (dict(Metrics=two_returned), "ValidationError",
             "Exactly one element of the metrics list should return data."),
            (dict(Metrics=[RATIO_METRICS[0], both, RATIO_METRICS[2]]), "ValidationError",
             "The parameters MetricDataQuery Expression and MetricStat are mutually exclusive "
             "and you have specified both."),
            (dict(Metrics=[dict(RATIO_METRICS[0], Expression="m1 / m3"), *RATIO_METRICS[1:]]),
             "ValidationError", "Error in expression 'e1': Unrecognized identifier 'm3'."),
            (dict(Metrics=[dict(RATIO_METRICS[0], Expression="m1 /"), *RATIO_METRICS[1:]]),
             "ValidationError", None),
            (dict(Metrics=[RATIO_METRICS[0], stat_query("m1", "Errors", stat="Median"),
                           RATIO_METRICS[2]]),
             "ValidationError", "Invalid metrics list"),
            (dict(Metrics=[RATIO_METRICS[0], stat_query("m1", "Errors", period=90),
                           RATIO_METRICS[2]]),
             "ValidationError", "Period must be 10, 20, 30 or a multiple of 60"),
            (dict(Metrics=[{"Id": "e1", "Expression": "TIME_SERIES(1)", "ReturnData": True}]),
             "ValidationError", "Period must not be null"),
            (dict(Metrics=[dict(RATIO_METRICS[0], Expression="METRICS()"), *RATIO_METRICS[1:]]),
             "ValidationError",
             "Error in expression 'e1': The expression of an alarm must return a single time "
             "series."),
            (dict(Metrics=[dict(RATIO_METRICS[0], Id="E1"), *RATIO_METRICS[1:]]),
             "ValidationError", None),
            (dict(Metrics=RATIO_METRICS, EvaluationPeriods=1441), "ValidationError",
             "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must "
             "be <= 86400)."),
        ]
        for params, code, message in cases:
            with self.subTest(params=params):
                self.assertClientError(code, message, self.put_math_alarm, "bad", **params)
        self.assertEqual(self.cw.describe_alarms(AlarmNames=["bad"])["MetricAlarms"], [])


class AlarmDurabilityTest(AlarmTestCase):
    def test_transition_and_outbox_survive_kill9(self):
        m = base_minute()
        self.move_clock_to(m + 5_000)
        self.put_alarm("durable", AlarmActions=[TOPIC], TreatMissingData="breaching")
        offset_after = m + MINUTE_MS + 5_000 - now_ms()
        self.server.set_clock_offset(offset_after)
        a = self.wait_state("durable", "ALARM")
        self.restart_after_kill9()
        self.server.set_clock_offset(m + MINUTE_MS + 6_000 - now_ms())
        after = self.alarm("durable")
        self.assertEqual(after["StateValue"], "ALARM")
        self.assertEqual(after["StateReason"], a["StateReason"])
        states = self.cw.describe_alarm_history(AlarmName="durable",
                                                HistoryItemType="StateUpdate")
        self.assertEqual(len(states["AlarmHistoryItems"]), 1)
        # The action was delivered before or after the crash; never lost, one Action item per
        # delivery (docs/alarms.md: at least once).
        deadline = time.time() + 10
        while not self.actions() and time.time() < deadline:
            time.sleep(0.1)
        self.assertGreaterEqual(len(self.actions()), 1)
        self.assertEqual({x["subject"] for x in self.actions()},
                         {'ALARM: "durable" in US East (N. Virginia)'})


    def test_pending_actions_survive_kill9_until_delivered(self):
        """A publisher that refuses (here: a sink file that cannot be opened) leaves the action
        in the outbox; it survives kill -9 and is delivered once a publisher accepts it."""
        m = base_minute()
        self.move_clock_to(m + 5_000)
        self.put_alarm("pending", AlarmActions=[TOPIC], TreatMissingData="breaching")
        self.restart_after_kill9("/nonexistent-dir/actions.jsonl")
        self.server.set_clock_offset(m + MINUTE_MS + 5_000 - now_ms())
        self.wait_state("pending", "ALARM")
        time.sleep(1.0)  # delivery attempts fail meanwhile
        self.assertEqual(self.cw.describe_alarm_history(
            AlarmName="pending", HistoryItemType="Action")["AlarmHistoryItems"], [])
        self.restart_after_kill9()
        # Past the retry backoff of the failed attempts (it runs on the server clock, which the
        # restarts set back to the wall clock).
        self.server.set_clock_offset(10 * MINUTE_MS)
        deadline = time.time() + 10
        while not self.actions() and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        self.assertEqual([a["subject"] for a in self.actions()],
                         ['ALARM: "pending" in US East (N. Virginia)'])
        self.assertEqual(json.loads(self.actions()[0]["message"])["AlarmName"], "pending")
        items = self.cw.describe_alarm_history(AlarmName="pending")["AlarmHistoryItems"]
        self.assertEqual([i["HistoryItemType"] for i in items],
                         ["Action", "StateUpdate", "ConfigurationUpdate"])


def cbor(value):
    """A minimal CBOR encoder (maps, text, non-negative ints, floats) for the RPC v2 test."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        return bytes([major << 5 | 26]) + n.to_bytes(4, "big")
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    return head(0, value)


class AlarmCborTest(AlarmTestCase):
    def test_rpc_v2_cbor(self):
        headers = {"Content-Type": "application/cbor", "Accept": "application/cbor",
                   "smithy-protocol": "rpc-v2-cbor"}
        path = "/service/GraniteServiceVersion20100801/operation/"
        status, _, body = self.server.http("POST", path + "PutMetricAlarm", body=cbor({
            "AlarmName": "cbor-alarm", "MetricName": "Errors", "Namespace": "App",
            "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanThreshold"}), headers=headers)
        self.assertEqual(status, 200, body)
        status, _, body = self.server.http("POST", path + "DescribeAlarms", body=cbor({}),
                                           headers=headers)
        self.assertEqual(status, 200, body)
        self.assertIn(b"cbor-alarm", body)
        # StateUpdatedTimestamp is a timestamp: tag 1 (0xc1) before its epoch-seconds value.
        self.assertIn(cbor("StateUpdatedTimestamp") + b"\xc1", body)
        self.assertEqual(self.alarm("cbor-alarm")["ComparisonOperator"], "GreaterThanThreshold")


class AlarmCliTest(AlarmTestCase):
    def test_put_metric_alarm_with_aws_cli(self):
        path = find_aws_v2()
        if path is None:
            self.skipTest("aws CLI v2 not installed")
        aws = AwsCli(path, "aws v2")
        r = aws.run(self.server, "cloudwatch", "put-metric-alarm", "--alarm-name", "cli",
                    "--metric-name", "Errors", "--namespace", "App", "--statistic", "Sum",
                    "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                    "--comparison-operator", "GreaterThanOrEqualToThreshold",
                    "--dimensions", "Name=Service,Value=api", "--alarm-actions", TOPIC,
                    # No data and `ignore`: an evaluation at a minute boundary between the CLI
                    # calls below keeps the state SetAlarmState gives (the default would put
                    # it back to INSUFFICIENT_DATA, as AWS does).
                    "--treat-missing-data", "ignore")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = aws.run(self.server, "cloudwatch", "describe-alarms", "--alarm-names", "cli")
        self.assertEqual(r.returncode, 0, r.stderr)
        alarm = r.json()["MetricAlarms"][0]
        self.assertEqual(alarm["StateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(alarm["Dimensions"], [{"Name": "Service", "Value": "api"}])
        self.assertEqual(alarm["AlarmActions"], [TOPIC])
        r = aws.run(self.server, "cloudwatch", "set-alarm-state", "--alarm-name", "cli",
                    "--state-value", "ALARM", "--state-reason", "from the CLI")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = aws.run(self.server, "cloudwatch", "describe-alarms", "--state-value", "ALARM")
        self.assertEqual([a["AlarmName"] for a in r.json()["MetricAlarms"]], ["cli"])
        self.assertIn("StateUpdatedTimestamp", r.json()["MetricAlarms"][0])
        r = aws.run(self.server, "cloudwatch", "describe-alarm-history", "--alarm-name", "cli",
                    "--scan-by", "TimestampAscending")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.json()["AlarmHistoryItems"][0]["HistorySummary"], 'Alarm "cli" created')


class CompositeAlarmTest(AlarmTestCase):
    """PutCompositeAlarm: the rule follows the children's states, at once and through the
    evaluator; DescribeAlarms' AlarmTypes, ChildrenOfAlarmName and ParentsOfAlarmName; children
    that a composite names cannot be deleted."""

    def put_child(self, name):
        """A metric alarm that keeps a state set by SetAlarmState: with no data and
        TreatMissingData=ignore the evaluator leaves it alone."""
        self.put_alarm(name, TreatMissingData="ignore")

    def composite(self, name):
        alarms = self.cw.describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])
        self.assertEqual(len(alarms["CompositeAlarms"]), 1, alarms)
        return alarms["CompositeAlarms"][0]

    def test_rule_follows_children_and_notifies(self):
        self.put_child("cpu")
        self.put_child("disk")
        self.cw.put_composite_alarm(
            AlarmName="host", AlarmRule='ALARM(cpu) AND ALARM("disk")', AlarmActions=[TOPIC],
            OKActions=[TOPIC], AlarmDescription="both")
        # Evaluated on creation: neither child is in ALARM.
        host = self.composite("host")
        self.assertEqual(host["StateValue"], "OK")
        self.assertEqual(host["AlarmRule"], 'ALARM(cpu) AND ALARM("disk")')
        self.assertEqual(host["AlarmArn"], self.alarm("cpu")["AlarmArn"][:-3] + "host")
        self.assertEqual(host["ActionsSuppressedBy"], "None")
        # Without AlarmTypes only metric alarms are listed, as AWS does.
        listed = self.cw.describe_alarms()
        self.assertEqual(listed["CompositeAlarms"], [])
        self.assertEqual([a["AlarmName"] for a in listed["MetricAlarms"]], ["cpu", "disk"])

        self.cw.set_alarm_state(AlarmName="cpu", StateValue="ALARM", StateReason="test")
        self.assertEqual(self.composite("host")["StateValue"], "OK")
        self.cw.set_alarm_state(AlarmName="disk", StateValue="ALARM", StateReason="test")
        host = self.composite("host")
        self.assertEqual(host["StateValue"], "ALARM")
        disk_arn = self.alarm("disk")["AlarmArn"]
        self.assertTrue(host["StateReason"].startswith(disk_arn + " transitioned to ALARM at "),
                        host["StateReason"])
        data = json.loads(host["StateReasonData"])
        self.assertEqual(data["triggeringAlarms"][0]["arn"], disk_arn)
        # OK on the first evaluation (from INSUFFICIENT_DATA), then ALARM.
        deadline = time.time() + 10
        while len(self.actions()) < 2 and time.time() < deadline:
            time.sleep(0.1)
        actions = self.actions()
        self.assertEqual([a["subject"] for a in actions],
                         ['OK: "host" in US East (N. Virginia)',
                          'ALARM: "host" in US East (N. Virginia)'])
        message = json.loads(actions[1]["message"])
        self.assertEqual(message["AlarmRule"], 'ALARM(cpu) AND ALARM("disk")')
        self.assertEqual(message["OldStateValue"], "OK")
        self.assertNotIn("Trigger", message)

        history = self.cw.describe_alarm_history(AlarmName="host", AlarmTypes=["CompositeAlarm"],
                                                 ScanBy="TimestampAscending")
        summaries = [i["HistorySummary"] for i in history["AlarmHistoryItems"]
                     if i["HistoryItemType"] != "Action"]
        self.assertEqual(summaries, ['Alarm "host" created',
                                     "Alarm updated from INSUFFICIENT_DATA to OK",
                                     "Alarm updated from OK to ALARM"])
        self.assertEqual(sum(i["HistoryItemType"] == "Action"
                             for i in history["AlarmHistoryItems"]), 2)
        self.assertTrue(all(i["AlarmType"] == "CompositeAlarm"
                            for i in history["AlarmHistoryItems"]))

    def test_evaluator_transition_reaches_composite_of_composite(self):
        m = base_minute()
        self.move_clock_to(m + 5_000)
        self.put_alarm("errors", DatapointsToAlarm=1)
        self.cw.put_composite_alarm(AlarmName="inner", AlarmRule="ALARM(errors)")
        self.cw.put_composite_alarm(AlarmName="outer",
                                    AlarmRule="NOT OK(inner) AND TRUE")
        self.assertEqual(self.composite("inner")["StateValue"], "OK")
        self.assertEqual(self.composite("outer")["StateValue"], "OK")
        self.put_value(3.0, m + 10_000)
        self.move_clock_to(m + MINUTE_MS + 5_000)
        self.wait_state("errors", "ALARM")
        deadline = time.time() + 10
        while self.composite("outer")["StateValue"] != "ALARM" and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.composite("inner")["StateValue"], "ALARM")
        self.assertEqual(self.composite("outer")["StateValue"], "ALARM")

    def test_children_parents_and_delete_rules(self):
        self.put_child("a")
        self.put_child("b")
        arn_b = self.alarm("b")["AlarmArn"]
        self.cw.put_composite_alarm(AlarmName="p1", AlarmRule=f"ALARM(a) OR OK({arn_b})")
        self.cw.put_composite_alarm(AlarmName="p2", AlarmRule="INSUFFICIENT_DATA(a)")
        children = self.cw.describe_alarms(ChildrenOfAlarmName="p1")
        self.assertEqual([c["AlarmName"] for c in children["MetricAlarms"]], ["a", "b"])
        self.assertEqual(sorted(children["MetricAlarms"][0]),
                         ["AlarmArn", "AlarmName", "StateUpdatedTimestamp", "StateValue"])
        parents = self.cw.describe_alarms(ParentsOfAlarmName="a")
        self.assertEqual([p["AlarmName"] for p in parents["CompositeAlarms"]], ["p1", "p2"])
        with self.assertRaises(ClientError) as e:
            self.cw.describe_alarms(ParentsOfAlarmName="a", StateValue="OK")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")

        with self.assertRaises(ClientError) as e:
            self.cw.delete_alarms(AlarmNames=["a"])
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Cannot delete a as there are composite alarm(s) depending on it.")
        with self.assertRaises(ClientError) as e:
            self.cw.delete_alarms(AlarmNames=["a", "b", "p2"])
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Cannot delete a,b as there are composite alarm(s) depending on them.")
        self.assertEqual(len(self.cw.describe_alarms()["MetricAlarms"]), 2)  # nothing deleted
        # With its parents in the same call, a child goes.
        self.cw.delete_alarms(AlarmNames=["a", "p1", "p2"])
        self.assertEqual([a["AlarmName"] for a in self.cw.describe_alarms()["MetricAlarms"]],
                         ["b"])

    def test_validation(self):
        self.put_child("a")
        cases = [
            (dict(AlarmName="c", AlarmRule="ALARM(missing)"), "ValidationError",
             "Could not save the composite alarm as alarms [missing] in the alarm rule do not exist"),
            (dict(AlarmName="c", AlarmRule="ALARM(a) AND"), "ValidationError", None),
            (dict(AlarmName="c", AlarmRule="ALARM(c)"), "ValidationError", None),
            (dict(AlarmName="a", AlarmRule="TRUE"), "ValidationError",
             "The alarm a is a metric alarm."),
            (dict(AlarmName="c", AlarmRule="TRUE", AlarmActions=["not-an-arn"]),
             "ValidationError", None),
        ]
        for params, code, message in cases:
            with self.subTest(params=params):
                with self.assertRaises(ClientError) as e:
                    self.cw.put_composite_alarm(**params)
                self.assertEqual(e.exception.response["Error"]["Code"], code)
                if message:
                    self.assertEqual(e.exception.response["Error"]["Message"], message)
        self.cw.put_composite_alarm(AlarmName="c", AlarmRule="TRUE")
        with self.assertRaises(ClientError) as e:
            self.put_alarm("c")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "The alarm c is a composite alarm.")

    def test_suppressor_holds_back_actions(self):
        self.put_child("child")
        self.put_child("maintenance")
        self.cw.set_alarm_state(AlarmName="maintenance", StateValue="ALARM", StateReason="window")
        self.cw.put_composite_alarm(AlarmName="quiet", AlarmRule="ALARM(child)",
                                    AlarmActions=[TOPIC], ActionsSuppressor="maintenance")
        self.cw.set_alarm_state(AlarmName="child", StateValue="ALARM", StateReason="test")
        quiet = self.composite("quiet")
        self.assertEqual(quiet["StateValue"], "ALARM")
        self.assertEqual(quiet["ActionsSuppressedBy"], "Alarm")
        self.assertEqual(quiet["ActionsSuppressor"], "maintenance")
        time.sleep(0.6)
        self.assertEqual(self.actions(), [])

    def wait_for(self, predicate, timeout=10):
        deadline = time.time() + timeout
        while not predicate() and time.time() < deadline:
            time.sleep(0.1)
        return predicate()

    def guarded_alarm_fires(self, name, wait, extension):
        """A composite on `child` with the suppressor `guard` (neither in ALARM); then `child`
        goes to ALARM. Returns the server time just before."""
        self.put_child("child")
        self.put_child("guard")
        self.cw.put_composite_alarm(AlarmName=name, AlarmRule="ALARM(child)",
                                    AlarmActions=[TOPIC], ActionsSuppressor="guard",
                                    ActionsSuppressorWaitPeriod=wait,
                                    ActionsSuppressorExtensionPeriod=extension)
        start = now_ms()
        self.cw.set_alarm_state(AlarmName="child", StateValue="ALARM", StateReason="test")
        return start

    def test_wait_period_holds_actions_until_it_ends(self):
        start = self.guarded_alarm_fires("waits", wait=120, extension=60)
        waits = self.composite("waits")
        self.assertEqual(waits["StateValue"], "ALARM")
        self.assertEqual(waits["ActionsSuppressedBy"], "WaitPeriod")
        # Half-way through the wait the evaluator runs (the clock jumped) and still holds them.
        self.move_clock_to(start + 60_000)
        time.sleep(1.5)
        self.assertEqual(self.actions(), [])
        # The suppressor never followed: once the wait is over, the actions go.
        self.move_clock_to(start + 125_000)
        self.assertTrue(self.wait_for(lambda: len(self.actions()) == 1), self.actions())
        self.assertEqual(self.actions()[0]["subject"], 'ALARM: "waits" in US East (N. Virginia)')
        self.assertEqual(self.composite("waits")["ActionsSuppressedBy"], "None")

    def test_suppressor_then_extension_period(self):
        start = self.guarded_alarm_fires("ext", wait=60, extension=120)
        self.assertEqual(self.composite("ext")["ActionsSuppressedBy"], "WaitPeriod")
        # The suppressor follows within the wait: the actions stay held while it is in ALARM,
        # however long that lasts.
        self.cw.set_alarm_state(AlarmName="guard", StateValue="ALARM", StateReason="window")
        ext = self.composite("ext")
        self.assertEqual(ext["ActionsSuppressedBy"], "Alarm")
        self.assertEqual(ext["ActionsSuppressedReason"], "Alarm guard is in ALARM state")
        self.move_clock_to(start + 300_000)
        time.sleep(1.5)
        self.assertEqual(self.actions(), [])
        # It leaves ALARM: the extension period runs, then the actions go.
        self.cw.set_alarm_state(AlarmName="guard", StateValue="OK", StateReason="done")
        self.assertEqual(self.composite("ext")["ActionsSuppressedBy"], "ExtensionPeriod")
        self.move_clock_to(start + 360_000)
        time.sleep(1.5)
        self.assertEqual(self.actions(), [])
        self.move_clock_to(start + 430_000)
        self.assertTrue(self.wait_for(lambda: len(self.actions()) == 1), self.actions())
        self.assertEqual(self.actions()[0]["subject"], 'ALARM: "ext" in US East (N. Virginia)')
        self.assertEqual(self.composite("ext")["ActionsSuppressedBy"], "None")

    def test_survives_kill9(self):
        self.put_child("child")
        self.cw.put_composite_alarm(AlarmName="parent", AlarmRule="ALARM(child)")
        self.cw.set_alarm_state(AlarmName="child", StateValue="ALARM", StateReason="test")
        self.restart_after_kill9()
        self.assertEqual(self.composite("parent")["StateValue"], "ALARM")


class AlarmContributorsTest(AlarmTestCase):
    def test_single_series_alarm_has_no_contributors(self):
        if not hasattr(self.cw, "describe_alarm_contributors"):
            self.skipTest("this botocore has no DescribeAlarmContributors")
        self.put_alarm("single")
        self.assertEqual(self.cw.describe_alarm_contributors(AlarmName="single")[
            "AlarmContributors"], [])
        with self.assertRaises(ClientError) as e:
            self.cw.describe_alarm_contributors(AlarmName="missing")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)


if __name__ == "__main__":
    unittest.main()
