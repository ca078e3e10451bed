#!/usr/bin/python3
"""The Kinesis benchmarks of issue 11 section 7, side by side in one run, the local endpoint in a process of its own.

Starts bench/KvsEndpoint (the tests' local Kinesis Video Streams endpoint: SigV4 checked, PERSISTED 10 ms after
RECEIVED by default) as a separate process, so that its CPU is never the measured process's. Then, after one
unmeasured warm-up round, for each round:
  (a) `backpack bench skyline` with --output recorder and --output kvs, alternating which goes first: the same
      generated frames, encoder and real-time pace (1280x720, 30 fps, 600 frames after 90 unmeasured warm-up frames
      in the same process); CPU per frame of the bench process, send and persist p99;
  (b) `backpack demo` with one ffmpeg RTSP client, with and without --kvs-stream (alternating): CPU of the demo
      process only (from /proc), over a window after settling.
Then (c) an outage run against a second endpoint process that, 15 s after the first PutMedia, refuses every
connection for 30 s and drops the open one: kvs for ~63 s; the largest RSS growth over its start, as a fraction of
the 512 MB kvssink reserves with storage-size=512, and fragments persisted vs started.
Prints every round, the medians and the ratios against the issue's goals.

Run from the repository root with Debian's Python (it builds what it runs):
    /usr/bin/python3 bench/kvs/compare.py [--rounds 3] [--frames 600] [--window 10] [--outage 30] [--threadpool-spin-limit N]
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rtsp"))
from demo_cpu import measure, start_clients, stop_clients  # noqa: E402
from demo_process import ROOT, start_demo  # noqa: E402

CLI = os.path.join(ROOT, "artifacts", "cli", "Backpack.Cli.dll")
ENDPOINT = os.path.join(ROOT, "artifacts", "kvs-endpoint", "KvsEndpoint.dll")
# The session credentials the local endpoint accepts (tests/Backpack.Aws.Tests/Fakes/TestCredentials.cs): test values, not AWS's.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ASIABACKPACKTEST0002",
    "AWS_SECRET_ACCESS_KEY": "SeCrEt/Kx9q2ZLeAkCanary+abcdefghijklmnop2",
    "AWS_SESSION_TOKEN": "ToKeN//CanaryLeak//IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
}
KVSSINK_STORAGE_MIB = 512
# Extra environment of every measured backpack process (--threadpool-spin-limit).
RUNTIME = {}


def load():
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def build():
    """The CLI through ./backpack (which builds it when its sources changed), the endpoint into artifacts/."""
    subprocess.run([os.path.join(ROOT, "backpack"), "--version"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "bench", "KvsEndpoint", "KvsEndpoint.csproj"), "-c", "Release",
                    "-o", os.path.dirname(ENDPOINT), "-nologo", "-v", "quiet", "--disable-build-servers"],
                   check=True, stdout=subprocess.DEVNULL)


class Endpoint:
    """bench/KvsEndpoint in its own process; `results()` stops it and returns what it received per stream."""

    def __init__(self, streams, *extra):
        self.process = subprocess.Popen(["dotnet", ENDPOINT, "--streams", ",".join(streams), "--persist-delay-ms", "10", *extra],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        first = self.process.stdout.readline()
        fields = dict(field.split("=", 1) for field in first.split())
        if "control_plane_url" not in fields:
            raise SystemExit(f"the endpoint did not start: {first!r}")
        self.url, self.region = fields["control_plane_url"], fields["region"]

    def results(self):
        self.process.stdin.close()  # the endpoint prints its results and exits at the end of its input
        output = self.process.stdout.read()
        self.process.wait(timeout=30)
        for line in output.splitlines():
            if line.startswith("results "):
                return json.loads(line[len("results "):])
        raise SystemExit(f"the endpoint printed no results: {output!r}")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def figures(output):
    """Every key=value of the bench's output (later lines win)."""
    values = {}
    for key, value in re.findall(r"(?:^|\s)([a-z0-9_]+)=(\S+)", output, re.MULTILINE):
        values[key] = value
    return values


def bench_skyline(output, frames, warmup, endpoint=None, stream=None, extra=()):
    command = ["dotnet", CLI, "bench", "skyline", "--frames", str(frames), "--warmup-frames", str(warmup),
               "--width", "1280", "--height", "720", "--fps", "30", "--pace", "realtime", "--output", output, *extra]
    if output == "kvs":
        command += ["--kvs-stream", stream, "--region", endpoint.region, "--kvs-endpoint-url", endpoint.url]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **CREDENTIALS, **RUNTIME})
    if result.returncode != 0:
        raise SystemExit(f"bench skyline --output {output} failed ({result.returncode}): {result.stderr[-2000:]}{result.stdout[-2000:]}")
    values = figures(result.stdout)
    threads = next((line for line in result.stdout.splitlines() if line.startswith("cpu_by_thread_until_stop")), "")
    return values, threads


