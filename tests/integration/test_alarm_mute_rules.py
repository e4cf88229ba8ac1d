"""CloudWatch alarm mute rules (docs/alarms.md): PutAlarmMuteRule, GetAlarmMuteRule,
ListAlarmMuteRules and DeleteAlarmMuteRule over boto3 in each CloudWatch protocol its model has
(query/XML, JSON 1.0, RPC v2 CBOR: the model is copied with one protocol forced), over raw JSON 1.0
(any botocore; Debian's 1.26 has no mute rule operations) and the aws CLI; and their effect, driven
by the test clock: in a mute window the targeted alarms change state and write history but their
actions wait; when the window ends the action runs (ActionExecutedAfterMuteWindow: true) only if
the alarm is still in the state it was muted in. Actions go to the CWLOGD_ALARM_ACTION_LOG sink."""

import copy
import json
import os
import shutil
import tempfile
import time
import unittest
from datetime import datetime, timezone

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import (AwsCli, DEFAULT_ACCOUNT, DEFAULT_REGION, find_aws_v1, find_aws_v2,
                            now_ms)
from test_alarms import AlarmTestCase

MINUTE_MS = 60_000
TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"
ARN_PREFIX = f"arn:aws:cloudwatch:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:alarm-mute-rule:"
OPS = ("PutAlarmMuteRule", "GetAlarmMuteRule", "ListAlarmMuteRules", "DeleteAlarmMuteRule")
TIMESTAMP_MEMBERS = ("StartDate", "ExpireDate", "LastUpdatedTimestamp")


def at_expression(ms):
    return "at(" + datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime(
        "%Y-%m-%dT%H:%M") + ")"


def next_minute(ms):
    return ms - ms % MINUTE_MS + MINUTE_MS


class RawJsonCloudWatch:
    """The mute rule operations over raw AWS JSON 1.0, shaped like boto3's answers (timestamps
    as datetimes, errors as ClientError), for a botocore whose model lacks them."""

    def __init__(self, server):
        self.server = server

    def call(self, operation, **params):
        params = {k: (v.timestamp() if isinstance(v, datetime) else v) for k, v in params.items()}
        status, _, body = self.server.http("POST", "/", json.dumps(params).encode(), headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "GraniteServiceVersion20100801." + operation})
        data = json.loads(body or b"{}")
        if status != 200:
            code = data.get("__type", "").split("#")[-1]
            raise ClientError({"Error": {"Code": code, "Message": data.get("message", "")},
                               "ResponseMetadata": {"HTTPStatusCode": status}}, operation)
        return convert_times(data)

    def put_alarm_mute_rule(self, **kw):
        return self.call("PutAlarmMuteRule", **kw)

    def get_alarm_mute_rule(self, **kw):
        return self.call("GetAlarmMuteRule", **kw)

    def list_alarm_mute_rules(self, **kw):
        return self.call("ListAlarmMuteRules", **kw)

    def delete_alarm_mute_rule(self, **kw):
        return self.call("DeleteAlarmMuteRule", **kw)


