#!/usr/bin/python3
"""CPU of `backpack demo` with 1 and 8 browsers watching its live view, measured side by side in one run.

Starts the demo (1280x720 at 30 fps by default) with its live view on a free loopback port, then in each round and
for each viewer count starts that many headless Debian chromium processes on the player page (each its own profile,
at nice 10 so that their decoding competes less with the demo), waits until the server counts them all as viewers
of the transport asked for (WebRTC by default; --transport ws for the fallback), and measures the demo process's CPU
time (user + system, from /proc) over a window. The browsers' own CPU is not counted. Prints every round, the
medians and the ratio 8 viewers / 1 viewer (goal <= 1.2).

Run from the repository root with Debian's Python:
    /usr/bin/python3 bench/web/viewers_cpu.py [--rounds 3] [--window 10] [--transport webrtc|ws]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rtsp"))
from demo_process import start_demo  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start_browsers(url, count):
    browsers = []
    for _ in range(count):
        profile = tempfile.mkdtemp(prefix="backpack-bench-chromium-")
        process = subprocess.Popen(
            ["nice", "-n", "10", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--mute-audio",
             "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={profile}", "--remote-debugging-port=0", url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        browsers.append((process, profile))
    return browsers


def stop_browsers(browsers):
    for process, _ in browsers:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for process, profile in browsers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def viewers(base, transport):
    with urllib.request.urlopen(base + "api/streams", timeout=5) as response:
        stream = json.load(response)["streams"][0]
    return stream["viewersWebRtc" if transport == "webrtc" else "viewersWs"]


def wait_for_viewers(base, transport, count, patience):
    deadline = time.monotonic() + patience
    seen = 0
    while time.monotonic() < deadline:
        seen = viewers(base, transport)
        if seen == count:
            return seen
        time.sleep(0.5)
    return seen


def measure(pid, window):
    before_cpu, before_wall = cpu_seconds(pid), time.monotonic()
    time.sleep(window)
    return (cpu_seconds(pid) - before_cpu) / (time.monotonic() - before_wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured per viewer count")
    parser.add_argument("--settle", type=float, default=4.0, help="seconds between all viewers connected and the measurement")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--transport", choices=["webrtc", "ws"], default="webrtc")
    parser.add_argument("--counts", default="1,8")
    args = parser.parse_args()
    counts = [int(count) for count in args.counts.split(",")]

    demo, page = start_demo(args.width, args.height, args.fps, web=True)
    base = page[: page.index("/view/") + 1]
    url = page + ("?transport=ws" if args.transport == "ws" else "")
    results = {count: [] for count in counts}
    try:
        for round_number in range(1, args.rounds + 1):
            for count in counts:
                browsers = start_browsers(url, count)
                connected = wait_for_viewers(base, args.transport, count, patience=30)
                time.sleep(args.settle)
                cores = measure(demo.pid, args.window)
                still = viewers(base, args.transport)
                stop_browsers(browsers)
                results[count].append(cores)
                print(f"round {round_number}: {count} viewer(s) over {args.transport} ({connected} connected, {still} at the end): "
                      f"{cores * 100:5.1f}% of a core", flush=True)
                time.sleep(args.settle)
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)

    print(f"demo {args.width}x{args.height}@{args.fps:g}, {args.transport}, {args.rounds} rounds of {args.window:g} s per viewer count "
          f"(median, min-max; load average {os.getloadavg()[0]:.2f})")
    medians = {}
    for count in counts:
        values = results[count]
        medians[count] = statistics.median(values)
        print(f"viewers={count}: {medians[count] * 100:.1f}% of a core ({min(values) * 100:.1f}-{max(values) * 100:.1f})")
    if 1 in medians and medians[1] > 0:
        for count in counts:
            if count != 1:
                ratios = [value / one for value, one in zip(results[count], results[1])]
                print(f"ratio viewers={count} / viewers=1: {medians[count] / medians[1]:.3f} (per round {min(ratios):.3f}-{max(ratios):.3f}; goal <= 1.2)")


if __name__ == "__main__":
    sys.exit(main())
