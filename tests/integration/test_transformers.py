"""Log transformers through boto3: Put/Get/Delete/TestTransformer, the model's validation errors
(sent raw, as botocore validates on the client first), the service's rules, not-found, and
PutLogEvents storing the transformed events (what GetLogEvents and FilterLogEvents then show).
One aws CLI sample."""

import json
import unittest

import boto3

from cwlogd_harness import (DEFAULT_REGION, AwsCli, RecentModelTestCase, find_aws_v1, now_ms,
                            validation_message)

PARSE = {"parseJSON": {}}
# How Coral prints PARSE in a violation: the generated class's toString, every member in model order.
PROCESSOR_PARSE_JSON = "Processor(" + ", ".join(
    f"{m}=" + ("ParseJSON(source=null, destination=null)" if m == "parseJSON" else "null")
    for m in ["addKeys", "copyValue", "csv", "dateTimeConverter", "deleteKeys", "grok",
              "listToMap", "lowerCaseString", "moveKeys", "parseCloudfront", "parseJSON",
              "parseKeyValue", "parseRoute53", "parseToOCSF", "parsePostgres", "parseVPC",
              "parseWAF", "renameKeys", "splitString", "substituteString", "trimString",
              "typeConverter", "upperCaseString"]) + ")"


def test_one(logs, processors, message):
    """The transformed text of one message (None when it could not be transformed)."""
    out = logs.test_transformer(transformerConfig=processors, logEventMessages=[message])
    return out["transformedLogs"][0].get("transformedEventMessage")


