"""boto3 paginators and manual token paging over larger data sets: every item exactly once, and
the paging ends."""

import unittest

from cwlogd_harness import ServerTestCase, now_ms

EVENTS_PER_STREAM = 4000
STREAMS = ["alpha", "beta", "gamma"]


class DescribePaginatorsTest(ServerTestCase):

    def test_describe_log_groups_paginator(self):
        names = [f"/pg/group-{i:03d}" for i in range(120)]
        for n in reversed(names):
            self.logs.create_log_group(logGroupName=n)
        self.logs.create_log_group(logGroupName="/other")
        paginator = self.logs.get_paginator("describe_log_groups")
        for page_size in (7, 50):
            with self.subTest(page_size=page_size):
                pages = list(paginator.paginate(logGroupNamePrefix="/pg/",
                                                PaginationConfig={"PageSize": page_size}))
                got = [g["logGroupName"] for p in pages for g in p["logGroups"]]
                self.assertEqual(got, names)
                self.assertEqual(len(pages), -(-120 // page_size))
        # Without a prefix and with the default page size the extra group is included too.
        got = [g["logGroupName"] for p in paginator.paginate() for g in p["logGroups"]]
        self.assertEqual(got, sorted(names + ["/other"]))

    def test_describe_log_groups_max_items_resume(self):
        names = [f"m{i:02d}" for i in range(23)]
        for n in names:
            self.logs.create_log_group(logGroupName=n)
        paginator = self.logs.get_paginator("describe_log_groups")
        seen, token = [], None
        for _ in range(20):
            cfg = {"MaxItems": 5, "PageSize": 3}
            if token:
                cfg["StartingToken"] = token
            result = paginator.paginate(PaginationConfig=cfg).build_full_result()
            seen += [g["logGroupName"] for g in result["logGroups"]]
            token = result.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, names)

    def test_describe_log_streams_paginator(self):
        self.logs.create_log_group(logGroupName="g")
        names = [f"stream-{i:03d}" for i in range(120)]
        for n in names:
            self.logs.create_log_stream(logGroupName="g", logStreamName=n)
        paginator = self.logs.get_paginator("describe_log_streams")
        for descending in (False, True):
            with self.subTest(descending=descending):
                got = [s["logStreamName"]
                       for p in paginator.paginate(logGroupName="g", descending=descending,
                                                   PaginationConfig={"PageSize": 9})
                       for s in p["logStreams"]]
                self.assertEqual(got, sorted(names, reverse=descending))
        got = [s["logStreamName"]
               for p in paginator.paginate(logGroupName="g", logStreamNamePrefix="stream-1",
                                           PaginationConfig={"PageSize": 4})
               for s in p["logStreams"]]
        self.assertEqual(got, [n for n in names if n.startswith("stream-1")])


class EventPaginationTest(ServerTestCase):
    """3 streams x 4000 events, loaded once for the class."""

    reset_between_tests = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.reset()
        cls.t0 = now_ms() - 3_600_000
        logs = cls.logs
        logs.create_log_group(logGroupName="big")
        cls.expected = {}
        for k, stream in enumerate(STREAMS):
            logs.create_log_stream(logGroupName="big", logStreamName=stream)
            # Timestamps interleave across streams; several events share a timestamp.
            events = [{"timestamp": cls.t0 + (i // 2) * 3 + k, "message": f"{stream} #{i:05d}"}
                      for i in range(EVENTS_PER_STREAM)]
            for start in range(0, EVENTS_PER_STREAM, 1000):
                logs.put_log_events(logGroupName="big", logStreamName=stream,
                                    logEvents=events[start:start + 1000])
            cls.expected[stream] = events

    def test_filter_log_events_paginator_returns_each_event_once(self):
        paginator = self.logs.get_paginator("filter_log_events")
        for page_size in (500, 10_000):
            with self.subTest(page_size=page_size):
                events = [e for p in paginator.paginate(logGroupName="big",
                                                        PaginationConfig={"PageSize": page_size})
                          for e in p["events"]]
                self.assertEqual(len(events), len(STREAMS) * EVENTS_PER_STREAM)
                self.assertEqual(len({e["eventId"] for e in events}), len(events))
                self.assertEqual(len({e["message"] for e in events}), len(events))
                stamps = [e["timestamp"] for e in events]
                self.assertEqual(stamps, sorted(stamps))
                for stream in STREAMS:
                    mine = [e["message"] for e in events if e["logStreamName"] == stream]
                    self.assertEqual(mine, [e["message"] for e in self.expected[stream]])

    def test_filter_paginator_with_pattern_and_streams(self):
        paginator = self.logs.get_paginator("filter_log_events")
        # The quoted term "#00" occurs in messages #00000-#00999 only.
        events = [e for p in paginator.paginate(logGroupName="big",
                                                logStreamNames=["alpha", "gamma"],
                                                filterPattern='"#00"',
                                                PaginationConfig={"PageSize": 37})
                  for e in p["events"]]
        expected = sorted(
            [e for s in ("alpha", "gamma") for e in self.expected[s] if "#00" in e["message"]],
            key=lambda e: (e["timestamp"], 0 if e["message"].startswith("alpha") else 1))
        self.assertEqual([e["message"] for e in events], [e["message"] for e in expected])

    def collect_forward(self, stream, limit):
        resp = self.logs.get_log_events(logGroupName="big", logStreamName=stream,
                                        startFromHead=True, limit=limit)
        msgs = [e["message"] for e in resp["events"]]
        token = resp["nextForwardToken"]
        for _ in range(EVENTS_PER_STREAM):
            resp = self.logs.get_log_events(logGroupName="big", logStreamName=stream,
                                            startFromHead=True, limit=limit, nextToken=token)
            msgs += [e["message"] for e in resp["events"]]
            if resp["nextForwardToken"] == token:
                self.assertEqual(resp["events"], [])
                return msgs
            token = resp["nextForwardToken"]
        self.fail("forward paging never returned the same token")

    def collect_backward(self, stream, limit):
        resp = self.logs.get_log_events(logGroupName="big", logStreamName=stream, limit=limit)
        pages = [[e["message"] for e in resp["events"]]]
        token = resp["nextBackwardToken"]
        for _ in range(EVENTS_PER_STREAM):
            resp = self.logs.get_log_events(logGroupName="big", logStreamName=stream,
                                            limit=limit, nextToken=token)
            page = [e["message"] for e in resp["events"]]
            self.assertEqual(page, sorted(page), "events inside a page are ascending")
            pages.append(page)
            if resp["nextBackwardToken"] == token:
                self.assertEqual(resp["events"], [])
                return [m for p in reversed(pages) for m in p]
            token = resp["nextBackwardToken"]
        self.fail("backward paging never returned the same token")

    def test_get_log_events_forward_paging(self):
        for stream in STREAMS:
            with self.subTest(stream=stream):
                self.assertEqual(self.collect_forward(stream, 333),
                                 [e["message"] for e in self.expected[stream]])

    def test_get_log_events_backward_paging(self):
        for stream in STREAMS:
            with self.subTest(stream=stream):
                self.assertEqual(self.collect_backward(stream, 333),
                                 [e["message"] for e in self.expected[stream]])

    def test_get_log_events_default_page_and_time_window(self):
        resp = self.logs.get_log_events(logGroupName="big", logStreamName="beta",
                                        startFromHead=True)
        # Default limit: as many as fit in 1 MB, up to 10,000: all 4000 small events.
        self.assertEqual(len(resp["events"]), EVENTS_PER_STREAM)
        start = self.t0 + 300
        end = self.t0 + 600
        resp = self.logs.get_log_events(logGroupName="big", logStreamName="beta",
                                        startFromHead=True, startTime=start, endTime=end)
        expected = [e["message"] for e in self.expected["beta"]
                    if start <= e["timestamp"] < end]
        self.assertEqual([e["message"] for e in resp["events"]], expected)


class OneMegabytePagesTest(ServerTestCase):
    """Pages hold at most 1 MB: with 300,000-byte messages, 3 fit and 4 never do."""

    SIZE = 300_000
    COUNT = 8

    def setUp(self):
        super().setUp()
        t = now_ms() - 60_000
        self.make_stream("g", "s")
        self.expected = [f"{i}:" + chr(ord("a") + i) * (self.SIZE - 2) for i in range(self.COUNT)]
        for start in range(0, self.COUNT, 3):
            self.put("g", "s", [(t + i, self.expected[i])
                                for i in range(start, min(start + 3, self.COUNT))])

    def test_get_log_events_default_limit_pages_by_size(self):
        resp = self.logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)
        self.assertEqual(len(resp["events"]), 3)
        got = [e["message"] for e in resp["events"]]
        token = resp["nextForwardToken"]
        for _ in range(self.COUNT + 2):
            resp = self.logs.get_log_events(logGroupName="g", logStreamName="s",
                                            startFromHead=True, nextToken=token)
            self.assertLessEqual(len(resp["events"]), 3)
            got += [e["message"] for e in resp["events"]]
            if resp["nextForwardToken"] == token:
                break
            token = resp["nextForwardToken"]
        self.assertEqual(got, self.expected)

    def test_filter_log_events_pages_by_size(self):
        paginator = self.logs.get_paginator("filter_log_events")
        pages = list(paginator.paginate(logGroupName="g"))
        for p in pages:
            self.assertLessEqual(len(p["events"]), 3)
        self.assertEqual([e["message"] for p in pages for e in p["events"]], self.expected)


if __name__ == "__main__":
    unittest.main()
