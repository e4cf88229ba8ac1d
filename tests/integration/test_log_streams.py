"""Log streams through boto3: CreateLogStream, DeleteLogStream, DescribeLogStreams."""

import unittest

from cwlogd_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, MSG_GROUP_NOT_FOUND,
                            MSG_STREAM_NOT_FOUND, ServerTestCase, is_56_digits, now_ms)


def stream_arn(group, stream):
    return (f"arn:aws:logs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:log-group:{group}"
            f":log-stream:{stream}")


def group_arn(name):
    return f"arn:aws:logs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:log-group:{name}"


class CreateLogStreamTest(ServerTestCase):

    def test_empty_stream_shape(self):
        self.logs.create_log_group(logGroupName="g")
        before = now_ms()
        resp = self.logs.create_log_stream(logGroupName="g", logStreamName="web-1")
        after = now_ms()
        self.assertEqual(set(resp.keys()) - {"ResponseMetadata"}, set())
        streams = self.logs.describe_log_streams(logGroupName="g")["logStreams"]
        self.assertEqual(len(streams), 1)
        s = streams[0]
        self.assertEqual(set(s.keys()), {"arn", "creationTime", "logStreamName", "storedBytes"}, s)
        self.assertEqual(s["logStreamName"], "web-1")
        self.assertEqual(s["arn"], stream_arn("g", "web-1"))
        self.assertEqual(s["storedBytes"], 0)
        self.assertGreaterEqual(s["creationTime"], before - 1000)
        self.assertLessEqual(s["creationTime"], after + 1000)

    def test_stream_with_events_has_counters(self):
        self.make_stream("g", "s")
        t = now_ms() - 60_000
        before = now_ms()
        r1 = self.put("g", "s", [(t, "a"), (t + 10, "b")])
        after = now_ms()
        s = self.logs.describe_log_streams(logGroupName="g")["logStreams"][0]
        self.assertEqual(s["firstEventTimestamp"], t)
        self.assertEqual(s["lastEventTimestamp"], t + 10)
        self.assertGreaterEqual(s["lastIngestionTime"], before - 1000)
        self.assertLessEqual(s["lastIngestionTime"], after + 1000)
        self.assertTrue(is_56_digits(s["uploadSequenceToken"]), s)
        self.assertEqual(s["storedBytes"], 0)
        self.assertTrue(is_56_digits(r1["nextSequenceToken"]))

        self.put("g", "s", [(t - 5, "older")])
        s2 = self.logs.describe_log_streams(logGroupName="g")["logStreams"][0]
        self.assertEqual(s2["firstEventTimestamp"], t - 5)
        self.assertEqual(s2["lastEventTimestamp"], t + 10)
        self.assertNotEqual(s2["uploadSequenceToken"], s["uploadSequenceToken"])

    def test_missing_group(self):
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.create_log_stream, logGroupName="nope",
                               logStreamName="s")

    def test_duplicate(self):
        self.make_stream("g", "s")
        self.assertClientError("ResourceAlreadyExistsException",
                               "The specified log stream already exists",
                               self.logs.create_log_stream, logGroupName="g", logStreamName="s")

    def test_same_stream_name_in_two_groups(self):
        self.make_stream("g1", "s")
        self.make_stream("g2", "s")
        for g in ["g1", "g2"]:
            self.assertEqual([s["logStreamName"] for s in
                              self.logs.describe_log_streams(logGroupName=g)["logStreams"]], ["s"])

    def test_colon_or_star_rejected(self):
        self.logs.create_log_group(logGroupName="g")
        for name in ["a:b", "a*b"]:
            with self.subTest(name=name):
                self.assertClientError(
                    "InvalidParameterException",
                    f"1 validation error detected: Value '{name}' at 'logStreamName' failed to "
                    "satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
                    self.logs.create_log_stream, logGroupName="g", logStreamName=name)

    def test_unusual_but_legal_names(self):
        self.logs.create_log_group(logGroupName="g")
        names = ["2024/01/01/[$LATEST]abc", "with space", "ünïcødé-名前", "i-0123.eu-west-1"]
        for n in names:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        got = [s["logStreamName"] for s in
               self.logs.describe_log_streams(logGroupName="g")["logStreams"]]
        self.assertEqual(got, sorted(names, key=lambda x: x.encode("utf-8")))


