"""Builds the PutMetricData request botocore would send, without sending it, and prints it as JSON.

Reads on stdin: {"region": ..., "params": <put_metric_data keyword arguments, timestamps as ISO 8601 text,
floats as {"double_bits": <IEEE 754 bits as a signed 64-bit integer>}>}.
Writes on stdout: {"protocol": ..., "content_type": ..., "body": ...}. Run with Debian's /usr/bin/python3
(python3-botocore).
"""
import datetime
import json
import struct
import sys

import botocore.session


class Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def capture(request, **_):
    raise Captured(request)


def decode(value):
    """Turns {"double_bits": n} into the float with those IEEE 754 bits (JSON would make 2.0 an int)."""
    if isinstance(value, dict):
        if set(value) == {"double_bits"}:
            return struct.unpack("<d", struct.pack("<q", value["double_bits"]))[0]
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def to_datetimes(params):
    for datum in params.get("MetricData", []):
        if "Timestamp" in datum:
            datum["Timestamp"] = datetime.datetime.fromisoformat(datum["Timestamp"])
    return params


def main():
    call = json.load(sys.stdin)
    session = botocore.session.get_session()
    client = session.create_client(
        "cloudwatch",
        region_name=call["region"],
        aws_access_key_id="AKIDBOTOCOREEXAMPLE",
        aws_secret_access_key="not-used-for-the-body",
    )
    client.meta.events.register("before-send.cloudwatch.PutMetricData", capture)
    try:
        client.put_metric_data(**to_datetimes(decode(call["params"])))
    except Captured as captured:
        request = captured.request
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else request.body
        json.dump({
            "protocol": client.meta.service_model.protocol,
            "botocore": botocore.__version__,
            "url": request.url,
            "content_type": request.headers.get("Content-Type").decode() if isinstance(request.headers.get("Content-Type"), bytes) else request.headers.get("Content-Type"),
            "body": body,
        }, sys.stdout)
        return 0
    print("botocore sent nothing", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
