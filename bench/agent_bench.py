#!/usr/bin/env python3
"""cwlogd-agent throughput: one file of N lines shipped from its start to a local cwlogd.

Starts cwlogd (no auth) on a free loopback port with a fresh data directory, writes the file, starts
cwlogd-agent on it and times until the agent's state file says the whole file is shipped. Prints
lines/s and the agent's peak RSS (VmHWM). Not a test: figures depend on the machine.

  bench/agent_bench.py --cwlogd build/cwlogd --agent build/agent/cwlogd-agent [--lines N]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cwlogd", required=True)
    p.add_argument("--agent", required=True)
    p.add_argument("--lines", type=int, default=2_000_000)
    p.add_argument("--gzip", action="store_true")
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="agent-bench-")
    server = agent = None
    try:
        out = open(os.path.join(tmp, "cwlogd.out"), "w+")
        server = subprocess.Popen([args.cwlogd, "--port", "0", "--host", "127.0.0.1",
                                   "--data-dir", os.path.join(tmp, "data")],
                                  stdout=out, stderr=subprocess.DEVNULL)
        port = None
        for _ in range(400):
            out.seek(0)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", out.read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.05)
        if port is None:
            raise SystemExit("cwlogd did not start")
        log = os.path.join(tmp, "app.log")
        with open(log, "w") as f:
            chunk = []
            for i in range(args.lines):
                chunk.append(f"2026-12-07 16:07:{i % 60:02d}.{i % 1000:03d} INFO [worker-{i % 8}] "
                             f"request {i} served in {i % 997} ms\n")
                if len(chunk) == 10000:
                    f.write("".join(chunk))
                    chunk = []
            f.write("".join(chunk))
        size = os.path.getsize(log)
        state = os.path.join(tmp, "state")
        conf = os.path.join(tmp, "awslogs.conf")
        with open(conf, "w") as f:
            f.write(f"[general]\nstate_file = {state}\nuse_gzip_http_content_encoding = "
                    f"{'true' if args.gzip else 'false'}\n\n[bench]\nfile = {log}\n"
                    "log_group_name = bench\nlog_stream_name = bench\n"
                    "datetime_format = %Y-%m-%d %H:%M:%S.%f\ntime_zone = UTC\n"
                    "multi_line_start_pattern = ^[^\\s]\n")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        start = time.monotonic()
        agent = subprocess.Popen([args.agent, "--config", conf, "--endpoint-url",
                                  f"http://127.0.0.1:{port}"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hwm = 0
        t99 = None
        while True:
            with open(f"/proc/{agent.pid}/status") as f:
                hwm = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
            try:
                with open(state) as f:
                    offset = next(iter(json.load(f)["files"].values()))["offset"]
            except (FileNotFoundError, ValueError, StopIteration):
                offset = 0
            if t99 is None and offset >= size * 0.99:
                t99 = time.monotonic() - start
            if offset >= size:
                break
            if agent.poll() is not None:
                raise SystemExit("agent exited")
            time.sleep(0.02)
        elapsed = time.monotonic() - start
        print(f"{args.lines} lines ({size / 1e6:.1f} MB) in {elapsed:.2f} s: "
              f"{args.lines / elapsed:,.0f} lines/s (99% of the file in {t99:.2f} s: "
              f"{args.lines * 0.99 / t99:,.0f} lines/s); agent peak RSS {hwm / 1024:.1f} MiB")
    finally:
        for proc in (agent, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
