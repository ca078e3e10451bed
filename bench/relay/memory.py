#!/usr/bin/python3
"""Where the resident memory of `backpack relay` goes, part by part: the relay with 1 and with N cameras (annotate or
passthrough, the cameras and the local Kinesis endpoint of compare.py), its /proc/<pid>/smaps read after settling and
sorted by kind of mapping, and the difference per added camera.

Kinds (heuristics that hold for glibc and .NET 10 on x86-64):
  gc heap        the .NET GC's regions: the largest anonymous reservation and the committed mappings just below it
  huge pages     anonymous mappings with transparent huge pages (x264 madvises its large buffers, rounded to 2 MiB)
  malloc arenas  glibc's non-main arenas (64 MiB-aligned heaps; one per thread that mallocs, up to 8 x cores)
  [heap]         glibc's main arena (brk)
  mmapped chunks every other anonymous mapping: mallocs above the mmap threshold (frame buffers: the SkyLine's
                 1.35 MiB I420 slots, 2.6 MiB BGR buffers, libav's pictures), thread stacks, the runtime's own
  libraries      file-backed mappings of .so files and the runtime's assemblies, and everything else file-backed
Plus the process's threads (/proc/<pid>/task/*/comm, by name).

Run from the repository root with Debian's Python (about 35 s per camera count):
    /usr/bin/python3 bench/relay/memory.py [--cameras 1,4] [--mode annotate] [--settle 25] [--env NAME=VALUE ...] [--no-thp]
        [--hold SECONDS] [--dump DIR]
Each --env is set for the relay only (e.g. MALLOC_ARENA_MAX=2, DOTNET_GCgen0size=0x200000), to see what a setting buys;
--hold keeps each relay running (its pid printed) to look at it with gdb or /proc; --dump keeps the smaps it read.
What the settings tried bought, 4 annotated cameras at 720p15 (2026-12): MALLOC_ARENA_MAX=2 nothing (371 vs 373 MiB),
DOTNET_GCgen0size=2 MiB nothing (the GC heap is the cameras' 2.6 MiB BGR frames, not garbage), tiered compilation and
W^X off nothing; transparent huge pages off -4.4 MiB per camera (now done by the backpack command itself).
"""
import argparse
import collections
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # compare.py is loaded from its file: no __pycache__ beside it
HERE = os.path.dirname(os.path.abspath(__file__))


