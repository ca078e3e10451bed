#!/usr/bin/python3
"""An RTSP camera independent of Backpack: Debian's gst-rtsp-server (python3-gi, gir1.2-gst-rtsp-server-1.0)
serving an H.264 clip as it is, without re-encoding, the way an IP camera serves its encoder's stream.

    /usr/bin/python3 camera_server.py --port 8554 --mount /camera --clip clip.mp4 [--user U --password P]

The clip (MP4 or Matroska with H.264) is demuxed and payloaded: filesrc ! qtdemux|matroskademux ! h264parse !
rtph264pay. One media is shared by every client; it starts again at the end of the clip (a seek to the start,
no re-encoding). Both TCP and UDP are offered. With --user and --password, clients must authenticate (Basic).
Prints "listening on PORT" on stdout once clients may connect; runs until killed.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", default="/camera")
    parser.add_argument("--clip", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    Gst.init(None)
    demuxer = "matroskademux" if args.clip.endswith((".mkv", ".webm")) else "qtdemux"
    launch = (
        f'( filesrc location="{args.clip}" ! {demuxer} ! h264parse config-interval=-1 '
        f"! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    )

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)
    factory.set_eos_shutdown(False)

    def loop_at_end(_factory, media):
        # At the end of the clip, seek the shared media back to its start: the stream goes on without re-encoding.
        bus = media.get_element().get_bus() if hasattr(media.get_element(), "get_bus") else None

        def on_eos(*_):
            media.get_element().seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, 0)

        if bus is not None:
            bus.add_signal_watch()
            bus.connect("message::eos", on_eos)

    factory.connect("media-configure", loop_at_end)

    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "camera-user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("camera-user", "media.factory.access", True)
        permissions.add_permission_for_role("camera-user", "media.factory.construct", True)
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print(f"could not listen on port {args.port}", file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"listening on {args.port}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
