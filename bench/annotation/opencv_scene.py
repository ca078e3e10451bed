#!/usr/bin/python3
"""Draws a Backpack scene (data/scenes/standard.json) with OpenCV's own functions and prints ms per frame.

The reference for the managed raster driver: the same scene, geometry and label placement (Python Backpack's
OpenCV driver: FONT_HERSHEY_PLAIN at scale height/400, the same anchors, boxes behind bounding-box labels),
each frame starting from a fresh copy of the background, semi-transparent shapes blended only inside their
bounding box (a fairer reference than the original driver, which blends the whole frame per shape).
Runs with Debian's python3-opencv: /usr/bin/python3 bench/annotation/opencv_scene.py --repeat 500
"""
import argparse
import os
import datetime
import json
import time

import cv2
import numpy as np

MARKERS = {
    "cross": cv2.MARKER_CROSS, "tiltedCross": cv2.MARKER_TILTED_CROSS, "star": cv2.MARKER_STAR,
    "diamond": cv2.MARKER_DIAMOND, "square": cv2.MARKER_SQUARE,
    "triangleUp": cv2.MARKER_TRIANGLE_UP, "triangleDown": cv2.MARKER_TRIANGLE_DOWN,
}
WHITE = (255, 255, 255, 1.0)


def color(value, default=WHITE):
    """(b, g, r, alpha) from any colour form of the scene format."""
    if value is None:
        r, g, b, a = default
    elif isinstance(value, str):
        h = value.lstrip("#")
        r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
        a = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
    elif isinstance(value, list):
        r, g, b = value[:3]
        a = value[3] if len(value) == 4 else 1.0
    else:
        r, g, b, a = value["r"], value["g"], value["b"], value.get("alpha", 1.0)
    return (b, g, r), a


def scale(point, w, h):
    return int(point[0] * w), int(point[1] * h)


def blended(img, bbox, alpha, draw):
    """Draws opaquely on a copy of the bounding box region and blends it back: only that region is touched."""
    if alpha >= 1.0:
        draw(img, (0, 0))
        return
    x0, y0, x1, y1 = bbox
    hgt, wid = img.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, wid), min(y1, hgt)
    if x0 >= x1 or y0 >= y1:
        return
    roi = img[y0:y1, x0:x1]
    overlay = roi.copy()
    draw(overlay, (x0, y0))
    cv2.addWeighted(overlay, alpha, roi, 1 - alpha, 0, dst=roi)


