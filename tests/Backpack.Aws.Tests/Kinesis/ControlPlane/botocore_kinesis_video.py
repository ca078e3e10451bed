"""Builds the request botocore would send for one Kinesis Video Streams call, without sending it, and prints it as JSON.

Reads on stdin: {"service": "kinesisvideo" | "kinesis-video-archived-media", "operation": <botocore method name>,
"region": ..., "endpoint_url": <URL or null>, "params": <keyword arguments>}.
Writes on stdout: {"protocol", "signing_name", "method", "url", "content_type", "body"}. Run with Debian's
/usr/bin/python3 (python3-botocore).
"""
import json
import sys

import botocore.session


class Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def capture(request, **_):
    raise Captured(request)


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def main():
    call = json.load(sys.stdin)
    session = botocore.session.get_session()
    client = session.create_client(
        call["service"],
        region_name=call["region"],
        endpoint_url=call.get("endpoint_url"),
        aws_access_key_id="AKIDBOTOCOREEXAMPLE",
        aws_secret_access_key="not-used-for-the-body",
    )
    client.meta.events.register("before-send", capture)
    try:
        getattr(client, call["operation"])(**call["params"])
    except Captured as captured:
        request = captured.request
        json.dump({
            "protocol": client.meta.service_model.protocol,
            "signing_name": client.meta.service_model.signing_name,
            "botocore": botocore.__version__,
            "method": request.method,
            "url": request.url,
            "content_type": text(request.headers.get("Content-Type")),
            "body": text(request.body),
        }, sys.stdout)
        return 0
    print("botocore sent nothing", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
