"""FilterLogEvents through boto3: interleaving, stream selection, time bounds, patterns, paging."""

import unittest

from cwlogd_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, MSG_BAD_TOKEN, MSG_GROUP_NOT_FOUND,
                            ServerTestCase, is_56_digits, now_ms)


class FilterLogEventsTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.t0 = now_ms() - 600_000
        t0 = self.t0
        for s in ["s1", "s2", "s3"]:
            self.make_stream("g", s)
        self.put("g", "s1", [(t0 + 0, "s1 a INFO start"), (t0 + 3, "s1 b ERROR timeout"),
                             (t0 + 6, "s1 c INFO done")])
        self.put("g", "s2", [(t0 + 1, "s2 a ERROR connection reset by peer"),
                             (t0 + 4, "s2 b WARN connection slow")])
        self.put("g", "s3", [(t0 + 2, "s3 a INFO reset counter"), (t0 + 5, "s3 b error lower")])

    def filter(self, **kwargs):
        kwargs.setdefault("logGroupName", "g")
        return self.logs.filter_log_events(**kwargs)

    @staticmethod
    def keys(resp):
        return [e["message"][:4] for e in resp["events"]]

    def test_interleaved_by_timestamp_across_streams(self):
        resp = self.filter()
        self.assertEqual(self.keys(resp),
                         ["s1 a", "s2 a", "s3 a", "s1 b", "s2 b", "s3 b", "s1 c"])
        self.assertNotIn("nextToken", resp)
        if "searchedLogStreams" in resp:
            self.assertEqual(resp["searchedLogStreams"], [])
        ids = set()
        for e in resp["events"]:
            self.assertEqual(set(e.keys()),
                             {"logStreamName", "timestamp", "message", "ingestionTime", "eventId"})
            self.assertEqual(e["logStreamName"], e["message"][:2])
            self.assertTrue(is_56_digits(e["eventId"]), e)
            ids.add(e["eventId"])
        self.assertEqual(len(ids), 7)
        self.assertEqual([e["timestamp"] for e in resp["events"]],
                         [self.t0 + i for i in range(7)])

    def test_event_ids_are_stable(self):
        a = [(e["eventId"], e["message"]) for e in self.filter()["events"]]
        b = [(e["eventId"], e["message"]) for e in self.filter(limit=2)["events"]]
        self.assertEqual(a[:2], b)

    def test_equal_timestamps_order_by_arrival(self):
        t = self.t0 + 100
        self.put("g", "s2", [(t, "tie first")])
        self.put("g", "s1", [(t, "tie second")])
        self.put("g", "s3", [(t, "tie third")])
        resp = self.filter(startTime=t)
        self.assertEqual([e["message"] for e in resp["events"]],
                         ["tie first", "tie second", "tie third"])

    def test_stream_names(self):
        self.assertEqual(self.keys(self.filter(logStreamNames=["s1", "s3"])),
                         ["s1 a", "s3 a", "s1 b", "s3 b", "s1 c"])
        self.assertEqual(self.keys(self.filter(logStreamNames=["s2"])), ["s2 a", "s2 b"])

    def test_stream_name_prefix(self):
        self.make_stream("g", "other")
        self.put("g", "other", [(self.t0, "othr")])
        self.assertEqual(len(self.filter(logStreamNamePrefix="s")["events"]), 7)
        self.assertEqual(self.keys(self.filter(logStreamNamePrefix="ot")), ["othr"])
        self.assertEqual(self.filter(logStreamNamePrefix="zz")["events"], [])

    def test_names_and_prefix_together(self):
        self.assertClientError("InvalidParameterException", None, self.filter,
                               logStreamNames=["s1"], logStreamNamePrefix="s")

    def test_time_bounds_are_inclusive(self):
        resp = self.filter(startTime=self.t0 + 2, endTime=self.t0 + 4)
        self.assertEqual(self.keys(resp), ["s3 a", "s1 b", "s2 b"])
        self.assertEqual(self.keys(self.filter(startTime=self.t0 + 6)), ["s1 c"])
        self.assertEqual(self.keys(self.filter(endTime=self.t0)), ["s1 a"])
        self.assertEqual(self.filter(startTime=self.t0 + 7)["events"], [])

    def test_term_patterns_are_case_sensitive(self):
        self.assertEqual(self.keys(self.filter(filterPattern="ERROR")), ["s2 a", "s1 b"])
        self.assertEqual(self.keys(self.filter(filterPattern="error")), ["s3 b"])
        self.assertEqual(self.keys(self.filter(filterPattern="connection ERROR")), ["s2 a"])
        self.assertEqual(self.keys(self.filter(filterPattern="INFO")), ["s1 a", "s3 a", "s1 c"])
        self.assertEqual(self.filter(filterPattern="NOTPRESENT")["events"], [])

    def test_quoted_phrase(self):
        self.assertEqual(self.keys(self.filter(filterPattern='"connection reset"')), ["s2 a"])
        # The two words in another order are not the phrase.
        self.assertEqual(self.filter(filterPattern='"reset connection"')["events"], [])
        self.assertEqual(self.keys(self.filter(filterPattern="reset")), ["s2 a", "s3 a"])

    def test_empty_pattern_matches_everything(self):
        self.assertEqual(len(self.filter(filterPattern="")["events"]), 7)

    def test_pattern_with_stream_and_time_filters(self):
        resp = self.filter(filterPattern="INFO", logStreamNames=["s1"], startTime=self.t0 + 1)
        self.assertEqual(self.keys(resp), ["s1 c"])

    def test_limit_and_next_token(self):
        t = self.t0 + 1000
        self.make_stream("g", "many")
        self.put("g", "many", [(t + i, f"many {i:02d}") for i in range(25)])
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"logStreamNames": ["many"], "limit": 10}
            if token:
                kwargs["nextToken"] = token
            resp = self.filter(**kwargs)
            pages += 1
            self.assertLessEqual(len(resp["events"]), 10)
            seen += [e["message"] for e in resp["events"]]
            token = resp.get("nextToken")
            if not token or pages > 20:
                break
        self.assertEqual(seen, [f"many {i:02d}" for i in range(25)])
        self.assertLessEqual(pages, 4)

    def test_paging_with_pattern_and_time_bounds(self):
        t = self.t0 + 1000
        self.make_stream("g", "mix")
        self.put("g", "mix", [(t + i, f"{'HIT' if i % 3 == 0 else 'miss'} {i:02d}")
                              for i in range(60)])
        expected = [f"HIT {i:02d}" for i in range(60) if i % 3 == 0 and 10 <= i <= 50]
        seen, token = [], None
        for _ in range(30):
            kwargs = {"filterPattern": "HIT", "limit": 4, "startTime": t + 10, "endTime": t + 50}
            if token:
                kwargs["nextToken"] = token
            resp = self.filter(**kwargs)
            seen += [e["message"] for e in resp["events"]]
            token = resp.get("nextToken")
            if not token:
                break
        self.assertIsNone(token, "pagination does not end")
        self.assertEqual(seen, expected)

    def test_term_search_over_large_and_small_batches(self):
        # Batches of 100 events x ~50 bytes carry a term sketch in the index (chunks without
        # the term are skipped unread); batches of 10 events are too small for one, and after
        # four of them in a row without the term the server reads chunks ahead on two
        # threads. Either way the results are exactly what an event-by-event search finds.
        t = self.t0 + 5000
        for s in ["big1", "big2", "small"]:
            self.make_stream("g", s)
        expected = []  # (timestamp, stream, message), in arrival order
        for batch in range(54):
            big = batch < 24
            stream = "small" if not big else "big1" if batch % 2 == 0 else "big2"
            events = []
            for i in range(100 if big else 10):
                n = batch * 100 + i
                msg = f"{n:05d} GET /api/v1/items/{n * 7919 % 100000} HTTP/1.1 200 {n * 31 % 5000}"
                if batch in (3, 11, 12, 30, 45) and i in (5, 77):
                    msg += " RAREPANIC in worker"
                if batch == 20 and i == 50:
                    msg += " FATAL disk"
                ts = t + batch * 10 + i
                events.append((ts, msg))
                if "RAREPANIC" in msg or "FATAL" in msg:
                    expected.append((ts, stream, msg))
            self.put("g", stream, events)
        expected.sort(key=lambda e: e[0])  # stable: equal timestamps stay in arrival order
        expected = [(stream, msg) for _, stream, msg in expected]

        def search(pattern, limit):
            seen, token = [], None
            for _ in range(50):
                kwargs = {"filterPattern": pattern, "limit": limit, "startTime": t}
                if token:
                    kwargs["nextToken"] = token
                resp = self.filter(**kwargs)
                seen += [(e["logStreamName"], e["message"]) for e in resp["events"]]
                token = resp.get("nextToken")
                if not token:
                    return seen
            self.fail("pagination does not end")

        rare = [sm for sm in expected if "RAREPANIC" in sm[1]]
        self.assertEqual(search("RAREPANIC", 10000), rare)
        self.assertEqual(search("RAREPANIC", 2), rare)
        self.assertEqual(search("\"RAREPANIC in worker\"", 3), rare)
        self.assertEqual(search("?FATAL ?RAREPANIC", 10000), expected)
        self.assertEqual(search("FATAL disk", 10000), [sm for sm in expected if "FATAL" in sm[1]])
        self.assertEqual(search("NOSUCHTERM", 10000), [])
        # A term under three bytes cannot use the sketch; it still finds every match.
        self.assertEqual(search("FA", 10000), [sm for sm in expected if "FATAL" in sm[1]])
        self.assertEqual(len(search("\"00 GET\"", 10000)), 54)  # event 0 of every batch

    def test_invalid_token(self):
        self.assertClientError("InvalidParameterException", MSG_BAD_TOKEN, self.filter,
                               nextToken="definitely-not-a-token")

    def test_limit_over_10000(self):
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000",
            self.filter, limit=10001)

    def test_missing_group(self):
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.filter, logGroupName="nope")

    def test_log_group_identifier(self):
        arn = f"arn:aws:logs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:log-group:g"
        for ident in [arn, arn + ":*"]:
            with self.subTest(identifier=ident):
                resp = self.recent_logs.filter_log_events(logGroupIdentifier=ident,
                                                          filterPattern="ERROR")
                self.assertEqual(self.keys(resp), ["s2 a", "s1 b"])

    def test_group_with_no_streams(self):
        self.logs.create_log_group(logGroupName="empty")
        resp = self.filter(logGroupName="empty")
        self.assertEqual(resp["events"], [])
        self.assertNotIn("nextToken", resp)


if __name__ == "__main__":
    unittest.main()