def _compare():
    spec = importlib.util.spec_from_file_location("relay_compare", os.path.join(HERE, "compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare = _compare()
kvs = compare.kvs

KIB_GIB = 1024 * 1024
HOLD = 0.0
NO_THP_ON = False
NO_THP = "import ctypes, os, sys; assert ctypes.CDLL(None).prctl(41, 1, 0, 0, 0) == 0; os.execvp(sys.argv[1], sys.argv[1:])"
ARENA = 64 * 1024 * 1024  # glibc's HEAP_MAX_SIZE on 64-bit


def mappings(pid):
    """[(start, end, perms, path, {field: kB})] from /proc/<pid>/smaps."""
    result = []
    with open(f"/proc/{pid}/smaps") as smaps:
        current = None
        for line in smaps:
            head = line.split()
            if "-" in head[0] and not head[0].endswith(":"):
                start, end = (int(value, 16) for value in head[0].split("-"))
                current = (start, end, head[1], head[5] if len(head) > 5 else "", {})
                result.append(current)
            elif current is not None and head[0].endswith(":") and len(head) >= 2 and head[1].isdigit():
                current[4][head[0][:-1]] = int(head[1])
    return result


def breakdown(pid):
    """{kind: resident KiB} and the process's threads by name."""
    parts = collections.Counter()
    maps = mappings(pid)
    anonymous = [mapping for mapping in maps if mapping[3] == ""]
    # The GC's reservation: the largest anonymous mapping; its committed regions are the mappings adjacent below it.
    reserve = max(anonymous, key=lambda mapping: mapping[1] - mapping[0], default=None)
    gc_low = reserve[0] if reserve else 0
    if reserve:
        by_end = {mapping[1]: mapping for mapping in anonymous}
        while gc_low in by_end:
            gc_low = by_end[gc_low][0]
    arenas = [mapping[0] for mapping in anonymous if mapping[0] % ARENA == 0 and mapping[1] - mapping[0] < ARENA]
    for start, end, _, path, fields in maps:
        rss = fields.get("Rss", 0)
        if path == "[heap]":
            parts["[heap] (main arena)"] += rss
        elif path.startswith("["):
            parts["other anon"] += rss
        elif path:
            parts["libraries and files"] += rss
        elif reserve and gc_low <= start < reserve[1]:
            parts["gc heap"] += rss
        elif fields.get("AnonHugePages", 0) > 0:
            parts["huge pages (x264)"] += rss
        elif any(arena <= start < arena + ARENA for arena in arenas):
            parts["malloc arenas"] += rss
        else:
            parts["mmapped chunks, other anon"] += rss
    threads = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                name = comm.read().strip()
        except OSError:
            continue
        # Names without their numbers: "x264enc0:src" and "x264enc1:src" are one kind.
        threads["".join(character for character in name if not character.isdigit())] += 1
    return parts, threads


def run(urls, mode, settle, workdir, env, samples, dump=None):
    names = [f"cam-{index}" for index in range(1, len(urls) + 1)]
    endpoint = kvs.Endpoint(names)
    compare.STARTED.append(endpoint.process)
    config = os.path.join(workdir, f"memory-{mode}-{len(urls)}.json")
    with open(config, "w") as file:
        json.dump({
            "cameras": [{"name": name, "source": url} for name, url in zip(names, urls)],
            "video": {"width": compare.WIDTH, "height": compare.HEIGHT, "fps": compare.FPS, "mode": mode},
            "kinesis": {"region": endpoint.region, "endpointUrl": endpoint.url, "createStreams": False},
            "statusSeconds": 5,
        }, file)
    # --no-thp: the relay runs with transparent huge pages off (prctl PR_SET_THP_DISABLE, inherited through exec).
    prefix = ["/usr/bin/python3", "-c", NO_THP] if NO_THP_ON else []
    process = compare.spawn(prefix + ["dotnet", kvs.CLI, "relay", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **kvs.CREDENTIALS, **env})
    status = compare.Lines(process.stdout)
    compare.Lines(process.stderr)
    try:
        time.sleep(settle)
        if process.poll() is not None:
            raise SystemExit(f"the relay ended ({process.returncode}): {status.text()[-2000:]}")
        if HOLD:
            print(f"relay pid {process.pid} ({len(urls)} camera(s)), held {HOLD:g} s for a look", flush=True)
            time.sleep(HOLD)
        best = None
        for _ in range(samples):  # the sample with the most resident memory: the peak is what a budget must hold
            parts, threads = breakdown(process.pid)
            if best is None or sum(parts.values()) > sum(best[0].values()):
                best = (parts, threads)
                if dump:
                    os.makedirs(dump, exist_ok=True)
                    with open(f"/proc/{process.pid}/smaps") as source, open(os.path.join(dump, f"smaps-{mode}-{len(urls)}"), "w") as copy:
                        copy.write(source.read())
            time.sleep(1)
        last = [line for _, line in status.snapshot()][-len(urls):]
    finally:
        compare.end(process, grace=30)
        endpoint.kill()
    return best[0], best[1], last


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", default="1,2", help="comma-separated camera counts, e.g. 1,2 or 1,4")
    parser.add_argument("--mode", default="annotate", choices=("annotate", "passthrough"))
    parser.add_argument("--settle", type=float, default=25.0)
    parser.add_argument("--samples", type=int, default=5, help="breakdowns taken a second apart; the largest is shown")
    parser.add_argument("--hold", type=float, default=0.0, help="seconds each relay is kept running after settling, its pid printed (to look at it)")
    parser.add_argument("--no-thp", action="store_true", help="run the relay with transparent huge pages disabled (prctl)")
    parser.add_argument("--dump", help="a directory to keep the largest sample's smaps in (smaps-MODE-CAMERAS)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the relay's environment")
    args = parser.parse_args()
    global HOLD, NO_THP_ON
    HOLD, NO_THP_ON = args.hold, args.no_thp
    counts = [int(value) for value in args.cameras.split(",")]
    env = dict(item.split("=", 1) for item in args.env)
    signal.signal(signal.SIGTERM, compare.on_sigterm)
    # Started in the background (cmd &, nohup), this process would ignore SIGINT and so would every child it execs: the
    # relay would never see the SIGINT that asks it to stop cleanly. A handler here is reset to the default by exec.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    kvs.build()
    clip = compare.make_clip(90)
    workdir = tempfile.mkdtemp(prefix="relay-memory-")
    results = {}
    try:
        urls = [compare.start_camera(index, clip) for index in range(1, max(counts) + 1)]
        for count in counts:
            results[count] = run(urls[:count], args.mode, args.settle, workdir, env, args.samples, args.dump)
            print(f"{count} camera(s), load average {kvs.load()}: {' | '.join(results[count][2])}", flush=True)
    finally:
        compare.end_all()
    kinds = sorted({kind for parts, _, _ in results.values() for kind in parts})
    label = args.mode + (', ' + ' '.join(args.env) if args.env else '') + (', THP off' if args.no_thp else '')
    header = f"{'MiB (' + label + ')':<40}" + "".join(f"{str(count) + ' cam':>10}" for count in counts)
    if len(counts) > 1:
        header += f"{'per added':>11}"
    print(header)
    for kind in kinds + ["total"]:
        values = [sum(results[count][0].values()) if kind == "total" else results[count][0].get(kind, 0) for count in counts]
        line = f"{kind:<40}" + "".join(f"{value / 1024:>10.1f}" for value in values)
        if len(counts) > 1:
            line += f"{(values[-1] - values[0]) / 1024 / (counts[-1] - counts[0]):>11.1f}"
        print(line)
    names = sorted({name for _, threads, _ in results.values() for name in threads})
    print("threads: " + ", ".join(f"{name} " + "/".join(str(results[count][1].get(name, 0)) for count in counts) for name in names))
    total = [sum(results[count][1].values()) for count in counts]
    print(f"threads in all: {'/'.join(str(value) for value in total)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        compare.end_all()
