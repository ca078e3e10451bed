#!/usr/bin/python3
"""CPU of `backpack demo` with 0, 1 and 8 RTSP clients, measured side by side in one run.

Starts the demo (1280x720 at 30 fps by default) on a free loopback port, then in each round and for each
client count starts that many real clients (ffmpeg copying the stream without decoding it, alternately over
TCP and UDP), lets them settle, and measures the demo process's CPU time (user + system, from /proc) over a
window. Clients' own CPU is not counted. Prints every round, the medians, and the ratios the issue sets goals
for: 8 clients / 1 client (goal <= 1.15) and 0 clients / 1 client (goal: well below 1).

Run from the repository root with Debian's Python:
    /usr/bin/python3 bench/rtsp/demo_cpu.py [--rounds 3] [--window 10] [--width 1280 --height 720 --fps 30]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import time

from demo_process import start_demo

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start_clients(url, count):
    clients = []
    for index in range(count):
        transport = "tcp" if index % 2 == 0 else "udp"
        clients.append(subprocess.Popen(
            ["ffmpeg", "-v", "error", "-rtsp_transport", transport, "-i", url, "-c", "copy", "-f", "null", "-"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return clients


def stop_clients(clients):
    for client in clients:
        client.send_signal(signal.SIGINT)  # ffmpeg tears the session down on SIGINT
    for client in clients:
        try:
            client.wait(timeout=10)
        except subprocess.TimeoutExpired:
            client.kill()
            client.wait()


def measure(pid, window):
    before_cpu, before_wall = cpu_seconds(pid), time.monotonic()
    time.sleep(window)
    return (cpu_seconds(pid) - before_cpu) / (time.monotonic() - before_wall)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured per client count")
    parser.add_argument("--settle", type=float, default=4.0, help="seconds between a change of clients and the measurement")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--counts", default="0,1,8")
    args = parser.parse_args()
    counts = [int(count) for count in args.counts.split(",")]

    demo, url = start_demo(args.width, args.height, args.fps)
    results = {count: [] for count in counts}
    try:
        time.sleep(args.settle)
        for round_number in range(1, args.rounds + 1):
            for count in counts:
                clients = start_clients(url, count)
                time.sleep(args.settle)
                alive = sum(client.poll() is None for client in clients)
                cores = measure(demo.pid, args.window)
                stop_clients(clients)
                results[count].append(cores)
                print(f"round {round_number}: {count} client(s) ({alive} alive): {cores * 100:5.1f}% of a core", flush=True)
                time.sleep(args.settle)
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)

    print(f"demo {args.width}x{args.height}@{args.fps:g}, {args.rounds} rounds of {args.window:g} s per client count (median, min-max)")
    medians = {}
    for count in counts:
        values = results[count]
        medians[count] = statistics.median(values)
        print(f"clients={count}: {medians[count] * 100:.1f}% of a core ({min(values) * 100:.1f}-{max(values) * 100:.1f})")
    if 1 in medians and medians[1] > 0:
        for count in counts:
            if count != 1:
                ratios = [value / one for value, one in zip(results[count], results[1])]
                print(f"ratio clients={count} / clients=1: {medians[count] / medians[1]:.3f} (per round {min(ratios):.3f}-{max(ratios):.3f})")


if __name__ == "__main__":
    sys.exit(main())