class Renderer:
    def __init__(self, w, h, line_type):
        self.w, self.h, self.lt = w, h, line_type

    def label(self, img, text, point, col, h_anchor="left", v_anchor="bottom", size=1.0, background=False):
        font_scale = self.h / 400 * size
        th = max(int(font_scale), 1)
        x, y = scale(point, self.w, self.h)
        (sx, sy), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_PLAIN, font_scale, th)
        if h_anchor != "left" or v_anchor != "bottom":
            shx = {"center": -sx / 2, "right": -(sx + 2)}.get(h_anchor, 2)
            shy = {"center": sy / 2, "top": sy + 2, "baseline": base}.get(v_anchor, -2)
            x, y = x + int(shx), y + int(shy)
        bgr, alpha = col
        text_bgr = bgr
        if background:
            top, bottom = y - int(10 * font_scale + th / 2) - 1, y + int(2 * font_scale + th / 2)
            blended(img, (x - 1, top, x + sx + 1, bottom + 1), alpha,
                    lambda im, o: cv2.rectangle(im, (x - 1 - o[0], top - o[1]), (x + sx - o[0], bottom - o[1]), bgr, -1))
            luma = 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]
            text_bgr = (0, 0, 0) if luma >= 150 else (255, 255, 255)
        blended(img, (x - 1, y - sy - th, x + sx + 1, y + base + 1), alpha,
                lambda im, o: cv2.putText(im, text, (x - o[0], y - o[1]), cv2.FONT_HERSHEY_PLAIN, font_scale, text_bgr, th, self.lt))

    def rect(self, img, r, col):
        p1, p2 = scale(r[:2], self.w, self.h), scale(r[2:], self.w, self.h)
        x0, y0, x1, y1 = min(p1[0], p2[0]), min(p1[1], p2[1]), max(p1[0], p2[0]), max(p1[1], p2[1])
        bgr, alpha = col
        blended(img, (x0, y0, x1 + 1, y1 + 1), alpha,
                lambda im, o: cv2.rectangle(im, (x0 - o[0], y0 - o[1]), (x1 - o[0], y1 - o[1]), bgr, 1, self.lt))

    def draw(self, img, a):
        t = a["type"]
        if t == "timestamp":
            stamp = datetime.datetime.fromisoformat(a["timestamp"]) if "timestamp" in a else datetime.datetime.now()
            self.label(img, stamp.strftime("%Y-%m-%d %H:%M:%S"), a.get("point", [0.02, 0.04]), color(None))
        elif t == "label":
            self.label(img, a["text"], a["point"], color(a.get("color")), a.get("horizontalAnchor", "left"),
                       a.get("verticalAnchor", "bottom"), a.get("size", 1.0))
        elif t == "rect":
            self.rect(img, a["rect"], color(a.get("color")))
        elif t == "boundingBox":
            col = color(a.get("color"))
            r = a["rect"]
            self.rect(img, r, col)
            if a.get("topLabel"):
                self.label(img, a["topLabel"], [min(r[0], r[2]), min(r[1], r[3])], col, background=True)
            if a.get("bottomLabel"):
                self.label(img, a["bottomLabel"], [min(r[0], r[2]), max(r[1], r[3])], col, "left", "top", background=True)
        elif t == "line":
            (bgr, alpha), th = color(a.get("color")), a.get("thickness", 1)
            p1, p2 = scale(a["line"][0], self.w, self.h), scale(a["line"][1], self.w, self.h)
            box = (min(p1[0], p2[0]) - th, min(p1[1], p2[1]) - th, max(p1[0], p2[0]) + th + 1, max(p1[1], p2[1]) + th + 1)
            blended(img, box, alpha, lambda im, o: cv2.line(im, (p1[0] - o[0], p1[1] - o[1]), (p2[0] - o[0], p2[1] - o[1]), bgr, th, self.lt))
        elif t == "marker":
            bgr, alpha = color(a.get("color"))
            x, y = scale(a["point"], self.w, self.h)
            blended(img, (x - 11, y - 11, x + 12, y + 12), alpha,
                    lambda im, o: cv2.drawMarker(im, (x - o[0], y - o[1]), bgr, MARKERS[a.get("style", "cross")], 20, 1, self.lt))
        elif t == "polyline":
            pts = np.array([scale(p, self.w, self.h) for p in a["points"]], np.int32)
            th = a.get("thickness", 1)
            box = (pts[:, 0].min() - th, pts[:, 1].min() - th, pts[:, 0].max() + th + 1, pts[:, 1].max() + th + 1)
            if a.get("fillColor") is not None:
                fill, falpha = color(a["fillColor"])
                blended(img, box, falpha, lambda im, o: cv2.fillPoly(im, [pts - np.array(o, np.int32)], fill, self.lt))
            bgr, alpha = color(a.get("color"))
            blended(img, box, alpha,
                    lambda im, o: cv2.polylines(im, [pts - np.array(o, np.int32)], a.get("closed", True), bgr, th, self.lt))
        else:
            raise ValueError(f"unknown annotation type {t}")


def measure(scene, w, h, line_type, repeat, background):
    renderer = Renderer(w, h, line_type)
    frame = np.empty_like(background)
    np.copyto(frame, background)
    for a in scene:
        renderer.draw(frame, a)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        np.copyto(frame, background)
        for a in scene:
            renderer.draw(frame, a)
    return (time.perf_counter() - wall) * 1000 / repeat, (time.process_time() - cpu) * 1000 / repeat, frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "scenes", "standard.json"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--out", help="write the LINE_AA rendering to this PNG file")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    with open(args.scene, encoding="utf-8") as f:
        scene = json.load(f)["annotations"]
    background = np.full((args.height, args.width, 3), 0x40, np.uint8)
    for name, line_type in (("LINE_8", cv2.LINE_8), ("LINE_AA", cv2.LINE_AA)):
        wall, cpu, frame = measure(scene, args.width, args.height, line_type, args.repeat, background)
        print(f"opencv_{name}_cpu_ms_per_frame={cpu:.4f}")
        print(f"opencv_{name}_ms_per_frame={wall:.4f}")
        if args.out and line_type == cv2.LINE_AA:
            cv2.imwrite(args.out, frame)


if __name__ == "__main__":
    main()
