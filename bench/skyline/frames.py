#!/usr/bin/python3
"""The benchmark frames of data/bench/FRAMES.md, as numpy arrays (H, W, 3) uint8 in BGR order.

Run as a script to write frames as raw BGR24 (the reference for SSIM):
    /usr/bin/python3 bench/skyline/frames.py --frames 300 --width 1280 --height 720 --out /tmp/frames.bgr
"""
import argparse
import sys

import numpy as np


def frames(count, width, height):
    """Yields frame 0, 1, ... count-1 (a new array each time)."""
    x = np.arange(width)
    y = np.arange(height)
    background = np.empty((height, width, 3), np.uint8)
    background[:, :, 0] = (x * 255 // (width - 1))[None, :]
    background[:, :, 1] = (y * 255 // (height - 1))[:, None]
    background[:, :, 2] = 128
    side = height // 8
    for i in range(count):
        frame = background.copy()
        for k in range(8):
            colour = (255 * (k & 1), 255 * ((k >> 1) & 1), 255 * ((k >> 2) & 1))
            left = (k * width // 8 + i * (k + 1) * 4) % (width - side)
            top = (k * height // 10 + i * (8 - k) * 3) % (height - side)
            frame[top:top + side, left:left + side] = colour
        yield frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--out", default="-", help="file to write, - for standard output")
    args = parser.parse_args()
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    with out:
        for frame in frames(args.frames, args.width, args.height):
            out.write(frame.tobytes())


if __name__ == "__main__":
    main()