class TransformerApiTest(RecentModelTestCase):
    def test_put_get_delete(self):
        self.logs.create_log_group(logGroupName="app")
        config = [PARSE, {"addKeys": {"entries": [{"key": "env", "value": "prod",
                                                    "overwriteIfExists": True}]}}]
        before = now_ms()
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=config)
        got = self.logs.get_transformer(logGroupIdentifier="app")
        got.pop("ResponseMetadata")
        self.assertEqual(got["logGroupIdentifier"], "app")
        self.assertEqual(got["transformerConfig"], config)
        self.assertGreaterEqual(got["creationTime"], before)
        self.assertEqual(got["lastModifiedTime"], got["creationTime"])
        # Replacing keeps the creation time.
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=[PARSE])
        again = self.logs.get_transformer(logGroupIdentifier="app")
        self.assertEqual(again["transformerConfig"], [PARSE])
        self.assertEqual(again["creationTime"], got["creationTime"])
        self.restart()
        self.assertEqual(self.logs.get_transformer(logGroupIdentifier="app")["transformerConfig"],
                         [PARSE])
        self.logs.delete_transformer(logGroupIdentifier="app")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group has no transformer.",
                               self.logs.get_transformer, logGroupIdentifier="app")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group has no transformer.",
                               self.logs.delete_transformer, logGroupIdentifier="app")

    def test_by_arn_and_not_found(self):
        self.logs.create_log_group(logGroupName="g")
        arn = "arn:aws:logs:us-east-1:000000000000:log-group:g:*"
        self.logs.put_transformer(logGroupIdentifier=arn, transformerConfig=[PARSE])
        self.assertEqual(self.logs.get_transformer(logGroupIdentifier=arn)["logGroupIdentifier"],
                         "g")
        for op in (self.logs.get_transformer, self.logs.delete_transformer):
            self.assertClientError("ResourceNotFoundException",
                                   "The specified log group does not exist.", op,
                                   logGroupIdentifier="nothing")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.put_transformer, logGroupIdentifier="nothing",
                               transformerConfig=[PARSE])

    def test_goes_away_with_its_group(self):
        self.logs.create_log_group(logGroupName="g")
        self.logs.put_transformer(logGroupIdentifier="g", transformerConfig=[PARSE])
        self.logs.delete_log_group(logGroupName="g")
        self.logs.create_log_group(logGroupName="g")
        self.assertClientError("ResourceNotFoundException", None, self.logs.get_transformer,
                               logGroupIdentifier="g")

    def test_standard_class_only(self):
        self.logs.create_log_group(logGroupName="ia", logGroupClass="INFREQUENT_ACCESS")
        self.assertClientError("InvalidOperationException", None, self.logs.put_transformer,
                               logGroupIdentifier="ia", transformerConfig=[PARSE])

    def test_model_validation(self):
        self.logs.create_log_group(logGroupName="g")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "transformerConfig", "not be null"),
            self.raw.put_transformer, logGroupIdentifier="g")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'[]'", "transformerConfig",
                               "have length greater than or equal to 1"),
            self.raw.test_transformer, transformerConfig=[], logEventMessages=["x"])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("''", "transformerConfig.2.member.addKeys.entries.1.member.key",
                               "have length greater than or equal to 1"),
            self.raw.put_transformer, logGroupIdentifier="g",
            transformerConfig=[PARSE, {"addKeys": {"entries": [{"key": "", "value": "v"}]}}])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'long'", "transformerConfig.2.member.typeConverter.entries.1"
                               ".member.type",
                               "satisfy enum value set: [boolean, integer, double, string]"),
            self.raw.test_transformer, logEventMessages=["{}"],
            transformerConfig=[PARSE, {"typeConverter": {"entries": [{"key": "a",
                                                                      "type": "long"}]}}])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "logEventMessages", "not be null"),
            self.raw.test_transformer, transformerConfig=[PARSE])
        self.assertClientError("SerializationException", None, self.raw.test_transformer,
                               transformerConfig={"parseJSON": {}}, logEventMessages=["x"])

    def test_service_rules(self):
        add = {"addKeys": {"entries": [{"key": "a", "value": "b"}]}}
        for config in ([add],                                   # not a parser first
                       [PARSE, {"parseVPC": {}}],               # vended parser not first
                       [PARSE] * 6,                             # over 5 parsers
                       [PARSE, add, add],                       # two addKeys
                       [{"parseJSON": {}, "csv": {}}],          # two types in one processor
                       [PARSE, {"substituteString": {"entries": [
                           {"source": "a", "from": "(", "to": "x"}]}}]):
            with self.subTest(config=config):
                self.assertClientError("InvalidParameterException", None,
                                       self.raw.test_transformer, transformerConfig=config,
                                       logEventMessages=["{}"])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'[" + ", ".join([PROCESSOR_PARSE_JSON] * 21) + "]'",
                               "transformerConfig", "have length less than or equal to 20"),
            self.raw.test_transformer, transformerConfig=[PARSE] * 21, logEventMessages=["{}"])