def convert_times(value):
    if isinstance(value, dict):
        return {k: (datetime.fromtimestamp(v, tz=timezone.utc)
                    if k in TIMESTAMP_MEMBERS and isinstance(v, (int, float)) else convert_times(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [convert_times(v) for v in value]
    return value


def client_with_protocol(server, protocol, model_dir):
    """A boto3 cloudwatch client whose model speaks only `protocol`, or None when the installed
    model does not have the mute rule operations or that protocol."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    if not all(op in model["operations"] for op in OPS):
        return None
    if protocol not in model["metadata"].get("protocols", [model["metadata"]["protocol"]]):
        return None
    model = copy.deepcopy(model)
    model["metadata"]["protocol"] = protocol
    model["metadata"]["protocols"] = [protocol]
    folder = os.path.join(model_dir, protocol, "cloudwatch", model["metadata"]["apiVersion"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "service-2.json"), "w", encoding="utf-8") as f:
        json.dump(model, f)
    loader.search_paths.insert(0, os.path.join(model_dir, protocol))
    return boto3.session.Session(botocore_session=session).client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=DEFAULT_REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


class MuteRuleTestCase(AlarmTestCase):
    """test_alarms' base (a server with the CWLOGD_ALARM_ACTION_LOG sink, the clock reset around
    each test), plus the mute rule client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model_dir = tempfile.mkdtemp(prefix="cw-model-")
        # The mute rule calls: boto3 when its model has them, else raw JSON 1.0.
        cls.mute = (cls.cw if "PutAlarmMuteRule" in cls.cw.meta.service_model.operation_names
                    else RawJsonCloudWatch(cls.server))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.model_dir, ignore_errors=True)

    def wait_actions(self, count, timeout=10):
        deadline = time.time() + timeout
        while len(self.actions()) < count and time.time() < deadline:
            time.sleep(0.1)
        return self.actions()

    def code(self, cm):
        """The error code without its "Exception" suffix: JSON 1.0 and CBOR name the error shape
        (InvalidParameterValueException), the query protocol and awsQueryCompatible clients its
        query code (InvalidParameterValue)."""
        return cm.exception.response["Error"]["Code"].removesuffix("Exception")

    def put_rule(self, name, expression, duration="PT1H", client=None, **kw):
        (client or self.mute).put_alarm_mute_rule(
            Name=name, Rule={"Schedule": {"Expression": expression, "Duration": duration}}, **kw)

    def status(self, name):
        return self.mute.get_alarm_mute_rule(AlarmMuteRuleName=name)["Status"]


class MuteRuleCrudTest(MuteRuleTestCase):
    def check_crud(self, client):
        future = next_minute(now_ms()) + 24 * 60 * MINUTE_MS
        client.put_alarm_mute_rule(
            Name="nightly", Description="backups",
            Rule={"Schedule": {"Expression": "cron(0 2 * * *)", "Duration": "PT2H",
                               "Timezone": "UTC"}},
            MuteTargets={"AlarmNames": ["db-cpu", "db-disk"]},
            Tags=[{"Key": "team", "Value": "dba"}],
            StartDate=datetime.fromtimestamp(future / 1000, tz=timezone.utc))
        got = client.get_alarm_mute_rule(AlarmMuteRuleName="nightly")
        self.assertEqual(got["Name"], "nightly")
        self.assertEqual(got["AlarmMuteRuleArn"], ARN_PREFIX + "nightly")
        self.assertEqual(got["Description"], "backups")
        self.assertEqual(got["Rule"], {"Schedule": {"Expression": "cron(0 2 * * *)",
                                                    "Duration": "PT2H", "Timezone": "UTC"}})
        self.assertEqual(got["MuteTargets"], {"AlarmNames": ["db-cpu", "db-disk"]})
        self.assertEqual(got["StartDate"].timestamp() * 1000, future)
        self.assertNotIn("ExpireDate", got)
        self.assertEqual(got["Status"], "SCHEDULED")
        self.assertEqual(got["MuteType"], "RECURRING")
        self.assertLess(abs(got["LastUpdatedTimestamp"].timestamp() - time.time()), 60)

        # Put again = update: the configuration is replaced.
        client.put_alarm_mute_rule(Name="nightly", Rule={"Schedule": {
            "Expression": at_expression(future), "Duration": "PT30M"}})
        got = client.get_alarm_mute_rule(AlarmMuteRuleName="nightly")
        self.assertEqual(got["MuteType"], "ONE_TIME")
        self.assertNotIn("Description", got)
        self.assertNotIn("MuteTargets", got)
        self.assertNotIn("StartDate", got)

        listed = client.list_alarm_mute_rules()["AlarmMuteRuleSummaries"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["AlarmMuteRuleArn"], ARN_PREFIX + "nightly")
        self.assertEqual(listed[0]["Status"], "SCHEDULED")
        self.assertEqual(listed[0]["MuteType"], "ONE_TIME")
        self.assertIn("LastUpdatedTimestamp", listed[0])

        client.delete_alarm_mute_rule(AlarmMuteRuleName="nightly")
        client.delete_alarm_mute_rule(AlarmMuteRuleName="nightly")  # idempotent
        with self.assertRaises(ClientError) as cm:
            client.get_alarm_mute_rule(AlarmMuteRuleName="nightly")
        self.assertEqual(self.code(cm), "ResourceNotFound")
        self.assertEqual(client.list_alarm_mute_rules()["AlarmMuteRuleSummaries"], [])

    def test_crud_over_raw_json(self):
        self.check_crud(RawJsonCloudWatch(self.server))

    def test_crud_over_each_boto3_protocol(self):
        ran = []
        for protocol in ("query", "json", "smithy-rpc-v2-cbor"):
            client = client_with_protocol(self.server, protocol, self.model_dir)
            if client is None:
                continue
            with self.subTest(protocol=protocol):
                self.check_crud(client)
                ran.append(protocol)
        if not ran:
            self.skipTest("this botocore's cloudwatch model has no alarm mute rules")
        self.assertIn("query", ran)

    def test_aws_cli(self):
        path = find_aws_v1() or find_aws_v2()
        cli = AwsCli(path, "cli") if path else None
        if cli is None:
            self.skipTest("no aws CLI")
        probe = cli.run(self.server, "cloudwatch", "list-alarm-mute-rules")
        if probe.returncode != 0 and "Invalid choice" in probe.stderr:
            self.skipTest("this aws CLI has no alarm mute rules")
        self.assertEqual(probe.returncode, 0, probe)
        r = cli.run(self.server, "cloudwatch", "put-alarm-mute-rule", "--name", "weekend",
                    "--rule", json.dumps({"Schedule": {"Expression": "cron(0 18 * * FRI)",
                                                       "Duration": "P2DT12H"}}),
                    "--mute-targets", json.dumps({"AlarmNames": ["web-5xx"]}))
        self.assertEqual(r.returncode, 0, r)
        r = cli.run(self.server, "cloudwatch", "get-alarm-mute-rule",
                    "--alarm-mute-rule-name", "weekend")
        self.assertEqual(r.returncode, 0, r)
        got = r.json()
        self.assertEqual(got["Rule"]["Schedule"]["Duration"], "P2DT12H")
        self.assertEqual(got["MuteTargets"]["AlarmNames"], ["web-5xx"])
        r = cli.run(self.server, "cloudwatch", "list-alarm-mute-rules", "--alarm-name", "web-5xx")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(len(r.json()["AlarmMuteRuleSummaries"]), 1)
        r = cli.run(self.server, "cloudwatch", "delete-alarm-mute-rule",
                    "--alarm-mute-rule-name", "weekend")
        self.assertEqual(r.returncode, 0, r)

    def test_validation(self):
        m = self.mute

        def fails(code, **kw):
            with self.assertRaises(ClientError, msg=kw) as cm:
                m.put_alarm_mute_rule(**kw)
            self.assertEqual(self.code(cm), code, cm.exception.response)

        def rule(expression, duration="PT1H"):
            return {"Schedule": {"Expression": expression, "Duration": duration}}

        for expression in ("rate(5 minutes)", "cron(0 2 * *)", "cron(60 2 * * *)",
                           "cron(0 24 * * *)", "cron(0 2 32 * *)", "cron(0 2 * 13 *)",
                           "cron(0 2 * * FUNDAY)", "at(2026-02-30T00:00)", "at(2026-01-01)",
                           "cron(0 0 * * ?"):
            with self.subTest(expression=expression):
                fails("InvalidParameterValue", Name="r", Rule=rule(expression))
        for duration in ("4H", "PT30S", "P16D", "PT", "P", "PT1X"):
            with self.subTest(duration=duration):
                fails("InvalidParameterValue", Name="r",
                      Rule=rule("cron(0 2 * * *)", duration))
        fails("InvalidParameterValue", Name="r",
              Rule={"Schedule": {"Expression": "cron(0 2 * * *)", "Duration": "PT1H",
                                 "Timezone": "Asia/Tokyo"}})
        start = datetime(2030, 1, 1, tzinfo=timezone.utc)
        fails("InvalidParameterValue", Name="r", Rule=rule("cron(0 2 * * *)"),
              StartDate=start, ExpireDate=datetime(2029, 1, 1, tzinfo=timezone.utc))
        fails("InvalidParameterCombination", Name="r",
              Rule=rule("at(2030-01-01T00:00)"), StartDate=start)
        fails("InvalidParameterValue", Name="r",
              Rule=rule("cron(0 2 * * *)"), MuteTargets={"AlarmNames": ["x" * 256]})
        with self.assertRaises(ClientError):
            m.put_alarm_mute_rule(Name="r", Rule=rule("cron(0 2 * * *)"),
                                  MuteTargets={"AlarmNames": [f"a{i}" for i in range(101)]})
        with self.assertRaises(ClientError):
            m.put_alarm_mute_rule(Name="x" * 256, Rule=rule("cron(0 2 * * *)"))
        with self.assertRaises(ClientError) as cm:
            m.list_alarm_mute_rules(Statuses=["PAUSED"])
        self.assertEqual(self.code(cm), "ValidationError")
        with self.assertRaises(ClientError) as cm:
            m.list_alarm_mute_rules(NextToken="bogus")
        self.assertEqual(self.code(cm), "InvalidNextToken")
        # Forms AWS documents are accepted.
        for expression in ("cron(0 2 * * SUN)", "cron(0 1 1 * *)", "cron(*/15 9-17 * * MON-FRI)",
                           "cron(0 0 1 JAN,JUL ?)", "at(2030-06-01T12:30)"):
            with self.subTest(expression=expression):
                self.put_rule("ok", expression, "P7D")
        self.assertEqual(m.list_alarm_mute_rules()["AlarmMuteRuleSummaries"][0]["MuteType"],
                         "ONE_TIME")

    def test_list_filters_and_paging(self):
        far = next_minute(now_ms()) + 30 * 24 * 60 * MINUTE_MS
        for i in range(7):
            self.put_rule(f"rule-{i}", at_expression(far), "PT1H",
                          MuteTargets={"AlarmNames": ["cpu" if i % 2 == 0 else "disk"]})
        # rule-7 is active now, rule-8 expired.
        self.put_rule("rule-7", at_expression(now_ms() - now_ms() % MINUTE_MS), "PT2H",
                      MuteTargets={"AlarmNames": ["cpu"]})
        self.put_rule("rule-8", "cron(0 3 * * *)", "PT1H",
                      ExpireDate=datetime.fromtimestamp(
                          (now_ms() - now_ms() % MINUTE_MS - MINUTE_MS) / 1000, tz=timezone.utc))
        seen, token, pages = [], None, 0
        while True:
            kw = {"MaxRecords": 4}
            if token:
                kw["NextToken"] = token
            page = self.mute.list_alarm_mute_rules(**kw)
            pages += 1
            self.assertLessEqual(len(page["AlarmMuteRuleSummaries"]), 4)
            seen += [s["AlarmMuteRuleArn"] for s in page["AlarmMuteRuleSummaries"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(seen, [ARN_PREFIX + f"rule-{i}" for i in range(9)])

        cpu = self.mute.list_alarm_mute_rules(AlarmName="cpu")["AlarmMuteRuleSummaries"]
        self.assertEqual([s["AlarmMuteRuleArn"][len(ARN_PREFIX):] for s in cpu],
                         ["rule-0", "rule-2", "rule-4", "rule-6", "rule-7"])
        active = self.mute.list_alarm_mute_rules(Statuses=["ACTIVE"])["AlarmMuteRuleSummaries"]
        self.assertEqual([s["AlarmMuteRuleArn"] for s in active], [ARN_PREFIX + "rule-7"])
        expired = self.mute.list_alarm_mute_rules(Statuses=["EXPIRED"])["AlarmMuteRuleSummaries"]
        self.assertEqual([s["AlarmMuteRuleArn"] for s in expired], [ARN_PREFIX + "rule-8"])
        self.assertIn("ExpireDate", expired[0])
        both = self.mute.list_alarm_mute_rules(Statuses=["ACTIVE", "EXPIRED"], AlarmName="cpu")
        self.assertEqual(len(both["AlarmMuteRuleSummaries"]), 1)
        with self.assertRaises(ClientError) as cm:
            self.mute.list_alarm_mute_rules(MaxRecords=101)
        self.assertEqual(self.code(cm), "ValidationError")

    def test_tags_on_the_rule_arn(self):
        self.put_rule("tagged", "cron(0 2 * * *)", Tags=[{"Key": "team", "Value": "dba"}])
        arn = ARN_PREFIX + "tagged"
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "dba"}])
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "prod"},
                                                    {"Key": "team", "Value": "ops"}])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ops"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["env"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "ops"}])
        # A Put without Tags keeps the rule's tags.
        self.put_rule("tagged", "cron(0 3 * * *)")
        self.assertEqual(len(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"]), 1)
        with self.assertRaises(ClientError) as cm:
            self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"}
                                                        for i in range(50)])
        self.assertEqual(self.code(cm), "InvalidParameterValue")
        self.assertEqual(len(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"]), 1)
        for call in (lambda a: self.cw.list_tags_for_resource(ResourceARN=a),
                     lambda a: self.cw.tag_resource(ResourceARN=a,
                                                    Tags=[{"Key": "k", "Value": "v"}])):
            with self.assertRaises(ClientError) as cm:
                call(ARN_PREFIX + "missing")
            self.assertEqual(self.code(cm), "ResourceNotFound")

    def test_status_follows_the_server_clock(self):
        t = next_minute(now_ms()) + 120 * MINUTE_MS
        self.put_rule("once", at_expression(t), "PT10M")
        hour = datetime.fromtimestamp(t / 1000, tz=timezone.utc)
        self.put_rule("daily", f"cron({hour.minute} {hour.hour} * * *)", "PT5M",
                      ExpireDate=datetime.fromtimestamp((t + 2 * 24 * 60 * MINUTE_MS) / 1000,
                                                        tz=timezone.utc))
        self.assertEqual(self.status("once"), "SCHEDULED")
        self.move_clock_to(t + 1_000)
        self.assertEqual(self.status("once"), "ACTIVE")
        self.assertEqual(self.status("daily"), "ACTIVE")
        self.move_clock_to(t + 6 * MINUTE_MS)
        self.assertEqual(self.status("once"), "ACTIVE")
        self.assertEqual(self.status("daily"), "SCHEDULED")
        self.move_clock_to(t + 10 * MINUTE_MS)
        self.assertEqual(self.status("once"), "EXPIRED")
        # The next day's occurrence, then past ExpireDate.
        self.move_clock_to(t + 24 * 60 * MINUTE_MS + 2 * MINUTE_MS)
        self.assertEqual(self.status("daily"), "ACTIVE")
        self.move_clock_to(t + 3 * 24 * 60 * MINUTE_MS)
        self.assertEqual(self.status("daily"), "EXPIRED")


class MutingTest(MuteRuleTestCase):
    """SetAlarmState drives the alarms (TreatMissingData=ignore keeps them there)."""

    def put_alarm(self, name):
        self.cw.put_metric_alarm(
            AlarmName=name, MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
            EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="ignore", AlarmActions=[TOPIC])

    def set_state(self, name, state):
        self.cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason="test")

    def window(self, minutes=10):
        """A one-time mute rule on alarm `muted` for a window in the future; the clock is moved
        into it. Returns the window's start and end (ms)."""
        start = next_minute(now_ms()) + 60 * MINUTE_MS
        self.put_rule("maintenance", at_expression(start), f"PT{minutes}M",
                      MuteTargets={"AlarmNames": ["muted"]})
        self.move_clock_to(start + 1_000)
        self.assertEqual(self.status("maintenance"), "ACTIVE")
        return start, start + minutes * MINUTE_MS

    def test_action_waits_for_the_end_of_the_window(self):
        self.put_alarm("muted")
        self.put_alarm("other")
        _, end = self.window()
        self.set_state("muted", "ALARM")
        self.set_state("other", "ALARM")
        # The untargeted alarm notifies at once; the muted one changed state and wrote history.
        actions = self.wait_actions(1)
        time.sleep(1)
        actions = self.actions()
        self.assertEqual(len(actions), 1, actions)
        message = json.loads(actions[0]["message"])
        self.assertEqual(message["AlarmName"], "other")
        self.assertIs(message["ActionExecutedAfterMuteWindow"], False)
        self.assertEqual(list(message)[:4], ["AlarmName", "AlarmDescription", "AWSAccountId",
                                             "ActionExecutedAfterMuteWindow"])
        alarm = self.cw.describe_alarms(AlarmNames=["muted"])["MetricAlarms"][0]
        self.assertEqual(alarm["StateValue"], "ALARM")
        history = self.cw.describe_alarm_history(AlarmName="muted",
                                                 HistoryItemType="StateUpdate")
        self.assertEqual([h["HistorySummary"] for h in history["AlarmHistoryItems"]],
                         ["Alarm updated from INSUFFICIENT_DATA to ALARM"])
        # The window ends with the alarm still in ALARM: its action runs then.
        self.move_clock_to(end + 1_000)
        self.assertEqual(self.status("maintenance"), "EXPIRED")
        actions = self.wait_actions(2)
        self.assertEqual(len(actions), 2, actions)
        late = json.loads(actions[1]["message"])
        self.assertEqual(late["AlarmName"], "muted")
        self.assertEqual(late["NewStateValue"], "ALARM")
        self.assertIs(late["ActionExecutedAfterMuteWindow"], True)
        time.sleep(1)
        self.assertEqual(len(self.actions()), 2)

    def test_no_action_when_the_alarm_recovered_in_the_window(self):
        self.put_alarm("muted")
        _, end = self.window()
        self.set_state("muted", "ALARM")
        self.set_state("muted", "OK")
        time.sleep(1)
        self.assertEqual(self.actions(), [])
        self.move_clock_to(end + 1_000)
        time.sleep(1.5)
        self.assertEqual(self.actions(), [])
        # Unmuted now: the next transition notifies at once.
        self.set_state("muted", "ALARM")
        actions = self.wait_actions(1)
        self.assertEqual(len(actions), 1)
        self.assertIs(json.loads(actions[0]["message"])["ActionExecutedAfterMuteWindow"], False)

    def test_deleting_the_rule_unmutes(self):
        self.put_alarm("muted")
        self.window()
        self.set_state("muted", "ALARM")
        time.sleep(1)
        self.assertEqual(self.actions(), [])
        # AWS: deleting a rule unmutes its alarms at once; one still in ALARM triggers.
        self.mute.delete_alarm_mute_rule(AlarmMuteRuleName="maintenance")
        actions = self.wait_actions(1)
        self.assertEqual(len(actions), 1, actions)
        self.assertIs(json.loads(actions[0]["message"])["ActionExecutedAfterMuteWindow"], True)

    def test_recurring_rule_mutes_in_its_window_only(self):
        self.put_alarm("muted")
        start = next_minute(now_ms()) + 60 * MINUTE_MS
        t = datetime.fromtimestamp(start / 1000, tz=timezone.utc)
        self.put_rule("nightly", f"cron({t.minute} {t.hour} * * *)", "PT5M",
                      MuteTargets={"AlarmNames": ["muted"]})
        self.move_clock_to(start + 6 * MINUTE_MS)  # after the window
        self.set_state("muted", "ALARM")
        self.assertEqual(len(self.wait_actions(1)), 1)
        self.move_clock_to(start + 24 * 60 * MINUTE_MS + MINUTE_MS)  # the next day's window
        self.set_state("muted", "OK")
        self.set_state("muted", "ALARM")
        time.sleep(1)
        self.assertEqual(len(self.actions()), 1)
        self.move_clock_to(start + 24 * 60 * MINUTE_MS + 5 * MINUTE_MS + 1_000)
        actions = self.wait_actions(2)
        self.assertEqual(len(actions), 2)
        self.assertIs(json.loads(actions[1]["message"])["ActionExecutedAfterMuteWindow"], True)


if __name__ == "__main__":
    unittest.main()
