"""Retention end to end (docs/retention.md, "What a client sees").

Driven with the test clock (POST /_cwlogd/clock) and the synchronous sweep endpoint
(POST /_cwlogd/sweep), both only served with --enable-test-endpoints (the harness sets it):
- reads (GetLogEvents both directions, FilterLogEvents; boto3 and the aws CLIs) never return an
  event older than the group's retention, from the moment the policy is set or the clock moves;
- PutLogEvents drops events older than the retention as expiredLogEventEndIndex;
- a sweep deletes wholly expired batches: storedBytes and the data directory shrink, streams
  stay with their counters; a batch that is only partly expired stays until all of it expires;
- DeleteRetentionPolicy / a longer policy show again what was hidden but not yet swept; what was
  swept is gone for good;
- the background job (--retention-sweep-interval-seconds) does the same on its own, and a
  kill -9 in the middle of it loses nothing unexpired and leaves storedBytes exact.
"""

import base64
import http.client
import json
import os
import random
import subprocess
import threading
import time
import unittest

from cwlogd_harness import (BANNER_RE, AwsCli, CwlogdServer, ServerTestCase, binary_path,
                            find_aws_v1, find_aws_v2, now_ms)

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


# --- helpers -------------------------------------------------------------------------------------


def random_text(n, rng):
    """n printable ASCII characters that LZ4 cannot shrink much (so disk sizes mean something)."""
    return base64.b64encode(rng.randbytes(n * 3 // 4 + 3)).decode()[:n]


def big_batch(t0, count, size, rng, tag):
    """`count` events of `size` ASCII bytes starting at t0, 1 ms apart."""
    return [{"timestamp": t0 + i, "message": f"{tag}{i:06d} " + random_text(size - 8 - len(tag),
                                                                          rng)}
            for i in range(count)]


def message_bytes(events):
    return sum(len(e["message"].encode("utf-8")) for e in events)


def stream_events(client, group, stream, **kwargs):
    """Every event GetLogEvents returns for the stream, paging forward until the token repeats."""
    args = dict(logGroupName=group, logStreamName=stream, startFromHead=True, **kwargs)
    resp = client.get_log_events(**args)
    events = list(resp["events"])
    token = resp["nextForwardToken"]
    for _ in range(100_000):
        resp = client.get_log_events(nextToken=token, **args)
        events += resp["events"]
        if resp["nextForwardToken"] == token:
            return events
        token = resp["nextForwardToken"]
    raise AssertionError("GetLogEvents paging did not end")


def newest_page(client, group, stream, **kwargs):
    """The page GetLogEvents returns with startFromHead=false (the newest events)."""
    return client.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=False,
                                 **kwargs)["events"]


def filter_all(client, **kwargs):
    paginator = client.get_paginator("filter_log_events")
    return [e for page in paginator.paginate(**kwargs) for e in page["events"]]


def group_info(client, name):
    groups = client.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    found = [g for g in groups if g["logGroupName"] == name]
    if not found:
        raise AssertionError(f"group {name} not in DescribeLogGroups: {groups}")
    return found[0]


def streams_by_name(client, group):
    return {s["logStreamName"]: s
            for s in client.describe_log_streams(logGroupName=group)["logStreams"]}


def dir_bytes(path):
    """Apparent size of every file under path (what `du -sb` prints)."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass  # RocksDB removed it meanwhile
    return total


def sweep(server, request=None):
    status, _, body = server.http("POST", "/_cwlogd/sweep",
                                  body=json.dumps(request or {}).encode(),
                                  headers={"Content-Type": "application/json"}, timeout=300)
    if status != 200:
        raise AssertionError(f"POST /_cwlogd/sweep -> {status} {body!r}")
    return json.loads(body)


class RawPutter:
    """PutLogEvents over one keep-alive connection with pre-encoded bodies (much faster than
    boto3, for filling a group with many batches). Default partition (no Authorization)."""

    def __init__(self, server):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def put(self, group, stream, events):
        body = json.dumps({"logGroupName": group, "logStreamName": stream,
                           "logEvents": events}).encode()
        self.conn.request("POST", "/", body=body, headers={
            "X-Amz-Target": "Logs_20140328.PutLogEvents",
            "Content-Type": "application/x-amz-json-1.1"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise AssertionError(f"PutLogEvents -> {resp.status} {data!r}")
        return json.loads(data)

    def close(self):
        self.conn.close()


# --- tests with one server (reset and clock 0 before each test) -----------------------------------


class RetentionTest(ServerTestCase):
    # No background sweeps here: each test decides when a sweep happens.
    server_args = ["--retention-sweep-interval-seconds", "0"]

    def setUp(self):
        super().setUp()
        self.server.set_clock_offset(0)
        self.rng = random.Random(self.id())

    def tearDown(self):
        self.server.set_clock_offset(0)
        super().tearDown()

    def messages(self, events):
        return [e["message"] for e in events]

    # --- the policy itself ---

    def test_policy_shows_in_describe_log_groups_and_delete_removes_it(self):
        self.logs.create_log_group(logGroupName="/ret/desc")
        self.assertNotIn("retentionInDays", group_info(self.logs, "/ret/desc"))
        for days in [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                     2192, 2557, 2922, 3288, 3653]:
            self.logs.put_retention_policy(logGroupName="/ret/desc", retentionInDays=days)
            self.assertEqual(group_info(self.logs, "/ret/desc")["retentionInDays"], days)
        for bad in [0, 2, 4, 366, 3654, -1]:
            self.assertClientError("InvalidParameterException", None,
                                   self.logs.put_retention_policy, logGroupName="/ret/desc",
                                   retentionInDays=bad)
        self.assertEqual(group_info(self.logs, "/ret/desc")["retentionInDays"], 3653)
        self.logs.delete_retention_policy(logGroupName="/ret/desc")
        self.assertNotIn("retentionInDays", group_info(self.logs, "/ret/desc"))
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.put_retention_policy, logGroupName="/ret/none",
                               retentionInDays=1)
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.delete_retention_policy, logGroupName="/ret/none")

    # --- reads ---

    def test_reads_hide_events_older_than_retention_as_the_clock_moves(self):
        g, s = "/ret/reads", "s"
        self.make_stream(g, s)
        t = now_ms()
        a = [{"timestamp": t - 3 * DAY_MS + i, "message": f"a{i}"} for i in range(3)]
        b = [{"timestamp": t - 12 * HOUR_MS + i, "message": f"b{i}"} for i in range(3)]
        c = [{"timestamp": t - 60_000 + i, "message": f"c{i}"} for i in range(3)]
        for batch in (a, b, c):
            self.put(g, s, batch)
        everything = self.messages(a + b + c)

        def check(expected, label):
            with self.subTest(label):
                self.assertEqual(self.messages(stream_events(self.logs, g, s)), expected)
                self.assertEqual(self.messages(newest_page(self.logs, g, s)), expected)
                # An explicit old startTime does not reach past the retention either.
                self.assertEqual(self.messages(stream_events(self.logs, g, s, startTime=0)),
                                 expected)
                self.assertEqual(self.messages(filter_all(self.logs, logGroupName=g)), expected)
                self.assertEqual(self.messages(filter_all(self.logs, logGroupName=g,
                                                          logStreamNames=[s], startTime=0,
                                                          endTime=t + DAY_MS * 5)), expected)
                self.assertEqual(self.messages(filter_all(self.logs, logGroupName=g,
                                                          filterPattern="a0")),
                                 [m for m in expected if m == "a0"])

        check(everything, "no policy")
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        check(self.messages(b + c), "policy set: 3-day-old events hidden at once")
        self.server.set_clock_offset(13 * HOUR_MS)  # b is now 25 h old
        check(self.messages(c), "clock +13 h")
        self.server.set_clock_offset(2 * DAY_MS)
        check([], "clock +2 days: everything expired")
        # Backward paging from an old token still sees nothing expired.
        self.server.set_clock_offset(0)
        page = self.logs.get_log_events(logGroupName=g, logStreamName=s, startFromHead=False)
        self.assertEqual(self.messages(page["events"]), self.messages(b + c))
        self.server.set_clock_offset(13 * HOUR_MS)
        back = self.logs.get_log_events(logGroupName=g, logStreamName=s,
                                        nextToken=page["nextBackwardToken"])
        self.assertEqual(back["events"], [])
        fwd = self.logs.get_log_events(logGroupName=g, logStreamName=s,
                                       nextToken=page["nextForwardToken"])
        self.assertEqual(fwd["events"], [])

    # --- PutLogEvents ---

    def test_put_log_events_drops_expired_events(self):
        g, s = "/ret/put", "s"
        self.make_stream(g, s)
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        t = now_ms()
        resp = self.put(g, s, [(t - 15 * DAY_MS, "too old"), (t - 2 * DAY_MS, "expired 1"),
                               (t - 2 * DAY_MS + 1, "expired 2"), (t - HOUR_MS, "kept"),
                               (t + 3 * HOUR_MS, "too new")])
        self.assertEqual(resp["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "expiredLogEventEndIndex": 3,
                          "tooNewLogEventStartIndex": 4})
        resp = self.put(g, s, [(t - 25 * HOUR_MS, "expired only")])
        self.assertEqual(resp["rejectedLogEventsInfo"], {"expiredLogEventEndIndex": 1})
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), ["kept"])
        self.assertEqual(group_info(self.logs, g)["storedBytes"], len("kept"))
        # The window follows the server clock: a day later, "now - 1 h" is expired too.
        self.server.set_clock_offset(DAY_MS)
        resp = self.put(g, s, [(t - HOUR_MS, "late"), (t + DAY_MS - 1000, "fresh")])
        self.assertEqual(resp["rejectedLogEventsInfo"], {"expiredLogEventEndIndex": 1})
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), ["fresh"])
        # Without a policy, a 2-day-old event is fine.
        self.logs.delete_retention_policy(logGroupName=g)
        resp = self.put(g, s, [(t - DAY_MS, "two days before the moved clock")])
        self.assertNotIn("rejectedLogEventsInfo", resp)

    # --- the sweep ---

    def test_sweep_frees_stored_bytes_and_disk_and_keeps_streams(self):
        g = "/ret/sweep"
        self.make_stream(g, "old")
        self.make_stream(g, "new")
        self.logs.create_log_stream(logGroupName=g, logStreamName="empty")
        t = now_ms()
        old_bytes = 0
        old_count = 0
        first_old = t - 3 * DAY_MS
        for k in range(16):  # 16 x ~1 MB of hard-to-compress text
            batch = big_batch(first_old + k * 1000, 1000, 1000, self.rng, f"o{k}-")
            self.put(g, "old", batch)
            old_bytes += message_bytes(batch)
            old_count += len(batch)
        last_old = first_old + 15 * 1000 + 999
        new = [{"timestamp": t - 1000 + i, "message": f"new {i} ünï"} for i in range(10)]
        self.put(g, "new", new)
        new_bytes = message_bytes(new)
        self.assertEqual(group_info(self.logs, g)["storedBytes"], old_bytes + new_bytes)
        streams_before = streams_by_name(self.logs, g)

        # Nothing is swept without a policy, nor with one the events are within.
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=7)
        r = sweep(self.server)
        self.assertEqual((r["deletedEvents"], r["compacted"]), (0, False), r)
        self.assertEqual(group_info(self.logs, g)["storedBytes"], old_bytes + new_bytes)

        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        disk_before = dir_bytes(self.server.data_dir)
        r = sweep(self.server)
        disk_after = dir_bytes(self.server.data_dir)
        print(f"\n  sweep of {old_count} events / {old_bytes} message bytes: {r}; data dir "
              f"{disk_before} -> {disk_after} bytes")
        self.assertEqual(r["deletedEvents"], old_count)
        self.assertEqual(r["deletedBytes"], old_bytes)
        self.assertEqual(r["deletedChunks"], 16)
        self.assertTrue(r["compacted"])
        self.assertGreaterEqual(r["groupsWithRetention"], 1)
        self.assertLess(r["diskBytesAfter"], r["diskBytesBefore"] - old_bytes // 2, r)
        self.assertLess(disk_after, disk_before - old_bytes // 2)

        info = group_info(self.logs, g)
        self.assertEqual(info["storedBytes"], new_bytes)
        self.assertEqual(info["retentionInDays"], 1)
        # Streams stay, counters untouched (as in AWS); stream storedBytes is always 0.
        streams_after = streams_by_name(self.logs, g)
        self.assertEqual(streams_after, streams_before)
        self.assertEqual(streams_after["old"]["firstEventTimestamp"], first_old)
        self.assertEqual(streams_after["old"]["lastEventTimestamp"], last_old)
        self.assertEqual(streams_after["old"]["storedBytes"], 0)
        self.assertNotIn("firstEventTimestamp", streams_after["empty"])

        self.assertEqual(stream_events(self.logs, g, "old"), [])
        self.assertEqual(self.messages(stream_events(self.logs, g, "new")), self.messages(new))
        self.assertEqual(self.messages(filter_all(self.logs, logGroupName=g)), self.messages(new))
        # Putting more to the emptied stream works; a second sweep has nothing to do.
        self.put(g, "old", [(now_ms(), "after the sweep")])
        r = sweep(self.server)
        self.assertEqual((r["deletedEvents"], r["deletedBytes"], r["compacted"]), (0, 0, False))
        self.assertEqual(group_info(self.logs, g)["storedBytes"],
                         new_bytes + len("after the sweep"))

        # All of it survives a restart.
        self.server.restart()
        self.logs = self.server.client()
        type(self).logs = self.logs
        self.assertEqual(group_info(self.logs, g)["storedBytes"],
                         new_bytes + len("after the sweep"))
        self.assertEqual(self.messages(stream_events(self.logs, g, "old")), ["after the sweep"])

    def test_gentle_pass_reclaims_the_disk_after_its_delay(self):
        # The background job's pass ({"gentle": true}): paced deletes, then after the reclaim
        # delay whatever RocksDB has not reclaimed on its own is compacted (nothing else is
        # written here, so the pass compacts).
        g = "/ret/gentle"
        self.make_stream(g, "old")
        self.make_stream(g, "new")
        t = now_ms()
        old_bytes = 0
        for k in range(16):
            batch = big_batch(t - 3 * DAY_MS + k * 1000, 1000, 1000, self.rng, f"g{k}-")
            self.put(g, "old", batch)
            old_bytes += message_bytes(batch)
        new = [{"timestamp": t - 1000, "message": "new"}]
        self.put(g, "new", new)
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        disk_before = dir_bytes(self.server.data_dir)
        r = sweep(self.server, {"gentle": True, "reclaimDelayMs": 200})
        disk_after = dir_bytes(self.server.data_dir)
        print(f"\n  gentle pass: {r}; data dir {disk_before} -> {disk_after} bytes")
        self.assertTrue(r["gentle"])
        self.assertEqual((r["deletedChunks"], r["deletedBytes"]), (16, old_bytes))
        self.assertGreaterEqual(r["reclaimWaitMs"], 200)
        self.assertEqual(r["rangesCompacted"] + r["rangesReclaimed"], 1, r)
        self.assertFalse(r["cancelled"])
        self.assertLess(r["diskBytesAfter"], r["diskBytesBefore"] - old_bytes // 2, r)
        self.assertLess(disk_after, disk_before - old_bytes // 2)
        self.assertEqual(group_info(self.logs, g)["storedBytes"], 3)
        self.assertEqual(self.messages(filter_all(self.logs, logGroupName=g)), ["new"])
        # Nothing left: the next gentle pass neither deletes nor waits.
        r = sweep(self.server, {"gentle": True, "reclaimDelayMs": 60000})
        self.assertEqual((r["deletedChunks"], r["reclaimWaitMs"], r["compacted"]), (0, 0, False))
        for bad in ({"gentle": "yes"}, {"reclaimDelayMs": -1}, {"reclaimDelayMs": 1.5}):
            status, _, body = self.server.http("POST", "/_cwlogd/sweep",
                                               body=json.dumps(bad).encode())
            self.assertEqual(status, 400, body)

    def test_other_groups_are_untouched_by_a_sweep(self):
        t = now_ms()
        self.make_stream("/ret/a", "s")
        self.make_stream("/ret/b", "s")
        self.make_stream("/ret/c", "s")
        old = [{"timestamp": t - 3 * DAY_MS + i, "message": f"old {i}"} for i in range(5)]
        for g in ("/ret/a", "/ret/b", "/ret/c"):
            self.put(g, "s", old)
        self.logs.put_retention_policy(logGroupName="/ret/a", retentionInDays=1)
        self.logs.put_retention_policy(logGroupName="/ret/b", retentionInDays=5)
        # Same group name in another region: separate partition, no policy.
        west = self.server.client(region="eu-west-1")
        self.make_stream("/ret/a", "s", client=west)
        self.put("/ret/a", "s", old, client=west)
        r = sweep(self.server)
        self.assertEqual(r["deletedEvents"], 5)
        self.assertEqual(group_info(self.logs, "/ret/a")["storedBytes"], 0)
        for g in ("/ret/b", "/ret/c"):
            self.assertEqual(self.messages(stream_events(self.logs, g, "s")), self.messages(old))
            self.assertEqual(group_info(self.logs, g)["storedBytes"], message_bytes(old))
        self.assertEqual(self.messages(stream_events(west, "/ret/a", "s")), self.messages(old))

    def test_a_partly_expired_batch_stays_until_all_of_it_expires(self):
        g, s = "/ret/partial", "s"
        self.make_stream(g, s)
        t = now_ms()
        # One batch spanning 20 h: 30 h old .. 10 h old.
        batch = [{"timestamp": t - 30 * HOUR_MS, "message": "30h"},
                 {"timestamp": t - 20 * HOUR_MS, "message": "20h"},
                 {"timestamp": t - 10 * HOUR_MS, "message": "10h"}]
        self.put(g, s, batch)
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), ["20h", "10h"])
        r = sweep(self.server)
        self.assertEqual(r["deletedEvents"], 0)
        # storedBytes still counts the whole batch (it is still on disk) ...
        self.assertEqual(group_info(self.logs, g)["storedBytes"], 9)
        # ... and the expired part is hidden, shown again without the policy.
        self.logs.delete_retention_policy(logGroupName=g)
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), ["30h", "20h", "10h"])
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        self.server.set_clock_offset(15 * HOUR_MS)  # the newest event is 25 h old
        self.assertEqual(stream_events(self.logs, g, s), [])
        r = sweep(self.server)
        self.assertEqual((r["deletedEvents"], r["deletedBytes"]), (3, 9))
        self.assertEqual(group_info(self.logs, g)["storedBytes"], 0)

    # --- changing and deleting the policy ---

    def test_changing_or_deleting_the_policy_shows_unswept_events_only(self):
        g, s = "/ret/change", "s"
        self.make_stream(g, s)
        t = now_ms()
        a = [{"timestamp": t - 3 * DAY_MS + i, "message": f"a{i}"} for i in range(4)]
        c = [{"timestamp": t - 60_000 + i, "message": f"c{i}"} for i in range(2)]
        self.put(g, s, a)
        self.put(g, s, c)
        visible = lambda: self.messages(filter_all(self.logs, logGroupName=g))  # noqa: E731

        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        self.assertEqual(visible(), self.messages(c))
        # Not swept yet: a longer policy or no policy shows the old events again.
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=7)
        self.assertEqual(visible(), self.messages(a + c))
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        self.assertEqual(visible(), self.messages(c))
        self.logs.delete_retention_policy(logGroupName=g)
        self.assertEqual(visible(), self.messages(a + c))
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), self.messages(a + c))
        # A sweep without a policy deletes nothing.
        self.assertEqual(sweep(self.server)["deletedEvents"], 0)

        # Once swept, the events are gone whatever the policy becomes.
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        r = sweep(self.server)
        self.assertEqual((r["deletedEvents"], r["deletedBytes"]), (4, message_bytes(a)))
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=7)
        self.assertEqual(visible(), self.messages(c))
        self.logs.delete_retention_policy(logGroupName=g)
        self.assertNotIn("retentionInDays", group_info(self.logs, g))
        self.assertEqual(visible(), self.messages(c))
        self.assertEqual(self.messages(stream_events(self.logs, g, s)), self.messages(c))
        self.assertEqual(group_info(self.logs, g)["storedBytes"], message_bytes(c))

    def test_deleting_a_group_with_retention_then_sweeping(self):
        t = now_ms()
        self.make_stream("/ret/gone", "s")
        self.put("/ret/gone", "s", [(t - 3 * DAY_MS, "x")])
        self.logs.put_retention_policy(logGroupName="/ret/gone", retentionInDays=1)
        self.logs.delete_log_group(logGroupName="/ret/gone")
        r = sweep(self.server)
        self.assertEqual(r["deletedEvents"], 0)

    # --- the aws CLIs (the "done" scenario of issue 4) ---

    def test_cli_put_retention_policy_then_clock_hides_events_and_sweep_shrinks_disk(self):
        clis = [(label, path) for label, path in (("v1", find_aws_v1()), ("v2", find_aws_v2()))
                if path]
        if not clis:
            self.skipTest("no aws CLI installed")
        for label, path in clis:
            with self.subTest(cli=label):
                self.server.set_clock_offset(0)
                cli = AwsCli(path, label)
                g = f"/ret/cli-{label}"

                def run(*args):
                    res = cli.run(self.server, *args)
                    self.assertEqual(res.returncode, 0, res)
                    return res.json()

                run("logs", "create-log-group", "--log-group-name", g)
                run("logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", "s")
                t = now_ms()
                old_bytes = 0
                for k in range(6):  # 20 h old: within 1 day when the policy is set
                    batch = big_batch(t - 20 * HOUR_MS + k * 1000, 1000, 1000, self.rng,
                                      f"{label}{k}-")
                    self.put(g, "s", batch)
                    old_bytes += message_bytes(batch)
                recent = [{"timestamp": t - 1000, "message": f"recent from {label}"}]
                self.put(g, "s", recent)

                run("logs", "put-retention-policy", "--log-group-name", g,
                    "--retention-in-days", "1")
                desc = run("logs", "describe-log-groups", "--log-group-name-prefix", g)
                self.assertEqual(desc["logGroups"][0]["retentionInDays"], 1)
                self.assertEqual(desc["logGroups"][0]["storedBytes"],
                                 old_bytes + message_bytes(recent))
                got = run("logs", "filter-log-events", "--log-group-name", g,
                          "--filter-pattern", f'"{label}0-000000"')
                self.assertEqual(len(got["events"]), 1)

                self.server.set_clock_offset(6 * HOUR_MS)  # the old events are now 26 h old
                got = run("logs", "filter-log-events", "--log-group-name", g)
                self.assertEqual([e["message"] for e in got["events"]], [recent[0]["message"]])
                got = run("logs", "get-log-events", "--log-group-name", g, "--log-stream-name",
                          "s", "--start-from-head")
                self.assertEqual([e["message"] for e in got["events"]], [recent[0]["message"]])
                got = run("logs", "get-log-events", "--log-group-name", g, "--log-stream-name",
                          "s", "--no-start-from-head", "--start-time", "0")
                self.assertEqual([e["message"] for e in got["events"]], [recent[0]["message"]])

                disk_before = dir_bytes(self.server.data_dir)
                r = sweep(self.server)
                disk_after = dir_bytes(self.server.data_dir)
                print(f"\n  CLI {label}: sweep {r}; data dir {disk_before} -> {disk_after}")
                self.assertEqual(r["deletedBytes"], old_bytes)
                self.assertLess(disk_after, disk_before - old_bytes // 2)
                desc = run("logs", "describe-log-groups", "--log-group-name-prefix", g)
                self.assertEqual(desc["logGroups"][0]["storedBytes"], message_bytes(recent))
                streams = run("logs", "describe-log-streams", "--log-group-name", g)
                self.assertEqual([s["logStreamName"] for s in streams["logStreams"]], ["s"])
                self.assertEqual(streams["logStreams"][0]["firstEventTimestamp"],
                                 t - 20 * HOUR_MS)

                run("logs", "delete-retention-policy", "--log-group-name", g)
                desc = run("logs", "describe-log-groups", "--log-group-name-prefix", g)
                self.assertNotIn("retentionInDays", desc["logGroups"][0])
                got = run("logs", "filter-log-events", "--log-group-name", g)
                self.assertEqual([e["message"] for e in got["events"]], [recent[0]["message"]])


# --- flags, the background job and crashes (a server of their own each) --------------------------


class RetentionFlagsTest(unittest.TestCase):

    def test_help_lists_the_interval_flag_and_its_env_var(self):
        out = subprocess.run([binary_path(), "--help"], capture_output=True, text=True,
                             timeout=30)
        self.assertEqual(out.returncode, 0)
        self.assertIn("--retention-sweep-interval-seconds", out.stdout)
        self.assertIn("CWLOGD_RETENTION_SWEEP_INTERVAL_SECONDS", out.stdout)
        bad = subprocess.run([binary_path(), "--retention-sweep-interval-seconds", "-5"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2, bad)
        self.assertIn("--retention-sweep-interval-seconds", bad.stderr)

    def test_sweep_endpoint_is_only_served_with_test_endpoints(self):
        server = CwlogdServer()
        self.addCleanup(server.discard)
        server.start()
        status, _, _ = server.http("POST", "/_cwlogd/sweep", body=b"{}")
        self.assertEqual(status, 200)
        status, _, _ = server.http("GET", "/_cwlogd/sweep")
        self.assertEqual(status, 404)
        server.stop()
        # Without --enable-test-endpoints (the harness always adds it: start by hand).
        proc = subprocess.Popen([binary_path(), "--port", "0", "--data-dir", server.data_dir],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            m = BANNER_RE.match(proc.stdout.readline().rstrip("\n"))
            self.assertIsNotNone(m)
            port = int(m.group(3))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/_cwlogd/sweep", body=b"{}")
            self.assertEqual(conn.getresponse().status, 404)
            conn.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            proc.stdout.close()


class BackgroundSweepTest(unittest.TestCase):

    def test_background_job_sweeps_at_its_interval(self):
        # Interval from the environment variable this time.
        os.environ["CWLOGD_RETENTION_SWEEP_INTERVAL_SECONDS"] = "1"
        try:
            server = CwlogdServer()
            self.addCleanup(server.discard)
            server.start()
        finally:
            del os.environ["CWLOGD_RETENTION_SWEEP_INTERVAL_SECONDS"]
        logs = server.client()
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        t = now_ms()
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t - 3 * DAY_MS, "message": "old"}])
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t, "message": "new"}])
        self.assertEqual(group_info(logs, "g")["storedBytes"], 6)
        logs.put_retention_policy(logGroupName="g", retentionInDays=1)
        deadline = time.monotonic() + 60
        while group_info(logs, "g")["storedBytes"] != 3:
            self.assertLess(time.monotonic(), deadline, "background sweep did not run")
            time.sleep(0.2)
        self.assertIn("retention sweep every 1 s", server.stderr_text())
        # The log line comes after the deletes; the pass then waits its reclaim delay (60 s).
        while "retention sweep: " not in server.stderr_text():
            self.assertLess(time.monotonic(), deadline, "no log line for the sweep")
            time.sleep(0.2)
        self.assertIn("reclaim check in 60000 ms", server.stderr_text())
        # A graceful stop in the middle of that pass is prompt: it is cancelled.
        start = time.monotonic()
        self.assertEqual(server.stop(), 0)
        self.assertLess(time.monotonic() - start, 4.0)


class RestartMidSweepTest(unittest.TestCase):
    """kill -9 while the background job sweeps a big expired group (and a client keeps putting
    recent events): nothing unexpired is lost, and storedBytes equals what is really left."""

    OLD_BATCHES = 6000  # 6 sweep slices of 1024 batches; the sweep takes ~0.1-0.3 s
    OLD_BATCH_EVENTS = 20

    def wait_for_log(self, server, needle, timeout):
        """Polls the server's stderr file (new bytes only) until `needle` shows up."""
        deadline = time.monotonic() + timeout
        seen = b""
        with open(server._stderr_file, "rb") as f:
            while True:
                seen = seen[-len(needle):] + f.read()
                if needle.encode() in seen:
                    return
                self.assertLess(time.monotonic(), deadline, f"no {needle!r} in the server log")
                time.sleep(0.0005)

    def test_kill9_during_background_sweep(self):
        server = CwlogdServer(extra_args=["--retention-sweep-interval-seconds", "0"])
        self.addCleanup(server.discard)
        server.start()
        logs = server.client()
        g = "/ret/crash"
        logs.create_log_group(logGroupName=g)
        for s in ("old", "live", "writer"):
            logs.create_log_stream(logGroupName=g, logStreamName=s)
        logs.create_log_group(logGroupName="/ret/other")
        logs.create_log_stream(logGroupName="/ret/other", logStreamName="s")

        t = now_ms()
        putter = RawPutter(server)
        old_sizes = []  # message bytes of each old batch, in time order
        for b in range(self.OLD_BATCHES):
            base = t - 3 * DAY_MS + b * self.OLD_BATCH_EVENTS
            events = [{"timestamp": base + i, "message": f"old {b} {i} " + "x" * 40}
                      for i in range(self.OLD_BATCH_EVENTS)]
            putter.put(g, "old", events)
            old_sizes.append(message_bytes(events))
        live = [{"timestamp": t - 5000 + i, "message": f"live {i}"} for i in range(500)]
        putter.put(g, "live", live)
        other = [{"timestamp": t - 3 * DAY_MS + i, "message": f"other {i}"} for i in range(50)]
        putter.put("/ret/other", "s", other)  # as old, but no policy: must stay
        putter.close()
        logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        self.assertEqual(group_info(logs, g)["storedBytes"],
                         sum(old_sizes) + message_bytes(live))
        server.stop()

        # The background pass starts one interval (1 s) after start; kill as soon as it says so.
        server.extra_args = ["--retention-sweep-interval-seconds", "1", "--log-level", "debug"]
        server.start()
        acked = []  # writer batches acknowledged before the kill
        stop = threading.Event()

        def writer():
            p = RawPutter(server)
            n = 0
            try:
                while not stop.is_set():
                    ev = [{"timestamp": now_ms(), "message": f"w {n} {i}"} for i in range(10)]
                    p.put(g, "writer", ev)
                    acked.append(ev)
                    n += 1
            except Exception:  # the server was killed under us
                pass

        th = threading.Thread(target=writer)
        th.start()
        try:
            self.wait_for_log(server, "retention sweep: pass started", 30)
        finally:
            server.kill9()
            stop.set()
            th.join(timeout=30)
        self.assertGreater(len(acked), 0)

        server.extra_args = ["--retention-sweep-interval-seconds", "0"]
        server.start()
        logs = server.client()
        info = group_info(logs, g)
        # Look at what is really stored: without the policy nothing is hidden.
        logs.delete_retention_policy(logGroupName=g)
        remaining_old = filter_all(logs, logGroupName=g, logStreamNames=["old"])
        got_live = filter_all(logs, logGroupName=g, logStreamNames=["live"])
        got_writer = filter_all(logs, logGroupName=g, logStreamNames=["writer"])
        self.assertEqual([e["message"] for e in got_live], [e["message"] for e in live])
        written = {e["message"] for e in got_writer}
        missing = [e["message"] for batch in acked for e in batch if e["message"] not in written]
        self.assertEqual(missing, [], "acknowledged recent events lost")
        self.assertEqual(info["storedBytes"], message_bytes(remaining_old) +
                         message_bytes(got_live) + message_bytes(got_writer),
                         "storedBytes differs from the bytes of the events still stored")
        # The sweep removes whole batches, oldest first: what is left is a suffix of them.
        self.assertEqual(len(remaining_old) % self.OLD_BATCH_EVENTS, 0)
        n_left = len(remaining_old) // self.OLD_BATCH_EVENTS
        self.assertEqual(message_bytes(remaining_old),
                         sum(old_sizes[self.OLD_BATCHES - n_left:]))
        self.assertEqual([e["message"] for e in filter_all(logs, logGroupName="/ret/other")],
                         [e["message"] for e in other])
        print(f"\n  kill -9 at the start of the pass: {self.OLD_BATCHES - n_left} of "
              f"{self.OLD_BATCHES} expired batches had been swept; {len(acked)} concurrent "
              f"batches acknowledged, all kept")

        # The next sweep finishes the job; storedBytes ends exact.
        logs.put_retention_policy(logGroupName=g, retentionInDays=1)
        r = sweep(server)
        self.assertEqual(r["deletedChunks"], n_left)
        logs.delete_retention_policy(logGroupName=g)
        self.assertEqual(filter_all(logs, logGroupName=g, logStreamNames=["old"]), [])
        everything = filter_all(logs, logGroupName=g)
        self.assertEqual(group_info(logs, g)["storedBytes"], message_bytes(everything))
        self.assertEqual(len(everything), len(live) + len(got_writer))


if __name__ == "__main__":
    unittest.main()