def demo_cpu(endpoint, stream, settle, window):
    """CPU (cores) of the demo with one ffmpeg RTSP client over TCP, with Kinesis when `stream` is given."""
    extra = [] if stream is None else ["--kvs-stream", stream, "--region", endpoint.region, "--kvs-endpoint-url", endpoint.url]
    demo, url = start_demo(1280, 720, 30, extra, {**os.environ, **CREDENTIALS, **RUNTIME})
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(demo.stdout), daemon=True)  # never let its status lines fill the pipe
    reader.start()
    clients = start_clients(url, 1)  # ffmpeg copying the stream over TCP, as bench/rtsp/demo_cpu.py's
    try:
        time.sleep(settle)
        alive = clients[0].poll() is None
        cores = measure(demo.pid, window)
    finally:
        stop_clients(clients)
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=60)
        reader.join(timeout=5)
    persisted = next((match.group(1) for line in lines for match in [re.search(r"Kinesis: (\d+) fragments persisted", line)] if match), None)
    return cores, alive, persisted


def median(values):
    return statistics.median(values) if values else float("nan")


def verdict(value, goal):
    return "meets" if value <= goal else "MISSES"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--frames", type=int, default=600, help="measured frames per bench skyline run")
    parser.add_argument("--warmup-frames", type=int, default=90, help="unmeasured frames first in each bench process")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of demo CPU measured")
    parser.add_argument("--settle", type=float, default=6.0, help="seconds between the client's start and the measurement")
    parser.add_argument("--outage", type=float, default=30.0, help="seconds the endpoint refuses connections in the outage run (0: no outage run)")
    parser.add_argument("--outage-at", type=float, default=15.0, help="seconds after the first PutMedia the outage starts")
    parser.add_argument("--outage-frames", type=int, default=1800, help="measured frames of the outage run (30 fps)")
    parser.add_argument("--threadpool-spin-limit", type=int, help="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit for every measured process "
                        "(0: idle thread-pool workers sleep at once instead of spinning); default: the runtime's")
    args = parser.parse_args()
    if args.threadpool_spin_limit is not None:
        RUNTIME["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = str(args.threadpool_spin_limit)

    build()
    print(f"machine: {os.cpu_count()} cores, load average {load()} at start (shared machine: other work may run beside); "
          f"runtime environment {RUNTIME or 'default'}", flush=True)
    names = ["warmup"] + [f"round{number}" for number in range(1, args.rounds + 1)]
    endpoint = Endpoint([f"{name}-{kind}" for name in names for kind in ("skyline", "demo")])
    print(f"endpoint pid {endpoint.process.pid} (not measured) at {endpoint.url} in {endpoint.region}, persist delay 10 ms", flush=True)
    rows = {key: [] for key in ("recorder", "kvs", "send_p99", "persist_p99", "rtsp", "rtsp_kvs")}
    try:
        for index, name in enumerate(names):
            measured = name != "warmup"
            label = name if measured else "warm-up (not counted)"
            order = ("recorder", "kvs") if index % 2 == 0 else ("kvs", "recorder")
            runs = {}
            for output in order:
                runs[output] = bench_skyline(output, args.frames, args.warmup_frames, endpoint, f"{name}-skyline")
            recorder, kvs = runs["recorder"][0], runs["kvs"][0]
            ratio = float(kvs["cpu_ms_per_frame"]) / float(recorder["cpu_ms_per_frame"])
            print(f"{label}: skyline ({'/'.join(order)}) recorder {recorder['cpu_ms_per_frame']} ms/frame "
                  f"(frames_out {recorder['frames_out']}), kvs {kvs['cpu_ms_per_frame']} ms/frame (frames_out {kvs['frames_out']}), "
                  f"ratio {ratio:.3f}; dropped {recorder['dropped']}/{kvs['dropped']}{' (LOADED MACHINE: per-frame CPU of a run with drops is not comparable)' if recorder['dropped'] != '0' or kvs['dropped'] != '0' else ''}; send p99 {kvs['send_p99_ms']} ms, persist p99 {kvs['persist_p99_ms']} ms, "
                  f"fragments persisted {kvs['fragments_persisted']}/{kvs['fragments_started']}, max rss {kvs['max_rss_mib']} MiB, "
                  f"peak buffered {int(kvs['peak_buffered_bytes']) / 1024:.0f} KiB", flush=True)
            for output in order:
                print(f"    {output} {runs[output][1]}", flush=True)
            demo_order = (None, f"{name}-demo") if index % 2 == 0 else (f"{name}-demo", None)
            demo = {}
            for stream in demo_order:
                demo[stream is not None] = demo_cpu(endpoint, stream, args.settle, args.window)
            (alone, alone_alive, _), (both, both_alive, persisted) = demo[False], demo[True]
            print(f"{label}: demo 1 RTSP client {alone * 100:.1f}% of a core (client alive {alone_alive}), "
                  f"RTSP + KVS {both * 100:.1f}% (client alive {both_alive}, {persisted} fragments persisted), ratio {both / alone:.3f}", flush=True)
            if measured:
                rows["recorder"].append(float(recorder["cpu_ms_per_frame"]))
                rows["kvs"].append(float(kvs["cpu_ms_per_frame"]))
                rows["send_p99"].append(float(kvs["send_p99_ms"]))
                rows["persist_p99"].append(float(kvs["persist_p99_ms"]))
                rows["rtsp"].append(alone)
                rows["rtsp_kvs"].append(both)
    finally:
        try:
            received = endpoint.results()
        finally:
            endpoint.kill()
    print(f"endpoint: violations {received['violations']} {received['first_violations']}, refused connections {received['refused_connections']}")
    for name, stream in sorted(received["streams"].items()):
        print(f"    {name}: {stream}")

    outage = None
    if args.outage > 0:
        broken = Endpoint(["outage"], "--outage-at", str(args.outage_at), "--outage-for", str(args.outage))
        try:
            values, threads = bench_skyline("kvs", args.outage_frames, args.warmup_frames, broken, "outage", ["--distinct-frames", str(min(300, args.outage_frames))])
            seen = broken.results()
        finally:
            broken.kill()
        growth = float(values["max_rss_growth_mib"])
        stream = seen["streams"]["outage"]
        outage = (growth, values, stream)
        print(f"outage run ({args.outage:g} s refused from {args.outage_at:g} s after the first PutMedia, {args.outage_frames} frames): "
              f"rss start {values['start_rss_mib']} MiB, max {values['max_rss_mib']} MiB, growth {growth:.1f} MiB = {growth / KVSSINK_STORAGE_MIB:.3f} of 512 MB; "
              f"peak buffered {int(values['peak_buffered_bytes']) / 1048576:.1f} MiB; fragments started {values['fragments_started']}, sent {values['fragments_sent']} "
              f"(resent {values['fragments_resent']}), persisted {values['fragments_persisted']}, lost {values['fragments_lost']}; "
              f"endpoint: unique {stream['unique']}, persisted {stream['persisted']}, duplicates {stream['duplicates']}, sessions {stream['sessions']}, "
              f"refused {seen['refused_connections']}, violations {seen['violations']}; persist p99 {values['persist_p99_ms']} ms", flush=True)
        print(f"    {threads}")

    print(f"\n{args.rounds} rounds after one unmeasured warm-up, 1280x720@30, medians (min-max); load average {load()} at the end")
    if args.rounds:
        kvs_ratio = median(rows["kvs"]) / median(rows["recorder"])
        per_round = [k / r for k, r in zip(rows["kvs"], rows["recorder"])]
        demo_ratio = median(rows["rtsp_kvs"]) / median(rows["rtsp"])
        demo_rounds = [b / a for b, a in zip(rows["rtsp_kvs"], rows["rtsp"])]
        print(f"recorder cpu_ms_per_frame {median(rows['recorder']):.3f} ({min(rows['recorder']):.3f}-{max(rows['recorder']):.3f}), "
              f"kvs {median(rows['kvs']):.3f} ({min(rows['kvs']):.3f}-{max(rows['kvs']):.3f})")
        print(f"KvsSkyLine / RecorderSkyLine CPU: {kvs_ratio:.3f} (per round {min(per_round):.3f}-{max(per_round):.3f}); goal <= 1.05: {verdict(kvs_ratio, 1.05)}")
        print(f"demo RTSP+KVS / RTSP CPU: {demo_ratio:.3f} ({median(rows['rtsp_kvs']) * 100:.1f}% / {median(rows['rtsp']) * 100:.1f}% of a core; "
              f"per round {min(demo_rounds):.3f}-{max(demo_rounds):.3f}); goal <= 1.10: {verdict(demo_ratio, 1.10)}")
        print(f"send p99 (frame encoded -> last byte on the socket): {median(rows['send_p99']):.1f} ms "
              f"({min(rows['send_p99']):.1f}-{max(rows['send_p99']):.1f}); goal <= 10 ms: {verdict(median(rows['send_p99']), 10)}")
        print(f"persist p99 (last frame of a fragment -> PERSISTED, the endpoint persisting 10 ms after RECEIVED): {median(rows['persist_p99']):.1f} ms "
              f"({min(rows['persist_p99']):.1f}-{max(rows['persist_p99']):.1f}); goal <= 100 ms: {verdict(median(rows['persist_p99']), 100)}")
    if outage:
        growth, values, stream = outage
        print(f"outage RSS growth {growth:.1f} MiB = {growth / KVSSINK_STORAGE_MIB:.3f} of kvssink's 512 MB; goal <= 1/8 (0.125): "
              f"{verdict(growth / KVSSINK_STORAGE_MIB, 0.125)}; fragments persisted {stream['persisted']} of {values['fragments_started']} started, "
              f"{values['fragments_lost']} lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
