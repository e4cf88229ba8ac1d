"""PutLogEvents and GetLogEvents through boto3, plus raw-HTTP protocol errors."""

import json
import re
import unittest

from cwlogd_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, MSG_BAD_TOKEN, MSG_GROUP_NOT_FOUND,
                            MSG_STREAM_NOT_FOUND, ServerTestCase, is_56_digits, now_ms)

HOUR = 3_600_000
DAY = 24 * HOUR
TOKEN_F = re.compile(r"f/[0-9]{56}(/s)?")
TOKEN_B = re.compile(r"b/[0-9]{56}(/s)?")


class PutLogEventsTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.make_stream("g", "s")

    def messages(self, group="g", stream="s"):
        resp = self.logs.get_log_events(logGroupName=group, logStreamName=stream,
                                        startFromHead=True)
        return [e["message"] for e in resp["events"]]

    def test_accepts_and_returns_a_sequence_token(self):
        t = now_ms()
        r1 = self.put("g", "s", [(t, "first"), (t, "second")])
        self.assertTrue(is_56_digits(r1.get("nextSequenceToken")), r1)
        self.assertNotIn("rejectedLogEventsInfo", r1)
        r2 = self.put("g", "s", [(t + 1, "third")])
        self.assertTrue(is_56_digits(r2.get("nextSequenceToken")), r2)
        self.assertNotEqual(r1["nextSequenceToken"], r2["nextSequenceToken"])
        self.assertEqual(self.messages(), ["first", "second", "third"])

    def test_sequence_token_is_ignored(self):
        t = now_ms()
        self.logs.put_log_events(logGroupName="g", logStreamName="s", sequenceToken="1234",
                                 logEvents=[{"timestamp": t, "message": "a"}])
        self.logs.put_log_events(logGroupName="g", logStreamName="s", sequenceToken="bogus",
                                 logEvents=[{"timestamp": t, "message": "b"}])
        self.assertEqual(self.messages(), ["a", "b"])

    def test_too_old_events_are_dropped(self):
        t = now_ms()
        old = t - 15 * DAY
        r = self.put("g", "s", [(old, "old1"), (old + 1, "old2"), (t - 1000, "ok1"), (t, "ok2")])
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 2})
        self.assertTrue(is_56_digits(r["nextSequenceToken"]))
        self.assertEqual(self.messages(), ["ok1", "ok2"])

    def test_too_new_events_are_dropped(self):
        t = now_ms()
        r = self.put("g", "s", [(t, "ok"), (t + 3 * HOUR, "new1"), (t + 4 * HOUR, "new2")])
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooNewLogEventStartIndex": 1})
        self.assertEqual(self.messages(), ["ok"])

    def test_too_old_and_too_new_together(self):
        t = now_ms()
        r = self.put("g", "s", [(t - 20 * DAY, "old"), (t, "ok"), (t + 5 * HOUR, "new")])
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2})
        self.assertEqual(self.messages(), ["ok"])

    def test_all_events_rejected_is_still_200(self):
        t = now_ms()
        r = self.put("g", "s", [(t - 30 * DAY, "old")])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 1})
        self.assertEqual(self.messages(), [])

    def test_span_is_checked_after_dropping_rejected_events(self):
        # The too-old event alone would make the batch span > 24 h.
        t = now_ms()
        r = self.put("g", "s", [(t - 16 * DAY, "old"), (t - HOUR, "a"), (t, "b")])
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 1})
        self.assertEqual(self.messages(), ["a", "b"])

    def test_not_chronological(self):
        t = now_ms()
        self.assertClientError(
            "InvalidParameterException",
            "Log events in a single PutLogEvents request must be in chronological order.",
            self.put, "g", "s", [(t, "a"), (t - 1, "b")])
        self.assertEqual(self.messages(), [])

    def test_span_over_24_hours(self):
        t = now_ms()
        self.assertClientError(
            "InvalidParameterException",
            "The batch of log events in a single PutLogEvents request cannot span more than "
            "24 hours.",
            self.put, "g", "s", [(t - 25 * HOUR, "a"), (t, "b")])
        self.assertEqual(self.messages(), [])

    def test_upload_too_large(self):
        t = now_ms()
        # Batch size = sum(len(message) + 26): exactly 1,048,576 passes, one byte more fails.
        sizes = [209_690] * 4 + [209_686]
        ok = [(t, "a" * n) for n in sizes]
        self.put("g", "s", ok)
        self.assertEqual(len(self.messages()), 5)
        self.make_stream("g", "s2")
        too_big = [(t, "b" * n) for n in sizes[:4] + [209_687]]
        self.assertClientError("InvalidParameterException",
                               "Upload too large: 1048577 bytes exceeds limit of 1048576",
                               self.put, "g", "s2", too_big)
        self.assertEqual(self.messages(stream="s2"), [])

    def test_upload_size_counts_utf8_bytes(self):
        t = now_ms()
        events = [(t, "é" * 104_860)] * 5  # 5 * (2 * 104860 + 26) = 1,048,730 bytes
        self.assertClientError("InvalidParameterException",
                               "Upload too large: 1048730 bytes exceeds limit of 1048576",
                               self.put, "g", "s", events)

    def test_missing_group_and_stream(self):
        t = now_ms()
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.put, "nope", "s", [(t, "x")])
        self.assertClientError("ResourceNotFoundException", MSG_STREAM_NOT_FOUND,
                               self.put, "g", "nope", [(t, "x")])
        # Streams are not created on demand.
        names = [s["logStreamName"] for s in
                 self.logs.describe_log_streams(logGroupName="g")["logStreams"]]
        self.assertEqual(names, ["s"])

    def test_stored_bytes_of_the_group(self):
        t = now_ms()
        self.put("g", "s", [(t, "abc"), (t, "日本語")])  # 3 + 9 bytes
        g = self.logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"][0]
        self.assertEqual(g["storedBytes"], 12)

    def test_multibyte_utf8_round_trip(self):
        t = now_ms()
        texts = ["🙀 - 参よ - 日本語", "tab\there", "quote \" backslash \\ slash /",
                 "  leading and trailing spaces  ", "line1\nline2", "\u0001ctl"]
        self.put("g", "s", [(t, m) for m in texts])
        self.assertEqual(self.messages(), texts)
        filtered = [e["message"] for e in self.logs.filter_log_events(logGroupName="g")["events"]]
        self.assertEqual(filtered, texts)

    def test_ten_thousand_events_in_one_call(self):
        t = now_ms()
        self.put("g", "s", [(t + i // 100, f"m{i}") for i in range(10_000)])
        resp = self.logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True,
                                        limit=10_000)
        self.assertEqual([e["message"] for e in resp["events"]], [f"m{i}" for i in range(10_000)])


class GetLogEventsTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.make_stream("g", "s")
        self.t0 = now_ms() - 60_000
        self.before = now_ms()
        self.put("g", "s", [(self.t0 + i, f"message {i}") for i in range(10)])
        self.after = now_ms()

    def get(self, **kwargs):
        kwargs.setdefault("logGroupName", "g")
        kwargs.setdefault("logStreamName", "s")
        return self.logs.get_log_events(**kwargs)

    @staticmethod
    def msgs(resp):
        return [e["message"] for e in resp["events"]]

    def test_event_shape(self):
        resp = self.get(startFromHead=True, limit=1)
        self.assertEqual(len(resp["events"]), 1)
        e = resp["events"][0]
        self.assertEqual(set(e.keys()), {"timestamp", "message", "ingestionTime"})
        self.assertEqual(e["timestamp"], self.t0)
        self.assertEqual(e["message"], "message 0")
        self.assertGreaterEqual(e["ingestionTime"], self.before - 1000)
        self.assertLessEqual(e["ingestionTime"], self.after + 1000)
        self.assertRegex(resp["nextForwardToken"], TOKEN_F)
        self.assertRegex(resp["nextBackwardToken"], TOKEN_B)
        self.assertIsNotNone(TOKEN_F.fullmatch(resp["nextForwardToken"]))
        self.assertIsNotNone(TOKEN_B.fullmatch(resp["nextBackwardToken"]))

    def test_start_from_head_pages_forward(self):
        r1 = self.get(startFromHead=True, limit=3)
        self.assertEqual(self.msgs(r1), ["message 0", "message 1", "message 2"])
        r2 = self.get(startFromHead=True, limit=3, nextToken=r1["nextForwardToken"])
        self.assertEqual(self.msgs(r2), ["message 3", "message 4", "message 5"])
        # Going back from the second page returns the first page, in ascending order.
        r3 = self.get(limit=3, nextToken=r2["nextBackwardToken"])
        self.assertEqual(self.msgs(r3), ["message 0", "message 1", "message 2"])

    def test_default_is_the_newest_events_in_ascending_order(self):
        r1 = self.get(limit=3)
        self.assertEqual(self.msgs(r1), ["message 7", "message 8", "message 9"])
        r2 = self.get(limit=3, nextToken=r1["nextBackwardToken"])
        self.assertEqual(self.msgs(r2), ["message 4", "message 5", "message 6"])
        r3 = self.get(limit=3, startFromHead=False, nextToken=r2["nextForwardToken"])
        self.assertEqual(self.msgs(r3), ["message 7", "message 8", "message 9"])

    def test_without_limit_everything_fits(self):
        self.assertEqual(self.msgs(self.get(startFromHead=True)),
                         [f"message {i}" for i in range(10)])
        self.assertEqual(self.msgs(self.get(startFromHead=False)),
                         [f"message {i}" for i in range(10)])

    def test_time_bounds_start_inclusive_end_exclusive(self):
        r = self.get(startTime=self.t0 + 2, endTime=self.t0 + 5, startFromHead=True)
        self.assertEqual(self.msgs(r), ["message 2", "message 3", "message 4"])
        r = self.get(startTime=self.t0 + 2, endTime=self.t0 + 5, startFromHead=False)
        self.assertEqual(self.msgs(r), ["message 2", "message 3", "message 4"])
        r = self.get(startTime=self.t0 + 100, startFromHead=True)
        self.assertEqual(self.msgs(r), [])
        self.assertIn("nextForwardToken", r)
        self.assertIn("nextBackwardToken", r)

    def test_end_of_stream_returns_the_same_token_and_later_events(self):
        r1 = self.get(startFromHead=True)
        tok = r1["nextForwardToken"]
        r2 = self.get(startFromHead=True, nextToken=tok)
        self.assertEqual(r2["events"], [])
        self.assertEqual(r2["nextForwardToken"], tok)
        # New events are found from the same token.
        self.put("g", "s", [(self.t0 + 20, "late 1"), (self.t0 + 21, "late 2")])
        r3 = self.get(startFromHead=True, nextToken=tok)
        self.assertEqual(self.msgs(r3), ["late 1", "late 2"])
        self.assertNotEqual(r3["nextForwardToken"], tok)

    def test_beginning_of_stream_returns_the_same_backward_token(self):
        r1 = self.get(startFromHead=True, limit=4)
        tok = r1["nextBackwardToken"]
        r2 = self.get(nextToken=tok)
        self.assertEqual(r2["events"], [])
        self.assertEqual(r2["nextBackwardToken"], tok)

    def test_empty_stream_has_tokens_and_later_events(self):
        self.logs.create_log_stream(logGroupName="g", logStreamName="empty")
        r = self.get(logStreamName="empty", startFromHead=True)
        self.assertEqual(r["events"], [])
        self.assertIsNotNone(TOKEN_F.fullmatch(r["nextForwardToken"]))
        self.assertIsNotNone(TOKEN_B.fullmatch(r["nextBackwardToken"]))
        self.put("g", "empty", [(self.t0, "arrived")])
        r2 = self.get(logStreamName="empty", startFromHead=True, nextToken=r["nextForwardToken"])
        self.assertEqual(self.msgs(r2), ["arrived"])

    def test_equal_timestamps_keep_arrival_order(self):
        self.logs.create_log_stream(logGroupName="g", logStreamName="ties")
        t = self.t0
        self.put("g", "ties", [(t, "b1"), (t, "b2")])
        self.put("g", "ties", [(t - 1, "earlier"), (t, "b3")])
        self.assertEqual(self.msgs(self.get(logStreamName="ties", startFromHead=True)),
                         ["earlier", "b1", "b2", "b3"])

    def test_log_group_identifier(self):
        arn = f"arn:aws:logs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:log-group:g"
        for ident in [arn, arn + ":*", "g"]:
            with self.subTest(identifier=ident):
                r = self.recent_logs.get_log_events(logGroupIdentifier=ident, logStreamName="s",
                                                    startFromHead=True, limit=2)
                self.assertEqual(self.msgs(r), ["message 0", "message 1"])

    def test_invalid_tokens(self):
        self.make_stream("g", "other")
        self.put("g", "other", [(self.t0, "x")])
        foreign = self.logs.get_log_events(logGroupName="g", logStreamName="other",
                                       startFromHead=True)["nextForwardToken"]
        for tok in ["garbage", "f/123/s", "x" + "1" * 56, foreign]:
            with self.subTest(token=tok):
                self.assertClientError("InvalidParameterException", MSG_BAD_TOKEN,
                                       self.get, nextToken=tok)

    def test_limit_over_10000(self):
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000",
            self.get, limit=10001)

    def test_missing_group_and_stream(self):
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.get, logGroupName="nope", logStreamName="nope")
        self.assertClientError("ResourceNotFoundException", MSG_STREAM_NOT_FOUND,
                               self.get, logStreamName="nope")


