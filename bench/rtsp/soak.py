#!/usr/bin/python3
"""Soak test of the RTSP server: 200 connect/disconnect cycles with up to 8 clients at once.

Starts `backpack demo` on a free loopback port and keeps between 1 and 8 real clients connected, each for a
random 0.5-3 s: ffmpeg copying the stream (alternately over TCP and UDP) that ends by itself (TEARDOWN), or,
one time in four, is killed outright (a vanished client whose session the server must clean up). Every 25
cycles an independent ffprobe checks that the stream still decodes. The demo's resident memory is sampled
throughout. Before the cycles, one warm-up client watches for 1.5 s: the first client starts the encoder, whose
buffers are allocated once. The pass rule is growth < 10 % from after that warm-up client to the end; the growth
from the demo's start (which includes the encoder) is printed next to it.

Run from the repository root with Debian's Python:
    /usr/bin/python3 bench/rtsp/soak.py [--cycles 200] [--max-clients 8]
"""
import argparse
import random
import signal
import subprocess
import sys
import time

from demo_process import start_demo



def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def probe(url):
    """Frames ffprobe decodes in 1.5 s over TCP."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-count_frames", "-read_intervals", "%+1.5",
         "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url],
        capture_output=True, text=True, timeout=30)
    try:
        return int(result.stdout.strip().split(",")[0])
    except ValueError:
        return 0


class Client:
    def __init__(self, url, index, rng):
        self.transport = "tcp" if index % 2 == 0 else "udp"
        self.kill = rng.random() < 0.25
        self.lifetime = rng.uniform(0.5, 3.0)
        self.started = time.monotonic()
        command = ["ffmpeg", "-v", "error", "-rtsp_transport", self.transport, "-i", url, "-c", "copy", "-f", "null", "-"]
        if not self.kill:
            command[7:7] = ["-t", f"{self.lifetime:.2f}"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def finished(self):
        """None while running; otherwise (clean, message)."""
        if self.kill and time.monotonic() - self.started >= self.lifetime and self.process.poll() is None:
            self.process.kill()
        code = self.process.poll()
        if code is None:
            if time.monotonic() - self.started > self.lifetime + 20:
                self.process.kill()
                return False, "did not end"
            return None
        error = self.process.stderr.read()
        if self.kill:
            return True, ""
        return code == 0, error.strip()[-200:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--max-clients", type=int, default=8)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    demo, url = start_demo(args.width, args.height, args.fps)
    time.sleep(3)
    start_kib = resident_kib(demo.pid)
    warmup_frames = probe(url)
    time.sleep(3)
    baseline_kib = resident_kib(demo.pid)
    print(f"warm-up client decoded {warmup_frames} frames; RSS {start_kib / 1024:.1f} MiB at start, "
          f"{baseline_kib / 1024:.1f} MiB after it", flush=True)
    peak_kib = max(start_kib, baseline_kib)
    samples = []
    clients, completed, failures, probes = [], 0, [], []
    index = 0
    started = time.monotonic()
    try:
        while completed < args.cycles:
            target = rng.randint(1, args.max_clients)
            while len(clients) < target and completed + len(clients) < args.cycles:
                clients.append(Client(url, index, rng))
                index += 1
            time.sleep(0.2)
            for client in list(clients):
                outcome = client.finished()
                if outcome is None:
                    continue
                clients.remove(client)
                completed += 1
                if not outcome[0]:
                    failures.append(f"cycle {completed} ({client.transport}): {outcome[1]}")
                if completed % 25 == 0:
                    frames = probe(url)
                    probes.append(frames)
                    rss = resident_kib(demo.pid)
                    samples.append(rss)
                    print(f"{completed:4d} cycles, {time.monotonic() - started:6.1f} s: probe decoded {frames} frames, "
                          f"RSS {rss / 1024:.1f} MiB, {len(clients)} client(s) connected", flush=True)
            peak_kib = max(peak_kib, resident_kib(demo.pid))
        for client in clients:
            client.process.kill()
        time.sleep(3)
        end_kib = resident_kib(demo.pid)
        serving_at_end = probe(url)
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()

    growth = (end_kib - baseline_kib) / baseline_kib * 100
    growth_from_start = (end_kib - start_kib) / start_kib * 100
    print(f"cycles={completed} failed_clients={len(failures)} probes_min_frames={min(probes + [serving_at_end])} "
          f"serving_at_end_frames={serving_at_end} demo_exit={demo.returncode}")
    print(f"rss_start_mib={start_kib / 1024:.1f} rss_after_warmup_mib={baseline_kib / 1024:.1f} "
          f"rss_end_mib={end_kib / 1024:.1f} rss_peak_mib={peak_kib / 1024:.1f}")
    for failure in failures[:10]:
        print("failure: " + failure)
    ok = not failures and min(probes + [warmup_frames, serving_at_end]) >= 20 and growth < 10
    print(f"{'PASS' if ok else 'FAIL'} rss_growth_percent={growth:.1f} (after the warm-up client to the end; limit 10) "
          f"rss_growth_from_start_percent={growth_from_start:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