class DeleteLogStreamTest(ServerTestCase):

    def test_delete_removes_the_events(self):
        t = now_ms()
        self.make_stream("g", "s")
        self.make_stream("g", "other")
        self.put("g", "s", [(t, "gone")])
        self.put("g", "other", [(t, "stays")])
        resp = self.logs.delete_log_stream(logGroupName="g", logStreamName="s")
        self.assertEqual(set(resp.keys()) - {"ResponseMetadata"}, set())
        self.assertEqual([s["logStreamName"] for s in
                          self.logs.describe_log_streams(logGroupName="g")["logStreams"]],
                         ["other"])
        self.assertClientError("ResourceNotFoundException", MSG_STREAM_NOT_FOUND,
                               self.logs.get_log_events, logGroupName="g", logStreamName="s")
        msgs = [e["message"] for e in self.logs.filter_log_events(logGroupName="g")["events"]]
        self.assertEqual(msgs, ["stays"])
        # A new stream with the old name starts empty.
        self.logs.create_log_stream(logGroupName="g", logStreamName="s")
        self.assertEqual(self.logs.get_log_events(logGroupName="g", logStreamName="s",
                                                  startFromHead=True)["events"], [])

    def test_missing_stream_and_missing_group(self):
        self.logs.create_log_group(logGroupName="g")
        self.assertClientError("ResourceNotFoundException", MSG_STREAM_NOT_FOUND,
                               self.logs.delete_log_stream, logGroupName="g", logStreamName="x")
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.delete_log_stream, logGroupName="nope",
                               logStreamName="x")


