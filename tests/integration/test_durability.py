"""Durability: a graceful restart keeps everything and sequences continue; a kill -9 in the middle
of concurrent PutLogEvents loses no acknowledged batch and leaves no partial batch."""

import os
import random
import re
import sys
import threading
import time
import unittest

from botocore.exceptions import BotoCoreError, ClientError

from cwlogd_harness import CwlogdServer, is_56_digits, now_ms


def all_stream_events(client, group, stream):
    """Every event of a stream, by forward GetLogEvents paging until the token repeats."""
    resp = client.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    events = list(resp["events"])
    token = resp["nextForwardToken"]
    for _ in range(100_000):
        resp = client.get_log_events(logGroupName=group, logStreamName=stream,
                                     startFromHead=True, nextToken=token)
        events += resp["events"]
        if resp["nextForwardToken"] == token:
            return events
        token = resp["nextForwardToken"]
    raise AssertionError("GetLogEvents paging did not end")


def filter_all(client, **kwargs):
    paginator = client.get_paginator("filter_log_events")
    return [e for page in paginator.paginate(**kwargs) for e in page["events"]]


class RestartTest(unittest.TestCase):

    def setUp(self):
        self.server = CwlogdServer()
        self.server.start()
        self.addCleanup(self.server.discard)

    def snapshot(self, logs):
        groups = logs.describe_log_groups()["logGroups"]
        streams = {g["logGroupName"]: logs.describe_log_streams(
            logGroupName=g["logGroupName"])["logStreams"] for g in groups}
        events = {(g, s["logStreamName"]): all_stream_events(logs, g, s["logStreamName"])
                  for g, ss in streams.items() for s in ss}
        filtered = {g["logGroupName"]: filter_all(logs, logGroupName=g["logGroupName"])
                    for g in groups}
        return {"groups": groups, "streams": streams, "events": events, "filtered": filtered}

    def test_sigterm_restart_keeps_everything_and_continues(self):
        logs = self.server.client()
        west = self.server.client(region="eu-west-1")
        t = now_ms() - 120_000
        logs.create_log_group(logGroupName="/r/app")
        self.server.recent_client().create_log_group(logGroupName="/r/ia",
                                                     logGroupClass="INFREQUENT_ACCESS")
        west.create_log_group(logGroupName="/r/app")
        tokens = []
        for s in ["a", "b"]:
            logs.create_log_stream(logGroupName="/r/app", logStreamName=s)
            for batch in range(3):
                r = logs.put_log_events(
                    logGroupName="/r/app", logStreamName=s,
                    logEvents=[{"timestamp": t + batch * 10 + i, "message": f"{s}-{batch}-{i} ü"}
                               for i in range(5)])
                tokens.append(r["nextSequenceToken"])
        logs.create_log_stream(logGroupName="/r/ia", logStreamName="empty")
        west.create_log_stream(logGroupName="/r/app", logStreamName="w")
        west.put_log_events(logGroupName="/r/app", logStreamName="w",
                            logEvents=[{"timestamp": t, "message": "west"}])
        fwd = logs.get_log_events(logGroupName="/r/app", logStreamName="a",
                                  startFromHead=True)["nextForwardToken"]
        before = self.snapshot(logs)
        west_before = self.snapshot(west)
        self.assertEqual(len(before["filtered"]["/r/app"]), 30)

        code = self.server.stop()
        self.assertEqual(code, 0, "cwlogd should exit 0 on SIGTERM\n" + self.server.stderr_text())
        self.server.start()
        logs = self.server.client()
        west = self.server.client(region="eu-west-1")

        after = self.snapshot(logs)
        self.assertEqual(after, before)
        self.assertEqual(self.snapshot(west), west_before)

        # A forward token from before the restart still works and sees new events.
        empty = logs.get_log_events(logGroupName="/r/app", logStreamName="a",
                                    startFromHead=True, nextToken=fwd)
        self.assertEqual(empty["events"], [])
        self.assertEqual(empty["nextForwardToken"], fwd)

        # New puts continue: new sequence tokens, fresh event ids, and an event sharing a
        # timestamp with older ones sorts after them (the arrival order survives the restart).
        r_tie = logs.put_log_events(logGroupName="/r/app", logStreamName="a",
                                    logEvents=[{"timestamp": t + 20, "message": "tie after"}])
        r = logs.put_log_events(logGroupName="/r/app", logStreamName="a",
                                logEvents=[{"timestamp": t + 30, "message": "after restart"}])
        for resp in (r_tie, r):
            self.assertTrue(is_56_digits(resp["nextSequenceToken"]))
            self.assertNotIn(resp["nextSequenceToken"], tokens)
        self.assertNotEqual(r_tie["nextSequenceToken"], r["nextSequenceToken"])
        stream_a = logs.describe_log_streams(logGroupName="/r/app",
                                             logStreamNamePrefix="a")["logStreams"][0]
        self.assertTrue(is_56_digits(stream_a["uploadSequenceToken"]))
        self.assertNotIn(stream_a["uploadSequenceToken"], tokens)
        self.assertEqual(stream_a["lastEventTimestamp"], t + 30)
        # The old forward token (end of stream at t + 24) now yields the newer event only.
        new = logs.get_log_events(logGroupName="/r/app", logStreamName="a", startFromHead=True,
                                  nextToken=fwd)
        self.assertEqual([e["message"] for e in new["events"]], ["after restart"])
        msgs = [e["message"] for e in all_stream_events(logs, "/r/app", "a")]
        self.assertEqual(len(msgs), 17)
        self.assertEqual(msgs[10:13], ["a-2-0 ü", "tie after", "a-2-1 ü"])
        self.assertEqual(msgs[-1], "after restart")
        old_ids = {e["eventId"] for e in before["filtered"]["/r/app"]}
        new_ids = {e["eventId"] for e in filter_all(logs, logGroupName="/r/app")}
        self.assertEqual(len(new_ids - old_ids), 2)
        self.assertTrue(old_ids <= new_ids)

        # New resources work too, and a second restart keeps them.
        logs.create_log_group(logGroupName="/r/new")
        self.server.restart()
        logs = self.server.client()
        names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
        self.assertEqual(names, ["/r/app", "/r/ia", "/r/new"])
        self.assertEqual(len(filter_all(logs, logGroupName="/r/app")), 32)

    def test_banner_names_the_bound_port_and_data_dir(self):
        self.assertRegex(self.server.banner,
                         r"^cwlogd \S+ listening on http://127\.0\.0\.1:[1-9][0-9]* \(data: .+\)$")
        shown = self.server.banner.rsplit("(data: ", 1)[1][:-1]
        self.assertEqual(os.path.realpath(shown), os.path.realpath(self.server.data_dir))
        status, _, _ = self.server.http("GET", "/_cwlogd/health")
        self.assertEqual(status, 200)

    def test_reset_state_survives_restart(self):
        logs = self.server.client()
        logs.create_log_group(logGroupName="gone")
        self.server.reset()
        logs.create_log_group(logGroupName="kept")
        self.server.restart()
        logs = self.server.client()
        self.assertEqual([g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]],
                         ["kept"])


