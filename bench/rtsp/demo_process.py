"""Starting `backpack demo` for the RTSP benchmarks and reading its resident memory."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_demo(width, height, fps, extra=(), env=None):
    """Starts the demo on a free loopback port (with `extra` arguments, in `env`); returns the process and the stream's URL."""
    command = [os.path.join(ROOT, "backpack"), "demo", "--rtsp-port", "0", "--bind", "127.0.0.1",
               "--width", str(width), "--height", str(height), "--fps", str(fps), *extra]
    demo = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    for line in demo.stdout:
        match = re.match(r"^Open (rtsp://\S+) in VLC", line)
        if match:
            return demo, match.group(1)
    raise SystemExit("the demo ended without printing its URL")