class DescribeLogStreamsTest(ServerTestCase):

    def names(self, **kwargs):
        kwargs.setdefault("logGroupName", "g")
        return [s["logStreamName"] for s in self.logs.describe_log_streams(**kwargs)["logStreams"]]

    def test_order_by_name_and_prefix(self):
        self.logs.create_log_group(logGroupName="g")
        for n in ["web-2", "web-10", "db-1", "Web-3", "web-1"]:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        asc = ["Web-3", "db-1", "web-1", "web-10", "web-2"]
        self.assertEqual(self.names(), asc)
        self.assertEqual(self.names(orderBy="LogStreamName"), asc)
        self.assertEqual(self.names(descending=True), list(reversed(asc)))
        self.assertEqual(self.names(logStreamNamePrefix="web-"), ["web-1", "web-10", "web-2"])
        self.assertEqual(self.names(logStreamNamePrefix="web-", descending=True),
                         ["web-2", "web-10", "web-1"])
        self.assertEqual(self.names(logStreamNamePrefix="nothing"), [])

    def test_order_by_last_event_time(self):
        t = now_ms() - 100_000
        self.logs.create_log_group(logGroupName="g")
        for n in ["a", "b", "c", "empty"]:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        self.put("g", "a", [(t + 3000, "x")])
        self.put("g", "b", [(t + 1000, "x")])
        self.put("g", "c", [(t + 2000, "x")])
        asc = self.names(orderBy="LastEventTime")
        self.assertEqual(sorted(asc), ["a", "b", "c", "empty"])
        self.assertEqual([n for n in asc if n != "empty"], ["b", "c", "a"])
        desc = self.names(orderBy="LastEventTime", descending=True)
        self.assertEqual(sorted(desc), ["a", "b", "c", "empty"])
        self.assertEqual([n for n in desc if n != "empty"], ["a", "c", "b"])

    def test_order_by_last_event_time_paginates(self):
        t = now_ms() - 100_000
        self.logs.create_log_group(logGroupName="g")
        expected = []
        for i in range(7):
            name = f"s{i}"
            self.logs.create_log_stream(logGroupName="g", logStreamName=name)
            self.put("g", name, [(t + (7 - i) * 100, "x")])  # s6 oldest ... s0 newest
            expected.insert(0, name)
        seen, token = [], None
        for _ in range(10):
            kwargs = {"logGroupName": "g", "orderBy": "LastEventTime", "limit": 3}
            if token:
                kwargs["nextToken"] = token
            resp = self.logs.describe_log_streams(**kwargs)
            seen += [s["logStreamName"] for s in resp["logStreams"]]
            token = resp.get("nextToken")
            if not token:
                break
        self.assertEqual(seen, expected)

    def test_order_by_last_event_time_ties_pages_and_kill9(self):
        # Issue 14 item 8: the order comes from an index kept with the stream records. Streams
        # without events first (by name), ties by name, page by page both ways; an older batch
        # does not move a stream, a newer one does, a deleted stream leaves; and it all holds
        # after kill -9.
        t = now_ms() - 100_000
        self.logs.create_log_group(logGroupName="g")
        for n in ["z", "t1b", "t1a", "e2", "e1", "gone"]:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        self.put("g", "z", [(t + 500, "x")])
        self.put("g", "z", [(t + 900, "x")])
        self.put("g", "z", [(t + 100, "older")])
        self.put("g", "t1b", [(t + 300, "x")])
        self.put("g", "t1a", [(t + 300, "x")])
        self.put("g", "gone", [(t + 400, "x")])
        self.logs.delete_log_stream(logGroupName="g", logStreamName="gone")
        expected = ["e1", "e2", "t1a", "t1b", "z"]

        def paged(descending):
            seen, token = [], None
            for _ in range(10):
                kwargs = {"logGroupName": "g", "orderBy": "LastEventTime", "limit": 2,
                          "descending": descending}
                if token:
                    kwargs["nextToken"] = token
                resp = self.logs.describe_log_streams(**kwargs)
                seen += [(s["logStreamName"], s.get("lastEventTimestamp"))
                         for s in resp["logStreams"]]
                token = resp.get("nextToken")
                if not token:
                    break
            return seen

        def check():
            asc = paged(False)
            self.assertEqual([n for n, _ in asc], expected)
            self.assertEqual(dict(asc), {"e1": None, "e2": None, "t1a": t + 300, "t1b": t + 300,
                                         "z": t + 900})
            self.assertEqual([n for n, _ in paged(True)], expected[::-1])

        check()
        self.server.kill9()
        self.server.start()
        type(self).logs = self.server.client()  # the port may change; later tests use these
        type(self).recent_logs = self.server.recent_client()
        check()

    def test_limit_and_next_token(self):
        self.logs.create_log_group(logGroupName="g")
        all_names = [f"s{i:02d}" for i in range(8)]
        for n in all_names:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        for descending in (False, True):
            with self.subTest(descending=descending):
                seen, token, pages = [], None, 0
                while True:
                    kwargs = {"logGroupName": "g", "limit": 3, "descending": descending}
                    if token:
                        kwargs["nextToken"] = token
                    resp = self.logs.describe_log_streams(**kwargs)
                    pages += 1
                    self.assertLessEqual(len(resp["logStreams"]), 3)
                    seen += [s["logStreamName"] for s in resp["logStreams"]]
                    token = resp.get("nextToken")
                    if not token or pages > 10:
                        break
                self.assertEqual(seen, sorted(all_names, reverse=descending))
                self.assertEqual(pages, 3)

    def test_default_limit_is_50(self):
        self.logs.create_log_group(logGroupName="g")
        for i in range(53):
            self.logs.create_log_stream(logGroupName="g", logStreamName=f"s{i:03d}")
        resp = self.logs.describe_log_streams(logGroupName="g")
        self.assertEqual(len(resp["logStreams"]), 50)
        self.assertIn("nextToken", resp)

    def test_log_group_identifier_accepts_name_and_arns(self):
        self.make_stream("/id/g", "s1")
        for ident in ["/id/g", group_arn("/id/g"), group_arn("/id/g") + ":*"]:
            with self.subTest(identifier=ident):
                resp = self.recent_logs.describe_log_streams(logGroupIdentifier=ident)
                self.assertEqual([s["logStreamName"] for s in resp["logStreams"]], ["s1"])
                self.assertEqual(resp["logStreams"][0]["arn"], stream_arn("/id/g", "s1"))

    def test_name_and_identifier_together(self):
        self.make_stream("g", "s")
        self.assertClientError(
            "ValidationException",
            "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
            self.recent_logs.describe_log_streams, logGroupName="g",
            logGroupIdentifier=group_arn("g"))

    def test_neither_name_nor_identifier(self):
        # (Older botocore models require logGroupName and would refuse this before sending it.)
        self.assertClientError("InvalidParameterException", None,
                               self.recent_logs.describe_log_streams)

    def test_last_event_time_with_prefix(self):
        self.make_stream("g", "s")
        self.assertClientError("InvalidParameterException", None,
                               self.logs.describe_log_streams, logGroupName="g",
                               orderBy="LastEventTime", logStreamNamePrefix="s")

    def test_bad_order_by(self):
        self.make_stream("g", "s")
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value 'Newest' at 'orderBy' failed to satisfy "
            "constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]",
            self.logs.describe_log_streams, logGroupName="g", orderBy="Newest")

    def test_limit_above_50(self):
        self.make_stream("g", "s")
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 50",
            self.logs.describe_log_streams, logGroupName="g", limit=51)

    def test_missing_group(self):
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.describe_log_streams, logGroupName="nope")
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.recent_logs.describe_log_streams,
                               logGroupIdentifier=group_arn("nope"))

    def test_empty_group(self):
        self.logs.create_log_group(logGroupName="g")
        resp = self.logs.describe_log_streams(logGroupName="g")
        self.assertEqual(resp["logStreams"], [])
        self.assertNotIn("nextToken", resp)


if __name__ == "__main__":
    unittest.main()
