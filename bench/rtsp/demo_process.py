"""Starting `backpack demo` for the RTSP benchmarks and reading its resident memory."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_demo(width, height, fps, extra=(), env=None, web=False):
    """Starts the demo on a free loopback port (with `extra` arguments, in `env`); returns the process and the stream's URL.

    With `web`, the live view listens on a free port too and the URL returned is its player page's; without, the demo
    serves RTSP only (--no-web), as the RTSP benchmarks measure."""
    command = [os.path.join(ROOT, "backpack"), "demo", "--rtsp-port", "0", "--bind", "127.0.0.1",
               "--width", str(width), "--height", str(height), "--fps", str(fps),
               *(["--web-port", "0"] if web else ["--no-web"]), *extra]
    demo = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    pattern = r"^Watch in a browser: (http://\S+?)\.?$" if web else r"^Open (rtsp://\S+) in VLC"
    for line in demo.stdout:
        match = re.match(pattern, line.rstrip("\n"))
        if match:
            return demo, match.group(1)
    raise SystemExit("the demo ended without printing its URL")