class ProtocolErrorsTest(ServerTestCase):
    """What a raw HTTP client sees for requests botocore would never send."""

    def call(self, target, body):
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
        status, hdrs, raw = self.server.http("POST", "/", body=body, headers=headers)
        return status, {k.lower(): v for k, v in hdrs.items()}, raw

    def test_success_headers(self):
        status, hdrs, raw = self.call("Logs_20140328.DescribeLogGroups", b"{}")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs.get("content-type"), "application/x-amz-json-1.1")
        self.assertTrue(hdrs.get("x-amzn-requestid"))
        self.assertEqual(json.loads(raw), {"logGroups": []})

    def test_unknown_operation(self):
        status, hdrs, raw = self.call("Logs_20140328.NoSuchOperation", b"{}")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["__type"], "UnknownOperationException")

    def test_body_not_json(self):
        status, hdrs, raw = self.call("Logs_20140328.CreateLogGroup", b"{not json")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["__type"], "SerializationException")

    def test_wrong_member_type(self):
        status, hdrs, raw = self.call("Logs_20140328.CreateLogGroup", b'{"logGroupName": 5}')
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["__type"], "SerializationException")

    def test_error_body_shape(self):
        status, hdrs, raw = self.call("Logs_20140328.DeleteLogGroup", b'{"logGroupName":"x"}')
        self.assertEqual(status, 400)
        self.assertEqual(hdrs.get("content-type"), "application/x-amz-json-1.1")
        self.assertEqual(json.loads(raw), {"__type": "ResourceNotFoundException",
                                           "message": MSG_GROUP_NOT_FOUND})

    def test_empty_message_is_a_validation_error(self):
        self.make_stream("g", "s")
        body = json.dumps({"logGroupName": "g", "logStreamName": "s",
                           "logEvents": [{"timestamp": now_ms(), "message": ""}]}).encode()
        status, _, raw = self.call("Logs_20140328.PutLogEvents", body)
        self.assertEqual(status, 400)
        err = json.loads(raw)
        self.assertEqual(err["__type"], "InvalidParameterException")
        self.assertTrue(err["message"].startswith("1 validation error detected: "), err)
        self.assertIn("logEvents.1.member.message", err["message"])

    def test_health(self):
        status, _, raw = self.server.http("GET", "/_cwlogd/health")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(raw), {"status": "ok"})


if __name__ == "__main__":
    unittest.main()