class TransformerProcessorTest(RecentModelTestCase):
    def test_test_transformer_shape(self):
        out = self.logs.test_transformer(
            transformerConfig=[PARSE], logEventMessages=['{"a": 1}', "not json"])
        self.assertEqual(out["transformedLogs"], [
            {"eventNumber": 1, "eventMessage": '{"a": 1}', "transformedEventMessage": '{"a":1}'},
            {"eventNumber": 2, "eventMessage": "not json"}])

    def test_parsers(self):
        self.assertEqual(test_one(self.logs, [{"parseJSON": {"destination": "d"}}], '{"a":1}'),
                         '{"d":{"a":1}}')
        self.assertEqual(test_one(self.logs, [{"parseKeyValue": {"fieldDelimiter": " ",
                                                                 "keyValueDelimiter": ":"}}],
                                  "user:ann level:warn"), '{"user":"ann","level":"warn"}')
        self.assertEqual(test_one(self.logs, [{"grok": {
            "match": "%{IPORHOST:host} %{WORD:verb} %{NUMBER:ms:float}"}}], "db1 GET 2.5 extra"),
            '{"host":"db1","verb":"GET","ms":2.5}')
        self.assertClientError("InvalidParameterException", None, self.raw.test_transformer,
                               transformerConfig=[{"grok": {"match": "%{NOSUCH:x}"}}],
                               logEventMessages=["x"])
        self.assertEqual(test_one(self.logs, [{"csv": {"columns": ["ip", "path"]}}],
                                  '10.0.0.1,"/a,b"'), '{"ip":"10.0.0.1","path":"/a,b"}')

    def test_json_mutators(self):
        config = [PARSE,
                  {"addKeys": {"entries": [{"key": "env", "value": "prod"}]}},
                  {"deleteKeys": {"withKeys": ["secret"]}},
                  {"renameKeys": {"entries": [{"key": "lvl", "renameTo": "level"}]}},
                  {"moveKeys": {"entries": [{"source": "user", "target": "ctx.user"}]}},
                  {"copyValue": {"entries": [{"source": "level", "target": "severity"}]}},
                  {"listToMap": {"source": "tags", "key": "k", "valueKey": "v", "target": "t",
                                 "flatten": True, "flattenedElement": "first"}}]
        message = json.dumps({"lvl": "warn", "secret": "x", "user": "ann",
                              "tags": [{"k": "a", "v": 1}]})
        self.assertEqual(json.loads(test_one(self.logs, config, message)),
                         {"level": "warn", "tags": [{"k": "a", "v": 1}], "env": "prod",
                          "ctx": {"user": "ann"}, "severity": "warn", "t": {"a": 1}})

    def test_string_mutators_and_types(self):
        config = [PARSE,
                  {"trimString": {"withKeys": ["a"]}},
                  {"upperCaseString": {"withKeys": ["a"]}},
                  {"lowerCaseString": {"withKeys": ["b"]}},
                  {"splitString": {"entries": [{"source": "c", "delimiter": "|"}]}},
                  {"substituteString": {"entries": [{"source": "d", "from": "[0-9]+",
                                                     "to": "N"}]}},
                  {"typeConverter": {"entries": [{"key": "e", "type": "integer"},
                                                 {"key": "f", "type": "boolean"}]}}]
        message = json.dumps({"a": "  hi ", "b": "LoW", "c": "x|y", "d": "id 42 of 7",
                              "e": "12", "f": "false"})
        self.assertEqual(json.loads(test_one(self.logs, config, message)),
                         {"a": "HI", "b": "low", "c": ["x", "y"], "d": "id N of N", "e": 12,
                          "f": False})


    def test_date_time_converter(self):
        # The seed's httpd access log time, converted to ISO 8601 UTC (the default target format).
        config = [{"grok": {"match": "\\[%{HTTPDATE:time}\\]"}},
                  {"dateTimeConverter": {"source": "time", "target": "iso",
                                         "matchPatterns": ["dd/MMM/yyyy:HH:mm:ss Z"],
                                         "locale": "en"}}]
        out = json.loads(test_one(self.logs, config,
                                  '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0"'))
        self.assertEqual(out["iso"], "2000-10-10T20:55:36.000Z")
        self.assertClientError(
            "InvalidParameterException", None, self.logs.test_transformer,
            transformerConfig=[PARSE, {"dateTimeConverter": {
                "source": "t", "target": "o", "matchPatterns": ["yyyy"],
                "sourceTimezone": "America/New_York"}}],
            logEventMessages=["{}"])


