#!/usr/bin/python3
"""GStreamer fed directly from Python, the reference for `backpack bench skyline`.

Generates the same frames (data/bench/FRAMES.md) before timing, pushes them as BGR buffers into
    appsrc ! videoconvert ! ENCODER ! h264parse ! splitmuxsink muxer-factory=matroskamux
at the real-time pace of --fps (or as fast as possible), waits until the file is complete, and prints
the same figures on its last line:
    cpu_ms_per_frame=X p99_put_ms=Y max_put_ms=Z frames_out=N dropped=D encoder_delay_frames=E
where cpu_ms_per_frame is the process CPU time (all threads) from the first push until end of stream
divided by the frames in the file, and put times are the times of appsrc's push-buffer.
With --input i420 the frames are converted to I420 before timing too (OpenCV), so that what is measured
is the encoder and the muxer alone: the floor any feeding of GStreamer costs at least.
Runs with Debian's GStreamer bindings: /usr/bin/python3 bench/skyline/gstreamer_direct.py --encoder "x264enc ..."
"""
import argparse
import math
import os
import sys
import tempfile
import threading
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frames import frames  # noqa: E402

ORIGINAL_ENCODER = "x264enc bframes=0 key-int-max=45 bitrate=500"


def count_frames(path):
    """Video access units in a Matroska file, through the demuxer (no decoding)."""
    pipeline = Gst.parse_launch(f'filesrc location="{path}" ! matroskademux ! video/x-h264 ! appsink name=frames sync=false')
    sink = pipeline.get_by_name("frames")
    pipeline.set_state(Gst.State.PLAYING)
    count = 0
    while True:
        sample = sink.emit("try-pull-sample", 10 * Gst.SECOND)
        if sample is None:
            break
        count += 1
    pipeline.set_state(Gst.State.NULL)
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--encoder", default=ORIGINAL_ENCODER)
    parser.add_argument("--pace", choices=["realtime", "max"], default="realtime")
    parser.add_argument("--input", choices=["bgr", "i420"], default="bgr", help="what is pushed: the BGR frames, or I420 converted before timing")
    parser.add_argument("--out", help="the recording (.mkv); a temporary file, deleted afterwards, when absent")
    args = parser.parse_args()

    Gst.init(None)
    # Generated (and converted) before timing, as bytes ready to wrap into buffers.
    if args.input == "i420":
        import cv2
        data = [cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes() for frame in frames(args.frames, args.width, args.height)]
    else:
        data = [frame.tobytes() for frame in frames(args.frames, args.width, args.height)]
    out = args.out or os.path.join(tempfile.gettempdir(), f"gstreamer-direct-{os.getpid()}.mkv")
    caps = f"video/x-raw,format={args.input.upper()},width={args.width},height={args.height},framerate={args.fps}/1"
    pipeline = Gst.parse_launch(
        f'appsrc name=src is-live=true format=time do-timestamp=false caps="{caps}" '
        f"! videoconvert ! {args.encoder} name=encoder ! h264parse "
        f'! splitmuxsink muxer-factory=matroskamux location="{out}"')
    source = pipeline.get_by_name("src")
    encoder = pipeline.get_by_name("encoder")
    bus = pipeline.get_bus()

    pushed = [0]
    delay = [-1]

    def first_encoded(pad, info):
        if delay[0] < 0:
            delay[0] = pushed[0]
        return Gst.PadProbeReturn.OK

    encoder.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, first_encoded)
    finished = threading.Event()

    def watch():
        while not finished.is_set():
            message = bus.timed_pop_filtered(100 * Gst.MSECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
            if message is None:
                continue
            if message.type == Gst.MessageType.ERROR:
                error, debug = message.parse_error()
                print(f"gstreamer_direct.py: {error.message} ({debug})", file=sys.stderr)
            finished.set()

    pipeline.set_state(Gst.State.PLAYING)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    duration = Gst.SECOND // args.fps
    put_times = []
    cpu_start = time.process_time()
    wall_start = time.monotonic()
    for i, pixels in enumerate(data):
        if args.pace == "realtime":
            wait = wall_start + i / args.fps - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        before = time.perf_counter()
        buffer = Gst.Buffer.new_wrapped(pixels)
        buffer.pts = i * duration
        buffer.duration = duration
        source.emit("push-buffer", buffer)
        pushed[0] += 1
        put_times.append(time.perf_counter() - before)
    source.emit("end-of-stream")
    finished.wait(120)
    cpu = time.process_time() - cpu_start
    wall = time.monotonic() - wall_start
    pipeline.set_state(Gst.State.NULL)

    frames_out = count_frames(out)
    size = os.path.getsize(out)
    if not args.out:
        os.remove(out)
    put_times.sort()
    p99 = put_times[min(len(put_times) - 1, math.ceil(len(put_times) * 0.99) - 1)] * 1000
    print(f"stream {args.width}x{args.height}@{args.fps} input={args.input} encoder={args.encoder} pace={args.pace} file={out}")
    print(f"wall_s={wall:.3f} cpu_s={cpu:.3f} bitrate_kbps={size * 8 / (frames_out / args.fps) / 1000:.0f}")
    print(f"cpu_ms_per_frame={cpu * 1000 / frames_out:.3f} p99_put_ms={p99:.3f} max_put_ms={put_times[-1] * 1000:.3f} "
          f"frames_out={frames_out} dropped={args.frames - frames_out} encoder_delay_frames={delay[0]}")


if __name__ == "__main__":
    main()