BATCH = 100
THREADS = 4
STREAMS_PER_ROUND = 3
MAX_BATCHES_PER_THREAD = 400
MSG_RE = re.compile(r"^r(\d+)-t(\d+)-b(\d+)-e(\d+)-x+$")


class CrashTest(unittest.TestCase):
    """kill -9 during concurrent PutLogEvents, 3 rounds on the same data directory."""

    def setUp(self):
        self.server = CwlogdServer()
        self.server.start()
        self.addCleanup(self.server.discard)
        seed = int(os.environ.get("CWLOGD_CRASH_SEED", str(int(time.time() * 1000) % 100000)))
        print(f"\n[crash test] seed {seed} (set CWLOGD_CRASH_SEED to repeat)", file=sys.stderr)
        self.rng = random.Random(seed)

    def writer(self, client, round_no, thread_no, stream_names, base_ts, stop, acked, attempted,
               errors):
        for b in range(MAX_BATCHES_PER_THREAD):
            if stop.is_set():
                return
            stream = stream_names[(thread_no + b) % len(stream_names)]
            ts = base_ts + b
            # Varying message lengths make batches of different byte sizes.
            prefix = f"r{round_no}-t{thread_no}-b{b}-e"
            events = [{"timestamp": ts, "message": f"{prefix}{i}-" + "x" * (1 + (b * 7 + i) % 50)}
                      for i in range(BATCH)]
            attempted.append((thread_no, b, stream))
            try:
                r = client.put_log_events(logGroupName="crash", logStreamName=stream,
                                          logEvents=events)
            except ClientError as e:  # the server answered with an error: that is a bug
                errors.append(f"thread {thread_no} batch {b}: {e}")
                return
            except (BotoCoreError, OSError):
                return  # the server died under us: outcome unknown
            if "rejectedLogEventsInfo" in r:
                errors.append(f"unexpected rejection {r['rejectedLogEventsInfo']}")
            acked.append((thread_no, b, stream))

    def run_round(self, round_no):
        logs = self.server.client()
        stream_names = [f"round{round_no}-s{k}" for k in range(STREAMS_PER_ROUND)]
        for s in stream_names:
            logs.create_log_stream(logGroupName="crash", logStreamName=s)
        base_ts = now_ms() - 3_600_000
        stop = threading.Event()
        acked, attempted, errors = [], [], []
        clients = [self.server.client() for _ in range(THREADS)]  # slow to build: not timed
        threads = [threading.Thread(target=self.writer,
                                    args=(clients[n], round_no, n, stream_names, base_ts, stop,
                                          acked, attempted, errors), daemon=True)
                   for n in range(THREADS)]
        for th in threads:
            th.start()
        # The random delay starts once writes are flowing, so every round kills mid-stream.
        deadline = time.monotonic() + 20
        while not acked and not errors and time.monotonic() < deadline:
            time.sleep(0.005)
        delay = self.rng.uniform(0.2, 1.5)
        time.sleep(delay)
        code = self.server.kill9()
        stop.set()
        for th in threads:
            th.join(timeout=60)
            self.assertFalse(th.is_alive(), "writer thread hung after the kill")
        print(f"[crash test] round {round_no}: killed after {delay:.2f} s (exit {code}); "
              f"{len(acked)} batches acknowledged of {len(attempted)} attempted",
              file=sys.stderr)
        self.assertEqual(errors, [])
        self.assertGreater(len(acked), 0, "no batch was acknowledged before the kill")

        self.server.start()
        logs = self.server.client()
        found = {}  # (thread, batch) -> list of event indexes
        stream_of = {}
        for s in stream_names:
            for e in all_stream_events(logs, "crash", s):
                m = MSG_RE.match(e["message"])
                self.assertIsNotNone(m, f"unexpected message {e['message'][:80]!r}")
                r, t, b, i = (int(x) for x in m.groups())
                self.assertEqual(r, round_no)
                found.setdefault((t, b), []).append(i)
                stream_of.setdefault((t, b), set()).add(s)
                self.assertEqual(e["timestamp"], base_ts + b)
        acked_keys = {(t, b) for t, b, _ in acked}
        attempted_streams = {(t, b): s for t, b, s in attempted}
        for key, idx in found.items():
            self.assertIn(key, attempted_streams, f"batch {key} was never sent")
            self.assertEqual(stream_of[key], {attempted_streams[key]}, f"batch {key} stream")
            self.assertEqual(sorted(idx), list(range(BATCH)),
                             f"batch {key} is partial or duplicated after the crash")
            self.assertEqual(idx, list(range(BATCH)), f"batch {key} events out of order")
        missing = sorted(acked_keys - set(found))
        self.assertEqual(missing, [], f"{len(missing)} acknowledged batches lost")
        print(f"[crash test] round {round_no}: {len(found)} whole batches after restart "
              f"({len(set(found) - acked_keys)} of them unacknowledged)", file=sys.stderr)

        # The events are also visible through FilterLogEvents, each once.
        filtered = filter_all(logs, logGroupName="crash", logStreamNamePrefix=f"round{round_no}-")
        self.assertEqual(len(filtered), len(found) * BATCH)
        self.assertEqual(len({e["eventId"] for e in filtered}), len(filtered))
        # And the stream counters agree with what is stored.
        for s in logs.describe_log_streams(logGroupName="crash",
                                           logStreamNamePrefix=f"round{round_no}-")["logStreams"]:
            keys = [k for k, st in attempted_streams.items()
                    if k in found and st == s["logStreamName"]]
            if keys:
                self.assertEqual(s["firstEventTimestamp"], base_ts + min(b for _, b in keys))
                self.assertEqual(s["lastEventTimestamp"], base_ts + max(b for _, b in keys))
        return len(found)

    def test_kill9_during_concurrent_puts(self):
        logs = self.server.client()
        logs.create_log_group(logGroupName="crash")
        totals = []
        for round_no in range(3):
            totals.append(self.run_round(round_no))
        # Earlier rounds are still intact after later crashes.
        logs = self.server.client()
        for round_no in range(3):
            events = filter_all(logs, logGroupName="crash",
                                logStreamNamePrefix=f"round{round_no}-")
            self.assertEqual(len(events), totals[round_no] * BATCH, f"round {round_no}")


if __name__ == "__main__":
    unittest.main()