class TransformerIngestTest(RecentModelTestCase):
    def test_put_log_events_stores_the_transformed_events(self):
        self.make_stream("app", "s")
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=[
            PARSE, {"copyValue": {"entries": [{"source": "@logGroupName", "target": "group"}]}},
            {"deleteKeys": {"withKeys": ["password"]}}])
        t = now_ms()
        self.put("app", "s", [(t, '{"user":"ann","password":"hunter2"}'), (t + 1, "plain text")])
        got = [e["message"] for e in self.logs.get_log_events(
            logGroupName="app", logStreamName="s", startFromHead=True)["events"]]
        self.assertEqual(got, ['{"user":"ann","group":"app"}', "plain text"])
        filtered = self.logs.filter_log_events(logGroupName="app", filterPattern='{$.user = "ann"}')
        self.assertEqual([e["message"] for e in filtered["events"]],
                         ['{"user":"ann","group":"app"}'])
        # Deleted: later events are stored as sent.
        self.logs.delete_transformer(logGroupIdentifier="app")
        self.put("app", "s", [(t + 2, '{"password":"x"}')])
        got = self.logs.get_log_events(logGroupName="app", logStreamName="s",
                                       startFromHead=True)["events"]
        self.assertEqual(got[-1]["message"], '{"password":"x"}')

    def test_a_replaced_transformer_applies_to_the_next_batch(self):
        self.make_stream("app", "s")
        t = now_ms()
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=[PARSE, {
            "addKeys": {"entries": [{"key": "v", "value": "1"}]}}])
        self.put("app", "s", [(t, "{}")])
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=[PARSE, {
            "addKeys": {"entries": [{"key": "v", "value": "2"}]}}])
        self.put("app", "s", [(t + 1, "{}")])
        got = [e["message"] for e in self.logs.get_log_events(
            logGroupName="app", logStreamName="s", startFromHead=True)["events"]]
        self.assertEqual(got, ['{"v":"1"}', '{"v":"2"}'])


    def test_metric_filters_read_original_or_transformed_events(self):
        """A metric filter reads the events as sent, one with applyOnTransformedLogs the
        transformed ones (API reference, MetricFilter)."""
        self.make_stream("app", "s")
        self.logs.put_transformer(logGroupIdentifier="app", transformerConfig=[
            {"grok": {"match": "status=%{NUMBER:status:int}"}}])
        for name, pattern, on_transformed in (("original", '"status=500"', False),
                                              ("transformed", "{ $.status = 500 }", True)):
            self.logs.put_metric_filter(
                logGroupName="app", filterName=name, filterPattern=pattern,
                applyOnTransformedLogs=on_transformed,
                metricTransformations=[{"metricName": name, "metricNamespace": "T",
                                        "metricValue": "1"}])
        t = now_ms()
        self.put("app", "s", [(t, "status=500"), (t + 1, "status=200"), (t + 2, "status=500")])
        cw = boto3.session.Session().client(
            "cloudwatch", endpoint_url=self.server.endpoint, region_name=DEFAULT_REGION,
            aws_access_key_id="test", aws_secret_access_key="test")
        for name in ("original", "transformed"):
            stats = cw.get_metric_statistics(
                Namespace="T", MetricName=name, StartTime=(t - 120_000) / 1000,
                EndTime=(t + 120_000) / 1000, Period=60, Statistics=["Sum"])["Datapoints"]
            self.assertEqual(sum(d["Sum"] for d in stats), 2.0, name)

class TransformerCliTest(RecentModelTestCase):
    def test_aws_cli(self):
        # The pyenv v1 CLI: its botocore knows the transformer operations (Debian's v2 does not).
        exe = find_aws_v1()
        if exe is None:
            self.skipTest("aws CLI v1 is not installed")
        cli = AwsCli(exe, "v1")
        self.logs.create_log_group(logGroupName="cli")
        config = json.dumps([PARSE, {"upperCaseString": {"withKeys": ["level"]}}])
        res = cli.run(self.server, "logs", "put-transformer", "--log-group-identifier", "cli",
                      "--transformer-config", config)
        self.assertEqual(res.returncode, 0, res)
        res = cli.run(self.server, "logs", "test-transformer", "--transformer-config", config,
                      "--log-event-messages", '{"level":"warn"}')
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json()["transformedLogs"][0]["transformedEventMessage"],
                         '{"level":"WARN"}')
        res = cli.run(self.server, "logs", "get-transformer", "--log-group-identifier", "cli")
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json()["transformerConfig"], json.loads(config))


if __name__ == "__main__":
    unittest.main()
